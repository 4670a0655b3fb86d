"""What `invoke stats` says: one line per metric (latest figure, change, count, warnings), and the whole check."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from transparency_stats.charts.selection import latest_observation
from transparency_stats.charts.text_figures import FigureFill, fill_figures
from transparency_stats.errors import Problems, StatsError
from transparency_stats.french import NBSP, format_value
from transparency_stats.pages.views import describe_change, observation_when
from transparency_stats.stats.dated import as_of
from transparency_stats.stats.model import Metric, Observation, StatsData

STALE_DAYS = 30


@dataclass(frozen=True)
class MetricReport:
    """One metric's state: its latest figure, the one before, how many figures, and what looks wrong."""

    metric: Metric
    latest: Observation | None
    previous: Observation | None
    count: int
    warnings: list[str] = field(default_factory=list)


def month_index(day: dt.date) -> int:
    """Return a month as a number that counts months: consecutive months differ by one."""
    return day.year * 12 + day.month - 1


def monthly_gaps(series: tuple[Observation, ...]) -> list[str]:
    """Return the months missing between the first and the last whole-month figure of a series (YYYY-MM)."""
    from transparency_stats.french import is_whole_month

    months = sorted({month_index(o.start) for o in series if is_whole_month(o.start, o.end)})
    present = set(months)
    return (
        [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(months[0], months[-1]) if m not in present] if months else []
    )


def metric_reports(stats: StatsData, today: dt.date, stale_days: int = STALE_DAYS) -> list[MetricReport]:
    """Return a report per metric, in catalogue order."""
    reports = []
    for metric in stats.metrics.values():
        series = stats.observations.get(metric.id, ())
        latest = latest_observation(series)
        previous = latest_observation(o for o in series if latest and o.end < latest.end)
        warnings = []
        if latest is None:
            warnings.append("définie mais jamais relevée")
        elif (today - latest.end).days > stale_days:
            warnings.append(f"pas de nouveau chiffre depuis {(today - latest.end).days} jours")
        gaps = monthly_gaps(series) if metric.kind == "period" else []
        if gaps:
            warnings.append(f"série mensuelle incomplète : il manque {', '.join(gaps)}")
        reports.append(MetricReport(metric, latest, previous, len(series), warnings))
    return reports


def report_line(report: MetricReport) -> str:
    """Say one metric's state in one line."""
    parts = [report.metric.id]
    if report.latest is not None:
        parts.append(f"{format_value(report.latest.value)} ({observation_when(report.latest)})")
        if report.previous is not None:
            parts.append(describe_change(report.previous, report.latest))
    parts.append(f"{report.count} chiffre{'s' if report.count > 1 else ''}")
    parts += [f"attention{NBSP}: {warning}" for warning in report.warnings]
    return " · ".join(parts)


def check_posts(
    content_dir: Path, stats: StatsData, project_root: Path, extensions: tuple[str, ...]
) -> list[StatsError]:
    """Check every chart block and figure in the text of every post and page against the stats, as the build does.

    `extensions` are the file name extensions the build reads as Markdown (Pelican's reader's).
    """
    import markdown

    from transparency_stats.charts.blocks import ChartExtension
    from transparency_stats.charts.figure_syntax import FigureExtension
    from transparency_stats.charts.fill import fill_placeholders
    from transparency_stats.stats.files import display_path

    problems = Problems()
    posts = (path for path in Path(content_dir).rglob("*") if path.suffix[1:] in extensions and path.is_file())
    for post in sorted(posts):
        shown = display_path(post, project_root)
        md = markdown.Markdown(extensions=[ChartExtension(), FigureExtension(), "meta"])
        html = md.convert(post.read_text(encoding="utf-8"))
        is_page = "pages" in post.relative_to(content_dir).parts[:1]
        dated = None if is_page else post_date(getattr(md, "Meta", {}))
        known = as_of(stats, dated) if dated else stats
        fill = FigureFill(known, stats, dated, {})
        with problems.collect():
            fill_figures(html, fill, shown)
        summary = " ".join(getattr(md, "Meta", {}).get("summary", []))
        if "{{" in summary:
            summary_html = markdown.Markdown(extensions=[FigureExtension()]).convert(summary)
            with problems.collect():
                fill_figures(summary_html, fill, shown, summary_place(post))
        with problems.collect():
            fill_placeholders(
                html, known, shown, "c", lambda chart_id: f"/d/{chart_id}.csv", latest_stats=stats, dated=dated
            )
    return problems.errors


def post_date(meta: dict) -> dt.date | None:
    """Return a post's `Modified:` date, else its `Date`, from Markdown's meta (None when neither reads as a date)."""
    for key in ("modified", "date"):
        text = " ".join(meta.get(key, [])).strip()[:10]
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            continue
    return None


def summary_place(path: Path):
    """Return how a figure's place in a `Summary:` header maps to the file's line and column."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = next((n for n, line in enumerate(lines, start=1) if line.lower().startswith("summary:")), 1)
    text = lines[header - 1] if lines else ""
    offset = len(text) - len(text[len("summary:") :].lstrip())

    def place(line: int, column: int) -> tuple[int, int]:
        return header + line - 1, column + (offset if line == 1 else 0)

    return place
