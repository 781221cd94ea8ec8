"""/subsidy summary: the fiscal year in numbers per city, with a bar chart (PNG) and the table as
CSV, for the general meeting's papers."""

from __future__ import annotations

import csv
import io

from PIL import Image

from tests.e2e.harness import Harness
from tests.e2e.reporting import ENGLISH_400, finished_trip, report_id, review_post, submit
from tests.e2e.test_subsidy import approve, since

ORANGE = (0xDD, 0x84, 0x52)  # the approved-reports bars


async def a_year(harness: Harness) -> int:
    """Last fiscal year: Pontiac, two trips, one report approved and paid; Kanonji, one report
    approved without the subsidy; Kusatsu Town, a trip without a report."""
    world = harness.world
    await harness.configure()
    await harness.register(world.member, world.member2, since=since(harness))
    paid = report_id(
        await submit(harness, world.member, await finished_trip(harness, world.member), ENGLISH_400)
    )
    await approve(harness, paid)
    await finished_trip(harness, world.member2, "pontiac")
    waived = report_id(
        await submit(
            harness, world.member2, await finished_trip(harness, world.member2, "kanonji"),
            ENGLISH_400,
        )
    )  # fmt: skip
    post = await review_post(harness, waived)
    modal = await (
        await harness.click(post, f"report:{waived}:nosubsidy", user=world.staff)
    ).modal()
    await (
        await harness.submit_modal(modal, {"reason": "Paid by the city."}, user=world.staff)
    ).reply()
    await finished_trip(harness, world.member, "kusatsu-town")
    [choice] = await harness.autocomplete("subsidy paid", "grant", "", user=world.staff)
    await harness.ask("subsidy paid", user=world.staff, grant=choice["value"], method="cash")
    return harness.clock.today().year - 1


async def summary_files(harness: Harness, year: int, locale: str = "en-US") -> tuple:
    command = await harness.command(
        "subsidy summary", user=harness.world.staff, locale=locale, year=year
    )
    reply = await command.reply()
    assert (await command.callback()).body["type"] == 5  # deferred before drawing
    call = [c for c in harness.fake.calls if c.files.get(f"summary-{year}.png")][-1]
    png, table = call.files[f"summary-{year}.png"], call.files[f"summary-{year}.csv"]
    rows = list(csv.reader(io.StringIO(table.decode("utf-8-sig"))))
    return reply, png, table, rows


async def test_the_year_in_numbers_with_its_chart_and_table(harness: Harness):
    year = await a_year(harness)
    reply, png, table, rows = await summary_files(harness, year)
    assert reply.ephemeral
    assert f"The year in numbers, {year}" in reply.text
    assert (
        "**Pontiac**: trips 2 · reports 1 · approved 1 (without the subsidy: 0) · paid ¥3,000"
        in reply.text
    )
    assert "**Kanonji City**: trips 1 · reports 1 · approved 1 (without the subsidy: 1) · open" in (
        reply.text
    )
    assert "**Kusatsu Town**: trips 1 · reports 0 · approved 0 (without the subsidy: 0) · open" in (
        reply.text
    )
    assert "**State of Michigan**: trips 0" in reply.text and "· no subsidy" in reply.text
    assert (
        "**Total**: trips 4 · reports 2 · approved 2 (without the subsidy: 1) · "
        "¥3,000 granted, of which ¥3,000 paid" in reply.text
    )
    [embed] = reply.embeds
    assert embed["image"]["url"] == f"attachment://summary-{year}.png"

    image = Image.open(io.BytesIO(png))
    image.load()  # decodes the whole picture
    assert image.format == "PNG" and image.size == (1200, 672)
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert ORANGE in colours and (0x4C, 0x72, 0xB0) in colours  # both series are drawn

    assert table.startswith(b"\xef\xbb\xbf")
    assert rows[0] == [
        "City", "Trips logged", "Reports sent", "Reports approved",
        "Of which without the subsidy", "Subsidy", "Granted (yen)", "Paid (yen)",
    ]  # fmt: skip
    by_city = {r[0]: r[1:] for r in rows[1:]}
    assert by_city["Pontiac"] == ["2", "1", "1", "0", "paid", "3000", "3000"]
    assert by_city["Kanonji City"] == ["1", "1", "1", "1", "open", "0", "0"]
    assert by_city["Total"] == ["4", "2", "2", "1", "", "3000", "3000"]
    assert rows[-1][0] == "Total"


async def test_the_summary_in_japanese_and_for_staff_only(harness: Harness):
    world = harness.world
    year = await a_year(harness)
    await harness.ask("setup rules", user=world.admin, language="ja")
    reply, png, _, rows = await summary_files(harness, year, locale="ja")
    assert (
        "**ポンティアック市**：訪問2件、レポート1件、承認済み1件（うち助成なし0件）、"
        "支払済み3,000円" in reply.text
    )
    assert rows[0][:2] == ["都市", "訪問件数"] and rows[-1][0] == "合計"
    assert Image.open(io.BytesIO(png)).size == (1200, 672)
    refused = await harness.ask("subsidy summary", user=world.member)
    assert refused.content == "Only the association's staff can do this."
    empty, _, _, rows = await summary_files(harness, year + 5)
    assert "**Total**: trips 0" in empty.text and rows[-1][1:5] == ["0", "0", "0", "0"]
