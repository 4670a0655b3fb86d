"""Build StatsData and ChartSpec objects straight from the model's dataclasses (no YAML)."""

from __future__ import annotations

import datetime as dt
import hashlib

from transparency_stats.stats.model import ChartSpec, Metric, Observation, Snapshot, StatsData, Value

D = dt.date

FANS = Metric("fb_fans", "Abonnés Facebook", "total", platform="facebook", unit="abonnés")
FOLLOWERS = Metric("tw_followers", "Abonnés Twitter", "total", platform="twitter", unit="abonnés")
VISITS = Metric("site_visits", "Visites du site", "period", platform="site", unit="visites")


def snapshot(
    date: dt.date,
    source: str = "Facebook Insights",
    url: str | None = "https://www.facebook.com/insights",
    note: str | None = None,
    filename: str | None = None,
) -> Snapshot:
    """Return a snapshot read on date, its digest taken over its made-up bytes."""
    filename = filename or f"{date.isoformat()}.yaml"
    data = f"date: {date.isoformat()}\nsource: {source}\n".encode()
    return Snapshot(
        path=f"stats/snapshots/{filename}",
        filename=filename,
        date=date,
        source=source,
        url=url,
        note=note,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def observation(
    metric: str,
    start: dt.date,
    amount: int | float,
    bound: str = "exact",
    end: dt.date | None = None,
    read_in: Snapshot | None = None,
) -> Observation:
    """Return one figure: a total on start, or a count over [start, end]."""
    end = end or start
    return Observation(metric, start, end, Value(amount, bound), read_in or snapshot(end), line=3)


def stats_data(metrics: list[Metric], observations: list[Observation]) -> StatsData:
    """Return StatsData holding these metrics and figures, sorted as the loader sorts them."""
    by_metric = {
        m.id: tuple(sorted((o for o in observations if o.metric == m.id), key=lambda o: (o.start, o.end)))
        for m in metrics
    }
    snapshots = tuple(sorted({o.snapshot for o in observations}, key=lambda s: (s.date, s.filename)))
    return StatsData(
        metrics={m.id: m for m in metrics},
        snapshots=snapshots,
        observations=by_metric,
        fingerprint="0" * 64,
        catalogue_path="stats/metrics.yaml",  # as the loader names it in a project
    )


def monthly(metric: str = "fb_fans", count: int = 12, first: int = 100_000, step: int = 4_500) -> list[Observation]:
    """Return a total read on the 5th of each month from January 2017, one snapshot each."""
    return [observation(metric, D(2017, 1 + i, 5), first + i * step) for i in range(count)]


def chart(*metrics: str, type: str = "line", **fields) -> ChartSpec:
    """Return a chart spec over these metric ids."""
    return ChartSpec(metrics=tuple(metrics), type=type, **fields)
