"""The plugin's own time per phase, as cheap perf_counter spans: off unless a setting asks for it."""

from __future__ import annotations

import json
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from time import perf_counter

TIMINGS_KEY = "_TRANSPARENCY_STATS_TIMINGS"


class PhaseTimings:
    """Add up the seconds and calls spent in each phase of the plugin (a perf_counter span each)."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)

    @contextmanager
    def span(self, phase: str):
        """Time the enclosed block as one call of `phase`."""
        started = perf_counter()
        try:
            yield
        finally:
            self.seconds[phase] += perf_counter() - started
            self.calls[phase] += 1

    def write(self, path: str | Path) -> None:
        """Write {"seconds": {...}, "calls": {...}} as JSON to `path`."""
        data = {"seconds": dict(sorted(self.seconds.items())), "calls": dict(sorted(self.calls.items()))}
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


class NoTimings:
    """Stand in for PhaseTimings when nobody asked: spans cost one method call."""

    @contextmanager
    def span(self, phase: str):
        """Do nothing around the block."""
        yield


NO_TIMINGS = NoTimings()


def timings_of(settings) -> PhaseTimings | NoTimings:
    """Return the build's timings when the settings ask for them, else a no-op stand-in."""
    return settings.get(TIMINGS_KEY) or NO_TIMINGS
