"""A chart's CSV download: the figures it plots, then the events it marks."""

from __future__ import annotations

import csv
import io

from transparency_stats.charts.selection import ChartSelection
from transparency_stats.pages.downloads import OBSERVATION_FIELDS, observations_csv
from transparency_stats.stats.model import StatsData


def chart_csv(stats: StatsData, selection: ChartSelection) -> str:
    """Return a chart's CSV: the figures it plots, then one row per event it marks (kind "event").

    An event row keeps the figures' columns: its id as `metric`, its label, `kind` "event",
    its start and end, its `url`, and its description as `note`; the other cells are empty.
    """
    text = observations_csv(stats, selection.observations)
    if not selection.events:
        return text
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for event in selection.events:
        row = dict.fromkeys(OBSERVATION_FIELDS)
        row.update(
            metric=event.id,
            label=event.label,
            kind="event",
            start=event.start.isoformat(),
            end=event.end.isoformat(),
            url=event.url,
            note=event.description,
        )
        writer.writerow(row.values())
    return text + out.getvalue()
