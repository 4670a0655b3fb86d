"""Per-build state of the plugin, kept in Pelican's context: the loaded stats, chart downloads, phase timings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from .errors import StatsError
from .loader import load_stats
from .model import StatsData
from .settings import setting
from .timings import NO_TIMINGS, NoTimings, PhaseTimings, timings_of

logger = logging.getLogger(__name__)

STATE_KEY = "_TRANSPARENCY_STATS_STATE"


@dataclass
class BuildState:
    """What one build knows of the stats: the data (None when it failed to load) and chart CSVs by output path."""

    stats: StatsData | None
    downloads: dict[str, str] = field(default_factory=dict)
    timings: PhaseTimings | NoTimings = NO_TIMINGS


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
        context[STATE_KEY] = BuildState(stats, timings=timings)
    return context[STATE_KEY]
