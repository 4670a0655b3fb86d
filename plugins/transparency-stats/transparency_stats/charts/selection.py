"""Select, once per chart, exactly the figures it shows: the figure JSON, the table and the CSV all read this."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from transparency_stats.stats.model import ChartSpec, Metric, Observation, StatsData


def chart_metric_ids(spec: ChartSpec) -> tuple[str, ...]:
    """Return the chart's metric ids in the order written, each once."""
    return tuple(dict.fromkeys(spec.metrics))


def latest_observation(series: Iterable[Observation]) -> Observation | None:
    """Return the observation ending last (the shorter period on a tie), or None."""
    return max(series, key=lambda o: (o.end, o.start), default=None)


def chart_observations(spec: ChartSpec, stats: StatsData) -> list[Observation]:
    """Return exactly what the chart plots: per metric in chart order, by (start, end)."""
    series = [stats.series(m, spec.start, spec.end) for m in chart_metric_ids(spec)]
    if spec.type == "latest":
        return [o for o in map(latest_observation, series) if o is not None]
    return [o for s in series for o in s]


@dataclass(frozen=True)
class ChartSelection:
    """One chart's spec, its metrics in chart order, and exactly the figures it plots."""

    spec: ChartSpec
    metrics: tuple[Metric, ...]
    observations: tuple[Observation, ...]
    events: tuple = ()  # the stats.events.Event objects the chart marks, in the order written


def select(spec: ChartSpec, stats: StatsData) -> ChartSelection:
    """Return the chart's selection of figures."""
    metrics = tuple(stats.metrics[m] for m in chart_metric_ids(spec))
    events = tuple(stats.events[e] for e in spec.events if e in stats.events)
    return ChartSelection(spec, metrics, tuple(chart_observations(spec, stats)), events)
