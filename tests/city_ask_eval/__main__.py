"""python -m tests.city_ask_eval tuning|heldout: score a part and list the replies not right."""

from __future__ import annotations

import asyncio
import sys

from tests.city_ask_eval.evaluation import evaluate, load, summary


def main() -> None:
    part = sys.argv[1] if len(sys.argv) > 1 else "tuning"
    judged = asyncio.run(evaluate(load(part)))
    for j in judged:
        if j.outcome != "right":
            print(f"[{j.outcome}] {j.case.dataset}/{j.case.language} {j.case.question}")
            print("    ", j.reply.replace("\n", " ⏎ ")[:220])
    print(part, summary(judged))


if __name__ == "__main__":
    main()
