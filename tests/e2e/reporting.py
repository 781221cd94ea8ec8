"""Steps the report tests share: a member with a finished trip, a submission, the review post."""

from __future__ import annotations

import re

from fake_discord.interactions import Attachment, ModalValue, custom_ids
from fake_discord.models import User
from tests.e2e.harness import Harness, Message

ENGLISH_400 = " ".join(["Kusatsu"] + ["visit"] * 398 + ["Pontiac."])
JAPANESE_400 = "草津市から姉妹都市を訪ねました。" * 25  # 15 characters counted, 1 full stop


async def finished_trip(harness: Harness, user: User, city: str = "pontiac") -> str:
    """Log a trip last summer for ``user`` and return its id, as autocomplete offers it."""
    year = harness.clock.today().year - 1
    reply = await harness.ask(
        "trip log", user=user, city=city, start=f"{year}-08-03", end=f"{year}-08-10"
    )
    assert reply.content.startswith("Trip logged"), reply.content
    choices = await harness.autocomplete("report submit", "trip", "", user=user)
    return next(c["value"] for c in choices if c["name"].lower().startswith(city[:4]))


async def submit(
    harness: Harness,
    user: User,
    trip: str,
    body: str,
    *,
    title: str = "",
    locale: str = "en-US",
    photos: list[Attachment] | None = None,
    publication: list[str] | None = None,
) -> Message:
    """Open the report form for ``trip`` and send it; ``photos`` uploaded, ``publication`` the
    boxes ticked (None: as the form opened)."""
    command = await harness.command("report submit", user=user, locale=locale, trip=trip)
    modal = await command.modal()
    values: dict[str, ModalValue] = {"title": title, "body": body}
    if photos:
        values["photos"] = photos
    if publication is not None:
        values["publication"] = publication
    sent = await harness.submit_modal(modal, values, user=user, locale=locale)
    return await sent.reply()


def channel_messages(harness: Harness, name: str) -> list[dict]:
    channel_id = str(harness.world.guild.channel(name).id)
    return [m for m in harness.fake.messages.values() if m["channel_id"] == channel_id]


async def review_post(harness: Harness, report_id: int | str) -> Message:
    """The review post of a report, once the outbox has delivered it."""
    await harness.outbox_settled()
    posts = [
        m
        for m in channel_messages(harness, "moderation")
        if f"report:{report_id}:approve" in custom_ids(m)
    ]
    assert posts, "no review post"
    return Message(posts[-1])


def report_id(reply: Message) -> str:
    match = re.search(r"#(\d+)", reply.content)
    assert match, reply.content
    return match.group(1)


def announcements(harness: Harness) -> list[dict]:
    return channel_messages(harness, "announcements")


def dms_to(harness: Harness, user: User) -> list[dict]:
    ids = {cid for cid, u in harness.fake.dm_channels.items() if u.id == user.id}
    return [m for m in harness.fake.messages.values() if int(m["channel_id"]) in ids]


async def member_with_trip(harness: Harness, user: User | None = None) -> str:
    user = user or harness.world.member
    await harness.configure()
    await harness.register(user)
    return await finished_trip(harness, user)


async def restart_and_catch_up(harness: Harness) -> None:
    """Restart the bot and wait until its catch-up has queued (and the outbox delivered) what
    was due."""
    assert harness.bot is not None
    # A bot closed during discord.py's short wait before READY leaves that wait's task behind.
    await harness.bot.wait_until_ready()
    bot = await harness.restart()
    await bot.get_cog("Reminders").daily.caught_up.wait()  # type: ignore[union-attr]
    await harness.outbox_settled()
