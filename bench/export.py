"""python -m bench.export [--reports N] [--runs N]: /report export of a large year, and whether
the bot keeps answering others meanwhile.

An association with N approved reports (default 200) of 4 distinct photos each (1600 px JPEGs
with their 800 px copies, as the bot stores them) in this fiscal year. Each run measures, on
the same bot:

- the baseline: p50/p99 of /help, asked by 4 members at a time, with nothing else going on;
- the same /help load while staff run /report export: p50/p99 of /help during the export, the
  export's time from the command to its last file, its parts, and what the reply said.

Figures are medians over the runs, and /help's p99 is quoted as a ratio to the baseline of the
same run (this machine is noisy; see the guide).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import re
import shutil
import sqlite3
import statistics
import tempfile
import time
from contextlib import closing
from datetime import timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from bench.driver import Driver
from bot.domain import photos as photo_rules
from bot.domain.clock import Clock, to_db
from bot.domain.fiscal import FiscalYear
from fake_discord.interactions import command_data, envelope
from fake_discord.models import Member, User, World
from fake_discord.server import FakeDiscord
from tests.e2e.bot_process import BotProcess, answering
from tests.e2e.harness import Harness

PARTS = re.compile(r"split into (\d+) Word files")
HELP_IN_FLIGHT = 4
BASELINE_HELPS = 200
PHOTOS = 4
BODY = " ".join(["Kusatsu"] + ["visit"] * 398 + ["Pontiac."])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--reports", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    return parser.parse_args()


def base_photo(seed: int) -> Image.Image:
    """A photo-like picture (shapes and noise compress as a photo does), 1600 x 1067."""
    rng = random.Random(seed)
    image = Image.effect_noise((1600, 1067), 40).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(1600), rng.randrange(1067)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        draw.ellipse((x, y, x + rng.randrange(60, 400), y + rng.randrange(60, 400)), fill=colour)
    return image


def stored(base: Image.Image, small: Image.Image, label: str) -> photo_rules.Stored:
    """A distinct photo (its label drawn on it: Word keeps one copy of identical images) as the
    bot stores it, with its smaller copy."""
    encoded = []
    for image in (base, small):
        marked = image.copy()
        ImageDraw.Draw(marked).text((20, 20), label, fill=(255, 255, 255))
        out = io.BytesIO()
        marked.save(out, "JPEG", quality=photo_rules.JPEG_QUALITY)
        encoded.append(photo_rules.Photo(out.getvalue(), marked.width, marked.height))
    return photo_rules.Stored(*encoded)


def fill(path: Path, guild_id: int, user_id: int, reports: int) -> int:
    """``reports`` approved reports with PHOTOS photos each, this fiscal year; their photo bytes."""
    today = Clock().today()
    year = FiscalYear.containing(today, 4)
    bases = [base_photo(seed) for seed in range(PHOTOS)]
    smalls = [b.resize((800, 533)) for b in bases]
    now = to_db(Clock().now())
    total = 0
    with closing(sqlite3.connect(path)) as conn, conn:
        (city_id,) = conn.execute(
            "SELECT id FROM cities WHERE guild_id = ? AND slug = 'pontiac'", (guild_id,)
        ).fetchone()
        for n in range(reports):
            day = max(year.start, today - timedelta(days=200)) + timedelta(days=n % 150)
            trip = conn.execute(
                "INSERT INTO trips (guild_id, user_id, city_id, start_on, end_on, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (guild_id, user_id, city_id, day.isoformat(), day.isoformat(), now),
            ).lastrowid
            report = conn.execute(
                "INSERT INTO reports (guild_id, user_id, trip_id, state, title, body, units, "
                "language, first_submitted_at, submitted_at, decided_by, decided_at, city_id, "
                "trip_start_on, credit) VALUES (?, ?, ?, 'approved', ?, ?, 400, 'en', ?, ?, 1, ?, "
                "?, ?, 'initials')",
                (guild_id, user_id, trip, f"Visit {n}", BODY, now, now, now, city_id,
                 day.isoformat()),
            ).lastrowid  # fmt: skip
            for position in range(1, PHOTOS + 1):
                kept = stored(bases[position - 1], smalls[position - 1], f"{n}/{position}")
                photo, preview = kept.photo, kept.preview
                conn.execute(
                    "INSERT INTO report_photos (report_id, position, content_type, width, "
                    "height, data, preview_width, preview_height, preview) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (report, position, photo.content_type, photo.width, photo.height,
                     photo.data, preview.width, preview.height, preview.data),
                )  # fmt: skip
                total += len(photo.data)
    return total


async def helps(driver: Driver, fake: FakeDiscord, users: list[User], until: asyncio.Event | None):
    """/help from HELP_IN_FLIGHT members at a time: BASELINE_HELPS of them, or until ``until``."""
    latencies: list[float] = []
    count = iter(range(BASELINE_HELPS if until is None else 10**9))

    async def member(index: int) -> None:
        for _ in count:
            if until is not None and until.is_set():
                return
            payload = envelope(fake, 2, users[index], command_data(fake, "help", {}))
            latencies.append((await driver.interact(payload)).latency)

    await asyncio.gather(*(member(i) for i in range(HELP_IN_FLIGHT)))
    return latencies


async def export(fake: FakeDiscord, staff: User) -> tuple[float, int, str]:
    """Run /report export; (seconds to its last file, files sent, the reply)."""
    payload = envelope(fake, 2, staff, command_data(fake, "report export", {}))
    token = payload["token"]
    started = time.perf_counter()
    await fake.dispatch("INTERACTION_CREATE", payload)
    reply = ""
    async with asyncio.timeout(600):
        while True:
            followups = [c for c in fake.calls if token in c.path and c.files]
            if followups:
                reply = (followups[0].body or {}).get("content", "")
                split = PARTS.search(reply)
                if len(followups) >= (int(split.group(1)) if split else 1):
                    break
            await asyncio.sleep(0.05)
    seconds = time.perf_counter() - started
    files = sum(len(c.files) for c in fake.calls if token in c.path)
    return seconds, files, reply


def p(latencies: list[float], q: float) -> float:
    ordered = sorted(latencies)
    return ordered[min(int(q * len(ordered)), len(ordered) - 1)] * 1000


async def main(args: argparse.Namespace) -> None:
    world = World.association()
    users = [User(f"bench-{i}") for i in range(HELP_IN_FLIGHT)]
    world.guild.members += [Member(u, [world.guild.role("Member")]) for u in users]
    fake = FakeDiscord(world)
    await fake.start()
    driver = Driver(fake)
    folder = Path(tempfile.mkdtemp(prefix="kifa-bench-export-"))
    path = folder / "export.sqlite3"
    rows = []
    try:
        bot = await BotProcess.spawn(fake.port, path)
        try:
            await answering(fake, world.staff)
            office = Harness(fake, path)
            await office.configure()
            await office.ask("city list", user=world.member)
        finally:
            await bot.stop()
        started = time.perf_counter()
        size = fill(path, world.guild.id, world.member.id, args.reports)
        print(
            f"{args.reports} reports, {args.reports * PHOTOS} photos, {size / 1e6:.0f} MB of "
            f"photos; written in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        bot = await BotProcess.spawn(fake.port, path)
        try:
            await answering(fake, world.staff)
            await helps(driver, fake, users, None)  # warm up
            for run in range(args.runs):
                baseline = await helps(driver, fake, users, None)
                done = asyncio.Event()
                during_task = asyncio.create_task(helps(driver, fake, users, done))
                seconds, files, reply = await export(fake, world.staff)
                done.set()
                during = await during_task
                rows.append(
                    {
                        "baseline_p50": p(baseline, 0.5),
                        "baseline_p99": p(baseline, 0.99),
                        "during_p50": p(during, 0.5),
                        "during_p99": p(during, 0.99),
                        "helps_during": len(during),
                        "export_s": seconds,
                        "files": files,
                        "peak_mb": bot.peak_memory_mb(),
                    }
                )
                print(f"run {run + 1}: {rows[-1]}", flush=True)
            print(f"\nreply: {reply}")
        finally:
            await bot.stop()
    finally:
        await fake.stop()
        shutil.rmtree(folder, ignore_errors=True)
    med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
    ratio = statistics.median(r["during_p99"] / r["baseline_p99"] for r in rows)
    print(
        f"\n| /help p50 ms | /help p99 ms | during export p50 ms | during export p99 ms "
        f"| p99 ratio | export s | files | bot peak MB |\n"
        f"|---:|---:|---:|---:|---:|---:|---:|---:|\n"
        f"| {med['baseline_p50']:.1f} | {med['baseline_p99']:.1f} | {med['during_p50']:.1f} "
        f"| {med['during_p99']:.1f} | {ratio:.2f} | {med['export_s']:.1f} | {med['files']:.0f} "
        f"| {med['peak_mb']:.0f} |"
    )


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
