"""Commands named in messages, as each reader's Discord names them.

A template names a command as ``{cmd:trip log}``. With the command's id known, the message carries
Discord's command mention ``</trip log:123>``, which every reader's client shows in their own
language (``/旅行 登録`` in Japanese) and makes clickable. Without an id (before the bot has
synced or read its commands, or where Discord does not render mentions) the name is written out
as the reader's Discord shows it: ``/trip log`` in English, ``/旅行 登録`` in Japanese. Never an
English command name in a Japanese sentence.

The ids are Discord's, one per top-level command, the same in every server for global commands;
bot.command_sync learns them when it syncs or starts and puts them in :data:`COMMAND_IDS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

FIELD = "cmd"  # the placeholder: {cmd:trip log}


class CommandIds:
    """Top-level command name -> Discord's id of it, for the one bot in this process."""

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}

    def replace(self, ids: Mapping[str, int]) -> None:
        self._ids = dict(ids)

    def get(self, name: str) -> int | None:
        return self._ids.get(name)

    def known(self) -> dict[str, int]:
        return dict(self._ids)


COMMAND_IDS = CommandIds()


def spoken_name(path: str, language: str, localisations: Mapping[str, str]) -> str:
    """``trip log`` as a reader of ``language`` sees it: ``trip log`` or ``旅行 登録``."""
    words = path.split()
    if language != "ja":
        return " ".join(words)
    spoken = []
    for depth in range(1, len(words) + 1):
        key = "cmd." + ".".join(words[:depth]) + ".name"
        spoken.append(localisations.get(key, words[depth - 1]))
    return " ".join(spoken)


@dataclass(frozen=True)
class Commands:
    """The value of ``{cmd}`` in a template: ``format(commands, "trip log")`` names a command."""

    language: str
    ids: CommandIds
    localisations: Mapping[str, str]

    def __format__(self, spec: str) -> str:
        path = " ".join(spec.split())
        command_id = self.ids.get(path.split(" ")[0]) if path else None
        if command_id:
            return f"</{path}:{command_id}>"
        return "/" + spoken_name(path, self.language, self.localisations)
