"""Format dates in French with Babel, whatever the machine's locale."""

from __future__ import annotations

import datetime as dt
from functools import cache

from babel import Locale
from babel.dates import format_date

LOCALE = Locale("fr")
WORDS_PER_MINUTE = 200


def date_fr(value: dt.date, pattern: str = "d MMMM y") -> str:
    """Return the date as « 5 janvier 2017 »."""
    return format_date(value, pattern, locale=LOCALE)


def month_fr(value: dt.date) -> str:
    """Return the month as « janvier 2017 »."""
    return format_date(value, "LLLL y", locale=LOCALE)


@cache
def period_fr(period_num: tuple[int, ...]) -> str:
    """Return an archive period (year, month, day numbers) in French words."""
    year, month, day = (tuple(period_num) + (None, None))[:3]
    if day:
        return date_fr(dt.date(year, month, day))
    if month:
        return month_fr(dt.date(year, month, 1))
    return str(year)


def reading_time(content) -> str:
    """Return « Lecture : 3 min » for an article (computed once) or a piece of HTML.

    Charts are not read like text: an article's `chartless_content` (set by the
    transparency_stats plugin) is counted when present.
    """
    cached = getattr(content, "_reading_time", None)
    if cached is not None:
        return cached
    from markupsafe import Markup

    html = getattr(content, "chartless_content", None) or getattr(content, "content", content) or ""
    words = len(Markup(html).striptags().split())  # noqa: S704 (only strips tags; nothing is output)
    minutes = max(1, round(words / WORDS_PER_MINUTE))
    text = f"Lecture\u00a0: {minutes}\u00a0min"
    if hasattr(content, "content"):
        content._reading_time = text
    return text
