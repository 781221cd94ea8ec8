"""INTERACTION_CREATE payloads, built the way Discord builds them: from the command set the bot
synced, with option types, required options, choices and ranges enforced before the bot
sees them."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from fake_discord.models import Channel, Guild, Role, User, snowflake
from fake_discord.server import FakeDiscord

_tokens = itertools.count(1)

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 10, 11


class NotLikeDiscord(ValueError):
    """The test asked for an interaction that real Discord would never send."""


@dataclass
class Attachment:
    filename: str
    data: bytes
    content_type: str = "text/csv"


def envelope(
    fake: FakeDiscord,
    kind: int,
    user: User,
    data: dict,
    *,
    locale: str = "en-US",
    channel: Channel | None = None,
    in_guild: bool = True,
    guild: Guild | None = None,
) -> dict:
    """An interaction from ``user`` in ``guild`` (the world's own by default)."""
    guild = guild or fake.world.guild
    token = f"token-{next(_tokens)}"
    payload: dict[str, Any] = {
        "id": str(snowflake()),
        "application_id": str(fake.application_id),
        "type": kind,
        "token": token,
        "version": 1,
        "locale": locale,
        "data": data,
        "entitlements": [],
        "attachment_size_limit": 26_214_400,
    }
    if in_guild:
        channel = channel or guild.channel("general")
        member = guild.member(user)
        bot_member = guild.member(fake.world.bot_user)
        payload.update(
            {
                "guild_id": str(guild.id),
                "guild_locale": guild.locale,
                "channel_id": str(channel.id),
                "channel": channel.payload(),
                "member": {
                    **member.payload(),
                    "permissions": str(guild.permissions(member, channel).value),
                },
                "app_permissions": str(guild.permissions(bot_member, channel).value),
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 0,
            }
        )
    else:
        dm_id = snowflake()
        payload.update(
            {
                "channel_id": str(dm_id),
                "channel": {"id": str(dm_id), "type": 1},
                "user": user.payload(),
                "app_permissions": "0",
                "authorizing_integration_owners": {"0": str(guild.id)},
                "context": 1,
            }
        )
    fake.interactions[token] = payload
    return payload


def _encode(fake: FakeDiscord, spec: dict, value: Any, resolved: dict) -> Any:
    kind = spec["type"]
    guild = fake.world.guild
    if kind == USER:
        if not isinstance(value, User):
            raise NotLikeDiscord(f"{spec['name']} takes a user")
        resolved.setdefault("users", {})[str(value.id)] = value.payload()
        member = next((m for m in guild.members if m.user.id == value.id), None)
        if member is not None:
            resolved.setdefault("members", {})[str(value.id)] = {
                **member.payload(with_user=False),
                "permissions": str(guild.permissions(member).value),
            }
        return str(value.id)
    if kind == CHANNEL:
        if not isinstance(value, Channel):
            raise NotLikeDiscord(f"{spec['name']} takes a channel")
        types = spec.get("channel_types")
        if types and value.type not in types:
            raise NotLikeDiscord(f"{spec['name']} does not take channels of type {value.type}")
        resolved.setdefault("channels", {})[str(value.id)] = {
            "id": str(value.id),
            "name": value.name,
            "type": value.type,
            "guild_id": str(guild.id),
            "permissions": str(discord_all()),
            "parent_id": None,
            "flags": 0,
        }
        return str(value.id)
    if kind == ROLE:
        if not isinstance(value, Role):
            raise NotLikeDiscord(f"{spec['name']} takes a role")
        resolved.setdefault("roles", {})[str(value.id)] = value.payload()
        return str(value.id)
    if kind == ATTACHMENT:
        if not isinstance(value, Attachment):
            raise NotLikeDiscord(f"{spec['name']} takes an attachment")
        return upload(fake, value, resolved.setdefault("attachments", {}))
    if kind in (INTEGER, NUMBER):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise NotLikeDiscord(f"{spec['name']} takes a number")
        if "min_value" in spec and value < spec["min_value"]:
            raise NotLikeDiscord(f"{spec['name']} below its minimum")
        if "max_value" in spec and value > spec["max_value"]:
            raise NotLikeDiscord(f"{spec['name']} above its maximum")
    if kind == STRING:
        value = str(value)
        if "max_length" in spec and len(value) > spec["max_length"]:
            raise NotLikeDiscord(f"{spec['name']} longer than its maximum")
    if spec.get("choices") and value not in [c["value"] for c in spec["choices"]]:
        raise NotLikeDiscord(f"{value!r} is not a choice of {spec['name']}")
    return value


def discord_all() -> int:
    return (1 << 53) - 1


def command_data(
    fake: FakeDiscord, path: str, options: dict[str, Any], focused: str | None = None
) -> dict:
    """The ``data`` of a slash command (or its autocomplete when ``focused`` names an option)."""
    names = path.split()
    definition = fake.commands.get(names[0])
    if definition is None:
        raise NotLikeDiscord(f"/{names[0]} was never synced, so Discord would not offer it")
    data: dict[str, Any] = {"id": definition["id"], "name": names[0], "type": 1}
    if "guild_id" in definition:
        data["guild_id"] = definition["guild_id"]
    spec_options, holder = definition.get("options", []), data
    for name in names[1:]:
        spec = next(
            (
                o
                for o in spec_options
                if o["name"] == name and o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)
            ),
            None,
        )
        if spec is None:
            raise NotLikeDiscord(f"/{path}: no subcommand {name!r}")
        child = {"type": spec["type"], "name": name, "options": []}
        holder.setdefault("options", []).append(child)
        holder, spec_options = child, spec.get("options", [])
    resolved: dict[str, Any] = {}
    given = []
    known = {o["name"]: o for o in spec_options}
    for name, value in options.items():
        if name not in known:
            raise NotLikeDiscord(f"/{path} has no option {name!r}")
        if value is None:
            continue
        spec = known[name]
        if name == focused:
            given.append({"type": spec["type"], "name": name, "value": str(value), "focused": True})
        else:
            given.append(
                {"type": spec["type"], "name": name, "value": _encode(fake, spec, value, resolved)}
            )
    if focused is None:
        missing = [
            o["name"] for o in spec_options if o.get("required") and o["name"] not in options
        ]
        if missing:
            raise NotLikeDiscord(f"/{path} needs {missing}")
    holder["options"] = given
    if resolved:
        data["resolved"] = resolved
    return data


def component_data(
    custom_id: str, component_type: int = 2, values: list[str] | None = None
) -> dict:
    """A click on a button, or (with ``values``) the options chosen in a select of a message."""
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": component_type}
    if values is not None:
        data["values"] = values
    return data


ModalValue = str | bool | list[str] | list[Attachment]


def modal_data(
    custom_id: str, values: dict[str, ModalValue], fake: FakeDiscord | None = None
) -> dict:
    """A modal submission, each value inside a label as Discord sends them now: a string from a
    text input, a bool from a checkbox, a list of strings from a checkbox group, and a list of
    :class:`Attachment` from a file upload, whose ids the values carry; the files themselves
    go in ``data.resolved.attachments`` and onto ``fake``'s CDN (which uploads need)."""
    resolved: dict[str, dict] = {}
    labels = []
    for index, (key, value) in enumerate(values.items(), start=1):
        component: dict[str, Any] = {"id": index * 2 + 1, "custom_id": key}
        if isinstance(value, str):
            component.update(type=4, value=value)
        elif isinstance(value, bool):
            component.update(type=23, value=value)
        elif all(isinstance(v, Attachment) for v in value) and value:
            if fake is None:
                raise NotLikeDiscord("uploaded files need the fake Discord that serves them")
            component.update(type=19, values=[upload(fake, v, resolved) for v in value])
        else:
            component.update(type=22, values=[str(v) for v in value])
        labels.append({"type": 18, "id": index * 2, "component": component})
    data: dict[str, Any] = {"custom_id": custom_id, "components": labels}
    if resolved:
        data["resolved"] = {"attachments": resolved}
    return data


def upload(fake: FakeDiscord, file: Attachment, resolved: dict[str, dict]) -> str:
    """Put ``file`` on the fake CDN as a user's upload; its id, described in ``resolved``."""
    attachment_id = snowflake()
    path = f"/attachments/{attachment_id}/{file.filename}"
    fake.files[path] = file.data
    resolved[str(attachment_id)] = {
        "id": str(attachment_id),
        "filename": file.filename,
        "size": len(file.data),
        "url": f"https://cdn.discordapp.com{path}",
        "proxy_url": f"https://cdn.discordapp.com{path}",
        "content_type": file.content_type,
    }
    return str(attachment_id)


def custom_ids(message: dict) -> list[str]:
    """Every custom_id in a message's (or modal's) components, in order."""
    found: list[str] = []

    def walk(components: list[dict]) -> None:
        for component in components:
            if "custom_id" in component:
                found.append(component["custom_id"])
            walk(component.get("components") or [])
            if "component" in component:
                walk([component["component"]])

    walk(message.get("components") or [])
    return found
