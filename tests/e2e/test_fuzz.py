"""The interaction surface, fuzzed: whatever Discord (or a forged client) sends, the bot answers.

Interactions are made up from what the bot declares (tests/e2e/fuzzing.py): every synced slash
command with random and boundary values in its options, autocomplete on every option that has it,
every registered button template and every modal template with random and boundary ids, in every
Discord locale, as a member, a second member, a guest, staff, an admin and the owner, in the
server, in a direct message and in a group DM. Each one must be:

- answered within Discord's 3 seconds, with an answer of a kind Discord accepts for it;
- never "something went wrong" (no error is logged at all);
- pinging nobody;
- when refused, leaving the database as it was (every table's rows, the audit log included).

The run is seeded. ``FUZZ_SEED=n`` replays a run, ``FUZZ_COUNT=n`` sets its length (default
1,500 interactions, 10 to 20 s here; ``FUZZ_SECONDS`` stops it early on a slow machine); a failure
names its seed and each interaction that went wrong. A seed is chosen at random otherwise, so CI
explores a new part of the surface on every run.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest

from bot.i18n import t
from fake_discord.interactions import custom_ids
from fake_discord.server import Call
from tests.e2e.fuzzing import Case, Generator, Pools
from tests.e2e.harness import Harness
from tests.e2e.reporting import ENGLISH_400, finished_trip, report_id, review_post, submit

DEADLINE = 3.0  # Discord drops an interaction not answered by then
DEFERRED_WAIT = 10.0  # a deferred answer must be followed by the real one
FUZZ_COUNT = int(os.environ.get("FUZZ_COUNT", "1500"))
FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "40"))  # a slow machine stops early
MAX_PROBLEMS = int(os.environ.get("FUZZ_MAX_PROBLEMS", "15"))
EPHEMERAL = 64
# Every table whose rows a refused interaction must leave as they were.
# Bookkeeping that every interaction may touch, refused or not: the bot's own state, and the
# locale each user was last seen with (for the language of later direct messages).
UNTOUCHED_BY_REFUSALS_EXCEPT = {"bot_state", "sqlite_sequence", "user_locales"}
ANSWERS = {  # what Discord accepts in answer to each kind of interaction
    "command": {4, 5, 9},
    "autocomplete": {8},
    "component": {4, 5, 6, 7, 9},
    "modal": {4, 5, 6, 7},
}
GENERIC = [t(lang, "error.unexpected", reference="\0").split("\0")[0][:25] for lang in ("en", "ja")]


def fuzz_seed() -> int:
    return int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(10**9))


@dataclass
class Watch:
    """Every REST call made for one interaction's token, as the fake handles it."""

    token: str
    calls: list[Call] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def __call__(self, call: Call) -> None:
        if self.token in call.path:
            self.calls.append(call)
            self.changed.set()

    async def until(self, predicate, timeout: float) -> Call | None:
        async with asyncio.timeout(timeout):
            while True:
                found = next((c for c in self.calls if predicate(c)), None)
                if found is not None:
                    return found
                self.changed.clear()
                await self.changed.wait()


@dataclass
class Stats:
    tried: Counter[str] = field(default_factory=Counter)  # by kind of interaction
    outcomes: Counter[str] = field(default_factory=Counter)  # by kind of answer, and refusals
    latencies: list[float] = field(default_factory=list)  # to the first answer, in seconds

    def summary(self, seed: int, elapsed: float, problems: int) -> str:
        slowest = max(self.latencies, default=0) * 1000
        return (
            f"fuzz seed {seed}: {sum(self.tried.values())} interactions in {elapsed:.1f} s "
            f"({dict(self.tried)}); answers {dict(self.outcomes)}; slowest first answer "
            f"{slowest:.0f} ms; {problems} problems"
        )


class Records(logging.Handler):
    """Log records of the whole run; the fuzzer reads the ones each interaction caused."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
async def association(harness: Harness) -> Pools:
    """A configured server with something to act on: a member with an approved report (so a
    grant exists), a second member with a report awaiting review, and the report form and the
    reason form each opened once (the fuzzer fills in the fields they really have)."""
    world = harness.world
    await harness.configure()
    await harness.register(world.member, since=f"{harness.clock.today().year - 2}-04-01")
    trip = await finished_trip(harness, world.member)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()
    await harness.register(world.member2)
    year = harness.clock.today().year - 1
    await harness.ask("trip log", user=world.member2, city="kanonji", start=f"{year}-05-01")
    choices = await harness.autocomplete("report submit", "trip", "", user=world.member2)
    other = report_id(await submit(harness, world.member2, choices[0]["value"], ENGLISH_400))
    post = await review_post(harness, other)
    await (await harness.click(post, f"report:{other}:changes", user=world.staff)).modal()
    await harness.outbox_settled()
    assert harness.query("SELECT count(*) FROM grants") == [(1,)]
    pools = Pools()
    for call in harness.fake.calls:
        if call.path.endswith("/callback") and call.body["type"] == 9:
            harvest_modal(call.body["data"], pools)
    assert len(pools.modal_fields) == 2, pools.modal_fields
    return pools


@pytest.mark.timeout(FUZZ_SECONDS + 60)
async def test_no_interaction_reaches_the_generic_error(harness: Harness, association: Pools):
    seed = fuzz_seed()
    bot = harness.bot
    assert bot is not None
    generator = Generator(
        random.Random(seed),
        harness.fake,
        component_templates=bot.routes.component_templates(),
        modal_templates=bot.routes.modal_templates(),
        pools=association,
    )
    records = Records()
    root = logging.getLogger()
    root.addHandler(records)
    logging.getLogger("bot.errors").setLevel(logging.DEBUG)
    stats = Stats()
    problems: list[str] = []
    started = time.monotonic()
    try:
        for n, case in zip(range(FUZZ_COUNT), generator.cases(), strict=False):
            if n % 50 == 0:
                harvest_ids(harness, association)
            stats.tried[case.kind] += 1
            for problem in await run(harness, case, records, association, stats):
                problems.append(f"{case.describe()}: {problem}")
            if len(problems) >= MAX_PROBLEMS or time.monotonic() - started > FUZZ_SECONDS:
                break
    finally:
        root.removeHandler(records)
        logging.getLogger("bot.errors").setLevel(logging.NOTSET)
    elapsed = time.monotonic() - started
    print("\n" + stats.summary(seed, elapsed, len(problems)))
    assert harness.query("PRAGMA integrity_check") == [("ok",)]
    assert not problems, f"fuzz seed {seed} (replay with FUZZ_SEED={seed}):\n" + "\n".join(problems)
    await harness.outbox_settled()
    assert_posts_ping_at_most_a_role(harness)
    assert_every_component_is_routed(harness, bot.routes.component_templates())


def assert_posts_ping_at_most_a_role(harness: Harness) -> None:
    """What the outbox posted (review posts, announcements, DMs) pings nobody but, on a review
    post, the staff role of the moment (the fuzzer changes it with /setup roles)."""
    roles = {r.id for r in harness.world.guild.roles}
    for call in harness.fake.calls:
        if call.method not in ("POST", "PATCH") or not call.path.startswith("/channels/"):
            continue
        allowed = call.body.get("allowed_mentions")
        assert allowed is not None, f"{call.method} {call.path} may ping"
        assert allowed.get("parse") == [] and not allowed.get("users"), allowed
        assert len(allowed.get("roles", [])) <= 1 and set(allowed.get("roles", [])) <= roles


def assert_every_component_is_routed(harness: Harness, templates: list[re.Pattern[str]]) -> None:
    """Every button the bot put on a message is one that a registered template answers (so the
    answer "no longer in use" is never given to a live button)."""
    for message in harness.fake.messages.values():
        if message.get("forged"):
            continue
        for custom_id in custom_ids(message):
            assert any(t.fullmatch(custom_id) for t in templates), custom_id


async def run(
    harness: Harness, case: Case, records: Records, pools: Pools, stats: Stats
) -> list[str]:
    await harness.outbox_settled()
    before = row_counts(harness)
    seen = len(records.records)
    watch = Watch(case.token)
    harness.fake.listeners.append(watch)
    try:
        sent = time.monotonic()
        await harness.fake.dispatch("INTERACTION_CREATE", case.payload)
        problems = await answered(case, watch, pools, stats, sent)
    finally:
        harness.fake.listeners.remove(watch)
    caused = records.records[seen:]
    for record in caused:
        if record.levelno >= logging.ERROR:
            error = record.exc_info[1] if record.exc_info else None
            problems.append(f"logged {record.getMessage()[:120]!r} {error!r}")
    refused = any(r.name == "bot.errors" and r.getMessage().startswith("Refused") for r in caused)
    stats.outcomes["refused"] += refused
    if refused:
        after = row_counts(harness)
        changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
        if changed:
            problems.append(f"refused, yet stored: {changed}")
    return problems


async def answered(case: Case, watch: Watch, pools: Pools, stats: Stats, sent: float) -> list[str]:
    def is_callback(c: Call) -> bool:
        return c.method == "POST" and c.path.endswith("/callback")

    try:
        callback = await watch.until(is_callback, DEADLINE)
    except TimeoutError:
        return [f"not answered within {DEADLINE:.0f} s"]
    assert callback is not None
    stats.latencies.append(time.monotonic() - sent)
    kind = callback.body["type"]
    stats.outcomes[f"type {kind}"] += 1
    if kind not in ANSWERS[case.kind]:
        return [f"answered with type {kind}, which Discord refuses for a {case.kind}"]
    problems: list[str] = []
    bodies = [callback.body.get("data") or {}]
    if kind == 8:
        problems += check_choices(case, callback.body["data"].get("choices", []), pools)
    if kind == 9:
        harvest_modal(callback.body["data"], pools)
    if kind in (5, 6):
        try:
            await watch.until(
                lambda c: not is_callback(c) and c.method in ("POST", "PATCH"), DEFERRED_WAIT
            )
        except TimeoutError:
            problems.append("deferred, then never answered")
    bodies += [c.body for c in watch.calls if not is_callback(c) and isinstance(c.body, dict)]
    for body in bodies:
        text = message_text(body)
        if any(generic in text for generic in GENERIC):
            problems.append(f"the generic error: {text[:160]!r}")
        if ("content" in body or "embeds" in body) and not pings_nobody(body):
            problems.append(f"may ping: {body.get('allowed_mentions')}")
    return problems


def check_choices(case: Case, choices: list[dict], pools: Pools) -> list[str]:
    problems = []
    if len(choices) > 25:
        problems.append(f"{len(choices)} choices (Discord takes 25)")
    for choice in choices:
        name, value = choice.get("name", ""), choice.get("value")
        if not 1 <= len(name) <= 100:
            problems.append(f"a choice name of {len(name)} characters")
        if isinstance(value, str) and len(value) > 100:
            problems.append(f"a choice value of {len(value)} characters")
    path, focused = _focused(case.payload["data"])
    user = case.payload.get("member", case.payload).get("user", {})["id"]
    seen = pools.choices.setdefault((path, focused, int(user)), [])
    seen += [str(c["value"]) for c in choices if str(c["value"]) not in seen]
    return problems


def _focused(data: dict) -> tuple[str, str]:
    names, options = [data["name"]], data.get("options") or []
    while options and options[0]["type"] in (1, 2):
        names.append(options[0]["name"])
        options = options[0].get("options") or []
    focused = next((o["name"] for o in options if o.get("focused")), "")
    return " ".join(names), focused


def message_text(body: dict) -> str:
    parts = [body.get("content") or ""]
    for embed in body.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        parts += [f.get("name", "") + f.get("value", "") for f in embed.get("fields") or []]
    return "\n".join(parts)


def pings_nobody(body: dict) -> bool:
    allowed = body.get("allowed_mentions")
    return (
        allowed is not None
        and allowed.get("parse") == []
        and not allowed.get("users")
        and not allowed.get("roles")
        and not allowed.get("replied_user")
    )


def row_counts(harness: Harness) -> dict[str, int]:
    """The number of rows of every table (but the bot's own bookkeeping), in one read."""
    tables = [
        name
        for (name,) in harness.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE '%VIRTUAL%'"
        )
        if name not in UNTOUCHED_BY_REFUSALS_EXCEPT and not name.startswith("city_facts")
    ]
    counts = ", ".join(f"(SELECT count(*) FROM {name})" for name in tables)
    return dict(zip(tables, harness.query(f"SELECT {counts}")[0], strict=True))


def harvest_modal(modal: dict, pools: Pools) -> None:
    """The inputs of a form the bot opened (text inputs, file uploads, checkbox groups), with
    their limits and options."""
    fields: dict[str, dict] = {}

    def walk(components: list[dict]) -> None:
        for component in components:
            if component.get("type") in (4, 19, 22):
                fields[component["custom_id"]] = component
            walk(component.get("components") or [])
            if "component" in component:
                walk([component["component"]])

    walk(modal.get("components") or [])
    pools.modal_fields.setdefault(",".join(sorted(fields)), fields)


def harvest_ids(harness: Harness, pools: Pools) -> None:
    """Ids the bot really made, so that forged interactions name real objects too (of another
    member, of the wrong kind)."""
    for table in ("trips", "reports", "grants"):
        pools.ids.update(str(i) for (i,) in harness.query(f"SELECT id FROM {table}"))
