"""What the public data page shows: a view of every metric, grouped by platform (no Pelican, no HTML).

The theme's `transparency.html` template turns these views into the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from french import NBSP, format_date, format_number, format_period, format_value, is_whole_month

from .chart_html import render_chart
from .media import ChartRegistry, Page
from .model import ChartSpec, Correction, Metric, Observation, Snapshot, StatsData
from .selection import latest_observation, select

NO_PLATFORM = "Autres"
TITLE = f"Transparence{NBSP}: nos chiffres d'audience"


@dataclass(frozen=True)
class FigureRow:
    """One figure of a metric with where it comes from, for the sources table."""

    when: str
    value: str
    source: str
    url: str | None
    snapshot_file: str
    note: str | None = None  # why a total fell, or why the figure was corrected


@dataclass(frozen=True)
class CorrectionView:
    """One correction, as the data page's "Corrections" list shows it."""

    anchor: str
    date: str  # the day of the correcting snapshot
    metric: Metric
    when: str  # the date or period of the corrected figure
    old: str
    new: str
    reason: str
    old_file: str
    new_file: str


@dataclass(frozen=True)
class MetricView:
    """What the data page shows of one metric."""

    metric: Metric
    anchor: str
    latest: str
    latest_when: str
    change: str | None
    chart: Markup
    csv_url: str
    figures: tuple[FigureRow, ...]


def observation_when(observation: Observation) -> str:
    """Return the date or period of a figure in French."""
    if observation.start == observation.end:
        return format_date(observation.end)
    return format_period(observation.start, observation.end)


BOUND_WORDS = {"exact": "", "at_least": "au moins ", "about": "environ "}


def when_phrase(observation: Observation) -> str:
    """Say when a figure was read: "le 30 nov. 2016", "en novembre 2016", "sur 1–23 déc. 2016"."""
    if observation.start == observation.end:
        return f"le {format_date(observation.end)}"
    if is_whole_month(observation.start, observation.end):
        return f"en {format_period(observation.start, observation.end)}"
    return f"sur {format_period(observation.start, observation.end)}"


def describe_change(previous: Observation, latest: Observation) -> str:
    """Describe the change between two figures of a metric, saying only what the bounds let us know.

    Exact figures give the difference; a rise to a lower bound (or a fall from
    one) is "at least" the difference; approximations give an approximate
    difference. Otherwise both figures are given, with their bounds. Counts
    over periods of different lengths (a whole month, then 23 days) are not
    compared: the previous figure is given instead.
    """
    if (previous.end - previous.start) != (latest.end - latest.start) and not (
        is_whole_month(previous.start, previous.end) and is_whole_month(latest.start, latest.end)
    ):
        return f"Chiffre précédent{NBSP}: {format_value(previous.value)} ({observation_when(previous)})"
    since = f"depuis {observation_when(previous)} ({format_value(previous.value)})"
    delta = latest.value.amount - previous.value.amount
    difference = format_number(abs(delta))
    bounds = (latest.value.bound, previous.value.bound)
    if bounds == ("exact", "exact"):
        return f"{'+' if delta >= 0 else '−'}{NBSP}{difference} {since}"
    if bounds == ("at_least", "exact") and delta > 0:
        return f"Hausse d’au moins {difference} {since}"
    if bounds == ("exact", "at_least") and delta < 0:
        return f"Baisse d’au moins {difference} {since}"
    if "at_least" not in bounds and delta != 0:
        return f"{'Hausse' if delta > 0 else 'Baisse'} d’environ {difference} {since}"
    now = BOUND_WORDS[latest.value.bound] + format_number(latest.value.amount)
    then = BOUND_WORDS[previous.value.bound] + format_number(previous.value.amount)
    return f"{now[0].upper()}{now[1:]}, contre {then} {when_phrase(previous)}"


def snapshot_anchor(snapshot: Snapshot) -> str:
    """Return the data page's HTML id for a snapshot's row (the feed links to it)."""
    return "instantane-" + Path(snapshot.filename).stem


def metric_anchor(metric_id: str) -> str:
    """Return an HTML id for a metric."""
    return "metrique-" + metric_id  # dots are valid in HTML ids: "a.b" and "a-b" stay apart


def metric_chart_spec(metric: Metric, figure_count: int) -> ChartSpec:
    """Return the chart of one metric: a line of totals, bars of periods, one bar for a lone figure."""
    return ChartSpec(
        metrics=(metric.id,),
        # one figure makes an empty-looking line: show it as a bar with its value and date
        type="latest" if figure_count == 1 else "line" if metric.kind == "total" else "bar",
        title=metric.label,
        path="stats/metrics.yaml",
        line=metric.line,
    )


def figure_rows(figures: tuple[Observation, ...]) -> tuple[FigureRow, ...]:
    """Return every figure of a metric with its source and snapshot file."""
    return tuple(
        FigureRow(observation_when(o), format_value(o.value), o.snapshot.source, o.snapshot.url, o.snapshot.filename,
                  o.note)
        for o in figures
    )


def metric_view(
    metric: Metric, stats: StatsData, base_url: str, charts: ChartRegistry | None = None
) -> MetricView | None:
    """Build the data page's view of one metric, or None when it has no figures (its chart recorded in `charts`)."""
    figures = stats.observations.get(metric.id, ())
    if not figures:
        return None
    latest = latest_observation(figures)
    previous = latest_observation(o for o in figures if o.end < latest.end)
    csv_url = f"{base_url}/donnees/metriques/{metric.id}.csv"
    selection = select(metric_chart_spec(metric, len(figures)), stats)
    chart_id = "donnees-" + metric.id
    media = charts.add(chart_id, selection, Page(f"{base_url}/", TITLE), csv_url) if charts is not None else None
    return MetricView(
        metric=metric,
        anchor=metric_anchor(metric.id),
        latest=format_value(latest.value),
        latest_when=observation_when(latest),
        change=describe_change(previous, latest) if previous else None,
        chart=Markup(render_chart(selection, chart_id, csv_url, media)),
        csv_url=csv_url,
        figures=figure_rows(figures),
    )


def platform_groups(
    stats: StatsData, base_url: str, charts: ChartRegistry | None = None
) -> list[tuple[str, list[MetricView]]]:
    """Group metric views by platform, in catalogue order."""
    groups: dict[str, list[MetricView]] = {}
    for metric in stats.metrics.values():
        view = metric_view(metric, stats, base_url, charts)
        if view is not None:
            groups.setdefault(metric.platform or NO_PLATFORM, []).append(view)
    return list(groups.items())


def correction_anchor(correction: Correction) -> str:
    """Return the HTML id of a correction's row (the feed links to it)."""
    new = correction.new
    return f"correction-{new.metric}-{new.start.isoformat()}-{new.end.isoformat()}-{Path(new.snapshot.filename).stem}"


def correction_views(stats: StatsData) -> list[CorrectionView]:
    """Return every correction, newest first."""
    return [
        CorrectionView(
            anchor=correction_anchor(c),
            date=format_date(c.new.snapshot.date),
            metric=stats.metrics[c.new.metric],
            when=observation_when(c.new),
            old=format_value(c.old.value),
            new=format_value(c.new.value),
            reason=c.reason,
            old_file=c.old.snapshot.filename,
            new_file=c.new.snapshot.filename,
        )
        for c in reversed(stats.corrections)
    ]
