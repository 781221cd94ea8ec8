from __future__ import annotations

import sqlite3

from tests.e2e.harness import Harness


def stored_settings(harness: Harness) -> dict | None:
    with sqlite3.connect(harness.database_path) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT * FROM guild_settings").fetchone()
        return dict(row) if row else None


async def test_setup_show_for_an_admin_gives_the_defaults(harness: Harness):
    reply = await harness.ask("setup show", user=harness.world.admin)
    assert reply.ephemeral
    assert "Year starts on\n1 April" in reply.text
    assert "¥3,000" in reply.text
    assert "300–600" in reply.text
    assert stored_settings(harness) is None  # reading changes nothing


async def test_setup_show_in_japanese(harness: Harness):
    reply = await harness.ask("setup show", user=harness.world.admin, locale="ja")
    assert "年度の始まり\n4月1日" in reply.text
    assert "3,000円" in reply.text


async def test_setup_channels_by_an_admin_is_saved_and_audited(harness: Harness):
    world = harness.world
    moderation, announcements = (
        world.guild.channel("moderation"),
        world.guild.channel("announcements"),
    )
    reply = await harness.ask(
        "setup channels", user=world.admin, moderation=moderation, announcements=announcements
    )
    assert reply.ephemeral
    assert reply.content.startswith("Saved.")
    assert moderation.mention in reply.text and announcements.mention in reply.text
    stored = stored_settings(harness)
    assert stored["moderation_channel_id"] == moderation.id
    assert stored["announcement_channel_id"] == announcements.id
    with sqlite3.connect(harness.database_path) as conn:
        actions = conn.execute("SELECT action, actor_id FROM audit_log").fetchall()
    assert actions == [("setup.channels", world.admin.id)]


async def test_setup_refused_for_a_member_changes_nothing(harness: Harness):
    world = harness.world
    for user in (world.member, world.staff, world.guest):
        reply = await harness.ask(
            "setup channels", user=user, moderation=world.guild.channel("general")
        )
        assert reply.ephemeral
        assert reply.content == (
            "Only server administrators (with the Manage Server permission) can do this."
        )
    reply = await harness.ask("setup rules", user=world.member, locale="ja", amount=0)
    assert "サーバーの管理者" in reply.content
    assert stored_settings(harness) is None


async def test_setup_channels_refuses_a_channel_the_bot_cannot_post_in(harness: Harness):
    channel = harness.world.guild.channel("read-only")
    reply = await harness.ask("setup channels", user=harness.world.admin, announcements=channel)
    assert "I cannot post in" in reply.content and "Send Messages" in reply.content
    ja = await harness.ask(
        "setup channels", user=harness.world.admin, locale="ja", announcements=channel
    )
    assert "ボットに次の権限がありません：メッセージを送信" in ja.content
    assert ", " not in ja.content
    assert stored_settings(harness) is None


async def test_setup_roles_and_its_refusals(harness: Harness):
    guild = harness.world.guild
    admin = harness.world.admin
    reply = await harness.ask("setup roles", user=admin, staff=guild.everyone)
    assert "cannot be @everyone" in reply.content
    reply = await harness.ask("setup roles", user=admin, member=guild.role("Moderator"))
    assert "my highest role must be above" in reply.content
    reply = await harness.ask("setup roles", user=admin, member=guild.role("kifa-bot"))
    assert "managed by Discord" in reply.content
    assert stored_settings(harness) is None

    reply = await harness.ask(
        "setup roles", user=admin, staff=guild.role("Staff"), member=guild.role("Member")
    )
    assert reply.content.startswith("Saved.")
    stored = stored_settings(harness)
    assert (stored["staff_role_id"], stored["member_role_id"]) == (
        guild.role("Staff").id,
        guild.role("Member").id,
    )


async def test_setup_rules_validates_and_saves(harness: Harness):
    admin = harness.world.admin
    reply = await harness.ask("setup rules", user=admin, min_length=700)
    assert reply.content == (
        "The shortest report (700) cannot be longer than the longest (600). Nothing was changed."
    )
    assert stored_settings(harness) is None

    reply = await harness.ask(
        "setup rules",
        user=admin,
        fiscal_year_start=1,
        amount=5000,
        min_length=200,
        max_length=800,
        deadline_days=30,
    )
    assert "Year starts on\n1 January" in reply.text and "¥5,000" in reply.text
    assert "30 days after the last day of the trip" in reply.text
    stored = stored_settings(harness)
    assert (
        stored["fiscal_year_start_month"],
        stored["subsidy_amount_yen"],
        stored["report_min_units"],
        stored["report_max_units"],
        stored["report_deadline_days"],
    ) == (1, 5000, 200, 800, 30)

    reply = await harness.ask("setup rules", user=admin, deadline_days=0)
    assert stored_settings(harness)["report_deadline_days"] is None
    reply = await harness.ask("setup rules", user=admin)
    assert reply.content == "Nothing to change: give at least one option."


async def test_staff_role_holders_are_staff_but_not_admins(harness: Harness):
    world = harness.world
    await harness.ask("setup roles", user=world.admin, staff=world.guild.role("Staff"))
    reply = await harness.ask("help", user=world.staff)
    assert "For staff" not in reply.text or "For administrators" not in reply.text
    reply = await harness.ask("setup show", user=world.staff)
    assert (
        reply.content
        == "Only server administrators (with the Manage Server permission) can do this."
    )


async def test_setup_in_direct_messages_is_refused_politely(harness: Harness):
    interaction = await harness.command("setup show", user=harness.world.admin, in_guild=False)
    reply = await interaction.reply()
    assert reply.content == "This command works only inside the association's Discord server."
