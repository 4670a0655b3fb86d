"""Lighthouse (mobile, default settings) on the publish build, served with its precompressed files.

`measure(pages)` builds the site with the publish settings for a local address, serves it
with Debian's nginx and deploy/nginx.conf (tools/nginx.py) and runs the pinned Lighthouse
(node_modules, package-lock.json) on Debian's Chromium; it returns the four category
scores, total blocking time, cumulative layout shift and largest contentful paint per page.
`python -m tools.lighthouse` prints them. `invoke bench` calls `report_lines`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tools import sitebuild
from tools.chromium import CHROMIUM
from tools.nginx import NginxServer, free_port
from tools.postprocess import precompress

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "demo post": "/2017/01/reseaux-et-mouvements/",
    "data page": "/transparence/",
    "search page": "/recherche/?q=abonn%C3%A9s%20youtube",  # Pagefind loaded, a query's results shown
}
BUDGET_PERFORMANCE = 95
BUDGET_OTHERS = 100
TIMEOUT_S = 240


class LighthouseFailed(Exception):
    """Lighthouse could not run or gave no result."""


@dataclass(frozen=True)
class Scores:
    """What Lighthouse says of one page: category scores (0–100), TBT, CLS and LCP."""

    categories: dict[str, int]
    total_blocking_time_ms: float
    cumulative_layout_shift: float
    largest_contentful_paint_ms: float

    def meets_budget(self) -> bool:
        """Tell whether performance is at least 95, the other categories 100, and CLS 0."""
        others = [score for name, score in self.categories.items() if name != "performance"]
        return (
            self.categories.get("performance", 0) >= BUDGET_PERFORMANCE
            and all(score >= BUDGET_OTHERS for score in others)
            and self.cumulative_layout_shift == 0
        )


def build_publish_site(output: Path, site_url: str, cache: Path) -> None:
    """Build the publish settings for `site_url` into `output`, with precompressed copies."""
    overrides = {"SITEURL": site_url, "FEED_DOMAIN": site_url, "CACHE_PATH": str(cache)}
    sitebuild.build(ROOT / "publishconf.py", output, overrides=overrides, postprocess=partial(precompress))


def run(url: str, report: Path) -> Scores:
    """Run Lighthouse once on `url` (mobile emulation, simulated throttling) and read its JSON report."""
    if not LIGHTHOUSE.exists():
        raise LighthouseFailed("node_modules/.bin/lighthouse is missing — run `npm ci --ignore-scripts`")
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking",
    ]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
    if result.returncode != 0 or not report.exists():
        message = " ".join((result.stderr or result.stdout).split())[-400:]
        raise LighthouseFailed(f"lighthouse {url} failed (exit {result.returncode}): {message}")
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise LighthouseFailed(f"lighthouse {url}: {data['runtimeError'].get('message')}")
    audits = data["audits"]
    return Scores(
        categories={name: round(100 * (data["categories"][name]["score"] or 0)) for name in CATEGORIES},
        total_blocking_time_ms=audits["total-blocking-time"]["numericValue"],
        cumulative_layout_shift=audits["cumulative-layout-shift"]["numericValue"],
        largest_contentful_paint_ms=audits["largest-contentful-paint"]["numericValue"],
    )


def measure(pages: dict[str, str] = PAGES, work: Path | None = None) -> dict[str, Scores]:
    """Build the publish site for a local port, serve it with nginx and run Lighthouse on each page."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-", dir=work) as folder:
        folder = Path(folder)
        port = free_port()
        site_url = f"http://127.0.0.1:{port}"
        build_publish_site(folder / "output", site_url, folder / "cache")
        results = {}
        with NginxServer(folder / "output", port):
            for name, path in pages.items():
                results[name] = run(site_url + path, folder / f"{len(results)}.json")
        return results


def report_lines(results: dict[str, Scores]) -> list[str]:
    """Return one line per page: scores, TBT, CLS, LCP and the verdict against the budget."""
    lines = []
    for name, scores in results.items():
        categories = " ".join(f"{key[:4]} {value}" for key, value in scores.categories.items())
        lines.append(
            f"Lighthouse mobile, {name}: {categories}; TBT {scores.total_blocking_time_ms:.0f} ms, "
            f"CLS {scores.cumulative_layout_shift:.3f}, LCP {scores.largest_contentful_paint_ms:.0f} ms "
            f"(budget: perf ≥ {BUDGET_PERFORMANCE}, others {BUDGET_OTHERS}, CLS 0) — "
            f"{'ok' if scores.meets_budget() else 'OVER'}"
        )
    return lines


def main() -> int:
    """Print the Lighthouse figures of the demo post and the data page."""
    try:
        results = measure()
    except (LighthouseFailed, sitebuild.BuildFailed) as error:
        print(f"lighthouse: {error}", file=sys.stderr)
        return 1
    print("\n".join(report_lines(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
