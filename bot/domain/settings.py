"""A guild's settings and the rules every change to them must keep."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.domain.errors import InvalidSetting

LANGUAGES = ("en", "ja")
MAX_REPORT_UNITS = 4_000  # the report modal holds at most 4,000 characters
MAX_SUBSIDY_YEN = 10_000_000
MAX_DEADLINE_DAYS = 365
MAX_REVIEW_REMINDER_DAYS = 90


@dataclass(frozen=True)
class GuildSettings:
    """Defaults are KIFA's rules (PRODUCT.md); every one can be changed per guild."""

    guild_id: int
    preset: str
    language: str = "en"
    moderation_channel_id: int | None = None
    announcement_channel_id: int | None = None
    staff_role_id: int | None = None
    member_role_id: int | None = None
    fiscal_year_start_month: int = 4
    subsidy_amount_yen: int = 3_000
    report_min_units: int = 300
    report_max_units: int = 600
    report_deadline_days: int | None = None
    review_reminder_days: int = 3  # list reports waiting longer than this, daily; 0: never


@dataclass(frozen=True)
class RuleChange:
    """The rules a /setup rules call may change; ``None`` leaves a rule as it is."""

    fiscal_year_start_month: int | None = None
    subsidy_amount_yen: int | None = None
    report_min_units: int | None = None
    report_max_units: int | None = None
    report_deadline_days: int | None = None  # 0 switches the deadline off
    review_reminder_days: int | None = None  # 0 switches the review reminder off
    language: str | None = None

    def is_empty(self) -> bool:
        return all(value is None for value in vars(self).values())


def apply_rules(current: GuildSettings, change: RuleChange) -> GuildSettings:
    """Return the settings with ``change`` applied, or raise :class:`InvalidSetting`."""
    updated = current
    if change.fiscal_year_start_month is not None:
        if not 1 <= change.fiscal_year_start_month <= 12:
            raise InvalidSetting("setup.rules.bad_month", value=change.fiscal_year_start_month)
        updated = replace(updated, fiscal_year_start_month=change.fiscal_year_start_month)
    if change.subsidy_amount_yen is not None:
        if not 0 <= change.subsidy_amount_yen <= MAX_SUBSIDY_YEN:
            raise InvalidSetting("setup.rules.bad_amount", max=MAX_SUBSIDY_YEN)
        updated = replace(updated, subsidy_amount_yen=change.subsidy_amount_yen)
    for field in ("report_min_units", "report_max_units"):
        value = getattr(change, field)
        if value is not None:
            if not 1 <= value <= MAX_REPORT_UNITS:
                raise InvalidSetting("setup.rules.bad_length", max=MAX_REPORT_UNITS)
            updated = replace(updated, **{field: value})
    if updated.report_min_units > updated.report_max_units:
        raise InvalidSetting(
            "setup.rules.min_above_max",
            min=updated.report_min_units,
            max=updated.report_max_units,
        )
    if change.report_deadline_days is not None:
        if not 0 <= change.report_deadline_days <= MAX_DEADLINE_DAYS:
            raise InvalidSetting("setup.rules.bad_deadline", max=MAX_DEADLINE_DAYS)
        updated = replace(updated, report_deadline_days=change.report_deadline_days or None)
    if change.review_reminder_days is not None:
        if not 0 <= change.review_reminder_days <= MAX_REVIEW_REMINDER_DAYS:
            raise InvalidSetting("setup.rules.bad_review_reminder", max=MAX_REVIEW_REMINDER_DAYS)
        updated = replace(updated, review_reminder_days=change.review_reminder_days)
    if change.language is not None:
        if change.language not in LANGUAGES:
            raise InvalidSetting("setup.rules.bad_language")
        updated = replace(updated, language=change.language)
    return updated
