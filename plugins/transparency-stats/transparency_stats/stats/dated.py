"""The stats a dated document knew: the snapshots of its day or before, with every later correction applied."""

from __future__ import annotations

import dataclasses
import datetime as dt

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
    published = first_published(stats)

    def known(o: Observation) -> bool:
        return published.get((o.metric, o.start, o.end), o.snapshot.date) <= day

    observations = {metric: tuple(o for o in found if known(o)) for metric, found in stats.observations.items()}
    return dataclasses.replace(  # the catalogue, its path and the events stay as they are
        stats,
        snapshots=tuple(s for s in stats.snapshots if s.date <= day),
        observations=observations,
        fingerprint=f"{stats.fingerprint}@{day.isoformat()}",
        corrections=tuple(c for c in stats.corrections if known(c.new)),
    )


def last_update(stats: StatsData) -> dt.date | None:
    """Return the date of the newest snapshot, or None without any."""
    return max((s.date for s in stats.snapshots), default=None)
