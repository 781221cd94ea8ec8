"""The outbox's contract: what a queued Discord side effect says, in a versioned, typed form.

A row is written by one release of the bot and may be delivered by the next (after an upgrade, a
restore, or a long outage), so its payload is a small versioned document, checked when it is read
back. A message is never stored rendered: :class:`MessageRef` names the renderer that builds it
at delivery time and the ids it reads, so an edit always shows the current state.

Kinds and their payloads:

- ``role.add`` / ``role.remove``: :class:`RoleChange`
- ``message.post``: :class:`Post`; ``message.edit``: :class:`Edit`, whose ``source`` is the
  outbox row that posted the message being edited
- ``dm``: :class:`DirectMessage`
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

VERSION = 1


class PayloadError(ValueError):
    """A stored payload this release cannot read (another version, or not of its kind's shape)."""


@dataclass(frozen=True)
class MessageRef:
    """Which message to build at delivery: the renderer's name and the ids it reads."""

    render: str
    guild_id: int
    ids: Mapping[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


@dataclass(frozen=True)
class RoleChange:
    user_id: int
    role_id: int


@dataclass(frozen=True)
class Post:
    channel_id: int
    message: MessageRef


@dataclass(frozen=True)
class Edit:
    channel_id: int
    source: int
    message: MessageRef


@dataclass(frozen=True)
class DirectMessage:
    user_id: int
    message: MessageRef


Payload = RoleChange | Post | Edit | DirectMessage

KINDS: dict[str, type[Payload]] = {
    "role.add": RoleChange,
    "role.remove": RoleChange,
    "message.post": Post,
    "message.edit": Edit,
    "dm": DirectMessage,
}


def kind_of(payload: Payload, *, hold: bool = True) -> str:
    """The kind a payload is queued under (a role change says whether it gives or takes)."""
    if isinstance(payload, RoleChange):
        return "role.add" if hold else "role.remove"
    return {Post: "message.post", Edit: "message.edit", DirectMessage: "dm"}[type(payload)]


def target_of(guild_id: int, payload: Payload) -> str:
    """What a row is delivered in order with: rows for one target go out one at a time, oldest
    first (a member's role changes, or the posts and edits of one channel)."""
    if isinstance(payload, RoleChange | DirectMessage):
        return f"member:{guild_id}:{payload.user_id}"
    return f"channel:{payload.channel_id}"


def encode(payload: Payload) -> str:
    document: dict[str, Any] = {"v": VERSION}
    for name, value in vars(payload).items():
        if isinstance(value, MessageRef):
            value = {"render": value.render, "guild_id": value.guild_id, **value.ids}
        document[name] = value
    return json.dumps(document, ensure_ascii=False)


def decode(kind: str, text: str) -> Payload:
    """The payload of a stored row, checked against its kind's shape.

    Rows written before payloads carried a version have the same shape as version 1."""
    shape = KINDS.get(kind)
    if shape is None:
        raise PayloadError(f"unknown outbox kind {kind!r}")
    try:
        document = json.loads(text)
    except ValueError as error:
        raise PayloadError(f"unreadable payload: {error}") from None
    if not isinstance(document, dict) or document.pop("v", VERSION) != VERSION:
        raise PayloadError(f"a {kind} payload of another version: {text[:200]}")
    try:
        if "message" in document:
            document["message"] = _message(document["message"])
        payload = shape(**document)
    except (TypeError, KeyError, ValueError) as error:
        raise PayloadError(f"not a {kind} payload ({error}): {text[:200]}") from None
    for name, value in vars(payload).items():
        if name != "message" and not _is_id(value):
            raise PayloadError(f"{kind} payload field {name!r} is not an id: {text[:200]}")
    return payload


def _message(document: Any) -> MessageRef:
    if not isinstance(document, dict):
        raise ValueError("message is not an object")
    ids = dict(document)
    render, guild_id = ids.pop("render"), ids.pop("guild_id")
    if not isinstance(render, str) or not _is_id(guild_id) or not all(map(_is_id, ids.values())):
        raise ValueError("message names no renderer, or carries something other than ids")
    return MessageRef(render, guild_id, ids)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
