"""Paying the right person: the ledger embed, its CSV and the grant: choices name the member with
their membership number, the city and the year."""

from __future__ import annotations

import csv
import io

from tests.e2e.harness import Harness
from tests.e2e.reporting import ENGLISH_400, finished_trip, report_id, submit
from tests.e2e.test_subsidy import approve, since


async def granted(harness: Harness, city: str = "kanonji") -> tuple[str, int]:
    world = harness.world
    await harness.configure()
    await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.member, "number": "K-1003", "name": "山田花子",
                 "reading": "ヤマダ ハナコ", "since": since(harness)},
    )  # fmt: skip
    trip = await finished_trip(harness, world.member, city)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400, title="=1+2 讃岐の旅"))
    await approve(harness, rid)
    [(grant_id,)] = harness.query("SELECT id FROM grants")
    return rid, grant_id


async def test_the_grant_choices_name_whom_to_pay(harness: Harness):
    world = harness.world
    _, grant_id = await granted(harness)
    year = harness.clock.today().year - 1
    choices = await harness.autocomplete("subsidy paid", "grant", "", user=world.staff, locale="ja")
    assert [c["name"] for c in choices] == [
        f"#{grant_id}　観音寺市　{year}年度　山田花子（K-1003）　3,000円　助成決定"
    ]
    english = await harness.autocomplete("subsidy void", "grant", "", user=world.staff)
    assert english[0]["name"] == (
        f"#{grant_id} · Kanonji City · {year} · 山田花子 (K-1003) · ¥3,000 · granted"
    )
    # The office finds the grant by the name, the reading or the number it knows.
    for typed in ("山田", "ヤマダ", "k-1003"):
        found = await harness.autocomplete("subsidy paid", "grant", typed, user=world.staff)
        assert [c["value"] for c in found] == [str(grant_id)], typed
    assert await harness.autocomplete("subsidy paid", "grant", "佐藤", user=world.staff) == []


async def test_the_ledger_and_its_csv_name_the_member_and_the_report(harness: Harness):
    world = harness.world
    rid, grant_id = await granted(harness)
    year = harness.clock.today().year - 1
    ledger = await harness.ask("subsidy ledger", user=world.staff, year=year)
    assert f"#{grant_id} · Kanonji City · 山田花子 (K-1003) · <@{world.member.id}> · ¥3,000" in (
        ledger.text
    )
    csv_call = next(c for c in harness.fake.calls if c.files.get(f"ledger-{year}.csv"))
    data = csv_call.files[f"ledger-{year}.csv"]
    assert data.startswith(b"\xef\xbb\xbf")  # Excel opens it as UTF-8
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    header = dict(zip(table[0], table[1], strict=True))
    assert header["Name"] == "山田花子" and header["Membership number"] == "K-1003"
    assert header["Reading"] == "ヤマダ ハナコ" and header["Report"] == rid
    assert header["Report title"] == "'=1+2 讃岐の旅"  # never a formula
    assert header["City"] == "Kanonji City" and header["State"] == "granted"

    # In a Japanese server, the headers and states are Japanese, whoever asks.
    await harness.ask("setup rules", user=world.admin, language="ja")
    await harness.ask("subsidy ledger", user=world.staff, year=year)
    csv_call = [c for c in harness.fake.calls if c.files.get(f"ledger-{year}.csv")][-1]
    table = list(csv.reader(io.StringIO(csv_call.files[f"ledger-{year}.csv"].decode("utf-8-sig"))))
    row = dict(zip(table[0], table[1], strict=True))
    assert row["氏名"] == "山田花子" and row["会員番号"] == "K-1003"
    assert row["都市"] == "観音寺市" and row["状態"] == "助成決定" and row["金額（円）"] == "3000"


async def test_a_forged_grant_is_not_found(harness: Harness):
    world = harness.world
    _, grant_id = await granted(harness)
    for forged in ("999999", "abc", "#-1", "1" * 40, f"{grant_id} OR 1=1", "0"):
        for command, extra in (("subsidy paid", {"method": "cash"}), ("subsidy void", {})):
            options = {"grant": forged, **extra}
            if command == "subsidy void":
                options["reason"] = "x"
            reply = await harness.ask(command, user=world.staff, options=options)
            assert reply.content.startswith("I cannot find that grant"), (forged, reply.content)
    assert harness.query("SELECT state FROM grants") == [("granted",)]
