"""The playground in a real browser (Debian's headless chromium): a member logs a trip with a
Japanese date and sends a report with photos through the form, staff approve it from
#moderation, and the announcement appears with the photos, in English and in Japanese. Every
assertion is on what the page shows."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import expect

from tests.playground.page import Person, chromium_path, playground_page

pytestmark = [
    pytest.mark.timeout(120),
    pytest.mark.skipif(
        chromium_path() is None and not os.environ.get("PLAYGROUND_BROWSER_REQUIRED"),
        reason="needs Debian's chromium (apt-get install -y chromium); .ci/run installs it "
        "and requires these tests",
    ),
]

ENGLISH_REPORT = " ".join(
    f"On day {n % 5 + 1} we walked along the river, met our hosts and talked about schools."
    for n in range(24)
)  # 24 sentences of 15 words: 360 words, inside the 300-600 range
# HTML and a markdown link from a member: shown as text, never run (4 more words)
HOSTILE = " <img src=x onerror=alert(1)> [click](javascript:alert(1))"
# 25 characters a sentence, 14 sentences: 350字 (punctuation is not counted)
JAPANESE_REPORT = "観音寺市の銭形砂絵を見学し、地元の方々と交流しました。" * 14


def photo(folder: Path, name: str, colour: str) -> str:
    """A small photo as a phone would send it (a JPEG)."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, "JPEG")
    path = folder / name
    path.write_bytes(buffer.getvalue())
    return str(path)


async def test_a_report_from_the_form_to_the_announcement_in_english(tmp_path: Path) -> None:
    async with playground_page() as (_playground, page):
        you = Person(page)
        await you.become("admin")
        await you.command("/setup rules", {"language": "English"})
        await expect(you.message("Saved.")).to_be_visible()

        await you.become("member")
        await you.command("/trip log", {"city": ("pon", "Pontiac"), "start": "2026年8月3日"})
        logged = you.message("Trip logged")
        await expect(logged).to_contain_text("Pontiac · 3 August 2026")
        await expect(logged).to_contain_text("Only you can see this")

        await you.command("/report submit", {"trip": ("", "Pontiac")})
        await expect(page.locator("#modal-title")).to_contain_text("Pontiac")
        await you.fill_form(
            {
                "title": "<script>alert(1)</script> Pontiac in summer",
                "body": ENGLISH_REPORT + HOSTILE,
            },
            files={"photos": [photo(tmp_path, "river.jpg", "steelblue")]},
        )
        await you.send_form()
        await expect(you.message("Received, thank you!")).to_contain_text("364 words")

        await you.become("guest")  # a guest sees no #moderation
        await expect(page.locator('.channel[data-channel="moderation"]')).to_have_count(0)

        await you.become("staff")
        await you.open("moderation")
        review = you.message("Pontiac in summer")
        await expect(review).to_contain_text("@Hanako")
        await expect(review).to_contain_text("364 words (300–600)")
        await you.press("Pontiac in summer", "Approve")
        await expect(review.locator("button", has_text="Approve").first).to_be_disabled()

        await you.open("announcements")
        announcement = you.message("Pontiac in summer")
        await expect(announcement).to_contain_text("<script>alert(1)</script>")  # as text
        await expect(announcement).to_contain_text("On day 1 we walked along the river")
        await expect(announcement.locator("img")).to_have_count(1)  # the photo, served locally
        assert await announcement.locator("img").evaluate("img => img.naturalWidth > 0")
        await expect(announcement).to_contain_text("<img src=x onerror=alert(1)>")
        assert await page.locator("#messages script, #messages img[src=x]").count() == 0
        assert await page.locator("#messages a[href^=javascript]").count() == 0

        await you.become("member")
        await you.open("kifa-bot")
        await expect(you.message("was approved")).to_be_visible()


async def test_a_report_from_the_form_to_the_announcement_in_japanese(tmp_path: Path) -> None:
    async with playground_page() as (_playground, page):
        you = Person(page)
        await you.become("member2", "ja")
        await expect(page.locator("#send")).to_have_text("送信")
        await you.command("/旅行 登録", {"city": ("観音", "観音寺"), "start": "令和8年8月3日"})
        await expect(you.message("2026年8月3日")).to_contain_text(
            "これはあなただけに表示されています"
        )

        await you.command("/レポート 提出", {"trip": ("", "観音寺")})
        photos = [
            photo(tmp_path, "zenigata.jpg", "sandybrown"),
            photo(tmp_path, "port.jpg", "teal"),
        ]
        await you.fill_form(
            {"title": "砂絵の町へ", "body": JAPANESE_REPORT}, files={"photos": photos}
        )
        await you.send_form()
        await expect(you.message("受け付けました")).to_contain_text("350字")

        await you.become("staff", "ja")
        await you.open("moderation")
        await expect(you.message("砂絵の町へ")).to_contain_text("@Ken")
        await you.press("砂絵の町へ", "承認")

        await you.open("announcements")
        announcement = you.message("砂絵の町へ")
        await expect(announcement).to_contain_text("観音寺市の銭形砂絵を見学し")
        await expect(announcement.locator("img")).to_have_count(2)


async def test_the_page_updates_live_when_someone_else_acts() -> None:
    async with playground_page() as (playground, page):
        you = Person(page)
        await you.become("staff")
        await you.open("moderation")
        # Meanwhile, in another window, Hanako sends a report (through the same client).
        client, general = playground.client, str(playground.fake.world.guild.channel("general").id)
        [city] = await client.autocomplete(
            "member", "en", general, "trip log", {"city": "pon"}, "city"
        )
        trip_log = {"city": city["value"], "start": "2026-08-03"}
        await client.command("member", "en", general, "trip log", trip_log)
        [trip] = await client.autocomplete("member", "en", general, "report submit", {}, "trip")
        opened = await client.command(
            "member", "en", general, "report submit", {"trip": trip["value"]}
        )
        assert opened.modal is not None
        await client.submit(
            "member",
            "en",
            opened.modal["token"],
            {"title": "Sent elsewhere", "body": ENGLISH_REPORT},
        )
        await expect(you.message("Sent elsewhere")).to_contain_text(
            "360語"
        )  # the server speaks Japanese
