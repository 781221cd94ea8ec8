from __future__ import annotations

import logging
import sqlite3

from tests.e2e.harness import REFERENCE, Harness


def lose_the_settings_table(harness: Harness) -> None:
    """A real fault from outside: the table disappears under the running bot."""
    with sqlite3.connect(harness.database_path) as conn:
        conn.execute("ALTER TABLE guild_settings RENAME TO lost")


async def test_an_unexpected_error_gets_an_ephemeral_answer_with_a_reference(
    harness: Harness, caplog
):
    lose_the_settings_table(harness)
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        reply = await harness.ask("setup show", user=harness.world.admin, locale="en-US")
    assert reply.ephemeral
    assert reply.content.startswith("Sorry, something went wrong on our side.")
    reference = REFERENCE.search(reply.content).group(0)
    logged = [r for r in caplog.records if reference in r.getMessage()]
    assert logged and logged[0].exc_info is not None  # the traceback is in the log with the id


async def test_the_error_answer_is_in_japanese_for_a_japanese_user(harness: Harness):
    lose_the_settings_table(harness)
    reply = await harness.ask("setup show", user=harness.world.admin, locale="ja")
    assert "申し訳ありません" in reply.content
    assert REFERENCE.search(reply.content)


async def test_a_failing_autocomplete_answers_with_no_choices_and_logs_a_reference(
    harness: Harness, caplog
):
    with sqlite3.connect(harness.database_path) as conn:
        conn.execute("ALTER TABLE trips RENAME TO lost")
    with caplog.at_level(logging.ERROR, logger="bot.errors"):
        choices = await harness.autocomplete("trip cancel", "trip", "", user=harness.world.member)
    assert choices == []
    assert any("Unexpected error, reference" in r.getMessage() for r in caplog.records)
