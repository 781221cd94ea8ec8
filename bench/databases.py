"""The benchmark's databases, each with the fake Discord whose servers it belongs to.

- ``empty``: one association's server, set up by its admin (roles, channels), the benchmark's
  users registered, the preset's cities written; nothing else.
- ``large``: the same with twenty years of a busy association's history (bench/synthetic.py).
- ``guilds-500``: one installation serving 500 associations, every other one on each shipped
  preset, each with its roles, channels, 40 members and five years of history (20,000 members in
  all); the benchmark's users are members of every one.

The first two are set up through the bot itself, as an office would; the 500 servers through the
bot's own services in this process (1,500 slash commands would only take longer), then their
history with plain SQL, as for the large one.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench import synthetic
from bench.driver import Driver
from bench.long_work import IMPORT_ROWS, IMPORTED_USERS
from bench.workloads import CITIES, TripDays
from bot.config import Settings
from bot.domain.clock import Clock
from bot.domain.fiscal import FiscalYear
from bot.services import Services, presets
from db.database import Database
from db.migrate import migrate
from fake_discord.models import Member, User, World
from fake_discord.server import FakeDiscord
from tests.e2e.bot_process import BotProcess, answering
from tests.e2e.harness import Harness

DATABASES = ("empty", "large", "guilds-500")
BENCH_USERS = 32
GUILDS = 500
GUILD_PRESETS = ("kifa", "inagi")
GUILD_SCALE = synthetic.Scale(members=40, trips=400, reports=80, years=5)
QUICK_GUILD_SCALE = synthetic.Scale(members=40, trips=80, reports=16, years=5)
SETTLE_TIMEOUT = 900.0


@dataclass
class Setup:
    """One database, the fake Discord it lives in, and what the workloads need to know of it."""

    name: str
    path: Path
    fake: FakeDiscord
    users: list[User]
    cities: dict[int, Sequence[str]]  # the cities each server's members name, by server
    days: TripDays
    made: str = ""
    one_server: bool = True
    long_work: bool = False
    ledger_years: list[int] = field(default_factory=list)
    registry: int = 0
    imports: int = 0
    driver: Driver = field(init=False)

    def __post_init__(self) -> None:
        self.driver = Driver(self.fake)

    def next_import(self) -> int:
        """The first member id of a roster none of whose members is registered yet."""
        self.imports += 1
        return IMPORTED_USERS + self.imports * 2 * IMPORT_ROWS

    async def outbox_settled(self) -> None:
        """Wait until the bot has delivered (or given up on) every queued Discord message."""
        async with asyncio.timeout(SETTLE_TIMEOUT):
            while True:
                with closing(sqlite3.connect(self.path)) as conn:
                    if not conn.execute(
                        "SELECT 1 FROM outbox WHERE state = 'pending' LIMIT 1"
                    ).fetchone():
                        return
                await asyncio.sleep(0.2)


def first_trip_day() -> date:
    """The earliest day a benchmark trip may start (two fiscal years back, April start)."""
    return FiscalYear.containing(Clock().today(), 4).shifted(-2).start


def bench_users() -> list[User]:
    return [User(f"bench-{i}") for i in range(BENCH_USERS)]


async def prepare(name: str, folder: Path, *, quick: bool = False) -> Setup:
    path = folder / f"{name}.sqlite3"
    users = bench_users()
    world = World.association()
    member_role = world.guild.role("Member")
    world.guild.members += [Member(user, [member_role]) for user in users]
    if name == "guilds-500":
        world.add_associations(GUILDS - 1, users)
    fake = FakeDiscord(world)
    await fake.start()
    setup = Setup(name, path, fake, users, {world.guild.id: CITIES}, TripDays(first_trip_day()))
    if name == "guilds-500":
        await _many_servers(setup, quick)
    else:
        await _one_server(setup, large=name == "large")
    return setup


async def _one_server(setup: Setup, large: bool) -> None:
    """Settings made and bench users registered by the bot; with ``large``, twenty years of
    history around them."""
    fake, users = setup.fake, setup.users
    bot = await BotProcess.spawn(fake.port, setup.path)
    try:
        await answering(fake, fake.world.staff)
        office = Harness(fake, setup.path)
        await office.configure()
        # Members since before their first benchmark trip, as members who travel are: their
        # reports compete for the subsidy (registered only this year, none of them would, and
        # every decision would read a whole line of reports that cannot hold it).
        await office.register(*users, since=first_trip_day().isoformat())
        await office.ask("city list", user=users[0])  # the preset's cities are written on first use
    finally:
        await bot.stop()
    setup.driver.forget()
    if not large:
        setup.made = "one server, its cities and 32 members"
        return
    today = Clock().today()
    started = time.perf_counter()
    written = synthetic.generate(
        setup.path, fake.world.guild.id, today, [u.id for u in users], quiet_since=first_trip_day()
    )
    setup.long_work = True
    setup.registry = written.members
    this_year = FiscalYear.containing(today, 4).year
    setup.ledger_years = list(range(this_year - synthetic.Scale().years + 1, this_year + 1))
    setup.made = (
        f"{written.members:,} members, {written.trips:,} trips, {written.reports:,} reports, "
        f"{written.grants:,} grants; generated in {time.perf_counter() - started:.0f} s, "
        f"{written.size_bytes / 1e6:,.0f} MB"
    )


async def _many_servers(setup: Setup, quick: bool) -> None:
    """Every server set up by the bot's own services, then five years of history in each."""
    world, users, path = setup.fake.world, setup.users, setup.path
    started = time.perf_counter()
    db = await Database.open(path)
    try:
        await migrate(db)
        services = Services.build(db, Settings(token="bench", database_path=path))
        admin = world.admin.id
        for n, guild in enumerate(world.guilds):
            preset = GUILD_PRESETS[n % len(GUILD_PRESETS)]
            await services.cities.use_preset(guild.id, admin, preset)
            await services.settings.set_roles(
                guild.id,
                admin,
                staff_role_id=guild.role("Staff").id,
                member_role_id=guild.role("Member").id,
            )
            await services.settings.set_channels(
                guild.id,
                admin,
                moderation_channel_id=guild.channel("moderation").id,
                announcement_channel_id=guild.channel("announcements").id,
            )
            setup.cities[guild.id] = [c.slug for c in presets.load(preset).cities]
    finally:
        await db.close()
    today = Clock().today()
    totals = [0, 0, 0, 0]
    for n, guild in enumerate(world.guilds):
        written = synthetic.generate(
            path,
            guild.id,
            today,
            [u.id for u in users],
            QUICK_GUILD_SCALE if quick else GUILD_SCALE,
            first_trip_day(),
            register=True,
            first_user=synthetic.SYNTHETIC_USERS + n * 1_000,
        )
        counts = (written.members, written.trips, written.reports, written.grants)
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
    # One start on it, so that the command set is synced before anything is measured.
    bot = await BotProcess.spawn(setup.fake.port, path)
    try:
        await answering(setup.fake, world.staff, timeout=120)
    finally:
        await bot.stop()
    setup.driver.forget()
    setup.one_server = False
    setup.made = (
        f"{len(world.guilds)} servers, {totals[0]:,} members, {totals[1]:,} trips, "
        f"{totals[2]:,} reports, {totals[3]:,} grants; made in "
        f"{time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e6:,.0f} MB"
    )


def unreported_trips(path: Path, users: list[User]) -> dict[int, list[int]]:
    """The bench users' finished trips without a report (what the cycle writes about)."""
    today = Clock().today().isoformat()
    found: dict[int, list[int]] = {u.id: [] for u in users}
    with closing(sqlite3.connect(path)) as conn:
        for trip, user in conn.execute(
            "SELECT t.id, t.user_id FROM trips AS t LEFT JOIN reports AS r ON r.trip_id = t.id "
            "WHERE r.id IS NULL AND t.end_on < ? AND t.start_on >= ? ORDER BY t.id",
            (today, first_trip_day().isoformat()),
        ):
            if user in found:
                found[user].append(trip)
    return found
