"""Read YAML strictly and safely into nodes that keep the line and column of every value.

Everything stays text: no implicit typing, no tags, no anchors or aliases, one
document, unique keys, bounded size and depth. The field parsers decide what the
text means. Every problem becomes a one-line `StatsError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import yaml

from transparency_stats.errors import StatsError

MAX_BYTES = 1_000_000

MAX_DEPTH = 20

BOM = b"\xef\xbb\xbf"

FORBIDDEN_CHARACTER = re.compile("[^\t\n\r\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

LINE_BREAK = re.compile("\r\n|\r|\n")
# After a value: spaces, then '#' right before a word, as in "Merci #JLM2017". "# a comment" stays a comment.
HASHTAG_COMMENT = re.compile(r"[ \t]+(#[^\s#].*)")

PARSER = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None

FALLBACK_PARSER = yaml.SafeLoader


@dataclass(frozen=True, slots=True)
class YScalar:
    """A scalar kept as text; `plain` is False when quoted or a block scalar."""

    text: str
    plain: bool
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class YList:
    """A sequence of nodes."""

    items: tuple
    line: int
    column: int


class YEntry(NamedTuple):
    """One `key: value` of a mapping; line and column are the key's."""

    key: str
    line: int
    column: int
    value: Node


@dataclass(frozen=True, slots=True)
class YMap:
    """A mapping with unique text keys, in file order."""

    entries: tuple[YEntry, ...]
    line: int
    column: int

    def get(self, key: str) -> YEntry | None:
        """Return the entry for `key`, or None."""
        for entry in self.entries:
            if entry.key == key:
                return entry
        return None


Node = YMap | YList | YScalar


def load(data: bytes, path: str, line_offset: int = 0) -> Node:
    """Parse one YAML document from `data`; lines are shifted by `line_offset`."""
    if len(data) > MAX_BYTES:
        raise StatsError(
            path, 1 + line_offset, 1, f"file is too large ({len(data)} bytes)", f"keep it under {MAX_BYTES} bytes"
        )
    text = decode(data, path, line_offset)
    check_characters(text, path, line_offset)
    try:
        return compose(text, PARSER or FALLBACK_PARSER, path, line_offset)
    except StatsError:
        raise
    except yaml.YAMLError as error:
        raise syntax_error(text, error, path, line_offset) from None
    except Exception as error:  # noqa: BLE001 - any parser crash is bad input to the volunteer
        raise StatsError(
            path,
            1 + line_offset,
            1,
            f"could not read this YAML ({type(error).__name__})",
            "check the syntax of the file",
        ) from None


def decode(data: bytes, path: str, line_offset: int = 0) -> str:
    """Decode UTF-8 (an optional BOM is dropped), locating the first bad byte."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8", "replace")
        line, column = locate(before, len(before))
        raise StatsError(
            path, line + line_offset, column, "text is not valid UTF-8", "save the file with the UTF-8 encoding"
        ) from None


def check_characters(text: str, path: str, line_offset: int = 0) -> None:
    """Refuse control characters and unusual line breaks."""
    found = FORBIDDEN_CHARACTER.search(text)
    if found:
        line, column = locate(text, found.start())
        code = f"U+{ord(found.group()):04X}"
        raise StatsError(
            path,
            line + line_offset,
            column,
            f"invisible or control character {code}",
            "delete it or retype this part of the line",
        )


def locate(text: str, index: int) -> tuple[int, int]:
    """Return the 1-based line and column of `text[index]`."""
    head = text[:index]
    breaks = list(LINE_BREAK.finditer(head))
    if not breaks:
        return 1, index + 1
    return len(breaks) + 1, index - breaks[-1].end() + 1


def compose(text: str, parser_class, path: str, line_offset: int = 0) -> Node:
    """Build the node tree of the single document in `text`."""
    parser = parser_class(text)
    try:
        next_event = parser.get_event
        next_event()  # stream start
        event = next_event()
        if isinstance(event, yaml.StreamEndEvent):
            raise StatsError(path, 1 + line_offset, 1, "nothing here", "write at least one 'key: value' line")
        root = compose_document(next_event, path, line_offset, LINE_BREAK.split(text))
        event = next_event()
        if not isinstance(event, yaml.StreamEndEvent):
            line, column = mark_position(event.start_mark, line_offset)
            raise StatsError(
                path,
                line,
                column,
                "more than one document in this file",
                "remove the '---' line and merge the parts, or split them into files",
            )
        return root
    finally:
        parser.dispose()


def compose_document(next_event, path: str, line_offset: int, lines: list[str]) -> Node:
    """Build the nodes of one document, iteratively, up to its end event."""
    stack: list[_Open] = []
    while True:
        event = next_event()
        refuse_anchor_and_tag(event, path, line_offset)
        line, column = mark_position(event.start_mark, line_offset)
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            check_can_open(stack, line, column, path)
            stack.append(_Open(isinstance(event, yaml.MappingStartEvent), line, column))
            continue
        if isinstance(event, yaml.ScalarEvent):
            node = YScalar(event.value, event.style in (None, ""), line, column)
            if node.plain and stack and not stack[-1].wants_key():
                refuse_hashtag_comment(node, event.end_mark, lines, path, line_offset)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            node = stack.pop().close()
        else:
            raise StatsError(path, line, column, "unexpected YAML structure", "check the syntax of the file")
        if not stack:
            if isinstance(node, YScalar) and node.plain and node.text == "":
                raise StatsError(path, 1 + line_offset, 1, "nothing here", "write at least one 'key: value' line")
            next_event()  # document end
            return node
        stack[-1].add(node, path)


def refuse_hashtag_comment(node: YScalar, end, lines: list[str], path: str, line_offset: int) -> None:
    """Refuse a text value followed by ` #word`: YAML reads it as a comment and would silently cut a hashtag."""
    if end is None or end.line >= len(lines) or not any(c.isalpha() for c in node.text):
        return
    rest = lines[end.line][end.column :]
    found = HASHTAG_COMMENT.match(rest)
    if found:
        cut = found.group(1).rstrip()
        raise StatsError(
            path,
            end.line + 1 + line_offset,
            end.column + found.start(1) + 1,
            f"YAML reads {quote(' ' + cut)} as a comment",
            f'put the whole text in quotes, like "{node.text} {cut}" (a comment is written "# like this")',
        )


def check_can_open(stack: list[_Open], line: int, column: int, path: str) -> None:
    """Refuse a list or mapping used as a key, and nesting too deep."""
    if stack and stack[-1].wants_key():
        raise StatsError(
            path,
            line,
            column,
            "a key must be simple text, not a list or mapping",
            "write the key as plain text followed by ':'",
        )
    if len(stack) >= MAX_DEPTH:
        raise StatsError(path, line, column, f"nested more than {MAX_DEPTH} levels deep", "flatten the structure")


def refuse_anchor_and_tag(event, path: str, line_offset: int) -> None:
    """Refuse aliases, anchors and explicit tags."""
    line, column = mark_position(event.start_mark, line_offset)
    if isinstance(event, yaml.AliasEvent):
        raise StatsError(
            path,
            line,
            column,
            f"alias {quote('*' + event.anchor)} is not allowed",
            "write the value itself instead of a reference",
        )
    if getattr(event, "anchor", None) is not None:
        raise StatsError(
            path,
            line,
            column,
            f"anchor {quote('&' + event.anchor)} is not allowed",
            "remove it and write values in full",
        )
    if getattr(event, "tag", None) is not None:
        raise StatsError(
            path,
            line,
            column,
            f"tag {quote(short_tag(event.tag))} is not allowed",
            "remove the '!' part and write the plain value",
        )


def short_tag(tag: str) -> str:
    """Write a tag the way it appears in the file."""
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


class _Open:
    """A mapping or list still being read."""

    __slots__ = ("is_map", "line", "column", "items", "key", "seen")

    def __init__(self, is_map: bool, line: int, column: int):
        self.is_map, self.line, self.column = is_map, line, column
        self.items: list = []
        self.key: YScalar | None = None
        self.seen: dict[str, int] = {}

    def wants_key(self) -> bool:
        """Tell whether the next node is a mapping key."""
        return self.is_map and self.key is None

    def add(self, node: Node, path: str) -> None:
        """Append a list item, or a key then its value."""
        if not self.is_map:
            self.items.append(node)
        elif self.key is None:
            self.take_key(node, path)
        else:
            key, self.key = self.key, None
            self.items.append(YEntry(key.text, key.line, key.column, node))

    def take_key(self, key: YScalar, path: str) -> None:
        """Remember a key, refusing duplicates."""
        if key.text in self.seen:
            raise StatsError(
                path,
                key.line,
                key.column,
                f"duplicate key {quote(key.text)} (first at line {self.seen[key.text]})",
                "keep only one of them",
            )
        self.seen[key.text] = key.line
        self.key = key

    def close(self) -> Node:
        """Return the finished node."""
        if self.is_map:
            return YMap(tuple(self.items), self.line, self.column)
        return YList(tuple(self.items), self.line, self.column)


def mark_position(mark, line_offset: int = 0) -> tuple[int, int]:
    """Return the 1-based (line, column) of a PyYAML mark."""
    if mark is None:
        return 1 + line_offset, 1
    return mark.line + 1 + line_offset, mark.column + 1


def syntax_error(text: str, error: yaml.YAMLError, path: str, line_offset: int) -> StatsError:
    """Turn a PyYAML error into a one-line StatsError, preferring PyYAML's pure-Python wording."""
    if PARSER is not None and not isinstance(error, yaml.reader.ReaderError):
        try:
            compose(text, FALLBACK_PARSER, path, line_offset)
        except yaml.YAMLError as python_error:
            error = python_error
        except Exception:  # noqa: BLE001, S110 - the pure-Python parser crashed: keep libyaml's error
            pass
    message, hint, mark = explain(text, error)
    line, column = mark_position(mark, line_offset)
    if mark is None and isinstance(error, yaml.reader.ReaderError):
        line, column = locate(text, error.position)
        line += line_offset
    return StatsError(path, line, column, message, hint)


def explain(text: str, error: yaml.YAMLError) -> tuple[str, str, object]:
    """Return a plain (message, hint, mark) for a YAML syntax error."""
    problem = str(getattr(error, "problem", "") or "").strip()
    context = str(getattr(error, "context", "") or "").strip()
    opened = getattr(error, "context_mark", None)
    mark = getattr(error, "problem_mark", None) or opened
    where = f" (opened at line {opened.line + 1}, column {opened.column + 1})" if opened else ""
    character = character_at(text, mark)
    found = re.search(r"but found '(.*)'$", problem)
    token = found.group(1) if found else ""
    quotes = "put the value in quotes"
    if "cannot start any token" in problem and character == "\t":
        return "tab character", "indent and separate with spaces, never tabs", mark
    if "cannot start any token" in problem:
        return f"{quote(character)} cannot start a value", quotes, mark
    if "simple key" in context:
        return "missing ':' after a key", "write each line as 'key: value'", opened
    if "flow sequence" in context:
        return "unclosed '['", f"close the list with ']'{where}", mark
    if "flow mapping" in context:
        return "unclosed '{'", f"close it with '}}'{where}", mark
    if "quoted scalar" in context and "end of stream" in problem:
        return "unclosed quote", f"close the quote{where}", mark
    if "quoted scalar" in context:
        return "bad escape sequence in double quotes", "use single quotes, or write \\\\ for a backslash", mark
    if "block scalar" in context:
        return "'|' or '>' must end its line", f"{quotes}, or start the text on the next line", mark
    if "alias" in context or "anchor" in context or "tag" in context:
        return f"{quote(character_at(text, opened))} cannot start a value", quotes, opened
    if "directive" in context or "<document start>" in problem:
        return "unexpected text after the end of the document", "remove the '...' or '%' line above", mark
    if "mapping values are not allowed" in problem:
        return "unexpected ':'", "fix the indentation, or put text containing ': ' in quotes", mark
    if "mapping keys are not allowed" in problem:
        return "unexpected '?'", quotes, mark
    if "sequence entries are not allowed" in problem:
        return "unexpected '-'", "fix the indentation, or put the value in quotes", mark
    if token in ("]", "}", ","):
        return f"unexpected {quote(token)}", "check the brackets and commas, or put the value in quotes", mark
    if token in ("<stream end>", "<document end>"):
        return "the file ends in the middle of a value", "finish the value, or close its brackets", mark
    if "<block end>" in problem or token.startswith("<block") or "did not find expected key" in problem:
        return "bad indentation", "line up keys of the same level with the same number of spaces", mark
    summary = " ".join(part for part in (context, problem) if part) or type(error).__name__
    return f"YAML syntax error: {summary}", "check the syntax around here", mark


def character_at(text: str, mark) -> str:
    """Return the character a mark points at, or '' if unknown."""
    if mark is None or not isinstance(getattr(mark, "index", None), int):
        return ""
    return text[mark.index] if 0 <= mark.index < len(text) else ""


def describe(node: Node) -> str:
    """Describe a node in a few plain words, for messages."""
    if isinstance(node, YMap):
        return "a set of 'key: value' lines"
    if isinstance(node, YList):
        return "a list"
    if node.plain and node.text == "":
        return "nothing"
    return quote(node.text)


def quote(text: str, limit: int = 40) -> str:
    """Quote text for a one-line message: invisible characters escaped, long text cut."""
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return "'" + "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text) + "'"
