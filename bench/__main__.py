"""python -m bench [--quick] [--repeat N] [--json PATH]: the bot's speed, measured against the
fake Discord.

The unmodified bot runs in a process of its own (tests/e2e/bot_process.py); this process plays
Discord and the users. Three databases (bench/databases.py): one server, empty; one server with
twenty years of history; 500 servers on presets with five years each. On the first two, each
workload runs at 1, 8 and 32 interactions in flight; on all three, the mixed workload; on the
large one, /help while staff import 5,000 members or export the books. ``--repeat N`` runs every
cell N times (each time in a freshly started bot) and reports the medians and their spread. See
README, 'Performance'.
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
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench import long_work, plans
from bench.databases import DATABASES, Setup, prepare, unreported_trips
from bench.driver import Driver, Figures, median_record, no_collector_pauses
from bench.workloads import CityAsk, Cycle, Help, Mixed, SubsidyCheck, TripLog, Workload
from tests.e2e.bot_process import BotProcess, answering

IN_FLIGHT = (1, 8, 32)
WARM_UP = 16


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer interactions (a smoke run)")
    parser.add_argument(
        "--repeat", type=int, default=1, metavar="N", help="run every cell N times (medians)"
    )
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help=f"which databases, comma-separated (default: {','.join(DATABASES)})",
    )
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the figures here")
    parser.add_argument(
        "--plans", type=Path, metavar="PATH", help="write the large database's query plans here"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the databases (their folder is printed)"
    )
    return parser.parse_args()


async def measure(
    driver: Driver, bot: BotProcess, workload: Workload, count: int, in_flight: int, database: str
) -> Figures:
    bot.reset_peak_memory()
    units = iter(range(count))
    latencies: list[float] = []

    async def worker(index: int) -> None:
        for n in units:
            latencies.extend(await workload.unit(driver, index, n))

    with no_collector_pauses():
        started, cpu = time.perf_counter(), bot.cpu_seconds()
        await asyncio.gather(*(worker(i) for i in range(in_flight)))
        await workload.settle(driver)
        seconds = time.perf_counter() - started
    driver.forget()
    return Figures(
        workload.name, in_flight, database, len(latencies), seconds, latencies,
        bot.peak_memory_mb(), bot.cpu_seconds() - cpu,
    )  # fmt: skip


def commands(setup: Setup) -> list[Workload]:
    """The one-interaction workloads, the baseline first."""
    world, users = setup.fake.world, setup.users
    return [
        Help(world, users),
        CityAsk(world, users),
        TripLog(world, users, setup.days),
        SubsidyCheck(world, users),
    ]


def mixed(setup: Setup, *, sweep: bool = False) -> Mixed:
    world = setup.fake.world
    return Mixed(world, setup.users, world.guilds, setup.cities, setup.days, sweep=sweep)


async def run_once(setup: Setup, count: int) -> tuple[list[Figures], dict[str, Any], list[dict]]:
    """Every cell of one database once, in a freshly started bot."""
    fake, driver, database = setup.fake, setup.driver, setup.name
    bot = await BotProcess.spawn(fake.port, setup.path)
    figures: list[Figures] = []
    long: list[dict] = []
    try:
        await answering(fake, fake.world.staff, guild=fake.world.guilds[-1])
        startup = {
            "workload": "startup",
            "database": database,
            "guilds": len(fake.world.guilds),
            "seconds": round(time.perf_counter() - bot.started, 3),
            "peak_memory_mb": round(bot.peak_memory_mb(), 1),
        }
        if setup.one_server:
            simple = commands(setup)
            for workload in simple:  # warm caches, as a bot that has run for a while has them
                await measure(driver, bot, workload, WARM_UP, 8, database)
            for workload in simple:
                for in_flight in IN_FLIGHT:
                    figures.append(await measure(driver, bot, workload, count, in_flight, database))
            cycle = Cycle(fake.world, setup.users, unreported_trips(setup.path, setup.users))
            cycle.watch(driver)
            await measure(driver, bot, cycle, WARM_UP // 2, 8, database)
            for in_flight in IN_FLIGHT:
                figures.append(await measure(driver, bot, cycle, count // 3, in_flight, database))
            cycle.unwatch(driver)
        servers = len(fake.world.guilds)  # every kind of command once in every server first
        await measure(driver, bot, mixed(setup, sweep=True), 4 * servers, 8, database)
        spread = mixed(setup)
        for in_flight in IN_FLIGHT:
            figures.append(await measure(driver, bot, spread, count, in_flight, database))
        if setup.long_work:
            long = await long_work_cells(setup, bot, count)
        startup["peak_memory_mb"] = max(
            [startup["peak_memory_mb"]] + [f.peak_memory_mb for f in figures]
        )
    finally:
        await bot.stop()
    baseline = {f.in_flight: f.per_second for f in figures if f.workload == Help.name}
    for f in figures:
        if f.in_flight in baseline:
            f.ratio_to_baseline = baseline[f.in_flight] / f.per_second
    return figures, startup, long


async def long_work_cells(setup: Setup, bot: BotProcess, count: int) -> list[dict]:
    """/help idle, then during each piece of long work, each after the outbox has settled."""
    driver, world, users = setup.driver, setup.fake.world, setup.users
    works = [
        ("help-during-export", "ledger of 20 fiscal years, one /subsidy ledger each",
         long_work.ledger_export(driver, world, setup.ledger_years)),
        ("help-during-member-export", f"/member list of {setup.registry:,} members with its CSV",
         long_work.registry_export(driver, world)),
        ("help-during-import", f"/member import of {long_work.IMPORT_ROWS:,} new members",
         long_work.member_import(driver, world, setup.next_import())),
    ]  # fmt: skip
    records = []
    for name, description, work in works:
        await setup.outbox_settled()
        idle = await measure(
            driver, bot, Help(world, users), count, long_work.IN_FLIGHT, setup.name
        )
        during = await long_work.help_during(
            driver, bot, world, users, name, setup.name, description, work, idle
        )
        driver.forget()
        records.append(during.record())
    await setup.outbox_settled()
    return records


async def traced(setup: Setup) -> list[plans.Plan]:
    """Every workload once more on the large database, with the bot writing down its SQL; the
    plans of what it ran."""
    trace = setup.path.with_suffix(".sql")
    fake, driver = setup.fake, setup.driver
    bot = await BotProcess.spawn(fake.port, setup.path, trace_sql=trace)
    try:
        await answering(fake, fake.world.staff)
        for workload in commands(setup):
            await measure(driver, bot, workload, WARM_UP, 4, "traced")
        cycle = Cycle(fake.world, setup.users, unreported_trips(setup.path, setup.users))
        cycle.watch(driver)
        await measure(driver, bot, cycle, WARM_UP, 4, "traced")
        cycle.unwatch(driver)
        await long_work.registry_export(driver, fake.world)(lambda: False)
        await long_work.ledger_export(driver, fake.world, setup.ledger_years[:2])(lambda: False)
    finally:
        await bot.stop()
    return plans.read(trace, setup.path)


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


def load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def one_server_ratios(records: list[dict]) -> None:
    """The mixed workload's p99 over many servers against the one-server (empty) figure at the
    same number in flight, from the same repeat."""
    reference = {
        r["in_flight"]: r["p99_ms"]
        for r in records
        if r["workload"] == "mixed" and r["database"] == "empty"
    }
    for r in records:
        if r["workload"] == "mixed" and r["database"] != "empty" and r["in_flight"] in reference:
            r["p99_ratio_to_one_server"] = round(r["p99_ms"] / reference[r["in_flight"]], 2)


def table(records: list[dict]) -> str:
    lines = [
        "| database | workload | in flight | per s | p50 ms | p99 ms | p99 spread | ratio to "
        "baseline | bot CPU ms | peak MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in records:
        if "per_second" not in r:
            continue
        low, high = r.get("spread", {}).get("p99_ms", [r["p99_ms"], r["p99_ms"]])
        ratio_text = f"{r['ratio_to_baseline']:.2f}" if "ratio_to_baseline" in r else "–"
        if "p99_ratio_to_one_server" in r:
            ratio_text += f"; p99 {r['p99_ratio_to_one_server']:.2f}x one server's"
        lines.append(
            f"| {r['database']} | {r['workload']} | {r['in_flight']} | {r['per_second']:.0f} "
            f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {low:.0f}–{high:.0f} | {ratio_text} "
            f"| {r['cpu_ms']:.2f} | {r['peak_memory_mb']:.0f} |"
        )
    for r in records:
        if r["workload"] == "startup":
            lines.append(
                f"| {r['database']} | start-up to first answer ({r['guilds']} servers) | | | | "
                f"| | | | {r['seconds']:.2f} s, peak {r['peak_memory_mb']:.0f} MB |"
            )
    long = [r for r in records if "idle_p99_ms" in r]
    if long:
        lines += [
            "",
            "| database | while staff run | /help in flight | p99 ms | max ms | idle p99 ms "
            "| the work took |",
            "|---|---|---:|---:|---:|---:|---:|",
        ]
        for r in long:
            lines.append(
                f"| {r['database']} | {r['work']} | {r['in_flight']} | {r['p99_ms']:.1f} "
                f"| {r['max_ms']:.0f} | {r['idle_p99_ms']:.1f} | {r['work_seconds']:.1f} s |"
            )
    return "\n".join(lines)


async def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("BOT_LOG_LEVEL", "40")  # the bot's errors only, not its start-up notes
    chosen = [d for d in args.databases.split(",") if d]
    unknown = set(chosen) - set(DATABASES)
    if unknown:
        raise SystemExit(f"unknown databases {sorted(unknown)}; choose from {DATABASES}")
    folder = Path(tempfile.mkdtemp(prefix="kifa-bench-"))
    count = 30 if args.quick else 300
    runs: dict[tuple[str, str, int], list[dict]] = defaultdict(list)
    loads: list[str] = []
    explained: list[plans.Plan] = []
    setups: list[Setup] = []
    try:
        for name in chosen:
            setup = await prepare(name, folder, quick=args.quick)
            setups.append(setup)
            print(f"{name}: ready; {setup.made}", flush=True)
        for repeat in range(args.repeat):
            loads.append(load())
            found: list[dict] = []
            for setup in setups:
                figures, startup, long = await run_once(setup, count)
                found += [f.record() for f in figures] + [startup] + long
            one_server_ratios(found)
            for r in found:
                runs[(r["database"], r["workload"], r.get("in_flight", 0))].append(r)
            print(f"run {repeat + 1} of {args.repeat} done (load {loads[-1]})", flush=True)
        large = next((s for s in setups if s.name == "large"), None)
        if large is not None and (args.plans or not args.quick):
            explained = await traced(large)
        loads.append(load())
    finally:
        for setup in setups:
            await setup.fake.stop()
        if args.keep:
            print(f"databases kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    records = [median_record(cell) for cell in runs.values()]
    print(f"\nMachine: {machine()}")
    print(f"Load average (1, 5, 15 min) at the start of each run and at the end: {loads}\n")
    print(table(records))
    scanning = [p for p in explained if p.scans]
    if explained:
        print(f"\nQuery plans: {len(explained)} statements, {len(scanning)} with a full scan:")
    for plan in scanning:
        print(f"  {plan.shape[:160]}\n    {'; '.join(plan.steps)}")
    if args.plans:
        args.plans.write_text(plans.markdown(explained), encoding="utf-8")
    if args.json:
        document = {
            "machine": machine(),
            "load_average": loads,
            "repeat": args.repeat,
            "records": records,
        }
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
