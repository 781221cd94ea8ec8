"""/member: staff keep the member registry; a daily task keeps the member role in step."""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import time

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.checks import staff_only
from bot.domain.clock import TOKYO
from bot.domain.dates import Span
from bot.interactions import Speaker, services
from bot.progress import ProgressReply
from bot.services.members import ImportResult, Registered

log = logging.getLogger(__name__)

LIST_LINES = 20
PROBLEM_LINES = 20
DAILY_AT = time(0, 5, tzinfo=TOKYO)


def registration_text(say: Speaker, user: discord.abc.User, done: Registered) -> str:
    number = say("member.number", number=done.number) if done.number else ""
    text = say(
        f"member.add.{done.kind}",
        user=user.mention,
        span=Span(done.valid_from, done.expires),
        number=number,
    )
    if not done.member_today:
        text += "\n" + say("member.add.not_today")
    return text


def import_text(say: Speaker, result: ImportResult) -> str:
    lines = [
        say(
            "member.import.summary",
            registered=result.registered,
            renewed=result.renewed,
            unchanged=result.unchanged,
            bad=len(result.problems),
        )
    ]
    for problem in result.problems[:PROBLEM_LINES]:
        reason = say(problem.key, **problem.params)
        lines.append(say("member.import.line", line=problem.line, reason=reason))
    if len(result.problems) > PROBLEM_LINES:
        lines.append(say("member.import.more", count=len(result.problems) - PROBLEM_LINES))
    return "\n".join(lines)


@app_commands.guild_only()
class Members(commands.GroupCog, group_name="member", group_description="The member registry"):
    def __init__(self, bot: commands.Bot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.daily.start()

    async def cog_unload(self) -> None:
        self.daily.cancel()

    @tasks.loop(time=DAILY_AT)
    async def daily(self) -> None:
        await self.keep_roles_in_step()

    @daily.before_loop
    async def catch_up(self) -> None:
        """Expiries that fell while the bot was down are handled as soon as it is back."""
        await self.bot.wait_until_ready()
        await self.keep_roles_in_step()

    async def keep_roles_in_step(self) -> None:
        members = self.bot.services.members  # type: ignore[attr-defined]
        for guild_id in await members.guilds():
            try:
                await members.keep_roles_in_step(guild_id)
            except Exception:
                log.exception("Could not bring member roles in step in guild %s", guild_id)

    @app_commands.command(name="add", description="Register or renew a member")
    @app_commands.describe(
        user="The member",
        number="Membership number (letters allowed)",
        since="First day of membership (default: start of this fiscal year)",
        expires="Last day of membership (default: end of this fiscal year)",
    )
    @staff_only()
    async def add(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        number: app_commands.Range[str, 1, 40] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        expires: app_commands.Range[str, 1, 40] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        if user.bot:
            await say.send(say("member.bot", user=user.mention))
            return
        done = await services(interaction).members.add(
            interaction.guild_id,
            interaction.user.id,
            user.id,
            user.display_name,
            number=number,
            since=since,
            expires=expires,
        )
        await say.send(registration_text(say, user, done))

    @app_commands.command(name="remove", description="End a membership (its history is kept)")
    @app_commands.describe(user="The member")
    @staff_only()
    async def remove(self, interaction: discord.Interaction, user: discord.User) -> None:
        say = await Speaker.of(interaction)
        await services(interaction).members.remove(
            interaction.guild_id, interaction.user.id, user.id
        )
        await say.send(say("member.remove.done", user=user.mention))

    @app_commands.command(name="list", description="The member registry, with a CSV file")
    @staff_only()
    async def list_members(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        members = services(interaction).members
        reply = ProgressReply(say, "progress.members")
        records = await members.registry(interaction.guild_id, progress=reply.update)
        if not records:
            await reply.send(say("member.list.empty"))
            return
        lines = [
            say(
                "member.list.line",
                user=f"<@{r.user_id}>",
                number=r.period.number or "–",
                span=Span(r.period.valid_from, r.period.expires),
                status=say(f"member.status.{members.status(r.period)}"),
            )
            for r in records[:LIST_LINES]
        ]
        if len(records) > LIST_LINES:
            lines.append(say("member.list.more", count=len(records) - LIST_LINES))
        embed = discord.Embed(
            title=say("member.list.title", count=len(records)),
            description="\n".join(lines),
            colour=discord.Colour.green(),
        )
        # Thousands of rows: written beside the event loop, which keeps answering meanwhile.
        data = await asyncio.to_thread(members.registry_csv, records)
        await reply.send(embed=embed, file=discord.File(io.BytesIO(data), filename="members.csv"))

    @app_commands.command(name="import", description="Register members from a CSV file")
    @app_commands.describe(file="CSV with a header: discord user id, membership number, expires")
    @staff_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        reply = ProgressReply(say, "progress.rows")
        result = await services(interaction).members.import_csv(
            interaction.guild_id, interaction.user.id, await file.read(), progress=reply.update
        )
        await reply.send(import_text(say, result))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Members(bot))
