"""French typography for the whole site: the Markdown extension for bodies and summaries, typeset titles."""

from __future__ import annotations

from markupsafe import escape

from transparency_stats.french import NBSP, NNBSP
from transparency_stats.french.markdown_ext import TypographyExtension
from transparency_stats.french.typography import typeset


class TypesetTitle(str):
    """A typeset title: plain text in Python, its no-break spaces written as character references in HTML.

    Pelican's feed writer reads a title as HTML and strips its tags with markupsafe, which
    also collapses whitespace, no-break spaces included; as references they survive.
    """

    __slots__ = ()

    def __html__(self) -> str:
        """Return the title escaped for HTML, no-break spaces as references."""
        return str(escape(str(self))).replace(NBSP, "&#160;").replace(NNBSP, "&#8239;")


def add_markdown_extension(settings: dict) -> None:
    """Add the typography extension to Pelican's Markdown settings (once, whatever the builds before)."""
    markdown = settings.setdefault("MARKDOWN", {})
    extensions = [e for e in markdown.setdefault("extensions", []) if not isinstance(e, TypographyExtension)]
    extensions.append(TypographyExtension())
    markdown["extensions"] = extensions


def typeset_title(content) -> None:
    """Typeset an article's or page's title (metadata, which Markdown never sees)."""
    title = getattr(content, "title", None)
    if isinstance(title, str) and not isinstance(title, TypesetTitle):
        content.title = TypesetTitle(typeset(title))
