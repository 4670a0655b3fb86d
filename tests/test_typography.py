"""French typography in the built site: the demo post, tricky cases through a real build, and Chromium at 360 px.

Authors type ordinary spaces; the build puts no-break spaces in numbers, before ; ! ? :,
inside « », and "1er" in dates. These tests read what readers get: the built HTML and
feeds, and the lines Chromium lays out on a phone-sized screen.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import open_page
from site_helpers import build_site, copy_project

NBSP = "\u00a0"
NNBSP = "\u202f"
ATOM = "{http://www.w3.org/2005/Atom}"
DEMO = "2017/01/reseaux-et-mouvements/index.html"
VERBATIM = {"code", "pre", "kbd", "samp", "script", "style"}
# What an author typed with an ordinary space where French wants a no-break one.
BREAKABLE = {
    "number": re.compile(r"(?<![\d,.])\d{1,3}(?: \d{3})+(?!\d)"),
    "number and its word": re.compile(r"\d [^\W\d_]"),
    "space before ; ! ? :": re.compile(r"\S +[;!?:]"),
    "space inside « »": re.compile(r"« | »"),
}


class Text(HTMLParser):
    """The text of a page outside code, scripts and styles (attributes are not text).

    Text inside a chart's <figure> or a <time> is kept apart: the build writes dates there
    with CLDR's ordinary spaces ("23 déc. 2016"), which may break between day and month.
    """

    BUILT = {"figure", "time"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.depth = {"verbatim": 0, "built": 0}
        self.text: dict[str, list[str]] = {"prose": [], "verbatim": [], "built": []}
        self.by_tag: dict[str, list[str]] = {}
        self.open: list[str] = []
        self.feed(html)

    def count(self, tag: str, step: int) -> None:
        self.depth["verbatim"] += step * (tag in VERBATIM)
        self.depth["built"] += step * (tag in self.BUILT)

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self.count(tag, 1)

    def handle_endtag(self, tag):
        while tag in self.open:
            closed = self.open.pop()
            self.count(closed, -1)
            if closed == tag:
                break

    def handle_data(self, data):
        kind = "verbatim" if self.depth["verbatim"] else "built" if self.depth["built"] else "prose"
        self.text[kind].append(data)
        if self.open:
            self.by_tag.setdefault(self.open[-1], []).append(data)

    @property
    def prose(self) -> str:
        return "".join(self.text["prose"])

    @property
    def verbatim(self) -> list[str]:
        return self.text["verbatim"]

    def breakable(self) -> list[str]:
        """Return every ordinary space French typography forbids, with its context."""
        found = []
        for where in ("prose", "built"):
            text = "".join(self.text[where])
            for kind, pattern in BREAKABLE.items():
                if where == "built" and kind == "number and its word":
                    continue
                found += [f"{kind}: {text[max(0, m.start() - 15) : m.end() + 15]!r}" for m in pattern.finditer(text)]
        return found


@pytest.mark.slow
def test_the_demo_post_has_no_breakable_space_where_french_needs_a_no_break_one(dev_site):
    page = Text((dev_site / DEMO).read_text(encoding="utf-8"))
    assert page.breakable() == []
    (title,) = page.by_tag["h1"]
    assert title == f"Réseaux et mouvements{NBSP}: le bilan chiffré de notre campagne numérique"
    prose = page.prose
    for typed in ("40 000 fin", "1 400 personnes", "« 10 propositions »", "grand rôle :"):
        assert typed not in prose


@pytest.mark.slow
def test_every_post_page_and_list_of_the_demo_site_is_typeset(dev_site):
    """Posts, pages, their lists and archives (the data page's strings are typeset by its own templates)."""
    problems = {}
    for path in sorted(p for p in dev_site.rglob("*.html") if p.relative_to(dev_site).parts[0] != "transparence"):
        found = Text(path.read_text(encoding="utf-8")).breakable()
        if found:
            problems[str(path.relative_to(dev_site))] = found
    assert problems == {}


TRICKY_POST = """\
Title: Quiz : 1 000 000 de vues ?
Date: 2017-02-01 10:00
Category: Campagne numérique
Slug: typographie
Summary: Vraiment ? Plus de 40 000 « abonnés » : oui !

Rendez-vous à 10:00 ; voir https://example.org/a?b=1:2 et <https://example.org/c?d=2>.
[Le lien ?](https://example.org/?q=1 "titre : 40 000 ?") ! Entre 2016 2017, en 2016 2 000 personnes.
Tapez `invoke snapshot : 40 000 ?` puis <kbd>Ctrl :</kbd>.

    bloc : 1 000 ?

Les chiffres :

```chart
metrics: youtube.subscribers
title: "Abonnés : 145 000 ?"
caption: "Un minimum : « plus de 145 000 » !"
```

<< Revue de la semaine >>
"""


@pytest.fixture(scope="module")
def tricky_site(tmp_path_factory) -> Path:
    """The demo site plus a post of tricky cases, built with the publish settings (feeds)."""
    project = copy_project(tmp_path_factory.mktemp("typography") / "project")
    (project / "content" / "posts" / "2017-02-01-typographie.md").write_text(TRICKY_POST, encoding="utf-8")
    return build_site(project / "publishconf.py", project / "output")


@pytest.mark.slow
def test_tricky_cases_through_a_real_build(tricky_site):
    html = (tricky_site / "2017" / "02" / "typographie" / "index.html").read_text(encoding="utf-8")
    page = Text(html)
    prose = page.prose
    title = f"Quiz{NBSP}: 1{NNBSP}000{NNBSP}000{NBSP}de vues{NNBSP}?"
    assert page.by_tag["h1"] == [title]
    assert page.by_tag["title"][0].startswith(title + " — ")
    assert f"à 10:00{NNBSP}; voir https://example.org/a?b=1:2 et https://example.org/c?d=2." in prose
    assert f"Le lien{NNBSP}?{NNBSP}! Entre 2016 2017, en 2016 2{NNBSP}000{NBSP}personnes." in prose
    assert f"«{NBSP}Revue de la semaine{NBSP}»" in prose
    assert f"Les chiffres{NBSP}:" in prose
    # Code, raw <kbd>, URLs and attributes stay as typed.
    assert page.verbatim[:3] == ["invoke snapshot : 40 000 ?", "Ctrl :", "bloc : 1 000 ?\n"]
    assert 'href="https://example.org/?q=1"' in html
    assert 'title="titre : 40 000 ?"' in html
    assert "https://example.org/c?d=2" in html
    # The chart block survived as a chart, its title and caption typeset.
    assert html.count('<figure class="ts-chart"') == 1
    assert f"Abonnés{NBSP}: 145{NNBSP}000{NNBSP}?" in page.by_tag["p"]
    assert f"Un minimum{NBSP}: «{NBSP}plus de 145{NNBSP}000{NBSP}»{NNBSP}!" in "".join(page.text["built"])
    # The first of the month is "1er".
    assert "1er février 2017" in page.by_tag["time"]


@pytest.mark.slow
def test_titles_and_summaries_keep_their_no_break_spaces_in_the_feeds(tricky_site):
    atom = ET.parse(tricky_site / "flux" / "tous.atom.xml").getroot()
    (entry,) = [e for e in atom.iter(f"{ATOM}entry") if "typographie" in e.find(f"{ATOM}link").get("href")]
    assert entry.findtext(f"{ATOM}title") == f"Quiz{NBSP}: 1{NNBSP}000{NNBSP}000{NBSP}de vues{NNBSP}?"
    summary = entry.findtext(f"{ATOM}summary")
    assert f"Vraiment{NNBSP}? Plus de 40{NNBSP}000 «{NBSP}abonnés{NBSP}»{NBSP}: oui{NNBSP}!" in summary
    rss = ET.parse(tricky_site / "flux" / "tous.rss.xml").getroot()
    assert f"Quiz{NBSP}: 1{NNBSP}000{NNBSP}000{NBSP}de vues{NNBSP}?" in {i.findtext("title") for i in rss.iter("item")}


@pytest.mark.slow
def test_home_page_summaries_are_typeset(tricky_site):
    home = Text((tricky_site / "index.html").read_text(encoding="utf-8"))
    assert f"Plus de 40{NNBSP}000 «{NBSP}abonnés{NBSP}»{NBSP}: oui{NNBSP}!" in home.prose


# --- In Chromium, at 360 px: nothing that must stay together is split over two lines -------

# Runs in the page: every match, in the text of main (code and scripts left out, <details>
# opened so that tables count), that Chromium lays out over more than one line.
SPLIT_MATCHES = r"""() => {
  const patterns = {
    "number": /\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?:[ \u00a0\u202f]?%)?(?!\d)|\d+,\d+/g,
    "guillemet and its word": /«[ \u00a0\u202f]*[^\s\u00a0\u202f«»]+|[^\s\u00a0\u202f«»]+[ \u00a0\u202f]*»/g,
    "word and its ; ! ? :": /[^\s\u00a0\u202f]+[ \u00a0\u202f]+[;!?:]/g,
  };
  const skip = "code, pre, kbd, samp, script, style, .visually-hidden";
  document.querySelectorAll("main details").forEach((d) => { d.open = true; });
  const blocks = document.querySelectorAll(["p", "li", "h1", "h2", "h3", "figcaption", "td", "th", "caption", "summary"]
    .map((tag) => "main " + tag).join(", "));
  const found = [];
  for (const block of blocks) {
    if (block.closest(skip)) continue;
    const nodes = [];
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => n.parentElement.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
    });
    let text = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      nodes.push([n, text.length]);
      text += n.data;
    }
    const at = (offset) => {
      let found = nodes[0];
      for (const entry of nodes) if (entry[1] <= offset) found = entry;
      return [found[0], offset - found[1]];
    };
    for (const [kind, pattern] of Object.entries(patterns)) {
      for (const match of text.matchAll(pattern)) {
        const range = document.createRange();
        range.setStart(...at(match.index));
        const [endNode, endOffset] = at(match.index + match[0].length - 1);
        range.setEnd(endNode, endOffset + 1);
        const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0)
          .sort((a, b) => a.top - b.top);
        let lines = rects.length ? 1 : 0;
        for (let i = 1; i < rects.length; i++) {
          if (rects[i].top >= rects[i - 1].top + rects[i - 1].height / 2) lines += 1;
        }
        found.push({ kind, text: match[0], lines });
      }
    }
  }
  return found;
}"""


def split_matches(browser, site_url: str, path: str, width: int = 360, height: int = 740) -> tuple[list, list]:
    """Return (every match measured, those laid out over two lines or more) on a page at this size."""
    page = open_page(browser, viewport={"width": width, "height": height})
    try:
        page.goto(site_url + path)
        matches = page.page.evaluate(SPLIT_MATCHES)
    finally:
        page.close()
    return matches, [m for m in matches if m["lines"] > 1]


@pytest.mark.browser
@pytest.mark.parametrize("width", [360, 320])
def test_no_number_guillemet_or_punctuation_of_the_demo_post_is_split_on_a_phone(browser, dev_site, serve, width):
    matches, split = split_matches(browser, serve(dev_site), "/2017/01/reseaux-et-mouvements/", width)
    kinds = {m["kind"] for m in matches}
    assert kinds == {"number", "guillemet and its word", "word and its ; ! ? :"}, "the page holds each kind"
    assert len(matches) > 50
    assert split == []


def test_templates_get_a_typeset_filter_and_markdown_the_extension_once():
    import jinja2

    from campaign_site.plugin import add_template_helpers
    from site_helpers import ROOT
    from transparency_stats.french.markdown_ext import TypographyExtension

    class Pelican:
        settings = {"THEME": str(ROOT / "theme"), "SITEURL": "", "THEME_STATIC_DIR": "theme", "MARKDOWN": {}}

    add_template_helpers(Pelican())
    add_template_helpers(Pelican())  # a second build in the same process
    extensions = Pelican.settings["MARKDOWN"]["extensions"]
    assert sum(isinstance(e, TypographyExtension) for e in extensions) == 1
    env = jinja2.Environment(autoescape=True)
    env.filters.update(Pelican.settings["JINJA_FILTERS"])
    rendered = env.from_string("{{ text|typeset }}").render(text="Valeurs « ≥ 1 000 » : <b>")
    assert rendered == f"Valeurs «{NBSP}≥ 1{NNBSP}000{NBSP}»{NBSP}: &lt;b&gt;"
