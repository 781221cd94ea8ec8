"""python -m bench.profile [--workload NAME] [--in-flight N] [--count N]: where the bot's time goes.

Runs one workload of the benchmark on the empty database with py-spy attached to the bot's process
(``pip install py-spy``; on Linux it may need ``--cap-add SYS_PTRACE`` in a container), sampling
only the thread that holds the interpreter lock: the bot's Python time, per interaction, split into
what it was spent on. The README's Performance section quotes it where a target is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench.__main__ import WARM_UP, commands, measure
from bench.databases import prepare, unreported_trips
from bench.workloads import Cycle, Workload
from tests.e2e.bot_process import BotProcess, answering

RATE = 500  # samples a second

# The first part a sample's stack names wins: a statement run by the outbox worker is database.
PARTS = (
    ("database (on its thread)", ("_connection_worker_thread",)),
    ("outbox deliveries (render, send, bookkeeping)", ("OutboxWorker.",)),
    ("answering the interaction (REST)", ("InteractionResponse.", "Webhook", "followup")),
    ("receiving interactions (gateway)", ("DiscordWebSocket.", "_read_ready")),
    (
        "the command's own code",
        ("Command._do_call", "schedule_dynamic_item_call", "on_interaction", "open_modal"),
    ),
)
OTHER = "event loop, discord.py dispatch, the rest"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument(
        "--workload", default="trip", choices=("help", "ask", "trip", "check", "cycle")
    )
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--count", type=int, default=2_000, help="interactions (cycles: a third)")
    return parser.parse_args()


def breakdown(raw: Path, interactions: int) -> list[tuple[str, float]]:
    """Milliseconds per interaction of each part, from py-spy's raw (collapsed) output."""
    samples: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        part = next((name for name, marks in PARTS if any(m in stack for m in marks)), OTHER)
        samples[part] += int(count)
    ms = {part: n * 1000 / RATE / interactions for part, n in samples.items()}
    return [(name, ms.get(name, 0.0)) for name, _ in PARTS] + [(OTHER, ms.get(OTHER, 0.0))]


async def main(args: argparse.Namespace) -> None:
    os.environ.setdefault("BOT_LOG_LEVEL", "40")
    beside = Path(sys.executable).with_name("py-spy")  # in the virtual environment's bin/
    spy = shutil.which("py-spy") or (str(beside) if beside.exists() else None)
    if spy is None:
        raise SystemExit("py-spy is not installed: pip install py-spy")
    folder = Path(tempfile.mkdtemp(prefix="kifa-profile-"))
    setup = await prepare("empty", folder)
    bot = await BotProcess.spawn(setup.fake.port, setup.path)
    try:
        await answering(setup.fake, setup.fake.world.staff)
        chosen = dict(zip(("help", "ask", "trip", "check"), commands(setup), strict=True))
        for workload in chosen.values():  # warm caches; trips for the cycle to write about
            await measure(setup.driver, bot, workload, WARM_UP * 8, 8, "empty")
        workload: Workload
        count = args.count
        if args.workload == "cycle":  # trips to write about, by the users the cycle will be
            await measure(setup.driver, bot, chosen["trip"], count, args.in_flight, "empty")
            workload = Cycle(
                setup.fake.world, setup.users, unreported_trips(setup.path, setup.users)
            )
            workload.watch(setup.driver)
            count //= 3
        else:
            workload = chosen[args.workload]
        raw = folder / "profile.txt"
        sampling = await asyncio.create_subprocess_exec(
            spy, "record", "--pid", str(bot.pid), "--gil", "--threads", "--format", "raw",
            "--rate", str(RATE), "--output", str(raw),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        await asyncio.sleep(1)  # py-spy attaches
        figures = await measure(setup.driver, bot, workload, count, args.in_flight, "empty")
        sampling.send_signal(signal.SIGINT)
        await sampling.wait()
        parts = breakdown(raw, figures.interactions)
    finally:
        await bot.stop()
        await setup.fake.stop()
    print(
        f"{figures.workload} at {args.in_flight} in flight: {figures.interactions} interactions, "
        f"{figures.per_second:.0f} per s (slowed by the sampling); bot CPU "
        f"{figures.cpu_ms:.2f} ms an interaction, of which Python holding the lock:"
    )
    for name, ms in parts:
        print(f"  {ms:6.3f} ms  {name}")
    print(f"  {sum(ms for _, ms in parts):6.3f} ms  in all")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
