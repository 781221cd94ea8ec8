"""Autocomplete callbacks shared by several commands (a city, one of my trips)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from bot.error_handler import answer_error
from bot.interactions import Speaker, services
from bot.subsidy_text import payee

CHOICE_NAME_LIMIT = 100

Choices = list[app_commands.Choice[str]]
Autocomplete = Callable[[discord.Interaction, str], Coroutine[Any, Any, Choices]]


def answered(callback: Autocomplete) -> Autocomplete:
    """discord.py logs an autocomplete that raises and leaves it unanswered; this one answers
    with no choices, and the error is logged with a reference like any other."""

    @functools.wraps(callback)
    async def always_answered(interaction: discord.Interaction, current: str) -> Choices:
        try:
            return await callback(interaction, current)
        except Exception as error:
            await answer_error(interaction, error)
            return []

    return always_answered


def _choice(name: str, value: str) -> app_commands.Choice[str]:
    if len(name) > CHOICE_NAME_LIMIT:
        name = name[: CHOICE_NAME_LIMIT - 1] + "…"
    return app_commands.Choice(name=name, value=value)


@answered
async def cities(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    say = await Speaker.of(interaction)
    found = await services(interaction).cities.autocomplete(interaction.guild_id, current)
    lang = say.language
    return [
        _choice(say("city.names", name=c.name(lang), other=c.other_name(lang)), c.slug)
        for c in found
    ]


@answered
async def my_trips(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    say = await Speaker.of(interaction)
    found = await services(interaction).trips.autocomplete(
        interaction.guild_id, interaction.user.id, current[:100]
    )
    return [
        _choice(say("trip.label", city=v.city, span=v.trip.span), str(v.trip.id)) for v in found
    ]


@answered
async def reportable_trips(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    say = await Speaker.of(interaction)
    found = await services(interaction).reports.reportable(
        interaction.guild_id, interaction.user.id, current[:100]
    )
    return [
        _choice(say("trip.label", city=v.city, span=v.trip.span), str(v.trip.id)) for v in found
    ]


@answered
async def withdrawable_reports(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    say = await Speaker.of(interaction)
    found = await services(interaction).reports.withdrawable(
        interaction.guild_id, interaction.user.id, current[:100]
    )
    return [
        _choice(
            say(
                "report.choice",
                id=v.report.id,
                trip=say("trip.label", city=v.trip.city, span=v.trip.trip.span),
            ),
            str(v.report.id),
        )
        for v in found
    ]


@answered
async def live_grants(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    say = await Speaker.of(interaction)
    svc = services(interaction)
    names = await svc.cities.by_slug(interaction.guild_id)
    typed = current.strip().casefold()
    choices = []
    for g in await svc.subsidy.live_grants(interaction.guild_id):
        city = names.get(g.city_slug)
        label = say(
            "subsidy.grant.choice",
            id=g.id,
            city=city.name(say.language) if city else g.city_slug,
            year=g.fiscal_year,
            payee=payee(say.language, g),
            amount=f"{g.amount_yen:,}",
            state=say(f"subsidy.state.{g.state}"),
        )
        searched = f"{label} {g.member_reading or ''}".casefold()
        if typed in searched:
            choices.append(_choice(label, str(g.id)))
    return choices
