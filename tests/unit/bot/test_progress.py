"""The progress of long work in its deferred reply: the first chunk shown at once, then at most an
edit every so often, and the final answer never overwritten by a late edit."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.i18n import t
from bot.progress import ProgressReply
from bot.services.chunks import Progress


class Interaction:
    """What ProgressReply uses of a discord.Interaction: its id and its original response."""

    id = 1

    def __init__(self, edit_takes: float = 0.0) -> None:
        self.edits: list[dict[str, Any]] = []
        self.edit_takes = edit_takes

    async def edit_original_response(self, **fields: Any) -> None:
        await asyncio.sleep(self.edit_takes)
        self.edits.append(fields)


class Say:
    def __init__(self, interaction: Interaction, language: str = "en") -> None:
        self.interaction = interaction
        self.language = language
        self.sent: list[str | None] = []

    def __call__(self, key: str, /, **params: Any) -> str:
        return t(self.language, key, **params)

    async def send(self, content: str | None = None, /, **kwargs: Any) -> None:
        self.sent.append(content)


def reply_for(interaction: Interaction, language: str = "en", every: float = 60.0):
    say = Say(interaction, language)
    return say, ProgressReply(say, "progress.rows", every=every)  # type: ignore[arg-type]


async def test_the_first_chunk_is_shown_at_once_then_no_more_often_than_allowed():
    interaction = Interaction()
    say, reply = reply_for(interaction)
    for done in range(200, 5_000, 200):
        await reply.update(Progress(done, 5_000))
        await asyncio.sleep(0)
    await reply.send("done")
    assert [e["content"] for e in interaction.edits] == ["200 of 5,000 rows…", "done"]
    assert say.sent == []  # the answer took the progress message's place


async def test_edits_resume_once_the_interval_has_passed_and_speak_the_users_language():
    interaction = Interaction()
    _, reply = reply_for(interaction, "ja", every=0.0)
    await reply.update(Progress(2_000, 5_000))
    await asyncio.sleep(0.01)  # the first edit is done
    await reply.update(Progress(4_000, 5_000))
    await reply.send("完了")
    assert [e["content"] for e in interaction.edits] == [
        "5,000行中2,000行…",
        "5,000行中4,000行…",
        "完了",
    ]


async def test_an_edit_still_under_way_is_never_overtaken():
    interaction = Interaction(edit_takes=0.05)
    _, reply = reply_for(interaction, every=0.0)
    await reply.update(Progress(200, 1_000))
    await reply.update(Progress(400, 1_000))  # skipped: the first edit is still under way
    await reply.send("done")
    assert [e["content"] for e in interaction.edits] == ["200 of 1,000 rows…", "done"]


async def test_work_of_one_chunk_answers_as_usual():
    interaction = Interaction()
    say, reply = reply_for(interaction)
    await reply.update(Progress(40, 40))
    await reply.send("done")
    assert interaction.edits == [] and say.sent == ["done"]
