"""The HTML of a chart, read back with the standard library's HTML parser."""

import json
from html.parser import HTMLParser

import pytest

from factories import FANS, FOLLOWERS, VISITS, D, chart, monthly, observation, snapshot, stats_data
from transparency_stats.charts import html as chart_html
from transparency_stats.charts import plot as figure
from transparency_stats.charts.recipe import literal, prepare
from transparency_stats.charts.selection import select
from transparency_stats.stats.model import Metric


def build_plot(spec, stats):
    """Return the figure of a chart, through its selection."""
    return figure.build_plot(select(spec, stats))


def render_chart(spec, stats, chart_id, csv_url):
    """Return the HTML of a chart, through its selection."""
    return chart_html.render_chart(select(spec, stats), chart_id, csv_url)


NNBSP = "\u202f"
NBSP = "\u00a0"
VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "col", "area", "base", "embed", "track"}


class Element:
    """One parsed element: its tag, attributes, children and text."""

    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, dict(attrs), parent, [], []

    def text(self):
        """Return all the text inside, as a browser shows it."""
        return "".join(p if isinstance(p, str) else p.text() for p in self.parts)

    def iter(self):
        """Yield this element and every element inside it."""
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag, **attrs):
        """Return the elements inside with this tag and these attribute values."""
        return [e for e in self.iter() if e.tag == tag and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def find(self, tag, **attrs):
        """Return the only element inside with this tag and attributes."""
        (found,) = self.find_all(tag, **attrs)
        return found


class TreeBuilder(HTMLParser):
    """Build a tree of Elements, as forgiving as a browser about end tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        self.current.parts.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.parts.append(data)


def parse(html):
    """Return the root of the parsed HTML."""
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def figures():
    """Return stats with two metrics, bounds and a missing figure."""
    twitter = snapshot(D(2017, 2, 6), "Twitter Analytics", "https://analytics.twitter.com/")
    return stats_data(
        [FANS, FOLLOWERS],
        monthly("fb_fans", 3)
        + [
            observation("tw_followers", D(2017, 2, 5), 3000, "at_least", read_in=twitter),
            observation("tw_followers", D(2017, 3, 5), 4000, "about", read_in=twitter),
        ],
    )


def render(spec, stats, chart_id="graphique-1", csv_url="/donnees/graphique-1.csv"):
    """Return the chart's HTML, parsed."""
    return parse(render_chart(spec, stats, chart_id, csv_url))


def test_the_figure_holds_title_plot_json_table_and_caption():
    html = render(chart("fb_fans", "tw_followers", caption="Hors publicité."), figures())
    figure = html.find("figure", id="graphique-1")
    assert figure.attrs["class"] == "ts-chart"
    title = figure.find("p", id="graphique-1-title")
    assert title.text() == "Abonnés Facebook et Abonnés Twitter"
    plot = figure.find("div", **{"data-plot": "graphique-1-data"})
    assert plot.attrs["class"] == "ts-chart__plot"
    assert plot.attrs["role"] == "group"  # not "img": Plotly puts focusable modebar buttons inside
    assert plot.attrs["aria-label"] == (
        f"Abonnés Facebook et Abonnés Twitter — graphique interactif{NNBSP}; "
        "les chiffres sont dans le tableau ci-dessous"
    )
    assert plot.find("p").attrs["class"] == "ts-chart__fallback"
    assert "JavaScript" in plot.text()
    details = figure.find("details")
    assert details.find("summary").text() == "Les chiffres du graphique"
    assert details.find("table").find("caption").text() == "Abonnés Facebook et Abonnés Twitter"
    assert figure.find("figcaption").text().startswith("Hors publicité. Sources")


def test_three_labels_make_a_french_list():
    stats = stats_data([FANS, FOLLOWERS, VISITS], monthly("fb_fans", 1))
    title = render(chart("fb_fans", "tw_followers", "site_visits"), stats).find("p", id="graphique-1-title").text()
    assert title == "Abonnés Facebook, Abonnés Twitter et Visites du site"


def test_the_script_holds_the_plot_json():
    spec, stats = chart("fb_fans", "tw_followers"), figures()
    script = render(spec, stats).find("script")
    assert script.attrs == {"type": "application/json", "id": "graphique-1-data"}
    assert json.loads(script.text()) == prepare(build_plot(spec, stats))  # the recipe of every place it is drawn


def test_the_table_holds_exactly_the_plotted_figures_with_their_bounds():
    spec, stats = chart("fb_fans", "tw_followers"), figures()
    table = render(spec, stats).find("table")
    assert [th.text() for th in table.find_all("th", scope="col")] == ["Date", "Abonnés Facebook", "Abonnés Twitter"]
    rows = [[row.find("th").text()] + [td.text() for td in row.find_all("td")] for row in table.find_all("tr")[1:]]
    assert rows == [
        ["5 janv. 2017", f"100{NNBSP}000", "—"],
        ["5 févr. 2017", f"104{NNBSP}500", f"≥{NBSP}3{NNBSP}000"],
        ["5 mars 2017", f"109{NNBSP}000", f"≈{NBSP}4{NNBSP}000"],
    ]
    assert all(row.find("th").attrs["scope"] == "row" for row in table.find_all("tr")[1:])
    plotted = [v for trace in build_plot(spec, stats)["data"] for v in trace["customdata"]]
    cells = [td.text() for td in table.find_all("td") if td.text() != "—"]
    assert sorted(cells) == sorted(plotted)


def test_a_bar_table_lists_periods():
    stats = stats_data([VISITS], [observation("site_visits", D(2016, 12, 1), 61000, "at_least", end=D(2016, 12, 23))])
    table = render(chart("site_visits", type="bar"), stats).find("table")
    assert table.find_all("th", scope="col")[0].text() == "Période"
    assert table.find("th", scope="row").text() == "1er\u201323 déc. 2016"
    assert table.find("td").text() == f"≥{NBSP}61{NNBSP}000"


def test_a_latest_table_has_a_row_per_metric():
    table = render(chart("fb_fans", "tw_followers", type="latest"), figures()).find("table")
    assert [th.text() for th in table.find_all("th", scope="col")] == ["Indicateur", "Chiffre", "Date"]
    rows = [[row.find("th").text()] + [td.text() for td in row.find_all("td")] for row in table.find_all("tr")[1:]]
    assert rows == [
        ["Abonnés Facebook", f"109{NNBSP}000", "5 mars 2017"],
        ["Abonnés Twitter", f"≈{NBSP}4{NNBSP}000", "5 mars 2017"],
    ]


def test_the_caption_lists_each_source_once_by_date_and_the_latest_date():
    caption = render(chart("fb_fans", "tw_followers"), figures()).find("figcaption")
    assert caption.text() == (
        f"Sources{NBSP}: Facebook Insights{NNBSP}; Twitter Analytics — Chiffres au 5 mars 2017. "
        "Télécharger les données (CSV)"
    )
    links = caption.find_all("a")
    assert [a.attrs["href"] for a in links] == [
        "https://www.facebook.com/insights",
        "https://analytics.twitter.com/",
        "/donnees/graphique-1.csv",
    ]
    assert "download" in links[-1].attrs


def test_one_source_is_singular():
    caption = render(chart("fb_fans"), figures()).find("figcaption")
    assert caption.text().startswith(f"Source{NBSP}: Facebook Insights — Chiffres au 5 mars 2017.")


def test_no_figure_in_the_window_says_so():
    caption = render(chart("fb_fans", start=D(2020, 1, 1)), figures()).find("figcaption")
    assert caption.text().startswith("Aucun chiffre sur cette période.")


def test_titles_captions_labels_and_sources_are_typeset_but_not_attributes():
    label = Metric("fb_fans", "Abonnés : page « Insoumis »", "total")
    source = snapshot(D(2017, 3, 5), source="Bilan « 10 000 » ; équipe")
    stats = stats_data([label], [observation("fb_fans", D(2017, 3, 5), 1000, read_in=source)])
    spec = chart("fb_fans", title="Abonnés : 10 000 ?", caption="Un minimum : « plus de 1 000 » !")
    html = render(spec, stats)
    assert html.find("p", id="graphique-1-title").text() == f"Abonnés{NBSP}: 10{NNBSP}000{NNBSP}?"
    assert html.find("table").find("caption").text() == f"Abonnés{NBSP}: 10{NNBSP}000{NNBSP}?"
    assert html.find("table").find_all("th", scope="col")[1].text() == f"Abonnés{NBSP}: page «{NBSP}Insoumis{NBSP}»"
    assert (
        html.find("figcaption")
        .text()
        .startswith(
            f"Un minimum{NBSP}: «{NBSP}plus de 1{NNBSP}000{NBSP}»{NNBSP}! "
            f"Source{NBSP}: Bilan «{NBSP}10{NNBSP}000{NBSP}»{NNBSP}; équipe — "
        )
    )
    plot = html.find("div", **{"data-plot": "graphique-1-data"})
    assert plot.attrs["aria-label"].startswith("Abonnés : 10 000 ? — ")
    # The legend says what the table's column head says.
    assert build_plot(spec, stats)["data"][0]["name"] == f"Abonnés{NBSP}: page «{NBSP}Insoumis{NBSP}»"


EVIL_LABEL = "</script><script>alert(1)</script>\u2028"
EVIL_TITLE = '"><img src=x onerror=alert(1)>'


def evil_chart():
    """Return a chart whose label, title, source and URL all try to inject markup."""
    metric = Metric("evil", EVIL_LABEL, "total")
    bad = snapshot(D(2017, 3, 6), EVIL_TITLE, "javascript:alert(1)")
    spec = chart("evil", title=EVIL_TITLE, caption="<b>gras</b>")
    return spec, stats_data([metric], [observation("evil", D(2017, 3, 5), 1234, read_in=bad)])


def test_nothing_can_inject_markup():
    spec, stats = evil_chart()
    html = render(spec, stats)
    scripts = html.find_all("script")
    assert len(scripts) == 1
    assert scripts[0].attrs["type"] == "application/json"
    assert html.find_all("img") == [] and html.find_all("b") == []
    assert json.loads(scripts[0].text())["data"][0]["name"] == literal(EVIL_LABEL)  # plotly.js draws it as typed
    assert html.find("p", id="graphique-1-title").text() == EVIL_TITLE
    assert html.find("div", role="group").attrs["aria-label"].startswith(EVIL_TITLE + " — ")
    assert [th.text() for th in html.find_all("th", scope="col")] == ["Date", EVIL_LABEL]


def test_the_raw_html_has_no_line_separator_inside_the_script():
    spec, stats = evil_chart()
    raw = render_chart(spec, stats, "graphique-1", "/x.csv")
    script_text = raw.split('id="graphique-1-data">', 1)[1].split("</script>", 1)[0]
    assert "\u2028" not in script_text and "<" not in script_text


def test_only_web_urls_become_links():
    spec, stats = evil_chart()
    caption = render(spec, stats, csv_url="javascript:alert(1)").find("figcaption")
    assert caption.find_all("a") == []
    assert EVIL_TITLE in caption.text()
    assert "&lt;b&gt;" not in caption.text() and "<b>gras</b>" in caption.text()


@pytest.mark.parametrize("url", ["/donnees/g.csv", "g.csv", "https://example.org/g.csv"])
def test_site_paths_and_web_urls_are_download_links(url):
    caption = render(chart("fb_fans"), figures(), csv_url=url).find("figcaption")
    assert caption.find_all("a")[-1].attrs["href"] == url


@pytest.mark.parametrize(
    "url", ["data:text/csv,1", "//evil.example/g.csv", "/\\evil.example/g.csv", "vbscript:x", " javascript:x", ""]
)
def test_other_download_urls_are_dropped(url):
    caption = render(chart("fb_fans"), figures(), csv_url=url).find("figcaption")
    assert [a.attrs["href"] for a in caption.find_all("a")] == ["https://www.facebook.com/insights"]


@pytest.mark.parametrize("chart_id", ["", "a b", 'x"y', "<x>", "-x"])
def test_a_chart_id_that_is_not_a_plain_name_is_refused(chart_id):
    with pytest.raises(ValueError):
        render_chart(chart("fb_fans"), figures(), chart_id, "/x.csv")


# The chart's sentence and the links to the metrics' pages


def test_the_plot_is_described_by_the_visible_sentence_of_its_figures():
    from transparency_stats.charts.sentence import chart_sentence

    spec, stats = chart("fb_fans", "tw_followers"), figures()
    figure = render(spec, stats).find("figure", id="graphique-1")
    plot = figure.find("div", **{"data-plot": "graphique-1-data"})
    description = figure.find("p", id=plot.attrs["aria-describedby"])
    assert description.attrs["class"] == "ts-chart__description"
    assert description.text() == chart_sentence(select(spec, stats))
    assert description.text().startswith(f"Abonnés Facebook{NBSP}: de 100{NNBSP}000 le 5 janv. 2017 à ")
    assert description.parent is figure and description not in plot.iter()  # shown without JavaScript too


def test_the_caption_links_each_metric_to_its_page_in_chart_order():
    urls = {"fb_fans": "/transparence/fb_fans/", "tw_followers": "/transparence/tw_followers/"}
    spec, stats = chart("tw_followers", "fb_fans"), figures()
    caption = parse(chart_html.render_chart(select(spec, stats), "g", "/d.csv", urls)).find("figcaption")
    links = [(a.attrs["href"], a.text()) for a in caption.find_all("a") if "download" not in a.attrs]
    assert links[-2:] == [
        ("/transparence/tw_followers/", "Abonnés Twitter"),
        ("/transparence/fb_fans/", "Abonnés Facebook"),
    ]
    assert f"Tous les chiffres{NBSP}: Abonnés Twitter et Abonnés Facebook." in caption.text()


def test_metrics_without_a_page_or_with_an_odd_url_are_not_linked():
    spec, stats = chart("fb_fans", "tw_followers"), figures()
    for urls in (None, {}, {"fb_fans": "javascript:alert(1)"}):
        html = chart_html.render_chart(select(spec, stats), "g", "/d.csv", urls)
        assert "Tous les chiffres" not in html and "javascript:" not in html
    html = chart_html.render_chart(select(spec, stats), "g", "/d.csv", {"tw_followers": "/t/"})
    assert f"Tous les chiffres{NBSP}: " in html and html.count('href="/t/"') == 1


def test_each_source_url_is_split_once_however_many_charts_list_it(monkeypatch):
    """urlsplit keeps 128 URLs: with more sources than that, every chart split them all again (10.9× growth)."""
    from urllib import parse

    splits = []
    split = parse.urlsplit
    monkeypatch.setattr(chart_html, "urlsplit", lambda url: splits.append(url) or split(url))
    getattr(chart_html.is_web_url, "cache_clear", lambda: None)()  # URLs split by earlier tests are kept
    days = [D(2016, 1, 1) + (D(2016, 1, 2) - D(2016, 1, 1)) * n for n in range(300)]
    sources = [snapshot(day, url=f"https://example.org/{n}/") for n, day in enumerate(days)]
    figures = [observation("fb_fans", s.date, 1000 + n, read_in=s) for n, s in enumerate(sources)]
    selection = select(chart("fb_fans"), stats_data([FANS], figures))
    for _ in range(3):  # three charts listing the same 300 sources
        assert chart_html.sources_html(chart_html.snapshots_used(list(selection.observations))).count("<a href=") == 300
    assert len(splits) == len(set(splits)) == 300
