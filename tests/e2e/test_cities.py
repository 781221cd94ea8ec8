from __future__ import annotations

import json

from fake_discord.interactions import Attachment
from tests.e2e.harness import Harness


async def test_city_list_in_english_and_japanese(harness: Harness):
    reply = await harness.ask("city list", user=harness.world.guest)
    assert reply.ephemeral
    assert (
        "**Pontiac** (ポンティアック市) — sister city since August 1978 · the United States"
        in reply.text
    )
    assert "State of Michigan" in reply.text
    reply = await harness.ask("city list", user=harness.world.guest, locale="ja")
    assert "**観音寺市**（Kanonji City）：日本、1982年10月から姉妹都市" in reply.text


async def test_city_info_in_both_languages(harness: Harness):
    reply = await harness.ask("city info", user=harness.world.member, city="kanonji")
    assert reply.embeds[0]["title"] == "Kanonji City · 観音寺市"
    assert "Kan'ei Tsūhō" in reply.text and "October 1982" in reply.text
    assert "https://www.city.kanonji.kagawa.jp/" in reply.text
    reply = await harness.ask("city info", user=harness.world.member, city="michigan", locale="ja")
    assert "旅費助成の対象外" in reply.text and "165名" in reply.text
    assert reply.embeds[0]["title"] == "ミシガン州（State of Michigan）"
    assert "提携年月" in reply.text and " · " not in reply.text


async def test_city_info_accepts_a_typed_name_that_is_not_a_choice(harness: Harness):
    reply = await harness.ask("city info", user=harness.world.member, city="kannonji")
    assert reply.embeds[0]["title"] == "Kanonji City · 観音寺市"
    reply = await harness.ask("city info", user=harness.world.member, city="zzzz-nowhere")
    assert reply.content.startswith("I could not find a partner city called “zzzz-nowhere”")


async def test_autocomplete_finds_misspellings_and_japanese(harness: Harness):
    member = harness.world.member
    cases = {
        "kannonji": "kanonji",
        "Ponitac": "pontiac",
        "徐汇": "xuhui",
        "かんおんじ": "kanonji",
        "草津町": "kusatsu-town",
        "伊達": "date",
        "shanghai": "xuhui",
        "kusatsu to": "kusatsu-town",
    }
    for typed, slug in cases.items():
        choices = await harness.autocomplete("city info", "city", typed, user=member)
        assert choices and choices[0]["value"] == slug, (typed, choices)
    everything = await harness.autocomplete("city info", "city", "", user=member)
    assert len(everything) == 6
    ja = await harness.autocomplete("city info", "city", "pon", user=member, locale="ja")
    assert ja[0]["name"] == "ポンティアック市（Pontiac）"
    ja = await harness.autocomplete("city info", "city", "", user=member, locale="ja")
    assert len(ja) == 6 and not [c["name"] for c in ja if " · " in c["name"]]


async def test_city_ask_in_english_and_japanese_names_its_source(harness: Harness):
    reply = await harness.ask(
        "city ask",
        user=harness.world.guest,
        question="When did Kusatsu and Pontiac become sister cities?",
    )
    assert reply.content.startswith(
        "Kusatsu City and Pontiac concluded their sister city agreement in August 1978."
    )
    assert "Source: Pontiac · partnership date" in reply.content
    reply = await harness.ask(
        "city ask", user=harness.world.guest, locale="ja", question="観音寺市は何で有名ですか"
    )
    assert "寛永通宝" in reply.content and "出典：観音寺市" in reply.content


async def test_city_ask_says_when_it_does_not_know(harness: Harness):
    reply = await harness.ask(
        "city ask",
        user=harness.world.guest,
        question="What is the population of Pontiac's moon base?",
    )
    assert reply.content.startswith("I could not find the answer")
    assert "Pontiac" in reply.content


async def test_export_then_import_round_trip_and_refusals(harness: Harness):
    staff, member = harness.world.admin, harness.world.member
    reply = await harness.ask("city export", user=member)
    assert reply.content == "Only the association's staff can do this."

    interaction = await harness.command("city export", user=staff)
    await interaction.reply()
    export_call = await interaction.callback()
    exported = json.loads(next(iter(export_call.files.values())))
    assert [c["slug"] for c in exported["cities"]][:2] == ["pontiac", "xuhui"]

    exported["cities"][0]["name_en"] = "Pontiac City"
    reply = await harness.ask(
        "city import", user=staff, file=Attachment("cities.json", json.dumps(exported).encode())
    )
    list_id = harness.fake.scoped_commands[None]["city"]["id"]
    assert reply.content == f"Imported 6 cities. </city list:{list_id}> shows them."
    reply = await harness.ask("city info", user=member, city="pontiac")
    assert reply.embeds[0]["title"].startswith("Pontiac City")


async def test_import_reports_every_bad_field_and_changes_nothing(harness: Harness):
    bad = {
        "cities": [
            {
                "slug": "Bad Slug",
                "name_en": "X",
                "name_ja": "エックス",
                "country": "ZZ",
                "relationship": "cousin",
                "since": "last year",
            },
            {
                "slug": "ok",
                "name_en": "",
                "name_ja": "オーケー",
                "country": "JP",
                "relationship": "sister_city",
                "since": "2001-13",
            },
        ]
    }
    reply = await harness.ask(
        "city import",
        user=harness.world.admin,
        file=Attachment("cities.json", json.dumps(bad).encode()),
    )
    assert reply.content.startswith("The file was not imported: 10 problems found.")
    assert "“ZZ” is not an ISO 3166 country code" in reply.content
    for field in (
        "name_en",
        "name_ja",
        "home_en",
        "home_ja",
        "cities[0].slug",
        "cities[0].country",
        "cities[0].relationship",
        "cities[0].since",
        "cities[1].name_en",
        "cities[1].since",
    ):
        assert field in reply.content
    reply = await harness.ask(
        "city import",
        user=harness.world.admin,
        locale="ja",
        file=Attachment("cities.json", b"{not json"),
    )
    assert reply.content == (
        "ファイルを読み込めませんでした。問題が1件あります。設定は変更していません。\n"
        "• file：形式が正しくありません。"
        "1行目の2字目あたりを、JSONまたはTOMLとして読み取れませんでした"
    )
    reply = await harness.ask("city list", user=harness.world.member)
    assert "Pontiac" in reply.text  # nothing half-imported


async def test_preset_switch(harness: Harness):
    reply = await harness.ask("city preset", user=harness.world.member, name="inagi")
    assert reply.content == "Only the association's staff can do this."
    reply = await harness.ask("city preset", user=harness.world.admin, name="inagi", locale="ja")
    assert reply.content == (
        "このサーバーの都市データを「稲城市姉妹都市・友好都市交流協会」のプリセットに切り替えました"
        "（4都市）。"
    )
    reply = await harness.ask("city list", user=harness.world.member)
    assert "Ozora Town" in reply.text and "planned sister city" in reply.text
    assert "Pontiac" not in reply.text
    reply = await harness.ask(
        "city ask", user=harness.world.member, question="When did Inagi become friends with Soma?"
    )
    assert "August 2015" in reply.content
