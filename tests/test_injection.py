"""Hostile labels, titles and captions reach readers as literal text, never as markup or script.

A copy of the project gets a metric label that closes a <script>, a label holding U+2028
(written as a YAML escape: the loader refuses the raw character), a post whose title and
chart title and caption are HTML, and a snapshot whose source and URL are booby-trapped.
It is built through the real entry point (`python -m tools.sitebuild`), served, and opened
in Chromium.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from browser import draw_all_charts, open_page, read_charts, table_problems
from site_helpers import build, problem_lines, run_build, soup

pytestmark = pytest.mark.browser

SCRIPT_LABEL = "</script><script>alert(1)</script>"
LINE_SEPARATOR_LABEL = "Abonnés\u2028YouTube"
# Plotly reads <b>, <a href> and &amp; in its text: charts.js must hand it the label as text.
MARKUP_LABEL = '<b>Abonnés</b> <a href="https://exemple.fr/">Twitter</a> &amp; co'
POST_TITLE = '"><img src=x onerror=alert(1)>'
CHART_TEXT = "<b onmouseover=alert(1)>x</b>"
SOURCE = "<img src=x onerror=alert(2)> bilan"
SNAPSHOT = "stats/snapshots/2016-12-23-bilan.yaml"
POST_URL = "/2017/01/piege/"
DATA_URL = "/transparence/"
METRIC_URL = "/transparence/youtube.subscribers/"  # labelled LINE_SEPARATOR_LABEL, with a chart
LONE_METRIC_URL = "/transparence/youtube.subscribers.sarkozy/"  # labelled SCRIPT_LABEL, one figure

POST = f"""Title: {POST_TITLE}
Date: 2017-01-06 10:00
Category: Essais
Tags: sécurité
Slug: piege
Summary: Un article piégé.

Un article dont les graphiques portent des libellés piégés.

```chart
metrics: [youtube.subscribers, youtube.subscribers.sarkozy, twitter.followers]
title: "{CHART_TEXT}"
caption: "{CHART_TEXT}"
```

```chart
metrics: [youtube.subscribers, youtube.subscribers.sarkozy]
type: latest
```
"""


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: {old!r} is not there exactly once"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(new_project) -> Path:
    """A copy of the project with hostile labels, titles and captions, built; its output folder."""
    project = new_project("hostile")
    metrics = project / "stats" / "metrics.yaml"
    replace_once(metrics, "label: Abonnés YouTube de Nicolas Sarkozy\n", f"label: {json.dumps(SCRIPT_LABEL)}\n")
    # A YAML escape inside double quotes: the file itself holds no raw U+2028.
    replace_once(metrics, "label: Abonnés YouTube\n", 'label: "Abonnés\\u2028YouTube"\n')
    replace_once(metrics, "label: Abonnés Twitter\n", f"label: {json.dumps(MARKUP_LABEL)}\n")
    assert "\u2028" not in metrics.read_text(encoding="utf-8")
    snapshot = project / SNAPSHOT
    replace_once(
        snapshot, "source: « Réseaux et mouvements », bilan de l'équipe numérique\n", f"source: {json.dumps(SOURCE)}\n"
    )
    replace_once(
        snapshot,
        "url: https://melenchon.fr/2017/01/05/reseaux-et-mouvements/\n",
        'url: https://exemple.fr/bilan?a="><svg/onload=alert(3)>\n',
    )
    (project / "content" / "posts" / "2017-01-06-piege.md").write_text(POST, encoding="utf-8")
    return build(project)


@pytest.fixture(scope="module")
def hostile_url(hostile_site, serve) -> str:
    return serve(hostile_site)


@pytest.fixture(scope="module")
def opened(browser, hostile_url):
    """Return a function giving a hostile page, opened once, every chart drawn, hovered over."""
    pages = {}

    def get(path: str):
        if path not in pages:
            page = open_page(browser)
            try:
                page.goto(hostile_url + path)
                draw_all_charts(page.page)
                for target in page.page.locator(
                    ".ts-chart__title, .ts-chart figcaption, .ts-chart .legendtext, h1"
                ).all():
                    target.scroll_into_view_if_needed()
                    target.hover(force=True)  # Plotly's legend toggle lies over its text
                page.settle()
            except BaseException:
                page.close()  # the next test tries again, and fails on its own
                raise
            pages[path] = page
        return pages[path]

    yield get
    for page in pages.values():
        page.close()


def served_page(site: Path, url_path: str):
    """Parse the HTML file the server sends for url_path."""
    return soup(site / url_path.lstrip("/") / "index.html")


def test_a_javascript_url_fails_the_build_with_one_line_naming_the_file(new_project):
    project = new_project()
    replace_once(
        project / SNAPSHOT,
        "url: https://melenchon.fr/2017/01/05/reseaux-et-mouvements/\n",
        "url: javascript:alert(1)\n",
    )
    result = run_build(project)
    assert result.returncode == 1
    lines = problem_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{SNAPSHOT}:"), lines[0]
    assert "url" in lines[0] and "javascript:alert(1)" in lines[0]
    assert not (project / "output").exists()


@pytest.mark.parametrize(
    "path",
    [POST_URL, DATA_URL, METRIC_URL, LONE_METRIC_URL, "/"],
    ids=["post", "data-page", "metric-page", "metric-page-one-figure", "home"],
)
def test_no_dialog_no_handler_and_no_extra_script(opened, hostile_site, path):
    page = opened(path)
    assert page.dialogs == []
    assert page.problems() == []
    assert (
        page.page.evaluate(
            "() => Array.from(document.querySelectorAll('*')).flatMap(e => Array.from(e.attributes)"
            ".filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name))"
        )
        == []
    )
    served = [script.attrs for script in served_page(hostile_site, path).find_all("script")]
    inline = [s for s in served if not s.get("src") and s.get("type") != "application/json"]
    assert inline == []
    in_dom = page.page.eval_on_selector_all(
        "script", "scripts => scripts.map(s => ({src: s.getAttribute('src'), type: s.getAttribute('type')}))"
    )
    # charts.js adds two scripts of its own where there are charts: plotly.js and its French locale.
    added = {a for s in served for a in (s.get("data-plotly"), s.get("data-plotly-locale")) if a}
    assert sorted(s["src"] for s in in_dom if s["src"] in added) == sorted(added)
    assert len(in_dom) == len(served) + len(added), in_dom
    assert [s for s in in_dom if not s["src"] and s["type"] != "application/json"] == []


def test_every_chart_draws_and_its_table_holds_its_figures(opened):
    for path in (POST_URL, METRIC_URL):
        charts = read_charts(opened(path).page)
        assert charts
        problems = [p for chart in charts for p in table_problems(chart)]
        assert problems == [], "\n".join(problems)


def test_post_title_chart_title_caption_and_labels_are_literal_text(opened):
    view = opened(POST_URL).page
    assert view.locator("h1").text_content().strip() == POST_TITLE
    line, latest = view.locator(".ts-chart").nth(0), view.locator(".ts-chart").nth(1)
    assert line.locator(".ts-chart__title").text_content() == CHART_TEXT
    assert line.locator("figcaption").text_content().startswith(CHART_TEXT + " ")
    assert view.locator(".ts-chart b, .post-content img").count() == 0
    heads = line.locator("details table thead th").all_text_contents()
    assert heads[1:] == [LINE_SEPARATOR_LABEL, SCRIPT_LABEL, MARKUP_LABEL]
    rows = latest.locator("details table tbody th").all_text_contents()
    assert rows == [LINE_SEPARATOR_LABEL, SCRIPT_LABEL]
    # Plotly draws the labels as text too: in the legend, and on the latest chart's axis.
    assert line.locator(".legendtext").all_text_contents() == [LINE_SEPARATOR_LABEL, SCRIPT_LABEL, MARKUP_LABEL]
    assert line.locator(".legend a, .legend .legendtext [style*='bold']").count() == 0
    assert sorted(latest.locator(".ytick text").all_text_contents()) == sorted([LINE_SEPARATOR_LABEL, SCRIPT_LABEL])
    # The snapshot's source is text; its URL stays inside its href.
    links = {a.text_content(): a.get_attribute("href") for a in line.locator("figcaption a").all()}
    assert links.get(SOURCE) == 'https://exemple.fr/bilan?a="><svg/onload=alert(3)>'
    # Links, and « Intégrer »: the embed code to copy, as the text of a <textarea>.
    assert set(line.locator("figcaption *").evaluate_all("nodes => nodes.map(n => n.tagName)")) == {
        "A",
        "DETAILS",
        "SUMMARY",
        "LABEL",
        "TEXTAREA",
    }
    # Pasted on another site, the code is one <iframe> whose title is the chart's title, as text.
    pasted = line.locator("figcaption textarea").evaluate(
        """area => { const body = new DOMParser().parseFromString(area.value, "text/html").body;
                     return Array.from(body.querySelectorAll("*"), (e) => [e.tagName, e.getAttribute("title")]); }"""
    )
    assert pasted == [["IFRAME", CHART_TEXT]]


def test_the_embed_page_of_a_hostile_chart_shows_its_title_as_text(opened):
    view = opened("/transparence/graphique/graphique-piege-1/").page
    assert view.locator("h1").text_content() == CHART_TEXT
    assert view.title().startswith(CHART_TEXT + " — ")
    assert view.locator(".ts-chart b, img:not(.ts-chart__image img)").count() == 0


def test_post_title_is_literal_in_the_document_title_and_its_meta(opened):
    view = opened(POST_URL).page
    assert view.title().startswith(POST_TITLE + " — ")
    assert view.locator('meta[property="og:title"]').get_attribute("content") == POST_TITLE


def test_data_pages_show_labels_and_sources_as_text(opened):
    view = opened(DATA_URL).page
    rows = view.locator(".metrics-table th[scope=row] a").all_text_contents()
    assert SCRIPT_LABEL in rows and LINE_SEPARATOR_LABEL in rows and MARKUP_LABEL in rows
    titles = view.locator("svg.sparkline title").all_text_contents()
    assert any(t.startswith(LINE_SEPARATOR_LABEL + "\u00a0: ") for t in titles), titles
    assert SOURCE in view.locator(".snapshots-table td a", has_text="bilan").all_text_contents()
    for path, label in ((METRIC_URL, LINE_SEPARATOR_LABEL), (LONE_METRIC_URL, SCRIPT_LABEL)):
        page = opened(path).page
        assert page.locator("h1").text_content() == label
        assert SOURCE in page.locator(".sources-table td a", has_text="bilan").all_text_contents()
        assert page.locator('meta[name="description"]').get_attribute("content").startswith(label + "\u00a0: ")
    assert view.locator("main b, main img").count() == 0


def test_chart_sentences_and_metric_links_carry_labels_as_text(opened):
    view = opened(POST_URL).page
    line, latest = view.locator(".ts-chart").nth(0), view.locator(".ts-chart").nth(1)
    assert line.locator(".ts-chart__description").text_content().startswith(LINE_SEPARATOR_LABEL + "\u00a0: de ")
    assert f"{SCRIPT_LABEL}\u00a0: " in latest.locator(".ts-chart__description").text_content()
    assert view.locator(".ts-chart__description *").count() == 0  # text only
    hrefs = {a.text_content(): a.get_attribute("href") for a in line.locator("figcaption a").all()}
    assert [hrefs.get(label) for label in (LINE_SEPARATOR_LABEL, SCRIPT_LABEL, MARKUP_LABEL)] == [
        "/transparence/youtube.subscribers/",
        "/transparence/youtube.subscribers.sarkozy/",
        "/transparence/twitter.followers/",
    ]


def test_the_line_separator_label_survives_into_the_json_and_the_page(opened, hostile_site):
    scripts = [
        script.string for script in served_page(hostile_site, POST_URL).find_all("script", type="application/json")
    ]
    assert scripts and all("\u2028" not in script for script in scripts)
    assert "\\u2028" in scripts[0]
    view = opened(POST_URL).page
    figures = [json.loads(chart["json"]) for chart in read_charts(view)]
    names = [trace["name"] for trace in figures[0]["data"]]
    # As plotly.js is to draw them: literal, "<b>" written "&lt;b&gt;" (the recipe's `literal`).
    assert [html.unescape(name) for name in names] == [LINE_SEPARATOR_LABEL, SCRIPT_LABEL, MARKUP_LABEL]
    assert not any("<" in name for name in names)
    assert figures[1]["data"][0]["y"] == [LINE_SEPARATOR_LABEL, SCRIPT_LABEL]
    assert LINE_SEPARATOR_LABEL in view.locator(".ts-chart").first.locator("details table thead th").all_text_contents()
    data_page = opened(DATA_URL).page
    assert LINE_SEPARATOR_LABEL in data_page.locator(".metrics-table th[scope=row]").all_text_contents()
