"""The schema of one `stats/snapshots/*.yaml` file: date, source, figures under totals and periods, corrections."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import NamedTuple

from transparency_stats.errors import Problems, StatsError

from .fields import (
    expect_map,
    fail,
    is_empty,
    new_metric_hint,
    optional,
    parse_day,
    parse_figure,
    parse_period,
    parse_text,
    parse_url,
    reject_unknown_keys,
    require,
)
from .model import Metric, Observation, Snapshot
from .yaml_nodes import YEntry, YList, YMap, quote
from .yaml_nodes import load as read_yaml

SNAPSHOT_KEYS = ("date", "source", "url", "note", "totals", "periods", "corrections")
CORRECTION_KEYS = ("metric", "date", "period", "value", "reason")
# What `invoke snapshot` writes for the author to replace: never published.
TEMPLATE_MARK = "# (modèle)"
PLACEHOLDER_SOURCE = re.compile(r"\s*(?:à|a|À|A) compléter", re.IGNORECASE)
CORRECTION_EXAMPLE = "- {metric: youtube.subscribers, date: 2016-12-23, value: 146000, reason: Erreur de saisie}"


class Figure(NamedTuple):
    """An observation with the column of its key, and the reason of a declared fall, for checks and messages."""

    observation: Observation
    column: int
    fall: str | None = None


class CorrectionRequest(NamedTuple):
    """A snapshot's request to correct the figure of `metric` on (start, end) to `observation`'s value."""

    observation: Observation  # the corrected figure, in the correcting snapshot
    column: int
    reason: str


class ParsedSnapshot(NamedTuple):
    """One snapshot file: its metadata, its figures and its corrections."""

    snapshot: Snapshot
    figures: list[Figure]
    corrections: list[CorrectionRequest]


def parse_snapshot(
    data: bytes,
    path: str,
    filename: str,
    catalogue: dict[str, Metric],
    catalogue_path: str,
    problems: Problems,
    broken_ids: frozenset[str] = frozenset(),
) -> ParsedSnapshot | None:
    """Return one snapshot file, or None when its date or source is unusable; every problem goes to `problems`."""
    check_template_lines(data, path, problems)
    root = expect_map(read_yaml(data, path), path, "a snapshot", "start with 'date: YYYY-MM-DD'")
    with problems.collect():
        reject_unknown_keys(root, SNAPSHOT_KEYS, path, "a snapshot")
    header = {}
    for key, parse in (("date", parse_date), ("source", parse_source), ("url", None), ("note", None)):
        with problems.collect():
            header[key] = (
                parse(root, path)
                if parse
                else optional(
                    root, key, path, parse_url if key == "url" else lambda node, path: parse_text(node, path, "note")
                )
            )
    if "date" not in header or "source" not in header:
        return None
    header.setdefault("url", None)
    header.setdefault("note", None)
    snapshot = Snapshot(path=path, filename=filename, sha256=hashlib.sha256(data).hexdigest(), data=data, **header)
    context = Context(path, snapshot, catalogue, catalogue_path, problems, broken_ids)
    figures: list[Figure] = []
    if entry := root.get("totals"):
        with problems.collect():
            figures += parse_totals(entry, context)
    if entry := root.get("periods"):
        with problems.collect():
            figures += parse_periods(entry, context)
    corrections: list[CorrectionRequest] = []
    if entry := root.get("corrections"):
        with problems.collect():
            corrections = parse_corrections(entry, context)
    if not (figures or corrections or root.get("totals") or root.get("periods")):
        problems.errors.append(
            fail(path, root, "this snapshot has no figures", "add totals: or periods: with at least one figure")
        )
    return ParsedSnapshot(snapshot, figures, corrections)


class Context(NamedTuple):
    """What the figure parsers of one snapshot need to know."""

    path: str
    snapshot: Snapshot
    catalogue: dict[str, Metric]
    catalogue_path: str
    problems: Problems
    broken_ids: frozenset[str]


def check_template_lines(data: bytes, path: str, problems: Problems) -> None:
    """Refuse the template's instruction lines: they are meant for the author, not for publication."""
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
        column = line.find(TEMPLATE_MARK)
        if column >= 0:
            problems.errors.append(
                StatsError(
                    path,
                    number,
                    column + 1,
                    f"this line is still the template's instruction ({quote(line.strip(), 50)})",
                    f"fill it in and remove '{TEMPLATE_MARK}', or delete the line",
                )
            )


def parse_date(root: YMap, path: str) -> dt.date:
    """Return the snapshot's required date."""
    return parse_day(require(root, "date", path, "this snapshot", "add 'date: YYYY-MM-DD'").value, path)


def parse_source(root: YMap, path: str) -> str:
    """Return the snapshot's required source, refusing the template's placeholder."""
    node = require(root, "source", path, "this snapshot", "add 'source: ...' saying where the figures come from").value
    source = parse_text(node, path, "source")
    if PLACEHOLDER_SOURCE.match(source):
        raise fail(
            path,
            node,
            f"the source is still the template's placeholder ({quote(source)})",
            "say where the figures come from, like 'Statistiques YouTube Studio'",
        )
    return source


def figures_table(entry: YEntry, path: str, example: str) -> YMap:
    """Return the non-empty mapping under `totals:` or `periods:`."""
    if is_empty(entry.value):
        raise fail(path, entry, f"{entry.key} has no figures", f"add some, like {example}, or remove the line")
    return expect_map(entry.value, path, entry.key, f"write one metric per line, like {example}")


def parse_totals(entry: YEntry, context: Context) -> list[Figure]:
    """Return the figures under `totals:`, each read on the snapshot's date."""
    return metric_figures(entry, "total", "youtube.subscribers: 145000", context, total_figure)


def parse_periods(entry: YEntry, context: Context) -> list[Figure]:
    """Return the figures under `periods:`, one per metric and period."""
    return metric_figures(entry, "period", "site.visits: {2016-12: 1200}", context, period_figures)


def metric_figures(entry: YEntry, kind: str, example: str, context: Context, parse_item) -> list[Figure]:
    """Return `parse_item(item, metric, context)` for every metric under `totals:` or `periods:`, going on after a
    broken one (its problems are collected)."""
    figures = []
    for item in figures_table(entry, context.path, example).entries:
        with context.problems.collect():
            metric = check_metric(item, kind, context)
            if metric is not None:
                figures += parse_item(item, metric, context)
    return figures


def total_figure(item: YEntry, metric: Metric, context: Context) -> list[Figure]:
    """Return the one figure of a total, read on the snapshot's date."""
    snapshot = context.snapshot
    value, fall = parse_figure(item.value, context.path, metric.decimals, metric.id, context.catalogue_path)
    observation = Observation(item.key, snapshot.date, snapshot.date, value, snapshot, item.line, fall)
    return [Figure(observation, item.column, fall)]


def period_figures(item: YEntry, metric: Metric, context: Context) -> list[Figure]:
    """Return the figures of a period metric, one per period, going on after a broken one."""
    path = context.path
    if is_empty(item.value):
        raise fail(path, item, f"'{item.key}' has no periods", "add one per line below it, like 2016-12: 1200")
    periods = expect_map(
        item.value, path, f"the periods of '{item.key}'", "write one period per line below it, like 2016-12: 1200"
    )
    figures = []
    for period in periods.entries:
        with context.problems.collect():
            start, end = parse_period(period, path)
            check_period_is_over(period, start, end, context)
            value, fall = parse_figure(period.value, path, metric.decimals, metric.id, context.catalogue_path)
            if fall is not None:
                raise fail(
                    path, period, "'fall:' is for totals only", "a count over a period may go down; remove 'fall:'"
                )
            observation = Observation(item.key, start, end, value, context.snapshot, period.line)
            figures.append(Figure(observation, period.column))
    return figures


def check_period_is_over(entry: YEntry, start: dt.date, end: dt.date, context: Context) -> None:
    """Refuse a period that ends after the snapshot's date: its count was not over when it was read."""
    day = context.snapshot.date
    if end <= day:
        return
    if start > day:
        raise fail(
            context.path,
            entry,
            f"period '{entry.key}' starts after this snapshot's date ({day.isoformat()})",
            "check the period, or the snapshot's date",
        )
    raise fail(
        context.path,
        entry,
        f"period '{entry.key}' is not over on this snapshot's date ({day.isoformat()})",
        f"write the days counted so far, like {start.isoformat()}..{day.isoformat()}",
    )


def check_metric(item: YEntry, kind: str, context: Context) -> Metric | None:
    """Return the item's metric, refusing an unknown one or one of the other kind (None: already reported)."""
    metric = context.catalogue.get(item.key)
    if metric is None and item.key in context.broken_ids:
        return None  # its catalogue entry is broken, and reported there
    if metric is None:
        raise fail(context.path, item, f"unknown metric {quote(item.key)}", unknown_metric_hint(item.key, context))
    if metric.kind != kind:
        section = "periods" if metric.kind == "period" else "totals"
        raise fail(
            context.path,
            item,
            f"'{item.key}' is a {metric.kind} metric (see {context.catalogue_path}:{metric.line})",
            f"move it under {section}:",
        )
    return metric


def unknown_metric_hint(metric_id: str, context: Context) -> str:
    """Suggest a close metric id, and say how a new metric is added."""
    return new_metric_hint(metric_id, context.catalogue, context.catalogue_path)


def parse_corrections(entry: YEntry, context: Context) -> list[CorrectionRequest]:
    """Return the corrections this snapshot makes to figures of earlier snapshots."""
    path = context.path
    if not isinstance(entry.value, YList) or not entry.value.items:
        raise fail(path, entry, "corrections must be a list", f"write one per line, like {CORRECTION_EXAMPLE}")
    requests = []
    for item in entry.value.items:
        with context.problems.collect():
            requests.append(parse_correction(item, context))
    return requests


def parse_correction(node, context: Context) -> CorrectionRequest:
    """Return one correction: the figure named by metric and date (or period), its new value and the reason."""
    path, snapshot = context.path, context.snapshot
    fields = expect_map(node, path, "a correction", f"write it like {CORRECTION_EXAMPLE}")
    reject_unknown_keys(fields, CORRECTION_KEYS, path, "a correction")
    metric_entry = require(
        fields, "metric", path, "this correction", "name the metric, like metric: youtube.subscribers"
    )
    metric_id = parse_text(metric_entry.value, path, "metric")
    metric = context.catalogue.get(metric_id)
    if metric is None:
        raise fail(
            path, metric_entry.value, f"unknown metric {quote(metric_id)}", unknown_metric_hint(metric_id, context)
        )
    if metric.kind == "total":
        start = end = parse_day(
            require(
                fields, "date", path, "this correction of a total", "name the day of the figure, like date: 2016-12-23"
            ).value,
            path,
        )
    else:
        period = require(
            fields,
            "period",
            path,
            "this correction of a period metric",
            "name the period of the figure, like period: 2016-12",
        )
        start, end = parse_period(
            YEntry(parse_text(period.value, path, "period"), period.value.line, period.value.column, period.value), path
        )
    value, fall = parse_figure(
        require(fields, "value", path, "this correction", "give the right figure, like value: 146000").value,
        path,
        metric.decimals,
        metric.id,
        context.catalogue_path,
    )
    if fall is not None:
        raise fail(path, fields, "a correction takes its reason in 'reason:'", "remove 'fall:'")
    reason = parse_text(
        require(
            fields, "reason", path, "this correction", "say why the figure was wrong, like reason: Erreur de saisie"
        ).value,
        path,
        "reason",
    )
    observation = Observation(metric.id, start, end, value, snapshot, fields.line, reason)
    return CorrectionRequest(observation, fields.column, reason)
