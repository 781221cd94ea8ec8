"""python -m bench.city_ask: what /city ask's question index costs, outside Discord.

- memory: the process's peak (VmHWM) before and after the analyser (MeCab with UniDic, cutlet,
  the stemmer), the question-word table and one server's index are loaded and a question asked;
- a server's index for 1,000 cities: analysing them (done once, when an import or a preset
  writes them) and building the index from the stored analyses (done whenever the server's
  cities change and the next question comes), median of repeated runs;
- one question against that index.

The cities are the three evaluation data sets' (kifa, inagi, Kanazawa) repeated under new names
until there are 1,000.
"""

from __future__ import annotations

import json
import statistics
import time
import tomllib
from dataclasses import replace
from datetime import date
from pathlib import Path

RUNS = 7
CITIES = 1_000
KANAZAWA = Path(__file__).parents[1] / "tests" / "city_ask_eval" / "kanazawa.toml"


def peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    import rapidfuzz  # noqa: F401 - loaded before the measure: not the analyser
    import Stemmer  # noqa: F401

    from bot.domain import countries
    from bot.domain.cities import parse_file
    from bot.services import presets

    countries.every()  # CLDR's names: not the analyser either
    before = peak_mb()
    from bot.domain.ask import answers
    from bot.domain.ask.index import CityIndex
    from bot.domain.ask.passages import CityAnalysis, analyse_city

    kifa = presets.load("kifa")
    index = CityIndex(kifa.association, list(kifa.cities))
    answers.answer(
        index, "草津市とポンティアック市はいつ姉妹都市になりましたか", "ja", date.today()
    )
    loaded = peak_mb()
    print(f"peak memory: {before:.0f} MB before the analyser, {loaded:.0f} MB with one "
          f"server's index and a question (+{loaded - before:.0f} MB)")  # fmt: skip
    association, kanazawa = parse_file(tomllib.loads(KANAZAWA.read_text("utf-8")))
    base = [*kifa.cities, *presets.load("inagi").cities, *kanazawa]
    cities = [
        replace(
            city,
            slug=f"{city.slug[:30]}-{n}",
            name_en=f"{city.name_en} {n}",
            name_ja=f"{city.name_ja}{n}",
            aliases=(),
            order=n,
        )
        for n, city in enumerate((base * (CITIES // len(base) + 1))[:CITIES])
    ]
    started = time.perf_counter()
    stored = {c.slug: json.dumps(analyse_city(c).to_json()) for c in cities}
    analysed = time.perf_counter() - started
    print(f"analysing {CITIES:,} cities (once, when they are written): {analysed * 1000:.0f} ms")

    builds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        analyses = {slug: CityAnalysis.from_json(json.loads(data)) for slug, data in stored.items()}
        big = CityIndex(association, cities, analyses)  # type: ignore[arg-type]
        builds.append(time.perf_counter() - started)
    print(f"building the index of {CITIES:,} cities from their stored analyses: "
          f"median {statistics.median(builds) * 1000:.0f} ms of {RUNS} runs")  # fmt: skip

    from tests.city_ask_eval.evaluation import load

    for case in load("tuning") + load("heldout"):
        answers.answer(big, case.question, case.language, date.today())
    print(f"peak memory after {CITIES:,} cities and every evaluation question: "
          f"{peak_mb():.0f} MB (+{peak_mb() - before:.0f} MB)")  # fmt: skip

    asks = []
    for question in ("When did Kanazawa and Nancy 17 become sister cities?", "海外の提携先は？"):
        for _ in range(RUNS):
            started = time.perf_counter()
            answers.answer(big, question, "en", date.today())
            asks.append(time.perf_counter() - started)
    print(f"one question against it: median {statistics.median(asks) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
