"""Sends interactions to the bot through the fake Discord and times the answers.

Latency is measured from the moment the fake starts sending INTERACTION_CREATE to the moment the
bot's interaction callback arrives at the fake (what Discord's 3-second limit is about). A
deferred answer (type 5) counts as answered for latency, but the driver also waits for the
follow-up that completes it, so throughput counts finished work only.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from typing import Any

from fake_discord.server import Call, FakeDiscord

TIMEOUT = 15.0
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
        fake.listeners.append(self._heard)

    def _heard(self, call: Call) -> None:
        parts = call.path.split("/")
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
    ratio_to_baseline: float = 1.0

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
        return {
            "workload": self.workload,
            "in_flight": self.in_flight,
            "database": self.database,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(statistics.median(self.latencies) * 1000, 2),
            "p99_ms": round(self.percentile(0.99) * 1000, 2),
            "ratio_to_baseline": round(self.ratio_to_baseline, 2),
            "peak_memory_mb": round(self.peak_memory_mb, 1),
        }
