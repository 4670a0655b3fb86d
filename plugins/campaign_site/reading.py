"""Reading time of an article: « Lecture : 3 min »."""

from __future__ import annotations

from markupsafe import Markup

from transparency_stats.french import NBSP

WORDS_PER_MINUTE = 200


def reading_time(content) -> str:
    """Return « Lecture : 3 min » for an article (computed once) or a piece of HTML.

    Charts are not read like text: an article's `chartless_content` (set by the
    transparency_stats plugin) is counted when present.
    """
    cached = getattr(content, "_reading_time", None)
    if cached is not None:
        return cached
    html = getattr(content, "chartless_content", None) or getattr(content, "content", content) or ""
    words = len(Markup(html).striptags().split())  # noqa: S704 - only strips tags; nothing is rendered
    minutes = max(1, round(words / WORDS_PER_MINUTE))
    text = f"Lecture{NBSP}: {minutes}{NBSP}min"
    if hasattr(content, "content"):
        content._reading_time = text
    return text
