from __future__ import annotations

from bot.i18n.catalogue import Catalogue
from bot.i18n.mentions import CommandIds

NAMES = {"cmd.trip.name": "旅行", "cmd.trip.log.name": "登録", "cmd.help.name": "ヘルプ"}


def small(ids: dict[str, int]) -> Catalogue:
    known = CommandIds()
    known.replace(ids)
    return Catalogue(
        {"en": {"k": "Log it with {cmd:trip log}."}, "ja": {"k": "{cmd:trip log}で登録できます。"}},
        NAMES,
        known,
    )


def test_a_known_command_is_a_mention_in_every_language():
    cat = small({"trip": 1234, "help": 99})
    assert cat.text("en", "k") == "Log it with </trip log:1234>."
    assert cat.text("ja", "k") == "</trip log:1234>で登録できます。"
    assert cat.command("ja", "help") == "</help:99>"


def test_without_an_id_the_command_is_named_as_the_readers_discord_names_it():
    cat = small({})
    assert cat.text("en", "k") == "Log it with /trip log."
    assert cat.text("ja", "k") == "/旅行 登録で登録できます。"


def test_ids_are_replaced_not_merged():
    ids = CommandIds()
    ids.replace({"trip": 1, "help": 2})
    ids.replace({"help": 3})
    assert ids.known() == {"help": 3}
