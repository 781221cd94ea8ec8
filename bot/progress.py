"""Showing a staff member how far long work has come, in the reply they are waiting for.

Long work (an import, an export) answers its interaction with a deferral first ("thinking…"),
then runs in chunks (bot.services.chunks). After each chunk :meth:`ProgressReply.update` may edit
the deferred reply to say "2,000 of 5,000 rows…": after the first chunk, so that the staff member
sees at once that the work has started, then at most once every :data:`EDIT_EVERY` seconds, so
that Discord is not asked for an edit per chunk. An edit is never awaited by the work itself:
it runs beside it, and one still under way makes the next update skip its turn.

The final answer then takes the progress message's place (:meth:`ProgressReply.send`); where no
progress was shown (work of one chunk) it is sent as every other answer is.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import discord

from bot.interactions import Speaker
from bot.services.chunks import Progress

log = logging.getLogger(__name__)

EDIT_EVERY = 1.5  # seconds between two edits of the same reply


class ProgressReply:
    """The progress of one deferred interaction. ``key`` is the catalogue message that says how
    far (it takes ``done`` and ``total``), e.g. ``progress.rows``."""

    def __init__(self, say: Speaker, key: str, *, every: float = EDIT_EVERY) -> None:
        self._say = say
        self._key = key
        self._every = every
        self._last_edit: float | None = None
        self._editing: asyncio.Task[None] | None = None

    @property
    def shown(self) -> bool:
        return self._last_edit is not None

    async def update(self, progress: Progress) -> None:
        """Called after each chunk. Starts an edit of the reply when one is due."""
        if progress.finished or (self._editing is not None and not self._editing.done()):
            return
        now = time.monotonic()
        if self._last_edit is not None and now - self._last_edit < self._every:
            return
        self._last_edit = now
        text = self._say(self._key, done=progress.done, total=progress.total)
        self._editing = asyncio.create_task(self._edit(text), name="progress edit")

    async def _edit(self, text: str) -> None:
        try:
            await self._say.interaction.edit_original_response(
                content=text, allowed_mentions=discord.AllowedMentions.none()
            )
        except discord.HTTPException:  # a courtesy: the work goes on without it
            log.warning("Could not show progress on interaction %s", self._say.interaction.id)

    async def send(self, content: str | None = None, /, **kwargs: Any) -> None:
        """The final answer, in place of the progress message when one was shown."""
        if self._editing is not None:
            await self._editing  # never let a late progress edit overwrite the answer
        if not self.shown:
            await self._say.send(content, **kwargs)
            return
        embed, file = kwargs.pop("embed", None), kwargs.pop("file", None)
        files = kwargs.pop("files", None) or ([file] if file is not None else [])
        await self._say.interaction.edit_original_response(
            content=content,
            embeds=[embed] if embed is not None else [],
            attachments=files,
            allowed_mentions=kwargs.pop("allowed_mentions", discord.AllowedMentions.none()),
            **kwargs,
        )
