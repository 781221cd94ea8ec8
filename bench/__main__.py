"""python -m bench [--quick] [--json PATH]: the bot's speed, measured against the fake Discord.

The unmodified bot runs in a process of its own (tests/e2e/bot_process.py); this process plays
Discord and the users. Each workload runs at 1, 8 and 32 interactions in flight, on an empty
database and on a large one generated here (bench/synthetic.py). See README, 'Performance'.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import sqlite3
import tempfile
import time
from contextlib import closing
from datetime import date
from pathlib import Path

from bench import plans
from bench.driver import Driver, Figures
from bench.workloads import CityAsk, Cycle, Help, SubsidyCheck, TripLog, Workload
from bot.domain.clock import Clock
from bot.domain.fiscal import FiscalYear
from bench import synthetic
from tests.e2e.bot_process import BotProcess, answering
from tests.e2e.fake_discord.models import Member, User, World
from tests.e2e.fake_discord.server import FakeDiscord
from tests.e2e.harness import Harness

IN_FLIGHT = (1, 8, 32)
BENCH_USERS = 32
WARM_UP = 16


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer interactions (under 1 min)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument(
        "--plans", type=Path, metavar="PATH", help="write the large database's query plans here"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (their folder is printed)"
    )
    return parser.parse_args()


def association() -> tuple[World, list[User]]:
    world = World.association()
    member_role = world.guild.role("Member")
    users = [User(f"bench-{i}") for i in range(BENCH_USERS)]
    world.guild.members += [Member(user, [member_role]) for user in users]
    return world, users


async def prepare(fake: FakeDiscord, users: list[User], path: Path, large: bool) -> str:
    """A set-up association in ``path``: settings made and bench users registered by the bot;
    with ``large``, twenty years of history around them."""
    bot = await BotProcess.spawn(fake.port, path)
    try:
        await answering(fake, fake.world.staff)
        office = Harness(fake, path)
        await office.configure()
        await office.register(*users)
        await office.ask("city list", user=users[0])  # the preset's cities are written on first use
    finally:
        await bot.stop()
    if not large:
        return ""
    today = Clock().today()
    started = time.perf_counter()
    written = synthetic.generate(
        path, fake.world.guild.id, today, [u.id for u in users], quiet_since=first_trip_day()
    )
    return (
        f"{written.members:,} members, {written.trips:,} trips, {written.reports:,} reports, "
        f"{written.grants:,} grants; generated in {time.perf_counter() - started:.0f} s, "
        f"{written.size_bytes / 1e6:,.0f} MB"
    )


def first_trip_day() -> date:
    """The earliest day a trip may start today (two fiscal years back, April start)."""
    return FiscalYear.containing(Clock().today(), 4).shifted(-2).start


async def measure(
    driver: Driver, bot: BotProcess, workload: Workload, count: int, in_flight: int, database: str
) -> Figures:
    bot.reset_peak_memory()
    units = iter(range(count))
    latencies: list[float] = []

    async def worker(index: int) -> None:
        for n in units:
            latencies.extend(await workload.unit(driver, index, n))

    started, cpu = time.perf_counter(), bot.cpu_seconds()
    await asyncio.gather(*(worker(i) for i in range(in_flight)))
    await workload.settle(driver)
    seconds = time.perf_counter() - started
    return Figures(
        workload.name, in_flight, database, len(latencies), seconds, latencies,
        bot.peak_memory_mb(), bot.cpu_seconds() - cpu,
    )  # fmt: skip


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


async def run_database(
    fake: FakeDiscord, driver: Driver, users: list[User], path: Path, database: str, count: int
) -> tuple[list[Figures], float, str]:
    made = await prepare(fake, users, path, large=database == "large")
    bot = await BotProcess.spawn(fake.port, path)
    try:
        await answering(fake, fake.world.staff)
        startup = time.perf_counter() - bot.started
        simple = commands(fake.world, users)
        for workload in simple:  # warm caches, as a bot that has run for a while has them
            await measure(driver, bot, workload, WARM_UP, 8, database)
        figures = []
        for workload in simple:
            for in_flight in IN_FLIGHT:
                figures.append(await measure(driver, bot, workload, count, in_flight, database))
        cycle = Cycle(fake.world, users, unreported_trips(path, users))
        cycle.watch(driver)
        await measure(driver, bot, cycle, WARM_UP // 2, 8, database)
        for in_flight in IN_FLIGHT:
            figures.append(await measure(driver, bot, cycle, count // 3, in_flight, database))
    finally:
        await bot.stop()
    baseline = {f.in_flight: f.per_second for f in figures if f.workload == simple[0].name}
    for f in figures:
        f.ratio_to_baseline = baseline[f.in_flight] / f.per_second
    return figures, startup, made


def commands(world: World, users: list[User]) -> list[Workload]:
    """The one-interaction workloads, the baseline first."""
    return [
        Help(world, users),
        CityAsk(world, users),
        TripLog(world, users, first_trip_day()),
        SubsidyCheck(world, users),
    ]


async def traced(
    fake: FakeDiscord, driver: Driver, users: list[User], path: Path
) -> list[plans.Plan]:
    """Every workload once more on ``path``, with the bot writing down its SQL; the plans."""
    trace = path.with_suffix(".sql")
    bot = await BotProcess.spawn(fake.port, path, trace_sql=trace)
    try:
        await answering(fake, fake.world.staff)
        cycle = Cycle(fake.world, users, unreported_trips(path, users))
        cycle.watch(driver)
        for workload in [*commands(fake.world, users), cycle]:
            await measure(driver, bot, workload, WARM_UP, 4, "traced")
    finally:
        await bot.stop()
    return plans.read(trace, path)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}"
    )


def table(figures: list[Figures], startups: dict[str, float]) -> str:
    lines = [
        "| database | workload | in flight | per s | p50 ms | p99 ms | ratio to baseline "
        "| bot CPU ms | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in figures:
        r = f.record()
        lines.append(
            f"| {f.database} | {f.workload} | {f.in_flight} | {r['per_second']:.0f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['ratio_to_baseline']:.2f} "
            f"| {f.cpu_ms:.2f} | {r['peak_memory_mb']:.0f} |"
        )
    for database, seconds in startups.items():
        lines.append(f"| {database} | start-up to first answer | | | | | | | {seconds:.2f} s |")
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("BOT_LOG_LEVEL", "40")  # the bot's errors only, not its start-up notes
    world, users = association()
    fake = FakeDiscord(world)
    await fake.start()
    driver = Driver(fake)
    folder = Path(tempfile.mkdtemp(prefix="kifa-bench-"))
    count = 30 if args.quick else 300
    figures: list[Figures] = []
    startups: dict[str, float] = {}
    explained: list[plans.Plan] = []
    try:
        for database in ("empty", "large"):
            found, startups[database], made = await run_database(
                fake, driver, users, folder / f"{database}.sqlite3", database, count
            )
            figures += found
            print(f"{database}: done{'; ' + made if made else ''}", flush=True)
        if args.plans or not args.quick:
            explained = await traced(fake, driver, users, folder / "large.sqlite3")
    finally:
        await fake.stop()
        if args.keep:
            print(f"databases kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\nMachine: {machine()}\n")
    print(table(figures, startups))
    scanning = [p for p in explained if p.scans]
    if explained:
        print(f"\nQuery plans: {len(explained)} statements, {len(scanning)} with a full scan:")
    for plan in scanning:
        print(f"  {plan.shape[:160]}\n    {'; '.join(plan.steps)}")
    if args.plans:
        args.plans.write_text(plans.markdown(explained), encoding="utf-8")
    if args.json:
        records = [f.record() for f in figures]
        records += [
            {"workload": "startup", "database": db, "seconds": round(s, 3)}
            for db, s in startups.items()
        ]
        args.json.write_text(json.dumps(records, indent=2) + "\n")


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
