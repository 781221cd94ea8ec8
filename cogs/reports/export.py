"""/report export: the approved reports as the newsletter's copy (a Word document and Markdown).

Deferred at once: an export reads its reports a chunk at a time (short units of work) and builds
the document in a worker thread, so the bot keeps answering everyone else meanwhile. The files
fit the server's attachment limit (bot.files.newsletter.Edition), and the reply says what that
took: parts, or smaller photos. Files follow the server's language: they go into the
association's papers.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import replace

import discord

from bot.domain import photos as photo_rules
from bot.domain.dates import Span
from bot.files.newsletter import Article, Edition, markdown
from bot.i18n import t
from bot.interactions import Speaker, guild_id, services
from bot.progress import ProgressReply
from bot.services.chunks import Progress
from bot.services.reports import ExportPlan, Published
from cogs.reports.render import published_credit, published_title

MEGABYTE = 1024 * 1024


def article(language: str, published: Published) -> Article:
    view = published.view
    report = view.report
    subsidy = None
    if published.subsidy_yen is not None:
        subsidy = t(language, "report.export.subsidy", amount=f"{published.subsidy_yen:,}")
    return Article(
        title=published_title(language, published),
        credit_line=t(
            language, "report.export.credit_line", credit=published_credit(language, published)
        ),
        place_line=t(
            language,
            "report.export.city_line",
            city=view.trip.city.name(language),
            dates=view.trip.trip.span,
        ),
        body=report.body,
        photos=published.photos,
        subsidy_line=subsidy,
    )


def scope_text(language: str, plan: ExportPlan) -> str:
    parts = []
    if plan.city is not None:
        parts.append(t(language, "report.export.scope_city", city=plan.city))
    if plan.year is not None:
        parts.append(t(language, "report.export.scope_year", year=_year(language, plan)))
    if plan.since is not None:
        parts.append(t(language, "report.export.scope_since", day=plan.since))
    return " ".join(parts) if language == "en" else "".join(parts)


def _year(language: str, plan: ExportPlan) -> str:
    assert plan.year is not None
    fiscal = plan.year
    return t(language, "subsidy.year", year=fiscal.year, span=Span(fiscal.start, fiscal.end))


def cover(language: str, association: str, plan: ExportPlan) -> tuple[str, str | None]:
    """The cover line (association and period) and, for one city, the city."""
    if plan.year is not None:
        period = _year(language, plan)
        if plan.since is not None:
            period = t(language, "report.export.period_since", period=period, day=plan.since)
    else:
        assert plan.since is not None
        period = t(language, "report.export.scope_since", day=plan.since)
    title = t(language, "report.export.cover", association=association, period=period)
    return title, plan.city.name(language) if plan.city else None


async def export_reports(
    interaction: discord.Interaction, year: int | None, city: str | None, since: str | None
) -> None:
    await interaction.response.defer(ephemeral=True, thinking=True)
    say = await Speaker.of(interaction)
    svc = services(interaction)
    guild = guild_id(interaction)
    plan = await svc.reports.export_plan(guild, year, city, since)
    settings = await svc.settings.get(guild)
    language = settings.language
    if not plan.report_ids:
        await say.send(say("report.export.nothing", scope=scope_text(say.language, plan)))
        return
    limit = interaction.filesize_limit or 10 * MEGABYTE
    association = (await svc.cities.association(guild)).name(language)
    title, subtitle = cover(language, association, plan)
    edition = Edition(title, subtitle, limit, plan.photo_bytes)
    articles: list[tuple[Article, int]] = []  # for the Markdown copy: text, and photos counted
    reply = ProgressReply(say, "progress.reports")
    for chunk in plan.chunks():
        for published in await svc.reports.export_chunk(guild, chunk, edition.previews):
            printed = await asyncio.to_thread(edition.add, article(language, published))
            articles.append((replace(printed, photos=[]), len(printed.photos)))
        await reply.update(Progress(len(articles), len(plan.report_ids)))
    parts = await asyncio.to_thread(edition.finish)
    try:
        text = await asyncio.to_thread(
            markdown,
            title,
            subtitle,
            articles,
            lambda count: t(language, "report.export.photos_note", count=count),
        )
        await _send(say, reply, plan, parts, text, edition.long_side, limit, len(articles))
    finally:
        for part in parts:
            part.close()


async def _send(
    say: Speaker,
    reply: ProgressReply,
    plan: ExportPlan,
    parts: list[io.BufferedRandom],
    text: bytes,
    long_side: int,
    limit: int,
    count: int,
) -> None:
    stem = f"newsletter-{plan.year.year}" if plan.year else f"newsletter-since-{plan.since}"
    lines = [say("report.export.done", count=count, scope=scope_text(say.language, plan))]
    if len(parts) > 1:
        lines.append(say("report.export.parts", parts=len(parts), limit=limit // MEGABYTE))
    if long_side < photo_rules.LONG_SIDE:
        lines.append(say("report.export.lowered", pixels=long_side))
    first = [discord.File(io.BytesIO(text), filename=f"{stem}.md")]
    for number, part in enumerate(parts, start=1):
        suffix = f"-{number}" if len(parts) > 1 else ""
        file = discord.File(part, filename=f"{stem}{suffix}.docx")
        if number == 1:  # in place of the progress shown, if it was
            await reply.send("\n".join(lines), files=[file, *first])
        else:
            label = say("report.export.part_label", part=number, parts=len(parts))
            await say.send(label, files=[file])
