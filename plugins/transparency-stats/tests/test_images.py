"""Chart images: the figures given to the exporter, stable SVG ids, the cache, and kaleido on the real Chromium."""

from __future__ import annotations

import copy
import json
import re
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest

from factories import D, chart, observation, stats_data
from test_plotly_schema import SITES, site_figures
from transparency_stats.charts.plot import build_plot
from transparency_stats.charts.recipe import Theme, prepare, theme_recipe, variant
from transparency_stats.charts.selection import select
from transparency_stats.errors import StatsError
from transparency_stats.media.image_plots import (
    CARD_HEIGHT,
    CARD_WIDTH,
    card_plot,
    dark_style,
    page_plot,
    plotly_setup,
    site_card_plot,
)
from transparency_stats.media.images import (
    BrowserFailed,
    Drawing,
    Exporter,
    ImageCache,
    draw_all,
    exporter_message,
    find_browser,
    stable_ids,
    with_style,
)
from transparency_stats.stats.model import Metric

PROJECT = Path(__file__).resolve().parents[3]
VENDOR = PROJECT / "theme" / "static" / "vendor"
THEME = Theme(fg="#1d1d1f", grid="#e2e2e6", dark_fg="#ececef", dark_grid="#34343a", font="system-ui, sans-serif")


def plot_of(spec, metrics, observations) -> dict:
    """Return a chart's plot, as build_plot makes it."""
    return build_plot(select(spec, stats_data(metrics, observations)))


AUG, SEP = (D(2016, 8, 1), D(2016, 8, 31)), (D(2016, 9, 1), D(2016, 9, 30))
BAR = plot_of(
    chart("site_visits", type="bar"),
    [Metric("site_visits", "A <b>&", "period", color="#b3261e")],
    [
        observation("site_visits", AUG[0], 3720, end=AUG[1]),
        observation("site_visits", SEP[0], 8754, "at_least", SEP[1]),
    ],
)
LINE = plot_of(
    chart("b"),
    [Metric("b", "B", "total")],
    [observation("b", D(2016, 9, 30), 20000), observation("b", D(2016, 12, 23), 145000)],
)
LATEST = plot_of(
    chart("y", type="latest"),
    [Metric("y", "Abonnés de la chaîne YouTube principale", "total")],
    [observation("y", D(2016, 12, 23), 145000)],
)


def exporter() -> Exporter:
    return Exporter(VENDOR / "plotly-basic.min.js", VENDOR / "plotly-locale-fr.js", plotly_setup(), find_browser())


def drawing(plot=BAR, target="a/graphique.svg", fmt="svg", ids="chart-1-", line=7, width=640, height=320):
    made = page_plot(prepare(plot), "wide" if width > 360 else "narrow", THEME)
    source = json.dumps(made, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Drawing(target, source, lambda: made, width, height, fmt, ids, "content/posts/p.md", line, dark_style(THEME))


# --- The plots ------------------------------------------------------------------------------


def test_page_plot_draws_the_recipes_variant_themed_with_every_trace_named():
    prepared = prepare(BAR)
    kept = copy.deepcopy(prepared)
    wide, narrow = page_plot(prepared, "wide", THEME), page_plot(prepared, "narrow", THEME)
    assert prepared == kept  # the page's JSON is untouched
    assert wide["layout"]["font"] == {"color": THEME.fg, "family": THEME.font}
    assert wide["layout"]["yaxis"]["gridcolor"] == THEME.grid
    assert wide["data"][0]["name"] == "A &lt;b&gt;&amp;"  # plotly.js would read <b> as markup
    assert wide["data"][0]["uid"] == "trace0"  # plotly.js names patterns after it: random otherwise
    page = theme_recipe(THEME)
    for name, made in (("wide", wide), ("narrow", narrow)):
        expected = variant(prepared, name, page)
        assert made["layout"] == expected["layout"], name  # exactly what charts.js draws at these widths
        assert [{k: v for k, v in t.items() if k != "uid"} for t in made["data"]] == expected["data"]
    assert narrow["layout"]["xaxis"]["ticktext"] == ["août<br>2016", "sept.<br>2016"]  # a word a line on a phone


def test_narrow_images_wrap_long_bar_labels_in_the_recipe():
    prepared = prepare(LATEST)
    narrow, wide = page_plot(prepared, "narrow", THEME), page_plot(prepared, "wide", THEME)
    assert narrow["layout"]["yaxis"]["ticktext"] == ["Abonnés de<br>la chaîne<br>YouTube<br>principale"]
    assert wide["layout"]["yaxis"]["ticktext"] == ["Abonnés de la chaîne<br>YouTube principale"]
    assert narrow["data"] == wide["data"]  # the variants differ in their layout only


@pytest.mark.parametrize("site", sorted(SITES))
def test_every_plot_given_to_the_exporter_validates(site):
    for where, figure in site_figures(SITES[site]):
        prepared = prepare(figure)
        made_ones = [page_plot(prepared, name, THEME) for name in ("wide", "narrow")]
        for made in [*made_ones, card_plot(prepared, where, "Source : X", "Le site", THEME)]:
            try:
                go.Figure({key: made[key] for key in ("data", "layout")})
            except ValueError as error:
                pytest.fail(f"{where}: {error}")
    go.Figure(site_card_plot("Le site", "Une description assez longue " * 4, THEME))


def test_the_setup_script_gives_plotly_the_french_names():
    script = plotly_setup()
    assert script.startswith("window.Plotly.setPlotConfig(") and '"locale": "fr"' in script
    assert "janv." in script and "déc." in script


# --- SVG ids and style ------------------------------------------------------------------------

SVG = (
    '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<defs id="defs-a1b2c3"><g class="clips"><clipPath id="clipa1b2c3xyplot"><rect/></clipPath></g>'
    '<pattern id="pa1b2c3-trace0-0"/></defs><g clip-path="url(#clipa1b2c3xyplot)">'
    "<path style=\"fill: url('#pa1b2c3-trace0-0');\"/><text>a1b2c3 stays: it is text</text></g></svg>"
)


def test_stable_ids_replace_the_random_uid_in_ids_and_references_only():
    result = stable_ids(SVG, "graphique-p-1-")
    assert "a1b2c3" in result.split("<text>")[1]  # the text is left alone
    ids = re.findall(r'id="([^"]+)"', result)
    assert ids == ["defs-graphique-p-1-", "clipgraphique-p-1-xyplot", "pgraphique-p-1--trace0-0"]
    assert 'clip-path="url(#clipgraphique-p-1-xyplot)"' in result
    assert "url('#pgraphique-p-1--trace0-0')" in result


def test_the_dark_style_goes_first_inside_the_svg():
    result = with_style(SVG, dark_style(THEME))
    assert result.startswith(
        '<svg class="main-svg" xmlns="http://www.w3.org/2000/svg" width="10" height="10"><style>@media'
    )
    assert "prefers-color-scheme: dark" in result and THEME.dark_fg in result


# --- The cache, with a stand-in for Chromium --------------------------------------------------


class FakeExporter:
    """Draw nothing: return the drawing's target as its bytes, and count the calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, exporter, drawings, progress):
        self.calls.append([d.target for d in drawings])
        return [f'<svg><defs id="defs-abc123"/>{d.target}</svg>'.encode() for d in drawings]


def test_a_warm_cache_draws_nothing_and_each_image_is_drawn_once(tmp_path):
    fake = FakeExporter()
    cache = ImageCache(tmp_path / "cache")
    drawings = [
        drawing(target="a/one.svg", ids="a-"),
        drawing(target="a/copy.svg", ids="a-"),  # the very same image: drawn once, written twice
        drawing(target="b/one.svg", ids="b-"),  # the same figure for another chart: ids of its own
        drawing(LINE, target="c/two.svg", ids="c-"),
    ]
    first = draw_all(drawings, exporter(), cache, tmp_path / "out", progress=False, draw=fake)
    assert fake.calls == [["a/one.svg", "b/one.svg", "c/two.svg"]]
    assert (first.drawn, first.cached, first.written) == (3, 0, 4)
    assert '<defs id="defs-a-"/>' in (tmp_path / "out" / "a" / "copy.svg").read_text()
    assert '<defs id="defs-b-"/>' in (tmp_path / "out" / "b" / "one.svg").read_text()
    assert "prefers-color-scheme: dark" in (tmp_path / "out" / "b" / "one.svg").read_text()
    again = draw_all(drawings, exporter(), cache, tmp_path / "out2", progress=False, draw=fake)
    assert len(fake.calls) == 1 and (again.drawn, again.cached, again.written) == (0, 3, 4)
    assert [p.read_bytes() for p in sorted((tmp_path / "out").rglob("*.svg"))] == [
        p.read_bytes() for p in sorted((tmp_path / "out2").rglob("*.svg"))
    ]


def test_the_cache_key_follows_everything_that_draws(tmp_path):
    base = exporter()
    key = base.key(drawing())
    assert key == exporter().key(drawing())
    assert key != base.key(drawing(LINE))
    assert key != base.key(drawing(width=360))
    assert key != base.key(drawing(fmt="png"))
    assert key == base.key(drawing(target="elsewhere.svg"))  # the same image, written elsewhere
    assert key != base.key(drawing(ids="other-"))  # the cache keeps finished images: ids of their own
    other_js = tmp_path / "plotly.js"
    other_js.write_text("window.Plotly = {};")
    assert key != Exporter(other_js, VENDOR / "plotly-locale-fr.js", plotly_setup()).key(drawing())
    assert key != Exporter(VENDOR / "plotly-basic.min.js", VENDOR / "plotly-locale-fr.js", "").key(drawing())


@pytest.mark.parametrize("module", ["recipe", "image_plots", "images"])
def test_a_change_in_any_module_that_shapes_an_image_changes_the_fingerprint(tmp_path, monkeypatch, module):
    from transparency_stats.charts import recipe
    from transparency_stats.media import image_plots, images

    code = {"recipe": recipe, "image_plots": image_plots, "images": images}[module]
    before = exporter().fingerprint
    changed = tmp_path / f"{module}.py"
    changed.write_text(Path(code.__file__).read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    monkeypatch.setattr(code, "__file__", str(changed))
    assert exporter().fingerprint != before, f"a change in {module}.py would keep the images drawn before it"


def test_a_failed_drawing_names_its_chart_and_keeps_nothing(tmp_path):
    def failing(exporter, drawings, progress):
        return [RuntimeError("plotly.js error (bad figure)") for _ in drawings]

    cache = ImageCache(tmp_path / "cache")
    with pytest.raises(StatsError) as caught:
        draw_all([drawing(line=12)], exporter(), cache, tmp_path / "out", progress=False, draw=failing)
    assert str(caught.value) == (
        "content/posts/p.md:12:1: this chart could not be drawn as an image (plotly.js error (bad figure)) "
        "— check the chart block; the build drew no image of it"
    )
    assert not (tmp_path / "out").exists() and not list((tmp_path / "cache").rglob("*.svg"))


def test_a_javascript_exception_is_reported_by_its_first_line():
    details = {"exceptionDetails": {"exception": {"description": "Error: cannot draw\n    at render (x.js:1:2)"}}}
    assert exporter_message(Exception(details)) == "Error: cannot draw"


# --- Kaleido on the real Chromium -------------------------------------------------------------

needs_chromium = pytest.mark.skipif(find_browser() is None, reason="no Chromium: bootstrap.py installs it")


@needs_chromium
@pytest.mark.browser
def test_kaleido_draws_the_same_bytes_twice_cold_with_french_dates_and_stable_ids(tmp_path):
    drawings = [
        drawing(target="a/graphique.svg", ids="graphique-a-1-"),
        drawing(LINE, target="a/ligne.svg", ids="graphique-a-2-"),
        drawing(target="a/carte.png", fmt="png", width=CARD_WIDTH, height=CARD_HEIGHT),
    ]
    started = time.perf_counter()
    first = draw_all(drawings, exporter(), ImageCache(tmp_path / "one"), tmp_path / "out1", progress=False)
    seconds = time.perf_counter() - started
    draw_all(drawings, exporter(), ImageCache(tmp_path / "two"), tmp_path / "out2", progress=False)
    assert first.drawn == 3
    for name in ("graphique.svg", "ligne.svg", "carte.png"):
        assert (tmp_path / "out1" / "a" / name).read_bytes() == (tmp_path / "out2" / "a" / name).read_bytes(), name
    svg = (tmp_path / "out1" / "a" / "ligne.svg").read_text()
    ids = set(re.findall(r'id="([^"]+)"', svg))
    assert ids and all("graphique-a-2-" in i for i in ids if i.startswith(("defs", "clip"))), ids
    assert not ids & set(re.findall(r'id="([^"]+)"', (tmp_path / "out1" / "a" / "graphique.svg").read_text()))
    assert re.search(r">\d+ (oct|nov|déc)\.<", svg), "dates should be French, as on the page"
    png = (tmp_path / "out1" / "a" / "carte.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (CARD_WIDTH, CARD_HEIGHT)
    print(f"kaleido: 3 images drawn cold in {seconds:.2f} s, Chromium's start included")


@needs_chromium
@pytest.mark.browser
def test_an_image_has_the_same_bytes_whatever_was_drawn_before_it(tmp_path):
    # plotly.js writes some SVG attributes in an order that depends on the figures drawn before in its
    # page (seen on legends): a build that draws a few missing images, or on another number of cores,
    # must still give the bytes of a cold build.
    figures = [figure for _, figure in site_figures(SITES["demo"])][:12]
    drawings = [
        drawing(figure, target=f"c{n}/{width}.svg", ids=f"c{n}-{width}-", width=width)
        for n, figure in enumerate(figures)
        for width in (640, 360)
    ]
    draw_all(drawings, exporter(), ImageCache(tmp_path / "one"), tmp_path / "forward", progress=False)
    draw_all(drawings[::-1], exporter(), ImageCache(tmp_path / "two"), tmp_path / "backward", progress=False)
    for each in drawings[::3]:  # each alone, in a fresh page
        draw_all([each], exporter(), ImageCache(tmp_path / "three"), tmp_path / "alone", progress=False)
    differ = [
        d.target
        for d in drawings
        if (tmp_path / "forward" / d.target).read_bytes() != (tmp_path / "backward" / d.target).read_bytes()
        or (
            (tmp_path / "alone" / d.target).is_file()
            and (tmp_path / "alone" / d.target).read_bytes() != (tmp_path / "forward" / d.target).read_bytes()
        )
    ]
    assert not differ


@needs_chromium
@pytest.mark.browser
def test_a_chart_plotly_js_cannot_draw_fails_with_its_location_and_the_exporters_message(tmp_path):
    broken = tmp_path / "plotly.js"  # a plotly.js that loads, then cannot draw this one figure
    real = (VENDOR / "plotly-basic.min.js").read_text(encoding="utf-8")
    broken.write_text(
        real + "\nconst toImage = window.Plotly.toImage;\nwindow.Plotly.toImage = (figure, options) =>"
        " figure.data[0].name === 'B' ? Promise.reject(new Error('this figure cannot be drawn'))"
        " : toImage(figure, options);\n",
        encoding="utf-8",
    )
    sabotaged = Exporter(broken, VENDOR / "plotly-locale-fr.js", plotly_setup(), find_browser())
    with pytest.raises(StatsError) as caught:
        draw_all(
            [drawing(line=3), drawing(LINE, target="b.svg", line=9)],
            sabotaged,
            ImageCache(tmp_path / "c"),
            tmp_path / "out",
            progress=False,
        )
    assert [str(e) for e in caught.value.errors] == [
        "content/posts/p.md:9:1: this chart could not be drawn as an image (Error 525: this figure cannot be drawn) "
        "— check the chart block; the build drew no image of it"
    ]


def test_a_browser_that_cannot_start_is_one_line(tmp_path):
    not_a_browser = tmp_path / "chromium"
    not_a_browser.write_text("#!/bin/sh\nexit 3\n")
    not_a_browser.chmod(0o755)
    broken = Exporter(
        VENDOR / "plotly-basic.min.js", VENDOR / "plotly-locale-fr.js", plotly_setup(), str(not_a_browser)
    )
    started = time.perf_counter()
    with pytest.raises(BrowserFailed) as caught:
        draw_all([drawing()], broken, ImageCache(tmp_path / "c"), tmp_path / "out", progress=False)
    assert "\n" not in str(caught.value) and str(caught.value)
    assert time.perf_counter() - started < 120


def test_a_session_that_stops_answering_is_retried_once_then_reported(monkeypatch):
    import asyncio

    from transparency_stats.media import images

    calls = []

    async def session(exporter, drawings, progress):
        calls.append(1)
        if len(calls) == 1 or getattr(session, "always_stuck", False):
            await asyncio.sleep(30)  # Chromium stopped answering
        return [b"<svg/>" for _ in drawings]

    monkeypatch.setattr(images, "draw_in_session", session)
    monkeypatch.setattr(images, "SESSION_TIMEOUT_S", 0.2)
    monkeypatch.setattr(images, "IMAGE_TIMEOUT_S", 0)
    assert images.default_draw(None, ["a"], None) == [b"<svg/>"] and len(calls) == 2
    session.always_stuck = True
    with pytest.raises(images.BrowserFailed, match="stopped answering after 0 s, twice"):
        images.default_draw(None, ["a"], None)
