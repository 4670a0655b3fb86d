"""The schema of a post's ```chart block: its YAML, checked against the stats, becomes a ChartSpec.

Keys: `metrics` (required: one id or a list of ids), `title`, `type`
(line | area | bar | latest; default line for totals, bar for periods), `from`
and `to` (YYYY-MM-DD; `to: latest` follows the newest figures in a dated post),
`scale` (linear | log | index: each series 100 at its first figure), `caption`, `events`
(ids of `stats/events.yaml`, marked on the chart).
"""

from __future__ import annotations

import datetime as dt

from transparency_stats.stats.fields import (
    did_you_mean,
    expect_map,
    expect_scalar,
    fail,
    is_empty,
    new_metric_hint,
    optional,
    optional_text,
    parse_day,
    parse_text,
    reject_unknown_keys,
    require,
)
from transparency_stats.stats.model import ChartSpec, StatsData
from transparency_stats.stats.yaml_nodes import YEntry, YList, YMap, YScalar, quote
from transparency_stats.stats.yaml_nodes import load as read_yaml

CHART_KEYS = ("metrics", "title", "type", "from", "to", "scale", "caption", "events")
CHART_TYPES = ("line", "area", "bar", "latest")
SCALES = ("linear", "log", "index")
METRICS_EXAMPLE = "metrics: [youtube.subscribers, twitter.followers]"


def parse_chart_block(text: str, path: str, line: int, stats: StatsData) -> ChartSpec:
    """Return the chart of a block whose opening fence is on `line` of the post at `path`."""
    root = expect_map(
        read_yaml(text.encode("utf-8", "surrogatepass"), path, line),
        path,
        "a chart block",
        f"start with a line like {METRICS_EXAMPLE}",
    )
    reject_unknown_keys(root, CHART_KEYS, path, "a chart block")
    metrics = parse_metric_ids(
        require(root, "metrics", path, "this chart", f"add a line like {METRICS_EXAMPLE}"), path, stats
    )
    kind = common_kind(metrics, root.get("metrics"), path, stats)
    start = optional(root, "from", path, lambda node, path: parse_day(node, path, "from"))
    follows_latest = is_latest(root.get("to"))
    end = None if follows_latest else optional(root, "to", path, lambda node, path: parse_day(node, path, "to"))
    if start and end and start > end:
        raise fail(
            path, root.get("from"), f"from ({start.isoformat()}) is after to ({end.isoformat()})", "swap the two dates"
        )
    check_figures(metrics, start, end, root, path, stats)
    chart_type = optional(root, "type", path, lambda node, path: parse_choice(node, path, "type", CHART_TYPES)) or (
        "line" if kind == "total" else "bar"
    )
    scale = optional(root, "scale", path, lambda node, path: parse_choice(node, path, "scale", SCALES)) or "linear"
    if scale == "index":
        check_index(root, chart_type, [m for m, _ in metrics], start, end, path, stats)
    events = parse_events_key(root, path, stats, chart_type, follows_latest, [m for m, _ in metrics], start, end)
    return ChartSpec(
        metrics=tuple(metric_id for metric_id, _ in metrics),
        type=chart_type,
        title=optional_text(root, "title", path),
        start=start,
        end=end,
        scale=scale,
        caption=optional_text(root, "caption", path),
        path=path,
        line=line,
        follows_latest=follows_latest,
        events=events,
    )


def is_latest(entry: YEntry | None) -> bool:
    """Tell whether `to:` says `latest`: the chart follows the newest figures, even in a dated post."""
    return entry is not None and isinstance(entry.value, YScalar) and entry.value.text.strip() == "latest"


def parse_metric_ids(entry: YEntry, path: str, stats: StatsData) -> list[tuple[str, YScalar]]:
    """Return the chart's known, distinct metric ids, each with its node."""
    node = entry.value
    items = node.items if isinstance(node, YList) else (node,)
    if not items or is_empty(node):
        raise fail(path, entry, "metrics is empty", f"name at least one metric, like {METRICS_EXAMPLE}")
    found: list[tuple[str, YScalar]] = []
    for item in items:
        scalar = expect_scalar(item, path, "a metric id", f"write a list of ids, like {METRICS_EXAMPLE}")
        metric_id = scalar.text.strip()
        if metric_id in (known for known, _ in found):
            raise fail(path, scalar, f"metric '{metric_id}' is listed twice", "keep only one")
        if metric_id not in stats.metrics:
            raise fail(path, scalar, f"unknown metric {quote(metric_id)}", unknown_metric_hint(metric_id, stats))
        found.append((metric_id, scalar))
    return found


def unknown_metric_hint(metric_id: str, stats: StatsData) -> str:
    """Suggest a close metric id, a list, or adding the metric."""
    if "," in metric_id:
        return f"write several metrics as a list, like {METRICS_EXAMPLE}"
    return new_metric_hint(metric_id, stats.metrics, stats.catalogue_path)


def common_kind(metrics: list[tuple[str, YScalar]], entry: YEntry, path: str, stats: StatsData) -> str:
    """Return the kind shared by all metrics, refusing totals mixed with periods."""
    first_id = metrics[0][0]
    kind = stats.metrics[first_id].kind
    for metric_id, scalar in metrics[1:]:
        if stats.metrics[metric_id].kind != kind:
            raise fail(
                path,
                scalar,
                f"'{first_id}' is a {kind} metric but '{metric_id}' is a {stats.metrics[metric_id].kind} metric",
                "put totals and periods in separate charts",
            )
    return kind


def parse_choice(node, path: str, what: str, choices: tuple[str, ...]) -> str:
    """Return a value that is one of `choices`."""
    choice = parse_text(node, path, what)
    if choice not in choices:
        hint = did_you_mean(choice, choices) or "choose one of " + ", ".join(choices)
        raise fail(path, node, f"{what} must be one of {', '.join(choices)}, found {quote(choice)}", hint)
    return choice


def check_figures(
    metrics: list[tuple[str, YScalar]],
    start: dt.date | None,
    end: dt.date | None,
    root: YMap,
    path: str,
    stats: StatsData,
) -> None:
    """Refuse a chart where a metric has no figures at all, or none between from and to."""
    for metric_id, scalar in metrics:
        if not stats.series(metric_id):
            raise fail(
                path,
                scalar,
                f"no figures yet for '{metric_id}'",
                "add some to a snapshot in stats/snapshots/, or remove it from the chart",
            )
    empty = [metric_id for metric_id, _ in metrics if not stats.series(metric_id, start, end)]
    if not empty:
        return
    names = ", ".join(f"'{metric_id}'" for metric_id in empty)
    spans = "; ".join(f"'{metric_id}' has figures {span(stats, metric_id)}" for metric_id in empty)
    raise fail(
        path,
        root.get("from") or root.get("to"),
        f"no figures for {names} {window(start, end)}",
        f"{spans}: widen from/to",
    )


def window(start: dt.date | None, end: dt.date | None) -> str:
    """Say a from/to window in words."""
    if start and end:
        return f"between {start.isoformat()} and {end.isoformat()}"
    if start:
        return f"from {start.isoformat()} on"
    return f"up to {end.isoformat()}"


def span(stats: StatsData, metric_id: str) -> str:
    """Say the dates a metric's figures cover."""
    observations = stats.series(metric_id)
    first = min(o.start for o in observations)
    last = max(o.end for o in observations)
    return f"on {first.isoformat()}" if first == last else f"from {first.isoformat()} to {last.isoformat()}"


def figures_window(metric_ids: list[str], start, end, stats: StatsData) -> tuple[dt.date, dt.date]:
    """Return the days a chart covers: its from/to, else the span of the figures it plots."""
    found = [o for m in metric_ids for o in stats.series(m, start, end)]
    return start or min(o.start for o in found), end or max(o.end for o in found)


def parse_events_key(
    root: YMap, path: str, stats: StatsData, chart_type: str, follows_latest: bool, metric_ids, start, end
):
    """Return the chart's event ids, known, distinct, and inside its window."""
    entry = root.get("events")
    if entry is None:
        return ()
    if chart_type == "latest":
        raise fail(
            path,
            entry,
            "events on a latest chart, which has no time axis",
            "use a line or area chart, or remove events",
        )
    if chart_type == "bar":
        raise fail(
            path,
            entry,
            "events on a bar chart, whose axis lists periods, not days",
            "write type: line, or remove events",
        )
    if follows_latest:
        raise fail(
            path,
            entry,
            "events on a chart that follows the latest figures (to: latest)",
            "give the chart a fixed to: date, or remove events",
        )
    node = entry.value
    items = node.items if isinstance(node, YList) else (node,)
    if not items or is_empty(node):
        raise fail(
            path, entry, "events is empty", "name at least one event of stats/events.yaml, like events: [revue-1]"
        )
    first, last = figures_window(metric_ids, start, end, stats)
    found: list[str] = []
    for item in items:
        scalar = expect_scalar(item, path, "an event id", "write a list of ids, like events: [revue-1, revue-6]")
        event_id = scalar.text.strip()
        if event_id in found:
            raise fail(path, scalar, f"event '{event_id}' is listed twice", "keep only one")
        event = stats.events.get(event_id)
        if event is None:
            hint = did_you_mean(event_id, stats.events) or "add it to stats/events.yaml first"
            raise fail(path, scalar, f"unknown event {quote(event_id)}", hint)
        if event.end < first or event.start > last:
            raise fail(
                path,
                scalar,
                f"event '{event_id}' ({event.start.isoformat()}) is outside this chart's window"
                f" ({first.isoformat()} to {last.isoformat()})",
                "widen from/to, or remove the event",
            )
        found.append(event_id)
    return tuple(found)


def check_index(root: YMap, chart_type: str, metric_ids: list[str], start, end, path: str, stats: StatsData) -> None:
    """Refuse an index scale on a chart that cannot carry it, or for a series with no figure in the window."""
    entry = root.get("scale")
    if chart_type not in ("line", "area"):
        raise fail(path, entry, f"scale: index needs a line or area chart, not {chart_type}", "write type: line")
    for metric_id in metric_ids:
        if not stats.series(metric_id, start, end):
            raise fail(
                path,
                entry,
                f"'{metric_id}' has no figure {window(start, end)} to index",
                "widen from/to, or remove the metric",
            )
