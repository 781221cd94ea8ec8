from __future__ import annotations

from tests.e2e.harness import Harness


async def test_help_in_english_for_a_member(harness: Harness):
    reply = await harness.ask("help", user=harness.world.member, locale="en-US")
    assert reply.ephemeral
    assert reply.embeds[0]["title"] == "Sister-city association bot"
    assert "How to start" in reply.text
    assert "`/help`" in reply.text
    # a member is not shown the administrators' commands
    assert "/setup" not in reply.text


async def test_help_in_japanese_follows_the_user_locale(harness: Harness):
    reply = await harness.ask("help", user=harness.world.member, locale="ja")
    assert reply.embeds[0]["title"] == "姉妹都市交流協会ボット"
    assert "はじめかた" in reply.text
    assert (
        "このボットでできることと、はじめかた" in reply.text
    )  # the command's Japanese description


async def test_help_shows_admin_commands_to_an_admin(harness: Harness):
    reply = await harness.ask("help", user=harness.world.admin)
    assert "For administrators" in reply.text
    assert "`/setup rules`" in reply.text


async def test_unknown_locale_falls_back_to_the_guild_language(harness: Harness):
    await harness.ask("setup rules", user=harness.world.admin, language="ja")
    reply = await harness.ask("help", user=harness.world.member, locale="fr")
    assert "はじめかた" in reply.text
    reply = await harness.ask("help", user=harness.world.member, locale="en-GB")
    assert "How to start" in reply.text


async def test_help_works_in_direct_messages(harness: Harness):
    interaction = await harness.command("help", user=harness.world.member, in_guild=False)
    reply = await interaction.reply()
    assert "How to start" in reply.text
