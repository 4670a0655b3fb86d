"""Parse one field of a YAML node: text, URLs, days, periods, numbers, bounded values, colours.

Each parser takes a node (or entry) and the file's path, and returns a plain
Python value or raises a `StatsError` at the node's line and column.
"""

from __future__ import annotations

import calendar
import datetime as dt
import difflib
import re
import urllib.parse
from decimal import Decimal

from transparency_stats.errors import StatsError

from .model import Value
from .yaml_nodes import Node, YEntry, YMap, YScalar, describe, quote


def fail(path: str, where, message: str, hint: str = "") -> StatsError:
    """Build a StatsError at a node's or entry's line and column."""
    return StatsError(path, where.line, where.column, message, hint)


def expect_map(node: Node, path: str, what: str, hint: str = "") -> YMap:
    """Return `node` if it is a mapping, else raise a StatsError."""
    if not isinstance(node, YMap):
        raise fail(path, node, f"{what} must be a set of 'key: value' lines, found {describe(node)}", hint)
    return node


def expect_scalar(node: Node, path: str, what: str, hint: str = "") -> YScalar:
    """Return `node` if it is a scalar, else raise a StatsError."""
    if not isinstance(node, YScalar):
        raise fail(path, node, f"{what} must be a single value, found {describe(node)}", hint)
    return node


def did_you_mean(word: str, choices) -> str:
    """Return "did you mean 'x'?" for the closest choice, or ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def new_metric_hint(metric_id: str, known, catalogue_path: str) -> str:
    """Suggest a close metric id, and say how a new metric is added."""
    close = did_you_mean(metric_id, known)
    if close:
        return f"{close} If not, add the new metric to {catalogue_path} (or with `invoke metric`)"
    return f"add it to {catalogue_path} first (or with `invoke metric`)"


def reject_unknown_keys(node: YMap, allowed, path: str, what: str) -> None:
    """Raise a StatsError at the first key not in `allowed`, suggesting a close one."""
    for entry in node.entries:
        if entry.key not in allowed:
            hint = did_you_mean(entry.key, allowed) or "allowed keys: " + ", ".join(allowed)
            raise fail(path, entry, f"unknown key {quote(entry.key)} in {what}", hint)


def require(node: YMap, key: str, path: str, what: str, hint: str = "") -> YEntry:
    """Return the entry for `key`, or raise a StatsError saying it is missing."""
    entry = node.get(key)
    if entry is None:
        raise fail(path, node, f"{what} has no '{key}'", hint or f"add a line '{key}: ...'")
    return entry


MAX_VALUE = 10**12

BOUNDS = ("at_least", "about")

NULL_WORDS = ("~", "null", "Null", "NULL")

NUMBER = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")

DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")

MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")

DAY_RANGE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})\.\.([0-9]{4}-[0-9]{2}-[0-9]{2})")

COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")

NOT_A_NUMBER = re.compile(r"[-+]?\.?(?:nan|inf|infinity)", re.IGNORECASE)

EXPONENT = re.compile(r"[0-9]*\.?[0-9]*[eE][-+]?[0-9]+")

LEADING_ZERO = re.compile(r"0[0-9]+(?:\.[0-9]+)?")

OTHER_BASE = re.compile(r"0[xXoObB][0-9a-fA-F_]+")

SEPARATED = re.compile(r"[0-9][0-9 _,.'\u202f\xa0]*[0-9]")

TIME_LIKE = re.compile(r"[0-9]+(?::[0-9]+)+(?:\.[0-9]*)?")

LOOSE_DECIMAL = re.compile(r"[0-9]+\.|\.[0-9]+")

NUMBER_EXAMPLE = "write the figure in digits, like 145000"

PERIOD_EXAMPLE = "write a month (2016-12), a range of days (2016-12-01..2016-12-31) or one day (2016-12-23)"


def optional(node: YMap, key: str, path: str, parse):
    """Return `parse(value, path)` for `key`, or None when the key is absent."""
    entry = node.get(key)
    return None if entry is None else parse(entry.value, path)


def optional_text(node: YMap, key: str, path: str) -> str | None:
    """Return the text for `key`, or None when the key is absent."""
    return optional(node, key, path, lambda value, path: parse_text(value, path, key))


def is_empty(node) -> bool:
    """Tell whether a node is an empty mapping or nothing at all."""
    if isinstance(node, YMap):
        return not node.entries
    return isinstance(node, YScalar) and node.plain and node.text == ""


def parse_text(node, path: str, what: str = "this value") -> str:
    """Return non-empty text, stripped."""
    if not isinstance(node, YScalar):
        raise fail(path, node, f"{what} must be text, found {describe(node)}", "write it on one line, or in quotes")
    text = node.text.strip()
    if not text or (node.plain and text in NULL_WORDS):
        raise fail(path, node, f"{what} is empty", "write some text, or remove the line")
    return text


def parse_url(node, path: str) -> str:
    """Return an absolute http:// or https:// address."""
    url = parse_text(node, path, "url")
    if not url.lower().startswith(("http://", "https://")):
        raise fail(
            path,
            node,
            f"url must start with http:// or https://, found {quote(url)}",
            "copy the full address from the browser",
        )
    if any(character <= " " or character == "\x7f" for character in url):
        raise fail(path, node, "url contains spaces or invisible characters", "copy the full address from the browser")
    try:
        parts = urllib.parse.urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError:
        host = None
    if not host:
        raise fail(path, node, f"url has no valid host: {quote(url)}", "copy the full address from the browser")
    return url


def parse_color(node, path: str) -> str:
    """Return a `#rgb` or `#rrggbb` color."""
    if isinstance(node, YScalar) and node.plain and node.text == "":
        raise fail(path, node, "color is empty", 'an unquoted # starts a comment: write it in quotes, like "#1f77b4"')
    color = parse_text(node, path, "color")
    if not COLOR.fullmatch(color):
        raise fail(path, node, f"{quote(color)} is not a color", 'write #rgb or #rrggbb in quotes, like "#1f77b4"')
    return color


def parse_day(node, path: str, what: str = "date") -> dt.date:
    """Return the day written as plain YYYY-MM-DD."""
    if not isinstance(node, YScalar):
        raise fail(path, node, f"{what} must be a date like 2016-12-23, found {describe(node)}")
    if not node.plain and DAY.fullmatch(node.text.strip()):
        raise fail(path, node, f"date {quote(node.text)} is in quotes", "remove the quotes")
    return day_from_text(node.text, path, node, what)


def day_from_text(text: str, path: str, where, what: str = "date") -> dt.date:
    """Return the day of a YYYY-MM-DD text, refusing days that do not exist."""
    match = DAY.fullmatch(text)
    if not match:
        raise fail(path, where, f"{what} must be a date like 2016-12-23, found {quote(text)}", "write it as YYYY-MM-DD")
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        raise fail(path, where, f"'{text}' is not a real day", "check the day and the month") from None


def parse_period(entry: YEntry, path: str) -> tuple[dt.date, dt.date]:
    """Return the inclusive (start, end) of a period key."""
    text = entry.key
    if match := MONTH.fullmatch(text):
        year, month = map(int, match.groups())
        if not (1 <= year and 1 <= month <= 12):
            raise fail(path, entry, f"'{text}' is not a real month", "check the year and the month")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if match := DAY_RANGE.fullmatch(text):
        start, end = (day_from_text(day, path, entry, "period") for day in match.groups())
        if end < start:
            raise fail(path, entry, f"period '{text}' ends before it starts", "write the earlier day first")
        return start, end
    if DAY.fullmatch(text):
        day = day_from_text(text, path, entry, "period")
        return day, day
    raise fail(path, entry, f"{quote(text)} is not a period", PERIOD_EXAMPLE)


FIGURE_KEYS = ("value", "at_least", "about", "fall")
MAX_DECIMALS = 6


def parse_figure(
    node, path: str, decimals: int | None = None, metric_id: str = "", catalogue_path: str = ""
) -> tuple[Value, str | None]:
    """Return a figure and the reason of a declared fall: 145000, {at_least: n}, {about: n}, {value: n, fall: why}.

    `catalogue_path` names the metrics catalogue in the message about decimals.
    """
    if not isinstance(node, YMap):
        return Value(parse_number(node, path, decimals, metric_id, catalogue_path)), None
    reject_unknown_keys(node, FIGURE_KEYS, path, "a figure")
    amounts = [entry for entry in node.entries if entry.key != "fall"]
    if len(amounts) != 1:
        raise fail(
            path, node, "a figure takes exactly one of value:, at_least: or about:", "write it like {at_least: 1000}"
        )
    entry = amounts[0]
    bound = "exact" if entry.key == "value" else entry.key
    return Value(parse_number(entry.value, path, decimals, metric_id, catalogue_path), bound), optional_text(
        node, "fall", path
    )


def parse_number(
    node, path: str, decimals: int | None = None, metric_id: str = "", catalogue_path: str = ""
) -> int | float:
    """Return a plain non-negative number up to MAX_VALUE, with at most `decimals` digits after the point."""
    if not isinstance(node, YScalar):
        raise fail(path, node, f"expected a number, found {describe(node)}", NUMBER_EXAMPLE)
    match = NUMBER.fullmatch(node.text)
    if not node.plain and NUMBER.fullmatch(node.text.strip()):
        raise fail(path, node, f"{quote(node.text.strip(), 20)} is in quotes, so it is text", "remove the quotes")
    if not match:
        raise fail(path, node, *number_problem(node.text))
    if len(match.group(1)) > len(str(MAX_VALUE)) or Decimal(node.text) > MAX_VALUE:
        raise fail(
            path, node, f"{quote(node.text, 20)} is beyond a sane bound", f"figures above {MAX_VALUE} are surely a typo"
        )
    if decimals is not None and match.group(2):
        check_decimals(node, path, match.group(1), match.group(2)[1:], decimals, metric_id, catalogue_path)
    return float(node.text) if match.group(2) else int(node.text)


def check_decimals(
    node: YScalar, path: str, whole: str, fraction: str, decimals: int, metric_id: str, catalogue_path: str
) -> None:
    """Refuse more digits after the point than the metric allows, and a French thousands dot (210.000)."""
    significant = fraction.rstrip("0")
    if decimals == 0 and len(fraction) == 3:
        meant = f", or {whole}.0 if you mean {whole}" if not significant else ""
        raise fail(
            path,
            node,
            f"{quote(node.text)} is ambiguous",
            f"write {whole}{fraction} (digits only){meant}: '{metric_id}' counts whole units",
        )
    if len(significant) > decimals:
        allowed = "whole units" if decimals == 0 else f"at most {decimals} decimal(s)"
        raise fail(
            path,
            node,
            f"{quote(node.text)} has more decimals than '{metric_id}' allows ({allowed})",
            f"round it, or set 'decimals: {len(significant)}' for this metric in {catalogue_path or 'the catalogue'}",
        )


def parse_decimals(node, path: str) -> int:
    """Return how many digits a metric allows after the point (0 to MAX_DECIMALS)."""
    text = parse_text(node, path, "decimals")
    if not (isinstance(node, YScalar) and node.plain and text.isdigit() and int(text) <= MAX_DECIMALS):
        raise fail(
            path,
            node,
            f"decimals must be a whole number from 0 to {MAX_DECIMALS}, found {quote(text)}",
            "write 0 for counts of people, 1 or 2 for rates",
        )
    return int(text)


def number_problem(text: str) -> tuple[str, str]:
    """Explain why `text` is not a plain number: (message, hint)."""
    text = text.strip()
    shown = quote(text, 20)
    if not text or text in NULL_WORDS:
        return "missing number", NUMBER_EXAMPLE
    if NOT_A_NUMBER.fullmatch(text):
        return f"{shown} is not a number", NUMBER_EXAMPLE
    if text.startswith("-"):
        return f"{shown} is negative", "figures cannot be below zero"
    if text.startswith("+"):
        return f"{shown} has a sign", "write the number without '+'"
    if EXPONENT.fullmatch(text) and any(c.isdigit() for c in text.split("e")[0].split("E")[0]):
        return f"{shown} is not a plain number", f"write the digits, like {digits_of(text)}"
    if LEADING_ZERO.fullmatch(text):
        return f"{shown} starts with a zero", f"write it without leading zeros, like {Decimal(text)}"
    if OTHER_BASE.fullmatch(text):
        return f"{shown} is not a plain number", "write the figure in decimal digits, like 145000"
    if TIME_LIKE.fullmatch(text):
        return f"{shown} looks like a time, not a number", NUMBER_EXAMPLE
    if LOOSE_DECIMAL.fullmatch(text):
        return f"{shown} is not a plain number", "write digits on both sides of the dot, like 2.0 or 0.5"
    if SEPARATED.fullmatch(text):
        return f"{shown} has separators", "write the digits only, with a dot for decimals, like 145000 or 2.5"
    return f"{shown} is not a number", NUMBER_EXAMPLE


def digits_of(text: str) -> str:
    """Return a number in exponent notation written out in digits, when short."""
    try:
        number = Decimal(text)
    except ArithmeticError:
        return "1000"
    if not number.is_finite() or abs(number.adjusted()) > 15:
        return "1000"
    return format(number.normalize(), "f")
