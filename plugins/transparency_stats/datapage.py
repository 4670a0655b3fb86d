"""The public data page: every metric with its latest figure, chart and sources, plus downloads."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from feedgenerator import Atom1Feed
from markupsafe import Markup
from pelican.generators import Generator

from . import exports, render
from .formatting import format_date, format_number, format_period, format_value, is_whole_month
from .model import ChartSpec, Metric, Observation, Snapshot, StatsData
from .settings import page_dir, page_url, setting

NO_PLATFORM = "Autres"


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
    sources_table: Markup


def observation_when(observation: Observation) -> str:
    """Return the date or period of a figure in French."""
    if observation.start == observation.end:
        return format_date(observation.end)
    return format_period(observation.start, observation.end)


CHANGE_BOUND = {
    # (latest, previous) bounds -> what we know of the change
    ("exact", "exact"): "",
    ("at_least", "exact"): "≥\u00a0",
    ("exact", "at_least"): "≤\u00a0",
}


def describe_change(previous: Observation, latest: Observation) -> str:
    """Describe the change between two figures of a metric, keeping bounds honest.

    Counts over periods of different lengths (a whole month, then 23 days) are
    not subtracted: the previous figure is given for comparison instead.
    """
    since = f"{observation_when(previous)} ({format_value(previous.value)})"
    if (previous.end - previous.start) != (latest.end - latest.start) and not (
        is_whole_month(previous.start, previous.end) and is_whole_month(latest.start, latest.end)
    ):
        return f"Chiffre précédent : {format_value(previous.value)} ({observation_when(previous)})"
    delta = latest.value.amount - previous.value.amount
    sign = "+\u00a0" if delta >= 0 else "−\u00a0"
    bound = CHANGE_BOUND.get((latest.value.bound, previous.value.bound), "≈\u00a0")
    return f"{bound}{sign}{format_number(abs(delta))} depuis {since}"


def sources_table(metric: Metric, figures: tuple[Observation, ...], downloads_url: str) -> Markup:
    """Return every figure of a metric with its source and snapshot file (plain strings: thousands of rows)."""
    rows = []
    for o in figures:
        source = escape(o.snapshot.source)
        if o.snapshot.url:
            source = f'<a href="{escape(o.snapshot.url)}">{source}</a>'
        name = escape(o.snapshot.filename)
        rows.append(
            f'<tr><th scope="row">{escape(observation_when(o))}</th><td class="num">{escape(format_value(o.value))}</td>'
            f'<td>{source}</td><td><a href="{downloads_url}/instantanes/{name}">{name}</a></td></tr>'
        )
    return Markup(
        '<details><summary>Les sources de chaque chiffre</summary><div class="table-scroll"><table>'
        f"<caption>{escape(metric.label)} : chiffres et sources</caption>"
        '<thead><tr><th scope="col">Date</th><th scope="col" class="num">Valeur</th><th scope="col">Source</th>'
        '<th scope="col">Relevé</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table></div></details>"
    )


def snapshot_anchor(snapshot: Snapshot) -> str:
    """Return the data page's HTML id for a snapshot's row (the feed links to it)."""
    return "instantane-" + Path(snapshot.filename).stem


def metric_anchor(metric_id: str) -> str:
    """Return an HTML id for a metric."""
    return "metrique-" + metric_id.replace(".", "-")


def metric_view(metric: Metric, stats: StatsData, base_url: str) -> MetricView | None:
    """Build the data page's view of one metric, or None when it has no figures."""
    figures = stats.observations.get(metric.id, ())
    if not figures:
        return None
    latest = exports.latest_observation(figures)
    earlier = [o for o in figures if o.end < latest.end]
    previous = exports.latest_observation(earlier)
    spec = ChartSpec(
        metrics=(metric.id,),
        # one figure makes an empty-looking line: show it as a bar with its value and date
        type="latest" if len(figures) == 1 else "line" if metric.kind == "total" else "bar",
        title=metric.label,
        path="stats/metrics.yaml",
        line=metric.line,
    )
    csv_url = f"{base_url}/donnees/metriques/{metric.id}.csv"
    return MetricView(
        metric=metric,
        anchor=metric_anchor(metric.id),
        latest=format_value(latest.value),
        latest_when=observation_when(latest),
        change=describe_change(previous, latest) if previous else None,
        chart=Markup(render.render_chart(spec, stats, "donnees-" + metric.id.replace(".", "-"), csv_url)),
        csv_url=csv_url,
        sources_table=sources_table(metric, figures, f"{base_url}/donnees"),
    )


def platform_groups(stats: StatsData, base_url: str) -> list[tuple[str, list[MetricView]]]:
    """Group metric views by platform, in catalogue order."""
    groups: dict[str, list[MetricView]] = {}
    for metric in stats.metrics.values():
        view = metric_view(metric, stats, base_url)
        if view is not None:
            groups.setdefault(metric.platform or NO_PLATFORM, []).append(view)
    return list(groups.items())


def snapshot_feed(stats: StatsData, base_url: str, title: str) -> Atom1Feed:
    """Build the Atom feed of snapshots, newest first, dated by content only."""
    feed = Atom1Feed(
        title=f"{title} — nouveaux chiffres",
        link=f"{base_url}/",
        description="Chaque nouveau relevé de nos chiffres d'audience, avec sa source.",
        language="fr",
        feed_guid=f"{base_url}/",
    )
    by_snapshot: dict[str, list[str]] = {}  # one pass over the figures, not one per snapshot
    for metric_id in stats.metrics:
        for o in stats.observations.get(metric_id, ()):
            by_snapshot.setdefault(o.snapshot.filename, []).append(
                f"{stats.metrics[o.metric].label} : {format_value(o.value)} ({observation_when(o)})"
            )
    for snapshot in reversed(stats.snapshots):  # already sorted by (date, file name)
        figures = by_snapshot.get(snapshot.filename, [])
        when = dt.datetime.combine(snapshot.date, dt.time(12, 0), tzinfo=dt.timezone.utc)
        feed.add_item(
            title=f"Chiffres du {format_date(snapshot.date)} — {snapshot.source}",
            link=f"{base_url}/#{snapshot_anchor(snapshot)}",
            description="<ul>" + "".join(f"<li>{Markup.escape(f)}</li>" for f in figures) + "</ul>",
            unique_id=f"urn:sha256:{snapshot.sha256}",
            pubdate=when,
            updateddate=when,
        )
    return feed


class TransparencyPageGenerator(Generator):
    """Write the data page, the downloads and the feed of new figures."""

    def generate_context(self):
        """Make sure the stats are loaded for this build."""
        from .pelican_glue import build_state

        build_state(self.context, self.settings)

    def generate_output(self, writer):
        """Write the page and every download."""
        from .pelican_glue import build_state

        state = build_state(self.context, self.settings)
        if state.stats is None:
            return
        with state.timings.span("data_page"):
            self.write_page_and_downloads(state, writer)

    def write_page_and_downloads(self, state, writer):
        """Write the page, the downloads and the feed from the loaded stats."""
        stats = state.stats
        folder = page_dir(self.settings)
        base_url = page_url(self.settings)
        out = Path(self.output_path)
        files = {
            f"{folder}/donnees/observations.csv": exports.observations_csv(
                stats, [o for m in stats.metrics for o in stats.observations.get(m, ())]
            ),
            f"{folder}/donnees/observations.json": exports.observations_json(stats),
            f"{folder}/donnees/instantanes/SHA256SUMS": exports.sha256sums(stats),
            **{
                f"{folder}/donnees/metriques/{m}.csv": exports.observations_csv(stats, stats.observations.get(m, ()))
                for m in stats.metrics
            },
            **state.downloads,
        }
        for name, text in sorted(files.items()):
            write_bytes(out / name, text.encode("utf-8"))
        for snapshot in stats.snapshots:
            write_bytes(out / folder / "donnees" / "instantanes" / snapshot.filename, snapshot.data)
        feed_name = f"{folder}/{setting(self.settings, 'TRANSPARENCY_STATS_FEED')}"
        feed = snapshot_feed(stats, base_url, self.settings["SITENAME"])
        target = out / feed_name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")
        writer.write_file(
            f"{folder}/index.html",
            self.get_template(setting(self.settings, "TRANSPARENCY_STATS_PAGE_TEMPLATE")),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            transparency_page=True,
            has_charts=True,
            groups=platform_groups(stats, base_url),
            snapshots=stats.snapshots[::-1],
            snapshot_anchor=snapshot_anchor,
            downloads_url=f"{base_url}/donnees",
            feed_url=f"{self.settings.get('SITEURL', '')}/{feed_name}",
            format_date=format_date,
        )


def write_bytes(path: Path, data: bytes) -> None:
    """Write a download file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o644)
