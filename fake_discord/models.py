"""The fake Discord's world: users, roles, channels and a guild, and their wire payloads."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

_snowflakes = itertools.count(1_100_000_000_000_000_000)


def snowflake() -> int:
    return next(_snowflakes)


EVERYONE_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    read_message_history=True,
    use_application_commands=True,
    embed_links=True,
    attach_files=True,
)
BOT_PERMISSIONS = discord.Permissions(
    view_channel=True,
    send_messages=True,
    embed_links=True,
    attach_files=True,
    read_message_history=True,
    manage_roles=True,
    manage_messages=True,
)


@dataclass
class User:
    name: str
    id: int = field(default_factory=snowflake)
    bot: bool = False
    dm_open: bool = True

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }


@dataclass
class Role:
    name: str
    permissions: discord.Permissions = field(default_factory=discord.Permissions.none)
    position: int = 1
    managed: bool = False
    id: int = field(default_factory=snowflake)

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "permissions": str(self.permissions.value),
            "position": self.position,
            "color": 0,
            "colors": {"primary_color": 0},
            "hoist": False,
            "managed": self.managed,
            "mentionable": True,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"


@dataclass
class Overwrite:
    target_id: int
    is_role: bool
    allow: discord.Permissions = field(default_factory=discord.Permissions.none)
    deny: discord.Permissions = field(default_factory=discord.Permissions.none)

    def payload(self) -> dict:
        return {
            "id": str(self.target_id),
            "type": 0 if self.is_role else 1,
            "allow": str(self.allow.value),
            "deny": str(self.deny.value),
        }


@dataclass
class Channel:
    name: str
    guild_id: int
    type: int = 0
    position: int = 0
    overwrites: list[Overwrite] = field(default_factory=list)
    id: int = field(default_factory=snowflake)

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "nsfw": False,
            "topic": None,
            "permission_overwrites": [o.payload() for o in self.overwrites],
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"


@dataclass
class Member:
    user: User
    roles: list[Role] = field(default_factory=list)
    nick: str | None = None

    @property
    def id(self) -> int:
        return self.user.id

    def payload(self, *, with_user: bool = True) -> dict:
        data = {
            "roles": [str(r.id) for r in self.roles],
            "joined_at": "2024-04-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": self.nick,
            "avatar": None,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.payload()
        return data


@dataclass
class Guild:
    name: str
    owner: User
    id: int = field(default_factory=snowflake)
    roles: list[Role] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)
    locale: str = "ja"

    @property
    def everyone(self) -> Role:
        return next(r for r in self.roles if r.id == self.id)

    def member(self, user: User) -> Member:
        return next(m for m in self.members if m.user.id == user.id)

    def find_member(self, user_id: int) -> Member | None:
        return next((m for m in self.members if m.user.id == user_id), None)

    def channel(self, name: str) -> Channel:
        return next(c for c in self.channels if c.name == name)

    def role(self, name: str) -> Role:
        return next(r for r in self.roles if r.name == name)

    def permissions(self, member: Member, channel: Channel | None = None) -> discord.Permissions:
        """Discord's permission arithmetic, enough of it for the tests."""
        if member.user.id == self.owner.id:
            return discord.Permissions.all()
        value = self.everyone.permissions.value
        for role in member.roles:
            value |= role.permissions.value
        if value & discord.Permissions(administrator=True).value:
            return discord.Permissions.all()
        if channel is not None:
            role_ids = {r.id for r in member.roles}
            ordered = sorted(
                channel.overwrites, key=lambda o: (o.target_id != self.id, not o.is_role)
            )
            for overwrite in ordered:
                applies = (
                    overwrite.is_role
                    and (overwrite.target_id == self.id or overwrite.target_id in role_ids)
                ) or (not overwrite.is_role and overwrite.target_id == member.user.id)
                if applies:
                    value = (value & ~overwrite.deny.value) | overwrite.allow.value
        return discord.Permissions(value)

    def payload(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "owner_id": str(self.owner.id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "roles": [r.payload() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "features": [],
            "mfa_level": 0,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "vanity_url_code": None,
            "description": None,
            "banner": None,
            "premium_tier": 0,
            "preferred_locale": self.locale,
            "public_updates_channel_id": None,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "unavailable": False,
            "member_count": len(self.members),
            "large": False,
            "joined_at": "2024-04-01T00:00:00+00:00",
            "channels": [c.payload() for c in self.channels],
            "threads": [],
            "members": [m.payload() for m in self.members],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }


def association_guild(name: str, bot_user: User, people: dict[str, User]) -> Guild:
    """An association's server: its roles (staff, member, the bot's own), its channels (general,
    moderation for staff only, announcements, one the bot cannot write in), and ``people``:
    ``owner``, ``admin``, ``staff``, and whoever else is given, with the member role for names
    that start with ``member``."""
    guild = Guild(name, owner=people["owner"])
    everyone = Role("@everyone", EVERYONE_PERMISSIONS, position=0, id=guild.id)
    admin_role = Role("Admin", discord.Permissions(manage_guild=True), position=5)
    staff_role = Role("Staff", position=3)
    member_role = Role("Member", position=1)
    bot_role = Role(bot_user.name, BOT_PERMISSIONS, position=4, managed=True)
    above_bot = Role("Moderator", position=6)
    guild.roles = [everyone, member_role, staff_role, bot_role, admin_role, above_bot]

    private = discord.Permissions(view_channel=True)
    guild.channels = [
        Channel("general", guild.id, position=0),
        Channel(
            "moderation",
            guild.id,
            position=1,
            overwrites=[
                Overwrite(guild.id, True, deny=private),
                Overwrite(staff_role.id, True, allow=private),
                Overwrite(bot_role.id, True, allow=private),
            ],
        ),
        Channel("announcements", guild.id, position=2),
        Channel(
            "read-only",
            guild.id,
            position=3,
            overwrites=[
                Overwrite(bot_role.id, True, deny=discord.Permissions(send_messages=True)),
            ],
        ),
    ]
    roles = {"owner": [admin_role], "admin": [admin_role], "staff": [staff_role]}
    guild.members = [Member(bot_user, [bot_role])] + [
        Member(user, roles.get(key, [member_role] if key.startswith("member") else []))
        for key, user in people.items()
    ]
    return guild


@dataclass
class World:
    """An association's server as the tests know it: who is who, and where. ``more_guilds`` are
    other servers the same bot is in (the benchmark's hundreds of associations)."""

    bot_user: User
    guild: Guild
    admin: User
    staff: User
    member: User
    member2: User
    guest: User
    more_guilds: list[Guild] = field(default_factory=list)

    @property
    def guilds(self) -> list[Guild]:
        return [self.guild, *self.more_guilds]

    def find_guild(self, guild_id: int) -> Guild | None:
        if guild_id == self.guild.id:  # the usual case, without walking hundreds
            return self.guild
        return next((g for g in self.more_guilds if g.id == guild_id), None)

    def add_associations(self, count: int, members: Sequence[User] = ()) -> list[Guild]:
        """``count`` more association servers, each with the same admin, staff and members as
        the first, and ``members`` as members too; returns them."""
        people = {
            "owner": self.guild.owner,
            "admin": self.admin,
            "staff": self.staff,
            "member": self.member,
            "member2": self.member2,
            "guest": self.guest,
            **{f"member-{n}": user for n, user in enumerate(members)},
        }
        added = [
            association_guild(f"Association {len(self.guilds) + n}", self.bot_user, people)
            for n in range(count)
        ]
        self.more_guilds += added
        return added

    @classmethod
    def association(cls) -> World:
        bot_user = User("kifa-bot", bot=True)
        people = {
            name: User(name) for name in ("owner", "admin", "staff", "member", "member2", "guest")
        }
        guild = association_guild("Kusatsu International Friendship Association", bot_user, people)
        return cls(
            bot_user,
            guild,
            people["admin"],
            people["staff"],
            people["member"],
            people["member2"],
            people["guest"],
        )
