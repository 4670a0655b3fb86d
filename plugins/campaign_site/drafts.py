"""Drafts and hidden posts: previewed in development (marked, noindex, listed), never in a published build."""

from __future__ import annotations

from pelican.generators import Generator

SETTING = "CAMPAIGN_SITE_DRAFTS"  # "preview" (development) or "omit" (publishing, the default)
ARTICLE_GROUPS = ("drafts", "drafts_translations", "hidden_articles", "hidden_translations")
PAGE_GROUPS = ("draft_pages", "draft_translations")


def previewing(settings) -> bool:
    """Tell whether this build shows drafts (development) rather than leaving them out (publishing)."""
    return settings.get(SETTING, "omit") == "preview"


def leave_out(generator, groups: tuple[str, ...]) -> None:
    """Empty the generator's draft lists in place, so neither its output nor the shared context keeps them."""
    if previewing(generator.settings):
        return
    for group in groups:
        items = getattr(generator, group, None)
        if isinstance(items, list):
            items.clear()


def leave_out_articles(generator) -> None:
    """Keep drafts and hidden posts out of a published build."""
    leave_out(generator, ARTICLE_GROUPS)


def leave_out_pages(generator) -> None:
    """Keep draft pages out of a published build."""
    leave_out(generator, PAGE_GROUPS)


class DraftsIndexGenerator(Generator):
    """Write the local list of drafts, /brouillons/, in development builds only."""

    def generate_output(self, writer):
        """Write brouillons/index.html listing every draft post and page."""
        if not previewing(self.settings):
            return
        drafts = sorted(
            self.context.get("drafts", [])
            + self.context.get("hidden_articles", [])
            + self.context.get("draft_pages", []),
            key=lambda item: (item.source_path,),
        )
        writer.write_file(
            self.settings.get("CAMPAIGN_SITE_DRAFTS_INDEX", "brouillons/index.html"),
            self.get_template("drafts"),
            self.context,
            relative_urls=self.settings.get("RELATIVE_URLS", False),
            drafts=drafts,
        )


def add_drafts_index(pelican):
    """Add the drafts index generator."""
    return DraftsIndexGenerator
