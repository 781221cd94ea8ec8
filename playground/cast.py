"""Who is who in the playground: the stand-in's association server, with people instead of test
roles, and the members the office has registered before the visitor arrives."""

from __future__ import annotations

from dataclasses import dataclass

from fake_discord.models import Member, User, World

# The people a visitor can be, in the order the page offers them.
PEOPLE = ("member", "member2", "staff", "admin", "guest")
# The channels the page shows (the stand-in's test-only channels stay out).
CHANNELS = ("general", "moderation", "announcements")


@dataclass(frozen=True)
class Registration:
    """One line of the registry, as staff type it with /member add."""

    username: str
    number: str
    name: str
    reading: str


# Usernames of the playable people (their display names are these, capitalised).
USERNAMES = {
    "member": "hanako",
    "member2": "ken",
    "staff": "sato",
    "admin": "yoshida",
    "guest": "alex",
}
# Two more members nobody plays, so that the registry looks like one.
EXTRA_MEMBERS = ("yuki", "mary")
REGISTRY = (
    Registration("hanako", "K-0101", "山田 花子", "ヤマダ ハナコ"),
    Registration("ken", "K-0102", "田中 健", "タナカ ケン"),
    Registration("sato", "K-0001", "佐藤 恵", "サトウ メグミ"),
    Registration("yuki", "K-0103", "鈴木 由紀", "スズキ ユキ"),
    Registration("mary", "K-0104", "Mary Smith", "メアリー スミス"),
)


def world() -> World:
    """The stand-in's association server (the one the e2e tests use), with the playground's
    people in it."""
    made = World.association()
    for key, username in USERNAMES.items():
        getattr(made, key).name = username
    guild = made.guild
    guild.channels = [c for c in guild.channels if c.name in CHANNELS]
    guild.members += [Member(User(name)) for name in EXTRA_MEMBERS]
    return made


def person(made: World, key: str) -> User:
    """The user a visitor is when they choose ``key`` (one of :data:`PEOPLE`)."""
    if key not in PEOPLE:
        raise KeyError(key)
    return getattr(made, key)


def user_named(made: World, username: str) -> User:
    return next(m.user for m in made.guild.members if m.user.name == username)
