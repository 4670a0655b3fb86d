"""Chart images in `invoke bench`: per image against plotly.js's own toImage, and cold builds with against without.

Each build runs as `invoke build` does (`sitebuild.build` with precompression and its cache), in a
fresh process (`python -m tools.bench_images --build REQUEST`). With images on, that process also
keeps every figure the build drew (the exporter is wrapped, not replaced: it still draws them), so
that the same figures can be drawn again by `Plotly.toImage`, one after the other in one page of
the same Chromium, with the same plotly.js, locale and setup: what plotly.js itself costs.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from functools import partial
from pathlib import Path
from statistics import median

from tools.bench_builds import base_site, site_overrides
from tools.bench_common import ROOT, SETTINGS, Context, Row, Section, check, load, row, run_child_build
from tools.image_budget import count_output

BUDGET_PER_IMAGE = 1.5  # our cost per image drawn / plotly.js's toImage of the same figures
BUDGET_COLD_WITH = 3.0  # cold build with images / without
BUDGET_COLD_WARM = 2.0  # cold build without images / the same build with nothing changed
TO_IMAGE = """async (figures) => {
  const started = performance.now();
  for (const spec of figures) {
    const figure = spec.data;
    await Plotly.toImage({data: figure.data, layout: figure.layout, config: Object.assign({plotGlPixelRatio: 2},
      figure.config)}, {format: spec.format, width: spec.width, height: spec.height, scale: 1, imageDataOnly: true});
  }
  return performance.now() - started;
}"""


def child_build(request: dict) -> None:
    """Build as `invoke build` does; keep the figures drawn and the drawing time when asked."""
    from tools import sitebuild
    from tools.postprocess import precompress

    drawn: list[dict] = []
    seconds_drawing = [0.0]
    if request.get("figures"):
        from transparency_stats.media import images

        real = images.default_draw

        def keeping(exporter, drawings, progress):
            started = time.perf_counter()
            try:
                return real(exporter, drawings, progress)
            finally:
                seconds_drawing[0] += time.perf_counter() - started
                drawn.extend(
                    {"format": d.format, "width": d.width, "height": d.height, "data": d.make()} for d in drawings
                )

        images.default_draw = keeping
    started = time.perf_counter()
    problems = []
    try:
        sitebuild.build(
            SETTINGS,
            Path(request["output"]),
            overrides=request["overrides"],
            postprocess=partial(precompress, cache_dir=Path(request["compression_cache"])),
        )
    except sitebuild.BuildFailed as failure:
        problems = failure.problems
    seconds = time.perf_counter() - started
    if request.get("figures"):
        Path(request["figures"]).write_text(json.dumps(drawn), encoding="utf-8")
    result = {"seconds": seconds, "problems": problems, "drawing": seconds_drawing[0], "drawn": len(drawn)}
    Path(request["result"]).write_text(json.dumps(result), encoding="utf-8")


def full_build(site, folder: Path, images: bool, figures: Path | None = None) -> dict:
    """Build `site` into folder/output with the caches under `folder` (which the caller empties or keeps)."""
    overrides = {
        **site_overrides(site.root, folder / "pelican-cache", cache_content=True),
        "TRANSPARENCY_STATS_IMAGES": images,
        "TRANSPARENCY_STATS_IMAGE_CACHE": str(folder / "image-cache"),
        "TRANSPARENCY_STATS_TIMINGS_FILE": str(folder / "timings.json"),
    }
    request = {
        "output": str(folder / "output"),
        "overrides": overrides,
        "compression_cache": str(folder / "compression-cache"),
        "result": str(folder / "result.json"),
        "figures": str(figures) if figures else "",
    }
    run_child_build("tools.bench_images", request)
    result = json.loads((folder / "result.json").read_text(encoding="utf-8"))
    check(not result["problems"], "the site does not build cleanly:\n  " + "\n  ".join(result["problems"][:10]))
    return result


def to_image_ms(figures: list[dict]) -> float:
    """Draw the figures with Plotly.toImage one after the other in one page; return milliseconds per figure."""
    from playwright.sync_api import sync_playwright

    from tools.chromium import launch
    from transparency_stats.media.image_plots import plotly_setup

    vendor = ROOT / "theme" / "static" / "vendor"
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            page = browser.new_page()
            page.set_content("<!DOCTYPE html><html><body></body></html>")
            for name in ("plotly-basic.min.js", "plotly-locale-fr.js"):
                page.add_script_tag(content=(vendor / name).read_text(encoding="utf-8"))
            page.add_script_tag(content=plotly_setup())
            page.evaluate(TO_IMAGE, figures[:4])  # warm plotly.js, as a build's first images warm it
            return page.evaluate(TO_IMAGE, figures) / len(figures)
        finally:
            browser.close()


def measure(context: Context) -> dict:
    """Cold builds with and without images, a build with nothing changed, and toImage of the images drawn."""
    site = base_site(context)
    rounds = []
    for run in range(context.runs):
        round_ = {"load": load()}
        order = ("with", "without") if run % 2 == 0 else ("without", "with")
        for name in order:
            folder = context.work / f"images-{name}"
            shutil.rmtree(folder, ignore_errors=True)
            figures = folder.with_suffix(".figures.json") if name == "with" else None
            round_[name] = full_build(site, folder, images=name == "with", figures=figures)
            if name == "with":
                round_["charts"], round_["images"] = count_output(folder / "output")
                round_["to_image_ms"] = to_image_ms(json.loads(figures.read_text(encoding="utf-8")))
                figures.unlink()
        round_["unchanged"] = full_build(site, context.work / "images-without", images=False)
        context.log(
            f"  run {run + 1}/{context.runs}: with images {round_['with']['seconds']:.1f} s "
            f"({round_['with']['drawn']} drawn in {round_['with']['drawing']:.1f} s), without "
            f"{round_['without']['seconds']:.1f} s, nothing changed {round_['unchanged']['seconds']:.1f} s, "
            f"toImage {round_['to_image_ms']:.1f} ms/image; load {round_['load']:.1f}"
        )
        rounds.append(round_)
    per_image = [1000 * r["with"]["drawing"] / r["with"]["drawn"] for r in rounds]
    added = [1000 * (r["with"]["seconds"] - r["without"]["seconds"]) / r["with"]["drawn"] for r in rounds]
    return {
        "charts": rounds[0]["charts"],
        "images": rounds[0]["images"],
        "drawn": rounds[0]["with"]["drawn"],
        "per_image_ms": median(per_image),
        "added_ms": median(added),
        "to_image_ms": median(r["to_image_ms"] for r in rounds),
        "image_ratio": median(p / r["to_image_ms"] for p, r in zip(per_image, rounds, strict=True)),
        "added_ratio": median(a / r["to_image_ms"] for a, r in zip(added, rounds, strict=True)),
        "with_s": median(r["with"]["seconds"] for r in rounds),
        "without_s": median(r["without"]["seconds"] for r in rounds),
        "unchanged_s": median(r["unchanged"]["seconds"] for r in rounds),
        "cold_ratio": median(r["with"]["seconds"] / r["without"]["seconds"] for r in rounds),
        "warm_ratio": median(r["without"]["seconds"] / r["unchanged"]["seconds"] for r in rounds),
        "load": median(r["load"] for r in rounds),
    }


def rows(r: dict, context: Context) -> list[Row]:
    """Images per image against toImage; cold with against without; cold against nothing changed."""
    return [
        row(
            "9. image drawn / plotly.js toImage",
            f"{r['image_ratio']:.2f}× ({r['per_image_ms']:.1f} ms / {r['to_image_ms']:.1f} ms; {r['drawn']} images)",
            f"≤ {BUDGET_PER_IMAGE}×",
            r["image_ratio"] <= BUDGET_PER_IMAGE,
        ),
        row(
            "   all images add to a build / toImage",
            f"{r['added_ratio']:.2f}× ({r['added_ms']:.1f} ms an image)",
        ),
        row(
            "10. cold build, with / without images",
            f"{r['cold_ratio']:.2f}× ({r['with_s']:.1f} s / {r['without_s']:.1f} s; {r['charts']} charts)",
            f"≤ {BUDGET_COLD_WITH:.0f}×",
            r["cold_ratio"] <= BUDGET_COLD_WITH,
        ),
        row(
            "    cold build / nothing changed (no images)",
            f"{r['warm_ratio']:.2f}× ({r['without_s']:.1f} s / {r['unchanged_s']:.1f} s)",
            f"≤ {BUDGET_COLD_WARM:.0f}×",
            r["warm_ratio"] <= BUDGET_COLD_WARM,
        ),
    ]


def lines(r: dict, context: Context) -> list[str]:
    """Say how the image figures were measured."""
    return [
        f"Images (figures 9-10): builds as `invoke build` (precompression and content cache), cold = every cache "
        f"empty; toImage = the same {r['drawn']} figures one after the other in one Chromium page. Load average "
        f"{r['load']:.1f} (median of the runs' starts)."
    ]


SECTION = Section(
    "images", "Chart images: cold builds with and without, and toImage:", measure, rows, lines, needs_chromium=True
)


if __name__ == "__main__" and sys.argv[1:2] == ["--build"]:
    child_build(json.loads(sys.argv[2]))
