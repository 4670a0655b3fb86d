"""Small sites built through Pelican's real entry point: stage order, chart ids, feeds, summaries, settings."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from transparency_stats.glue import plugin
from transparency_stats.glue.generators import ChartMediaGenerator, DataPagesGenerator
from transparency_stats.glue.state import PluginOrderError, Stage, StatsBuild

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture_site"
PROJECT = HERE.parents[2]
CHART = "```chart\nmetrics: video.subscribers\n```\n"


def write(folder: Path, name: str, text: str) -> None:
    """Write a content file."""
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def post(title: str, slug: str, body: str = CHART, **extra: str) -> str:
    """Return a post's Markdown with its header."""
    header = {"Title": title, "Date": "2016-12-24 09:00", "Category": "Essais", "Slug": slug, **extra}
    return "".join(f"{key}: {value}\n" for key, value in header.items()) + "\n" + body


def build(tmp_path: Path, files: dict[str, str], **settings) -> tuple[Path, list[str]]:
    """Build a site of `files` (paths under content/) with the fixture's stats; return its output and errors."""
    import logging

    content = tmp_path / "content"
    for name, text in files.items():
        write(content, name, text)
    output = tmp_path / "output"
    overrides = {
        "PATH": str(content),
        "OUTPUT_PATH": str(output),
        "THEME": str(PROJECT / "theme"),
        "THEME_STATIC_DIR": "theme",
        "PLUGINS": ["campaign_site", "transparency_stats"],
        "TRANSPARENCY_STATS_PATH": str(FIXTURE / "stats"),
        "TRANSPARENCY_STATS_IMAGES": False,
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "CACHE_PATH": str(tmp_path / "cache"),
        "JINJA_ENVIRONMENT": {"autoescape": True},
        "ARTICLE_PATHS": ["posts"],
        "PAGE_PATHS": ["pages"],
        "ARTICLE_URL": "{slug}/",
        "ARTICLE_SAVE_AS": "{slug}/index.html",
        **settings,
    }
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            if record.levelno >= logging.ERROR:
                records.append(record.getMessage())

    handler = Keep()
    logging.getLogger().addHandler(handler)
    try:
        Pelican(read_settings(None, override=overrides)).run()
    finally:
        logging.getLogger().removeHandler(handler)
    return output, records


# --- Stages --------------------------------------------------------------------------------------


def test_the_generators_write_the_same_site_in_either_order(tmp_path, monkeypatch):
    files = {"posts/a.md": post("A", "a")}
    first, errors = build(tmp_path / "one", files)
    assert errors == []
    monkeypatch.setattr(plugin, "GENERATORS", (ChartMediaGenerator, DataPagesGenerator))
    second, errors = build(tmp_path / "two", files)
    assert errors == []
    for name in ("a/index.html", "transparence/index.html", "transparence/donnees/graphiques/graphique-a-1.csv"):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_writing_before_every_chart_is_registered_fails_loudly(tmp_path, monkeypatch):
    """Without the stage that freezes the registry, nothing is written from a half-filled one."""
    enter = StatsBuild.enter

    def never_writing(self, stage):
        if stage is not Stage.WRITING:
            enter(self, stage)

    monkeypatch.setattr(StatsBuild, "enter", never_writing)
    with pytest.raises(PluginOrderError, match=r"^transparency_stats: the data pages were written at stage DATA_"):
        build(tmp_path, {"posts/a.md": post("A", "a")})


# --- Chart ids -----------------------------------------------------------------------------------


def test_a_post_and_a_page_whose_chart_ids_clash_fail_the_build(tmp_path):
    output, errors = build(
        tmp_path, {"posts/page-x.md": post("Un billet", "page-x"), "pages/x.md": post("Une page", "x")}
    )
    assert len(errors) == 1, errors
    assert "this chart's id 'graphique-page-x-1' is already the id of a chart of" in errors[0]
    assert errors[0].endswith("— give one of the two posts another Slug: (their charts are named after it)")


def test_a_translation_gets_chart_ids_and_csvs_of_its_own(tmp_path):
    french = post("Croissance", "croissance", "Un graphique.\n\n" + CHART, Lang="fr")
    english = post("Growth", "croissance", "A chart.\n\n```chart\nmetrics: signups.new\n```\n", Lang="en")
    output, errors = build(tmp_path, {"posts/fr.md": french, "posts/en.md": english}, DEFAULT_LANG="fr")
    assert errors == []
    csvs = output / "transparence" / "donnees" / "graphiques"
    assert (csvs / "graphique-croissance-1.csv").read_text().count("video.subscribers") >= 1
    assert "signups.new" not in (csvs / "graphique-croissance-1.csv").read_text()
    assert "signups.new" in (csvs / "graphique-croissance-en-1.csv").read_text()


# --- Feeds and summaries -------------------------------------------------------------------------


FEEDS = {"SITEURL": "https://example.org", "FEED_DOMAIN": "https://example.org", "FEED_ALL_ATOM": "all.atom.xml"}


@pytest.mark.parametrize("append_ref", [False, True])
def test_feeds_carry_the_feed_version_of_each_chart(tmp_path, append_ref):
    output, errors = build(tmp_path, {"posts/a.md": post("A", "a")}, FEED_APPEND_REF=append_ref, **FEEDS)
    assert errors == []
    entry = ET.parse(output / "all.atom.xml").getroot().find("{http://www.w3.org/2005/Atom}entry")
    content = entry.find("{http://www.w3.org/2005/Atom}content").text
    assert "application/json" not in content  # never the page's chart with its data
    assert "Le graphique interactif et ses chiffres" in content


def test_no_summary_length_limit_gives_the_whole_text_without_charts(tmp_path):
    body = "Premier paragraphe.\n\n" + CHART + "\nDernier paragraphe, " + "mot " * 80 + "\n"
    output, errors = build(tmp_path, {"posts/a.md": post("A", "a", body)}, SUMMARY_MAX_LENGTH=None, **FEEDS)
    assert errors == []
    entry = ET.parse(output / "all.atom.xml").getroot().find("{http://www.w3.org/2005/Atom}entry")
    summary = entry.find("{http://www.w3.org/2005/Atom}summary").text
    assert "Premier paragraphe." in summary and summary.count("mot") == 80
    assert "ts-chart" not in summary


def test_the_summary_follows_pelicans_paragraph_limit(tmp_path):
    body = "Premier paragraphe.\n\n" + CHART + "\nDeuxième paragraphe.\n\nTroisième.\n"
    output, errors = build(
        tmp_path, {"posts/a.md": post("A", "a", body)}, SUMMARY_MAX_PARAGRAPHS=1, SUMMARY_MAX_LENGTH=None, **FEEDS
    )
    assert errors == []
    entry = ET.parse(output / "all.atom.xml").getroot().find("{http://www.w3.org/2005/Atom}entry")
    summary = entry.find("{http://www.w3.org/2005/Atom}summary").text
    assert "Premier paragraphe." in summary and "Deuxième" not in summary


# --- Settings ------------------------------------------------------------------------------------


def test_a_partial_image_theme_keeps_the_other_defaults(tmp_path):
    from transparency_stats.settings import DEFAULTS, apply_defaults, check_settings

    settings = {"TRANSPARENCY_STATS_IMAGE_THEME": {"fg": "#000000"}}
    assert check_settings(settings) == []
    apply_defaults(settings)
    assert settings["TRANSPARENCY_STATS_IMAGE_THEME"] == {**DEFAULTS["TRANSPARENCY_STATS_IMAGE_THEME"], "fg": "#000000"}


@pytest.mark.browser
def test_a_partial_image_theme_draws_the_images(tmp_path):
    """With Chromium found, the images are drawn with the theme's other colours (a partial theme used to crash)."""
    output, errors = build(
        tmp_path,
        {"posts/a.md": post("A", "a")},
        TRANSPARENCY_STATS_IMAGES=True,
        TRANSPARENCY_STATS_IMAGE_THEME={"fg": "#000000"},
    )
    assert errors == []
    svg = (output / "transparence" / "graphique" / "graphique-a-1" / "graphique.svg").read_text(encoding="utf-8")
    assert "#000000" in svg or "rgb(0, 0, 0)" in svg


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("TRANSPARENCY_STATS_IMAGE_THEME", {"fgg": "#000"}, "TRANSPARENCY_STATS_IMAGE_THEME: unknown key 'fgg' — use "),
        ("TRANSPARENCY_STATS_IMAGE_THEME", "#000", "TRANSPARENCY_STATS_IMAGE_THEME: not a mapping — give some of "),
        ("TRANSPARENCY_STATS_IMAGES", "yes", "TRANSPARENCY_STATS_IMAGES: not True or False — "),
        ("TRANSPARENCY_STATS_FEED", "a/b.xml", "TRANSPARENCY_STATS_FEED: 'a/b.xml' holds a '/' — give one name"),
        ("TRANSPARENCY_STATS_PAGE_URL", "", "TRANSPARENCY_STATS_PAGE_URL: '' is not a name — give one"),
    ],
)
def test_wrong_settings_are_one_line_each_and_stop_the_plugin(tmp_path, name, value, problem):
    output, errors = build(tmp_path, {"posts/a.md": post("A", "a")}, **{name: value})
    assert len(errors) == 1 and errors[0].startswith(problem), errors
    assert "\n" not in errors[0]
    assert not (output / "transparence").exists()


def test_a_post_is_dated_whatever_its_slug_and_a_page_shows_the_latest_figures(tmp_path):
    """Posts and pages are told apart by their generator, not by their chart ids (a post's slug may be page-x)."""
    body = "Abonnés : {{ video.subscribers }}.\n"
    files = {
        "posts/page-x.md": post("Un billet", "page-x", body, Date="2016-11-01 09:00"),
        "pages/apropos.md": post("Une page", "apropos", body, Date="2016-11-01 09:00"),
    }
    output, errors = build(tmp_path, files, PAGE_URL="{slug}/", PAGE_SAVE_AS="{slug}/index.html")
    assert errors == []
    text = (output / "page-x" / "index.html").read_text(encoding="utf-8")
    assert "40\u202f000" in text and "145\u202f000" not in text  # what was known on its date
    text = (output / "apropos" / "index.html").read_text(encoding="utf-8")
    assert "145\u202f000" in text  # a page shows the newest figure
