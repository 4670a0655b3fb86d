"""Python-Markdown extension: turn ```chart blocks into placeholders filled at build time.

The block is not rendered here: Pelican caches what readers return, so a chart
baked in at read time would go stale when a snapshot changes. The placeholder
keeps the block's text and line (`placeholders`); `charts.fill_placeholders` renders it against
the stats of the current build.
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from transparency_stats.timings import NO_TIMINGS

from .placeholders import encode_placeholder

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`\s]*)")
# Run after whitespace normalisation (30) but before `meta` (27) strips the header,
# so line numbers still count from the top of the file; and before fenced_code (25).
PRIORITY = 28


def closes(line: str, fence: str) -> bool:
    """Tell whether `line` closes a block opened with `fence`."""
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {fence[0]}


def opens_a_fence(line: str, fence: str) -> bool:
    """Tell whether `line` opens a new block with the same fence character and an info string (```chart)."""
    match = FENCE.match(line)
    return bool(match and match["info"] and match["fence"][0] == fence[0])


class ChartBlockPreprocessor(Preprocessor):
    """Replace every ```chart fenced block with a stashed placeholder."""

    def __init__(self, md, timings=NO_TIMINGS):
        super().__init__(md)
        self.timings = timings

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines with chart blocks swapped for placeholders (one "markdown" call per text read)."""
        with self.timings.span("markdown"):
            return self.swap_blocks(lines)

    def swap_blocks(self, lines: list[str]) -> list[str]:
        """Return the lines with chart blocks swapped for placeholders."""
        out: list[str] = []
        index = 0
        count = 0
        while index < len(lines):
            match = FENCE.match(lines[index])
            if not match:
                out.append(lines[index])
                index += 1
                continue
            fence = match["fence"]
            end = index + 1
            while end < len(lines) and not closes(lines[end], fence):
                end += 1
            if match["info"].lstrip("{.").rstrip("}") != "chart":
                out.extend(lines[index : end + 1])  # another language: leave it whole
                index = end + 1
                continue
            opened = next((n for n in range(index + 1, end) if opens_a_fence(lines[n], fence)), None)
            if opened is not None:
                end = opened  # a chart block left open runs into the next fence: report it, go on from there
            payload = {"index": count, "line": index + 1, "text": "\n".join(lines[index + 1 : end])}
            if end >= len(lines) or opened is not None:
                payload["unclosed"] = True
            count += 1
            out.extend(["", self.md.htmlStash.store(encode_placeholder(payload)), ""])
            index = end if opened is not None else end + 1
        return out


class ChartExtension(Extension):
    """Register the ```chart block syntax."""

    def __init__(self, timings=NO_TIMINGS, **kwargs):
        super().__init__(**kwargs)
        self.timings = timings

    def extendMarkdown(self, md):
        """Add the chart preprocessor to `md`."""
        md.preprocessors.register(ChartBlockPreprocessor(md, self.timings), "transparency_chart", PRIORITY)


def makeExtension(**kwargs):
    """Let Python-Markdown load the extension by name."""
    return ChartExtension(**kwargs)
