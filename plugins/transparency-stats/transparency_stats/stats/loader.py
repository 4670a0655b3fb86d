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

from transparency_stats.errors import Problems, StatsError
from transparency_stats.french import is_whole_month
from transparency_stats.settings import Layout

from .catalogue import parse_catalogue
from .events import parse_events
from .files import display_path, fingerprint, read_file, real_folder, snapshot_names
from .model import Correction, Metric, Observation, StatsData, Value
from .snapshots import CorrectionRequest, ParsedSnapshot, parse_snapshot


def load_stats(
    stats_dir: str | Path, display_root: str | Path | None = None, layout: Layout | None = None
) -> StatsData:
    """Read, validate and merge everything under `stats_dir`; report every problem at once.

    Paths in messages are relative to `display_root` (by default the stats folder's parent, the
    project); `layout` says which metric ids the data page's folder keeps for itself.
    """
    stats_dir = Path(stats_dir)
    display_root = Path(display_root) if display_root is not None else stats_dir.parent
    root = real_folder(stats_dir, display_path(stats_dir, display_root), "stats folder")
    files: dict[str, bytes] = {}
    problems = Problems()

    catalogue_path = display_path(stats_dir / "metrics.yaml", display_root)
    files[catalogue_path] = read_file(
        stats_dir / "metrics.yaml",
        root,
        catalogue_path,
        "missing metrics catalogue",
        "create it; write {} if there are no metrics yet",
    )
    reserved = (layout or Layout()).reserved_ids()
    catalogue, broken_ids = parse_catalogue(files[catalogue_path], catalogue_path, problems, reserved)

    parsed: list[ParsedSnapshot] = []
    folder = stats_dir / "snapshots"
    for name in snapshot_names(folder, root, display_path(folder, display_root)):
        path = display_path(folder / name, display_root)
        with problems.collect():
            files[path] = read_file(folder / name, root, path, "file not found", "")
            snapshot = parse_snapshot(
                files[path], path, name, catalogue, catalogue_path, problems, frozenset(broken_ids)
            )
            if snapshot is not None:
                parsed.append(snapshot)

    events = {}
    if (stats_dir / "events.yaml").exists() or (stats_dir / "events.yaml").is_symlink():
        events_path = display_path(stats_dir / "events.yaml", display_root)
        with problems.collect():
            files[events_path] = read_file(stats_dir / "events.yaml", root, events_path, "file not found", "")
            events = parse_events(files[events_path], events_path, problems)

    parsed.sort(key=lambda item: (item.snapshot.date, item.snapshot.filename))
    observations, corrections = merge_figures(parsed, catalogue, problems)
    check_falls(observations, catalogue, parsed, problems)
    problems.raise_any()
    return StatsData(
        metrics=catalogue,
        snapshots=tuple(item.snapshot for item in parsed),
        observations=observations,
        fingerprint=fingerprint(files),
        corrections=tuple(corrections),
        catalogue_path=catalogue_path,
        events=events,
    )


_last_load: tuple[tuple, StatsData] | None = None  # load_stats_again's one entry


def load_stats_again(
    stats_dir: str | Path, display_root: str | Path | None = None, layout: Layout | None = None
) -> StatsData:
    """`load_stats`, giving the last stats again while no file under `stats_dir` changed.

    For a long-lived process (livereload's worker) building after each save: reading the
    folder's bytes to compare them takes milliseconds; parsing and validating them again took
    about 0.1 s a build on the benchmark's 200 snapshots. Stats that failed to load are not kept.
    """
    global _last_load  # noqa: PLW0603 (one entry per process, on purpose)
    stats_dir = Path(stats_dir)
    try:
        files = {
            path.relative_to(stats_dir).as_posix(): path.read_bytes()
            for path in sorted(stats_dir.rglob("*"))
            if path.is_file()
        }
    except OSError:  # a missing or unreadable folder or file: load_stats says so, in one line
        return load_stats(stats_dir, display_root, layout)
    reserved = tuple(sorted((layout or Layout()).reserved_ids().items()))
    key = (str(stats_dir.resolve()), str(display_root), reserved, fingerprint(files))
    if _last_load is None or _last_load[0] != key:
        _last_load = (key, load_stats(stats_dir, display_root, layout))
    return _last_load[1]


# Merging


def merge_figures(
    parsed: list[ParsedSnapshot], catalogue: dict[str, Metric], problems: Problems
) -> tuple[dict[str, tuple[Observation, ...]], list[Correction]]:
    """Merge every snapshot's figures in date order, applying corrections; two values for one figure is an error."""
    kept: dict[tuple[str, dt.date, dt.date], Observation] = {}
    corrections: list[Correction] = []
    for item in parsed:
        for observation, column, _ in item.figures:
            first = kept.setdefault((observation.metric, observation.start, observation.end), observation)
            if first.value != observation.value:
                problems.errors.append(
                    StatsError(
                        observation.snapshot.path,
                        observation.line,
                        column,
                        f"'{observation.metric}' {when(observation)} is {show_value(observation.value)} here"
                        f" but {show_value(first.value)} in {first.snapshot.path}:{first.line}",
                        "keep one value, or correct the published figure in the open under 'corrections:',"
                        " with a reason",
                    )
                )
        for request in item.corrections:
            with problems.collect():
                correction = apply_correction(request, kept)
                corrections.append(correction)
    by_metric: dict[str, list[Observation]] = {metric_id: [] for metric_id in catalogue}
    for observation in kept.values():
        by_metric[observation.metric].append(observation)
    observations = {
        metric_id: tuple(sorted(found, key=lambda o: (o.start, o.end))) for metric_id, found in by_metric.items()
    }
    return observations, corrections


def apply_correction(request: CorrectionRequest, kept: dict) -> Correction:
    """Replace a published figure by its correction, refusing one that corrects nothing."""
    new = request.observation
    key = (new.metric, new.start, new.end)
    current = kept.get(key)
    where = (new.snapshot.path, new.line, request.column)
    if current is None:
        raise StatsError(
            *where,
            f"no earlier figure of '{new.metric}' {when(new)} to correct",
            "corrections fix figures of earlier snapshots; a new figure goes under totals: or periods:",
        )
    if current.snapshot.filename == new.snapshot.filename:
        raise StatsError(
            *where,
            f"this snapshot corrects its own figure of '{new.metric}' {when(new)}",
            "change the figure itself: it was never published from another file",
        )
    if current.value == new.value:
        raise StatsError(
            *where,
            f"'{new.metric}' {when(new)} is already {show_value(new.value)} ({current.snapshot.path}:{current.line})",
            "remove this correction",
        )
    kept[key] = new
    return Correction(old=current, new=new, reason=request.reason)


def check_falls(
    observations: dict[str, tuple[Observation, ...]],
    catalogue: dict[str, Metric],
    parsed: list[ParsedSnapshot],
    problems: Problems,
) -> None:
    """Refuse a total that falls below half its previous figure, unless the fall is declared with its reason."""
    columns = {(f.observation.snapshot.path, f.observation.line): f.column for item in parsed for f in item.figures}
    for metric_id, series in observations.items():
        if catalogue[metric_id].kind != "total":
            continue
        for previous, current in zip(series, series[1:], strict=False):  # consecutive pairs
            if current.note is None and current.value.amount * 2 < previous.value.amount:
                problems.errors.append(
                    StatsError(
                        current.snapshot.path,
                        current.line,
                        columns.get((current.snapshot.path, current.line), 1),
                        f"'{metric_id}' falls from {show_value(previous.value)} {when(previous)}"
                        f" ({previous.snapshot.path}:{previous.line}) to {show_value(current.value)} {when(current)},"
                        " less than half",
                        "check the figure (a dot is not a thousands separator: write 210000); if the fall is real,"
                        f" write it {{value: {current.value.amount}, fall: why it fell}} and the reason is published",
                    )
                )


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
