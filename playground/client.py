"""What Discord's app does for the people at the page.

Out: a person's command, autocomplete, click or form becomes the interaction Discord would send,
built with the stand-in's own builders (fake_discord.interactions, as the e2e tests build them),
so the bot cannot tell the page from Discord. What Discord's app itself refuses to send (a missing
required option, a choice that is not offered, a text longer than its field) is refused here too,
with the reason; everything Discord would pass on reaches the bot, forged ids and huge texts
included, and gets the bot's own answer.

In: what Discord shows each person: the channels they can see, the messages in them (an
ephemeral reply only to the person it answers), their direct messages, and the commands they may
use where they are.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fake_discord.interactions import (
    ATTACHMENT,
    BOOLEAN,
    CHANNEL,
    INTEGER,
    NUMBER,
    ROLE,
    STRING,
    SUB_COMMAND,
    SUB_COMMAND_GROUP,
    USER,
    Attachment,
    NotLikeDiscord,
    command_data,
    component_data,
    envelope,
    upload,
)
from fake_discord.models import Channel, Member, User, World
from fake_discord.server import Call, FakeDiscord
from playground import cast

# Discord's locales for the page's two languages.
LOCALES = {"en": "en-US", "ja": "ja"}
ANSWER_WITHIN = 3.0  # after this, Discord's app says the application did not respond
EPHEMERAL = 64
COMMAND, COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
CALLBACK_MODAL, CALLBACK_CHOICES = 9, 8
BUTTON, STRING_SELECT, TEXT_INPUT, LABEL = 2, 3, 4, 18
FILE_UPLOAD, RADIO_GROUP, CHECKBOX_GROUP, CHECKBOX = 19, 21, 22, 23
TEXT_INPUT_MAX = 4000  # Discord's limit when a text input names none
OPEN_MODALS_KEPT = 200  # forms opened and not yet sent (Discord forgets them after 15 minutes)


class Refused(Exception):
    """Discord's app (or its API) would not send this. ``key`` names the page's explanation in
    its own table of texts (TEXTS in playground/static/app.js); ``detail`` says what exactly."""

    def __init__(self, key: str, detail: str = "") -> None:
        super().__init__(f"{key}: {detail}" if detail else key)
        self.key = key
        self.detail = detail


@dataclass
class Outcome:
    """What Discord's app does once the bot answered: open a form, offer choices, or nothing
    more (the answer arrives as a message); ``late`` when the bot did not answer in time."""

    modal: dict | None = None
    choices: list[dict] | None = None
    late: bool = False

    def payload(self) -> dict:
        return {"modal": self.modal, "choices": self.choices, "late": self.late}


@dataclass
class OpenModal:
    person: str
    channel_id: int
    modal: dict


@dataclass
class Upload:
    """A file a person chose in the page, as the browser sent it."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"


@dataclass
class Client:
    fake: FakeDiscord
    since: int = 0  # messages from before the page opened (the office's set-up) are not shown
    _modals: OrderedDict[str, OpenModal] = field(default_factory=OrderedDict)

    @property
    def world(self) -> World:
        return self.fake.world

    # ------------------------------------------------------------- who and where
    def person(self, key: str) -> User:
        try:
            return cast.person(self.world, key)
        except KeyError:
            raise Refused("refused.person", key) from None

    def member(self, user: User) -> Member:
        return self.world.guild.member(user)

    def channels(self, key: str) -> list[dict]:
        """The text channels ``key`` can see, then their direct messages with the bot."""
        user = self.person(key)
        guild = self.world.guild
        shown = [
            {"id": str(c.id), "name": c.name, "dm": False, "commands": self._usable(user, c)}
            for c in sorted(guild.channels, key=lambda c: c.position)
            if guild.permissions(self.member(user), c).view_channel
        ]
        dm = self.fake.dm_channel(user)
        bot = self.world.bot_user
        shown.append(
            {"id": str(dm), "name": bot.name, "dm": True, "commands": self._usable(user, None)}
        )
        return shown

    def _channel(self, user: User, channel_id: str | int) -> Channel | None:
        """The guild channel ``channel_id`` if ``user`` can see it; None for their DM with the
        bot; refused for anything else."""
        try:
            wanted = int(channel_id)
        except (TypeError, ValueError):
            raise Refused("refused.channel", str(channel_id)) from None
        if wanted == self.fake.dm_channel(user):
            return None
        guild = self.world.guild
        for channel in guild.channels:
            if channel.id == wanted and guild.permissions(self.member(user), channel).view_channel:
                return channel
        raise Refused("refused.channel", str(channel_id))

    def _usable(self, user: User, channel: Channel | None) -> list[str]:
        """The commands Discord's app offers ``user`` in ``channel`` (None: their DM): those
        allowed in that context, and whose default permissions the user holds."""
        names = []
        for name, command in self.fake.commands.items():
            contexts = command.get("contexts")
            if channel is None:
                if (contexts is not None and 1 not in contexts) or not command.get(
                    "dm_permission", True
                ):
                    continue
            else:
                if contexts is not None and 0 not in contexts:
                    continue
                needed = command.get("default_member_permissions")
                held = self.world.guild.permissions(self.member(user), channel).value
                if needed is not None and int(needed) & ~held:
                    continue
            names.append(name)
        return sorted(names)

    # ------------------------------------------------------------- what each person sees
    def owner(self, message: dict) -> int | None:
        """The user whose interaction this message answers, if it answers one."""
        interaction = self.fake.interactions.get(message.get("interaction_token") or "")
        if interaction is None:
            return None
        who = (interaction.get("member") or {}).get("user") or interaction.get("user") or {}
        return int(who["id"]) if "id" in who else None

    def messages(self, key: str, channel_id: str) -> list[dict]:
        """The messages of a channel as ``key`` sees them, oldest first."""
        user = self.person(key)
        self._channel(user, channel_id)  # refuses a channel they cannot see
        wanted = str(int(channel_id))
        shown = [
            m
            for m in self.fake.messages.values()
            if m["channel_id"] == wanted and int(m["id"]) >= self.since
        ]
        # Discord shows an interaction's first follow-up in place of its "thinking..." message.
        followed = {m["interaction_token"] for m in shown if m.get("followup")}
        views = []
        for message in shown:
            owner = self.owner(message)
            ephemeral = bool((message.get("flags") or 0) & EPHEMERAL)
            if ephemeral and owner != user.id:
                continue
            if message.get("deferred") and message.get("interaction_token") in followed:
                continue
            views.append(self._view(message, ephemeral))
        return views

    def _view(self, message: dict, ephemeral: bool) -> dict:
        view = {
            key: message.get(key)
            for key in (
                "id",
                "content",
                "embeds",
                "components",
                "attachments",
                "timestamp",
                "edited_timestamp",
            )
        }
        view["author"] = message["author"].get("username")
        view["ephemeral"] = ephemeral
        view["thinking"] = bool(message.get("deferred"))
        view["used"] = self._used(message)
        return view

    def _used(self, message: dict) -> dict | None:
        """ "Hanako used /trip log", as Discord heads the answer to a command."""
        interaction = self.fake.interactions.get(message.get("interaction_token") or "")
        if interaction is None or interaction["type"] != COMMAND:
            return None
        data = interaction["data"]
        names, holder = [data["name"]], data
        while (options := holder.get("options")) and options[0]["type"] in (
            SUB_COMMAND,
            SUB_COMMAND_GROUP,
        ):
            holder = options[0]
            names.append(holder["name"])
        owner = self.owner(message)
        return {"user": str(owner) if owner else None, "command": names}

    def directory(self) -> dict:
        """Names for mentions: users, roles, channels, and the bot's commands (with their
        localisations) as it synced them."""
        guild = self.world.guild
        return {
            "users": {
                str(m.user.id): m.nick or m.user.payload()["global_name"] for m in guild.members
            },
            "roles": {str(r.id): r.name for r in guild.roles if r.id != guild.id},
            "channels": {str(c.id): c.name for c in guild.channels},
            "commands": list(self.fake.commands.values()),
            "bot": {"id": str(self.world.bot_user.id), "name": self.world.bot_user.name},
        }

    # ------------------------------------------------------------- a person acts
    async def command(
        self,
        key: str,
        language: str,
        channel_id: str,
        path: str,
        options: dict[str, Any],
        files: dict[str, Upload] | None = None,
    ) -> Outcome:
        """``/path option:value ...`` typed by ``key`` in ``channel_id``."""
        user = self.person(key)
        channel = self._channel(user, channel_id)
        if path.split(" ")[0] not in self._usable(user, channel):
            raise Refused("refused.command", path)
        specs = self._option_specs(path)
        values = {
            name: self._value(specs.get(name), name, value, files or {})
            for name, value in options.items()
        }
        data = self._build(command_data, path, values)
        if channel is None:
            data.pop("guild_id", None)
        return await self._send(key, self._envelope(COMMAND, user, data, language, channel_id))

    async def autocomplete(
        self,
        key: str,
        language: str,
        channel_id: str,
        path: str,
        options: dict[str, Any],
        focused: str,
    ) -> list[dict]:
        """The choices the bot offers while ``key`` types into ``focused``; the other options
        go along as far as they are valid, as Discord's app sends them."""
        user = self.person(key)
        channel = self._channel(user, channel_id)
        if path.split(" ")[0] not in self._usable(user, channel):
            raise Refused("refused.command", path)
        specs = self._option_specs(path)
        values: dict[str, Any] = {focused: str(options.get(focused) or "")}
        for name, value in options.items():
            if name != focused and name in specs and specs[name]["type"] != ATTACHMENT:
                try:
                    values[name] = self._value(specs[name], name, value, {})
                except Refused:
                    continue
        data = self._build(command_data, path, values, focused=focused)
        payload = self._envelope(AUTOCOMPLETE, user, data, language, channel_id)
        outcome = await self._send(key, payload)
        return outcome.choices or []

    async def click(
        self,
        key: str,
        language: str,
        message_id: str,
        custom_id: str,
        values: list[str] | None = None,
    ) -> Outcome:
        """A press on a button (or a choice in a select) of a message ``key`` can see. Discord
        accepts only a component the message carries, so any other custom_id is refused; one
        the message carries goes to the bot as it is, however old or forged its content."""
        user = self.person(key)
        message = self._visible_message(key, message_id)
        component = next(
            (c for c in _walk(message.get("components") or []) if c.get("custom_id") == custom_id),
            None,
        )
        if component is None:
            raise Refused("refused.discord", f"the message has no component {custom_id[:100]!r}")
        kind = component["type"]
        if component.get("disabled"):
            raise Refused("refused.disabled", custom_id)
        if kind == STRING_SELECT:
            values = _chosen(component, values)
        data = component_data(custom_id, kind, values if kind != BUTTON else None)
        payload = self._envelope(COMPONENT, user, data, language, message["channel_id"])
        payload["message"] = message
        return await self._send(key, payload)

    async def submit(
        self,
        key: str,
        language: str,
        token: str,
        answers: dict[str, Any],
        files: dict[str, list[Upload]] | None = None,
    ) -> Outcome:
        """Send the form the bot opened for ``key`` (``token`` names it), filled in."""
        user = self.person(key)
        opened = self._modals.get(token)
        if opened is None or opened.person != key:
            raise Refused("refused.modal", token)
        data = self._fill(opened.modal, answers, files or {})
        self._modals.pop(token, None)
        payload = self._envelope(MODAL_SUBMIT, user, data, language, opened.channel_id)
        return await self._send(key, payload)

    # ------------------------------------------------------------- building interactions
    def _build(self, builder: Any, *args: Any, **kwargs: Any) -> dict:
        try:
            return builder(self.fake, *args, **kwargs)
        except NotLikeDiscord as error:
            raise Refused("refused.discord", str(error)) from None

    def _option_specs(self, path: str) -> dict[str, dict]:
        """The options of ``/path`` as the bot synced them, by name."""
        names = path.split(" ")
        definition = self.fake.commands.get(names[0])
        if definition is None:
            raise Refused("refused.command", path)
        options = definition.get("options") or []
        for name in names[1:]:
            holder = next(
                (
                    o
                    for o in options
                    if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
                ),
                None,
            )
            if holder is None:
                raise Refused("refused.command", path)
            options = holder.get("options") or []
        return {o["name"]: o for o in options}

    def _value(self, spec: dict | None, name: str, value: Any, files: dict[str, Upload]) -> Any:
        """An option's value from the page (text, a number, or the id of a user, channel or
        role picked from a list), as Discord's app would send it."""
        if spec is None:
            raise Refused("refused.discord", f"no option {name!r}")
        kind = spec["type"]
        guild = self.world.guild
        if kind == ATTACHMENT:
            sent = files.get(name)
            if sent is None:
                raise Refused("refused.discord", f"{name} needs a file")
            return Attachment(sent.filename, sent.data, sent.content_type)
        text = str(value).strip() if not isinstance(value, bool) else value
        if kind == USER:
            found = next((m.user for m in guild.members if str(m.user.id) == text), None)
        elif kind == CHANNEL:
            found = next((c for c in guild.channels if str(c.id) == text), None)
        elif kind == ROLE:
            found = next((r for r in guild.roles if str(r.id) == text), None)
        elif kind == BOOLEAN:
            found = {"true": True, "false": False, True: True, False: False}.get(text)
        elif kind in (INTEGER, NUMBER):
            try:
                found = int(text) if kind == INTEGER else float(text)
            except ValueError:
                found = None
        else:
            found = str(value)
            if kind == STRING and len(found) < spec.get("min_length", 0):
                raise Refused("refused.discord", f"{name} shorter than its minimum")
        if found is None:
            raise Refused("refused.discord", f"{name}: {str(value)[:40]!r}")
        return found

    def _fill(self, modal: dict, answers: dict[str, Any], files: dict[str, list[Upload]]) -> dict:
        """A modal's submission, each field filled as Discord's app sends it: text inputs with
        their text, selects and checkbox groups with the chosen values, a radio group with one,
        a checkbox with true or false, a file upload with the ids of files uploaded to the CDN
        (described in ``data.resolved.attachments``). What the app would not send is refused."""
        fields = [
            c
            for c in _walk(modal.get("components") or [])
            if "custom_id" in c and c.get("type") != BUTTON
        ]
        by_id = {c["custom_id"]: c for c in fields}
        unknown = (set(answers) | set(files)) - set(by_id)
        if unknown:
            raise Refused("refused.discord", f"the form has no fields {sorted(unknown)}")
        resolved: dict[str, Any] = {}
        submitted = []
        for index, spec in enumerate(fields, start=1):
            custom_id = spec["custom_id"]
            value = _field_value(self.fake, spec, answers.get(custom_id), files, resolved)
            submitted.append(
                {
                    "type": LABEL,
                    "id": index * 2,
                    "component": {
                        "type": spec["type"],
                        "id": index * 2 + 1,
                        "custom_id": custom_id,
                        **value,
                    },
                }
            )
        data: dict[str, Any] = {"custom_id": modal["custom_id"], "components": submitted}
        if resolved:
            data["resolved"] = resolved
        return data

    def _envelope(
        self, kind: int, user: User, data: dict, language: str, channel_id: str | int
    ) -> dict:
        locale = LOCALES.get(language)
        if locale is None:
            raise Refused("refused.language", language)
        channel = self._channel(user, channel_id)
        if channel is not None:
            return envelope(self.fake, kind, user, data, locale=locale, channel=channel)
        payload = envelope(self.fake, kind, user, data, locale=locale, in_guild=False)
        payload["channel_id"] = payload["channel"]["id"] = str(int(channel_id))
        return payload

    async def _send(self, key: str, payload: dict) -> Outcome:
        """Send an interaction to the bot; wait for its first answer as long as Discord does."""
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        ending = f"/{payload['token']}/callback"

        def answered(call: Call) -> bool:
            return call.method == "POST" and call.path.endswith(ending)

        try:
            call = await self.fake.wait_for_call(answered, ANSWER_WITHIN)
        except TimeoutError:
            return Outcome(late=True)
        body = call.body or {}
        if body.get("type") == CALLBACK_MODAL:
            return Outcome(modal=self._opened(key, payload, body["data"]))
        if body.get("type") == CALLBACK_CHOICES:
            return Outcome(choices=(body.get("data") or {}).get("choices") or [])
        return Outcome()

    def _opened(self, key: str, payload: dict, modal: dict) -> dict:
        """Keep a form the bot opened until it is sent; the page gets it with a token."""
        token = secrets.token_urlsafe(12)
        self._modals[token] = OpenModal(key, int(payload["channel_id"]), modal)
        while len(self._modals) > OPEN_MODALS_KEPT:
            self._modals.popitem(last=False)
        return {"token": token, **modal}

    def _visible_message(self, key: str, message_id: str) -> dict:
        try:
            message = self.fake.messages.get(int(message_id))
        except (TypeError, ValueError):
            message = None
        if message is None:
            raise Refused("refused.message", str(message_id))
        ids = {m["id"] for m in self.messages(key, message["channel_id"])}
        if message["id"] not in ids:
            raise Refused("refused.message", str(message_id))
        return message


def _walk(components: list[dict]) -> Iterator[dict]:
    """Every component inside rows, labels and containers, depth first."""
    for component in components:
        if not isinstance(component, dict):
            continue
        yield component
        yield from _walk(component.get("components") or [])
        if isinstance(component.get("component"), dict):
            yield from _walk([component["component"]])


def _chosen(select: dict, values: list[str] | None) -> list[str]:
    """The options chosen in a string select, checked as Discord's app checks them."""
    chosen = [str(v) for v in values or []]
    offered = {o["value"] for o in select.get("options") or []}
    lowest, highest = select.get("min_values", 1), select.get("max_values", 1)
    if not set(chosen) <= offered or not lowest <= len(chosen) <= highest:
        raise Refused("refused.discord", f"not a choice of {select.get('custom_id')}")
    return chosen


def _field_value(
    fake: FakeDiscord,
    spec: dict,
    answer: Any,
    files: dict[str, list[Upload]],
    resolved: dict[str, Any],
) -> dict[str, Any]:
    """One field of a modal as submitted (its ``value`` or ``values``), checked as Discord's
    app checks it before sending."""
    custom_id, kind = spec["custom_id"], spec["type"]
    required = spec.get("required", True)
    if kind == TEXT_INPUT:
        text = spec.get("value") or "" if answer is None else answer
        if not isinstance(text, str):
            raise Refused("refused.discord", f"{custom_id} takes text")
        if len(text) > spec.get("max_length", TEXT_INPUT_MAX):
            raise Refused("refused.discord", f"{custom_id} is longer than its max_length")
        if required and not text:
            raise Refused("refused.discord", f"{custom_id} is required")
        if text and len(text) < spec.get("min_length", 0):
            raise Refused("refused.discord", f"{custom_id} is shorter than its min_length")
        return {"value": text}
    if kind == CHECKBOX:
        checked = spec.get("default", False) if answer is None else answer
        if not isinstance(checked, bool):
            raise Refused("refused.discord", f"{custom_id} is checked or not")
        return {"value": checked}
    if kind == FILE_UPLOAD:
        uploads = files.get(custom_id) or []
        lowest = spec.get("min_values", 1 if required else 0)
        if not lowest <= len(uploads) <= spec.get("max_values", 1):
            raise Refused("refused.discord", f"{custom_id} takes another number of files")
        # Each file goes onto the stand-in's CDN, as Discord's app uploads it.
        attachments = resolved.setdefault("attachments", {})
        ids = [
            upload(fake, Attachment(u.filename, u.data, u.content_type), attachments)
            for u in uploads
        ]
        return {"values": ids}
    if kind in (STRING_SELECT, CHECKBOX_GROUP, RADIO_GROUP):
        chosen = [] if answer is None else answer if isinstance(answer, list) else [answer]
        offered = {o["value"] for o in spec.get("options") or []}
        if kind == RADIO_GROUP:
            if not set(chosen) <= offered or len(chosen) > 1 or (required and not chosen):
                raise Refused("refused.discord", f"not a choice of {custom_id}")
            return {"value": chosen[0] if chosen else None}
        lowest = spec.get("min_values", 1 if required else 0)
        if not set(chosen) <= offered or not lowest <= len(chosen) <= spec.get("max_values", 1):
            raise Refused("refused.discord", f"not a choice of {custom_id}")
        return {"values": [str(v) for v in chosen]}
    raise Refused("refused.unsupported", str(kind))
