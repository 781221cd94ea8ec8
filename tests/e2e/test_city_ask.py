"""/city ask through the real bot: each kind of question, in English and Japanese, on two
presets and on a third association's data brought in with /city import."""

from __future__ import annotations

import json
import re
from pathlib import Path

from fake_discord.interactions import Attachment
from tests.e2e.harness import Harness

NOT_FOUND_EN = "I could not find the answer in our partner city information."
NOT_FOUND_JA = "姉妹都市・友好都市の情報からは答えが見つかりませんでした。"
KANAZAWA = Path(__file__).parents[1] / "city_ask_eval" / "kanazawa.toml"


async def ask(harness: Harness, question: str, locale: str = "en-US") -> str:
    reply = await harness.ask(
        "city ask", user=harness.world.guest, locale=locale, question=question
    )
    assert reply.ephemeral
    return reply.content


async def test_facts_reasons_numbers_and_sources_in_both_languages(harness: Harness):
    text = await ask(harness, "When did Kusatsu and Pontiac become sister cities?")
    assert text.startswith(
        "Kusatsu City and Pontiac concluded their sister city agreement in August 1978."
    )
    assert "Source: Pontiac · partnership date" in text
    text = await ask(harness, "Why did Kusatsu City and Kusatsu Town start exchanges?")
    assert "share the same name" in text and "Source: Kusatsu Town · facts" in text
    text = await ask(harness, "how many people were in the 1976 mission to michigan")
    assert "165 people" in text
    text = await ask(harness, "伊達市との交流はなぜ始まったのですか", locale="ja")
    assert "草津ふるさと祭り" in text and "出典：伊達市の主な情報" in text
    text = await ask(harness, "観音寺市は何で有名ですか", locale="ja")
    assert "寛永通宝" in text
    # The asker's language is the answer's, where the data has the sentence in both.
    text = await ask(harness, "What is Kanonji famous for?", locale="ja")
    assert "寛永通宝" in text and "出典：観音寺市" in text


async def test_comparisons_sets_and_counts(harness: Harness):
    text = await ask(harness, "Which came first, Kanonji or Date?")
    assert text.startswith("Kanonji City came first: sister city since October 1982")
    text = await ask(harness, "Which of our partners are overseas?")
    assert "partner cities outside Japan: Pontiac, Xuhui District." in text
    text = await ask(harness, "Which city in the USA are we partnered with?")
    assert "Pontiac" in text and "Michigan" not in text.split("\n")[0]
    text = await ask(harness, "提携先はいくつありますか", locale="ja")
    assert text.startswith("草津市の提携先は、現在5都市です：")
    text = await ask(harness, "How many years have Kusatsu and Pontiac been sister cities?")
    assert "years." in text


async def test_misspelt_romanised_and_word_like_names(harness: Harness):
    assert "August 1978" in await ask(harness, "when did we become sister cities with pontiak")
    assert "sand painting" in await ask(harness, "kannonji famous for what?")
    assert "1982年10月" in await ask(harness, "かんおんじとはいつ提携しましたか", locale="ja")
    # "date" is a question word here, not Date City.
    text = await ask(harness, "What date did Kusatsu and Kanonji become sister cities?")
    assert "October 1982" in text and "Date City" not in text


async def test_honest_refusals(harness: Harness):
    text = await ask(harness, "How far is Kanonji from Kusatsu?")
    assert text.startswith(NOT_FOUND_EN) and "Kanonji City" in text
    text = await ask(harness, "What is the population of Pontiac?")
    assert text.startswith(NOT_FOUND_EN)
    text = await ask(harness, "ポンティアック市の人口は？", locale="ja")
    assert text.startswith(NOT_FOUND_JA)


async def test_the_partners_partner_is_never_the_citys(harness: Harness):
    text = await ask(harness, "Whose sister state is Michigan?")
    assert "Shiga Prefecture's sister state" in text and "Kusatsu City's" not in text
    text = await ask(harness, "ミシガン州はどこの姉妹州ですか", locale="ja")
    assert "滋賀県の姉妹州" in text and "草津市の姉妹州" not in text
    text = await ask(harness, "When did Shiga and Michigan become sister states?")
    assert text.startswith("Shiga Prefecture and State of Michigan concluded")
    listing = await harness.ask("city list", user=harness.world.guest)
    assert "Shiga Prefecture's sister state since 1968" in listing.text
    listing = await harness.ask("city list", user=harness.world.guest, locale="ja")
    assert "滋賀県の姉妹州" in listing.text


async def test_program_questions_from_the_servers_rules_and_ledger(harness: Harness):
    text = await ask(harness, "How much is the travel subsidy?")
    assert "3,000 yen" in text and "Source: this server's rules" in text
    text = await ask(harness, "レポートは何字？", locale="ja")
    assert "300〜600字" in text
    text = await ask(harness, "Is Pontiac's subsidy still open?")
    assert "the subsidy is still open" in text and "subsidy ledger" in text
    text = await ask(harness, "Can I get the subsidy for a trip to Michigan?")
    assert "not covered by the travel subsidy" in text
    # The answers follow the server's own settings.
    await harness.ask("setup rules", user=harness.world.admin, amount=5000, min_length=200)
    text = await ask(harness, "旅費助成はいくらですか", locale="ja")
    assert "5,000円" in text
    text = await ask(harness, "How long does the report have to be?")
    assert "200–600 words" in text


async def test_another_preset_in_both_languages(harness: Harness):
    await harness.ask("city preset", user=harness.world.admin, name="inagi")
    text = await ask(harness, "ozora-cho sister city since?")
    assert text.startswith("Inagi City and Ozora Town concluded their sister city agreement")
    text = await ask(harness, "What was Ozora Town called before?")
    assert "Memanbetsu" in text
    text = await ask(harness, "Is Foster City already our sister city?")
    assert "preparing" in text
    text = await ask(harness, "相馬市と野沢温泉村、どちらが先？", locale="ja")
    assert text.startswith("相馬市のほうが先で、")
    text = await ask(harness, "When did Kusatsu and Pontiac become sister cities?")
    assert text.startswith(NOT_FOUND_EN)
    # The same kinds in Japanese: a fact, a reason-less refusal, a set, a name in kana, the rules.
    text = await ask(harness, "女満別町は今の何町ですか", locale="ja")
    assert "大空町" in text
    text = await ask(harness, "相馬市の人口は？", locale="ja")
    assert text.startswith(NOT_FOUND_JA)
    text = await ask(harness, "海外の提携先は？", locale="ja")
    assert "フォスターシティ（予定）" in text
    text = await ask(harness, "のざわおんせんってどこ", locale="ja")
    assert "長野県" in text
    text = await ask(harness, "相馬市の助成金はまだもらえますか", locale="ja")
    assert "受付中" in text
    text = await ask(harness, "Which of our partners are friendship cities?")
    assert "Soma City, Nozawaonsen Village" in text


async def test_an_imported_association_is_answered_as_itself(harness: Harness):
    reply = await harness.ask(
        "city import",
        user=harness.world.admin,
        file=Attachment("kanazawa.toml", KANAZAWA.read_bytes()),
    )
    assert re.fullmatch(r"Imported 8 cities. </city list:\d+> shows them.", reply.content)
    text = await ask(harness, "When did Kanazawa and Buffalo become sister cities?")
    assert text.startswith("Kanazawa City and Buffalo concluded their sister city agreement")
    assert "18 December 1962" in text
    text = await ask(harness, "irkutks which country")
    assert "Russia" in text
    text = await ask(harness, "中国の提携先は？", locale="ja")
    assert text.startswith("金沢市の中国にある提携先：蘇州市、大連市。")
    text = await ask(harness, "Who is eligible for the subsidy?")
    assert "Members of Kanazawa Sister City Exchange Committee" in text
    exported = await harness.command("city export", user=harness.world.admin)
    await exported.reply()
    call = await exported.callback()
    assert json.loads(next(iter(call.files.values())))["home_en"] == "Kanazawa City"


async def test_the_sister_state_is_shiga_prefectures_and_no_city(harness: Harness):
    """Michigan is named as Shiga Prefecture's sister state, never counted in 都市."""
    for question in ("姉妹州はいくつありますか", "姉妹州はどこですか"):
        text = await ask(harness, question, locale="ja")
        answer = text.split("\n")[0]
        assert answer == "滋賀県の姉妹州はミシガン州です。", question
    text = await ask(harness, "How many sister states do we have?")
    assert text.split("\n")[0] == "Shiga Prefecture's sister states: State of Michigan."


async def test_japanese_answers_join_nothing_with_a_middle_dot(harness: Harness):
    text = await ask(harness, "草津市とポンティアック市はいつ提携しましたか", locale="ja")
    assert text.split("\n") == [
        "草津市とポンティアック市は、1978年8月に姉妹都市として提携しました。",
        "-# 出典：ポンティアック市の提携年月",
    ]
    for question in ("伊達市との交流はなぜ始まったのですか", "観音寺市は何で有名ですか"):
        assert " · " not in await ask(harness, question, locale="ja")


async def test_not_found_with_no_city_to_suggest_points_to_the_list(harness: Harness):
    text = await ask(harness, "アメリカ以外の姉妹都市は", locale="ja")
    assert re.fullmatch(
        f"{NOT_FOUND_JA}</city list:\\d+> で提携先の一覧をご覧いただけます。", text
    ), text
    text = await ask(harness, "What is the capital of the moon?")
    assert re.fullmatch(f"{NOT_FOUND_EN} </city list:\\d+> shows all our partner cities.", text)


async def test_a_planned_partnership_says_planned_once(harness: Harness):
    await harness.ask("city preset", user=harness.world.admin, name="inagi")
    text = await ask(harness, "フォスターシティとはいつ提携しましたか", locale="ja")
    assert text.split("\n")[0] == (
        "稲城市とフォスターシティは、姉妹都市としての提携を予定しています。"
        "時期は2021年とされています。"
    )
    text = await ask(harness, "姉妹都市はいくつありますか", locale="ja")
    assert text.startswith("稲城市の姉妹都市は、現在1都市です：大空町、フォスターシティ（予定）。")
