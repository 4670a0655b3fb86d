"""French for the site, the stats plugin and the data page: numbers, dates, periods (Babel's CLDR data, no OS locale).

The one place the site writes French. The fast paths below (f-string grouping,
month tables) exist for speed: the data page formats thousands of figures. Their
tests pin them to Babel's own output, with one deliberate difference: the first of the
month is "1er" (French usage: "1er février"), where CLDR writes "1".
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal

LOCALE = Locale("fr")
NBSP = "\u00a0"  # espace insécable: after ≥ / ≈, before ":"
NNBSP = "\u202f"  # espace fine insécable: CLDR's French group separator, before ";"
EN_DASH = "\u2013"
BOUND_SIGNS = {"exact": "", "at_least": "≥" + NBSP, "about": "≈" + NBSP}

SHORT_MONTHS = LOCALE.months["format"]["abbreviated"]  # {1: "janv.", …}
LONG_MONTHS = LOCALE.months["format"]["wide"]  # {1: "janvier", …}
_GROUP = LOCALE.number_symbols["latn"]["group"]


def format_number(x: int | float) -> str:
    """Return x the French way: "145 000", "2,5" (at most three decimals)."""
    if isinstance(x, int) and not isinstance(x, bool) and x >= 0:
        return f"{x:,}".replace(",", _GROUP)
    return _format_decimal(x)


@lru_cache(maxsize=4096, typed=True)
def _format_decimal(x: int | float) -> str:
    """Return x through Babel's French decimal pattern (cached: the same figures recur)."""
    return format_decimal(x, locale=LOCALE)


def format_value(value) -> str:
    """Return a figure (anything with `amount` and `bound`) with its bound: "145 000", "≥ 145 000", "≈ 60 000 000"."""
    return BOUND_SIGNS[value.bound] + format_number(value.amount)


def format_day(d: dt.date) -> str:
    """Return the day of the month as French writes it: "1er", "2", "31"."""
    return "1er" if d.day == 1 else str(d.day)


def format_date(d: dt.date) -> str:
    """Return a short French date: "5 janv. 2017", "1er févr. 2017" (CLDR pattern "d MMM y", but "1er")."""
    return f"{format_day(d)} {SHORT_MONTHS[d.month]} {d.year}"


def format_date_long(d: dt.date) -> str:
    """Return a long French date: "5 janvier 2017", "1er février 2017" (CLDR pattern "d MMMM y", but "1er")."""
    return f"{format_day(d)} {LONG_MONTHS[d.month]} {d.year}"


def format_month(d: dt.date) -> str:
    """Return the month of d: "août 2016"."""
    return f"{LONG_MONTHS[d.month]} {d.year}"


def is_whole_month(start: dt.date, end: dt.date) -> bool:
    """Tell whether [start, end] is exactly one calendar month."""
    return (
        start.day == 1 and (end.year, end.month) == (start.year, start.month) and (end + dt.timedelta(days=1)).day == 1
    )


def format_period(start: dt.date, end: dt.date) -> str:
    """Return an inclusive period: "août 2016", "5 janv. 2017", "1er–23 déc. 2016", "28 nov.–3 déc. 2016"."""
    if end < start:
        raise ValueError(f"period ends before it starts: {start} > {end}")
    if start == end:
        return format_date(start)
    if is_whole_month(start, end):
        return format_month(start)
    if start.year != end.year:
        return f"{format_date(start)}{EN_DASH}{format_date(end)}"
    if start.month != end.month:
        return f"{format_day(start)} {SHORT_MONTHS[start.month]}{EN_DASH}{format_date(end)}"
    return f"{format_day(start)}{EN_DASH}{format_date(end)}"


def browser_locale() -> dict:
    """Return the CLDR names plotly.js needs to write dates as the build does (for charts.js)."""
    days = LOCALE.days["format"]
    # CLDR numbers days from Monday (0); plotly.js lists them from Sunday.
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    return {
        "days": [days["wide"][d] for d in sunday_first],
        "shortDays": [days["abbreviated"][d] for d in sunday_first],
        "months": [LONG_MONTHS[m] for m in range(1, 13)],
        "shortMonths": [SHORT_MONTHS[m] for m in range(1, 13)],
    }
