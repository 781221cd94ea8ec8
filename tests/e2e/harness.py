"""Runs the unmodified bot against the fake Discord and lets a test talk to it like a user."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import aiohttp

from bot.app import AssociationBot
from bot.config import Settings
from bot.domain.clock import TOKYO, Clock
from fake_discord.interactions import (
    ModalValue,
    NotLikeDiscord,
    command_data,
    component_data,
    custom_ids,
    envelope,
    modal_data,
)
from fake_discord.models import Channel, User
from fake_discord.server import Call, FakeDiscord

START_TIMEOUT = 15.0
REPLY_TIMEOUT = 5.0
EPHEMERAL = 64


@dataclass
class Message:
    """What Discord would show for one message the bot sent."""

    data: dict

    @property
    def content(self) -> str:
        return self.data.get("content") or ""

    @property
    def embeds(self) -> list[dict]:
        return self.data.get("embeds") or []

    @property
    def ephemeral(self) -> bool:
        return bool((self.data.get("flags") or 0) & EPHEMERAL)

    @property
    def text(self) -> str:
        """Everything a reader sees: content, and every embed's title, text, fields and footer."""
        parts = [self.content]
        for embed in self.embeds:
            parts += [embed.get("title", ""), embed.get("description", "")]
            for field in embed.get("fields", []):
                parts += [field.get("name", ""), field.get("value", "")]
            parts.append((embed.get("footer") or {}).get("text", ""))
        return "\n".join(p for p in parts if p)


class Interaction:
    """One interaction sent to the bot, and everything the bot answered to it."""

    def __init__(self, fake: FakeDiscord, payload: dict) -> None:
        self.fake = fake
        self.payload = payload
        self.token = payload["token"]

    def calls(self) -> list[Call]:
        return [c for c in self.fake.calls if self.token in c.path]

    async def callback(self, timeout: float = REPLY_TIMEOUT) -> Call:
        return await self.fake.wait_for_call(
            lambda c: c.method == "POST" and c.path.endswith(f"/{self.token}/callback"), timeout
        )

    async def reply(self, timeout: float = REPLY_TIMEOUT) -> Message:
        """The answer the user sees: the callback's message, or what filled a deferral."""
        callback = await self.callback(timeout)
        if callback.body["type"] in (4, 7):
            return Message(self._original())
        await self.fake.wait_for_call(
            lambda c: (
                self.token in c.path
                and c.path != callback.path
                and c.method in ("POST", "PATCH")
                and c.status < 300
            ),
            timeout,
        )
        followups = self.followups()
        return followups[0] if followups else Message(self._original())

    async def modal(self, timeout: float = REPLY_TIMEOUT) -> dict:
        """The modal the bot opened in answer (its title, custom_id and components)."""
        callback = await self.callback(timeout)
        assert callback.body["type"] == 9, f"expected a modal, got {callback.body}"
        assert callback.status < 300, f"Discord refused the modal: {callback.status}"
        return callback.body["data"]

    def followups(self) -> list[Message]:
        return [
            Message(m)
            for m in self.fake.messages.values()
            if m.get("interaction_token") == self.token and m.get("followup")
        ]

    def _original(self) -> dict:
        """The interaction's own message; for a component, the message it is on."""
        return (
            next(
                (
                    m
                    for m in self.fake.messages.values()
                    if m.get("interaction_token") == self.token and not m.get("followup")
                ),
                None,
            )
            or self.fake.messages[int(self.payload["message"]["id"])]
        )


class Harness:
    """A fake Discord, the association's server in it, and the real bot connected to it."""

    def __init__(self, fake: FakeDiscord, database_path: Path) -> None:
        self.fake = fake
        self.world = fake.world
        self.database_path = database_path
        self.clock = Clock()  # kept across restarts; tests move it forward
        self.bot: AssociationBot | None = None
        self._task: asyncio.Task | None = None

    # ------------------------------------------------------------- the bot's life
    def settings(self) -> Settings:
        return Settings(token="fake-token", database_path=self.database_path, default_preset="kifa")

    async def start(self) -> AssociationBot:
        connector = aiohttp.TCPConnector(resolver=self.fake.resolver(), ssl=False)
        bot = AssociationBot(self.settings(), connector=connector, clock=self.clock)
        self.bot = bot
        self._task = asyncio.create_task(bot.start("fake-token"), name="bot.start")
        ready = asyncio.create_task(self._guild_cached(bot))
        done, _ = await asyncio.wait(
            {self._task, ready}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if self._task in done:
            ready.cancel()
            await self.stop()
            self._task.result()  # raises what stopped the start
            raise RuntimeError("the bot stopped before it was ready")
        if not done:
            ready.cancel()
            await self.stop()
            raise TimeoutError("the bot did not become ready against the fake Discord")
        return bot

    async def _guild_cached(self, bot: AssociationBot) -> None:
        """The bot answers interactions once it has the guild, before discord.py's READY."""
        while bot.get_guild(self.world.guild.id) is None:
            await asyncio.sleep(0.005)

    async def stop(self) -> None:
        bot, task = self.bot, self._task
        self.bot, self._task = None, None
        if bot is not None:
            await bot.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, START_TIMEOUT)

    async def restart(self) -> AssociationBot:
        await self.stop()
        return await self.start()

    def set_time(self, day: date, at: time = time(10, 0)) -> None:
        """Move the bot's clock to ``at`` on ``day`` in the association's calendar (forward or
        back, as a clock that was wrong might)."""
        self.clock.advance(datetime.combine(day, at, TOKYO) - self.clock.now())

    async def configure(self, language: str | None = "en") -> None:
        """What an admin does first: staff and member roles, review and announcement channels,
        and (unless ``language`` is None, keeping the preset's Japanese) the server's language:
        most tests read the association's posts in English."""
        guild, admin = self.world.guild, self.world.admin
        steps: list[tuple[str, dict[str, Any]]] = [
            ("setup roles", {"staff": guild.role("Staff"), "member": guild.role("Member")}),
            (
                "setup channels",
                {
                    "moderation": guild.channel("moderation"),
                    "announcements": guild.channel("announcements"),
                },
            ),
        ]
        if language is not None:
            steps.append(("setup rules", {"language": language}))
        for path, options in steps:
            reply = await self.ask(path, user=admin, options=options)
            assert reply.content.startswith("Saved."), reply.content

    async def register(self, *users: User, since: str | None = None) -> None:
        """Staff register ``users`` as members for this fiscal year (or from ``since``)."""
        for user in users:
            options = {"user": user, "since": since}
            reply = await self.ask("member add", user=self.world.staff, options=options)
            assert "Registered" in reply.content, reply.content

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the bot's database as the office would, from outside the bot."""
        with contextlib.closing(sqlite3.connect(self.database_path)) as conn:
            return conn.execute(sql, params).fetchall()

    async def outbox_settled(self, timeout: float = 10.0) -> None:
        """Wait until the outbox worker has delivered (or given up on) every queued row."""
        async with asyncio.timeout(timeout):
            while self.query("SELECT 1 FROM outbox WHERE state = 'pending' LIMIT 1"):
                await asyncio.sleep(0.01)

    # ------------------------------------------------------------- talking to it
    async def send(self, payload: dict) -> Interaction:
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return Interaction(self.fake, payload)

    async def command(
        self,
        path: str,
        *,
        user: User,
        locale: str = "en-US",
        channel: Channel | None = None,
        in_guild: bool = True,
        options: dict[str, Any] | None = None,
        **more: Any,
    ) -> Interaction:
        """Type ``/path option:value ...`` as ``user``. Options go as keywords, or in
        ``options`` where one is named like a keyword here (``user``)."""
        data = command_data(self.fake, path, {**(options or {}), **more})
        if not in_guild:
            data.pop("guild_id", None)
        return await self.send(
            envelope(self.fake, 2, user, data, locale=locale, channel=channel, in_guild=in_guild)
        )

    async def click(
        self, message: Message | dict, custom_id: str, *, user: User, locale: str = "en-US"
    ) -> Interaction:
        """Press the button ``custom_id`` on ``message``, as ``user``."""
        payload = message.data if isinstance(message, Message) else message
        if custom_id not in custom_ids(payload):
            raise NotLikeDiscord(f"{custom_id!r} is not a component of that message")
        if any(
            c.get("custom_id") == custom_id and c.get("disabled")
            for row in payload.get("components") or []
            for c in row.get("components") or []
        ):
            raise NotLikeDiscord(f"{custom_id!r} is disabled: Discord would not send the click")
        channel_id = int(payload["channel_id"])
        in_dm = channel_id in self.fake.dm_channels
        channel = next((c for c in self.world.guild.channels if c.id == channel_id), None)
        data = envelope(
            self.fake,
            3,
            user,
            component_data(custom_id),
            locale=locale,
            channel=channel,
            in_guild=not in_dm,
        )
        if in_dm:  # the click comes from the direct message the button is in
            data["channel_id"] = data["channel"]["id"] = str(channel_id)
        data["message"] = payload
        return await self.send(data)

    async def submit_modal(
        self,
        modal: dict,
        values: dict[str, ModalValue],
        *,
        user: User,
        locale: str = "en-US",
        in_guild: bool = True,
    ) -> Interaction:
        """Fill in and submit ``modal`` (as the bot opened it) as ``user``; ``in_guild=False``
        for a modal opened from a direct message."""
        fields = custom_ids(modal)
        unknown = set(values) - set(fields)
        if unknown:
            raise NotLikeDiscord(f"the modal has no inputs {unknown}")
        filled: dict[str, ModalValue] = {}
        for key in fields:
            spec = _input(modal, key)
            if spec.get("type") != 4:  # a file upload, a checkbox: sent only when given
                if key in values:
                    filled[key] = values[key]
                continue
            value = values.get(key, spec.get("value") or "")
            assert isinstance(value, str)
            if len(value) > spec.get("max_length", 4000):
                raise NotLikeDiscord(f"{key} is longer than its max_length")
            if spec.get("required", True) and not value:
                raise NotLikeDiscord(f"{key} is required")
            filled[key] = value
        data = modal_data(modal["custom_id"], filled, self.fake)
        return await self.send(envelope(self.fake, 5, user, data, locale=locale, in_guild=in_guild))

    async def autocomplete(
        self, path: str, option: str, typed: str, *, user: User, locale: str = "en-US"
    ) -> list[dict]:
        """Type ``typed`` into ``option`` of ``/path``; return the choices the bot offers."""
        data = command_data(self.fake, path, {option: typed}, focused=option)
        interaction = await self.send(envelope(self.fake, 4, user, data, locale=locale))
        callback = await interaction.callback()
        assert callback.body["type"] == 8, callback.body
        return callback.body["data"]["choices"]

    async def ask(
        self,
        path: str,
        *,
        user: User,
        locale: str = "en-US",
        options: dict[str, Any] | None = None,
        **more: Any,
    ) -> Message:
        """Run a command and return the answer the user sees."""
        command = await self.command(path, user=user, locale=locale, options=options, **more)
        return await command.reply()


def _input(modal: dict, custom_id: str) -> dict:
    """The text input ``custom_id`` of a modal, as the bot described it."""
    found: list[dict] = []

    def walk(components: list[dict]) -> None:
        for component in components:
            if component.get("custom_id") == custom_id:
                found.append(component)
            walk(component.get("components") or [])
            if "component" in component:
                walk([component["component"]])

    walk(modal.get("components") or [])
    return found[0]


REFERENCE = re.compile(r"\b[0-9A-F]{8}\b")
