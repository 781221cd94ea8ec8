"""The Japanese text follows /work/shared/JAPANESE.md, and the English text stays plain.

Every Japanese string the bot can show — the catalogue, the command localisations and the
presets' Japanese fields — is checked for what a Japanese association office would never write:
an ISO date, 渡航 or the other retired terms, half-width or nested brackets, an English command
name (commands are written {cmd:trip log} and reach the reader as a mention or in their language).
Templates are also rendered with bracketed values where a value carries brackets, so a nesting
made at run time (「（2025年度（…））」) is caught too.
"""

from __future__ import annotations

import re
import string
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from bot.app import AssociationBot, extension_names
from bot.config import Settings
from bot.i18n.catalogue import catalogue, command_localisations
from bot.services import presets
from tests.japanese import (
    BRACKETED,
    ENGLISH_JARGON,
    japanese_problems,
    nesting,
    without_placeholders,
)


def rendered(template: str, **given: str) -> str:
    """``template`` filled as the bot fills it, brackets where the value carries them
    (``given`` values first)."""
    values = {}
    for _, name, spec, _ in string.Formatter().parse(template):
        if not name or name == "cmd":
            continue
        as_number = name == "year" and re.search(r"\{year\}年", template)
        default = 2025 if as_number or spec else BRACKETED.get(name, "値")
        values[name] = given.get(name, default)
    return string.Formatter().vformat(template, (), _Filled(values))


class _Filled(dict):
    def __missing__(self, key: str) -> object:
        return _Command()


class _Command:
    def __format__(self, spec: str) -> str:
        return "</" + spec + ":1>"


def preset_japanese() -> dict[str, str]:
    texts = {}
    for name in presets.available():
        data = tomllib.loads((resources.files("bot.presets") / f"{name}.toml").read_text("utf-8"))
        texts[f"{name}.name_ja"] = data["name_ja"]
        for index, city in enumerate(data["cities"]):
            where = f"{name}.cities[{index}]"
            for field in ("name_ja", "region_ja", "description_ja"):
                texts[f"{where}.{field}"] = city.get(field, "")
            for n, fact in enumerate(city.get("facts_ja", [])):
                texts[f"{where}.facts_ja[{n}]"] = fact
            for n, link in enumerate(city.get("links", [])):
                texts[f"{where}.links[{n}]"] = link["label_ja"]
    return texts


# ----------------------------------------------------------------------------- the checks work


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("有効期限（2025-03-31）が過ぎています", "ISO date"),
        ("渡航補助金の対象です", "渡航"),
        ("今年度の補助金", "補助"),
        ("予約済みです", "予約"),
        ("レポートは却下されました", "却下"),
        ("{count}字(語)", "half-width bracket"),
        ("/trip log で登録してください", "English command name"),
        ("（2025年度（2025年4月1日〜））", "nested bracket"),
        ("ミシガン州は草津市の姉妹州です", "草津市の姉妹州"),
        ("#{id} · {city} · {span}", "' · ' separator"),
    ],
)
def test_the_checks_catch_what_an_office_would_never_write(text: str, problem: str):
    assert any(problem in found for found in japanese_problems("k", text))


def test_the_checks_accept_what_an_office_writes():
    good = (
        "{trip}のレポート #{id} を受け付けました。https:// で始まるURL、2025/8/3 の形式も使えます。"
    )
    assert japanese_problems("k", good) == []
    assert nesting(rendered("（{trip}）")) == "（"
    assert nesting(rendered("{trip}のレポート")) is None


def test_the_japanese_catalogue_follows_the_glossary():
    cat = catalogue()
    found = []
    for key in sorted(cat.message_keys("ja")):
        template = cat.template("ja", key) or ""
        found += japanese_problems(key, without_placeholders(template))
        if nested := nesting(rendered(template)):
            found.append(f"{key}: nested bracket {nested} once filled in")
    assert found == []


def test_the_name_put_in_for_a_member_without_one_nests_nowhere():
    """``member.name.none`` fills ``{name}`` (the erase confirmation 「{user} さん（{name}）」, the
    payee 「{name}（{number}）」), so brackets of its own would nest: 「（（氏名未登録））」."""
    cat = catalogue()
    none = cat.text("ja", "member.name.none")
    nested = [
        key
        for key in sorted(cat.message_keys("ja"))
        if "{name}" in (template := cat.template("ja", key) or "")
        and nesting(rendered(template, name=none))
    ]
    assert nested == []
    assert nesting(rendered("{user} さん（{name}）", name="（氏名未登録）")) == "（"


def test_the_command_localisations_follow_the_glossary():
    found = []
    for key, text in command_localisations().items():
        found += japanese_problems(key, text)
    assert found == []


def test_the_presets_japanese_follows_the_glossary():
    found = []
    for key, text in preset_japanese().items():
        found += japanese_problems(key, text)
    assert found == []


def test_the_english_catalogue_has_no_office_jargon():
    cat = catalogue()
    found = [
        key
        for key in sorted(cat.message_keys("en"))
        if ENGLISH_JARGON.search(without_placeholders(cat.template("en", key) or ""))
    ]
    assert found == []


async def test_every_command_a_message_names_exists(tmp_path: Path):
    """{cmd:trip log} must name a real command, or the reader gets a mention of nothing."""
    cat = catalogue()
    named = {
        " ".join(spec.split())
        for lang in ("en", "ja")
        for key in cat.message_keys(lang)
        for _, field, spec, _ in string.Formatter().parse(cat.template(lang, key) or "")
        if field == "cmd"
    }
    bot = AssociationBot(Settings(token="x", database_path=tmp_path / "db.sqlite3"))
    try:
        for name in extension_names():
            await bot.load_extension(name)
        real = {c.qualified_name for c in bot.tree.walk_commands()}
    finally:
        await bot.close()
    assert named and named <= real, named - real
