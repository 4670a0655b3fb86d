"""French display strings: numbers, bounds, dates and periods."""

import datetime as dt
from typing import NamedTuple

import pytest
from babel import Locale
from babel.dates import format_date as babel_date
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from transparency_stats.french import (
    browser_locale,
    format_date,
    format_date_long,
    format_day,
    format_month,
    format_number,
    format_period,
    format_value,
)


class Value(NamedTuple):
    """A figure as the stats plugin's model has it: an amount and its bound."""

    amount: int | float
    bound: str = "exact"


D = dt.date
NNBSP = "\u202f"
NBSP = "\u00a0"


@pytest.mark.parametrize(
    "number, text",
    [
        (0, "0"),
        (999, "999"),
        (1000, f"1{NNBSP}000"),
        (145000, f"145{NNBSP}000"),
        (60_000_000, f"60{NNBSP}000{NNBSP}000"),
        (145000.0, f"145{NNBSP}000"),
        (2.5, "2,5"),
        (1234567.891, f"1{NNBSP}234{NNBSP}567,891"),
    ],
)
def test_numbers_are_grouped_with_a_narrow_no_break_space_and_a_decimal_comma(number, text):
    assert format_number(number) == text


@given(st.integers(min_value=0, max_value=10**15) | st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_numbers_read_as_babel_writes_them(number):
    assert format_number(number) == format_decimal(number, locale="fr")


@pytest.mark.parametrize(
    "value, text",
    [
        (Value(145000), f"145{NNBSP}000"),
        (Value(145000, "at_least"), f"≥{NBSP}145{NNBSP}000"),
        (Value(60_000_000, "about"), f"≈{NBSP}60{NNBSP}000{NNBSP}000"),
        (Value(2.5, "about"), f"≈{NBSP}2,5"),
    ],
)
def test_values_show_their_bound(value, text):
    assert format_value(value) == text


def test_dates_are_short_french_dates():
    assert format_date(D(2017, 1, 5)) == "5 janv. 2017"
    assert format_date(D(2016, 8, 31)) == "31 août 2016"
    assert format_date_long(D(2017, 1, 5)) == "5 janvier 2017"


def test_the_first_of_the_month_is_1er():
    assert format_day(D(2017, 2, 1)) == "1er"
    assert format_date(D(2017, 2, 1)) == "1er févr. 2017"
    assert format_date_long(D(2017, 2, 1)) == "1er février 2017"
    assert format_day(D(2017, 2, 11)) == "11"
    assert format_date(D(2017, 2, 21)) == "21 févr. 2017"


def babel_with_1er(text: str, day: dt.date) -> str:
    """Return Babel's date with "1er" for the first of the month: the one documented difference.

    CLDR's French patterns write "1 février"; French usage, and this site, write "1er février".
    """
    return "1er" + text.removeprefix("1") if day.day == 1 else text


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))
def test_dates_read_as_babel_writes_them_but_1er(day):
    assert format_date(day) == babel_with_1er(babel_date(day, "d MMM y", locale="fr"), day)
    assert format_date_long(day) == babel_with_1er(babel_date(day, "d MMMM y", locale="fr"), day)
    assert format_month(day) == babel_date(day, "LLLL y", locale="fr")


def test_the_browser_gets_babels_names_sunday_first():
    names = browser_locale()
    week = [dt.date(2017, 1, 1) + dt.timedelta(days=n) for n in range(7)]  # 1 January 2017 was a Sunday
    assert names["days"] == [babel_date(d, "EEEE", locale="fr") for d in week]
    assert names["shortDays"] == [babel_date(d, "EEE", locale="fr") for d in week]
    assert names["months"] == [Locale("fr").months["format"]["wide"][m] for m in range(1, 13)]
    assert names["shortMonths"] == [babel_date(dt.date(2017, m, 1), "MMM", locale="fr") for m in range(1, 13)]


@pytest.mark.parametrize(
    "start, end, text",
    [
        (D(2016, 8, 1), D(2016, 8, 31), "août 2016"),
        (D(2016, 2, 1), D(2016, 2, 29), "février 2016"),
        (D(2016, 12, 1), D(2016, 12, 31), "décembre 2016"),
        (D(2017, 1, 5), D(2017, 1, 5), "5 janv. 2017"),
        (D(2016, 12, 1), D(2016, 12, 23), "1er\u201323 déc. 2016"),
        (D(2016, 8, 1), D(2016, 8, 30), "1er\u201330 août 2016"),
        (D(2016, 11, 28), D(2016, 12, 3), "28 nov.\u20133 déc. 2016"),
        (D(2016, 8, 1), D(2016, 9, 30), "1er août\u201330 sept. 2016"),
        (D(2016, 12, 2), D(2017, 1, 1), "2 déc. 2016\u20131er janv. 2017"),
        (D(2016, 12, 28), D(2017, 1, 3), "28 déc. 2016\u20133 janv. 2017"),
    ],
)
def test_periods_say_as_little_as_needed(start, end, text):
    assert format_period(start, end) == text


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        format_period(D(2017, 1, 2), D(2017, 1, 1))
