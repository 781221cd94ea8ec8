"""What members feel while staff do long work: /help at 8 in flight, idle and then while a
5,000-row /member import, or exports (twenty fiscal years of the ledger, the whole registry), run.

Each record gives the p99 and the slowest /help during the work, and the idle p99 of the same run
just before it (``idle_p99_ms``), so the cost of the work is read against its own baseline.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.driver import Driver, Figures, no_collector_pauses
from bench.workloads import Help
from fake_discord.interactions import Attachment, command_data, envelope
from fake_discord.models import User, World
from fake_discord.server import Call
from tests.e2e.bot_process import BotProcess

IN_FLIGHT = 8
AT_LEAST = 300  # /help answers measured during the work (exports are repeated until then)
IMPORT_ROWS = 5_000
IMPORTED_USERS = 800_000_000_000_000_000  # ids of the imported members, far from everyone else


@dataclass
class LongFigures:
    workload: str
    database: str
    work: str
    latencies: list[float] = field(repr=False)
    idle: Figures
    work_seconds: float
    works: int  # how many times the work ran while /help was measured

    def record(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)
        return {
            "workload": self.workload,
            "database": self.database,
            "in_flight": IN_FLIGHT,
            "work": self.work,
            "interactions": len(ordered),
            "p50_ms": round(statistics.median(ordered) * 1000, 2),
            "p99_ms": round(ordered[min(int(0.99 * len(ordered)), len(ordered) - 1)] * 1000, 2),
            "max_ms": round(ordered[-1] * 1000, 2),
            "idle_p99_ms": self.idle.record()["p99_ms"],
            "idle_max_ms": round(max(self.idle.latencies) * 1000, 2),
            "work_seconds": round(self.work_seconds, 2),
            "works": self.works,
        }


def roster(first_user: int, rows: int = IMPORT_ROWS) -> bytes:
    """A member list as the office exports it from its spreadsheet."""
    lines = ["discord user id,membership number,expires"]
    lines += [f"{first_user + n},B-{n:05d},2030-03-31" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def with_file(call: Call) -> bool:
    """The final answer of an export: the one that carries its file."""
    return call.method in ("POST", "PATCH") and bool(call.files)


def import_summary(call: Call) -> bool:
    return call.method in ("POST", "PATCH") and " registered, " in str(call.body)


Work = Callable[[Callable[[], bool]], Awaitable[int]]


async def help_during(
    driver: Driver,
    bot: BotProcess,
    world: World,
    users: list[User],
    name: str,
    database: str,
    description: str,
    work: Work,
    idle: Figures,
) -> LongFigures:
    """/help at IN_FLIGHT in flight while ``work`` runs (it is told whether to go on)."""
    help_ = Help(world, users)
    latencies: list[float] = []
    finished = asyncio.Event()

    async def worker(index: int) -> None:
        n = 0
        while not finished.is_set():
            latencies.extend(await help_.unit(driver, index, n))
            n += 1

    async def run_work() -> int:
        try:
            return await work(lambda: len(latencies) < AT_LEAST)
        finally:
            finished.set()

    with no_collector_pauses():
        started = time.perf_counter()
        works, *_ = await asyncio.gather(run_work(), *(worker(i) for i in range(IN_FLIGHT)))
        seconds = time.perf_counter() - started
    return LongFigures(name, database, description, latencies, idle, seconds / works, works)


def member_import(driver: Driver, world: World, first_user: int) -> Work:
    data = roster(first_user)

    async def work(_: Callable[[], bool]) -> int:
        options = {"file": Attachment("members.csv", data)}
        command = command_data(driver.fake, "member import", options)
        await driver.interact_until(envelope(driver.fake, 2, world.staff, command), import_summary)
        return 1

    return work


def ledger_export(driver: Driver, world: World, years: list[int]) -> Work:
    """The ledger of every fiscal year, one after another, as staff would fetch twenty years of
    books; again while more /help answers are wanted."""

    async def work(more: Callable[[], bool]) -> int:
        runs = 0
        while runs == 0 or more():
            for year in years:
                data = command_data(driver.fake, "subsidy ledger", {"year": year})
                await driver.interact_until(envelope(driver.fake, 2, world.staff, data), with_file)
            runs += 1
        return runs

    return work


def registry_export(driver: Driver, world: World) -> Work:
    """/member list of the whole registry, with its CSV; again while more answers are wanted."""

    async def work(more: Callable[[], bool]) -> int:
        runs = 0
        while runs == 0 or more():
            data = command_data(driver.fake, "member list", {})
            await driver.interact_until(envelope(driver.fake, 2, world.staff, data), with_file)
            runs += 1
        return runs

    return work
