"""The placeholder a chart block leaves in a post's HTML: written when the post is read, filled at build time."""

from __future__ import annotations

import base64
import json

PLACEHOLDER_OPEN = "<!--transparency-chart "

PLACEHOLDER_CLOSE = "-->"


def encode(payload: dict, opening: str, closing: str) -> str:
    """Return `payload` as base64 JSON between two markers: a placeholder that survives Markdown and the cache."""
    data = json.dumps(payload, ensure_ascii=True, sort_keys=True).encode()
    return opening + base64.b64encode(data).decode() + closing


def split(html: str, opening: str, closing: str, kind: str):
    """Yield the HTML as ("html", text) and (kind, payload) pieces, in order, for placeholders between the markers."""
    position = 0
    while True:
        start = html.find(opening, position)
        if start < 0:
            yield "html", html[position:]
            return
        end = html.find(closing, start)
        yield "html", html[position:start]
        yield kind, json.loads(base64.b64decode(html[start + len(opening) : end]))
        position = end + len(closing)


def encode_placeholder(payload: dict) -> str:
    """Return an HTML comment carrying the block's text and line."""
    return encode(payload, PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE)


def split_placeholders(html: str):
    """Yield the HTML as ("html", text) and ("chart", payload) pieces, in order."""
    return split(html, PLACEHOLDER_OPEN, PLACEHOLDER_CLOSE, "chart")


def has_placeholders(html: str) -> bool:
    """Tell whether the HTML holds any chart placeholder."""
    return PLACEHOLDER_OPEN in html


def strip_placeholders(html: str) -> str:
    """Return the HTML with every chart left out (for summaries)."""
    return "".join(text for kind, text in split_placeholders(html) if kind == "html")
