"""Members by name: /member add name:, the names of an imported roster (with a Discord username
where the office has no id), and the registry showing them."""

from __future__ import annotations

import csv
import io

from fake_discord.interactions import Attachment
from fake_discord.models import Member, User
from tests.e2e.harness import Harness
from tests.e2e.reporting import ENGLISH_400, finished_trip, report_id, review_post, submit


def names(harness: Harness) -> dict[int, tuple]:
    return {
        r[0]: r[1:]
        for r in harness.query("SELECT user_id, name, name_reading, name_from_discord FROM members")
    }


async def import_file(harness: Harness, data: bytes, locale: str = "en-US") -> str:
    command = await harness.command(
        "member import", user=harness.world.staff, locale=locale, file=Attachment("m.csv", data)
    )
    return (await command.reply()).content


async def test_a_name_as_the_office_writes_it_or_the_discord_name_marked_as_such(
    harness: Harness,
):
    world = harness.world
    await harness.configure()
    reply = await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.member, "number": "K-1003", "name": " 山田\u3000花子 ",
                 "reading": "ﾔﾏﾀﾞ ﾊﾅｺ"},
    )  # fmt: skip
    assert "Name: 山田\u3000花子" in reply.content
    reply = await harness.ask("member add", user=world.staff, options={"user": world.member2})
    assert "Name: Member2 (Discord display name)" in reply.content
    assert "again and fill in the name" in reply.content
    assert names(harness) == {
        world.member.id: ("山田\u3000花子", "ヤマダ ハナコ", 0),
        world.member2.id: ("Member2", None, 1),
    }
    # A renewal without name: keeps the office's name; with name: the office's replaces Discord's.
    await harness.ask(
        "member add", user=world.staff, options={"user": world.member, "expires": "2030-03-31"}
    )
    await harness.ask(
        "member add", user=world.staff, options={"user": world.member2, "name": "佐藤一郎"}
    )
    assert names(harness) == {
        world.member.id: ("山田\u3000花子", "ヤマダ ハナコ", 0),
        world.member2.id: ("佐藤一郎", None, 0),
    }
    listing = await harness.ask("member list", user=world.staff, locale="ja")
    assert f"山田\u3000花子　<@{world.member.id}>　K-1003" in listing.text
    assert f"佐藤一郎　<@{world.member2.id}>" in listing.text


async def test_a_name_that_cannot_be_one_is_refused_with_its_reason(harness: Harness):
    world = harness.world
    await harness.configure()
    for typed, answer in (
        (f"Hanako <@{world.staff.id}>", "cannot contain a Discord mention"),
        ("@everyone", "cannot contain a Discord mention"),
        ('=HYPERLINK("http://x","pay")', "cannot start with “=”"),
        ("\u200b\u2066 ", "The name is empty"),
    ):
        reply = await harness.ask(
            "member add", user=world.staff, options={"user": world.guest, "name": typed}
        )
        assert answer in reply.content, reply.content
        assert reply.data["allowed_mentions"] == {"parse": []}
    reply = await harness.ask(
        "member add",
        user=world.staff,
        locale="ja",
        options={"user": world.guest, "name": "草津太郎", "reading": "草津"},
    )
    assert "フリガナはカナ" in reply.content
    assert harness.query("SELECT count(*) FROM members") == [(0,)]
    assert harness.query("SELECT count(*) FROM membership_periods") == [(0,)]


async def test_a_roster_with_names_and_a_username_is_imported(harness: Harness):
    """The office's own spreadsheet: Japanese headers, names and readings, ids for most members
    and a Discord username for one; a username nobody has and one two members answer to are
    reported by line, and the good rows are kept."""
    world = harness.world
    hanako1, hanako2 = User("hanako.y"), User("hanako.s")
    world.guild.members += [Member(hanako1, nick="Hanako"), Member(hanako2, nick="hanako")]
    await harness.configure()
    data = (
        "氏名,フリガナ,DiscordユーザーID,ユーザー名,会員番号,有効期限\n"
        f"山田花子,ヤマダ ハナコ,{world.member.id},,K-1003,2027-03-31\n"
        "佐藤一郎,サトウ イチロウ,,@Member2,K-1004,\n"
        "田中三郎,,,nobody.here,K-1005,\n"
        "鈴木花子,,,Hanako,K-1006,\n"
        f"<@{world.staff.id}>,,{world.guest.id},,K-1007,\n"
        "草津次郎,,,kifa-bot,K-1008,\n"
    ).encode("utf-8-sig")
    reply = await import_file(harness, data)
    assert "2 registered, 0 renewed, 0 unchanged, 4 rows with problems" in reply
    assert "Line 4: no member of this server has the username “nobody.here”" in reply
    assert "Line 5: “Hanako” could be 2 members of this server" in reply
    assert "Line 6: A name cannot contain a Discord mention" in reply
    assert "Line 7: “kifa-bot” is a bot" in reply
    assert names(harness) == {
        world.member.id: ("山田花子", "ヤマダ ハナコ", 0),
        world.member2.id: ("佐藤一郎", "サトウ イチロウ", 0),
    }
    assert sorted(harness.query("SELECT user_id, number FROM membership_periods")) == sorted(
        [(world.member.id, "K-1003"), (world.member2.id, "K-1004")]
    )
    # The bot asked Discord by username, one request per username, never for the whole list.
    queries = sorted(r["query"] for r in harness.fake.member_requests)
    assert queries == ["Hanako", "Member2", "kifa-bot", "nobody.here"]

    await harness.ask("setup rules", user=world.admin, language="ja")
    listing = await harness.ask("member list", user=world.staff)
    call = next(c for c in reversed(harness.fake.calls) if c.files.get("members.csv"))
    table = list(csv.reader(io.StringIO(call.files["members.csv"].decode("utf-8-sig"))))
    assert call.files["members.csv"].startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    # The server's language names the columns, whoever asks.
    assert table[0][:4] == ["氏名", "フリガナ", "氏名の出典", "会員番号"]
    assert table[1][:4] == ["山田花子", "ヤマダ ハナコ", "事務局", "K-1003"]
    assert table[1][5:8] == ["2027-03-31", "有効", str(world.member.id)]
    assert "山田花子" in listing.text


async def test_a_username_row_without_a_name_keeps_the_discord_name(harness: Harness):
    world = harness.world
    await harness.configure()
    reply = await import_file(harness, b"username,number\nguest,G-1\n")
    assert "1 registered" in reply
    assert names(harness) == {world.guest.id: ("Guest", None, 1)}


async def test_the_review_post_names_the_author_as_the_office_knows_them(harness: Harness):
    """PRODUCT.md: the review post says who wrote it by name and membership number."""
    world = harness.world
    await harness.configure()
    await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.member, "number": "K-1003", "name": "山田花子"},
    )
    trip = await finished_trip(harness, world.member)
    sent = await submit(harness, world.member, trip, ENGLISH_400)
    post = await review_post(harness, report_id(sent))
    author = next(f for f in post.embeds[0]["fields"] if f["name"] == "Author")
    assert author["value"] == f"<@{world.member.id}>\n山田花子 (K-1003)"
