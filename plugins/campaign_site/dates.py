"""Archive periods in French words, for the theme's archive pages."""

from __future__ import annotations

import datetime as dt
from functools import cache

from transparency_stats.french import format_date_long, format_month


@cache
def period_fr(period_num: tuple[int, ...]) -> str:
    """Return an archive period (year, month, day numbers) in French words."""
    year, month, day = (tuple(period_num) + (None, None))[:3]
    if day:
        return format_date_long(dt.date(year, month, day))
    if month:
        return format_month(dt.date(year, month, 1))
    return str(year)
