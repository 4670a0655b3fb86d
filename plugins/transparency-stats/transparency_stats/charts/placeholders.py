"""The placeholder a chart block leaves in a post's HTML: written when the post is read, filled at build time."""

from __future__ import annotations

import base64
import json

PLACEHOLDER_OPEN = "<!--transparency-chart "

PLACEHOLDER_CLOSE = "-->"


def encode_placeholder(payload: dict) -> str:
    """Return an HTML comment carrying the block's text and line."""
    data = json.dumps(payload, ensure_ascii=True, sort_keys=True).encode()
    return PLACEHOLDER_OPEN + base64.b64encode(data).decode() + PLACEHOLDER_CLOSE


def decode_placeholder(token: str) -> dict:
    """Return the payload of a placeholder written by `encode_placeholder`."""
    return json.loads(base64.b64decode(token))


def split_placeholders(html: str):
    """Yield the HTML as ("html", text) and ("chart", payload) pieces, in order."""
    position = 0
    while True:
        start = html.find(PLACEHOLDER_OPEN, position)
        if start < 0:
            yield "html", html[position:]
            return
        end = html.find(PLACEHOLDER_CLOSE, start)
        yield "html", html[position:start]
        yield "chart", decode_placeholder(html[start + len(PLACEHOLDER_OPEN) : end])
        position = end + len(PLACEHOLDER_CLOSE)


def has_placeholders(html: str) -> bool:
    """Tell whether the HTML holds any chart placeholder."""
    return PLACEHOLDER_OPEN in html


def strip_placeholders(html: str) -> str:
    """Return the HTML with every chart left out (for summaries)."""
    return "".join(text for kind, text in split_placeholders(html) if kind == "html")
