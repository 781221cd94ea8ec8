"""Languages: the message catalogue (pure) and the command Translator (discord-facing)."""

from bot.i18n.catalogue import LANGUAGES, catalogue, t

__all__ = ["LANGUAGES", "catalogue", "t"]
