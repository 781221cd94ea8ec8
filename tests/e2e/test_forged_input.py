"""Ids and places as forged clients, old clients and careless people send them.

Every id the bot reads from an option, an autocomplete value or a custom id names an object of
this member in this server, or gets the same polite "cannot find" answer (never the generic error,
never someone else's object). Commands registered for the server are refused, politely and
correctly, when they arrive from anywhere else. A button nobody knows is answered.
"""

from __future__ import annotations

import pytest

from bot.i18n import t
from tests.e2e.fake_discord.interactions import (
    Attachment,
    command_data,
    component_data,
    envelope,
    modal_data,
)
from tests.e2e.fake_discord.models import Role, User
from tests.e2e.harness import Harness, Interaction
from tests.e2e.reporting import (
    ENGLISH_400,
    finished_trip,
    member_with_trip,
    report_id,
    review_post,
    submit,
)

TOO_BIG = "99999999999999999999"  # 20 digits: past SQLite's INTEGER
FORGED_IDS = [TOO_BIG, str(2**63), "0", "-3", "²", "1e3", "12abc", "#"]
UNKNOWN_TRIP = "I cannot find that trip among yours"
UNKNOWN_REPORT = "I cannot find that report"
UNKNOWN_GRANT = "I cannot find that grant"
SERVER_ONLY = t("en", "error.guild_only")


async def click(harness: Harness, custom_id: str, user: User, *, in_guild: bool = True):
    """A click on a button with ``custom_id``, whatever the message that carries it."""
    payload = envelope(harness.fake, 3, user, component_data(custom_id), in_guild=in_guild)
    payload["message"] = harness.fake._new_message(
        int(payload["channel_id"]),
        {
            "components": [
                {"type": 1, "components": [{"type": 2, "style": 1, "custom_id": custom_id}]}
            ]
        },
    )
    return await harness.send(payload)


async def send_form(
    harness: Harness, custom_id: str, values: dict[str, str], user: User, *, in_guild: bool = True
) -> Interaction:
    data = modal_data(custom_id, values)
    return await harness.send(envelope(harness.fake, 5, user, data, in_guild=in_guild))


@pytest.fixture
async def approved(harness: Harness) -> str:
    """A member's approved report, and its grant; returns the report id."""
    await harness.configure()
    await harness.register(harness.world.member, since=f"{harness.clock.today().year - 2}-04-01")
    trip = await finished_trip(harness, harness.world.member)
    rid = report_id(await submit(harness, harness.world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    await (await harness.click(post, f"report:{rid}:approve", user=harness.world.staff)).reply()
    await harness.outbox_settled()
    assert harness.query("SELECT count(*) FROM grants") == [(1,)]
    return rid


async def test_forged_ids_in_options_get_the_cannot_find_answer(harness: Harness, approved: str):
    world = harness.world
    audit_before = harness.query("SELECT count(*) FROM audit_log")
    for forged in FORGED_IDS:
        cases = [
            ("trip cancel", world.member, {"trip": forged}, UNKNOWN_TRIP),
            ("report submit", world.member, {"trip": forged}, UNKNOWN_TRIP),
            ("report withdraw", world.member, {"report": forged}, UNKNOWN_REPORT),
            ("subsidy paid", world.staff, {"grant": forged, "method": "cash"}, UNKNOWN_GRANT),
            ("subsidy void", world.staff, {"grant": forged, "reason": "x"}, UNKNOWN_GRANT),
        ]
        for path, user, options, expected in cases:
            reply = await harness.ask(path, user=user, options=options)
            assert reply.ephemeral and reply.content.startswith(expected), (path, forged, reply)
    assert harness.query("SELECT count(*) FROM audit_log") == audit_before


async def test_ids_as_people_type_them_are_understood(harness: Harness, approved: str):
    grant = harness.query("SELECT id FROM grants")[0][0]
    reply = await harness.ask(
        "subsidy paid", user=harness.world.staff, grant=f" ＃{grant} ", method="cash"
    )
    assert reply.content.startswith(f"Grant #{grant} marked paid"), reply.content


async def test_another_members_objects_are_as_unknown_as_nothing(harness: Harness, approved: str):
    world = harness.world
    await harness.register(world.member2)
    trip = harness.query("SELECT id FROM trips WHERE user_id = ?", (world.member.id,))[0][0]
    for path, options, expected in [
        ("trip cancel", {"trip": str(trip)}, UNKNOWN_TRIP),
        ("report submit", {"trip": str(trip)}, UNKNOWN_TRIP),
        ("report withdraw", {"report": approved}, UNKNOWN_REPORT),
    ]:
        reply = await harness.ask(path, user=world.member2, options=options)
        assert reply.content.startswith(expected), (path, reply.content)
        japanese = await harness.ask(path, user=world.member2, locale="ja", options=options)
        assert "見つかりませんでした" in japanese.content, japanese.content


async def test_forged_ids_in_buttons_and_forms_get_the_cannot_find_answer(
    harness: Harness, approved: str
):
    world = harness.world
    for forged in [TOO_BIG, str(2**63), "0", "00000000000000000000"]:
        for action in ("approve", "changes", "reject"):
            answer = await (await click(harness, f"report:{forged}:{action}", world.staff)).reply()
            assert answer.content.startswith(UNKNOWN_REPORT), answer.content
        answer = await (await click(harness, f"report:write:{forged}", world.member)).reply()
        assert answer.content.startswith(UNKNOWN_TRIP), answer.content
        sent = await send_form(
            harness, f"report:form:{forged}", {"body": ENGLISH_400}, world.member
        )
        assert (await sent.reply()).content.startswith(UNKNOWN_TRIP)
        sent = await send_form(
            harness, f"report:reason:{forged}:reject", {"reason": "x"}, world.staff
        )
        assert (await sent.reply()).content.startswith(UNKNOWN_REPORT)


async def test_a_member_in_a_direct_message_is_told_where_it_works(harness: Harness):
    world = harness.world
    await member_with_trip(harness)
    for path in ("trip list", "report status", "subsidy mine", "report submit", "member list"):
        options = {"trip": "1"} if path == "report submit" else {}
        command = await harness.command(path, user=world.member, in_guild=False, options=options)
        reply = await command.reply()
        assert reply.ephemeral and reply.content == SERVER_ONLY, (path, reply.content)
        japanese = await harness.command(
            path, user=world.member, in_guild=False, locale="ja", options=options
        )
        assert (await japanese.reply()).content == t("ja", "error.guild_only")
    choices = await autocomplete_in_dm(harness, "trip cancel", "trip", world.member)
    assert choices == []
    help_reply = await (await harness.command("help", user=world.member, in_guild=False)).reply()
    assert "/trip log" in help_reply.text  # /help stays available everywhere


async def autocomplete_in_dm(harness: Harness, path: str, option: str, user: User) -> list:
    data = command_data(harness.fake, path, {option: ""}, focused=option)
    data.pop("guild_id", None)
    interaction = await harness.send(envelope(harness.fake, 4, user, data, in_guild=False))
    callback = await interaction.callback()
    assert callback.body["type"] == 8
    return callback.body["data"]["choices"]


async def test_buttons_and_forms_from_a_direct_message_are_told_where_they_work(
    harness: Harness, approved: str
):
    world = harness.world
    server_only = "This button or form works only inside the association's server."
    answer = await (
        await click(harness, f"report:{approved}:approve", world.staff, in_guild=False)
    ).reply()
    assert answer.content == server_only
    answer = await (await click(harness, "report:write:1", world.member, in_guild=False)).reply()
    assert answer.content == server_only
    sent = await send_form(harness, "report:form:1", {"body": "x"}, world.member, in_guild=False)
    assert (await sent.reply()).content == server_only


async def test_every_member_staff_and_admin_command_is_registered_for_the_server_only(
    harness: Harness,
):
    synced = {c["name"]: c for _, payload in harness.fake.command_syncs for c in payload}
    assert set(synced) >= {"trip", "report", "subsidy", "member", "setup", "city", "help"}
    for name, command in synced.items():
        if name == "help":
            assert command.get("contexts") is None and command["dm_permission"] is True
        else:
            assert command["contexts"] == [0] and command["dm_permission"] is False, name


async def test_a_button_nobody_knows_is_answered(harness: Harness):
    answer = await (await click(harness, "poll:vote:3", harness.world.member)).reply()
    assert answer.ephemeral and answer.content.startswith("This button or form is no longer in use")
    sent = await send_form(harness, "survey:1", {"x": "y"}, harness.world.member)
    assert (await sent.reply()).content.startswith("This button or form is no longer in use")


async def test_roles_and_channels_of_another_server_are_refused(harness: Harness):
    world = harness.world
    await harness.configure()
    before = harness.query("SELECT staff_role_id, moderation_channel_id FROM guild_settings")
    ghost = Role("Elsewhere", id=2**63 + 11)
    reply = await harness.ask("setup roles", user=world.admin, staff=ghost)
    assert reply.content.startswith("I cannot find that role in this server"), reply.content
    reply = await harness.ask("setup roles", user=world.admin, staff=Role("Other server"))
    assert reply.content.startswith("I cannot find that role in this server"), reply.content
    assert (
        harness.query("SELECT staff_role_id, moderation_channel_id FROM guild_settings") == before
    )


async def test_a_user_id_past_sqlites_range_is_refused(harness: Harness):
    await harness.configure()
    huge = User("huge", id=2**63 + 5)
    reply = await harness.ask("member add", user=harness.world.staff, options={"user": huge})
    assert reply.content.startswith("I cannot find that user"), reply.content
    reply = await harness.ask("member remove", user=harness.world.staff, options={"user": huge})
    assert reply.content.startswith("I cannot find that user"), reply.content


async def test_a_member_list_with_an_id_past_sqlites_range_reports_the_line(harness: Harness):
    await harness.configure()
    data = f"discord user id\n{TOO_BIG}\n{harness.world.member.id}\n".encode()
    reply = await harness.ask(
        "member import", user=harness.world.staff, file=Attachment("members.csv", data)
    )
    assert "1 registered" in reply.content and f"Line 2: “{TOO_BIG}”" in reply.content, reply


async def test_a_file_discord_cannot_hand_over_is_answered(harness: Harness):
    await harness.configure()
    fake = harness.fake
    data = command_data(fake, "member import", {"file": Attachment("members.csv", b"x")})
    fake.files.clear()  # expired, or Discord's file server is down
    sent = await harness.send(envelope(fake, 2, harness.world.staff, data))
    reply = await sent.reply()
    assert reply.content.startswith("I could not download the attached file"), reply.content
