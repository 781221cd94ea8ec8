from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.domain.fiscal import FiscalYear
from tests.e2e.fake_discord.interactions import Attachment
from tests.e2e.harness import Harness


def rows(harness: Harness, sql: str) -> list[tuple]:
    return harness.query(sql)


def role_calls(harness: Harness, method: str, user_id: int) -> list:
    return [
        c
        for c in harness.fake.calls
        if c.method == method and f"/members/{user_id}/roles/" in c.path
    ]


async def role_change(harness: Harness, method: str, user_id: int):
    return await harness.fake.wait_for_call(
        lambda c: c.method == method and f"/members/{user_id}/roles/" in c.path
    )


async def test_member_add_registers_for_this_fiscal_year_and_gives_the_role(harness: Harness):
    world = harness.world
    await harness.configure()
    reply = await harness.ask("member add", user=world.staff, options={"user": world.guest})
    assert reply.ephemeral
    year = FiscalYear.containing(harness.clock.today(), 4)
    assert f"Registered <@{world.guest.id}> as a member for 1 April {year.year}" in reply.content
    assert f"31 March {year.year + 1}" in reply.content
    assert (await role_change(harness, "PUT", world.guest.id)).status == 204
    assert world.guild.role("Member") in world.guild.member(world.guest).roles
    assert rows(harness, "SELECT kind, actor_id FROM membership_events") == [
        ("registered", world.staff.id)
    ]
    assert rows(harness, "SELECT valid_from, expires FROM membership_periods") == [
        (year.start.isoformat(), year.end.isoformat())
    ]
    await harness.outbox_settled()
    assert rows(harness, "SELECT state FROM outbox") == [("delivered",)]


async def test_member_add_twice_renews_once_and_never_asks_for_the_role_again(harness: Harness):
    world = harness.world
    await harness.configure()
    await harness.register(world.guest)
    await role_change(harness, "PUT", world.guest.id)
    again = await harness.ask("member add", user=world.staff, options={"user": world.guest})
    assert "Nothing was changed" in again.content
    renewed = await harness.ask(
        "member add",
        user=world.staff,
        locale="ja",
        options={"user": world.guest, "number": "K-0042", "expires": "2030年3月31日"},
    )
    assert "更新しました" in renewed.content and "2030年3月31日" in renewed.content
    assert "K-0042" in renewed.content
    kinds = [k for (k,) in rows(harness, "SELECT kind FROM membership_events ORDER BY id")]
    assert kinds == ["registered", "renewed"]
    assert len(role_calls(harness, "PUT", world.guest.id)) == 1
    assert rows(harness, "SELECT count(*) FROM outbox") == [(1,)]


async def test_member_remove_ends_the_membership_keeps_history_and_takes_the_role(
    harness: Harness,
):
    world = harness.world
    await harness.configure()
    await harness.register(world.guest)
    await role_change(harness, "PUT", world.guest.id)
    reply = await harness.ask("member remove", user=world.staff, options={"user": world.guest})
    assert "Ended" in reply.content
    await role_change(harness, "DELETE", world.guest.id)
    assert world.guild.role("Member") not in world.guild.member(world.guest).roles
    kinds = [k for (k,) in rows(harness, "SELECT kind FROM membership_events ORDER BY id")]
    assert kinds == ["registered", "ended"]
    again = await harness.ask("member remove", user=world.staff, options={"user": world.guest})
    assert again.content == "That user has no current membership to end."


async def test_member_commands_are_refused_to_members_and_guests(harness: Harness):
    world = harness.world
    await harness.configure()
    for user in (world.member, world.guest):
        reply = await harness.ask("member add", user=user, options={"user": user})
        assert reply.content == "Only the association's staff can do this."
        reply = await harness.ask("member list", user=user, locale="ja")
        assert "スタッフ" in reply.content
    assert rows(harness, "SELECT count(*) FROM membership_periods") == [(0,)]


async def test_member_add_refuses_bad_dates_and_bots(harness: Harness):
    world = harness.world
    await harness.configure()
    reply = await harness.ask(
        "member add", user=world.staff, options={"user": world.guest, "since": "2025-02-31"}
    )
    assert reply.content == "“2025-02-31” is not a date that exists. Check the day and month."
    reply = await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.guest, "since": "2026-04-01", "expires": "2025-03-31"},
    )
    assert "before it starts" in reply.content
    reply = await harness.ask("member add", user=world.staff, options={"user": world.bot_user})
    assert "is a bot" in reply.content
    assert rows(harness, "SELECT count(*) FROM membership_periods") == [(0,)]


async def test_member_list_shows_the_registry_with_a_csv(harness: Harness):
    world = harness.world
    await harness.configure()
    empty = await harness.ask("member list", user=world.staff)
    assert "No members are registered yet" in empty.content
    await harness.ask(
        "member add", user=world.staff, options={"user": world.member, "number": "=A-1"}
    )
    await harness.register(world.member2)
    reply = await harness.ask("member list", user=world.staff)
    assert "Member registry (2)" in reply.text
    assert f"Member (Discord display name) · <@{world.member.id}> · =A-1" in reply.text
    call = next(c for c in harness.fake.calls if c.files.get("members.csv"))
    text = call.files["members.csv"].decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [
        "Name", "Reading", "Name source", "Membership number", "Since", "Expires", "Status",
        "Discord user ID",
    ]  # fmt: skip
    assert table[1][0] == "Member" and table[1][2] == "Discord display name"
    assert table[1][3] == "'=A-1"  # no formula
    assert table[1][6] == "active" and table[1][7] == str(world.member.id) and len(table) == 3


async def test_member_import_keeps_good_rows_reports_bad_ones_and_is_idempotent(
    harness: Harness,
):
    world = harness.world
    await harness.configure()
    data = (
        "discord user id,membership number,expires\n"
        f"{world.guest.id},K-1,2027-03-31\n"
        "not-a-number,K-2,2027-03-31\n"
        f"{world.member2.id},K-3,2027-02-30\n"
        f"{world.guest.id},K-4,\n"
        f"{world.member.id},,\n"
    ).encode()
    interaction = await harness.command(
        "member import", user=world.staff, file=Attachment("members.csv", data)
    )
    reply = await interaction.reply()
    assert (await interaction.callback()).body["type"] == 5  # deferred before the work
    assert "2 registered, 0 renewed, 0 unchanged, 3 rows with problems" in reply.content
    assert "Line 3: “not-a-number” is not a Discord user ID" in reply.content
    assert "Line 4: “2027-02-30” is not a date that exists" in reply.content
    assert "Line 5: this user is already listed on line 2." in reply.content
    again = await (
        await harness.command(
            "member import", user=world.staff, file=Attachment("members.csv", data)
        )
    ).reply()
    assert "0 registered, 0 renewed, 2 unchanged, 3 rows with problems" in again.content
    assert rows(harness, "SELECT count(*) FROM membership_periods") == [(2,)]


async def test_member_import_without_a_header_imports_nothing(harness: Harness):
    world = harness.world
    await harness.configure()
    data = f"{world.guest.id},K-1,2027-03-31\n".encode()
    reply = await (
        await harness.command("member import", user=world.staff, file=Attachment("m.csv", data))
    ).reply()
    assert "needs a header row" in reply.content
    assert rows(harness, "SELECT count(*) FROM members") == [(0,)]


async def test_member_import_reads_a_shift_jis_file_with_japanese_headers(harness: Harness):
    world = harness.world
    await harness.configure()
    data = f"ユーザーID,会員番号,有効期限\n{world.guest.id},草津-7,令和9年3月31日\n".encode("cp932")
    reply = await (
        await harness.command(
            "member import", user=world.staff, locale="ja", file=Attachment("m.csv", data)
        )
    ).reply()
    assert "新規登録1名" in reply.content
    assert rows(harness, "SELECT number, expires FROM membership_periods") == [
        ("草津-7", "2027-03-31")
    ]


async def test_expiry_takes_the_role_on_the_next_day_even_across_a_restart(harness: Harness):
    world = harness.world
    await harness.configure()
    today = harness.clock.today()
    reply = await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.guest, "since": today.isoformat(), "expires": today.isoformat()},
    )
    assert "Registered" in reply.content
    await role_change(harness, "PUT", world.guest.id)
    harness.clock.advance(timedelta(days=1))
    await harness.restart()
    await role_change(harness, "DELETE", world.guest.id)
    assert world.guild.role("Member") not in world.guild.member(world.guest).roles
    kinds = [k for (k,) in rows(harness, "SELECT kind FROM membership_events ORDER BY id")]
    assert kinds == ["registered", "expired"]
    await harness.restart()  # a second catch-up finds nothing more to do
    assert len(role_calls(harness, "DELETE", world.guest.id)) == 1
    kinds = [k for (k,) in rows(harness, "SELECT kind FROM membership_events ORDER BY id")]
    assert kinds == ["registered", "expired"]


async def test_a_role_change_refused_by_discord_is_recorded_not_retried(harness: Harness):
    world = harness.world
    await harness.configure()
    harness.fake.fail("PUT", r"/guilds/\d+/members/\d+/roles/\d+", 403, body={"code": 50013})
    await harness.register(world.guest)
    await role_change(harness, "PUT", world.guest.id)
    await harness.outbox_settled()
    [(state, error)] = rows(harness, "SELECT state, last_error FROM outbox")
    assert state == "failed" and error.startswith("403")
    assert world.guild.role("Member") not in world.guild.member(world.guest).roles
    assert len(role_calls(harness, "PUT", world.guest.id)) == 1


async def test_a_role_change_is_retried_after_a_server_error(harness: Harness):
    world = harness.world
    await harness.configure()
    harness.fake.fail("PUT", r"/guilds/\d+/members/\d+/roles/\d+", 503, times=1)
    await harness.register(world.guest)
    call = await harness.fake.wait_for_call(
        lambda c: c.method == "PUT" and "/roles/" in c.path and c.status == 204, timeout=10
    )
    assert call.status == 204
    assert world.guild.role("Member") in world.guild.member(world.guest).roles
