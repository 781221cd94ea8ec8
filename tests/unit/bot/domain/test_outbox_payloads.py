"""The outbox's stored payloads: what one release writes, the next reads back, or refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.outbox import (
    KINDS,
    DirectMessage,
    Edit,
    MessageRef,
    PayloadError,
    Post,
    RoleChange,
    decode,
    encode,
    kind_of,
    target_of,
)

ids = st.integers(min_value=0, max_value=2**63 - 1)
refs = st.builds(
    MessageRef,
    st.text(min_size=1, max_size=20),
    ids,
    st.dictionaries(st.sampled_from(["report_id", "grant_id", "trip_id"]), ids),
)
payloads = st.one_of(
    st.builds(RoleChange, ids, ids),
    st.builds(Post, ids, refs),
    st.builds(Edit, ids, ids, refs),
    st.builds(DirectMessage, ids, refs),
)


@given(payloads, st.booleans())
def test_what_is_written_reads_back_the_same(payload, hold: bool) -> None:
    kind = kind_of(payload, hold=hold)
    assert kind in KINDS
    assert decode(kind, encode(payload)) == payload


def test_rows_written_before_versions_read_as_version_one() -> None:
    old = '{"user_id": 5, "message": {"render": "decision_dm", "guild_id": 1, "report_id": 7}}'
    assert decode("dm", old) == DirectMessage(5, MessageRef("decision_dm", 1, {"report_id": 7}))


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("dm", '{"v": 2, "user_id": 5, "message": {"render": "x", "guild_id": 1}}'),
        ("dm", '{"user_id": "5", "message": {"render": "x", "guild_id": 1}}'),
        ("dm", '{"user_id": 5}'),
        ("dm", '{"user_id": 5, "message": {"render": "x", "guild_id": 1, "id": "1; DROP"}}'),
        ("dm", "not json"),
        ("dm", "[1, 2]"),
        ("role.add", '{"user_id": 5, "role_id": true}'),
        ("message.post", '{"channel_id": 5, "message": "hello"}'),
        ("carrier.pigeon", '{"user_id": 5}'),
    ],
)
def test_what_this_release_cannot_read_is_refused_with_the_reason(kind: str, text: str) -> None:
    with pytest.raises(PayloadError):
        decode(kind, text)


def test_rows_of_one_member_or_channel_share_a_target() -> None:
    ref = MessageRef("x", 1)
    assert target_of(1, RoleChange(5, 9)) == target_of(1, DirectMessage(5, ref)) == "member:1:5"
    assert target_of(1, Post(3, ref)) == target_of(1, Edit(3, 8, ref)) == "channel:3"
    assert target_of(2, RoleChange(5, 9)) != target_of(1, RoleChange(5, 9))
