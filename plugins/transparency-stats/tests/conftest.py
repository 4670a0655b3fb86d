"""Offer a small stats folder builder."""

from pathlib import Path

import pytest

METRICS = """\
youtube.subscribers:
  label: YouTube subscribers
  kind: total
  platform: YouTube
twitter.followers:
  label: Twitter followers
  kind: total
site.visits:
  label: Site visits
  kind: period
  decimals: 1
site.rating:
  label: Site rating
  kind: total
  decimals: 2
"""


def write_stats(root: Path, snapshots: dict, metrics=METRICS) -> Path:
    """Write stats/metrics.yaml and stats/snapshots/<name> under `root`; return the stats folder."""
    stats = root / "stats"
    (stats / "snapshots").mkdir(parents=True, exist_ok=True)
    if metrics is not None:
        write(stats / "metrics.yaml", metrics)
    for name, content in snapshots.items():
        write(stats / "snapshots" / name, content)
    return stats


def write(path: Path, content) -> None:
    """Write text (as UTF-8) or bytes to `path`."""
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


@pytest.fixture
def make_stats(tmp_path):
    """Return a function writing a stats folder into tmp_path."""
    return lambda snapshots=(), metrics=METRICS: write_stats(tmp_path, dict(snapshots), metrics)


@pytest.fixture(scope="session")
def stats_writer():
    """Return `write_stats`, for tests that make their own folders (e.g. Hypothesis tests)."""
    return write_stats
