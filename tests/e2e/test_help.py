from __future__ import annotations

import re

from bot.i18n.mentions import COMMAND_IDS
from tests.e2e.harness import Harness, Message

MEMBER_COMMANDS = (
    "help", "city list", "city info", "city ask", "trip log", "trip list", "trip cancel",
    "report submit", "report status", "report withdraw", "subsidy check", "subsidy mine",
)  # fmt: skip
# what a first read on a phone may take: about three screens (Japanese is denser)
PHONE_SCREENFULS = {"en": 1_700, "ja": 900}


def mention(harness: Harness, path: str) -> str:
    return f"</{path}:{harness.fake.scoped_commands[None][path.split()[0]]['id']}>"


def shown(text: str) -> str:
    """The text as a reader sees it: a command mention shows as the command's name."""
    return re.sub(r"</([^:>]+):\d+>", r"/\1", text)


def in_order(text: str, *parts: str) -> bool:
    where = [text.index(part) for part in parts]
    return where == sorted(where)


def fiscal_year(harness: Harness) -> int:
    today = harness.clock.today()
    return today.year if today.month >= 4 else today.year - 1


async def test_a_first_time_member_reads_the_steps_in_order_in_english(harness: Harness):
    reply = await harness.ask("help", user=harness.world.member, locale="en-US")
    text = reply.text
    year = fiscal_year(harness)
    assert reply.ephemeral and reply.embeds[0]["title"] == "How to use this bot"
    assert in_order(
        text,
        "Become a member",
        "Log your trip",
        "Write your report",
        "Staff review",
        "Travel subsidy",
    )
    assert "travel subsidy of ¥3,000" in text and "one member a year" in text
    assert "of the approved reports, the one sent first" in text
    assert f"This year runs 1 April {year} – 31 March {year + 1}." in text
    assert "300–600 words in English, or 300–600 characters in Japanese" in text
    assert "direct message" in text and "tap the server's name" in text and "Ctrl" not in text
    assert "half-width /" in text
    for path in MEMBER_COMMANDS:
        assert mention(harness, path) in text, path
    assert "For staff" not in text and "/setup" not in text and "</setup" not in text
    assert len(shown(text)) < PHONE_SCREENFULS["en"], len(shown(text))


async def test_a_first_time_member_reads_it_in_japanese(harness: Harness):
    reply = await harness.ask("help", user=harness.world.member, locale="ja")
    text = reply.text
    year = fiscal_year(harness)
    assert reply.embeds[0]["title"] == "ボットの使い方"
    assert in_order(
        text, "**会員登録**", "**訪問の登録**", "**レポートの提出**", "**審査**", "**旅費助成**"
    )
    assert "旅費助成として3,000円をお支払いします" in text and "各都市につき年度ごとに1名" in text
    assert "承認されたレポートのうち、最も早く提出されたレポートを書いた会員が対象です" in text
    assert f"今年度の期間は{year}年4月1日〜{year + 1}年3月31日です。" in text
    assert "日本語は300〜600字、英語は300〜600語です" in text
    assert "半角の「/」" in text and "ダイレクトメッセージ" in text and "タップ" in text
    assert f"{mention(harness, 'trip log')} で、都市と日付を登録します" in text
    for path in MEMBER_COMMANDS:
        assert mention(harness, path) in text, path
    assert "スタッフ向け" not in text and "管理者向け" not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}|渡航|補助|[()]", text)
    assert len(shown(text)) < PHONE_SCREENFULS["ja"], len(shown(text))


async def test_staff_see_their_commands_and_admins_theirs(harness: Harness):
    await harness.configure()
    staff = await harness.ask("help", user=harness.world.staff, locale="ja")
    assert "スタッフ向け" in staff.text and "サーバー管理者向け" not in staff.text
    assert f"{mention(harness, 'member add')}　会員を登録・更新します" in staff.text
    assert mention(harness, "subsidy ledger") in staff.text
    assert "</setup" not in staff.text
    admin = await harness.ask("help", user=harness.world.admin)
    assert "For staff" in admin.text and "For server administrators" in admin.text
    assert f"{mention(harness, 'setup rules')} — Year start, subsidy, report length" in admin.text
    # the staff's commands come in the order they meet them: the registry before the ledger
    staff_part = admin.text[admin.text.index("For staff") :]
    assert in_order(staff_part, "</member add", "</subsidy ledger", "</city export", "</setup show")


async def test_without_command_ids_commands_are_named_as_the_readers_discord_names_them(
    harness: Harness,
):
    COMMAND_IDS.replace({})
    ja = await harness.ask("help", user=harness.world.member, locale="ja")
    assert "/旅行 登録 で、都市と日付を登録します" in ja.text
    assert "/trip" not in ja.text
    en = await harness.ask("help", user=harness.world.member)
    assert "**Log your trip**: /trip log, with the city" in en.text


async def test_an_unknown_locale_reads_the_servers_language(harness: Harness):
    reply = await harness.ask("help", user=harness.world.member, locale="fr")
    assert "参加の流れ" in reply.text  # the KIFA preset starts in Japanese
    await harness.ask("setup rules", user=harness.world.admin, language="en")
    reply = await harness.ask("help", user=harness.world.member, locale="fr")
    assert "How it works" in reply.text
    reply = await harness.ask("help", user=harness.world.member, locale="ja")
    assert "参加の流れ" in reply.text


async def test_help_works_in_direct_messages(harness: Harness):
    interaction = await harness.command("help", user=harness.world.member, in_guild=False)
    reply: Message = await interaction.reply()
    assert "How it works" in reply.text and "¥3,000" in reply.text
    assert "For staff" not in reply.text
