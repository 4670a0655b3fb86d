"""Record figures without opening YAML: --set arguments and CSV rows become clean snapshots, checked as a build."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from transparency_stats.charts.selection import latest_observation
from transparency_stats.errors import StatsError
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import Observation, StatsData

SET_ARGUMENT = re.compile(
    r"\s*(?P<metric>[^\s:=<>~]+)(?::(?P<period>[^\s=<>~]+))?\s*(?P<op>>=|~|=)\s*(?P<value>\S(?:.*\S)?)\s*\Z"
)
OPERATORS = {"=": "exact", ">=": "at_least", "~": "about"}
SET_EXAMPLES = (
    "youtube.subscribers=210000, twitter.followers>=950000 (at least), facebook.reach~60000000 (about),"
    " network.supporters.new:2017-01=25000 (a period)"
)


class UsageError(Exception):
    """A command's argument is wrong: one line saying what and how to write it."""


@dataclass(frozen=True)
class FigureInput:
    """One figure typed by a volunteer: a metric, an optional period, a bound and the value as typed."""

    metric: str
    value: str
    bound: str = "exact"
    period: str | None = None
    fall: str | None = None  # the reason of a declared fall, published beside the figure


def parse_set(text: str) -> FigureInput:
    """Return the figure of one `--set` argument, e.g. "twitter.followers>=950000"."""
    match = SET_ARGUMENT.match(text)
    if not match:
        raise UsageError(f"--set {text!r}: not a figure — write METRIC=VALUE, like {SET_EXAMPLES}")
    return FigureInput(match["metric"], match["value"], OPERATORS[match["op"]], match["period"])


def parse_fall(text: str) -> tuple[str, str]:
    """Return (metric, reason) of one `--fall` argument, e.g. "youtube.subscribers=Chaîne recréée"."""
    metric, equals, reason = text.partition("=")
    if not equals or not metric.strip() or not reason.strip():
        raise UsageError(f'--fall {text!r}: write METRIC=REASON, like youtube.subscribers="Chaîne recréée"')
    return metric.strip(), reason.strip()


def yaml_text(text: str) -> str:
    """Return text as a YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def yaml_value(figure: FigureInput) -> str:
    """Return the figure's value as the snapshot writes it: 145000, {at_least: 950000}, {value: 210, fall: "…"}."""
    if figure.fall is not None:
        key = "value" if figure.bound == "exact" else figure.bound
        return f"{{{key}: {figure.value}, fall: {yaml_text(figure.fall)}}}"
    if figure.bound == "exact":
        return figure.value
    return f"{{{figure.bound}: {figure.value}}}"


def snapshot_text(
    date: dt.date, source: str, figures: list[FigureInput], url: str | None = None, note: str | None = None
) -> str:
    """Return a clean snapshot file: its header, then totals and periods in the order typed (no comments)."""
    lines = [f"date: {date.isoformat()}", f"source: {yaml_text(source)}"]
    if url:
        lines.append(f"url: {yaml_text(url)}")
    if note:
        lines.append(f"note: {yaml_text(note)}")
    totals = [f for f in figures if f.period is None]
    if totals:
        lines.append("totals:")
        lines += [f"  {f.metric}: {yaml_value(f)}" for f in totals]
    periods: dict[str, list[FigureInput]] = {}
    for figure in figures:
        if figure.period is not None:
            periods.setdefault(figure.metric, []).append(figure)
    if periods:
        lines.append("periods:")
        for metric, found in periods.items():
            lines.append(f"  {metric}:")
            lines += [f"    {f.period}: {yaml_value(f)}" for f in found]
    return "\n".join(lines) + "\n"


def figure_line(figure: FigureInput) -> str:
    """Return the line a figure is written on in a snapshot."""
    if figure.period is None:
        return f"  {figure.metric}: {yaml_value(figure)}"
    return f"    {figure.period}: {yaml_value(figure)}"


def written_lines(text: str, figures: list, figure_of=lambda item: item) -> dict[int, object]:
    """Return, for each item whose figure is written in `text`, its line number (1-based) -> item."""
    lines = text.splitlines()
    found: dict[int, object] = {}
    for item in figures:
        wanted = figure_line(figure_of(item))
        for number, written in enumerate(lines, start=1):
            if written == wanted and number not in found:
                found[number] = item
                break
    return found


def check_new_files(stats_dir: Path, files: dict[str, str]) -> StatsData:
    """Load the stats with `files` added to snapshots/, in a copy, with the build's own checks and messages."""
    stats_dir = Path(stats_dir)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / stats_dir.name
        shutil.copytree(stats_dir, copy, symlinks=True)
        for name, text in files.items():
            target = copy / "snapshots" / name
            if target.exists():
                raise UsageError(
                    f"{stats_dir.name}/snapshots/{name}: already exists — published snapshots are never"
                    " changed; pick another --name"
                )
            target.write_text(text, encoding="utf-8")
        return load_stats(copy, display_root=copy.parent)


def write_new_files(stats_dir: Path, files: dict[str, str]) -> list[Path]:
    """Create each snapshot file exclusively: an existing file is never overwritten."""
    written = []
    for name, text in files.items():
        path = Path(stats_dir) / "snapshots" / name
        try:
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            raise UsageError(
                f"{path}: already exists — published snapshots are never changed; pick another --name"
            ) from None
        written.append(path)
    return written


@dataclass(frozen=True)
class Change:
    """What a new figure changes: the previous figure of its metric (None for the first) and the new one."""

    new: Observation
    previous: Observation | None

    @property
    def is_fall(self) -> bool:
        """Tell whether a total goes down."""
        return (
            self.previous is not None
            and self.new.start == self.new.end
            and (self.new.value.amount < self.previous.value.amount)
        )


def changes(stats: StatsData, filenames: set[str]) -> list[Change]:
    """Return, for every figure of the new files, the figure of its metric just before it."""
    found = []
    for series in stats.observations.values():
        for observation in series:
            if observation.snapshot.filename in filenames:
                earlier = (o for o in series if o.end < observation.end)
                found.append(Change(observation, latest_observation(earlier)))
    return found


def describe(change: Change, stats: StatsData) -> str:
    """Say a new figure and its change in one line: "Abonnés YouTube : 210 000 (1 févr. 2017) — + 65 000 depuis …"."""
    from transparency_stats.french import NBSP, format_value
    from transparency_stats.pages.views import describe_change, observation_when

    new = change.new
    head = f"{stats.metrics[new.metric].label}{NBSP}: {format_value(new.value)} ({observation_when(new)})"
    if change.previous is None:
        return f"{head} — premier chiffre de cette métrique"
    return f"{head} — {describe_change(change.previous, new)}"


# CSV imports

CSV_FIELDS = ("date", "metric", "value", "bound", "start", "end", "source")
CSV_BOUNDS = {"": "exact", "exact": "exact", "at_least": "at_least", "about": "about"}


@dataclass(frozen=True)
class CsvFigure:
    """A figure read from a CSV row, with where each of its cells is, for messages."""

    date: dt.date
    figure: FigureInput
    line: int
    columns: dict[str, int]  # field -> 1-based column of its cell
    source: str = ""  # the row's own source, when the file has a source column


def csv_columns(spec: str) -> dict[str, str]:
    """Return the CSV header names of our fields from "date=Jour,metric=Indicateur" (others keep their names)."""
    names = {field: field for field in CSV_FIELDS}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        field, equals, header = part.partition("=")
        if not equals or field.strip() not in CSV_FIELDS or not header.strip():
            raise UsageError(f"--columns {part!r}: write FIELD=HEADER, FIELD being one of {', '.join(CSV_FIELDS)}")
        names[field.strip()] = header.strip()
    return names


def read_csv_figures(path: str, text: str, names: dict[str, str]) -> list[CsvFigure]:
    """Read every row of a CSV of figures; raise every problem at once, each at its line and column."""
    import csv

    from transparency_stats.errors import Problems

    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise StatsError(path, 1, 1, "the file is empty", "write a header line: date,metric,value")
    header = [cell.strip() for cell in rows[0]]
    problems = Problems()
    positions = {}
    for field in CSV_FIELDS:
        if names[field] in header:
            positions[field] = header.index(names[field])
        elif field in ("date", "metric", "value"):
            problems.errors.append(
                StatsError(
                    path,
                    1,
                    1,
                    f"no column {names[field]!r}",
                    f"add it to the header, or name it with --columns {field}=…",
                )
            )
    problems.raise_any()
    figures = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        with problems.collect():
            figures.append(read_csv_row(path, line, row, positions))
    problems.raise_any()
    if not figures:
        raise StatsError(
            path, 2, 1, "no figures in this file", "add one row per figure: 2017-02-01,youtube.subscribers,210000"
        )
    return figures


def read_csv_row(path: str, line: int, row: list[str], positions: dict[str, int]) -> CsvFigure:
    """Return the figure of one CSV row."""

    def cell(field: str) -> str:
        index = positions.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    columns = {field: index + 1 for field, index in positions.items()}
    for field in ("date", "metric", "value"):
        if not cell(field):
            raise StatsError(
                path, line, columns[field], f"the {field} cell is empty", "fill in every row's date, metric and value"
            )
    try:
        date = dt.date.fromisoformat(cell("date"))
    except ValueError:
        raise StatsError(
            path, line, columns["date"], f"{cell('date')!r} is not a date", "write it as YYYY-MM-DD, like 2017-02-01"
        ) from None
    bound = CSV_BOUNDS.get(cell("bound"))
    if bound is None:
        raise StatsError(
            path,
            line,
            columns["bound"],
            f"bound {cell('bound')!r} is unknown",
            "leave it empty for an exact figure, or write at_least or about",
        )
    start, end = cell("start"), cell("end")
    if bool(start) != bool(end):
        missing = "end" if start else "start"
        raise StatsError(
            path,
            line,
            columns.get(missing, 1),
            f"a period needs both start and end, {missing} is empty",
            "fill in both for a count over a period, or neither for a total",
        )
    period = None
    if start:
        period = start if start == end else f"{start}..{end}"
        period = whole_month(start, end) or period
    figure = FigureInput(cell("metric"), cell("value"), bound, period)
    return CsvFigure(date, figure, line, columns, cell("source"))


def whole_month(start: str, end: str) -> str | None:
    """Return "2016-12" when start..end is exactly that month, else None."""
    from transparency_stats.french import is_whole_month

    try:
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    except ValueError:
        return None
    return first.strftime("%Y-%m") if is_whole_month(first, last) else None


def import_plan(
    figures: list[CsvFigure], source: str, url: str | None, note: str | None, suffix: str = "import"
) -> tuple[dict[str, str], dict[tuple[str, int], CsvFigure]]:
    """Return one snapshot text per date (and source), and where each written figure line comes from in the CSV.

    A row's own `source` cell wins over `source`, the source of the whole file.
    """
    groups: dict[tuple[dt.date, str], list[CsvFigure]] = {}
    for item in figures:
        groups.setdefault((item.date, item.source or source), []).append(item)
    files, origins = {}, {}
    for (date, group_source), items in sorted(groups.items()):
        same_day = [key for key in sorted(groups) if key[0] == date]
        rank = same_day.index((date, group_source))
        name = f"{date.isoformat()}-{suffix}{'-' + str(rank + 1) if rank else ''}.yaml"
        text = snapshot_text(date, group_source, [item.figure for item in items], url, note)
        files[name] = text
        for number, item in written_lines(text, items, lambda item: item.figure).items():
            origins[(name, number)] = item
    return files, origins


def key_width(figure: FigureInput) -> int:
    """Return how many characters come before the value on a figure's line."""
    return len(figure_line(figure)) - len(yaml_value(figure))


def argument_error(error: StatsError, text: str, lines: dict[int, str], header: dict[str, str]) -> str:
    """Say a build error about a snapshot made from the command line in terms of the argument that caused it."""
    if error.line in lines:
        where = lines[error.line]
    else:
        key = text.splitlines()[error.line - 1].split(":", 1)[0] if 0 < error.line <= len(text.splitlines()) else ""
        where = header.get(key.strip())
    if where is None:
        return str(error)
    hint = f" — {error.hint}" if error.hint else ""
    return f"{where}: {error.message}{hint}"


def csv_location(
    error: StatsError, csv_path: str, origins: dict[tuple[str, int], CsvFigure], stats_name: str = "stats"
) -> StatsError:
    """Point a build error about a written snapshot back at the CSV row and cell it came from."""
    prefix = f"{stats_name}/snapshots/"
    name = error.path[len(prefix) :] if error.path.startswith(prefix) else None
    item = origins.get((name, error.line)) if name else None
    if item is None:
        return error
    if error.column > key_width(item.figure):
        field = "value"
    else:
        field = "metric" if item.figure.period is None else "start"
    return StatsError(csv_path, item.line, item.columns.get(field, 1), error.message, error.hint)
