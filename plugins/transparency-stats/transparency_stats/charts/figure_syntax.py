"""Python-Markdown extension: `{{ METRIC @ WHEN }}` figures in the text become placeholders filled at build time.

Like chart blocks, a figure is not rendered here: Pelican caches what readers return, so a
figure baked in at read time would go stale when a snapshot (or a correction) arrives. An
inline pattern, which Markdown never runs inside code spans or code blocks, swaps each
`{{ … }}` for a stashed empty element carrying its text and position; `text_figures` fills
it against the stats of the current build. A preprocessor notes where each `{{` stands in
the file (before the header is stripped and chart blocks are swapped), so that a problem
is reported at its line and column.
"""

from __future__ import annotations

import re

from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor

from .blocks import FENCE, closes
from .placeholders import encode, split

# An empty element of our own, not a comment: Markdown takes a paragraph holding only a
# comment for a block and drops its <p>; an unknown inline element keeps it.
FIGURE_OPEN = '<ts-figure hidden data-figure="'
FIGURE_CLOSE = '"></ts-figure>'
# `{{ … }}` on one line; `\{{` stays literal (Markdown's backslash escape of `{`).
FIGURE = r"\{\{([^\n{}]*)\}\}"
UNCLOSED = r"\{\{"
WRITTEN = re.compile(r"\{\{[^\n{}]*\}\}|\{\{")
CODE_SPAN = re.compile(r"(`+).+?(?<!`)\1(?!`)")
# After normalize_whitespace (30), so tabs are expanded as Markdown reads them;
# before the chart blocks (28), which change the number of lines, and `meta` (27).
POSITIONS_PRIORITY = 29
# After code spans (190) and backslash escapes (180), so neither ever holds a figure.
INLINE_PRIORITY = 175
UNCLOSED_PRIORITY = 174
POSITIONS = "_transparency_figure_positions"
NBSP = "\u00a0"
WORD_AFTER = re.compile(r"[ \n](?=[^\W\d_])")  # one space, then a letter: the figure's word


def encode_figure(payload: dict) -> str:
    """Return an empty element carrying a figure's text and position."""
    return encode(payload, FIGURE_OPEN, FIGURE_CLOSE)


def split_figures(html: str):
    """Yield the HTML as ("html", text) and ("figure", payload) pieces, in order."""
    return split(html, FIGURE_OPEN, FIGURE_CLOSE, "figure")


def has_figures(html: str | None) -> bool:
    """Tell whether the HTML holds any figure placeholder."""
    return bool(html) and FIGURE_OPEN in html


def written_figures(lines: list[str]) -> list[tuple[str, int, int]]:
    """Return every `{{ … }}` (or lone `{{`) written outside fenced blocks and code spans: (text, line, column)."""
    found = []
    fence = None
    for number, line in enumerate(lines, start=1):
        if fence is not None:
            if closes(line, fence):
                fence = None
            continue
        match = FENCE.match(line)
        if match:
            fence = match["fence"]
            continue
        if "{{" not in line:
            continue
        code = [m.span() for m in CODE_SPAN.finditer(line)]
        for written in WRITTEN.finditer(line):
            if not any(start <= written.start() < end for start, end in code):
                found.append((written.group(), number, written.start() + 1))
    return found


class FigurePositions(Preprocessor):
    """Note where each figure is written, for messages; change nothing."""

    def run(self, lines: list[str]) -> list[str]:
        """Record the figures' positions on the Markdown instance."""
        setattr(self.md, POSITIONS, written_figures(lines))
        return lines


def position_of(md, written: str) -> tuple[int | None, int | None]:
    """Return the line and column of the first figure not yet placed that is written as `written`."""
    positions = getattr(md, POSITIONS, [])
    for index, (text, line, column) in enumerate(positions):
        if text == written:
            del positions[index]
            return line, column
    return None, None


class FigureProcessor(InlineProcessor):
    """Swap a `{{ … }}` for a stashed placeholder (and the space after it for a no-break one before a word)."""

    def handleMatch(self, m, data):
        """Return the placeholder of one figure.

        A figure stays with the word after it (« 180 000 personnes »), as `typeset` keeps a
        typed number with its word: the space that follows becomes a no-break space.
        """
        line, column = position_of(self.md, m.group(0))
        payload = {"text": m.group(1).strip(), "written": m.group(0), "line": line, "column": column}
        placeholder = self.md.htmlStash.store(encode_figure(payload))
        if WORD_AFTER.match(data, m.end(0)):
            return placeholder + NBSP, m.start(0), m.end(0) + 1
        return placeholder, m.start(0), m.end(0)


class UnclosedProcessor(InlineProcessor):
    """Swap a `{{` never closed on its line for a placeholder that reports it."""

    def handleMatch(self, m, data):
        """Return the placeholder of an unclosed figure."""
        line, column = position_of(self.md, m.group(0))
        payload = {"text": data[m.end(0) :].split("\n", 1)[0], "unclosed": True, "line": line, "column": column}
        return self.md.htmlStash.store(encode_figure(payload)), m.start(0), m.end(0)


class FigureExtension(Extension):
    """Register the `{{ … }}` figure syntax."""

    def extendMarkdown(self, md):
        """Add the position preprocessor and the two inline patterns to `md`."""
        md.preprocessors.register(FigurePositions(md), "transparency_figure_positions", POSITIONS_PRIORITY)
        md.inlinePatterns.register(FigureProcessor(FIGURE, md), "transparency_figure", INLINE_PRIORITY)
        md.inlinePatterns.register(UnclosedProcessor(UNCLOSED, md), "transparency_figure_unclosed", UNCLOSED_PRIORITY)


def makeExtension(**kwargs):
    """Let Python-Markdown load the extension by name."""
    return FigureExtension(**kwargs)
