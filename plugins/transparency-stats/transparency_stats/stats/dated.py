"""The stats a dated document knew: the snapshots of its day or before, with every later correction applied."""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
from collections.abc import Mapping
from itertools import accumulate
from typing import NamedTuple

from .model import Correction, Observation, StatsData


def first_published(stats: StatsData) -> dict[tuple[str, dt.date, dt.date], dt.date]:
    """Return, for every corrected figure, the date its first version was published (before any correction)."""
    published: dict[tuple[str, dt.date, dt.date], dt.date] = {}
    for correction in stats.corrections:  # in the order the snapshots made them: a chain keeps its first date
        key = (correction.new.metric, correction.new.start, correction.new.end)
        published.setdefault(key, correction.old.snapshot.date)
    return published


def latest_corrections(stats: StatsData) -> dict[tuple[str, dt.date, dt.date], Correction]:
    """Return the last correction of every corrected figure, by (metric, start, end)."""
    return {(c.new.metric, c.new.start, c.new.end): c for c in stats.corrections}


def as_of(stats: StatsData, day: dt.date) -> StatsData:
    """Return the stats known on `day`: figures first published on or before it, as corrected since.

    A post is a dated document: its figures and charts read this, so a snapshot dated after
    the post changes none of them; a correction published later does replace the figure it
    corrects (the only way a post's figures change after publication).
    """
    return KnownOn(stats)(day)


class KnownOn:
    """`as_of` for many days over the same stats: the stats known on each day, each distinct one worked out once.

    What a day knows changes only on a snapshot's date (a figure is published, or corrected,
    by a snapshot), so every day between two snapshots knows the same stats. And a day's
    figures of a metric are worked out only when a chart or a figure asks for that metric:
    those first published by then come first in date order (a figure is never published before
    its own dates), so they are a slice of the metric's figures, plus the few published late.
    Measured on the benchmark's sites: copying every figure for every post made the charts'
    phase grow 11–15× for 10× the posts and snapshots.
    """

    def __init__(self, stats: StatsData):
        self.stats = stats
        published = first_published(stats)
        self.index: dict[str, MetricIndex] = {}
        for metric, found in stats.observations.items():
            dates = [published.get((o.metric, o.start, o.end), o.snapshot.date) for o in found]
            self.index[metric] = MetricIndex(found, dates, list(accumulate(dates, max)), [o.start for o in found])
        self.corrections = [
            (c, published.get((c.new.metric, c.new.start, c.new.end), c.new.snapshot.date)) for c in stats.corrections
        ]
        self.snapshot_days = [s.date for s in stats.snapshots]  # sorted, as the loader sorts snapshots
        self.days = sorted(set(self.snapshot_days))
        self.known: dict[dt.date | None, StatsData] = {}

    def __call__(self, day: dt.date) -> StatsData:
        """Return the stats known on `day`."""
        position = bisect.bisect_right(self.days, day)
        through = self.days[position - 1] if position else None  # the newest snapshot of the day or before
        if through not in self.known:
            self.known[through] = self.work_out(through)
        return self.known[through]

    def work_out(self, through: dt.date | None) -> StatsData:
        """Return the stats published by the snapshots dated `through` or before (none when `through` is None)."""
        last = through or dt.date.min
        return dataclasses.replace(  # the catalogue, its path and the events stay as they are
            self.stats,
            snapshots=self.stats.snapshots[: bisect.bisect_right(self.snapshot_days, last) if through else 0],
            observations=KnownFigures(self.index, through),
            fingerprint=f"{self.stats.fingerprint}@{through.isoformat() if through else 'none'}",
            corrections=tuple(c for c, published in self.corrections if through is not None and published <= last),
        )


class MetricIndex(NamedTuple):
    """A metric's figures (by start, end), the day each was first published, their running maximum, their starts."""

    figures: tuple[Observation, ...]
    published: list[dt.date]
    published_by: list[dt.date]  # the latest first publication among the figures up to each one
    starts: list[dt.date]


class KnownFigures(Mapping):
    """The figures of each metric published through a day (a StatsData's `observations`), worked out when asked."""

    def __init__(self, index: dict[str, MetricIndex], through: dt.date | None):
        self.index, self.through = index, through
        self.worked_out: dict[str, tuple[tuple[Observation, ...], list[dt.date]]] = {}
        self.starts = KnownStarts(self)  # what StatsData.series bisects

    def of(self, metric: str) -> tuple[tuple[Observation, ...], list[dt.date]]:
        """Return a metric's figures known through the day, and their start days."""
        if metric not in self.worked_out:
            figures, published, published_by, starts = self.index[metric]
            through = self.through
            if through is None:
                self.worked_out[metric] = ((), [])
            else:
                all_known = bisect.bisect_right(published_by, through)  # every figure before it is known
                may_be_known = bisect.bisect_right(starts, through)  # none after it is (it starts later)
                late = [i for i in range(all_known, may_be_known) if published[i] <= through]
                self.worked_out[metric] = (
                    figures[:all_known] + tuple(figures[i] for i in late),
                    starts[:all_known] + [starts[i] for i in late],
                )
        return self.worked_out[metric]

    def __getitem__(self, metric: str) -> tuple[Observation, ...]:
        return self.of(metric)[0]

    def __iter__(self):
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


class KnownStarts:
    """The start days of each metric's known figures, for bisection (`get` as a dict's)."""

    def __init__(self, figures: KnownFigures):
        self.figures = figures

    def get(self, metric: str, default=None):
        return self.figures.of(metric)[1] if metric in self.figures.index else default


def last_update(stats: StatsData) -> dt.date | None:
    """Return the date of the newest snapshot, or None without any."""
    return max((s.date for s in stats.snapshots), default=None)
