"""Load and validate `stats/`: the metrics catalogue and the snapshot files.

Contract:

`stats/metrics.yaml` maps metric ids (`^[a-z0-9][a-z0-9._-]*$`) to
`label` (required), `kind` (required: total | period), and optional `platform`,
`unit`, `description`, `color` (`#rgb` or `#rrggbb`).

`stats/snapshots/*.yaml|*.yml` each hold `date` (YYYY-MM-DD), `source`, optional
`url` (http/https) and `note`, and figures under `totals` (metric: value) and/or
`periods` (metric: {period: value}). A value is a plain number (`145000`,
`2.5`) or `{at_least: n}` / `{about: n}`. A period is `YYYY-MM`,
`YYYY-MM-DD..YYYY-MM-DD` or `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from french import is_whole_month

from .catalogue import parse_catalogue
from .errors import StatsError
from .files import display_path, fingerprint, read_file, real_folder, snapshot_names
from .model import Metric, Observation, StatsData, Value
from .snapshots import Figure, parse_snapshot


def load_stats(stats_dir: str | Path, display_root: str | Path | None = None) -> StatsData:
    """Read, validate and merge everything under `stats_dir`."""
    stats_dir = Path(stats_dir)
    display_root = Path(display_root) if display_root is not None else stats_dir.parent
    root = real_folder(stats_dir, display_path(stats_dir, display_root), "stats folder")
    files: dict[str, bytes] = {}

    catalogue_path = display_path(stats_dir / "metrics.yaml", display_root)
    files[catalogue_path] = read_file(stats_dir / "metrics.yaml", root, catalogue_path,
                                      "missing metrics catalogue", "create it; write {} if there are no metrics yet")
    catalogue = parse_catalogue(files[catalogue_path], catalogue_path)

    parsed = []
    folder = stats_dir / "snapshots"
    for name in snapshot_names(folder, root, display_path(folder, display_root)):
        path = display_path(folder / name, display_root)
        files[path] = read_file(folder / name, root, path, "file not found", "")
        parsed.append(parse_snapshot(files[path], path, name, catalogue, catalogue_path))

    parsed.sort(key=lambda item: (item[0].date, item[0].filename))
    return StatsData(
        metrics=catalogue,
        snapshots=tuple(snapshot for snapshot, _ in parsed),
        observations=merge_figures(parsed, catalogue),
        fingerprint=fingerprint(files),
    )


# Merging


def merge_figures(parsed: list[tuple[Snapshot, list[Figure]]],
                  catalogue: dict[str, Metric]) -> dict[str, tuple[Observation, ...]]:
    """Merge every snapshot's figures, refusing two values for one metric and date or period."""
    kept: dict[tuple[str, dt.date, dt.date], Observation] = {}
    for _, figures in parsed:
        for observation, column in figures:
            first = kept.setdefault((observation.metric, observation.start, observation.end), observation)
            if first.value != observation.value:
                raise StatsError(
                    observation.snapshot.path, observation.line, column,
                    f"'{observation.metric}' {when(observation)} is {show_value(observation.value)} here"
                    f" but {show_value(first.value)} in {first.snapshot.path}:{first.line}",
                    "keep one value",
                )
    by_metric: dict[str, list[Observation]] = {metric_id: [] for metric_id in catalogue}
    for observation in kept.values():
        by_metric[observation.metric].append(observation)
    return {metric_id: tuple(sorted(found, key=lambda o: (o.start, o.end))) for metric_id, found in by_metric.items()}


def when(observation: Observation) -> str:
    """Say the date or period of an observation."""
    start, end = observation.start, observation.end
    if start == end:
        return f"on {start.isoformat()}"
    if is_whole_month(start, end):
        return f"for {start.year:04d}-{start.month:02d}"
    return f"for {start.isoformat()}..{end.isoformat()}"


def show_value(value: Value) -> str:
    """Write a value as in the files, e.g. 145000, at least 1000, about 2.5."""
    prefix = {"exact": "", "at_least": "at least ", "about": "about "}[value.bound]
    return f"{prefix}{value.amount}"
