"""Build the demo site through the real entry point and check what readers and robots get."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_helpers import ROOT, soup
from transparency_stats.french.typography import typeset

pytestmark = pytest.mark.slow

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE_URL = "https://blog.example-campagne.fr"
POSTS = sorted((ROOT / "content" / "posts").glob("*.md"))
PAGES = sorted((ROOT / "content" / "pages").glob("*.md"))


# <link> relations that name a document without the browser fetching it.
NOT_FETCHED = {"canonical", "alternate"}


def urls(page: BeautifulSoup) -> list[tuple[str, str]]:
    """Return (tag, url) for every href, src and srcset attribute of a page (one URL per srcset here)."""
    return [(tag.name, tag[name]) for tag in page.find_all(True) for name in ("href", "src", "srcset") if tag.get(name)]


def plain_text(page: BeautifulSoup) -> str:
    """Return the page's text (not its scripts or styles), whitespace collapsed."""
    return " ".join(page.get_text(" ").split())


def meta(page: BeautifulSoup) -> dict[str, str]:
    """Return the page's <meta> contents by property or name."""
    return {
        tag.get("property") or tag.get("name"): tag.get("content", "")
        for tag in page.find_all("meta")
        if tag.get("property") or tag.get("name")
    }


def metadata(post: Path) -> dict[str, str]:
    """Read a post's header lines."""
    header = post.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in header.splitlines())}


def article_path(site: Path, post: Path) -> Path:
    """Return the output file of a post, from its Date and Slug."""
    meta = metadata(post)
    year, month = meta["date"][:4], meta["date"][5:7]
    return site / year / month / meta["slug"] / "index.html"


def metric_pages() -> list[str]:
    """Return the page of every metric with a figure in stats/, read straight from the YAML."""
    import yaml

    found = set()
    for path in (ROOT / "stats" / "snapshots").glob("*.yaml"):
        snapshot = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.update(snapshot.get("totals") or {}, snapshot.get("periods") or {})
    assert found
    return [f"transparence/{metric}/" for metric in sorted(found)]


def test_every_expected_page_exists(dev_site):
    expected = (
        [
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
        ]
        + [str(article_path(dev_site, post).relative_to(dev_site)) for post in POSTS]
        + [page + "index.html" for page in metric_pages()]
    )
    missing = [name for name in expected if not (dev_site / name).is_file()]
    assert missing == []


def test_article_shows_title_french_date_tags_reading_time_and_share_links(dev_site):
    post = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    page = soup(article_path(dev_site, post))
    text = plain_text(page)
    assert page.html["lang"] == "fr"
    assert "Réseaux et mouvements : le bilan chiffré de notre campagne numérique" in text
    assert "5 janvier 2017" in text
    for tag in ("réseaux sociaux", "transparence", "YouTube", "bilan"):
        assert tag in text
    assert re.search(r"Lecture\u00a0: \d+\u00a0min", page.get_text())
    hrefs = [url for tag, url in urls(page) if tag == "a"]
    for share in (
        "https://twitter.com/intent/tweet?",
        "https://www.facebook.com/sharer/sharer.php?u=",
        "https://mastodon.social/share?",
        "mailto:?subject=",
    ):
        assert any(h.startswith(share) for h in hrefs), share
    assert page.find("a", attrs={"data-copy-link": True})


def test_seo_meta_and_canonical(publish_site):
    post = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    page = soup(article_path(publish_site, post))
    tags = meta(page)
    url = f"{SITE_URL}/2017/01/reseaux-et-mouvements/"
    canonical = [link["href"] for link in page.find_all("link") if link.get("rel") == ["canonical"]]
    assert canonical == [url]
    assert tags["og:url"] == url
    assert tags["og:type"] == "article"
    assert tags["twitter:card"] == "summary_large_image"  # its share card: tests/test_chart_images.py
    assert tags["description"].startswith("Soutiens (au moins 180 000), abonnés, vues")
    assert tags["og:description"] == tags["description"]


def test_feeds_parse_and_hold_every_post(publish_site):
    titles = {typeset(metadata(post)["title"]) for post in POSTS}  # no-break spaces kept (test_typography)
    atom = ET.parse(publish_site / "flux" / "tous.atom.xml").getroot()
    assert {e.findtext(f"{ATOM}title") for e in atom.iter(f"{ATOM}entry")} == titles
    rss = ET.parse(publish_site / "flux" / "tous.rss.xml").getroot()
    assert {i.findtext("title") for i in rss.iter("item")} == titles
    links = {e.find(f"{ATOM}link").get("href") for e in atom.iter(f"{ATOM}entry")}
    assert f"{SITE_URL}/2017/01/reseaux-et-mouvements/" in links


def test_feed_readers_get_each_charts_sentence_and_links_to_its_metrics(publish_site):
    """Atom entries carry the full post: each chart's sentence is there as text, its metrics linked to their pages."""
    atom = ET.parse(publish_site / "flux" / "tous.atom.xml").getroot()
    entries = atom.iter(f"{ATOM}entry")
    (entry,) = [e for e in entries if e.find(f"{ATOM}link").get("href").endswith("/reseaux-et-mouvements/")]
    html = entry.findtext(f"{ATOM}content") or ""
    content = BeautifulSoup(html, "html.parser")
    plain = " ".join(content.get_text().split()).replace("\u202f", " ").replace("\u00a0", " ")
    assert len(content.select("p.ts-chart__description")) == 6
    assert "Abonnés YouTube : de 20 000 le 1er sept. 2016 à au moins 145 000 le 23 déc. 2016" in plain
    assert f"{SITE_URL}/transparence/youtube.subscribers/" in {a.get("href") for a in content.find_all("a")}


def test_each_post_chart_caption_links_its_metrics_pages(dev_site):
    post = ROOT / "content" / "posts" / "2017-01-05-reseaux-et-mouvements.md"
    html = article_path(dev_site, post).read_text(encoding="utf-8")
    blocks = re.findall(r"```chart\n(.*?)```", post.read_text(encoding="utf-8"), re.S)
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert len(blocks) == len(captions) == 6
    import yaml

    for block, caption in zip(blocks, captions, strict=True):
        metrics = yaml.safe_load(block)["metrics"]
        metrics = [metrics] if isinstance(metrics, str) else metrics
        linked = re.findall(r'<a href="/transparence/([^"/]+)/">', caption)
        assert linked == metrics, caption


def test_category_feeds_hold_their_category_only(publish_site):
    videos = {typeset(metadata(p)["title"]) for p in POSTS if metadata(p)["category"] == "Vidéos"}
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
    for page in metric_pages():  # written by the plugin's generator, seen by pelican-sitemap
        assert f"{SITE_URL}/{page}" in locs


def test_robots_txt_points_to_the_sitemap(publish_site):
    robots = (publish_site / "robots.txt").read_text()
    assert f"Sitemap: {SITE_URL}/sitemap.xml" in robots


def test_no_request_leaves_the_site(dev_site):
    """Every script, style, image and font comes from the site itself."""
    leaving = []
    for html in sorted(dev_site.rglob("*.html")):
        page = soup(html)
        fetched = page.find_all(["script", "img", "iframe", "source", "video", "audio", "embed", "object"])
        fetched += [link for link in page.find_all("link") if not (link.get("rel") and set(link["rel"]) <= NOT_FETCHED)]
        for tag in fetched:
            for name in ("src", "href", "srcset", "poster", "data"):
                candidates = tag.get(name, "").split(",") if name == "srcset" else [tag.get(name, "")]
                for url in (candidate.strip() for candidate in candidates):
                    if url.startswith(("http://", "https://", "//")):
                        leaving.append(f"{html.relative_to(dev_site)}: <{tag.name} {name}={url}>")
    assert leaving == []


def local_target(site: Path, page: Path, url: str, site_url: str = "") -> Path | None:
    """Return the file a local link points to, or None for external links."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    if site_url and url.startswith(site_url):
        url = url[len(site_url) :] or "/"
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
        page = soup(html)
        found = urls(page) + [
            ("data", tag[name])
            for name in ("data-plotly", "data-plotly-locale")
            for tag in page.find_all(attrs={name: True})
        ]
        for _tag, url in found:
            target = local_target(site, html, url, site_url)
            if target is not None and not target.is_file():
                broken.append(f"{html.relative_to(site)}: {url}")
    assert broken == []


def test_linkchecker_finds_no_broken_link(dev_site, serve, tmp_path):
    """LinkChecker crawls the served site from its home page: no broken link, and it reached every metric page.

    LinkChecker waits 0.1 to 0.6 s between requests to a host unless the host answers with a
    `LinkChecker` header; this local server does, so `maxrequestspersecond` can lift the wait.
    """
    base = serve(dev_site, {"LinkChecker": "local test server"})
    config = tmp_path / "linkcheckerrc"
    config.write_text("[checking]\nmaxrequestspersecond=1000\n", encoding="utf-8")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "linkchecker"),
            *("-f", str(config), "--no-status", "--no-warnings", "-v", "-t", "8", base + "/"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    summary = [line for line in result.stdout.splitlines() if "links in" in line]
    assert result.returncode == 0, result.stdout[-3000:]
    assert summary and re.search(r"\b0 errors found", summary[0]), summary
    assert int(re.search(r"(\d+) links in", summary[0]).group(1)) > 50, summary  # it really crawled
    checked = set(re.findall(r"^Real URL +(\S+)$", result.stdout, re.M))
    assert {f"{base}/{page}" for page in metric_pages()} <= checked


@pytest.mark.slow
def test_a_build_after_one_that_stopped_on_an_exception_still_writes_its_sitemap(tmp_path):
    """pelican-sitemap remembers the build it started with: an interrupted one used to silence every later sitemap."""
    from pelican.plugins.sitemap import sitemap

    from site_helpers import build_site

    sitemap.generator._main_pelican = object()  # what a build that raised half way leaves in the process
    output = build_site(ROOT / "publishconf.py", tmp_path / "output")
    assert (output / "sitemap.xml").is_file()
