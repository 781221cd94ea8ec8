"""What a Japanese association office would never write, as checks the tests share
(see /work/shared/JAPANESE.md and tests/unit/bot/i18n/test_japanese.py)."""

from __future__ import annotations

import re

COMMANDS = ("help", "city", "trip", "report", "subsidy", "member", "setup")
ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
ENGLISH_COMMAND = re.compile(rf"(?<![:/\w])/(?:{'|'.join(COMMANDS)})\b")
RETIRED = ("渡航", "補助", "メンバー", "オフィス", "保留", "予約", "報告書", "FY", "草津市の姉妹州")
# 却下 is a staff action (the button, its form, the staff's confirmation), never a state
REJECT_WORD_ALLOWED = {
    "report.button.reject",
    "report.reason.title.reject",
    "report.decided.rejected",
}
OPEN, CLOSE = "（「『【", "）」』】"
# placeholder values that carry brackets of their own, as the bot fills them in Japanese
BRACKETED = {
    "trip": "ポンティアック市（2025年8月3日〜10日）",
    "length": "412字（300〜600字）",
    "relationship": "姉妹都市（予定）",
    "year": "2025年度（2025年4月1日〜2026年3月31日）",
    "state": "承認済み（助成なし）",
    "payee": "山田花子（A123）",
}
ENGLISH_JARGON = re.compile(r"\b(void|voided|reserved|FY|audit log|queue)\b", re.IGNORECASE)


def without_placeholders(template: str) -> str:
    return re.sub(r"\{[^{}]*\}", "", template)


def nesting(text: str) -> str | None:
    """The first bracket opened inside another, if any."""
    depth = 0
    for char in text:
        if char in OPEN:
            depth += 1
            if depth > 1:
                return char
        elif char in CLOSE:
            depth = max(depth - 1, 0)
    return None


def japanese_problems(key: str, text: str) -> list[str]:
    found = []
    if ISO_DATE.search(text):
        found.append(f"{key}: ISO date in Japanese prose")
    found += [f"{key}: {word}" for word in RETIRED if word in text]
    if "却下" in text and key not in REJECT_WORD_ALLOWED:
        found.append(f"{key}: 却下 where a member reads 不採用")
    if re.search(r"[()]", text):
        found.append(f"{key}: half-width bracket")
    if " · " in text:  # English's separator: Japanese lists take 「、」, lines a full-width space
        found.append(f"{key}: half-width ' · ' separator")
    if ENGLISH_COMMAND.search(text):
        found.append(f"{key}: English command name {ENGLISH_COMMAND.search(text)[0]!r}")
    if nested := nesting(text):
        found.append(f"{key}: nested bracket {nested}")
    return found


def reply_problems(text: str) -> list[str]:
    """:func:`japanese_problems` of what the bot sent: command mentions (</trip log:123>) are
    what Discord shows in the reader's language, so they are no English command name."""
    return japanese_problems("reply", re.sub(r"</[^<>:]+:\d+>", "", text))
