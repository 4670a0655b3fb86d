"""Add a metric to `stats/metrics.yaml` from the command line, appending to the file without reformatting it."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from transparency_stats.stats.loader import load_stats
from transparency_stats.stats.model import Metric

from .recording import UsageError, yaml_text

OPTIONAL_FIELDS = ("platform", "unit", "description", "color")


def metric_block(metric_id: str, label: str, kind: str, decimals: int = 0, **optional: str | None) -> str:
    """Return the catalogue lines of one metric, in the catalogue's usual order."""
    lines = [f"{metric_id}:", f"  label: {yaml_text(label)}", f"  kind: {kind}"]
    for field in OPTIONAL_FIELDS:
        if optional.get(field):
            lines.append(f"  {field}: {yaml_text(optional[field])}")
    if decimals:
        lines.append(f"  decimals: {decimals}")
    return "\n".join(lines) + "\n"


def add_metric(
    stats_dir: Path, metric_id: str, label: str, kind: str, decimals: int = 0, **optional: str | None
) -> Metric:
    """Append a metric to the catalogue after checking the whole stats folder with it, as a build would."""
    stats_dir = Path(stats_dir)
    catalogue = stats_dir / "metrics.yaml"
    text = catalogue.read_text(encoding="utf-8")
    if text.strip() in ("{}", ""):
        text = ""  # an empty catalogue is written "{}": it becomes the first entry
    elif not text.endswith("\n"):
        text += "\n"
    new_text = text + metric_block(metric_id, label, kind, decimals, **optional)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / stats_dir.name
        shutil.copytree(stats_dir, copy, symlinks=True)
        before = load_stats(copy, display_root=copy.parent).metrics
        if metric_id in before:
            raise UsageError(
                f"{stats_dir.name}/metrics.yaml:{before[metric_id].line}:1: metric '{metric_id}'"
                " already exists — pick another id, or edit its entry"
            )
        (copy / "metrics.yaml").write_text(new_text, encoding="utf-8")
        metric = load_stats(copy, display_root=copy.parent).metrics[metric_id]
    replace_text(catalogue, new_text)
    return metric


def replace_text(path: Path, text: str) -> None:
    """Write a file in one step (a temporary file renamed over it), so it is never left half written."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, path.stat().st_mode & 0o777)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
