"""Discord-shaped interactions made up at random from what the bot itself declares.

Nothing here lists the bot's commands or custom ids by hand: slash commands and their options
come from the command set the bot synced to the fake Discord, buttons from the DynamicItem
templates the bot registered, forms from the modal templates it routes, and the fields of a form
from the forms the bot really opened. A new command, button or form is fuzzed the day it is
added.

Values are drawn from one seeded ``random.Random``, so a seed replays the same sequence of
interactions (see tests/e2e/test_fuzz.py for how a seed is chosen and reported).
"""

from __future__ import annotations

import io
import random
import re
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from re import _parser as sre_parse  # the regex parser, to write strings a template matches
from typing import Any

import discord
from PIL import Image

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
    ModalValue,
    command_data,
    component_data,
    envelope,
    modal_data,
)
from fake_discord.models import Channel, Role, User, snowflake
from fake_discord.server import FakeDiscord

SQLITE_MAX = 2**63 - 1


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(out, kind)
    return out.getvalue()


# Files a member could upload on a form: photos, and what is not a photo.
UPLOADS = [_image("JPEG"), _image("PNG"), b"", b"hello, not a photo", b"\xff\xd8\xff" + bytes(64)]
BOUNDARY_IDS = [
    "0",
    "1",
    "2",
    str(SQLITE_MAX),
    str(SQLITE_MAX + 1),
    str(2**64 - 1),
    str(2**64),
    "9" * 19,
    "9" * 20,
    "0" * 19 + "1",
    "1" + "0" * 19,
]
# Ways people and clients write an id in a text option besides plain digits.
ID_SPELLINGS = [
    "#{}",
    " {} ",
    "# {}",
    "{}\u200b",
    "\u3000{}\u3000",
    "-{}",
    "+{}",
    "{}.0",
    "{}e3",
    "0x{}",
    "{}abc",
    "{} {}",
]
ODD_NUMBERS = ["１２", "²", "٣", "Ⅻ", "1_000", "1,000", "NaN", "-0", "   ", "#", "＃1"]
HOSTILE_TEXT = [
    "",
    " ",
    "x" * 6000,
    "\x00\x07\x1b[31mred\x1b[0m\x7f",
    "\r\n\t",
    "\u202eevil\u202c \u2066isolated\u2069 \u200f",
    "\u200b\u200c\u200d\ufeff",
    "@everyone @here",
    "<@&{role}> <@{user}> <#{channel}>",
    "[click](https://evil.example/x) **b** ||s|| `c` > quote",
    '=HYPERLINK("https://evil.example","x")',
    "+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1)",
    "'; DROP TABLE members; --",
    "%s %d {0} {name} {{}} %(x)s",
    "草津\u0301 👩‍👩‍👧 \U0001f600",
    "ポンティアック",
    "Pontiac",
    "pontiac",
    "2025-08-03",
    "2025/8/3",
    "令和7年8月3日",
    "9999-99-99",
    "0000-00-00",
    "\ud7ff\ue000\uffff",
    "a" * 101,
]
LOCALES = [locale.value for locale in discord.Locale]


@dataclass
class Case:
    """One interaction and what to say about it when it goes wrong."""

    kind: str  # command | autocomplete | component | modal
    payload: dict
    label: str
    context: str  # guild | dm | private

    @property
    def token(self) -> str:
        return self.payload["token"]

    def describe(self) -> str:
        return f"{self.kind} {self.label} ({self.context}, {self.payload.get('locale')})"


@dataclass
class Leaf:
    """A slash command as Discord offers it: its path and its options."""

    path: str
    options: list[dict]


@dataclass
class Pools:
    """Values seen so far: autocomplete choices and ids the bot really made."""

    choices: dict[tuple[str, str, int], list[str]] = field(default_factory=dict)  # by user
    ids: set[str] = field(default_factory=set)
    modal_fields: dict[str, dict[str, dict]] = field(default_factory=dict)  # custom_id -> fields


def leaves(commands: dict[str, dict]) -> list[Leaf]:
    found: list[Leaf] = []

    def walk(path: str, options: list[dict]) -> None:
        nested = [o for o in options if o["type"] in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not nested:
            found.append(Leaf(path, options))
        for option in nested:
            walk(f"{path} {option['name']}", option.get("options") or [])

    for name, command in sorted(commands.items()):
        walk(name, command.get("options") or [])
    return found


class Generator:
    def __init__(
        self,
        rng: random.Random,
        fake: FakeDiscord,
        component_templates: list[re.Pattern[str]],
        modal_templates: list[re.Pattern[str]],
        pools: Pools,
    ) -> None:
        self.rng = rng
        self.fake = fake
        self.world = fake.world
        self.leaves = leaves(fake.commands)
        self.component_templates = component_templates
        self.modal_templates = modal_templates
        self.pools = pools
        guild = self.world.guild
        self.outsiders = [
            User("stranger"),
            User("huge", id=SQLITE_MAX + 7),
            User("max", id=SQLITE_MAX),
            User("bot-outside", bot=True),
        ]
        self.ghost_roles = [Role("ghost", id=snowflake()), Role("huge", id=2**64 - 1)]
        self.ghost_channels = [
            Channel("ghost", guild.id, id=snowflake()),
            Channel("huge", guild.id, id=SQLITE_MAX + 1),
        ]
        self.kinds: list[tuple[str, Callable[[], Case]]] = [
            ("command", self.command),
            ("autocomplete", self.autocomplete),
            ("component", self.component),
            ("modal", self.modal),
        ]

    # ------------------------------------------------------------------ who, where
    def insiders(self) -> list[User]:
        w = self.world
        return [w.member, w.member2, w.guest, w.staff, w.admin, w.guild.owner]

    def _who(self) -> tuple[str, User]:
        """Where the interaction comes from, and who sends it."""
        roll = self.rng.random()
        context = "guild" if roll < 0.85 else "dm" if roll < 0.95 else "private"
        people = self.insiders() + ([] if context == "guild" else self.outsiders)
        return context, self.rng.choice(people)

    def _envelope(self, kind: int, data: dict, context: str, user: User) -> dict:
        rng = self.rng
        if context == "guild":
            channel = rng.choice(self.world.guild.channels)
            payload = envelope(
                self.fake, kind, user, data, locale=rng.choice(LOCALES), channel=channel
            )
        else:
            data.pop("guild_id", None)
            payload = envelope(
                self.fake, kind, user, data, locale=rng.choice(LOCALES), in_guild=False
            )
            if context == "private":  # a group DM: only a user-installed app is asked there
                payload["context"] = 2
                payload["channel"]["type"] = 3
        return payload

    # ------------------------------------------------------------------ values
    def an_id(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.4 and self.pools.ids:
            return rng.choice(sorted(self.pools.ids))
        if roll < 0.8:
            return rng.choice(BOUNDARY_IDS)
        return str(rng.randrange(1, 10 ** rng.randint(1, 21)))

    def a_date(self) -> str:
        """A day near today, written as people write dates (or nearly)."""
        rng = self.rng
        day = date.today() + timedelta(days=rng.randint(-1200, 400))
        forms = [
            day.isoformat(),
            f"{day.year}/{day.month}/{day.day}",
            f"{day.day} {day:%b} {day.year}",
            f"{day:%b} {day.day}",
            f"{day.year}年{day.month}月{day.day}日",
            f"令和{day.year - 2018}年{day.month}月{day.day}日",
            f"{day.year}-{day.month:02d}-{rng.randint(28, 32)}",
        ]
        return rng.choice(forms)

    def text(self) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.1:
            return self.a_date()
        if roll < 0.35:
            value = rng.choice(HOSTILE_TEXT)
        elif roll < 0.6:
            value = rng.choice(ID_SPELLINGS).format(self.an_id(), self.an_id())
        elif roll < 0.7:
            value = rng.choice(ODD_NUMBERS)
        elif roll < 0.85:
            value = self.an_id()
        else:
            alphabet = string.printable + "草津市会員レポート\u200b\u202e\U0001f600"
            value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        guild = self.world.guild
        return (
            value.replace("{role}", str(guild.role("Staff").id))
            .replace("{user}", str(self.world.member.id))
            .replace("{channel}", str(guild.channel("general").id))
        )

    def _string(self, path: str, spec: dict, user: User) -> str:
        rng = self.rng
        if spec.get("choices"):
            return rng.choice(spec["choices"])["value"]
        offered = self.pools.choices
        own = offered.get((path, spec["name"], user.id))
        anyone = [
            v
            for (p, o, _), values in offered.items()
            if (p, o) == (path, spec["name"])
            for v in values
        ]
        roll = rng.random()
        if own and roll < 0.4:
            value = rng.choice(own)
        elif anyone and roll < 0.6:
            value = rng.choice(anyone)
        else:
            value = self.text()
        value = value[: spec.get("max_length", 6000)]
        minimum = max(spec.get("min_length", 1), 1)  # Discord sends no empty option
        return value if len(value) >= minimum else value.ljust(minimum, "0")

    def _number(self, spec: dict) -> int | float:
        rng = self.rng
        low = spec.get("min_value", -(2**53))
        high = spec.get("max_value", 2**53)
        value = rng.choice([low, high, low + 1, high - 1, rng.randint(int(low), int(high))])
        value = min(max(value, low), high)
        return float(value) if spec["type"] == NUMBER else int(value)

    def _attachment(self) -> Attachment:
        rng = self.rng
        member = self.world.member.id
        bodies = [
            b"",
            bytes(rng.randrange(256) for _ in range(rng.randint(1, 300))),
            b"discord user id,membership number,expires\n" + self.an_id().encode() + b",=1+1,\n",
            f"discord user id,membership number,expires\n{member},A-1,2099-03-31\n".encode(),
            "ユーザーID,会員番号,有効期限\n１２,＝１,令和9年3月31日\n".encode("cp932"),
            b'{"cities": []}',
            b'{"cities": [{"slug": "=x", "name_en": "=HYPERLINK(\\"x\\")"}]}',
            b"[[cities]]\nslug = 1\n",
            b"\xef\xbb\xbf" + "\n".join(["a,b,c"] * 50).encode(),
        ]
        name = rng.choice(["members.csv", "cities.json", "cities.toml", "x", "../../etc"])
        return Attachment(name, rng.choice(bodies))

    def _value(self, path: str, spec: dict, user: User) -> Any:
        rng = self.rng
        kind, guild = spec["type"], self.world.guild
        if kind == STRING:
            return self._string(path, spec, user)
        if kind in (INTEGER, NUMBER):
            return self._number(spec)
        if kind == BOOLEAN:
            return rng.random() < 0.5
        if kind == USER:
            return rng.choice(self.insiders() + self.outsiders + [self.world.bot_user])
        if kind == CHANNEL:
            types = spec.get("channel_types")
            channels = [c for c in guild.channels if not types or c.type in types]
            return rng.choice(channels + self.ghost_channels)
        if kind == ROLE:
            return rng.choice(guild.roles + self.ghost_roles)
        if kind == ATTACHMENT:
            return self._attachment()
        raise AssertionError(f"an option type the fuzzer does not know: {kind}")

    def _options(self, leaf: Leaf, user: User, focused: dict | None = None) -> dict[str, Any]:
        chosen: dict[str, Any] = {}
        for spec in leaf.options:
            if spec is focused:
                chosen[spec["name"]] = self.text()[: spec.get("max_length", 100)]
            elif spec.get("required") or self.rng.random() < 0.5:
                chosen[spec["name"]] = self._value(leaf.path, spec, user)
        return chosen

    # ------------------------------------------------------------------ interactions
    def command(self) -> Case:
        leaf = self.rng.choice(self.leaves)
        context, user = self._who()
        options = self._options(leaf, user)
        payload = self._envelope(2, command_data(self.fake, leaf.path, options), context, user)
        shown = {k: _short(v) for k, v in options.items()}
        return Case("command", payload, f"/{leaf.path} {shown}", context)

    def autocomplete(self) -> Case:
        offering = [
            (leaf, spec)
            for leaf in self.leaves
            for spec in leaf.options
            if spec.get("autocomplete")
        ]
        leaf, spec = self.rng.choice(offering)
        context, user = self._who()
        options = self._options(leaf, user, focused=spec)
        data = command_data(self.fake, leaf.path, options, focused=spec["name"])
        payload = self._envelope(4, data, context, user)
        label = f"/{leaf.path} {spec['name']}={_short(options[spec['name']])}"
        return Case("autocomplete", payload, label, context)

    def component(self) -> Case:
        custom_id = self.custom_id(self.rng.choice(self.component_templates))
        context, user = self._who()
        payload = self._envelope(3, component_data(custom_id), context, user)
        payload["message"] = self.fake._new_message(
            int(payload["channel_id"]),
            {
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "style": 1, "label": "?", "custom_id": custom_id}
                        ],
                    }
                ]
            },
            forged=True,  # not a message the bot sent
        )
        return Case("component", payload, custom_id, context)

    def modal(self) -> Case:
        rng = self.rng
        custom_id = self.custom_id(rng.choice(self.modal_templates))
        known = list(self.pools.modal_fields.values())
        fields = rng.choice(known) if known else {}
        values = {}
        for name, spec in fields.items():
            if rng.random() < 0.9:
                values[name] = self.field_value(spec)
        context, user = self._who()
        payload = self._envelope(5, modal_data(custom_id, values, self.fake), context, user)
        shown = {k: _short(v) for k, v in values.items()}
        return Case("modal", payload, f"{custom_id} {shown}", context)

    def field_value(self, spec: dict) -> ModalValue:
        """A value for one input of a form: text, uploaded files (up to one more than allowed,
        of any kind), or ticked options (real ones and made-up ones)."""
        rng = self.rng
        if spec.get("type") == 19:
            count = rng.randint(1, spec.get("max_values", 1) + 1)
            return [self.upload() for _ in range(count)]
        if spec.get("type") == 22:
            options = [o["value"] for o in spec.get("options") or []] + ["", "admin", self.text()]
            return rng.sample(options, rng.randint(0, len(options)))
        return self.text()[: spec.get("max_length", 4000)]

    def upload(self) -> Attachment:
        rng = self.rng
        data = rng.choice(UPLOADS)
        if rng.random() < 0.3:  # cut short
            data = data[: rng.randint(0, len(data))]
        name = rng.choice(
            ["photo.jpg", "IMG_0001.HEIC", "notes.txt", "", "../../x.png", "写真.png"]
        )
        return Attachment(name, data, rng.choice(["image/jpeg", "image/png", "text/plain"]))

    def cases(self) -> Iterator[Case]:
        weights = [0.45, 0.2, 0.2, 0.15]
        while True:
            _, make = self.rng.choices(self.kinds, weights)[0]
            yield make()

    # ------------------------------------------------------------------ custom ids
    def custom_id(self, template: re.Pattern[str]) -> str:
        """A string the template matches in full; digit-only groups get ids, boundary ones
        included."""
        return "".join(self._walk(sre_parse.parse(template.pattern)))

    def _walk(self, parsed: Any) -> Iterator[str]:
        rng = self.rng
        for op, arg in parsed:
            name = str(op)
            if name == "LITERAL":
                yield chr(arg)
            elif name == "SUBPATTERN":
                body = arg[3]
                if _digits_only(body):
                    low, high = _repeat_bounds(body)
                    value = self.an_id()
                    while not (low <= len(value) <= high):
                        value = self.an_id()
                    yield value
                else:
                    yield from self._walk(body)
            elif name == "BRANCH":
                yield from self._walk(rng.choice(arg[1]))
            elif name in ("MAX_REPEAT", "MIN_REPEAT"):
                low, high, body = arg
                for _ in range(rng.randint(low, min(high, low + 20))):
                    yield from self._walk(body)
            elif name == "IN":
                yield _one_of(rng, arg)
            elif name == "ANY":
                yield rng.choice(string.ascii_letters)
            elif name == "AT":
                continue
            else:
                raise AssertionError(f"the fuzzer cannot write a {name} of a template")


def _digits_only(parsed: Any) -> bool:
    items = list(parsed)
    if len(items) != 1 or str(items[0][0]) not in ("MAX_REPEAT", "MIN_REPEAT"):
        return False
    body = list(items[0][1][2])
    return (
        len(body) == 1
        and str(body[0][0]) == "IN"
        and body[0][1]
        in ([(sre_parse.RANGE, (48, 57))], [(sre_parse.CATEGORY, sre_parse.CATEGORY_DIGIT)])
    )


def _repeat_bounds(parsed: Any) -> tuple[int, int]:
    low, high, _ = next(iter(parsed))[1]
    return low, min(high, 40)


def _one_of(rng: random.Random, items: list) -> str:
    choices: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            choices.append(chr(arg))
        elif name == "RANGE":
            choices.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 200) + 1))
        elif name == "CATEGORY":
            choices.extend(string.digits if "DIGIT" in str(arg) else string.ascii_letters)
    return rng.choice(choices)


def _short(value: Any) -> str:
    if isinstance(value, User | Role | Channel):
        return f"{type(value).__name__}({value.name}, {value.id})"
    if isinstance(value, Attachment):
        return f"Attachment({value.filename}, {value.data[:40]!r})"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
