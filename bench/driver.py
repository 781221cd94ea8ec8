"""Sends interactions to the bot through the fake Discord and times the answers.

Latency is measured from the moment the fake starts sending INTERACTION_CREATE to the moment the
bot's interaction callback arrives at the fake (what Discord's 3-second limit is about). A
deferred answer (type 5) counts as answered for latency, but the driver also waits for the
follow-up that completes it, so throughput counts finished work only.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fake_discord.server import Call, FakeDiscord

TIMEOUT = 15.0
LONG_TIMEOUT = 300.0
DEFERRED = 5


@dataclass
class Answer:
    latency: float  # seconds
    body: dict  # the callback's body, or the follow-up that completed a deferral


@dataclass
class _Pending:
    callback: asyncio.Future[tuple[float, dict]]
    final: asyncio.Future[dict]


class Driver:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._pending: dict[str, _Pending] = {}
        self._until: dict[str, tuple[Callable[[Call], bool], asyncio.Future[Call]]] = {}
        fake.listeners.append(self._heard)

    def _heard(self, call: Call) -> None:
        parts = call.path.split("/")
        if len(parts) > 3 and parts[3] in self._until:
            done, future = self._until[parts[3]]
            if not future.done() and done(call):
                future.set_result(call)
        if call.method == "POST" and parts[1] == "interactions" and parts[-1] == "callback":
            pending = self._pending.get(parts[3])
            if pending is not None and not pending.callback.done():
                pending.callback.set_result((time.perf_counter(), call.body))
        elif call.method in ("POST", "PATCH") and parts[1] == "webhooks" and len(parts) > 3:
            pending = self._pending.get(parts[3])
            if pending is not None and not pending.final.done():
                pending.final.set_result(call.body)

    async def interact(self, payload: dict) -> Answer:
        loop = asyncio.get_running_loop()
        token = payload["token"]
        pending = _Pending(loop.create_future(), loop.create_future())
        self._pending[token] = pending
        try:
            sent = time.perf_counter()
            await self.fake.dispatch("INTERACTION_CREATE", payload)
            answered, body = await asyncio.wait_for(pending.callback, TIMEOUT)
            if body["type"] == DEFERRED:
                body = await asyncio.wait_for(pending.final, TIMEOUT)
            return Answer(answered - sent, body)
        finally:
            del self._pending[token]
            self.fake.interactions.pop(token, None)

    def forget(self) -> None:
        """Drop what the fake kept of the calls and messages so far (between two cells): over a
        long run it would fill this process's memory, and the next cell needs none of it."""
        self.fake.calls.clear()
        self.fake.messages.clear()

    async def interact_until(self, payload: dict, done: Callable[[Call], bool]) -> float:
        """Send ``payload`` and wait for the call about it that ``done`` recognises (the final
        answer of long work, after its progress edits); the seconds it took."""
        token = payload["token"]
        future: asyncio.Future[Call] = asyncio.get_running_loop().create_future()
        self._until[token] = (done, future)
        try:
            sent = time.perf_counter()
            await self.fake.dispatch("INTERACTION_CREATE", payload)
            await asyncio.wait_for(future, LONG_TIMEOUT)
            return time.perf_counter() - sent
        finally:
            del self._until[token]
            self.fake.interactions.pop(token, None)


@contextmanager
def no_collector_pauses() -> Iterator[None]:
    """This process's cyclic garbage collector off while latencies are taken, and run after.

    The fake Discord keeps every call and message of a cell; with tens of thousands of them the
    collector's full passes took up to half a second here, which the driver counted as the bot's
    latency (it showed as a 430 ms /help during an import). The bot's own process is untouched."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@dataclass
class Figures:
    workload: str
    in_flight: int
    database: str
    interactions: int
    seconds: float
    latencies: list[float] = field(repr=False)
    peak_memory_mb: float
    cpu_seconds: float  # the bot process's, during the run (outbox deliveries included)
    ratio_to_baseline: float | None = None  # None where the run has no baseline (500 servers)

    @property
    def per_second(self) -> float:
        return self.interactions / self.seconds

    @property
    def cpu_ms(self) -> float:
        """The bot's CPU time per interaction: its cost, apart from waiting on anyone."""
        return self.cpu_seconds * 1000 / self.interactions

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(int(p * len(ordered)), len(ordered) - 1)]

    def record(self) -> dict[str, Any]:
        ratio = (
            {}
            if self.ratio_to_baseline is None
            else {"ratio_to_baseline": round(self.ratio_to_baseline, 2)}
        )
        return {
            "workload": self.workload,
            "in_flight": self.in_flight,
            "database": self.database,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(statistics.median(self.latencies) * 1000, 2),
            "p99_ms": round(self.percentile(0.99) * 1000, 2),
            "max_ms": round(max(self.latencies) * 1000, 2),
            **ratio,
            "cpu_ms": round(self.cpu_ms, 2),
            "peak_memory_mb": round(self.peak_memory_mb, 1),
        }


SPREAD_OF = ("per_second", "p99_ms", "max_ms", "ratio_to_baseline", "seconds", "idle_p99_ms",
             "peak_memory_mb", "p99_ratio_to_one_server")  # fmt: skip


def median_record(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One cell's records from repeated runs as one: the median of each figure, how many runs,
    and the spread (lowest, highest) of the figures that move from run to run."""
    merged: dict[str, Any] = dict(runs[0])
    spread: dict[str, list[float]] = {}
    for key, value in runs[0].items():
        if isinstance(value, bool) or not isinstance(value, int | float) or key == "in_flight":
            continue
        values = [run[key] for run in runs]
        merged[key] = round(statistics.median(values), 3 if key == "seconds" else 2)
        if key in SPREAD_OF:
            spread[key] = [min(values), max(values)]
    merged["runs"] = len(runs)
    if len(runs) > 1:
        merged["spread"] = spread
    return merged
