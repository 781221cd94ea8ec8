"""/setup: an admin configures channels, roles and the association's rules for this server."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.app_commands import locale_str
from discord.ext import commands

from bot.checks import admin_only
from bot.domain.errors import DomainError, Term
from bot.domain.settings import (
    MAX_DEADLINE_DAYS,
    MAX_REPORT_UNITS,
    MAX_SUBSIDY_YEN,
    GuildSettings,
    RuleChange,
)
from bot.interactions import Speaker, guild_id, services
from bot.services import presets

if TYPE_CHECKING:
    from bot.app import AssociationBot

POSTING_PERMISSIONS = ("view_channel", "send_messages", "embed_links")

LANGUAGE_CHOICES = [
    app_commands.Choice(name=locale_str("English", key="choice.language.en"), value="en"),
    app_commands.Choice(name=locale_str("Japanese", key="choice.language.ja"), value="ja"),
]


def settings_embed(say: Speaker, settings: GuildSettings) -> discord.Embed:
    def channel(channel_id: int | None) -> str:
        return f"<#{channel_id}>" if channel_id else say("setup.show.unset")

    def role(role_id: int | None) -> str:
        return f"<@&{role_id}>" if role_id else say("setup.show.unset")

    deadline = (
        say("setup.show.deadline_days", days=settings.report_deadline_days)
        if settings.report_deadline_days
        else say("setup.show.no_deadline")
    )
    rows = [
        ("setup.show.moderation", channel(settings.moderation_channel_id)),
        ("setup.show.announcements", channel(settings.announcement_channel_id)),
        ("setup.show.staff_role", role(settings.staff_role_id)),
        ("setup.show.member_role", role(settings.member_role_id)),
        (
            "setup.show.fiscal_year",
            say(
                "setup.show.fiscal_year_value",
                month=say(f"month.{settings.fiscal_year_start_month}"),
            ),
        ),
        (
            "setup.show.amount",
            say("setup.show.amount_value", amount=f"{settings.subsidy_amount_yen:,}"),
        ),
        (
            "setup.show.length",
            say(
                "setup.show.length_value",
                min=settings.report_min_units,
                max=settings.report_max_units,
            ),
        ),
        ("setup.show.deadline", deadline),
        ("setup.show.language", say(f"language.{settings.language}")),
        (
            "setup.show.preset",
            say(
                "setup.show.preset_value",
                association=presets.load(settings.preset).association.name(say.language),
                name=settings.preset,
            ),
        ),
    ]
    embed = discord.Embed(title=say("setup.show.title"), colour=discord.Colour.blurple())
    for key, value in rows:
        embed.add_field(name=say(key), value=value, inline=True)
    return embed


def missing_posting_permissions(channel: discord.abc.GuildChannel) -> list[str]:
    granted = channel.permissions_for(channel.guild.me)
    return [name for name in POSTING_PERMISSIONS if not getattr(granted, name)]


def check_can_post(channel: discord.abc.GuildChannel) -> None:
    missing = missing_posting_permissions(channel)
    if missing:
        raise DomainError(
            "setup.channels.cannot_post",
            channel=channel.mention,
            permissions=tuple(Term(f"permission.{name}") for name in missing),
        )


def check_in_this_server(
    chosen: discord.abc.Snowflake | None, lookup: Callable[[int], object] | None, key: str
) -> None:
    """A role or channel option carries what the client sent, and a forged payload can name one
    of another server, or none: only this server's own (``lookup`` finds them) are taken."""
    if chosen is not None and (lookup is None or lookup(chosen.id) is None):
        raise DomainError(key)


def check_member_role(role: discord.Role) -> None:
    me = role.guild.me
    if role.is_default() or role.managed:
        raise DomainError("setup.roles.unassignable", role=role.mention)
    if not me.guild_permissions.manage_roles or role >= me.top_role:
        raise DomainError("setup.roles.too_high", role=role.mention)


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Setup(
    commands.GroupCog, group_name="setup", group_description="Configure the bot for this server"
):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot

    @app_commands.command(name="show", description="Show this server's settings")
    @admin_only()
    async def show(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        settings = await services(interaction).settings.get(guild_id(interaction))
        await say.send(embed=settings_embed(say, settings))

    @app_commands.command(name="channels", description="Where reports are reviewed and announced")
    @app_commands.describe(
        moderation="Channel where staff review reports",
        announcements="Channel where approved reports are announced",
    )
    @admin_only()
    async def channels(
        self,
        interaction: discord.Interaction,
        moderation: discord.TextChannel | None = None,
        announcements: discord.TextChannel | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        if moderation is None and announcements is None:
            raise DomainError("setup.nothing_to_change")
        for channel in (moderation, announcements):
            guild = interaction.guild
            check_in_this_server(channel, guild and guild.get_channel, "error.unknown.channel")
            if channel is not None:
                check_can_post(channel)
        settings = await services(interaction).settings.set_channels(
            guild_id(interaction),
            interaction.user.id,
            moderation_channel_id=moderation.id if moderation else None,
            announcement_channel_id=announcements.id if announcements else None,
        )
        await say.send(say("setup.saved"), embed=settings_embed(say, settings))

    @app_commands.command(
        name="roles", description="The staff role, and the member role the bot keeps in step"
    )
    @app_commands.describe(
        staff="Role whose holders review reports and keep the registry",
        member="Role the bot gives to registered members",
    )
    @admin_only()
    async def roles(
        self,
        interaction: discord.Interaction,
        staff: discord.Role | None = None,
        member: discord.Role | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        if staff is None and member is None:
            raise DomainError("setup.nothing_to_change")
        for role in (staff, member):
            guild = interaction.guild
            check_in_this_server(role, guild and guild.get_role, "error.unknown.role")
        if staff is not None and staff.is_default():
            raise DomainError("setup.roles.staff_everyone")
        if member is not None:
            check_member_role(member)
        settings = await services(interaction).settings.set_roles(
            guild_id(interaction),
            interaction.user.id,
            staff_role_id=staff.id if staff else None,
            member_role_id=member.id if member else None,
        )
        await say.send(say("setup.saved"), embed=settings_embed(say, settings))

    @app_commands.command(
        name="rules", description="Year start, subsidy amount, report length, deadline, language"
    )
    @app_commands.describe(
        fiscal_year_start="Month the association's year starts (4 = April; 1 = January)",
        amount="Subsidy amount in yen",
        min_length="Shortest accepted report (words in English, characters in Japanese)",
        max_length="Longest accepted report (words in English, characters in Japanese)",
        deadline_days="Days after a trip's last day to send its report (0 = no deadline)",
        language="Language of review posts and announcements, and of replies to users whose "
        "Discord is in neither",
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @admin_only()
    async def rules(
        self,
        interaction: discord.Interaction,
        fiscal_year_start: app_commands.Range[int, 1, 12] | None = None,
        amount: app_commands.Range[int, 0, MAX_SUBSIDY_YEN] | None = None,
        min_length: app_commands.Range[int, 1, MAX_REPORT_UNITS] | None = None,
        max_length: app_commands.Range[int, 1, MAX_REPORT_UNITS] | None = None,
        deadline_days: app_commands.Range[int, 0, MAX_DEADLINE_DAYS] | None = None,
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        change = RuleChange(
            fiscal_year_start_month=fiscal_year_start,
            subsidy_amount_yen=amount,
            report_min_units=min_length,
            report_max_units=max_length,
            report_deadline_days=deadline_days,
            language=language.value if language else None,
        )
        if change.is_empty():
            raise DomainError("setup.nothing_to_change")
        settings = await services(interaction).settings.update_rules(
            guild_id(interaction), interaction.user.id, change
        )
        await say.send(say("setup.saved"), embed=settings_embed(say, settings))


async def setup(bot: AssociationBot) -> None:
    await bot.add_cog(Setup(bot))
