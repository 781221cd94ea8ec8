"""/report export: the approved reports as the newsletter's Word document and Markdown copy,
opened with python-docx: sections in approval order, credits as chosen, the photos clean."""

from __future__ import annotations

import asyncio
import io

import docx
from docx.document import Document
from PIL import Image

from fake_discord.interactions import Attachment, command_data, envelope
from fake_discord.server import Call
from tests.e2e.harness import Harness, Interaction
from tests.e2e.reporting import ENGLISH_400, JAPANESE_400, finished_trip, report_id, submit
from tests.e2e.test_photos import assert_clean, gps_jpeg, png
from tests.e2e.test_subsidy import approve, since


def files_of(interaction: Interaction) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    calls: list[Call] = [c for c in interaction.calls() if c.files]
    for call in calls:
        found.update(call.files)
    return found


async def export(harness: Harness, **options: object) -> tuple[str, dict[str, bytes]]:
    command = await harness.command("report export", user=harness.world.staff, **options)
    reply = await command.reply(timeout=20)
    return reply.content, files_of(command)


def text_of(document: Document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


async def two_approved_reports(harness: Harness) -> None:
    world = harness.world
    await harness.configure()
    for user, name in ((world.member, "Hanako Tanaka"), (world.member2, "Jiro Suzuki")):
        options = {"user": user, "name": name, "since": since(harness)}
        assert (
            "Registered"
            in (await harness.ask("member add", user=world.staff, options=options)).content
        )
    first = await finished_trip(harness, world.member)
    photos = [
        Attachment("IMG_0001.JPG", gps_jpeg(), "image/jpeg"),
        Attachment("harbour.png", png(), "image/png"),
    ]
    hanako = report_id(
        await submit(
            harness, world.member, first, ENGLISH_400 + "\n\nA second paragraph.",
            title="Harbour days", photos=photos, publication=["initials", "subsidy"],
        )
    )  # fmt: skip
    second = await finished_trip(harness, world.member2, city="kanonji")
    jiro = report_id(
        await submit(
            harness, world.member2, second, JAPANESE_400, title="観音寺の夏",
            publication=["full_name"],
        )
    )  # fmt: skip
    await approve(harness, jiro)  # approved first, so printed first
    await approve(harness, hanako)
    await harness.outbox_settled()


async def test_the_export_is_a_word_document_in_approval_order_with_credits_as_chosen(
    harness: Harness,
):
    await two_approved_reports(harness)
    year = harness.clock.today().year - 1
    content, files = await export(harness, year=year)
    assert "2 approved reports" in content, content
    assert sorted(files) == [f"newsletter-{year}.docx", f"newsletter-{year}.md"]

    document = docx.Document(io.BytesIO(files[f"newsletter-{year}.docx"]))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["観音寺の夏", "Harbour days"]
    text = text_of(document)
    assert document.paragraphs[0].text.startswith("Kusatsu International Friendship Association")
    assert "By Jiro Suzuki" in text and "By H. T." in text
    assert "Hanako" not in text and "Tanaka" not in text
    assert "A second paragraph." in [p.text for p in document.paragraphs]
    assert text.count("received the association's travel subsidy (¥3,000)") == 1
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get(docx.oxml.ns.qn("w:eastAsia")) == "Yu Mincho"

    pictures = [
        document.part.related_parts[blip.get(docx.oxml.ns.qn("r:embed"))].blob
        for blip in document.element.body.iter(docx.oxml.ns.qn("a:blip"))
    ]
    assert len(pictures) == 2 and len(document.inline_shapes) == 2
    for data in pictures:
        assert_clean(data)
    for shape in document.inline_shapes:
        assert shape.width.mm <= 170 and shape.height.mm <= 200

    copy = files[f"newsletter-{year}.md"].decode("utf-8")
    assert copy.index("観音寺の夏") < copy.index("Harbour days")
    assert "By H. T." in copy and "Hanako" not in copy and "Photos: 2" in copy


async def test_an_export_with_nothing_in_it_says_so_and_members_cannot_export(harness: Harness):
    world = harness.world
    await two_approved_reports(harness)
    content, files = await export(harness, year=2010)
    assert content.startswith("There are no approved reports for 2010"), content
    assert not files
    content, files = await export(harness, since="2999-01-01")
    assert "There are no approved reports approved since" in content and not files
    refused = await harness.ask("report export", user=world.member)
    assert refused.content == "Only the association's staff can do this."


async def test_the_export_of_one_city_holds_only_its_reports(harness: Harness):
    await two_approved_reports(harness)
    year = harness.clock.today().year - 1
    content, files = await export(harness, year=year, city="kanonji")
    assert "1 approved report " in content, content
    document = docx.Document(io.BytesIO(files[f"newsletter-{year}.docx"]))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == ["観音寺の夏"]


def noisy_jpeg(seed: int) -> bytes:
    """A photo that compresses as badly as a real one (about 0.4 MB at 1600 px)."""
    image = Image.effect_noise((1600, 1200), 50 + seed).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def test_a_large_export_is_split_under_the_limit_with_smaller_photos_and_says_so(
    harness: Harness,
):
    world = harness.world
    await harness.configure()
    await harness.register(world.member, world.member2)
    for user, city in ((world.member, "pontiac"), (world.member2, "kanonji")):
        trip = await finished_trip(harness, user, city=city)
        photos = [Attachment(f"p{n}.jpg", noisy_jpeg(n), "image/jpeg") for n in range(2)]
        rid = report_id(await submit(harness, user, trip, ENGLISH_400, photos=photos))
        await approve(harness, rid)
    year = harness.clock.today().year - 1
    data = command_data(harness.fake, "report export", {"year": year})
    payload = envelope(harness.fake, 2, world.staff, data)
    limit = 200_000  # a server whose attachment limit is far below the photos' size
    payload["attachment_size_limit"] = limit
    command = await harness.send(payload)
    reply = await command.reply(timeout=20)
    assert "split into 2 Word files, each under this server's attachment limit" in reply.content
    # the photos' smaller copies, and for a report too large even so, smaller still
    assert "photos in these files are at a lower resolution (400 px" in reply.content
    async with asyncio.timeout(10):  # the second part follows the reply
        while len(files := files_of(command)) < 3:
            await asyncio.sleep(0.05)
    assert sorted(files) == [
        f"newsletter-{year}-1.docx",
        f"newsletter-{year}-2.docx",
        f"newsletter-{year}.md",
    ]
    headings = []
    for name in sorted(files):
        if name.endswith(".docx"):
            assert len(files[name]) < limit
            document = docx.Document(io.BytesIO(files[name]))
            headings += [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
            for blip in document.element.body.iter(docx.oxml.ns.qn("a:blip")):
                part = document.part.related_parts[blip.get(docx.oxml.ns.qn("r:embed"))]
                assert max(assert_clean(part.blob).size) in (400, 800)
    assert len(headings) == 2
