"""The /city ask evaluation: questions written before the retrieval was tuned, asked of the real
services on three associations' data, and judged on the reply as the bot renders it.

A reply is *right* when it holds what the question expects (or says "not found" where the data
has no answer). A reply that answers but is not right is *invented*: it states something the data
does not give as the answer to that question. A "not found" to a question the data can answer is
*refused*: wrong, but nothing made up.

    python -m tests.city_ask_eval tuning      # scores and lists every reply that is not right

A refusal is recognised from what the bot decided (NotFound), which renders as the catalogue's
"not found" reply; everything else is judged on the rendered text.
"""

from __future__ import annotations

import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from bot.config import Settings
from bot.domain.ask.answers import NotFound
from bot.domain.clock import TOKYO
from bot.interactions import Speaker
from bot.services import Services
from cogs.cities import render_reply
from db.database import Database
from db.migrate import migrate

HERE = Path(__file__).parent
TODAY = date(2026, 11, 23)
GUILDS = {"kifa": 1001, "inagi": 1002, "kanazawa": 1003}
STAFF = 7


@dataclass(frozen=True)
class Case:
    dataset: str
    language: str
    question: str
    expect: tuple[tuple[str, ...], ...]  # every group must match one of its texts
    forbid: tuple[str, ...]

    @property
    def answerable(self) -> bool:
        return bool(self.expect)


@dataclass(frozen=True)
class Judged:
    case: Case
    reply: str
    outcome: str  # right | refused | invented


def load(part: str) -> list[Case]:
    cases = []
    for line in (HERE / f"{part}.txt").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        dataset, language, question, expected = line.split("|", 3)
        expect, forbid = [], []
        if expected.strip() != "-":
            for item in expected.split("&&"):
                item = item.strip()
                if item.startswith("!!"):
                    forbid.append(item[2:].strip())
                else:
                    expect.append(tuple(a.strip() for a in item.split("||")))
        cases.append(Case(dataset, language, question, tuple(expect), tuple(forbid)))
    return cases


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def judge(case: Case, reply: str, refused: bool) -> str:
    if refused:
        return "refused" if case.answerable else "right"
    if not case.answerable:
        return "invented"
    text = _norm(reply)
    if any(_norm(f) in text for f in case.forbid):
        return "invented"
    if all(any(_norm(a) in text for a in group) for group in case.expect):
        return "right"
    return "invented"


async def open_services(folder: Path) -> tuple[Database, Services]:
    db = await Database.open(folder / "eval.sqlite3")
    try:
        await migrate(db)
        services = Services.build(db, Settings(token="", database_path=folder / "eval.sqlite3"))
        now = datetime.now(TOKYO)
        services.clock.advance(datetime.combine(TODAY, now.time(), TOKYO) - now)
        await services.cities.use_preset(GUILDS["inagi"], STAFF, "inagi")
        raw = (HERE / "kanazawa.toml").read_bytes()
        await services.cities.import_file(GUILDS["kanazawa"], STAFF, "kanazawa.toml", raw)
    except BaseException:
        await db.close()  # an open connection's thread would keep the test run from ending
        raise
    return db, services


async def evaluate(cases: list[Case]) -> list[Judged]:
    with tempfile.TemporaryDirectory() as folder:
        db, services = await open_services(Path(folder))
        try:
            judged = []
            for case in cases:
                guild = GUILDS[case.dataset]
                found = await services.questions.ask(
                    guild, case.question, case.language, services.clock.today()
                )
                say = Speaker(None, case.language)  # type: ignore[arg-type]
                association = await services.cities.association(guild)
                reply = render_reply(say, found, association, None)
                refused = isinstance(found, NotFound)
                judged.append(Judged(case, reply, judge(case, reply, refused)))
            return judged
        finally:
            await db.close()


def summary(judged: list[Judged]) -> str:
    counts = Counter(j.outcome for j in judged)
    total = len(judged)
    return (
        f"{counts['right']}/{total} right ({counts['right'] / total:.1%}), "
        f"{counts['refused']} refused, {counts['invented']} invented"
    )
