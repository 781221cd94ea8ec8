"""The query plan of every statement the workloads ran on the large database.

The bot writes each statement it runs, with its parameters, to a trace file; here each distinct
statement is explained with ``EXPLAIN QUERY PLAN`` against the large database, so the README can
show the plans the figures rely on, and a full scan of a big table cannot hide. The statement is
explained as the bot prepares it, with its parameters bound: SQLite plans from the text, and a
plan made for a value written into the text can differ (a ``LIMIT 16`` let SQLite use an index
that a ``LIMIT ?`` did not, which hid a scan of the whole outbox behind every delivery).
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Steps that read everything of something that stays small, or that are not table reads at all:
# a virtual table's SCAN is its own lookup (full-text MATCH, the list of ids in json_each).
NOT_GROWING = ("cities", "guild_settings", "bot_state", "CONSTANT ROW", "VIRTUAL TABLE")
EXPLAINED = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH")


@dataclass(frozen=True)
class Plan:
    shape: str  # the statement, on one line
    runs: int
    steps: tuple[str, ...]

    @property
    def scans(self) -> list[str]:
        """Steps that read a whole table (or index) that can grow with the association."""
        return [
            s for s in self.steps if s.startswith("SCAN") and not any(t in s for t in NOT_GROWING)
        ]


def read(trace: Path, database: Path) -> list[Plan]:
    examples: dict[str, Any] = {}
    runs: dict[str, int] = {}
    for line in trace.read_text(encoding="utf-8").splitlines():
        sql, params = json.loads(line)
        shape = " ".join(sql.split())
        if not shape.upper().startswith(EXPLAINED):
            continue
        examples.setdefault(shape, params)
        runs[shape] = runs.get(shape, 0) + 1
    plans = []
    with closing(sqlite3.connect(database)) as conn:
        for shape, params in examples.items():
            steps = tuple(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + shape, params))
            plans.append(Plan(shape, runs[shape], steps))
    return sorted(plans, key=lambda p: -p.runs)


def markdown(plans: list[Plan]) -> str:
    lines = [f"{len(plans)} statement shapes; {sum(1 for p in plans if p.scans)} scan a table.", ""]
    for plan in plans:
        flag = "  **SCAN**" if plan.scans else ""
        lines.append(f"- `{plan.shape[:300]}` ({plan.runs} runs){flag}")
        lines += [f"  - {step}" for step in plan.steps]
    return "\n".join(lines) + "\n"
