"""/city ask against the KIFA preset: natural questions, answers checked against the seed page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import Settings
from bot.interactions import Speaker
from bot.services import Services
from cogs.cities import render_answer
from db.database import Database
from db.migrate import migrate

GUILD = 42
TODAY = date(2026, 11, 23)

# (language, question, every text the answer must contain)
QUESTIONS = [
    ("en", "When did Kusatsu and Pontiac become sister cities?", ["August 1978"]),
    ("en", "Since when is Xuhui a partner?", ["May 1991"]),
    ("en", "When was the agreement with Kannonji signed?", ["October 1982"]),
    ("en", "What year did Kusatsu Town become a friendship city?", ["1997"]),
    ("en", "When did the partnership with Date City start?", ["November 2014"]),
    ("en", "Where is Pontiac?", ["Oakland County", "Michigan"]),
    ("en", "Where is Xuhui District located?", ["Shanghai"]),
    ("en", "Which prefecture is Kanonji in?", ["Kagawa"]),
    ("en", "Where is Kusatsu Town?", ["Gunma"]),
    ("en", "Where is Date?", ["Fukushima"]),
    ("en", "Which country is Xuhui in?", ["China"]),
    ("en", "What country is Pontiac in?", ["United States"]),
    ("en", "Which partner city is in China?", ["Xuhui"]),
    ("en", "Which partner cities are in the USA?", ["Pontiac"]),
    ("en", "What kind of relationship does Kusatsu have with Date City?", ["friendship"]),
    ("en", "Is Kanonji a sister city or a friendship city?", ["sister city"]),
    ("en", "What is the oldest partnership?", ["Pontiac", "1978"]),
    ("en", "Which is the newest partner city?", ["Date", "2014"]),
    ("en", "How many partner cities does Kusatsu have?", ["5"]),
    ("en", "What is the official website of Kanonji?", ["kanonji.kagawa.jp"]),
    ("en", "Pontiac homepage?", ["pontiac.mi.us"]),
    ("en", "What is Kanonji famous for?", ["sand painting"]),
    ("en", "Why do Kusatsu City and Kusatsu Town have exchanges?", ["same name"]),
    ("en", "What industry is Pontiac known for?", ["automobile"]),
    ("en", "How did the exchange with Date City begin?", ["Furusato Festival"]),
    ("en", "How much of Date City is forest?", ["Two thirds"]),
    ("en", "Which hot spring resort is in Kusatsu Town?", ["Kusatsu Onsen"]),
    ("en", "Can I get the subsidy for a trip to Michigan?", ["not covered"]),
    ("en", "How many people were in the 1976 delegation to Michigan?", ["165"]),
    ("en", "Which university is in Pontiac?", ["Oakland University"]),
    ("en", "What are Kusatsu's sister cities?", ["Pontiac", "Kanonji"]),
    ("en", "How many years have Kusatsu and Pontiac been sister cities?", ["48 years"]),
    ("ja", "草津市とポンティアック市はいつ姉妹都市になりましたか？", ["1978年8月"]),
    ("ja", "徐匯区との提携はいつですか", ["1991年5月"]),
    ("ja", "観音寺市はどこにありますか", ["香川県"]),
    ("ja", "伊達市はどこの県ですか", ["福島県"]),
    ("ja", "中国にある姉妹都市・友好都市は？", ["徐匯区"]),
    ("ja", "一番古い姉妹都市はどこですか", ["ポンティアック市"]),
    ("ja", "最も新しい提携先は？", ["伊達市"]),
    ("ja", "提携先はいくつありますか", ["5"]),
    ("ja", "観音寺市は何で有名ですか", ["寛永通宝"]),
    ("ja", "ポンティアック市について教えてください", ["自動車産業"]),
    ("en", "Tell me about Xuhui", ["foreign companies"]),
    ("ja", "草津町との交流のきっかけは？", ["同じ名前"]),
    ("ja", "伊達市の森林の割合は？", ["3分の2"]),
    ("ja", "草津町の公式サイトを教えてください", ["town.kusatsu.gunma.jp"]),
    ("ja", "ミシガン州への旅行は補助金の対象ですか", ["対象外"]),
    ("ja", "かんおんじとはどんな関係ですか", ["姉妹都市"]),
]


@pytest.fixture
async def services(database_path: Path):
    db = await Database.open(database_path)
    await migrate(db)
    yield Services.build(db, Settings(token="", database_path=database_path))
    await db.close()


async def test_question_set_accuracy(services: Services):
    correct, wrong = 0, []
    for language, question, expected in QUESTIONS:
        answer = await services.cities.ask(GUILD, question, language, TODAY)
        say = Speaker(None, language)  # type: ignore[arg-type]
        home = await services.cities.home(GUILD, language)
        text = "" if answer is None else render_answer(say, answer, home)
        if all(e.lower() in text.lower() for e in expected):
            correct += 1
        else:
            wrong.append((question, answer and answer.key, text[:160]))
    accuracy = correct / len(QUESTIONS)
    print(f"\n/city ask accuracy: {correct}/{len(QUESTIONS)} = {accuracy:.0%}")
    for item in wrong:
        print("  wrong:", item)
    assert len(QUESTIONS) >= 40
    assert accuracy >= 0.9


async def test_an_unanswerable_question_gets_no_invented_answer(services: Services):
    assert (
        await services.cities.ask(GUILD, "What is the mayor's favourite colour?", "en", TODAY)
        is None
    )
