"""Validated, immutable model of the transparency stats (YAML comes in, this goes out)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["total", "period"]
Bound = Literal["exact", "at_least", "about"]
ChartType = Literal["line", "area", "bar", "latest"]


@dataclass(frozen=True)
class Value:
    """A non-negative figure, exact, a lower bound (`at_least`) or an approximation (`about`)."""

    amount: int | float
    bound: Bound = "exact"


@dataclass(frozen=True)
class Metric:
    """One entry of `stats/metrics.yaml`."""

    id: str
    label: str
    kind: Kind
    platform: str | None = None
    unit: str | None = None
    description: str | None = None
    color: str | None = None
    line: int = 1  # line of the metric id in metrics.yaml
    decimals: int = 0  # digits allowed after the point: counts of people are whole (0)


@dataclass(frozen=True)
class Snapshot:
    """One file of `stats/snapshots/`: a report of figures read on `date`."""

    path: str  # POSIX path relative to the stats folder's parent, e.g. "stats/snapshots/2016-12-23.yaml"
    filename: str  # e.g. "2016-12-23.yaml"
    date: dt.date
    source: str
    url: str | None
    note: str | None
    sha256: str  # of the file's bytes as published
    data: bytes = field(repr=False, compare=False, default=b"")  # the file's bytes, published as they are


@dataclass(frozen=True)
class Observation:
    """One figure: a total read on a day (start == end) or a count over an inclusive period."""

    metric: str
    start: dt.date
    end: dt.date
    value: Value
    snapshot: Snapshot
    line: int  # line of the figure in its snapshot file
    note: str | None = None  # published beside the figure: why a total fell, or why it was corrected


@dataclass(frozen=True)
class Correction:
    """A figure of an earlier snapshot corrected in the open by a later one."""

    old: Observation  # the figure as first published
    new: Observation  # the corrected figure (its snapshot is the correcting one; its note, the reason)
    reason: str


@dataclass(frozen=True)
class StatsData:
    """Everything under `stats/`, validated.

    `metrics` keeps the catalogue's order; `snapshots` are sorted by (date, filename);
    `observations` maps every metric id to its figures sorted by (start, end), one per
    distinct date or period (identical figures repeated across snapshots are merged,
    keeping the earliest snapshot as their source; a corrected figure is the corrected
    one); `corrections` lists every correction in the order the snapshots made them.
    """

    metrics: dict[str, Metric]
    snapshots: tuple[Snapshot, ...]
    observations: Mapping[str, tuple[Observation, ...]]  # a dict, or a dated view (stats.dated.KnownFigures)
    fingerprint: str  # SHA-256 over every file read, to tell when anything changed
    corrections: tuple[Correction, ...] = ()
    catalogue_path: str = "metrics.yaml"  # the catalogue, as messages name it (the loader gives its real path)
    events: dict = field(default_factory=dict)  # id → stats.events.Event, from the optional stats/events.yaml

    def __post_init__(self):
        # Start days per metric, to find a window by bisection: a chart's cost must
        # not grow with every figure ever recorded for its metrics.
        # A dated view's figures (stats.dated.KnownFigures) work out their own, per metric asked.
        starts = getattr(self.observations, "starts", None)
        if starts is None:
            starts = {m: [o.start for o in found] for m, found in self.observations.items()}
        object.__setattr__(self, "_starts", starts)

    def series(self, metric_id: str, start: dt.date | None = None, end: dt.date | None = None):
        """Return the metric's observations lying wholly inside [start, end]."""
        found = self.observations.get(metric_id, ())
        if start is None and end is None:
            return tuple(found)
        starts = self._starts.get(metric_id, [])
        first = bisect_left(starts, start) if start is not None else 0
        last = bisect_right(starts, end) if end is not None else len(starts)
        return tuple(o for o in found[first:last] if end is None or o.end <= end)


@dataclass(frozen=True)
class ChartSpec:
    """A validated chart block of a post."""

    metrics: tuple[str, ...]
    type: ChartType
    title: str | None = None
    start: dt.date | None = None  # `from`
    end: dt.date | None = None  # `to`
    scale: Literal["linear", "log"] = "linear"
    caption: str | None = None
    path: str = ""  # the post's file, for messages
    line: int = 1  # line of the opening fence in the post
    follows_latest: bool = False  # `to: latest`: the newest figures, even in a dated post
    events: tuple[str, ...] = ()  # ids of stats/events.yaml, marked on the chart
