"""The schema of one `stats/snapshots/*.yaml` file: date, source, and figures under totals and periods."""

from __future__ import annotations

import hashlib
from typing import NamedTuple

from .fields import (
    did_you_mean,
    expect_map,
    fail,
    is_empty,
    optional,
    optional_text,
    parse_day,
    parse_period,
    parse_text,
    parse_url,
    parse_value,
    reject_unknown_keys,
    require,
)
from .model import Metric, Observation, Snapshot
from .yaml_nodes import YEntry, YMap, load as read_yaml, quote


SNAPSHOT_KEYS = ("date", "source", "url", "note", "totals", "periods")


class Figure(NamedTuple):
    """An observation with the column of its key, for messages."""

    observation: Observation
    column: int


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
