"""Build the demo site through the real entry point and check what readers and robots get."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_helpers import ROOT

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE_URL = "https://blog.example-campagne.fr"
POSTS = sorted((ROOT / "content" / "posts").glob("*.md"))
PAGES = sorted((ROOT / "content" / "pages").glob("*.md"))


class Page(HTMLParser):
    """Collect what a test needs from an HTML page: text, links, meta tags, elements."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.meta: dict[str, str] = {}
        self.elements: list[tuple[str, dict]] = []
        self.lang = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.elements.append((tag, attributes))
        if tag == "html":
            self.lang = attributes.get("lang")
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append((tag, attributes[name]))
        if attributes.get("srcset"):  # one URL each here: the chart images
            self.links.append((tag, attributes["srcset"]))
        if tag == "meta":
            key = attributes.get("property") or attributes.get("name")
            if key:
                self.meta[key] = attributes.get("content", "")

    def handle_data(self, data):
        self.text.append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def metadata(post: Path) -> dict[str, str]:
    """Read a post's header lines."""
    header = post.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header.splitlines())}


def article_path(site: Path, post: Path) -> Path:
    """Return the output file of a post, from its Date and Slug."""
    meta = metadata(post)
    year, month = meta["date"][:4], meta["date"][5:7]
    return site / year / month / meta["slug"] / "index.html"


def read_page(path: Path) -> Page:
    return Page(path.read_text(encoding="utf-8"))


def test_every_expected_page_exists(dev_site):
    expected = [
        "index.html",
        "404.html",
        "robots.txt",
        "sitemap.xml",
        "archives/index.html",
        "categories/index.html",
        "etiquettes/index.html",
        "categorie/campagne-numerique/index.html",
        "etiquette/youtube/index.html",
        "2017/index.html",
        "2017/01/index.html",
        "page/2/index.html",
        "a-propos/index.html",
        "mentions-legales/index.html",
        "transparence/index.html",
    ] + [str(article_path(dev_site, post).relative_to(dev_site)) for post in POSTS]
    missing = [name for name in expected if not (dev_site / name).is_file()]
    assert missing == []


def test_article_shows_title_french_date_tags_reading_time_and_share_links(dev_site):
    post = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    page = read_page(article_path(dev_site, post))
    assert page.lang == "fr"
    assert "Réseaux et mouvements : le bilan chiffré de notre campagne numérique" in page.plain
    assert "5 janvier 2017" in page.plain
    for tag in ("réseaux sociaux", "transparence", "YouTube", "bilan"):
        assert tag in page.plain
    assert re.search(r"Lecture\u00a0: \d+\u00a0min", "".join(page.text))
    hrefs = [url for tag, url in page.links if tag == "a"]
    for share in ("https://twitter.com/intent/tweet?", "https://www.facebook.com/sharer/sharer.php?u=", "https://mastodon.social/share?", "mailto:?subject="):
        assert any(h.startswith(share) for h in hrefs), share
    assert any("data-copy-link" in attrs for tag, attrs in page.elements if tag == "a")


def test_seo_meta_and_canonical(publish_site):
    post = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    page = read_page(article_path(publish_site, post))
    url = f"{SITE_URL}/2017/01/reseaux-et-mouvements/"
    canonical = [attrs["href"] for tag, attrs in page.elements if tag == "link" and attrs.get("rel") == "canonical"]
    assert canonical == [url]
    assert page.meta["og:url"] == url
    assert page.meta["og:type"] == "article"
    assert page.meta["twitter:card"] == "summary_large_image"  # its share card: tests/test_chart_images.py
    assert page.meta["description"].startswith("Soutiens, abonnés, vues")
    assert page.meta["og:description"] == page.meta["description"]


def test_feeds_parse_and_hold_every_post(publish_site):
    titles = {metadata(post)["title"] for post in POSTS}
    atom = ET.parse(publish_site / "flux" / "tous.atom.xml").getroot()
    assert {e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")} == titles
    rss = ET.parse(publish_site / "flux" / "tous.rss.xml").getroot()
    assert {i.findtext("title") for i in rss.iter("item")} == titles
    links = {e.find(f"{ATOM}link").get("href") for e in atom.iter(f"{ATOM}entry")}
    assert f"{SITE_URL}/2017/01/reseaux-et-mouvements/" in links


def test_category_feeds_hold_their_category_only(publish_site):
    videos = {metadata(p)["title"] for p in POSTS if metadata(p)["category"] == "Vidéos"}
    feed = ET.parse(publish_site / "flux" / "categorie" / "videos.atom.xml").getroot()
    assert {e.findtext(f"{ATOM}title") for e in feed.iter(f"{ATOM}entry")} == videos


def test_sitemap_lists_every_article_and_page(publish_site):
    tree = ET.parse(publish_site / "sitemap.xml").getroot()
    locs = {u.findtext(f"{SITEMAP}loc") for u in tree.iter(f"{SITEMAP}url")}
    for post in POSTS:
        meta = metadata(post)
        assert f"{SITE_URL}/{meta['date'][:4]}/{meta['date'][5:7]}/{meta['slug']}/" in locs
    for page in PAGES:
        assert f"{SITE_URL}/{metadata(page)['slug']}/" in locs
    assert f"{SITE_URL}/transparence/" in locs


def test_robots_txt_points_to_the_sitemap(publish_site):
    robots = (publish_site / "robots.txt").read_text()
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots


def test_no_request_leaves_the_site(dev_site):
    """Every script, style, image and font comes from the site itself."""
    for html in dev_site.rglob("*.html"):
        page = read_page(html)
        for tag, url in page.links:
            if tag in ("script", "link", "img", "iframe", "source", "video", "audio"):
                if tag == "link" and url.startswith(("https://", "http://")):
                    # canonical and alternate links are not requests
                    continue
                assert not url.startswith(("http://", "https://", "//")), f"{html}: {tag} {url}"


def local_target(site: Path, page: Path, url: str, site_url: str = "") -> Path | None:
    """Return the file a local link points to, or None for external links."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if site_url and url.startswith(site_url):
        url = url[len(site_url):] or "/"
    if not url or url.startswith(("http://", "https://", "mailto:", "//", "data:")):
        return None
    target = site / url.lstrip("/") if url.startswith("/") else page.parent / url
    return target / "index.html" if url.endswith("/") or target.is_dir() else target


@pytest.mark.parametrize("which", ["dev_site", "publish_site"])
def test_every_internal_link_and_asset_resolves(which, request):
    site: Path = request.getfixturevalue(which)
    site_url = SITE_URL if which == "publish_site" else ""
    broken = []
    for html in sorted(site.rglob("*.html")):
        page = read_page(html)
        urls = list(page.links) + [
            ("data", attrs[name]) for tag, attrs in page.elements for name in ("data-plotly", "data-plotly-locale") if name in attrs
        ]
        for tag, url in urls:
            target = local_target(site, html, url, site_url)
            if target is not None and not target.is_file():
                broken.append(f"{html.relative_to(site)}: {url}")
    assert broken == []


def test_linkchecker_finds_no_broken_link(dev_site, serve):
    """LinkChecker crawls the served site from its home page: no broken link."""
    base = serve(dev_site)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "linkchecker"), "--no-status", "--no-warnings", "-t", "8", base + "/"],
        capture_output=True, text=True, timeout=600,
    )
    summary = [line for line in result.stdout.splitlines() if "links in" in line]
    assert result.returncode == 0, result.stdout[-3000:]
    assert summary and re.search(r"\b0 errors found", summary[0]), summary
    assert int(re.search(r"(\d+) links in", summary[0]).group(1)) > 50, summary  # it really crawled
