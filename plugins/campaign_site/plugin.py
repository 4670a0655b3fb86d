"""Connect the campaign theme's helpers to Pelican."""

from __future__ import annotations

from pathlib import Path

from pelican import signals

from transparency_stats import french
from transparency_stats.french.typography import typeset

from . import checks, drafts
from .assets import AssetManifest
from .dates import period_fr
from .reading import reading_time
from .typography import add_markdown_extension, typeset_title

_manifests: dict[int, AssetManifest] = {}


def add_template_helpers(pelican):
    """Give Markdown French typography, and templates French dates, typography, reading time and hashed asset URLs."""
    settings = pelican.settings
    static_dir = Path(settings["THEME"]) / "static"
    manifest = AssetManifest(static_dir, f"{settings['SITEURL']}/{settings['THEME_STATIC_DIR']}")
    _manifests[id(pelican)] = manifest
    settings.setdefault("JINJA_FILTERS", {}).update(
        date_fr=french.format_date_long,
        month_fr=french.format_month,
        period_fr=period_fr,
        reading_time=reading_time,
        typeset=typeset,
    )
    settings.setdefault("JINJA_GLOBALS", {}).update(asset=manifest.url, browser_locale=french.browser_locale)
    settings.setdefault("CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)
    settings.setdefault("SEARCH_CONTENT_SECURITY_POLICY", SEARCH_CONTENT_SECURITY_POLICY)
    add_markdown_extension(settings)


def write_hashed_assets(pelican):
    """Write the hashed copies of the assets that pages referenced."""
    manifest = _manifests.pop(id(pelican), None)
    if manifest is not None:
        manifest.write(Path(pelican.output_path) / pelican.settings["THEME_STATIC_DIR"])


def pin_sitemap_clock(generators):
    """Date undated pages in the sitemap by the newest article, not by the clock."""
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    dates = [
        getattr(item, "modified", None) or item.date
        for generator in generators
        for item in getattr(generator, "articles", [])
    ]
    if dates:
        sitemap.generator.now = max(dates)


def reset_sitemap(pelican):
    """Start the sitemap plugin afresh for this build.

    pelican-sitemap keeps one module-level generator that remembers the build it started
    with and writes the sitemap only when that build finishes: after a build that stopped
    on an exception (in the same process: livereload's worker, the tests), every later build
    silently had no sitemap.xml. Forgetting the unfinished build here makes each one its own.
    """
    try:
        from pelican.plugins.sitemap import sitemap
    except ImportError:
        return
    sitemap.generator._main_pelican = None
    sitemap.generator.page_queue = []


# The theme's policy, also usable as an HTTP header (see README). plotly.js needs no
# inline script and, with vendor/plotly.css linked, no inline <style>; its
# "download as PNG" button draws through a blob: image.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'"
)

# The search page alone runs Pagefind's WebAssembly: 'wasm-unsafe-eval' lets a page compile
# WebAssembly and nothing else (no eval, no inline script). Pagefind compiles it in a Web Worker,
# whose policy is its own response header: the server sends this one for /pagefind/ too (README).
SEARCH_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';"
)


def register():
    """Connect the helpers to Pelican's signals."""
    signals.initialized.connect(add_template_helpers)
    signals.initialized.connect(reset_sitemap)
    signals.content_object_init.connect(checks.check_header)
    signals.content_object_init.connect(typeset_title)
    signals.article_generator_finalized.connect(drafts.leave_out_articles)
    signals.page_generator_finalized.connect(drafts.leave_out_pages)
    signals.get_generators.connect(drafts.add_drafts_index)
    signals.all_generators_finalized.connect(checks.check_unread_files)
    signals.all_generators_finalized.connect(pin_sitemap_clock)
    signals.finalized.connect(write_hashed_assets)
