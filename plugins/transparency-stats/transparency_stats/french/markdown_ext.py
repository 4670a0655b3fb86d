"""Python-Markdown extension: French typography (`typeset`) on the text of a document, never on its code or markup.

It works on the element tree, after the inline patterns have built links, emphasis and
code spans: only text nodes change, never an attribute (so no URL), never the text of
`code`, `pre`, `kbd`, `samp`, `script`, `style` or `math` (Markdown's or typed as raw
HTML), never an `AtomicString` (an autolink's URL, a code span). Raw HTML and chart
blocks are stashed by Python-Markdown before this runs and come back untouched.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER, AtomicString

from .typography import typeset

# After the inline patterns (20), attr_list (8) and abbr (7); before smarty (6), which stashes
# the quotes it writes, and toc (5), which then reads the typeset headings.
PRIORITY = 6.5
SKIPPED_TAGS = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math"})
# smarty writes "<<" as "«&nbsp;" and ">>" as "&nbsp;»": the spaces typed inside would be extra.
_SPACES_AFTER_SMARTY_OPEN = re.compile(r"(<<)[ \t\r\n]+")
_SPACES_BEFORE_SMARTY_CLOSE = re.compile(r"[ \t\r\n]+(>>)")
# Raw inline HTML sits in the text as stash placeholders; their tags open and close skipped spans.
_STASHED = re.compile(HTML_PLACEHOLDER % r"([0-9]+)")
_RAW_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")


def smarty_angled_quotes(md) -> bool:
    """Tell whether the smarty extension will turn << and >> into guillemets in this Markdown instance."""
    if "smarty" not in md.treeprocessors:
        return False
    patterns = getattr(md.treeprocessors["smarty"], "inlinePatterns", None)
    return patterns is not None and "smarty-left-angle-quotes" in patterns


class TypographyTreeprocessor(Treeprocessor):
    """Typeset every text node of the tree, skipping code and what must stay as typed."""

    def run(self, root: etree.Element) -> None:
        """Typeset the tree in place."""
        self.angled = smarty_angled_quotes(self.md)
        self.raw_depth = 0  # how many raw <code>, <kbd>… are open at this point of the document
        self.walk(root)

    def fix(self, text: str | None) -> str | None:
        """Return one text node typeset (AtomicStrings and text inside raw skipped tags untouched)."""
        if not text or isinstance(text, AtomicString):
            return text
        if "\x02" not in text:
            return self.typeset(text) if not self.raw_depth else text
        pieces = _STASHED.split(text)  # text, stash index, text, stash index, …, text
        for n in range(0, len(pieces), 2):
            if not self.raw_depth:
                pieces[n] = self.typeset(pieces[n])
            if n + 1 < len(pieces):
                self.follow_raw_html(int(pieces[n + 1]))
                pieces[n + 1] = HTML_PLACEHOLDER % pieces[n + 1]
        return "".join(pieces)

    def typeset(self, text: str) -> str:
        """Return a run of text typeset, with smarty's << >> left to smarty."""
        if self.angled and ("<<" in text or ">>" in text):
            text = _SPACES_BEFORE_SMARTY_CLOSE.sub(r"\1", _SPACES_AFTER_SMARTY_OPEN.sub(r"\1", text))
        return typeset(text)

    def follow_raw_html(self, index: int) -> None:
        """Count the skipped tags a stashed piece of raw HTML opens or closes."""
        blocks = self.md.htmlStash.rawHtmlBlocks
        raw = blocks[index] if index < len(blocks) else ""
        for match in _RAW_TAG.finditer(raw if isinstance(raw, str) else ""):
            if match[2].lower() in SKIPPED_TAGS:
                self.raw_depth = max(0, self.raw_depth + (-1 if match[1] else 1))

    def walk(self, element: etree.Element) -> None:
        """Typeset element's text, its children and their tails (nothing inside a skipped element)."""
        if element.tag in SKIPPED_TAGS:
            return
        element.text = self.fix(element.text)
        for child in element:
            self.walk(child)
            child.tail = self.fix(child.tail)


class TypographyExtension(Extension):
    """Register the French typography treeprocessor."""

    def extendMarkdown(self, md):
        """Add the treeprocessor to `md`."""
        md.treeprocessors.register(TypographyTreeprocessor(md), "french_typography", PRIORITY)


def makeExtension(**kwargs):
    """Let Python-Markdown load the extension by name ("french.markdown_ext")."""
    return TypographyExtension(**kwargs)
