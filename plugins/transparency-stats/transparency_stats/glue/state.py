"""One build of the plugin, kept in Pelican's context: the stats, the layout, the charts, and the stage it has reached.

A build goes through its stages in order, each named here and entered by the glue:

1. READING: Pelican reads posts and pages; each one's charts are filled and registered.
2. DATA_PAGES: the data page's generator builds its views and registers the metric charts.
3. WRITING: every chart is known (the registry is frozen); pages, downloads, embed pages
   and images are written from it.

Entering a stage out of turn (a generator that never ran, a signal connected twice, a
plugin that calls the glue in another order) raises PluginOrderError with a one-line
message: nothing is written from a half-filled registry.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import IntEnum

from transparency_stats.charts.fill import ChartMemo
from transparency_stats.errors import StatsError
from transparency_stats.media.image_plots import Theme
from transparency_stats.media.shown import ChartRegistry
from transparency_stats.settings import Layout, setting
from transparency_stats.stats.dated import KnownOn
from transparency_stats.stats.loader import load_stats_again
from transparency_stats.stats.model import StatsData
from transparency_stats.timings import NoTimings, PhaseTimings, timings_of

logger = logging.getLogger(__name__)

STATE_KEY = "_TRANSPARENCY_STATS_BUILD"
BROWSER_KEY = "_TRANSPARENCY_STATS_BROWSER"  # set when the build starts: the Chromium found, or None


class Stage(IntEnum):
    """The stages of one build, in order."""

    READING = 1
    DATA_PAGES = 2
    WRITING = 3


class PluginOrderError(Exception):
    """A stage of the plugin ran out of turn."""


@dataclass
class StatsBuild:
    """What one build knows: the stats (None when they failed to load), where things go, every chart shown."""

    layout: Layout
    stats: StatsData | None
    charts: ChartRegistry
    timings: PhaseTimings | NoTimings
    stage: Stage = Stage.READING
    filled: set[str] = field(default_factory=set)  # the content groups whose charts are registered
    data_pages: list = field(default_factory=list)  # the data pages' views, by platform (DATA_PAGES)
    known_on: KnownOn | None = None  # the stats a dated post reads (stats.dated), None when they failed to load
    drawn: ChartMemo = field(default_factory=ChartMemo)  # the charts drawn, and those of the previous build

    def __post_init__(self):
        if self.stats is not None and self.known_on is None:
            self.known_on = KnownOn(self.stats)

    def fill(self, group: str) -> None:
        """Record that a content group ("articles", "pages") has registered its charts."""
        self.require(Stage.READING, f"the {group}' charts were filled")
        if group in self.filled:
            raise PluginOrderError(f"transparency_stats: the {group}' charts were filled twice — {ONCE}")
        self.filled.add(group)

    def enter(self, stage: Stage) -> None:
        """Go on to `stage`, which must be the next one (data pages after both content groups)."""
        if stage != self.stage + 1:
            raise PluginOrderError(
                f"transparency_stats: stage {stage.name} was entered at stage {self.stage.name} — {ONCE}"
            )
        if stage is Stage.DATA_PAGES and self.filled != {"articles", "pages"}:
            missing = " and ".join(sorted({"articles", "pages"} - self.filled))
            raise PluginOrderError(
                f"transparency_stats: the data pages were built before the {missing}' charts — {ONCE}"
            )
        if stage is Stage.WRITING:
            self.charts.freeze()
        self.stage = stage

    def require(self, stage: Stage, what: str) -> None:
        """Refuse to go on unless the build is at `stage`."""
        if self.stage is not stage:
            raise PluginOrderError(f"transparency_stats: {what} at stage {self.stage.name}, not {stage.name} — {ONCE}")


ONCE = "list 'transparency_stats' once in PLUGINS and let Pelican call it (see the plugin's README)"


def start_build(settings) -> StatsBuild:
    """Load the stats and make the empty registry of a new build."""
    timings = timings_of(settings)
    layout = Layout.from_settings(settings)
    with timings.span("load"):
        try:
            stats = load_stats_again(
                setting(settings, "TRANSPARENCY_STATS_PATH"), display_root=project_root(settings), layout=layout
            )
        except StatsError as error:
            for problem in error.errors:
                logger.error("%s", problem)
            stats = None
    theme = Theme(**setting(settings, "TRANSPARENCY_STATS_IMAGE_THEME")) if settings.get(BROWSER_KEY) else None
    charts = ChartRegistry(layout, settings.get("SITENAME", ""), settings.get("SITE_DESCRIPTION", ""), theme)
    DRAWN.next_build()
    return StatsBuild(layout, stats, charts, timings, drawn=DRAWN)


# One per process: a long-lived one (livereload's worker) takes again the charts its previous
# build drew from the very same inputs (charts.fill.ChartMemo).
DRAWN = ChartMemo()


def project_root(settings) -> str:
    """Return the folder paths are shown from in messages: the one holding the content folder (PATH)."""
    import os

    return os.path.dirname(os.path.abspath(settings["PATH"]))


def build_of(context, settings) -> StatsBuild:
    """Return this build's state, kept in Pelican's context (shared by every generator), starting it on first use."""
    if STATE_KEY not in context:
        context[STATE_KEY] = start_build(settings)
    return context[STATE_KEY]
