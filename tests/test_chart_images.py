"""Charts that travel: share cards, images in feeds, embed pages, the cache, and a build without Chromium."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_helpers import ROOT, build_site, copy_project, soup
from test_site import ATOM, SITE_URL, article_path

pytestmark = pytest.mark.slow

DEMO_POST = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
DEMO_URL = f"{SITE_URL}/2017/01/reseaux-et-mouvements/"
CARD_SIZE = (1200, 630)


class Page:
    """A built page read with BeautifulSoup: its elements as (tag, attributes), links, meta tags and text."""

    def __init__(self, page):
        self.elements = [
            (tag.name, {k: " ".join(v) if isinstance(v, list) else v for k, v in tag.attrs.items()})
            for tag in page.find_all(True)
        ]
        self.links = [
            (tag, attrs[name]) for tag, attrs in self.elements for name in ("href", "src", "srcset") if attrs.get(name)
        ]
        self.meta = {
            attrs.get("property") or attrs.get("name"): attrs.get("content", "")
            for tag, attrs in self.elements
            if tag == "meta" and (attrs.get("property") or attrs.get("name"))
        }
        self.plain = " ".join(page.get_text().split())


def read_page(path: Path) -> Page:
    """Read a built page."""
    return Page(soup(path))


def png_size(path: Path) -> tuple[int, int]:
    """Return a PNG file's width and height, read from its header."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def local_file(site: Path, url: str) -> Path:
    """Return the output file of an absolute URL of the publish build."""
    assert url.startswith(SITE_URL + "/"), url
    return site / url.removeprefix(SITE_URL + "/")


def chart_ids(page) -> list[str]:
    """Return the ids of a page's charts, in order."""
    return [attrs["id"] for tag, attrs in page.elements if tag == "figure" and "ts-chart" in attrs.get("class", "")]


# --- Share cards ------------------------------------------------------------------------------


def test_the_demo_post_shares_a_card_of_its_first_chart(publish_site):
    page = read_page(article_path(publish_site, DEMO_POST))
    meta = page.meta
    first = chart_ids(page)[0]
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["og:image"] == f"{SITE_URL}/transparence/graphique/{first}/carte.png"
    assert (int(meta["og:image:width"]), int(meta["og:image:height"])) == CARD_SIZE
    assert png_size(local_file(publish_site, meta["og:image"])) == CARD_SIZE
    assert (
        meta["og:image:alt"].startswith("Graphique\u00a0: Nouveaux soutiens") and "Chiffres au" in meta["og:image:alt"]
    )


def test_the_data_page_has_a_card_and_pages_without_charts_the_sites(publish_site):
    data = read_page(publish_site / "transparence" / "index.html")
    # The data page draws sparklines, not charts: its card is its first metric page's chart.
    first_metric = next(p for p in sorted(publish_site.glob("transparence/*/index.html")) if chart_ids(read_page(p)))
    assert chart_ids(read_page(first_metric))
    assert data.meta["og:image"].startswith(f"{SITE_URL}/transparence/graphique/donnees-")
    assert data.meta["og:image"].endswith("/carte.png")
    assert png_size(local_file(publish_site, data.meta["og:image"])) == CARD_SIZE
    for path in ("index.html", "a-propos/index.html", "2016/10/revue-de-la-semaine/index.html", "archives/index.html"):
        page = read_page(publish_site / path)
        assert page.meta["og:image"] == f"{SITE_URL}/transparence/graphique/carte-du-site.png", path
        assert page.meta["twitter:card"] == "summary_large_image"
    assert png_size(publish_site / "transparence" / "graphique" / "carte-du-site.png") == CARD_SIZE


# --- Pages show images from the first paint ----------------------------------------------------


def test_every_chart_shows_its_images_reserving_their_box(dev_site):
    page = read_page(dev_site / "2017" / "01" / "reseaux-et-mouvements" / "index.html")
    ids = chart_ids(page)
    assert len(ids) >= 4
    images = [attrs for tag, attrs in page.elements if tag == "img" and "/transparence/graphique/" in attrs["src"]]
    sources = [attrs for tag, attrs in page.elements if tag == "source" and "srcset" in attrs]
    assert [img["src"] for img in images] == [f"/transparence/graphique/{i}/graphique.svg" for i in ids]
    assert [s["srcset"] for s in sources] == [f"/transparence/graphique/{i}/graphique-etroit.svg" for i in ids]
    assert all(img.get("width") and img.get("height") and img.get("alt") == "" for img in images)
    assert all(s.get("width") and s.get("height") and s.get("media") for s in sources)


def svg_ids(path: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))


def test_svg_ids_come_from_the_chart_and_never_repeat_on_a_page(dev_site):
    page = read_page(dev_site / "2017" / "01" / "reseaux-et-mouvements" / "index.html")
    seen: dict[str, str] = {}
    for chart in chart_ids(page):
        for name in ("graphique.svg", "graphique-etroit.svg"):
            ids = svg_ids(dev_site / "transparence" / "graphique" / chart / name)
            assert f"defs-{chart}-" in ids or f"defs-{chart}-n-" in ids, (chart, sorted(ids)[:5])
            clashes = {i: seen[i] for i in ids if i in seen}
            assert clashes == {}, f"{chart}/{name} shares ids with {clashes}"
            seen.update(dict.fromkeys(ids, f"{chart}/{name}"))


# --- Feeds --------------------------------------------------------------------------------------


def entry_html(feed: Path, title_start: str) -> str:
    """Return the HTML of the feed entry whose title starts with `title_start` (Atom content, RSS description)."""
    root = ET.parse(feed).getroot()
    for entry in root.iter(f"{ATOM}entry"):
        if entry.findtext(f"{ATOM}title").startswith(title_start):
            return entry.findtext(f"{ATOM}content")
    for item in root.iter("item"):
        if item.findtext("title").startswith(title_start):
            return item.findtext("description")
    raise AssertionError(f"no entry {title_start!r} in {feed}")


@pytest.mark.parametrize("name", ["tous.atom.xml", "tous.rss.xml", "categorie/campagne-numerique.atom.xml"])
def test_feed_entries_show_each_chart_as_an_image_with_title_caption_and_link(publish_site, name):
    feed = publish_site / "flux" / name
    html = entry_html(feed, "Réseaux et mouvements")
    charts = chart_ids(read_page(article_path(publish_site, DEMO_POST)))
    images = re.findall(r'<img src="([^"]+)"', html)
    assert images == [f"{SITE_URL}/transparence/graphique/{c}/graphique.svg" for c in charts]
    assert all(local_file(publish_site, url).is_file() for url in images)
    for chart in charts:
        assert f'href="{DEMO_URL}#{chart}"' in html
    assert "Nouveaux soutiens sur jlm2017.fr, par mois" in html and "Chiffres au 23 déc. 2016" in html
    assert "Décembre est compté du 1er au 23" in html  # the chart's caption
    text = feed.read_text(encoding="utf-8")
    assert "<script" not in html and "&lt;script" not in text and "application/json" not in text
    assert '"data":[' not in html and "ts-chart__plot" not in html


# --- Embed pages ----------------------------------------------------------------------------------


def test_every_chart_has_an_embed_page_linking_back(dev_site):
    charts = {}
    for html in sorted(dev_site.rglob("index.html")):
        if "/transparence/graphique/" in html.as_posix():
            continue
        for chart in chart_ids(read_page(html)):
            charts[chart] = html
    assert len(charts) >= 10  # the demo post's 6 charts and the metric pages' (the data page draws sparklines)
    for chart, shown_on in charts.items():
        embed = dev_site / "transparence" / "graphique" / chart / "index.html"
        assert embed.is_file(), f"no embed page for #{chart} of {shown_on}"
        page = read_page(embed)
        assert chart_ids(page) == [chart]
        hrefs = [url for tag, url in page.links if tag == "a"]
        back = "/" + shown_on.parent.relative_to(dev_site).as_posix() + "/"
        assert f"{back.replace('//', '/')}#{chart}" in hrefs, (chart, hrefs)
        assert "/transparence/" in hrefs
        assert page.meta.get("robots") == "noindex"
        assert "Chiffres au" in page.plain
        assert ("base", {"target": "_top"}) in page.elements  # its links open in the reader's window, not the frame


def test_the_caption_offers_the_embed_code(publish_site):
    page = read_page(article_path(publish_site, DEMO_POST))
    first = chart_ids(page)[0]
    text = article_path(publish_site, DEMO_POST).read_text(encoding="utf-8")
    code = f"&lt;iframe src=&#34;{SITE_URL}/transparence/graphique/{first}/&#34;"
    assert code in text
    assert "<summary>Intégrer</summary>" in text


# --- Same bytes, cold or warm, and a warm build draws nothing -------------------------------------


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def cache_state(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_two_warm_builds_give_the_cold_builds_bytes_and_draw_nothing(tmp_path):
    cache = tmp_path / "cache"
    overrides = {"CACHE_PATH": str(cache)}
    cold = digests(build_site(ROOT / "publishconf.py", tmp_path / "cold", overrides))
    drawn = cache_state(cache / "chart-images")
    assert len([name for name in drawn if name.endswith(".svg")]) >= 20  # 10 charts, wide and narrow
    for run in ("warm1", "warm2"):
        warm = digests(build_site(ROOT / "publishconf.py", tmp_path / run, overrides))
        assert [name for name in cold if cold[name] != warm.get(name)] == [] and sorted(cold) == sorted(warm)
        assert cache_state(cache / "chart-images") == drawn, "a warm build drew again"


# --- Without Chromium ------------------------------------------------------------------------------


def run_task(project: Path, *task: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "invoke", *task],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **env},
    )


@pytest.mark.slow
def test_without_chromium_build_says_so_once_and_preview_and_publish_refuse(tmp_path):
    project = copy_project(tmp_path / "site")
    no_browser = {"BROWSER_PATH": str(tmp_path / "no-chromium-here")}
    built = run_task(project, "build", env=no_browser)
    assert built.returncode == 0, built.stderr
    notices = [line for line in built.stderr.splitlines() if "no Chromium found" in line]
    assert len(notices) == 1 and "apt-get install chromium" in notices[0], built.stderr
    post = (project / "output" / "2017" / "01" / "reseaux-et-mouvements" / "index.html").read_text(encoding="utf-8")
    assert "ts-chart__image" not in post and "ts-chart__fallback" in post  # plotly.js draws them, as before
    assert 'property="og:image"' not in post and 'content="summary"' in post
    assert (
        project / "output" / "transparence" / "graphique" / "graphique-reseaux-et-mouvements-1" / "index.html"
    ).is_file()
    assert not list((project / "output" / "transparence").rglob("*.svg"))
    before = digests(project / "output")
    for task in (["preview"], ["publish", "--dry-run"]):
        refused = run_task(project, *task, env=no_browser)
        assert refused.returncode == 1, refused.stdout + refused.stderr
        assert "no Chromium found" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    assert digests(project / "output") == before  # nothing was built or swapped in


@pytest.mark.slow
def test_a_chart_chromium_cannot_draw_fails_the_build_naming_it(tmp_path):
    project = copy_project(tmp_path / "site")
    vendor = project / "theme" / "static" / "vendor" / "plotly-basic.min.js"
    # A plotly.js that loads, then cannot draw the YouTube subscribers: every image of them fails.
    vendor.write_text(
        vendor.read_text(encoding="utf-8") + "\nconst realToImage = window.Plotly.toImage;\n"
        "window.Plotly.toImage = (figure, options) => JSON.stringify(figure.data).includes('Abonnés YouTube')"
        " ? Promise.reject(new Error('cannot draw this one')) : realToImage(figure, options);\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "tools.sitebuild", "pelicanconf.py", "output"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    problems = [line for line in result.stderr.splitlines() if "could not be drawn" in line]
    assert problems, result.stderr
    for line in problems:
        assert re.match(
            r"^(content/posts/[\w.-]+\.md|stats/metrics\.yaml):\d+:1: this chart could not be drawn as an "
            r"image \(Error 525: cannot draw this one\) — ",
            line,
        ), line
    assert any(line.startswith("stats/metrics.yaml:") for line in problems)
    assert any(line.startswith("content/posts/2017-01-05-reseaux-et-mouvements.md:") for line in problems)
    assert not (project / "output").exists()


# --- Framing: embeds yes, other pages no, served by nginx with deploy/nginx.conf -------------------


@pytest.mark.browser
def test_another_site_can_frame_an_embed_page_but_no_other_page(dev_site, serve, browser, tmp_path):
    from browser import open_page
    from tools.nginx import NginxServer

    chart = "graphique-reseaux-et-mouvements-1"
    with NginxServer(dev_site) as nginx:
        site = nginx.url
        host = tmp_path / "host"
        host.mkdir()
        frames = {
            "embed": f"transparence/graphique/{chart}/",
            "post": "2017/01/reseaux-et-mouvements/",
            "data": "transparence/",
        }
        (host / "index.html").write_text(
            '<!DOCTYPE html><html lang="fr"><title>Un autre site</title>'
            + "".join(
                f'<iframe id="{name}" title="{name}" src="{site}/{path}" width="600" height="500"></iframe>'
                for name, path in frames.items()
            ),
            encoding="utf-8",
        )
        other_site = serve(host).replace("127.0.0.1", "localhost")  # another host and port: another site
        page = open_page(browser)
        try:
            page.page.goto(other_site + "/index.html", wait_until="load")
            embed = page.page.frame_locator("#embed")
            embed.locator(".ts-chart__image img").wait_for()
            assert embed.locator(f"#{chart}").count() == 1
            assert embed.locator(".ts-chart__image img").evaluate("img => img.complete && img.naturalWidth") > 0
            urls = [frame.url for frame in page.page.frames]
            blocked = [url for url in urls if url.startswith("chrome-error://")]
            assert len(blocked) == 2, urls  # the post and the data page refused to be framed
            refusals = [text for kind, text in page.console if "frame-ancestors 'none'" in text]
            assert len(refusals) == 2, page.console
        finally:
            page.close()


# --- In the browser: images first, plotly.js on demand, in the same box -------------------------

DEMO_PATH = "/2017/01/reseaux-et-mouvements/"
SHIFTS = """() => { window.__shifts = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__shifts.push(e.value); })
    .observe({ type: "layout-shift", buffered: true }); }"""
IMAGES_LOADED = """() => Array.from(document.querySelectorAll('.ts-chart__image img'))
  .map((img) => img.complete && img.naturalWidth > 0)"""


@pytest.fixture
def opened(browser):
    from browser import open_page

    pages = []

    def opener(**options):
        page = open_page(browser, **options)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def site_url(dev_site, serve) -> str:
    return serve(dev_site)


def scroll_through(page) -> None:
    """Scroll the whole page down and back, as a reader who only reads would."""
    height = page.evaluate("document.documentElement.scrollHeight")
    for y in range(0, height, 400):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(30)
    page.evaluate("window.scrollTo(0, 0)")


@pytest.mark.browser
@pytest.mark.parametrize("path", [DEMO_PATH, "/transparence/youtube.subscribers/"], ids=["demo-post", "metric-page"])
def test_charts_are_images_and_plotly_js_waits_for_the_reader(opened, site_url, path):
    page = opened(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(site_url + path)
    scroll_through(page.page)
    page.settle()
    loaded = page.page.evaluate(IMAGES_LOADED)
    assert loaded and all(loaded), loaded
    assert page.page.locator(".ts-chart--drawn").count() == 0
    assert page.plotly_requests() == []
    # The narrow image on a phone, each button visible.
    sources = page.page.eval_on_selector_all(".ts-chart__image img", "imgs => imgs.map(i => i.currentSrc)")
    assert all(src.endswith("/graphique-etroit.svg") for src in sources), sources[:3]
    assert page.page.locator(".ts-chart__explore:visible").count() == len(sources)
    assert page.problems() == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_pointing_at_a_chart_draws_it_with_plotly_in_the_images_box(opened, site_url, width):
    page = opened(viewport={"width": width, "height": 900})
    page.goto(site_url + DEMO_PATH)
    page.page.evaluate(SHIFTS)
    chart = page.page.locator(".ts-chart").nth(1)
    chart.scroll_into_view_if_needed()
    plot = chart.locator(".ts-chart__plot")
    before = plot.bounding_box()
    figure_before = chart.bounding_box()
    assert page.plotly_requests() == []
    plot.hover()
    chart.locator(".ts-chart__plot svg.main-svg").first.wait_for()
    page.page.wait_for_function("el => el.classList.contains('ts-chart--drawn')", arg=chart.element_handle())
    after = plot.bounding_box()
    assert (after["width"], after["height"]) == (before["width"], before["height"])
    assert chart.bounding_box() == figure_before
    assert page.page.evaluate("window.__shifts") == []
    assert any("plotly-basic" in url for url in page.requests)
    assert chart.locator(".ts-chart__image").count() == 0 and chart.locator(".ts-chart__explore:visible").count() == 0
    assert page.page.locator(".ts-chart--drawn").count() == 1  # the others stay images
    assert page.problems() == []


@pytest.mark.browser
def test_a_keyboard_reader_reaches_the_button_and_gets_the_chart(opened, site_url):
    page = opened()
    page.goto(site_url + DEMO_PATH)
    first = page.page.locator(".ts-chart").first
    button = first.locator(".ts-chart__explore")
    for _ in range(60):
        page.page.keyboard.press("Tab")
        if button.evaluate("b => document.activeElement === b"):
            break
    else:
        pytest.fail("Tab never reached the first chart's « Explorer les données » button")
    page.page.keyboard.press("Enter")
    page.page.wait_for_function("el => el.classList.contains('ts-chart--drawn')", arg=first.element_handle())
    page.page.wait_for_function(
        "plot => document.activeElement === plot", arg=first.locator(".ts-chart__plot").element_handle()
    )
    assert button.is_hidden()
    assert page.problems() == []


@pytest.mark.browser
def test_a_tap_draws_the_chart_on_a_phone(opened, site_url):
    page = opened(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page.goto(site_url + DEMO_PATH)
    chart = page.page.locator(".ts-chart").nth(2)
    chart.scroll_into_view_if_needed()
    chart.locator(".ts-chart__image img").tap()
    page.page.wait_for_function("el => el.classList.contains('ts-chart--drawn')", arg=chart.element_handle())
    assert page.problems() == []


# Counts the image's opaque pixels that are near white (the dark scheme's text) and near black (the light one's).
CANVAS = """img => { const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight; const x = c.getContext("2d");
  x.drawImage(img, 0, 0); const d = x.getImageData(0, 0, c.width, c.height).data;
  let light = 0, dark = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (d[i + 3] < 128) continue;
    const sum = d[i] + d[i + 1] + d[i + 2];
    if (sum > 700) light++; else if (sum < 150) dark++;
  }
  return { light, dark }; }"""


@pytest.mark.browser
def test_images_follow_the_readers_colour_scheme_and_draw_under_the_strict_policy(opened, site_url, dev_site, serve):
    from campaign_site.plugin import CONTENT_SECURITY_POLICY

    strict = serve(dev_site, {"Content-Security-Policy": CONTENT_SECURITY_POLICY})  # even on the SVG files
    pixels = {}
    for scheme in ("light", "dark"):
        page = opened(color_scheme=scheme)
        page.goto(strict + DEMO_PATH)
        page.settle()
        image = page.page.locator(".ts-chart__image img").first
        assert image.evaluate("img => img.complete && img.naturalWidth") > 0
        pixels[scheme] = image.evaluate(CANVAS)
        assert page.csp_violations() == [] and page.problems() == []
    # Dark text in the light scheme, light text in the dark one (the background stays transparent).
    assert pixels["light"]["dark"] > 5 * max(pixels["dark"]["dark"], 1), pixels
    assert pixels["dark"]["light"] > 5 * max(pixels["light"]["light"], 1), pixels


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_before_any_chart_is_drawn(opened, site_url, scheme):
    from browser import AXE

    for path in (DEMO_PATH, "/transparence/", "/transparence/graphique/graphique-reseaux-et-mouvements-2/"):
        page = opened(bypass_csp=True, color_scheme=scheme)
        page.goto(site_url + path)
        page.page.add_script_tag(path=str(AXE))
        results = page.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        serious = [
            f"{v['id']}: {v['help']} — {n['target']}"
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
            for n in v["nodes"]
        ]
        assert serious == [], f"{path}: {serious}"


# --- Lighthouse, mobile, on the publish build served with its precompressed files ---------------


@pytest.mark.slow
@pytest.mark.browser
def test_lighthouse_mobile_scores_of_the_demo_post_and_the_data_page(tmp_path):
    from tools import lighthouse

    results = lighthouse.measure(work=tmp_path)
    print("\n".join(lighthouse.report_lines(results)))
    for name, scores in results.items():
        assert scores.categories["performance"] >= 95, (name, scores)
        assert {k: v for k, v in scores.categories.items() if k != "performance"} == {
            "accessibility": 100,
            "best-practices": 100,
            "seo": 100,
        }, (name, scores)
        assert scores.cumulative_layout_shift == 0, (name, scores)


def test_the_sitemap_leaves_the_embed_pages_out(publish_site):
    sitemap = (publish_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/transparence/graphique/" not in sitemap and f"{SITE_URL}/transparence/" in sitemap
