"""Take the README's pictures of the playground: ``python -m tests.playground.screenshots``.

Drives the page as the browser tests do (a member sends a report, staff approve it) and saves
PNGs into docs/: the report form, the review post, the announcement, and /subsidy summary's
chart. Look at each picture before committing it."""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.async_api import expect

from tests.playground.page import Person, playground_page

DOCS = Path(__file__).resolve().parents[2] / "docs"
PHOTO = "pontiac-lake.jpg"
REPORT = """\
Our group of six left Kansai in early August and reached Pontiac after a long day of flights \
and a drive north from Detroit. Our hosts, two families who have taken part in the exchange \
for many years, met us at the community centre with home-made lemonade and a banner in both \
English and Japanese.

On the first morning we visited a middle school, where students who had hosted Kusatsu \
pupils last spring showed us the origami cranes they had kept since then. We taught a short \
lesson about our city, Lake Biwa and the old Tokaido and Nakasendo roads, and the students \
asked many questions about school lunches and club activities. In the afternoon the mayor \
welcomed us at city hall and showed us the gift our city sent in 1978, which still hangs in \
the council chamber.

The next days were full of ordinary life, which was the best part of the trip. We went to a \
farmers' market, cheered at a baseball game, and cooked okonomiyaki for twenty neighbours, \
who cooked a barbecue for us in return. One evening an older member of the friendship \
committee told us how the sister-city agreement began, and how letters between the two \
cities were once carried by hand by the first visitors.

We also learned how much work the exchange needs on both sides: volunteers who drive, \
translate, open their homes and keep in touch when nobody is travelling. Several of them \
asked how they could help young people from Pontiac visit Kusatsu next year, and we promised \
to bring their questions to the association.

I am grateful to the association for its support and to our hosts for their kindness. I \
hope more members will make the same journey, and I would be glad to share my notes and \
photographs with anyone who is planning a visit.
"""


async def take(folder: Path, photo: Path) -> list[Path]:
    saved: list[Path] = []
    async with playground_page(1280, 1320) as (_playground, page):
        you = Person(page)

        async def shot(name: str) -> None:
            path = folder / f"playground-{name}.png"
            await page.wait_for_timeout(150)  # the last refresh lands
            await page.screenshot(path=str(path))
            saved.append(path)

        await you.become("admin")
        await you.command("/setup rules", {"language": "English"})
        await expect(you.message("Saved.")).to_be_visible()

        await you.become("member")
        await you.command("/trip log", {"city": ("pon", "Pontiac"), "start": "2026年8月3日"})
        await expect(you.message("Trip logged")).to_be_visible()
        await you.command("/report submit", {"trip": ("", "Pontiac")})
        await you.fill_form(
            {"title": "A summer week in Pontiac", "body": REPORT}, files={"photos": [str(photo)]}
        )
        await page.locator("#modal .check input").first.check()  # credited by full name
        await page.locator("#modal textarea").evaluate("node => node.scrollTo(0, 0)")
        await shot("report-form")
        await you.send_form()
        await expect(you.message("Received, thank you!")).to_be_visible()

        await you.become("staff")
        await you.open("moderation")
        await expect(you.message("A summer week in Pontiac")).to_be_visible()
        await page.locator("#messages").evaluate("node => node.scrollTo(0, node.scrollHeight)")
        await shot("review-post")
        await you.press("A summer week in Pontiac", "Approve")

        await you.open("announcements")
        await expect(you.message("A summer week in Pontiac")).to_be_visible()
        await shot("announcement")

        await you.open("general")
        await you.command("/subsidy summary", {})
        await expect(you.message("used").locator("img").first).to_be_visible()
        await page.locator("#messages").evaluate("node => node.scrollTo(0, node.scrollHeight)")
        await shot("subsidy-summary")
    return saved


def landscape(path: Path) -> None:
    """A picture to attach: an evening sky over a lake, drawn here (no photo is downloaded)."""
    width, height = 960, 600
    picture = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        if y < height * 0.6:  # the sky, from blue to orange
            f = y / (height * 0.6)
            colour = (int(70 + 180 * f), int(110 + 60 * f), int(190 - 90 * f))
        else:  # the water, darker below
            f = (y - height * 0.6) / (height * 0.4)
            colour = (int(40 + 30 * (1 - f)), int(80 + 30 * (1 - f)), int(120 + 30 * (1 - f)))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.ellipse([600, 250, 700, 350], fill=(255, 214, 140))
    draw.polygon([(0, 360), (180, 300), (330, 350), (520, 290), (700, 360)], fill=(40, 60, 50))
    picture.save(path, "JPEG", quality=85)


def main() -> int:
    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        photo = Path(folder) / PHOTO
        landscape(photo)
        saved = asyncio.run(take(DOCS, photo))
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
