"""Load and validate `stats/`: the metrics catalogue and the snapshot files.

Contract:

`stats/metrics.yaml` maps metric ids (`^[a-z0-9][a-z0-9._-]*$`) to
`label` (required), `kind` (required: total | period), and optional `platform`,
`unit`, `description`, `color` (`#rgb` or `#rrggbb`).

`stats/snapshots/*.yaml|*.yml` each hold `date` (YYYY-MM-DD), `source`, optional
`url` (http/https) and `note`, and figures under `totals` (metric: value) and/or
`periods` (metric: {period: value}). A value is a plain number (`145000`,
`2.5`) or `{at_least: n}` / `{about: n}`. A period is `YYYY-MM`,
`YYYY-MM-DD..YYYY-MM-DD` or `YYYY-MM-DD`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import os
import re
import stat
import urllib.parse
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from .errors import StatsError
from .formatting import is_whole_month
from .model import Metric, Observation, Snapshot, StatsData, Value
from .strict_yaml import (
    MAX_BYTES,
    YEntry,
    YMap,
    YScalar,
    describe,
    did_you_mean,
    expect_map,
    fail,
    load as read_yaml,
    quote,
    reject_unknown_keys,
    require,
)

MAX_VALUE = 10**12
METRIC_KEYS = ("label", "kind", "platform", "unit", "description", "color")
SNAPSHOT_KEYS = ("date", "source", "url", "note", "totals", "periods")
BOUNDS = ("at_least", "about")
KINDS = ("total", "period")
SNAPSHOT_SUFFIXES = (".yaml", ".yml")
NULL_WORDS = ("~", "null", "Null", "NULL")

METRIC_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")
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


class Figure(NamedTuple):
    """An observation with the column of its key, for messages."""

    observation: Observation
    column: int


def load_stats(stats_dir: str | Path, display_root: str | Path | None = None) -> StatsData:
    """Read, validate and merge everything under `stats_dir`."""
    stats_dir = Path(stats_dir)
    display_root = Path(display_root) if display_root is not None else stats_dir.parent
    root = real_folder(stats_dir, display_path(stats_dir, display_root), "stats folder")
    files: dict[str, bytes] = {}

    catalogue_path = display_path(stats_dir / "metrics.yaml", display_root)
    files[catalogue_path] = read_file(stats_dir / "metrics.yaml", root, catalogue_path,
                                      "missing metrics catalogue", "create it; write {} if there are no metrics yet")
    catalogue = parse_catalogue(files[catalogue_path], catalogue_path)

    parsed = []
    folder = stats_dir / "snapshots"
    for name in snapshot_names(folder, root, display_path(folder, display_root)):
        path = display_path(folder / name, display_root)
        files[path] = read_file(folder / name, root, path, "file not found", "")
        parsed.append(parse_snapshot(files[path], path, name, catalogue, catalogue_path))

    parsed.sort(key=lambda item: (item[0].date, item[0].filename))
    return StatsData(
        metrics=catalogue,
        snapshots=tuple(snapshot for snapshot, _ in parsed),
        observations=merge_figures(parsed, catalogue),
        fingerprint=fingerprint(files),
    )


# Files


def display_path(path: Path, display_root: Path) -> str:
    """Return `path` as a POSIX path relative to `display_root`."""
    relative = os.path.relpath(os.path.abspath(path), os.path.abspath(display_root))
    return relative.replace(os.sep, "/")


def real_folder(folder: Path, shown: str, what: str) -> Path:
    """Return the resolved `folder`, or raise if it is missing or not a folder."""
    if not folder.is_dir():
        raise StatsError(shown, 1, 1, f"missing {what}", f"create the folder {shown}/")
    return folder.resolve()


def resolve_inside(path: Path, root: Path, shown: str, missing: str, hint: str) -> Path:
    """Resolve `path`, refusing broken links and anything that leads outside `root`."""
    try:
        os.lstat(path)
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise StatsError(shown, 1, 1, missing if not os.path.islink(path) else "broken link", hint) from None
    except (OSError, RuntimeError) as error:
        raise StatsError(shown, 1, 1, f"cannot open this path ({error.__class__.__name__})",
                         "replace it with a plain file") from None
    if not real.is_relative_to(root):
        raise StatsError(shown, 1, 1, "this link leads outside the stats folder",
                         "replace the link with a copy of the file")
    return real


def read_file(path: Path, root: Path, shown: str, missing: str, hint: str) -> bytes:
    """Read a regular file inside `root` once, at most MAX_BYTES + 1 bytes."""
    real = resolve_inside(path, root, shown, missing, hint)
    if not stat.S_ISREG(os.stat(real).st_mode):
        raise StatsError(shown, 1, 1, "not a regular file", "keep only plain files here")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(real, flags)
    except OSError as error:
        raise StatsError(shown, 1, 1, f"cannot read this file ({error.strerror})", "check its permissions") from None
    with os.fdopen(descriptor, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise StatsError(shown, 1, 1, "not a regular file", "keep only plain files here")
        return file.read(MAX_BYTES + 1)


def snapshot_names(folder: Path, root: Path, shown: str) -> list[str]:
    """List the snapshot file names of `folder`, sorted."""
    real = resolve_inside(folder, root, shown, "missing snapshots folder",
                          f"create the folder {shown}/ (it may stay empty)")
    if not real.is_dir():
        raise StatsError(shown, 1, 1, "not a folder", f"{shown} must be a folder of snapshot files")
    names = sorted(name for name in os.listdir(real) if name.endswith(SNAPSHOT_SUFFIXES) and not name.startswith("."))
    for name in names:
        if not name.isprintable() or name != name.encode("utf-8", "replace").decode("utf-8"):
            raise StatsError(f"{shown}/{name!r}", 1, 1, "odd characters in this file name",
                             "rename it with letters, digits and dashes, like 2016-12-23.yaml")
    return names


def fingerprint(files: dict[str, bytes]) -> str:
    """Return the SHA-256 over every (path, bytes), in path order."""
    digest = hashlib.sha256()
    for path in sorted(files):
        for part in (path.encode("utf-8"), files[path]):
            digest.update(len(part).to_bytes(8, "big"))
            digest.update(part)
    return digest.hexdigest()


# The catalogue


def parse_catalogue(data: bytes, path: str) -> dict[str, Metric]:
    """Return the metrics of `stats/metrics.yaml`, in file order."""
    root = expect_map(read_yaml(data, path), path, "the metrics catalogue",
                      "write one metric id per line, followed by its label: and kind:")
    return {entry.key: parse_metric(entry, path) for entry in root.entries}


def parse_metric(entry: YEntry, path: str) -> Metric:
    """Return the metric described by one catalogue entry."""
    check_metric_id(entry, path)
    what = f"metric '{entry.key}'"
    fields = expect_map(entry.value, path, what, "give it at least label: and kind:")
    reject_unknown_keys(fields, METRIC_KEYS, path, what)
    return Metric(
        id=entry.key,
        label=parse_text(require(fields, "label", path, what).value, path, "label"),
        kind=parse_kind(require(fields, "kind", path, what, "add 'kind: total' or 'kind: period'").value, path),
        platform=optional_text(fields, "platform", path),
        unit=optional_text(fields, "unit", path),
        description=optional_text(fields, "description", path),
        color=optional(fields, "color", path, parse_color),
        line=entry.line,
    )


def check_metric_id(entry: YEntry, path: str) -> None:
    """Refuse a metric id that is not lowercase letters, digits, '.', '_' or '-'."""
    if METRIC_ID.fullmatch(entry.key):
        return
    lower = entry.key.lower()
    hint = (f"write it in lowercase: {quote(lower)}" if METRIC_ID.fullmatch(lower)
            else "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit,"
            " like youtube.subscribers")
    raise fail(path, entry, f"{quote(entry.key)} is not a valid metric id", hint)


def parse_kind(node, path: str) -> str:
    """Return 'total' or 'period'."""
    kind = parse_text(node, path, "kind")
    if kind not in KINDS:
        hint = did_you_mean(kind, KINDS) or "total: a count read on a day; period: a count over a period"
        raise fail(path, node, f"kind must be 'total' or 'period', found {quote(kind)}", hint)
    return kind


def parse_color(node, path: str) -> str:
    """Return a `#rgb` or `#rrggbb` color."""
    if isinstance(node, YScalar) and node.plain and node.text == "":
        raise fail(path, node, "color is empty", "an unquoted # starts a comment: write it in quotes, like \"#1f77b4\"")
    color = parse_text(node, path, "color")
    if not COLOR.fullmatch(color):
        raise fail(path, node, f"{quote(color)} is not a color", "write #rgb or #rrggbb in quotes, like \"#1f77b4\"")
    return color


# Plain values


def optional(node: YMap, key: str, path: str, parse):
    """Return `parse(value, path)` for `key`, or None when the key is absent."""
    entry = node.get(key)
    return None if entry is None else parse(entry.value, path)


def optional_text(node: YMap, key: str, path: str) -> str | None:
    """Return the text for `key`, or None when the key is absent."""
    return optional(node, key, path, lambda value, path: parse_text(value, path, key))


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
        raise fail(path, node, f"url must start with http:// or https://, found {quote(url)}",
                   "copy the full address from the browser")
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


def parse_value(node, path: str) -> Value:
    """Return a figure: a plain number, or {at_least: n} or {about: n}."""
    if not isinstance(node, YMap):
        return Value(parse_number(node, path))
    if len(node.entries) != 1:
        raise fail(path, node, "a bounded figure takes exactly one of at_least: or about:",
                   "write it like {at_least: 1000}")
    reject_unknown_keys(node, BOUNDS, path, "a figure")
    entry = node.entries[0]
    return Value(parse_number(entry.value, path), entry.key)


def parse_number(node, path: str) -> int | float:
    """Return a plain non-negative number up to MAX_VALUE (int, or float with a decimal point)."""
    if not isinstance(node, YScalar):
        raise fail(path, node, f"expected a number, found {describe(node)}", NUMBER_EXAMPLE)
    match = NUMBER.fullmatch(node.text)
    if not node.plain and NUMBER.fullmatch(node.text.strip()):
        raise fail(path, node, f"{quote(node.text.strip(), 20)} is in quotes, so it is text", "remove the quotes")
    if not match:
        raise fail(path, node, *number_problem(node.text))
    if len(match.group(1)) > len(str(MAX_VALUE)) or Decimal(node.text) > MAX_VALUE:
        raise fail(path, node, f"{quote(node.text, 20)} is beyond a sane bound",
                   f"figures above {MAX_VALUE} are surely a typo")
    return float(node.text) if match.group(2) else int(node.text)


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


# Snapshots


def parse_snapshot(data: bytes, path: str, filename: str, catalogue: dict[str, Metric],
                   catalogue_path: str) -> tuple[Snapshot, list[Figure]]:
    """Return one snapshot file and its figures."""
    root = expect_map(read_yaml(data, path), path, "a snapshot", "start with 'date: YYYY-MM-DD'")
    reject_unknown_keys(root, SNAPSHOT_KEYS, path, "a snapshot")
    snapshot = Snapshot(
        path=path,
        filename=filename,
        date=parse_day(require(root, "date", path, "this snapshot", "add 'date: YYYY-MM-DD'").value, path),
        source=parse_text(require(root, "source", path, "this snapshot",
                                  "add 'source: ...' saying where the figures come from").value, path, "source"),
        url=optional(root, "url", path, parse_url),
        note=optional_text(root, "note", path),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    figures = []
    if entry := root.get("totals"):
        figures += parse_totals(entry, path, snapshot, catalogue, catalogue_path)
    if entry := root.get("periods"):
        figures += parse_periods(entry, path, snapshot, catalogue, catalogue_path)
    if not figures:
        raise fail(path, root, "this snapshot has no figures", "add totals: or periods: with at least one figure")
    return snapshot, figures


def figures_table(entry: YEntry, path: str, example: str) -> YMap:
    """Return the non-empty mapping under `totals:` or `periods:`."""
    if is_empty(entry.value):
        raise fail(path, entry, f"{entry.key} has no figures", f"add some, like {example}, or remove the line")
    return expect_map(entry.value, path, entry.key, f"write one metric per line, like {example}")


def is_empty(node) -> bool:
    """Tell whether a node is an empty mapping or nothing at all."""
    if isinstance(node, YMap):
        return not node.entries
    return isinstance(node, YScalar) and node.plain and node.text == ""


def parse_totals(entry: YEntry, path: str, snapshot: Snapshot, catalogue: dict[str, Metric],
                 catalogue_path: str) -> list[Figure]:
    """Return the figures under `totals:`, each read on the snapshot's date."""
    figures = []
    for item in figures_table(entry, path, "youtube.subscribers: 145000").entries:
        check_metric(item, "total", path, catalogue, catalogue_path)
        value = parse_value(item.value, path)
        figures.append(Figure(Observation(item.key, snapshot.date, snapshot.date, value, snapshot, item.line),
                              item.column))
    return figures


def parse_periods(entry: YEntry, path: str, snapshot: Snapshot, catalogue: dict[str, Metric],
                  catalogue_path: str) -> list[Figure]:
    """Return the figures under `periods:`, one per metric and period."""
    figures = []
    for item in figures_table(entry, path, "site.visits: {2016-12: 1200}").entries:
        check_metric(item, "period", path, catalogue, catalogue_path)
        if is_empty(item.value):
            raise fail(path, item, f"'{item.key}' has no periods", "add one per line below it, like 2016-12: 1200")
        periods = expect_map(item.value, path, f"the periods of '{item.key}'",
                             "write one period per line below it, like 2016-12: 1200")
        for period in periods.entries:
            start, end = parse_period(period, path)
            value = parse_value(period.value, path)
            figures.append(Figure(Observation(item.key, start, end, value, snapshot, period.line), period.column))
    return figures


def check_metric(item: YEntry, kind: str, path: str, catalogue: dict[str, Metric], catalogue_path: str) -> None:
    """Refuse an unknown metric, or one of the other kind."""
    metric = catalogue.get(item.key)
    if metric is None:
        hint = did_you_mean(item.key, catalogue) or f"add it to {catalogue_path} first"
        raise fail(path, item, f"unknown metric {quote(item.key)}", hint)
    if metric.kind != kind:
        section = "periods" if metric.kind == "period" else "totals"
        raise fail(path, item, f"'{item.key}' is a {metric.kind} metric (see {catalogue_path}:{metric.line})",
                   f"move it under {section}:")


# Merging


def merge_figures(parsed: list[tuple[Snapshot, list[Figure]]],
                  catalogue: dict[str, Metric]) -> dict[str, tuple[Observation, ...]]:
    """Merge every snapshot's figures, refusing two values for one metric and date or period."""
    kept: dict[tuple[str, dt.date, dt.date], Observation] = {}
    for _, figures in parsed:
        for observation, column in figures:
            first = kept.setdefault((observation.metric, observation.start, observation.end), observation)
            if first.value != observation.value:
                raise StatsError(
                    observation.snapshot.path, observation.line, column,
                    f"'{observation.metric}' {when(observation)} is {show_value(observation.value)} here"
                    f" but {show_value(first.value)} in {first.snapshot.path}:{first.line}",
                    "keep one value",
                )
    by_metric: dict[str, list[Observation]] = {metric_id: [] for metric_id in catalogue}
    for observation in kept.values():
        by_metric[observation.metric].append(observation)
    return {metric_id: tuple(sorted(found, key=lambda o: (o.start, o.end))) for metric_id, found in by_metric.items()}


def when(observation: Observation) -> str:
    """Say the date or period of an observation."""
    start, end = observation.start, observation.end
    if start == end:
        return f"on {start.isoformat()}"
    if is_whole_month(start, end):
        return f"for {start.year:04d}-{start.month:02d}"
    return f"for {start.isoformat()}..{end.isoformat()}"


def show_value(value: Value) -> str:
    """Write a value as in the files, e.g. 145000, at least 1000, about 2.5."""
    prefix = {"exact": "", "at_least": "at least ", "about": "about "}[value.bound]
    return f"{prefix}{value.amount}"
