"""How a report looks in Discord: the review post, the announcement, the member's message.

These are outbox renderers: the worker calls them at delivery time, so an edited review post
always shows the report as it stands in the database.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import discord

from bot.domain import credit
from bot.domain import reports as rules
from bot.domain.outbox import MessageRef
from bot.i18n import t
from bot.outbox import Rendered
from bot.services.reports import Published, ReportView
from cogs.reports.review import review_view, write_view

if TYPE_CHECKING:
    from bot.app import AssociationBot

EMBED_DESCRIPTION_LIMIT = 4_096
FIELD_LIMIT = 1_024
STATE_COLOURS = {
    rules.AWAITING: discord.Colour.gold(),
    rules.APPROVED: discord.Colour.green(),
    rules.APPROVED_NO_SUBSIDY: discord.Colour.dark_green(),
    rules.CHANGES_REQUESTED: discord.Colour.orange(),
    rules.REJECTED: discord.Colour.red(),
    rules.WITHDRAWN: discord.Colour.light_grey(),
}


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def trip_label(language: str, view: ReportView) -> str:
    return t(language, "trip.label", city=view.trip.city, span=view.trip.trip.span)


def decision_text(language: str, view: ReportView) -> str | None:
    report = view.report
    if report.state == rules.AWAITING or report.decided_at is None:
        return None
    key = "report.review.withdrawn" if report.state == rules.WITHDRAWN else "report.review.decided"
    text = t(
        language,
        key,
        state=t(language, f"report.state.{report.state}"),
        by=f"<@{report.decided_by}>",
        when=discord.utils.format_dt(report.decided_at, "f"),
    )
    if report.reason:
        text += "\n" + t(language, "report.review.reason", reason=report.reason)
    return text


def photo_files(published: Published) -> list[discord.File]:
    """The report's photos as attachments (fresh objects: a sent File is used up)."""
    return [
        discord.File(io.BytesIO(photo.data), filename=f"report-{published.view.report.id}-{n}.jpg")
        for n, photo in enumerate(published.photos, start=1)
    ]


def credit_for_staff(language: str, published: Published) -> str:
    """What the member chose, with the name it prints, for the review post."""
    report = published.view.report
    if report.credit == credit.ANONYMOUS or published.registry_name is None:
        return t(language, "report.credit.anonymous")
    if published.credit is None:
        return t(language, "report.credit.no_initials")
    return t(language, f"report.credit.{report.credit}", name=published.credit)


def author_for_staff(language: str, published: Published) -> str:
    """Who wrote it, as the office knows them: the account, and the registry's name and
    membership number (PRODUCT.md, the moderation flow). The mention pings nobody here: the
    review post allows the staff role only."""
    account = f"<@{published.view.report.user_id}>"
    name = published.registry_name
    if name is None:
        return account
    if published.registry_number:
        name = t(language, "member.name.with_number", name=name, number=published.registry_number)
    return clip(f"{account}\n{discord.utils.escape_markdown(name)}", FIELD_LIMIT)


def review_embed(language: str, published: Published, minimum: int, maximum: int) -> discord.Embed:
    view = published.view
    report = view.report
    heading = t(
        language,
        "report.review.heading",
        id=report.id,
        state=t(language, f"report.state.{report.state}"),
    )
    body = t(language, "report.erased") if report.erased else report.body
    if report.title:
        body = f"**{discord.utils.escape_markdown(report.title)}**\n\n{body}"
    embed = discord.Embed(
        title=heading,
        description=clip(body, EMBED_DESCRIPTION_LIMIT),
        colour=STATE_COLOURS[report.state],
    )
    embed.add_field(
        name=t(language, "report.field.author"), value=author_for_staff(language, published)
    )
    embed.add_field(name=t(language, "report.field.trip"), value=trip_label(language, view))
    embed.add_field(
        name=t(language, "report.field.length"),
        value=t(language, "report.length_value", length=report.length(minimum, maximum)),
    )
    if report.revision > 1:
        embed.add_field(name=t(language, "report.field.revision"), value=str(report.revision))
    if not report.erased:
        embed.add_field(
            name=t(language, "report.field.credit"),
            value=clip(credit_for_staff(language, published), FIELD_LIMIT),
        )
        mention = "mention_yes" if report.mention_subsidy else "mention_no"
        embed.add_field(
            name=t(language, "report.field.subsidy_mention"),
            value=t(language, f"report.credit.{mention}"),
        )
    if published.photos:
        embed.add_field(
            name=t(language, "report.field.photos"),
            value=t(language, "report.review.photos", count=len(published.photos)),
        )
    decision = decision_text(language, view)
    if decision:
        embed.add_field(
            name=t(language, "report.field.decision"),
            value=clip(decision, FIELD_LIMIT),
            inline=False,
        )
    if report.dm_failed:
        embed.add_field(
            name=t(language, "report.field.notice"),
            value=t(language, "report.review.dm_failed"),
            inline=False,
        )
    if report.late:
        embed.add_field(
            name=t(language, "report.field.deadline"),
            value=t(language, "report.review.late", day=report.due_on),
            inline=False,
        )
    return embed


async def review_post(bot: AssociationBot, message: MessageRef) -> Rendered:
    guild_id = message.guild_id
    settings = await bot.services.settings.get(guild_id)
    published = await bot.services.reports.published(guild_id, message["report_id"])
    view = published.view
    language = settings.language
    embed = review_embed(language, published, settings.report_min_units, settings.report_max_units)
    # Only a report still waiting calls the staff (a post put back after it was deleted included).
    staff = settings.staff_role_id if view.report.open else None
    return Rendered(
        content=t(language, "report.review.ping", role=f"<@&{staff}>") if staff else None,
        embeds=[embed],
        view=review_view(language, view.report),
        mentions=discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(staff)] if staff else False
        ),
        files=photo_files(published),
    )


def published_title(language: str, published: Published) -> str:
    """The title a published report goes under (the announcement, the newsletter)."""
    view = published.view
    return view.report.title or t(language, "report.announce.default_title", city=view.trip.city)


def published_credit(language: str, published: Published) -> str:
    """The name it is credited to, as its author chose: their name, initials, or "a member"."""
    return published.credit or t(language, "report.credit.a_member")


async def announcement(bot: AssociationBot, message: MessageRef) -> Rendered:
    """The published report: credited only as its author chose (never a mention, which would
    show their Discord name), the subsidy only where they agreed, the photos attached."""
    guild_id = message.guild_id
    language = (await bot.services.settings.get(guild_id)).language
    published = await bot.services.reports.published(guild_id, message["report_id"])
    view = published.view
    report = view.report
    embed = discord.Embed(
        title=clip(published_title(language, published), 256),
        description=clip(report.body or t(language, "report.erased"), EMBED_DESCRIPTION_LIMIT),
        colour=discord.Colour.blue(),
    )
    if not report.erased:
        shown = published_credit(language, published)
        embed.add_field(
            name=t(language, "report.field.by"),
            value=clip(discord.utils.escape_markdown(shown), FIELD_LIMIT),
        )
    embed.add_field(name=t(language, "report.field.city"), value=view.trip.city.name(language))
    embed.add_field(
        name=t(language, "report.field.dates"),
        value=t(language, "date.when", when=view.trip.trip.span),
    )
    if published.subsidy_yen is not None:
        embed.add_field(
            name=t(language, "report.field.subsidy_mention"),
            value=t(language, "report.announce.subsidy", amount=f"{published.subsidy_yen:,}"),
            inline=False,
        )
    embed.set_footer(text=t(language, "report.announce.footer", id=report.id))
    return Rendered(
        content=t(language, "report.announce.intro", city=view.trip.city),
        embeds=[embed],
        files=photo_files(published),
    )


async def decision_dm(bot: AssociationBot, message: MessageRef) -> Rendered:
    view = await bot.services.reports.view(message.guild_id, message["report_id"])
    report = view.report
    language = await bot.services.languages.of_member(report.user_id, message.guild_id)
    text = t(language, f"report.dm.{report.state}", trip=trip_label(language, view), id=report.id)
    if report.reason:
        text += "\n\n" + t(language, "report.review.reason", reason=report.reason)
    write = None
    if report.state == rules.CHANGES_REQUESTED:  # the form opens with the text and the reason
        label = t(language, "report.button.open_sent_back")
        write = write_view(label, report.trip_id, message.guild_id)
    return Rendered(content=clip(text, 2_000), view=write)
