"""The schema of `stats/metrics.yaml`: metric ids mapped to label, kind and optional details."""

from __future__ import annotations

import re

from transparency_stats.errors import Problems

from .fields import (
    did_you_mean,
    expect_map,
    fail,
    optional,
    optional_text,
    parse_color,
    parse_decimals,
    parse_text,
    reject_unknown_keys,
    require,
)
from .model import Metric
from .yaml_nodes import YEntry, quote
from .yaml_nodes import load as read_yaml

METRIC_KEYS = ("label", "kind", "platform", "unit", "description", "color", "decimals")

KINDS = ("total", "period")

METRIC_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


def parse_catalogue(
    data: bytes, path: str, problems: Problems, reserved: dict[str, str]
) -> tuple[dict[str, Metric], set[str]]:
    """Return the valid metrics of the catalogue in file order, and the ids of broken ones (in `problems`).

    `reserved` maps the names the data page writes in its own folder, where each metric also
    gets a page at <id>/, to what they hold: a metric with one of these ids is refused.
    """
    root = expect_map(
        read_yaml(data, path),
        path,
        "the metrics catalogue",
        "write one metric id per line, followed by its label: and kind:",
    )
    metrics, broken = {}, set()
    for entry in root.entries:
        broken.add(entry.key)
        with problems.collect():
            metrics[entry.key] = parse_metric(entry, path, reserved)
            broken.discard(entry.key)
    return metrics, broken


def parse_metric(entry: YEntry, path: str, reserved: dict[str, str]) -> Metric:
    """Return the metric described by one catalogue entry."""
    check_metric_id(entry, path, reserved)
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
        decimals=optional(fields, "decimals", path, parse_decimals) or 0,
    )


def check_metric_id(entry: YEntry, path: str, reserved: dict[str, str]) -> None:
    """Refuse a metric id that is not lowercase letters, digits, '.', '_' or '-', or that the data page uses."""
    if entry.key in reserved:
        raise fail(
            path,
            entry,
            f"metric id {quote(entry.key)} is taken: the data page keeps "
            f"{reserved[entry.key]} there, where the metric's page would go",
            f"choose another id, like {quote('site.' + entry.key)}",
        )
    if METRIC_ID.fullmatch(entry.key):
        return
    lower = entry.key.lower()
    hint = (
        f"write it in lowercase: {quote(lower)}"
        if METRIC_ID.fullmatch(lower)
        else "use lowercase letters, digits, '.', '_' and '-', starting with a letter or digit,"
        " like youtube.subscribers"
    )
    raise fail(path, entry, f"{quote(entry.key)} is not a valid metric id", hint)


def parse_kind(node, path: str) -> str:
    """Return 'total' or 'period'."""
    kind = parse_text(node, path, "kind")
    if kind not in KINDS:
        hint = did_you_mean(kind, KINDS) or "total: a count read on a day; period: a count over a period"
        raise fail(path, node, f"kind must be 'total' or 'period', found {quote(kind)}", hint)
    return kind
