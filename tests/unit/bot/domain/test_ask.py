"""/city ask's pure parts: countries, the file form, reading names in questions, and answers
for data that no code knows (the rules must hold for any association)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import countries
from bot.domain.ask import answers
from bot.domain.ask.analyser import latin_key
from bot.domain.ask.index import CityIndex
from bot.domain.ask.passages import CityAnalysis, analyse_city
from bot.domain.cities import Association, CityDataError, parse_file
from bot.services import presets

TODAY = date(2026, 11, 23)


def city(**fields):
    return {
        "slug": "x",
        "name_en": "X",
        "name_ja": "エックス",
        "country": "JP",
        "relationship": "sister_city",
        "since": "2001",
        **fields,
    }


HOME = {"name_en": "A", "name_ja": "エー", "home_en": "Home City", "home_ja": "ホーム市"}


def test_every_assigned_iso_code_and_no_other():
    assert len(countries.every()) == 249
    for code in ("PT", "PH", "NL", "BE", "RU", "QA", "JP"):
        assert countries.is_country(code)
    for code in ("XK", "EU", "ZZ", "QO", "UK", "jp", "J"):
        assert not countries.is_country(code)
    assert countries.name("US", "en") == "the United States"
    assert countries.name("NL", "en") == "the Netherlands"
    assert countries.name("PT", "ja") == "ポルトガル"


def test_the_file_form_needs_its_association_and_says_whose_partner():
    with pytest.raises(CityDataError) as error:
        parse_file({"cities": [city(country="ZZ")]})
    problems = {(p.field, p.kind) for p in error.value.problems}
    assert problems >= {("name_en", "missing"), ("home_ja", "missing")}
    assert ("cities[0].country", "country") in problems
    association, parsed = parse_file(
        {**HOME, "cities": [city(partner_of_en="Some Prefecture", partner_of_ja="某県")]}
    )
    assert association == Association("A", "エー", "Home City", "ホーム市", "JP")
    assert not parsed[0].is_home_partner
    again = parse_file({**association.to_dict(), "cities": [parsed[0].to_dict()]})
    assert again == (association, parsed)


def test_spellings_of_one_name_share_a_key():
    assert latin_key("Kan'onji") == latin_key("Kannonji") == latin_key("kanonji")
    assert latin_key("Oozora") == latin_key("Ozora")
    assert latin_key("Souma") == latin_key("Soma")


def test_a_stored_analysis_of_another_version_is_redone():
    pontiac = presets.load("kifa").cities[0]
    stored = json.loads(json.dumps(analyse_city(pontiac).to_json()))
    assert CityAnalysis.from_json(stored) == analyse_city(pontiac)
    assert CityAnalysis.from_json({**stored, "v": "0"}) is None


@pytest.fixture(scope="module")
def kifa() -> CityIndex:
    preset = presets.load("kifa")
    return CityIndex(preset.association, list(preset.cities))


def slugs(index: CityIndex, question: str) -> list[str]:
    return [c.slug for c in index.read(question).cities]


def test_names_in_questions(kifa: CityIndex):
    assert slugs(kifa, "what date did kusatsu and kanonji become sister cities") == ["kanonji"]
    assert slugs(kifa, "Which came first, Kanonji or Date?") == ["kanonji", "date"]
    assert slugs(kifa, "where is date city") == ["date"]
    assert slugs(kifa, "kannonji famous for what") == ["kanonji"]
    assert slugs(kifa, "ponitac where") == ["pontiac"]
    assert slugs(kifa, "かんおんじとはどんな関係") == ["kanonji"]
    # The home city's name is not the partner town that shares it.
    assert slugs(kifa, "When did Kusatsu and Pontiac become sister cities?") == ["pontiac"]
    assert slugs(kifa, "kusatsu machi when") == ["kusatsu-town"]
    assert kifa.read("any partners in america?").countries == ["US"]
    assert kifa.read("アメリカにある姉妹都市は？").countries == ["US"]


def renamed(preset: str) -> CityIndex:
    """A preset's data under names no code can know."""
    loaded = presets.load(preset)
    cities = [
        replace(c, name_en=f"Zorvak{n}", name_ja=f"ゾルバク{n}", aliases=(), slug=f"z{n}")
        for n, c in enumerate(loaded.cities)
    ]
    return CityIndex(Association("Q Club", "Q会", "Quux", "クークス"), cities)


def test_answers_hold_for_names_no_code_knows():
    index = renamed("kifa")
    found = answers.answer(index, "When did Quux and Zorvak0 become sister cities?", "en", TODAY)
    assert isinstance(found, answers.Answer)
    assert (found.key, found.city and found.city.slug) == ("ask.since", "z0")
    found = answers.answer(index, "zorvak2 famous for what?", "en", TODAY)
    assert isinstance(found, answers.Answer) and "sand painting" in found.values["fact"]
    found = answers.answer(index, "Which came first, Zorvak2 or Zorvak4?", "en", TODAY)
    assert isinstance(found, answers.Answer) and found.city and found.city.slug == "z2"
    found = answers.answer(index, "How far is Zorvak2 from Quux?", "en", TODAY)
    assert isinstance(found, answers.NotFound)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_an_answer_or_not_found(text: str):
    index = renamed("inagi")
    found = answers.answer(index, text, "ja", TODAY)
    assert isinstance(found, answers.Answer | answers.Program | answers.NotFound)
