"""Buttons and forms answered from their custom id alone, and an answer for those nobody knows.

The bot's buttons are DynamicItems and its forms are stateless modals (see cogs/reports/forms.py):
what a click or a submission needs is in its custom id, so both keep working after a restart.
The bot lists their templates here. A form submission goes to the handler whose template matches
it in full. A click or a submission that no template matches and that discord.py holds no view or
modal for (a message from an older release, a forged payload) would otherwise get no answer at
all, and the member would see "This interaction failed": it is told instead that this button or
form is no longer in use.

The templates are public so that the fuzzer (tests/e2e/test_fuzz.py) can make custom ids from
them: a new button or form is fuzzed the day it is registered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.error_handler import answer_error
from bot.interactions import Speaker

log = logging.getLogger(__name__)

ModalHandler = Callable[[discord.Interaction, re.Match[str]], Awaitable[None]]
DynamicItemType = type[discord.ui.DynamicItem[Any]]


class CustomIdRoutes:
    def __init__(self) -> None:
        self._items: list[DynamicItemType] = []
        self._modals: list[tuple[re.Pattern[str], ModalHandler]] = []

    def add_items(self, *items: DynamicItemType) -> None:
        self._items.extend(items)

    def add_modal(self, template: re.Pattern[str], handler: ModalHandler) -> None:
        """Answer every form submission whose custom id ``template`` matches in full."""
        self._modals.append((template, handler))

    def component_templates(self) -> list[re.Pattern[str]]:
        return [item.__discord_ui_compiled_template__ for item in self._items]

    def modal_templates(self) -> list[re.Pattern[str]]:
        return [template for template, _ in self._modals]

    async def dispatch(self, client: discord.Client, interaction: discord.Interaction) -> None:
        """Called for every interaction, after discord.py has dispatched it to its own views,
        modals and commands."""
        data: Any = interaction.data or {}
        custom_id = data.get("custom_id")
        if not isinstance(custom_id, str):
            return
        if interaction.type is discord.InteractionType.modal_submit:
            for template, handler in self._modals:
                if match := template.fullmatch(custom_id):
                    try:
                        await handler(interaction, match)
                    except Exception as error:
                        await answer_error(interaction, error)
                    return
        elif interaction.type is discord.InteractionType.component:
            if any(t.fullmatch(custom_id) for t in self.component_templates()):
                return  # the DynamicItem answers
        else:
            return
        if _held_in_memory(client, interaction, custom_id):
            return
        log.info("No handler for custom id %r (interaction %s)", custom_id[:100], interaction.id)
        say = await Speaker.of(interaction)
        await say.send(say("error.unknown.button"))


def _held_in_memory(
    client: discord.Client, interaction: discord.Interaction, custom_id: str
) -> bool:
    """Whether discord.py keeps a View or Modal in memory that will answer this custom id.

    discord.py has no public way to ask, so this reads its view store; should that change shape,
    the answer is "held", and such interactions go unanswered as before rather than twice.
    """
    store = getattr(getattr(client, "_connection", None), "_view_store", None)
    views, modals = getattr(store, "_views", None), getattr(store, "_modals", None)
    if not isinstance(views, dict) or not isinstance(modals, dict):
        return True
    if interaction.type is discord.InteractionType.modal_submit:
        return custom_id in modals
    key = ((interaction.data or {}).get("component_type"), custom_id)
    message_id = interaction.message.id if interaction.message else None
    return any(key in views.get(owner, {}) for owner in (message_id, None))
