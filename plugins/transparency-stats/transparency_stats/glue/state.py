"""Per-build state of the plugin, kept in Pelican's context: the loaded stats, chart downloads and media, timings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from transparency_stats.errors import StatsError
from transparency_stats.media.shown import ChartRegistry, registry_from_settings
from transparency_stats.settings import setting
from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import StatsData
from transparency_stats.timings import NO_TIMINGS, NoTimings, PhaseTimings, timings_of

logger = logging.getLogger(__name__)

STATE_KEY = "_TRANSPARENCY_STATS_STATE"


@dataclass
class BuildState:
    """What one build knows of the stats: the data (None when it failed to load) and chart CSVs by output path."""

    stats: StatsData | None
    downloads: dict[str, str] = field(default_factory=dict)
    timings: PhaseTimings | NoTimings = NO_TIMINGS
    charts: ChartRegistry | None = None  # every chart shown, for its embed page and images


def build_state(context, settings) -> BuildState:
    """Load the stats once per build and keep them in Pelican's shared context."""
    if STATE_KEY not in context:
        timings = timings_of(settings)
        with timings.span("load"):
            try:
                stats = load_stats(setting(settings, "TRANSPARENCY_STATS_PATH"))
            except StatsError as error:
                for problem in error.errors:
                    logger.error("%s", problem)
                stats = None
        context[STATE_KEY] = BuildState(stats, timings=timings, charts=registry_from_settings(settings))
    return context[STATE_KEY]
