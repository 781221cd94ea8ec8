"""/report queue: the reports awaiting review, longest waiting first, a page at a time; and the
daily post that lists the reports that have waited too long.

The page buttons are DynamicItems whose custom_id carries the page's offset
(``report:queue:<offset>``); every click reads the page from the database, so they keep working
after a restart. When a page is shown, the review posts on it are looked up in Discord: one that
was deleted is posted again (bot.services.transitions.recover_review_post), with buttons that act
on the same report.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

import discord

from bot.checks import require_staff
from bot.domain.outbox import MessageRef
from bot.error_handler import answer_error
from bot.i18n import t
from bot.interactions import Speaker, services
from bot.outbox import UNKNOWN_MESSAGE, Rendered
from bot.services.reports import QueuePage, WaitingView
from cogs.reports.render import clip

if TYPE_CHECKING:
    from bot.app import AssociationBot

LOOKUPS_AT_ONCE = 5  # review posts looked up in Discord at the same time
REMINDER_LINES = 20
FIELD_NAME_LIMIT = 60
FIELD_VALUE_LIMIT = 180  # 25 fields of at most 240 characters stay within an embed's 6,000


class QueuePageButton(
    discord.ui.DynamicItem[discord.ui.Button], template=r"report:queue:(?P<offset>[0-9]{1,9})"
):
    """Shows another page of the review queue in place of the one it is on."""

    def __init__(self, offset: int, label: str = "", disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None,
                style=discord.ButtonStyle.secondary,
                custom_id=f"report:queue:{offset}",
                disabled=disabled,
            )
        )
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> QueuePageButton:
        return cls(int(match["offset"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await require_staff(interaction)
            say = await Speaker.of(interaction)
            await interaction.response.defer()  # the page replaces this one once it is read
            embed, view = await queue_message(interaction, say, self.offset)
            await interaction.edit_original_response(embed=embed, view=view)
        except Exception as error:
            await answer_error(interaction, error)


async def send_queue(interaction: discord.Interaction, offset: int) -> None:
    """Answer /report queue with its first page (after a deferral: the page's review posts are
    looked up in Discord first)."""
    say = await Speaker.of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    embed, view = await queue_message(interaction, say, offset)
    await say.send(embed=embed, view=view)


async def queue_message(
    interaction: discord.Interaction, say: Speaker, offset: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    guild_id = interaction.guild_id
    assert guild_id is not None  # staff checks refuse a direct message
    svc = services(interaction)
    page = await svc.reports.queue(guild_id, offset)
    lost = await lost_review_posts(interaction.client, guild_id, page.waiting)
    for report_id in lost:
        await svc.reports.review_post_lost(guild_id, report_id)
    return queue_embed(say.language, guild_id, page, lost), queue_buttons(say, page)


async def lost_review_posts(
    client: discord.Client, guild_id: int, waiting: list[WaitingView]
) -> set[int]:
    """The reports whose review post Discord says no longer exists (10008)."""
    gate = asyncio.Semaphore(LOOKUPS_AT_ONCE)

    async def gone(w: WaitingView) -> bool:
        if w.channel_id is None or w.message_id is None:
            return False
        channel = client.get_partial_messageable(w.channel_id, guild_id=guild_id)
        async with gate:
            try:
                await channel.fetch_message(w.message_id)
            except discord.NotFound as error:
                return error.code == UNKNOWN_MESSAGE
            except discord.HTTPException:  # no access to the channel, Discord unwell: unknown
                return False
        return False

    found = await asyncio.gather(*(gone(w) for w in waiting))
    return {w.view.report.id for w, lost in zip(waiting, found, strict=True) if lost}


def queue_embed(language: str, guild_id: int, page: QueuePage, lost: set[int]) -> discord.Embed:
    embed = discord.Embed(
        title=t(language, "report.queue.title", count=page.total), colour=discord.Colour.gold()
    )
    if not page.waiting:
        embed.description = t(language, "report.queue.empty")
        return embed
    for w in page.waiting:
        report = w.view.report
        name = t(
            language,
            "report.queue.heading",
            id=report.id,
            city=w.view.trip.city,
            span=w.view.trip.trip.span,
        )
        value = t(
            language,
            "report.queue.line",
            user=f"<@{report.user_id}>",
            waiting=waiting_text(language, w.days_waiting(page.now)),
            post=post_text(language, guild_id, w, report.id in lost),
        )
        embed.add_field(
            name=clip(name, FIELD_NAME_LIMIT), value=clip(value, FIELD_VALUE_LIMIT), inline=False
        )
    pages = (page.total + page.limit - 1) // page.limit
    embed.set_footer(
        text=t(language, "report.queue.footer", page=page.offset // page.limit + 1, pages=pages)
    )
    return embed


def queue_buttons(say: Speaker, page: QueuePage) -> discord.ui.View | None:
    if page.total <= page.limit:
        return None
    view = discord.ui.View(timeout=None)
    view.add_item(
        QueuePageButton(
            max(page.offset - page.limit, 0),
            label=say("report.queue.previous"),
            disabled=page.offset == 0,
        )
    )
    view.add_item(
        QueuePageButton(
            page.offset + page.limit, label=say("report.queue.next"), disabled=not page.has_next
        )
    )
    return view


def waiting_text(language: str, days: int) -> str:
    if days <= 0:
        return t(language, "report.queue.waiting_today")
    if days == 1:
        return t(language, "report.queue.waiting_one")
    return t(language, "report.queue.waiting", days=days)


def post_text(language: str, guild_id: int, w: WaitingView, lost: bool) -> str:
    """A link to the report's review post, or why there is none."""
    if lost:
        return t(language, "report.queue.post_lost")
    if w.message_id is not None and w.channel_id is not None:
        link = f"https://discord.com/channels/{guild_id}/{w.channel_id}/{w.message_id}"
        return f"[{t(language, 'report.queue.post_link')}]({link})"  # a Markdown link
    if w.post_state == "failed":
        return t(language, "report.queue.post_failed")
    return t(language, "report.queue.post_pending")


async def review_reminder(bot: AssociationBot, message: MessageRef) -> Rendered:
    """The daily post in the moderation channel: the reports that have waited longer than the
    guild's review reminder setting. The staff role is its only mention."""
    guild_id = message.guild_id
    settings = await bot.services.settings.get(guild_id)
    language = settings.language
    days = settings.review_reminder_days or 1
    page = await bot.services.reports.waited_longer(guild_id, days, REMINDER_LINES)
    lines = [
        t(
            language,
            "report.reminder.line",
            id=w.view.report.id,
            city=w.view.trip.city,
            span=w.view.trip.trip.span,
            waiting=waiting_text(language, w.days_waiting(page.now)),
            post=post_text(language, guild_id, w, lost=False),
        )
        for w in page.waiting
    ]
    if page.total > len(lines):
        lines.append(t(language, "report.reminder.more", count=page.total - len(lines)))
    if not lines:  # all of them were decided between the daily run and this delivery
        lines.append(t(language, "report.reminder.none_left"))
    staff = settings.staff_role_id
    intro = t(language, "report.reminder.intro", count=page.total, days=days)
    return Rendered(
        content=f"<@&{staff}> {intro}" if staff else intro,
        embeds=[
            discord.Embed(
                title=t(language, "report.reminder.title"),
                description=clip("\n".join(lines), 4_000),
                colour=discord.Colour.gold(),
            )
        ],
        mentions=discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(staff)] if staff else False
        ),
    )
