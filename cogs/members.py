"""/member: staff keep the member registry; a daily task keeps the member role in step."""

from __future__ import annotations

import asyncio
import io
import logging
import re
from datetime import time, timedelta
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.checks import require_staff, staff_only
from bot.daily import DailyJob
from bot.domain.clock import TOKYO
from bot.domain.dates import Span
from bot.domain.member_csv import ServerMember, lookup_query
from bot.error_handler import answer_error
from bot.files.csv_file import csv_file
from bot.i18n import t
from bot.interactions import Speaker, guild_id, read_attachment, services
from bot.progress import ProgressReply
from bot.services.members import ImportResult, MemberService, Registered

if TYPE_CHECKING:
    from bot.app import AssociationBot
    from db.members import MemberRecord

log = logging.getLogger(__name__)

LIST_LINES = 20
PROBLEM_LINES = 20
DAILY_AT = time(0, 5, tzinfo=TOKYO)
LOOKUP_LIMIT = 100  # members Discord returns for one username (its maximum)
CONFIRM_FOR = timedelta(minutes=15)  # how long the Erase button of /member forget works


class ForgetButton(
    discord.ui.DynamicItem[discord.ui.Button],
    template=r"member:forget:(?P<user>[0-9]{1,20}):(?P<asked>[0-9]{1,12})",
):
    """Confirms /member forget. The custom_id carries whom and when it was asked; everything
    else is checked again when it is pressed (staff, a former member, nothing unpaid)."""

    def __init__(self, user_id: int, asked: int, label: str = "") -> None:
        super().__init__(
            discord.ui.Button(
                label=label or None,
                style=discord.ButtonStyle.danger,
                custom_id=f"member:forget:{user_id}:{asked}",
            )
        )
        self.user_id = user_id
        self.asked = asked

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ForgetButton:
        return cls(int(match["user"]), int(match["asked"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await require_staff(interaction)
            say = await Speaker.of(interaction)
            svc = services(interaction)
            asked_ago = svc.clock.now().timestamp() - self.asked
            if not 0 <= asked_ago <= CONFIRM_FOR.total_seconds():
                await say.send(say("member.forget.expired"))
                return
            await interaction.response.defer()  # erasing ends by rebuilding the database file
            await svc.members.forget(guild_id(interaction), interaction.user.id, self.user_id)
            await interaction.edit_original_response(
                content=say("member.forget.done", user=f"<@{self.user_id}>"),
                view=None,
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except Exception as error:
            await answer_error(interaction, error)


def name_text(say: Speaker, name: str | None, from_discord: bool, forgotten: bool = False) -> str:
    if forgotten:
        return say("member.name.former")
    if not name:
        return say("member.name.none")
    name = discord.utils.escape_markdown(name)
    return say("member.name.from_discord", name=name) if from_discord else name


def registration_text(say: Speaker, user: discord.abc.User, done: Registered) -> str:
    number = say("member.number", number=done.number) if done.number else ""
    text = say(
        f"member.add.{done.kind}",
        user=user.mention,
        span=Span(done.valid_from, done.expires),
        number=number,
    )
    text += "\n" + say("member.add.name", name=name_text(say, done.name, done.name_from_discord))
    if done.name_from_discord:
        text += "\n" + say("member.add.name_hint")
    if not done.member_today:
        text += "\n" + say("member.add.not_today")
    return text


def registry_file(language: str, records: list[MemberRecord], members: MemberService) -> bytes:
    """The registry as the office's spreadsheet: headers and states in the server's language."""
    columns = ("name", "reading", "name_source", "number", "since", "expires", "status", "user_id")
    return csv_file(
        [t(language, f"csv.members.{c}") for c in columns],
        (
            [
                t(language, "member.name.former") if r.forgotten else r.name,
                r.reading,
                t(language, f"csv.members.source.{'discord' if r.name_from_discord else 'office'}")
                if r.name
                else None,
                r.period.number,
                r.period.valid_from,
                r.period.expires,
                t(language, f"member.status.{members.status(r.period)}"),
                str(r.user_id),
            ]
            for r in records
        ),
    )


async def lookup_usernames(
    guild: discord.Guild, usernames: list[str]
) -> dict[str, list[ServerMember] | None]:
    """Ask Discord which members of the server each username could name (a gateway request
    that needs no privileged intent). None for a username Discord did not answer about."""
    found: dict[str, list[ServerMember] | None] = {}
    for username in usernames:
        try:
            matches = await guild.query_members(
                query=lookup_query(username), limit=LOOKUP_LIMIT, cache=False
            )
        except (TimeoutError, discord.ClientException):
            log.warning("Discord did not answer a member lookup in guild %s", guild.id)
            found[username] = None
            continue
        found[username] = [
            ServerMember(m.id, m.name, tuple(n for n in (m.nick, m.global_name) if n), m.bot)
            for m in matches
        ]
    return found


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
    if result.renamed:
        lines.append(say("member.import.renamed", count=result.renamed))
    for problem in result.problems[:PROBLEM_LINES]:
        reason = say(problem.key, **problem.params)
        lines.append(say("member.import.line", line=problem.line, reason=reason))
    if len(result.problems) > PROBLEM_LINES:
        lines.append(say("member.import.more", count=len(result.problems) - PROBLEM_LINES))
    return "\n".join(lines)


@app_commands.guild_only()
class Members(commands.GroupCog, group_name="member", group_description="The member registry"):
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot
        # Expiries that fell while the bot was down are handled as soon as it is back.
        self.daily = DailyJob(bot, DAILY_AT, self.keep_roles_in_step)

    async def cog_load(self) -> None:
        self.daily.start()

    async def cog_unload(self) -> None:
        self.daily.cancel()

    async def keep_roles_in_step(self) -> None:
        members = self.bot.services.members
        for server in await members.guilds():
            try:
                await members.keep_roles_in_step(server)
            except Exception:
                log.exception("Could not bring member roles in step in guild %s", server)

    @app_commands.command(name="add", description="Register or renew a member")
    @app_commands.describe(
        user="The member",
        number="Membership number (letters allowed)",
        name="Name as the office writes it (default: their Discord display name)",
        since="First day of membership (default: start of this fiscal year)",
        expires="Last day of membership (default: end of this fiscal year)",
        reading="Reading of the name in kana, e.g. ヤマダ ハナコ (optional)",
    )
    @staff_only()
    async def add(
        self,
        interaction: discord.Interaction,
        user: discord.User,
        number: app_commands.Range[str, 1, 40] | None = None,
        name: app_commands.Range[str, 1, 100] | None = None,
        since: app_commands.Range[str, 1, 40] | None = None,
        expires: app_commands.Range[str, 1, 40] | None = None,
        reading: app_commands.Range[str, 1, 100] | None = None,
    ) -> None:
        say = await Speaker.of(interaction)
        if user.bot:
            await say.send(say("member.bot", user=user.mention))
            return
        done = await services(interaction).members.add(
            guild_id(interaction),
            interaction.user.id,
            user.id,
            user.display_name,
            number=number,
            since=since,
            expires=expires,
            name=name,
            reading=reading,
        )
        await say.send(registration_text(say, user, done))

    @app_commands.command(name="remove", description="End a membership (its history is kept)")
    @app_commands.describe(user="The member")
    @staff_only()
    async def remove(self, interaction: discord.Interaction, user: discord.User) -> None:
        say = await Speaker.of(interaction)
        await services(interaction).members.remove(
            guild_id(interaction), interaction.user.id, user.id
        )
        await say.send(say("member.remove.done", user=user.mention))

    @app_commands.command(
        name="forget", description="Erase a former member's personal data, on their request"
    )
    @app_commands.describe(user="The former member")
    @staff_only()
    async def forget(self, interaction: discord.Interaction, user: discord.User) -> None:
        say = await Speaker.of(interaction)
        svc = services(interaction)
        found = await svc.members.forgettable(guild_id(interaction), user.id)
        asked = int(svc.clock.now().timestamp())
        view = discord.ui.View(timeout=None)
        view.add_item(ForgetButton(user.id, asked, label=say("member.forget.button")))
        await say.send(
            say(
                "member.forget.confirm",
                user=user.mention,
                name=name_text(say, found.name, False),
                reports=len(found.reports),
                trips=found.trips,
            ),
            view=view,
        )

    @app_commands.command(name="list", description="The member registry, with a CSV file")
    @staff_only()
    async def list_members(self, interaction: discord.Interaction) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        members = services(interaction).members
        reply = ProgressReply(say, "progress.members")
        records = await members.registry(guild_id(interaction), progress=reply.update)
        if not records:
            await reply.send(say("member.list.empty"))
            return
        lines = [
            say(
                "member.list.line",
                name=name_text(say, r.name, r.name_from_discord, r.forgotten),
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
        language = (await services(interaction).settings.get(guild_id(interaction))).language
        # Thousands of rows: written beside the event loop, which keeps answering meanwhile.
        data = await asyncio.to_thread(registry_file, language, records, members)
        await reply.send(embed=embed, file=discord.File(io.BytesIO(data), filename="members.csv"))

    @app_commands.command(name="import", description="Register members from a CSV file")
    @app_commands.describe(
        file="CSV with a header: name, reading, discord user id (or username), number, expires"
    )
    @staff_only()
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        say = await Speaker.of(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        members = services(interaction).members
        sheet = members.read_import(await read_attachment(file))
        assert interaction.guild is not None  # a guild-only command
        found = await lookup_usernames(interaction.guild, sheet.usernames)
        reply = ProgressReply(say, "progress.rows")
        result = await members.import_sheet(
            guild_id(interaction), interaction.user.id, sheet, found, progress=reply.update
        )
        await reply.send(import_text(say, result))


async def setup(bot: AssociationBot) -> None:
    bot.add_dynamic_items(ForgetButton)
    await bot.add_cog(Members(bot))
