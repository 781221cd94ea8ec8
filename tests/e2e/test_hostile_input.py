"""Hostile text through every free-text option of every command and every modal field.

The options are not listed by hand: they are read from the command set the bot synced, so a new
command's text options are covered the day it is added. Each input must be answered (no
"something went wrong" with a reference), no answer may ping anyone, and what is stored must be
clean: no control, zero-width or direction-changing characters, and SQL kept as plain text.
"""

from __future__ import annotations

import asyncio
import logging
import unicodedata
from collections.abc import Awaitable

import pytest

from tests.e2e.fake_discord.interactions import STRING, SUB_COMMAND, SUB_COMMAND_GROUP
from tests.e2e.harness import Harness, Message
from tests.e2e.invariants import assert_nothing_pings
from tests.e2e.reporting import ENGLISH_400, member_with_trip, report_id, review_post, submit

CORPUS = [
    "x" * 4000,  # cut to each option's max_length below, as Discord's client does
    "   ",
    "\x00\x07\x1b[31mred\x1b[0m\x7f",
    "\u202eevil\u202c text \u2066isolated\u2069 \u200f",
    "\u200b\u200c\u200d\ufeffzero\u200bwidth",
    "@everyone @here <@&1> <@1100000000000000001>",
    "[click me](https://evil.example/steal) **bold** ||spoiler|| `code`",
    "'; DROP TABLE members; --",
    "1 OR 1=1; SELECT * FROM reports",
    "草津\u0301 👩‍👩‍👧 \U0001f600" * 3,
    "2025-02-30",
    "\n\n\n",
]
UNWANTED = {0x200B, 0x200E, 0x200F, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}

# Valid values for the options that are not under test, so that the hostile one is reached.
FILLERS = {
    "city": "pontiac",
    "start": "2025-08-03",
    "question": "Pontiac?",
    "reason": "Typo.",
    "grant": "1",
    "method": "cash",
}


def text_options(commands: dict[str, dict]) -> list[tuple[str, dict, list[dict]]]:
    """(command path, the string option, the path's other options) for every string option."""
    found = []

    def walk(path: str, options: list[dict]) -> None:
        for option in options:
            if option["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP):
                walk(f"{path} {option['name']}", option.get("options") or [])
        leaves = [o for o in options if o["type"] not in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        for option in leaves:
            if option["type"] == STRING and not option.get("choices"):  # choices: not typed
                found.append((path, option, [o for o in leaves if o is not option]))

    for name, command in commands.items():
        walk(name, command.get("options") or [])
    return found


def clipped(value: str, option: dict) -> str:
    return value[: option.get("max_length", 6000)]


def clean(value: str) -> bool:
    return not any(
        ord(c) in UNWANTED or (unicodedata.category(c) == "Cc" and c != "\n") for c in value
    )


async def answered_without_error(reply_coming: Awaitable[Message]) -> Message:
    reply = await asyncio.wait_for(reply_coming, 10)
    assert not reply.content.startswith("Sorry, something went wrong"), reply.content
    return reply


@pytest.fixture
async def association(harness: Harness) -> str:
    """A member with a trip and an approved report (so a grant exists): every command has
    something to work on."""
    trip = await member_with_trip(harness)
    rid = report_id(await submit(harness, harness.world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    await (await harness.click(post, f"report:{rid}:approve", user=harness.world.staff)).reply()
    await harness.outbox_settled()
    return trip


async def test_every_text_option_takes_hostile_input(
    harness: Harness, association: str, caplog: pytest.LogCaptureFixture
):
    world = harness.world
    options = text_options(harness.fake.commands)
    assert len(options) >= 10, "the walk over the synced commands found too few text options"
    with caplog.at_level(logging.ERROR):
        for path, option, others in options:
            user = {"setup": world.admin, "trip": world.member, "report": world.member}.get(
                path.split()[0], world.staff
            )
            for value in CORPUS:
                typed = {option["name"]: clipped(value, option)}
                for other in others:
                    if other.get("required") and other["name"] in FILLERS:
                        typed[other["name"]] = FILLERS[other["name"]]
                    elif other.get("required") and other["name"] == "user":
                        typed["user"] = world.member2
                if any(o.get("required") and o["name"] not in typed for o in others):
                    continue  # needs a user, a channel or a file: not a text input
                command = await harness.command(path, user=user, options=typed)
                await answered_without_error(command.reply())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert_nothing_pings(harness)
    assert_stored_clean(harness)


async def test_every_modal_field_takes_hostile_input(
    harness: Harness, association: str, caplog: pytest.LogCaptureFixture
):
    world = harness.world
    with caplog.at_level(logging.ERROR):
        for n, value in enumerate(CORPUS):
            year = harness.clock.today().year - 1
            day = f"{year}-09-{n + 1:02d}"
            logged = await harness.ask("trip log", user=world.member, city="kanonji", start=day)
            assert logged.content.startswith("Trip logged"), logged.content
            choices = await harness.autocomplete("report submit", "trip", "", user=world.member)
            trip = choices[0]["value"]
            title, body = value[:100], (value + " " + ENGLISH_400)[:4000]
            reply = await answered_without_error(
                submit(harness, world.member, trip, body, title=title or "t")
            )
            if "#" not in reply.content:
                continue  # refused (too long with the padding): answered, nothing to review
            rid = report_id(reply)
            post = await review_post(harness, rid)
            click = await harness.click(post, f"report:{rid}:changes", user=world.staff)
            modal = await click.modal()
            reason = value[:1000].strip() or "x"
            sent = await harness.submit_modal(modal, {"reason": reason}, user=world.staff)
            await answered_without_error(sent.reply())
        await harness.outbox_settled()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert_nothing_pings(harness)
    assert_stored_clean(harness)


def assert_stored_clean(harness: Harness) -> None:
    assert harness.query("PRAGMA integrity_check") == [("ok",)]
    assert harness.query("SELECT count(*) FROM members")[0][0] >= 1  # the tables are all there
    for table, column in [
        ("trips", "note"),
        ("reports", "title"),
        ("reports", "body"),
        ("reports", "reason"),
        ("grants", "void_reason"),
        ("grants", "paid_method"),
        ("report_drafts", "body"),
        ("membership_periods", "number"),
        ("members", "name"),
        ("members", "name_reading"),
    ]:
        for (value,) in harness.query(f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"):
            assert clean(value), f"{table}.{column} stored {value[:80]!r}"
