"""Connect the plugin to Pelican: named handlers for its signals, in the order of the build's stages (glue/state.py)."""

from __future__ import annotations

import logging
import sys

from pelican import signals

from transparency_stats.charts.blocks import ChartExtension
from transparency_stats.charts.figure_syntax import FigureExtension
from transparency_stats.charts.recipe import Theme, theme_recipe
from transparency_stats.french.typography import typeset
from transparency_stats.media.images import NO_BROWSER, find_browser
from transparency_stats.settings import apply_defaults, check_settings, setting
from transparency_stats.timings import TIMINGS_KEY, PhaseTimings, timings_of

from .content import feed_key, fill_group
from .generators import ChartMediaGenerator, DataPagesGenerator
from .state import BROWSER_KEY, STATE_KEY, Stage, build_of

logger = logging.getLogger(__name__)
SITE_CARD_KEY = "TRANSPARENCY_STATS_SITE_CARD"  # templates read it: the card of pages without a chart
DISABLED_KEY = "_TRANSPARENCY_STATS_DISABLED"  # set when the settings are wrong: the plugin then does nothing
_said_no_browser = False


def initialize(pelican):
    """Check and default the settings, find Chromium, start the timings, teach Markdown the ```chart block."""
    settings = pelican.settings
    problems = check_settings(settings)
    for problem in problems:
        logger.error("%s", problem)
    settings[DISABLED_KEY] = bool(problems)
    if problems:
        return
    apply_defaults(settings)
    # The plugin's templates write French with its typography; a site's own `typeset` filter wins.
    settings.setdefault("JINJA_FILTERS", {}).setdefault("typeset", typeset)
    # The charts' theme, once a page for charts.js (data-theme), as the images draw it (the same setting).
    theme = Theme(**setting(settings, "TRANSPARENCY_STATS_IMAGE_THEME"))
    settings.setdefault("JINJA_GLOBALS", {})["chart_theme"] = theme_recipe(theme)
    if setting(settings, "TRANSPARENCY_STATS_TIMINGS_FILE"):
        settings[TIMINGS_KEY] = PhaseTimings()
    browser = find_browser() if setting(settings, "TRANSPARENCY_STATS_IMAGES") else None
    if setting(settings, "TRANSPARENCY_STATS_IMAGES") and browser is None:
        say_no_browser()
    settings[BROWSER_KEY] = browser
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = [
        e for e in markdown.setdefault("extensions", []) if not isinstance(e, ChartExtension | FigureExtension)
    ]
    extensions += [ChartExtension(timings=timings_of(settings)), FigureExtension()]
    markdown["extensions"] = extensions


def say_no_browser() -> None:
    """Say once per process that images need Chromium, and how to install it (a notice, not a build problem)."""
    global _said_no_browser  # noqa: PLW0603 (once per process, also across livereload's rebuilds)
    if not _said_no_browser:
        print(NO_BROWSER, file=sys.stderr)
        _said_no_browser = True


def enabled(settings) -> bool:
    """Tell whether the plugin runs in this build (its settings were right)."""
    return not settings.get(DISABLED_KEY, False)


def fill_articles(generator):
    """Stage READING: fill and register the charts of every post, draft and translation."""
    if enabled(generator.settings):
        build = build_of(generator.context, generator.settings)
        fill_group(generator, "articles", build)
        generator.context[SITE_CARD_KEY] = build.charts.site_card()  # every template of the build reads it


def fill_pages(generator):
    """Stage READING: fill and register the charts of every page."""
    if enabled(generator.settings):
        fill_group(generator, "pages", build_of(generator.context, generator.settings))


GENERATORS = (DataPagesGenerator, ChartMediaGenerator)  # each runs at its stage, whatever their order


def add_generators(pelican):
    """Add the data pages' generator, then the charts' media generator."""
    if enabled(pelican.settings):
        return list(GENERATORS)
    return []


def close_registry(generators):
    """Stage WRITING: every generator has built its context, so every chart is known; freeze the registry."""
    context = generators[0].context if generators else {}
    if STATE_KEY in context:
        context[STATE_KEY].enter(Stage.WRITING)


def charts_in_feed(context, feed):
    """Show a feed entry's charts as images with their title, caption and link: no script, no chart JSON."""
    build = context.get(STATE_KEY)
    if build is None:
        return
    from feedgenerator import Rss201rev2Feed

    for item in feed.items:
        entry = build.charts.feed_entries.get(feed_key(item["link"]))
        if entry is None:
            continue
        html, figures = entry()
        if isinstance(feed, Rss201rev2Feed):  # RSS carries summaries: add the charts after it
            item["description"] = (item["description"] or "") + figures
        else:
            item["content"] = html


def write_timings(pelican):
    """Write the phase timings where the settings asked."""
    timings = pelican.settings.get(TIMINGS_KEY)
    if timings is not None:
        timings.write(setting(pelican.settings, "TRANSPARENCY_STATS_TIMINGS_FILE"))


def register():
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(initialize)
    signals.article_generator_finalized.connect(fill_articles)
    signals.page_generator_finalized.connect(fill_pages)
    signals.get_generators.connect(add_generators)
    signals.all_generators_finalized.connect(close_registry)
    signals.feed_generated.connect(charts_in_feed)
    signals.finalized.connect(write_timings)
