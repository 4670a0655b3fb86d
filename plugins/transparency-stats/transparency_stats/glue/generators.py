"""The Pelican generator that writes the data page, one page per metric, the downloads and the feed of new figures."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from pelican.generators import Generator

from transparency_stats.french import format_date
from transparency_stats.pages.citations import metric_citation
from transparency_stats.pages.downloads import data_files
from transparency_stats.pages.events import event_views
from transparency_stats.pages.feed import snapshot_feed
from transparency_stats.pages.views import correction_views, platform_groups, snapshot_anchor
from transparency_stats.settings import page_dir, page_url, setting

from .state import build_state

logger = logging.getLogger(__name__)


class TransparencyPageGenerator(Generator):
    """Write the data page, the metric pages, the downloads and the feed of new figures."""

    def generate_context(self):
        """Make sure the stats are loaded for this build."""
        build_state(self.context, self.settings)

    def generate_output(self, writer):
        """Write the page and every download."""
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
        files = {f"{folder}/donnees/{name}": data for name, data in data_files(stats).items()}
        files.update((name, text.encode("utf-8")) for name, text in state.downloads.items())
        for name, data in sorted(files.items()):
            write_bytes(out / name, data)
        feed_name = f"{folder}/{setting(self.settings, 'TRANSPARENCY_STATS_FEED')}"
        feed = snapshot_feed(stats, base_url, self.settings["SITENAME"])
        target = out / feed_name
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8") as handle:
            feed.write(handle, "utf-8")
        groups = platform_groups(stats, base_url, state.charts)
        shared = {
            "relative_urls": self.settings.get("RELATIVE_URLS", False),
            "data_page_url": f"{base_url}/",
            "downloads_url": f"{base_url}/donnees",
            "feed_url": f"{self.settings.get('SITEURL', '')}/{feed_name}",
            "format_date": format_date,
            "cite": lambda metric_id, url: metric_citation(stats, metric_id, url, self.settings["SITENAME"]),
        }
        writer.write_file(
            f"{folder}/index.html",
            self.get_template(setting(self.settings, "TRANSPARENCY_STATS_PAGE_TEMPLATE")),
            self.context,
            transparency_page=True,
            has_charts=False,
            groups=groups,
            share_card=data_page_card(state.charts, groups),
            corrections=correction_views(stats),
            events=event_views(stats),
            snapshots=stats.snapshots[::-1],
            snapshot_anchor=snapshot_anchor,
            **shared,
        )
        self.write_metric_pages(groups, folder, writer, shared, state.charts)

    def write_metric_pages(self, groups, folder, writer, shared, charts=None):
        """Write one page per metric with figures, at <folder>/<metric id>/."""
        template = self.get_template(setting(self.settings, "TRANSPARENCY_STATS_METRIC_TEMPLATE"))
        feed = setting(self.settings, "TRANSPARENCY_STATS_FEED")
        for platform, views in groups:
            for view in views:
                if view.metric.id == feed:  # the catalogue refuses the default feed name; a custom one is seen here
                    logger.error(
                        "stats/metrics.yaml:%d:1: metric id '%s' is taken: the data page writes its feed"
                        " there (TRANSPARENCY_STATS_FEED) — choose another id",
                        view.metric.line,
                        feed,
                    )
                    continue
                writer.write_file(
                    f"{folder}/{view.metric.id}/index.html",
                    template,
                    self.context,
                    has_charts=view.chart is not None,
                    platform=platform,
                    view=view,
                    share_card=charts.share_card(chart_id(view)) if charts is not None and view.chart else None,
                    **shared,
                )


def chart_id(view) -> str:
    """Return the HTML id of a metric page's chart."""
    return "donnees-" + view.metric.id


def data_page_card(charts, groups):
    """Return the data page's share card: the first metric chart's (None without images or charts)."""
    first = next((view for _, views in groups for view in views if view.chart is not None), None)
    return charts.share_card(chart_id(first)) if charts is not None and first is not None else None


def write_bytes(path: Path, data: bytes) -> None:
    """Write a download file, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.chmod(path, 0o644)
