"""What the chart images cost a build: all cached against none (≤ 3 %), and drawing them cold (≤ 0.4 s a chart).

`measure(settings)` builds a site (the demo by default) without images, with every image in
the cache, and with an empty cache, interleaving the runs (the machine is shared: only ratios
of builds measured side by side mean something) and returns the medians. `invoke bench` can
call it with its synthetic site's settings and overrides; `python -m tools.image_budget`
prints it for the demo site.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools import sitebuild

ROOT = Path(__file__).resolve().parent.parent
BUDGET_WARM_RATIO = 1.03
BUDGET_COLD_PER_CHART_S = 0.4


@dataclass(frozen=True)
class ImageCosts:
    """Median build seconds without images, with all images cached, with none cached; charts and images drawn.

    `warm_images_s` is the plugin's own time on images in the warm builds (its "images" phase:
    figures, cache look-ups, writing the files), a steadier figure than a difference of builds.
    """

    without_s: float
    warm_s: float
    cold_s: float
    charts: int
    images: int
    warm_images_s: float = 0.0

    @property
    def warm_ratio(self) -> float:
        return self.warm_s / self.without_s

    @property
    def cold_per_chart_s(self) -> float:
        return (self.cold_s - self.warm_s) / max(self.charts, 1)


def count_output(output: Path) -> tuple[int, int]:
    """Return (charts, images) of a build: embed pages, and the SVG and PNG files beside them."""
    folder = output / "transparence" / "graphique"
    charts = len(list(folder.glob("*/index.html")))
    images = len(list(folder.rglob("*.svg"))) + len(list(folder.rglob("*.png")))
    return charts, images


def measure(
    settings: Path = ROOT / "pelicanconf.py",
    overrides: dict | None = None,
    runs: int = 3,
    work: Path | None = None,
    log=print,
) -> ImageCosts:
    """Build without images, warm and cold, `runs` times each, interleaved; return the medians."""
    with tempfile.TemporaryDirectory(prefix="image-budget-", dir=work) as folder:
        folder = Path(folder)
        base = {
            **(overrides or {}),
            "LOAD_CONTENT_CACHE": False,
            "CACHE_CONTENT": False,
            "CACHE_PATH": str(folder / "pelican-cache"),
            "TRANSPARENCY_STATS_TIMINGS_FILE": str(folder / "timings.json"),
        }
        warm_cache = folder / "images-warm"
        warm_images: list[float] = []

        def build(name: str, images: bool, cache: Path) -> float:
            settings_overrides = {
                **base,
                "TRANSPARENCY_STATS_IMAGES": images,
                "TRANSPARENCY_STATS_IMAGE_CACHE": str(cache),
            }
            seconds = sitebuild.build(settings, folder / name, overrides=settings_overrides)
            if name == "warm":
                phases = json.loads((folder / "timings.json").read_text(encoding="utf-8"))["seconds"]
                warm_images.append(phases.get("images", 0.0))
            return seconds

        build("prime", True, warm_cache)  # fills the warm cache
        charts, images = count_output(folder / "prime")
        times: dict[str, list[float]] = {"without": [], "warm": [], "cold": []}
        for run in range(runs):
            times["without"].append(build("without", False, warm_cache))
            times["warm"].append(build("warm", True, warm_cache))
            cold_cache = folder / f"images-cold-{run}"
            times["cold"].append(build("cold", True, cold_cache))
            shutil.rmtree(cold_cache, ignore_errors=True)
            log(f"image budget, run {run + 1}/{runs}: " + ", ".join(f"{k} {v[-1]:.2f} s" for k, v in times.items()))
        medians = [statistics.median(times[k]) for k in ("without", "warm", "cold")]
        return ImageCosts(*medians, charts, images, statistics.median(warm_images))


def report_lines(costs: ImageCosts) -> list[str]:
    """Return the budget lines, as `invoke bench` prints its figures."""
    warm_ok = costs.warm_ratio <= BUDGET_WARM_RATIO
    cold_ok = costs.cold_per_chart_s <= BUDGET_COLD_PER_CHART_S
    share = costs.warm_images_s / costs.warm_s
    return [
        f"chart images cached, build with / without   {costs.warm_ratio:.3f}× ({costs.warm_s:.2f} s / "
        f"{costs.without_s:.2f} s)   budget ≤ {BUDGET_WARM_RATIO:.2f}×   {'ok' if warm_ok else 'OVER'}",
        f"   their own time in the warm build          {1000 * costs.warm_images_s:.0f} ms "
        f"({100 * share:.1f} % of it, {costs.images} images)",
        f"chart images drawn cold, per chart          {costs.cold_per_chart_s:.3f} s ({costs.charts} charts, "
        f"{costs.images} images, {costs.cold_s:.2f} s cold build)   budget ≤ {BUDGET_COLD_PER_CHART_S} s   "
        f"{'ok' if cold_ok else 'OVER'}",
    ]


def main() -> int:
    """Print the image budgets of the demo site."""
    try:
        costs = measure()
    except sitebuild.BuildFailed as failure:
        print("\n".join(failure.problems), file=sys.stderr)
        return 1
    print("\n".join(report_lines(costs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
