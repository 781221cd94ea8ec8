"""Reports with photos, credited as the member chose (issue 17): the photos are stored, posted and
announced without any metadata; bad files are refused by name with the text kept; the announcement
never shows a name the member did not agree to."""

from __future__ import annotations

import io
from datetime import timedelta

from PIL import Image

from fake_discord.interactions import Attachment, custom_ids
from fake_discord.server import Call
from tests.e2e.harness import Harness, Message
from tests.e2e.reporting import (
    ENGLISH_400,
    announcements,
    finished_trip,
    member_with_trip,
    report_id,
    review_post,
    submit,
)
from tests.e2e.test_subsidy import approve, since

NAME = "Hanako Tanaka"
GPS_MAKER = b"GpsPhoneMaker"


def gps_jpeg(size: tuple[int, int] = (3000, 2000)) -> bytes:
    """A photo as a phone writes it: EXIF with the camera, the orientation and a GPS block."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = GPS_MAKER.decode()
    exif[0x0112] = 6  # taken with the phone turned: shown rotated by 90 degrees
    exif[0x8825] = {1: "N", 2: (35.0, 1.0, 2.0), 3: "E", 4: (135.0, 57.0, 3.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 120, 200, 128)).save(out, "PNG")
    return out.getvalue()


def assert_clean(data: bytes) -> Image.Image:
    """``data`` is a JPEG without any metadata block, at most 1600 px on its long side."""
    assert data[:2] == b"\xff\xd8"
    assert b"Exif" not in data and GPS_MAKER not in data and b"GPS" not in data
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert max(image.size) <= 1600
    return image


def two_photos() -> list[Attachment]:
    return [
        Attachment("IMG_0001.JPG", gps_jpeg(), "image/jpeg"),
        Attachment("harbour.png", png(), "image/png"),
    ]


def posted_files(harness: Harness, channel: str) -> list[Call]:
    channel_id = harness.world.guild.channel(channel).id
    return [
        c
        for c in harness.fake.calls
        if c.files and c.path.startswith(f"/channels/{channel_id}/messages")
    ]


async def a_member_named(harness: Harness) -> str:
    world = harness.world
    await harness.configure()
    reply = await harness.ask(
        "member add",
        user=world.staff,
        options={"user": world.member, "name": NAME, "since": since(harness)},
    )
    assert "Registered" in reply.content, reply.content
    return await finished_trip(harness, world.member)


async def test_the_form_offers_photos_and_publication_choices_none_ticked(harness: Harness):
    world = harness.world
    trip = await a_member_named(harness)
    modal = await (await harness.command("report submit", user=world.member, trip=trip)).modal()
    assert custom_ids(modal) == ["title", "body", "photos", "publication"]
    labels = [c for c in modal["components"] if c["type"] == 18]
    upload = next(c["component"] for c in labels if c["component"]["type"] == 19)
    assert upload["max_values"] == 4 and upload["required"] is False
    boxes = next(c["component"] for c in labels if c["component"]["type"] == 22)
    assert [o["value"] for o in boxes["options"]] == ["full_name", "initials", "subsidy"]
    assert not any(o.get("default") for o in boxes["options"])


async def test_photos_lose_every_metadata_block_and_initials_never_show_the_name(
    harness: Harness,
):
    world = harness.world
    trip = await a_member_named(harness)
    reply = await submit(
        harness,
        world.member,
        trip,
        ENGLISH_400,
        title="Harbour days",
        photos=two_photos(),
        publication=["initials", "subsidy"],
    )
    assert reply.content.startswith("Received, thank you!"), reply.content
    rid = report_id(reply)

    stored = harness.query(
        "SELECT position, width, height, data, preview_width, preview_height, preview "
        "FROM report_photos WHERE report_id = ? ORDER BY position",
        (rid,),
    )
    assert [row[:3] for row in stored] == [(1, 1067, 1600), (2, 800, 600)]
    assert [row[4:6] for row in stored] == [(534, 800), (800, 600)]
    for row in stored:
        assert_clean(row[3])
        assert_clean(row[6])
    assert harness.query("SELECT credit, mention_subsidy FROM reports") == [("initials", 1)]

    post = await review_post(harness, rid)
    assert "Initials: H. T." in post.text and "May be mentioned" in post.text
    assert "2 photos" in post.text
    [review_upload] = posted_files(harness, "moderation")
    assert len(review_upload.files) == 2
    for data in review_upload.files.values():
        assert_clean(data)

    await approve(harness, rid)
    await harness.outbox_settled()
    [announcement] = announcements(harness)
    shown = Message(announcement).text
    assert "H. T." in shown
    assert "Hanako" not in shown and "Tanaka" not in shown
    assert f"<@{world.member.id}>" not in shown
    assert "received the association's travel subsidy (¥3,000)" in shown
    [announced] = posted_files(harness, "announcements")
    assert len(announced.files) == 2
    for data in announced.files.values():
        assert_clean(data)


async def test_with_nothing_ticked_the_member_is_credited_as_a_member(harness: Harness):
    world = harness.world
    trip = await a_member_named(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400))
    post = await review_post(harness, rid)
    assert "“A member” (no name)" in post.text and "Not to be mentioned" in post.text
    await approve(harness, rid)
    await harness.outbox_settled()
    [announcement] = announcements(harness)
    shown = Message(announcement).text
    assert "A member" in shown and NAME not in shown and "subsidy" not in shown
    assert not announcement["attachments"]


async def test_a_text_file_and_a_truncated_jpeg_are_refused_by_name_with_the_draft_kept(
    harness: Harness,
):
    world = harness.world
    trip = await a_member_named(harness)
    text_file = Attachment("notes.txt", b"Not a photo at all", "text/plain")
    reply = await submit(
        harness, world.member, trip, ENGLISH_400, photos=[text_file], publication=["full_name"]
    )
    assert reply.ephemeral
    assert reply.content.startswith("“notes.txt” is not a photo I can read."), reply.content
    assert "Your text is kept" in reply.content and "add them again" in reply.content
    assert harness.query("SELECT count(*) FROM reports") == [(0,)]
    assert harness.query("SELECT body, credit FROM report_drafts") == [(ENGLISH_400, "full_name")]

    whole = gps_jpeg((1200, 900))
    broken = Attachment("broken.jpg", whole[: len(whole) // 2], "image/jpeg")
    reply = await submit(harness, world.member, trip, ENGLISH_400, photos=[broken])
    assert reply.content.startswith("“broken.jpg” is damaged or incomplete"), reply.content
    assert harness.query("SELECT count(*) FROM reports") == [(0,)]
    assert harness.query("SELECT count(*) FROM report_photos") == [(0,)]

    [button] = custom_ids(reply.data)
    reopened = await (await harness.click(reply, button, user=world.member)).modal()
    body = next(
        c["component"] for c in reopened["components"] if c["component"]["custom_id"] == "body"
    )
    assert body["value"] == ENGLISH_400


async def test_too_many_files_are_refused_before_any_is_downloaded(harness: Harness):
    world = harness.world
    trip = await a_member_named(harness)
    files = [Attachment(f"p{n}.png", png((50, 50)), "image/png") for n in range(1, 6)]
    reply = await submit(harness, world.member, trip, ENGLISH_400, photos=files)
    assert reply.content.startswith(
        "“p5.png” is one photo too many: a report can have at most 4 photos."
    ), reply.content
    assert not [c for c in harness.fake.calls if c.path.startswith("/attachments/")]
    assert harness.query("SELECT count(*) FROM report_drafts") == [(1,)]


async def test_a_report_sent_again_keeps_its_photos_unless_new_ones_are_sent(harness: Harness):
    world = harness.world
    trip = await a_member_named(harness)
    rid = report_id(await submit(harness, world.member, trip, ENGLISH_400, photos=two_photos()))
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:changes", user=world.staff)).modal()
    await (await harness.submit_modal(modal, {"reason": "More, please."}, user=world.staff)).reply()

    form = await (await harness.command("report submit", user=world.member, trip=trip)).modal()
    assert "2 photos are kept" in str(form)
    await submit(harness, world.member, trip, ENGLISH_400 + " again")
    assert harness.query("SELECT count(*) FROM report_photos WHERE report_id = ?", (rid,)) == [(2,)]
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:changes", user=world.staff)).modal()
    await (await harness.submit_modal(modal, {"reason": "One photo."}, user=world.staff)).reply()
    one = [Attachment("one.png", png(), "image/png")]
    await submit(harness, world.member, trip, ENGLISH_400, photos=one)
    assert harness.query("SELECT count(*) FROM report_photos WHERE report_id = ?", (rid,)) == [(1,)]
    # Sent back once more: the form offers to remove them, and ticked, the report goes without.
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:changes", user=world.staff)).modal()
    await (await harness.submit_modal(modal, {"reason": "No photo."}, user=world.staff)).reply()
    form = await (await harness.command("report submit", user=world.member, trip=trip)).modal()
    assert "Remove my earlier photos" in str(form)
    await submit(harness, world.member, trip, ENGLISH_400, publication=["drop_photos"])
    assert harness.query("SELECT count(*) FROM report_photos WHERE report_id = ?", (rid,)) == [(0,)]


async def test_forgetting_the_member_erases_the_photos_here_and_on_discord(harness: Harness):
    world = harness.world
    trip = await a_member_named(harness)
    rid = report_id(
        await submit(harness, world.member, trip, ENGLISH_400, photos=two_photos(),
                     publication=["full_name"])
    )  # fmt: skip
    post = await review_post(harness, rid)
    modal = await (await harness.click(post, f"report:{rid}:nosubsidy", user=world.staff)).modal()
    await (await harness.submit_modal(modal, {"reason": "Late."}, user=world.staff)).reply()
    await harness.outbox_settled()
    [announcement] = announcements(harness)
    assert NAME in Message(announcement).text  # the member agreed to the full name
    assert len(announcement["attachments"]) == 2

    harness.clock.advance(timedelta(days=1))
    await harness.ask("member remove", user=world.staff, options={"user": world.member})
    confirm = await harness.ask("member forget", user=world.staff, options={"user": world.member})
    [button] = [c["custom_id"] for row in confirm.data["components"] for c in row["components"]]
    await (await harness.click(confirm, button, user=world.staff)).reply()
    await harness.outbox_settled()

    assert harness.query("SELECT count(*) FROM report_photos") == [(0,)]
    [announcement] = announcements(harness)
    assert announcement["attachments"] == [] and NAME not in Message(announcement).text
    post = await review_post(harness, rid)
    assert post.data["attachments"] == []


async def test_a_member_is_told_when_their_initials_cannot_be_made(harness: Harness):
    """A name in kanji with no reading has no initials: the member, who chose them, is told
    the report will be credited as "a member" (and one who chose nothing is not)."""
    world = harness.world
    await harness.configure()
    options = {"user": world.member, "name": "田中花子", "since": since(harness)}
    await harness.ask("member add", user=world.staff, options=options)
    trip = await finished_trip(harness, world.member)
    receipt = await submit(harness, world.member, trip, ENGLISH_400, publication=["initials"])
    assert "so you will be credited as “a member”" in receipt.content, receipt.content
    other = await member_with_trip(harness, world.member2)
    plain = await submit(harness, world.member2, other, ENGLISH_400, publication=[])
    assert "credited as" not in plain.content
