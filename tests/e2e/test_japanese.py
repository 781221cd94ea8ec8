"""A Japanese association in Japanese, end to end: a fresh server on the KIFA preset, a member
and staff whose Discord is in Japanese. Every message is checked against the glossary (terms,
dates as 2025年8月3日, full-width and unnested brackets, commands as mentions)."""

from __future__ import annotations

import csv
import io

from fake_discord.interactions import Attachment
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    JAPANESE_400,
    announcements,
    dms_to,
    report_id,
    review_post,
    submit,
)
from tests.japanese import reply_problems

JA = "ja"


def mention(harness: Harness, path: str) -> str:
    return f"</{path}:{harness.fake.scoped_commands[None][path.split()[0]]['id']}>"


def japanese(message: Message | dict) -> str:
    """The text a reader sees, once it is known to follow the glossary."""
    text = message.text if isinstance(message, Message) else Message(message).text
    assert reply_problems(text) == [], text
    return text


async def member_with_a_trip_in_japanese(harness: Harness) -> tuple[str, int]:
    """A fresh KIFA server (configured, language left as the preset has it), a member since
    before last summer, and their trip to Pontiac last August, logged in Japanese."""
    world = harness.world
    year = harness.clock.today().year - 1
    await harness.configure(language=None)
    await harness.register(world.member, since=f"{year - 1}-04-01")
    logged = await harness.ask(
        "trip log",
        user=world.member,
        locale=JA,
        city="ポンティアック",
        start=f"{year}年8月3日",
        end=f"{year}/8/10",
    )
    assert japanese(logged) == (
        f"訪問を登録しました：ポンティアック市（{year}年8月3日〜10日）。"
        f"訪問の後は、{mention(harness, 'report submit')} でレポートをお書きください。"
    )
    [choice] = await harness.autocomplete("report submit", "trip", "", user=world.member, locale=JA)
    assert choice["name"] == f"ポンティアック市（{year}年8月3日〜10日）"
    return choice["value"], year


async def test_a_member_takes_part_in_japanese_and_the_server_posts_in_japanese(
    harness: Harness,
):
    world = harness.world
    trip, year = await member_with_a_trip_in_japanese(harness)
    trips = await harness.ask("trip list", user=world.member, locale=JA)
    assert f"ポンティアック市（{year}年8月3日〜10日）" in japanese(trips)
    assert "あなたの訪問（1件）" in trips.text

    receipt = await submit(harness, world.member, trip, JAPANESE_400, locale=JA)
    rid = report_id(receipt)
    assert japanese(receipt) == (
        f"受け付けました。ありがとうございます。ポンティアック市（{year}年8月3日〜10日）の"
        f"レポート #{rid} は審査中です。長さは375字（300〜600字）です。"
        "結果はダイレクトメッセージでお知らせします。"
    )

    # the review post of a server that never chose a language: KIFA's, Japanese
    post = await review_post(harness, rid)
    text = japanese(post)
    assert post.content.endswith("新しいレポートが届きました。審査をお願いします。")
    assert post.embeds[0]["title"] == f"レポート #{rid}：審査中"
    fields = {f["name"]: f["value"] for f in post.embeds[0]["fields"]}
    assert fields["訪問"] == f"ポンティアック市（{year}年8月3日〜10日）"
    assert fields["長さ"] == "375字（300〜600字）"
    labels = [c["label"] for row in post.data["components"] for c in row["components"]]
    assert labels == ["承認", "承認（助成なし）", "修正を依頼", "却下"]
    assert "Report" not in text

    status = await harness.ask("report status", user=world.member, locale=JA)
    assert (
        f"#{rid}　ポンティアック市（{year}年8月3日〜10日）：審査中、375字（300〜600字）"
        in japanese(status)
    )
    mine = await harness.ask("subsidy mine", user=world.member, locale=JA)
    assert japanese(mine) == (
        f"• ポンティアック市（{year}年8月3日〜10日）：レポートは審査中です。あなたが最初の順番です"
    )
    check = await harness.ask(
        "subsidy check", user=world.member2, locale=JA, city="pontiac", year=year
    )
    assert japanese(check) == (
        f"ポンティアック市・{year}年度（{year}年4月1日〜{year + 1}年3月31日）："
        "提出されたレポートが審査中です。承認されると、そのレポートが旅費助成の対象になります。"
    )

    click = await harness.click(post, f"report:{rid}:approve", user=world.staff, locale=JA)
    assert japanese(await click.reply()).startswith(f"レポート #{rid} を承認しました。")
    await harness.outbox_settled()
    [announcement] = announcements(harness)
    text = japanese(announcement)
    assert announcement["content"] == "ポンティアック市への訪問レポートが公開されました。"
    fields = {f["name"]: f["value"] for f in announcement["embeds"][0]["fields"]}
    assert fields["都市"] == "ポンティアック市" and fields["日程"] == f"{year}年8月3日〜10日"
    assert announcement["embeds"][0]["title"] == "ポンティアック市を訪ねて"
    edited = await review_post(harness, rid)
    assert edited.embeds[0]["title"] == f"レポート #{rid}：承認済み"
    decision, granted = dms_to(harness, world.member)
    assert japanese(decision) == (
        f"ポンティアック市（{year}年8月3日〜10日）のレポート #{rid} が承認されました。"
        "お知らせチャンネルでご紹介します。ありがとうございました。"
    )
    assert japanese(granted).startswith(
        f"ポンティアック市訪問のレポート #{rid} が、{year}年度の旅費助成の対象に決まりました。"
        "助成金は3,000円です。"
    )

    mine = await harness.ask("subsidy mine", user=world.member, locale=JA)
    assert japanese(mine).endswith("：助成決定：3,000円（お支払い前）")
    status = await harness.ask("report status", user=world.member, locale=JA)
    assert "：承認済み、375字（300〜600字）" in japanese(status)


async def test_a_member_who_cannot_take_part_yet_is_told_how_politely(harness: Harness):
    world = harness.world
    await harness.configure(language=None)
    guest = await harness.ask("trip list", user=world.guest, locale=JA)
    assert japanese(guest) == (
        "この機能は協会の会員の方向けです。事務局に会員登録をお申し込みください。"
        "登録後は、訪問の登録やレポートの提出ができます。"
    )
    await harness.register(world.member)
    empty = await harness.ask("report status", user=world.member, locale=JA)
    assert japanese(empty) == (
        "まだレポートを提出していません。"
        f"訪問の後、{mention(harness, 'report submit')} でお書きください。"
    )
    wrong = await harness.ask(
        "trip log", user=world.member, locale=JA, city="pontiac", start="2025年2月30日"
    )
    assert japanese(wrong) == "「2025年2月30日」という日付はありません。月と日をご確認ください。"
    backwards = await harness.ask(
        "trip log",
        user=world.member,
        locale=JA,
        city="pontiac",
        start="2025/8/10",
        end="令和7年8月3日",
    )
    assert japanese(backwards).startswith(
        "最終日（2025年8月3日）が初日（2025年8月10日）より前になっています。"
    )


async def test_length_refusals_say_the_count_its_unit_and_the_range(harness: Harness):
    world = harness.world
    trip, _ = await member_with_a_trip_in_japanese(harness)
    short = await submit(harness, world.member, trip, "草津市から来ました。", locale=JA)
    assert japanese(short).startswith(
        "レポートが少し短いようです：9字（300〜600字）。もう少し書き加えていただけますか。"
    )
    english = await submit(harness, world.member, trip, "We went. " * 350, locale=JA)
    assert japanese(english).startswith("レポートが長すぎます：700語（300〜600語）。")


async def test_staff_keep_the_ledger_and_the_registry_in_japanese(harness: Harness):
    world = harness.world
    trip, year = await member_with_a_trip_in_japanese(harness)
    rid = report_id(await submit(harness, world.member, trip, JAPANESE_400, locale=JA))
    post = await review_post(harness, rid)
    await (await harness.click(post, f"report:{rid}:approve", user=world.staff)).reply()

    ledger = await harness.ask("subsidy ledger", user=world.staff, locale=JA, year=year)
    text = japanese(ledger)
    assert ledger.embeds[0]["title"] == (
        f"助成台帳　{year}年度（{year}年4月1日〜{year + 1}年3月31日）"
    )
    assert f"ポンティアック市　Member　<@{world.member.id}>　3,000円　助成決定" in text
    call = next(c for c in harness.fake.calls if c.files.get(f"ledger-{year}.csv"))
    table = list(csv.reader(io.StringIO(call.files[f"ledger-{year}.csv"].decode("utf-8-sig"))))
    assert table[0] == [
        "助成番号", "年度", "都市", "氏名", "フリガナ", "会員番号", "DiscordユーザーID",
        "レポート番号", "レポートのタイトル", "金額（円）", "状態", "助成決定日", "支払日",
        "支払方法", "取消理由",
    ]  # fmt: skip
    assert table[1][2] == "ポンティアック市" and table[1][10] == "助成決定"

    [choice] = await harness.autocomplete("subsidy paid", "grant", "", user=world.staff, locale=JA)
    assert choice["name"] == f"#1　ポンティアック市　{year}年度　Member　3,000円　助成決定"
    paid = await harness.ask(
        "subsidy paid", user=world.staff, locale=JA, grant=choice["value"], method="振込"
    )
    today = harness.clock.today()
    assert japanese(paid) == (
        f"助成 #1 を{today.year}年{today.month}月{today.day}日付で支払済みにしました。"
        "支払方法：振込"
    )
    mine = await harness.ask("subsidy mine", user=world.member, locale=JA)
    assert japanese(mine).endswith(
        f"：助成決定：3,000円、{today.year}年{today.month}月{today.day}日にお支払い済み"
    )

    registry = await harness.ask("member list", user=world.staff, locale=JA)
    assert "会員名簿（1名）" in japanese(registry)
    call = next(c for c in reversed(harness.fake.calls) if c.files.get("members.csv"))
    exported = call.files["members.csv"]
    header = next(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert header == [
        "氏名", "フリガナ", "氏名の出典", "会員番号", "開始日", "有効期限", "状態",
        "DiscordユーザーID",
    ]  # fmt: skip
    again = await (
        await harness.command(
            "member import", user=world.staff, locale=JA, file=Attachment("m.csv", exported)
        )
    ).reply()
    assert japanese(again) == (
        "取り込みが完了しました。新規登録0名、更新0名、変更なし1名、問題のある行0行です。"
    )


async def test_import_errors_read_in_japanese(harness: Harness):
    world = harness.world
    await harness.configure(language=None)
    data = (
        "DiscordユーザーID,会員番号,有効期限\n"
        f"{world.guest.id},K-1,2027-03-31\n"
        "not-a-number,K-2,2027-03-31\n"
        f"{world.member2.id},K-3,2027-02-30\n"
        f"{world.guest.id},K-4,\n"
    ).encode()
    reply = await (
        await harness.command(
            "member import", user=world.staff, locale=JA, file=Attachment("m.csv", data)
        )
    ).reply()
    lines = reply.content.splitlines()
    assert lines[0] == (
        "取り込みが完了しました。新規登録1名、更新0名、変更なし0名、問題のある行3行です。"
    )
    assert lines[1].startswith("3行目：「not-a-number」はDiscordのユーザーIDではありません。")
    assert "長押し（パソコンでは右クリック）" in lines[1]
    # the date as the member typed it is quoted back; the bot's own words have no ISO date
    assert lines[2] == "4行目：「2027-02-30」という日付はありません。月と日をご確認ください。"
    assert lines[3] == "5行目：このユーザーは2行目にも記載されています。"
    no_header = await (
        await harness.command(
            "member import", user=world.staff, locale=JA, file=Attachment("m.csv", b"1,2\n")
        )
    ).reply()
    assert "「DiscordユーザーID」または「ユーザー名」の列" in japanese(no_header)
    bad_city = await (
        await harness.command(
            "city import",
            user=world.staff,
            locale=JA,
            file=Attachment("c.json", b'{"cities": [{"slug": "X!", "links": 3}]}'),
        )
    ).reply()
    text = japanese(bad_city)
    assert "• cities[0].slug：形式が正しくありません。半角の英小文字・数字・ハイフンで" in text
    assert "• cities[0].links：リンクのリストで、5件までにしてください" in text
    assert "at most" not in text and ", " not in text


async def test_direct_messages_follow_the_members_own_language(harness: Harness):
    """An English server; one member whose Discord is in Japanese, one in English."""
    world = harness.world
    year = harness.clock.today().year - 1
    await harness.configure(language="en")
    await harness.register(world.member, world.member2, since=f"{year - 1}-04-01")
    rids = []
    for user in (world.member, world.member2):
        await harness.ask(
            "trip log", user=user, city="pontiac", start=f"{year}-08-03", end=f"{year}-08-10"
        )
        [choice] = await harness.autocomplete("report submit", "trip", "", user=user)
        rids.append(report_id(await submit(harness, user, choice["value"], ENGLISH_400)))
    first, second = rids
    # the first member submitted in English, but their Discord is Japanese now
    await harness.ask("help", user=world.member, locale=JA)
    await harness.ask("help", user=world.member2, locale="en-US")
    # the later report is approved and waits; the earlier one is sent back, so the later one
    # receives the subsidy and its author is told by direct message
    later = await review_post(harness, second)
    await (await harness.click(later, f"report:{second}:approve", user=world.staff)).reply()
    earlier = await review_post(harness, first)
    modal = await (await harness.click(earlier, f"report:{first}:reject", user=world.staff)).modal()
    await (
        await harness.submit_modal(modal, {"reason": "訪問と関係がありません。"}, user=world.staff)
    ).reply()
    await harness.outbox_settled()
    [rejected] = dms_to(harness, world.member)
    assert japanese(rejected).startswith(
        f"ポンティアック市（{year}年8月3日〜10日）のレポート #{first} は、"
        "残念ながら不採用となりました。"
    )
    assert "理由：訪問と関係がありません。" in rejected["content"]
    english = [m["content"] for m in dms_to(harness, world.member2)]
    assert any(text.startswith("Good news: your report") for text in english)
    assert any(
        text.startswith(f"Your report #{second} on your visit to Pontiac receives")
        for text in english
    )
    # the review posts stay in the server's language
    assert "Report #" in (await review_post(harness, first)).embeds[0]["title"]


async def test_a_preset_sets_the_language_once_and_a_later_switch_keeps_the_admins_choice(
    harness: Harness,
):
    shown = await harness.ask("setup show", user=harness.world.admin)
    assert "Language\nJapanese" in shown.text  # the KIFA preset's, before anyone chose
    await harness.ask("setup rules", user=harness.world.admin, language="en")
    await harness.ask("city preset", user=harness.world.admin, name="inagi")
    shown = await harness.ask("setup show", user=harness.world.admin)
    assert "Language\nEnglish" in shown.text
    assert "Inagi City Sister and Friendship Cities Exchange Association (inagi)" in shown.text
