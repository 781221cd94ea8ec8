"""The worker that delivers the outbox: role changes, channel posts and edits, direct messages.

Rows come from bot.services.outbox, written in the same transaction as the decision that caused
them. The worker takes the oldest pending row of each target, delivers several targets at once,
records the message id Discord returns, retries server errors, rate limits and network failures
with backoff, and records permanent errors (such as 50007, "cannot send messages to this user").
It picks up where it left off after a restart, because everything it knows is in the database.

A crash (or a lost answer) after Discord created a message but before the row was marked
delivered would send it again; every post and DM therefore carries the row's nonce, and Discord
answers a repeated nonce from the same author (within a few minutes) with the message it already
created. Edits and role changes are idempotent by nature. An edit of a message someone deleted
(Discord answers 10008) posts the message anew, as it now stands, with the edit row's nonce, and
later edits change the new message: a review post deleted by mistake comes back with its buttons.

A message is described by a :class:`~bot.domain.outbox.MessageRef` (a renderer's name and the ids
it reads); the feature that queues it registers that renderer once, which builds the Discord
message from the database at delivery time (so an edit always shows the current state). At start,
before delivering anything, the bot checks that every pending row has its renderer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.domain.outbox import DirectMessage, Edit, MessageRef, PayloadError, Post, RoleChange
from db.outbox import OutboxRow

if TYPE_CHECKING:
    from bot.app import AssociationBot
    from bot.services.outbox import OutboxService

log = logging.getLogger(__name__)

BATCH = 16
IDLE_WAIT = 60.0
UNKNOWN_MESSAGE = 10008  # Discord's answer about a message that was deleted


@dataclass
class Rendered:
    """A message ready for Discord. Nothing in it pings anyone unless ``mentions`` says so."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    view: discord.ui.View | None = None
    mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)
    # Files the message carries (a report's photos, read from the database at delivery). An edit
    # makes them the message's attachments, so an edit without files removes the old ones.
    files: list[discord.File] = field(default_factory=list)

    async def send(self, to: discord.abc.Messageable, nonce: str) -> discord.Message:
        """Post it in a channel or a direct message with the outbox row's nonce, so that a retry
        after a lost answer gets back the message Discord already made."""
        return await to.send(
            self.content,
            embeds=self.embeds,
            view=self.view or discord.utils.MISSING,
            allowed_mentions=self.mentions,
            nonce=nonce,
            files=self.files,
        )


Renderer = Callable[["AssociationBot", MessageRef], Awaitable[Rendered]]


class Permanent(Exception):
    """Delivery can never succeed (e.g. the channel is gone); carries Discord's error code."""

    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.code = code


class OutboxWorker:
    def __init__(self, bot: AssociationBot) -> None:
        self.bot = bot
        self.renderers: dict[str, Renderer] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def register(self, name: str, renderer: Renderer) -> None:
        """Make ``renderer`` build the messages queued under ``name``; once per name."""
        if name in self.renderers:
            raise ValueError(f"a renderer for {name!r} is already registered")
        self.renderers[name] = renderer

    @property
    def service(self) -> OutboxService:
        return self.bot.services.outbox

    def start(self) -> None:
        """Begin delivering (after the bot's services exist, in setup_hook)."""
        self.service.on_wake(self._wake.set)
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        while True:
            self._wake.clear()
            try:
                rows = await self.service.due(BATCH)
                if rows:
                    await asyncio.gather(*(self.deliver(row) for row in rows))
                    continue
                await self._sleep_until_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("The outbox worker failed; retrying in a few seconds")
                await asyncio.sleep(5)

    async def _sleep_until_due(self) -> None:
        when = await self.service.next_attempt()
        timeout = IDLE_WAIT
        if when is not None:
            timeout = min(max((when - self.service.now()).total_seconds(), 0.0), IDLE_WAIT)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def deliver(self, row: OutboxRow) -> None:
        row = await self.service.started(row)
        try:
            message_id = await self._perform(row)
        except Permanent as error:
            log.warning("Outbox row %d (%s) failed for good: %s", row.id, row.kind, error)
            await self.service.failed(row, str(error), error.code)
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:
                await self._retry(row, f"{error.status} {error.text}")
            else:
                log.warning("Outbox row %d (%s) refused by Discord: %s", row.id, row.kind, error)
                await self.service.failed(row, f"{error.status} {error.text}", error.code)
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            await self._retry(row, f"{type(error).__name__}: {error}")
        except asyncio.CancelledError:
            raise
        except Exception as error:
            log.exception("Outbox row %d (%s) could not be delivered", row.id, row.kind)
            await self._retry(row, f"{type(error).__name__}: {error}")
        else:
            await self.service.delivered(row, message_id)

    async def _retry(self, row: OutboxRow, reason: str) -> None:
        when = await self.service.retry_later(row, reason)
        log.info("Outbox row %d (%s) will be retried at %s: %s", row.id, row.kind, when, reason)

    async def _perform(self, row: OutboxRow) -> int | None:
        try:
            payload = row.payload
        except PayloadError as error:
            raise Permanent(str(error)) from None
        if isinstance(payload, RoleChange):
            await self._change_role(row.guild_id, payload, row.kind == "role.add")
            return None
        if isinstance(payload, Post):
            rendered = await self._render(payload.message)
            channel = self.bot.get_partial_messageable(payload.channel_id, guild_id=row.guild_id)
            return (await rendered.send(channel, row.nonce)).id
        if isinstance(payload, Edit):
            posted = await self.service.message_id(payload.source)
            if posted is None:
                raise Permanent("the message to edit was never posted")
            rendered = await self._render(payload.message)
            channel = self.bot.get_partial_messageable(payload.channel_id, guild_id=row.guild_id)
            try:
                await channel.get_partial_message(posted).edit(
                    content=rendered.content,
                    embeds=rendered.embeds,
                    view=rendered.view,
                    allowed_mentions=rendered.mentions,
                    attachments=rendered.files,
                )
            except discord.NotFound as error:
                if error.code != UNKNOWN_MESSAGE:
                    raise
                # rendered anew: the failed edit has used up (closed) the files it carried
                fresh = await self._render(payload.message)
                return await self._post_again(row, payload, channel, fresh)
            return posted
        assert isinstance(payload, DirectMessage)
        rendered = await self._render(payload.message)
        dm = await self.bot.create_dm(discord.Object(payload.user_id))
        return (await rendered.send(dm, row.nonce)).id

    async def _post_again(
        self,
        row: OutboxRow,
        edit: Edit,
        channel: discord.PartialMessageable,
        rendered: Rendered,
    ) -> int:
        """The message to edit was deleted (someone removed a review post): post it anew, as it
        now stands, and make the new message the one later edits change. The edit row's nonce
        keeps a retry from posting it twice."""
        message = await rendered.send(channel, row.nonce)
        await self.service.reposted(edit.source, message.id)
        log.info(
            "Outbox row %d: message of row %d was deleted; posted it again", row.id, edit.source
        )
        return message.id

    async def _render(self, message: MessageRef) -> Rendered:
        renderer = self.renderers.get(message.render)
        if renderer is None:  # the start-up check makes this a row queued since by mistake
            raise Permanent(f"no renderer for {message.render!r}")
        return await renderer(self.bot, message)

    async def _change_role(self, guild_id: int, change: RoleChange, give: bool) -> None:
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            raise Permanent("the bot is no longer in this server")
        try:
            member = await guild.fetch_member(change.user_id)
        except discord.NotFound as error:
            raise Permanent("the member is not in the server", error.code) from None
        role = discord.Object(change.role_id)
        if give:
            await member.add_roles(role, reason="Registered member")
        else:
            await member.remove_roles(role, reason="Membership ended")
