"""French typography for text typed with ordinary spaces: no-break spaces where French needs them.

Numbers typed in groups ("40 000") get narrow no-break spaces, as the build writes its own
figures; a number keeps its sign or the word after it ("10 %", "2,7 millions",
"10 propositions", "23 décembre"); ; ! ? get a narrow
no-break space before them, : a no-break space; « » get no-break spaces inside.

`typeset(text)` is the one function: the Markdown extension (`french.markdown_ext`) runs it on
the text nodes of posts and pages, and the build runs it on titles, chart titles, captions,
table labels and, through the `typeset` Jinja filter, on template strings. It only ever
replaces spaces (or inserts one inside « »), so a URL, a time (10:00) or a path, which hold
no space before their `:` or `?`, come out unchanged. Typesetting twice changes nothing.
"""

from __future__ import annotations

import re

from . import NBSP, NNBSP

# The spaces an author may type, and the ones this module writes.
_SPACE = "[ \t\r\n\u00a0\u202f]"

# A number typed in groups: 1 to 3 digits, then groups of exactly 3, each after one space:
# "40 000", "1 000 000". "2016 2017" is two years (4 digits first), and in
# "en 2016 2 000 personnes" only "2 000" is a number.
# (Each pattern starts with what it matches first, so that `re` can skip ahead to it: the
# lookbehinds come after the first digit.)
_DIGIT_GROUPS = re.compile(r"\d(?<![\w.,]\d)\d{0,2}(?:[ \n\u00a0\u202f]\d{3})+(?!\d)")
_DIGIT = re.compile(r"\d")
_GROUP_SPACE = re.compile(r"[ \n\u00a0]")
# A number in digits stays with its sign or the word after it: "10 %", "2,7 millions",
# "10 propositions", "23 décembre" (never with a number after it: "2016 2017" can break).
_BEFORE_SIGN = re.compile(r"(?<=\d)[ \n\u00a0]([%‰€])")
# The number must stand alone ("jlm2017 est", "…?b=1:2 et" are left alone), ordinals included ("1er mai").
_BEFORE_WORD = re.compile(r"(\d(?<![^\s(«\[≥≈+−–-]\d)\d*(?:[,.\u202f]\d+)*(?:er|re|e|es)?)[ \n\u202f](?=[^\W\d_])")
# A narrow no-break space before ; ! ? and a no-break space before : (as `french` writes them).
_BEFORE_TALL_PUNCTUATION = re.compile(_SPACE + r"+([;!?])")
_BEFORE_COLON = re.compile(_SPACE + r"+:")
# No-break spaces inside « », typed or not.
_AFTER_OPENING_QUOTE = re.compile("«" + _SPACE + "*")
_BEFORE_CLOSING_QUOTE = re.compile(_SPACE + "*»")


def _group(match: re.Match) -> str:
    """Return a grouped number with narrow no-break spaces between its groups (CLDR's French separator)."""
    return _GROUP_SPACE.sub(NNBSP, match.group())


def typeset(text: str) -> str:
    """Return text with French no-break spaces in numbers, before ; ! ? : and inside « »."""
    if not text:
        return text
    if _DIGIT.search(text):
        text = _DIGIT_GROUPS.sub(_group, text)
        if "%" in text or "‰" in text or "€" in text:
            text = _BEFORE_SIGN.sub(NNBSP + r"\1", text)
        text = _BEFORE_WORD.sub(r"\1" + NBSP, text)
    text = _BEFORE_TALL_PUNCTUATION.sub(NNBSP + r"\1", text)
    text = _BEFORE_COLON.sub(NBSP + ":", text)
    if "«" in text:
        text = _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)
    if "»" in text:
        text = _BEFORE_CLOSING_QUOTE.sub(NBSP + "»", text)
    return text
