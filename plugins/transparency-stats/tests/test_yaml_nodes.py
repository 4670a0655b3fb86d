"""The strict YAML reader: everything stays text, every problem is one located line."""

import pytest
import yaml

from transparency_stats.errors import StatsError
from transparency_stats.stats import fields, yaml_nodes
from transparency_stats.stats.yaml_nodes import YList, YMap, YScalar, load

PATH = "stats/snapshots/x.yaml"

PARSERS = [pytest.param(None, id="pure-python")]
if yaml.__with_libyaml__:
    PARSERS.append(pytest.param(yaml.CSafeLoader, id="libyaml"))


@pytest.fixture(params=PARSERS, autouse=True)
def parser(request, monkeypatch):
    """Run every test with the pure-Python parser and, when present, libyaml."""
    monkeypatch.setattr(yaml_nodes, "PARSER", request.param)
    return request.param


def error_of(data, path=PATH, **kwargs) -> StatsError:
    """Return the StatsError raised by loading `data`, checking it is one line."""
    with pytest.raises(StatsError) as caught:
        load(data if isinstance(data, bytes) else data.encode("utf-8"), path, **kwargs)
    assert "\n" not in str(caught.value) and "\r" not in str(caught.value)
    assert "Traceback" not in str(caught.value)
    return caught.value


def where(error: StatsError) -> tuple[int, int]:
    """Return (line, column) of an error."""
    return error.line, error.column


# Good input


def test_keeps_every_scalar_as_text_with_plain_flag():
    root = load(b'a: NO\nb: 1:30\nc: 017\nd: 1e3\ne: "145000"\nf: .nan\ng: 2016-12-23\nh:\n', PATH)
    texts = {entry.key: (entry.value.text, entry.value.plain) for entry in root.entries}
    assert texts == {
        "a": ("NO", True),
        "b": ("1:30", True),
        "c": ("017", True),
        "d": ("1e3", True),
        "e": ("145000", False),
        "f": (".nan", True),
        "g": ("2016-12-23", True),
        "h": ("", True),
    }


def test_keeps_locations_of_keys_and_values():
    root = load(b"date: 2016-12-23\ntotals:\n  youtube.subscribers: 145000\n  list: [a, b]\n", PATH)
    assert isinstance(root, YMap) and (root.line, root.column) == (1, 1)
    totals = root.get("totals")
    assert (totals.line, totals.column) == (2, 1)
    figure = totals.value.get("youtube.subscribers")
    assert (figure.line, figure.column) == (3, 3)
    assert figure.value == YScalar("145000", True, 3, 24)
    items = totals.value.get("list").value
    assert isinstance(items, YList)
    assert [(i.text, i.line, i.column) for i in items.items] == [("a", 4, 10), ("b", 4, 13)]


def test_block_scalar_is_not_plain():
    root = load(b"note: |\n  two\n  lines\n", PATH)
    assert root.get("note").value.text == "two\nlines\n"
    assert root.get("note").value.plain is False


def test_accepts_bom_and_crlf_with_right_lines():
    root = load(b"\xef\xbb\xbfa: 1\r\nb:\r\n  c: 2\r\n", PATH)
    c = root.get("b").value.get("c")
    assert (root.get("a").line, root.get("a").column) == (1, 1)
    assert (c.line, c.column, c.value.column) == (3, 3, 6)


def test_errors_after_bom_and_crlf_have_right_lines():
    assert where(error_of(b"\xef\xbb\xbfa: 1\r\nb: 2\r\na: 3\r\n")) == (3, 1)


def test_line_offset_shifts_lines():
    root = load(b"a: 1\nb: 2\n", PATH, line_offset=10)
    assert root.get("b").line == 12
    assert where(error_of(b"a: 1\na: 2\n", line_offset=10)) == (12, 1)


def test_accepts_document_markers_and_version_directive():
    assert load(b"%YAML 1.1\n---\na: 1\n...\n", PATH).get("a").line == 3


def test_nesting_up_to_the_limit_is_fine():
    deep = "[" * yaml_nodes.MAX_DEPTH + "]" * yaml_nodes.MAX_DEPTH
    assert isinstance(load(deep.encode(), PATH), YList)


# Bad input


def test_unclosed_bracket():
    error = error_of("a: [1, 2\nb: 3\n")
    assert str(error) == f"{PATH}:2:2: unclosed '[' — close the list with ']' (opened at line 1, column 4)"


def test_unclosed_brace():
    error = error_of("a: {b: 1\n")
    assert error.message == "unclosed '{'" and "line 1, column 4" in error.hint


def test_tab_indentation():
    error = error_of("a:\n\tb: 1\n")
    assert str(error) == f"{PATH}:2:1: tab character — indent and separate with spaces, never tabs"


def test_bad_indent():
    error = error_of("a:\n  b: 1\n c: 2\n")
    assert where(error) == (3, 2) and error.message == "bad indentation"


def test_bad_indent_of_a_list():
    assert error_of("a:\n  - b\n - c\n").message == "bad indentation"


def test_colon_in_plain_value():
    error = error_of("source: Twitter: analytics\n")
    assert where(error) == (1, 16) and error.message == "unexpected ':'"


def test_missing_colon_points_at_the_key():
    error = error_of("date: 2016-12-23\nsource YouTube\nnote: x\n")
    assert str(error) == f"{PATH}:2:1: missing ':' after a key — write each line as 'key: value'"


@pytest.mark.parametrize(
    "text, location, message",
    [
        ("a: [1]]\n", (1, 7), "unexpected ']'"),
        ("a: 1\n- b\n", (2, 1), "bad indentation"),
        ("a: - b\n", (1, 4), "unexpected '-'"),
        ("a: |x\n", (1, 5), "'|' or '>' must end its line"),
        ("a: *\n", (1, 4), "'*' cannot start a value"),
        ("a: @x\n", (1, 4), "'@' cannot start a value"),
        ("a: 1\n...\nb: 2\n", (3, 1), "unexpected text after the end of the document"),
    ],
)
def test_other_syntax_errors_in_plain_words(text, location, message):
    error = error_of(text)
    assert (where(error), error.message) == (location, message)


def test_unclosed_quote():
    error = error_of("a: 'abc\n")
    assert error.message == "unclosed quote" and "line 1, column 4" in error.hint


def test_unknown_escape():
    assert error_of('a: "C:\\q"\n').message == "bad escape sequence in double quotes"


@pytest.mark.parametrize("data", [b"", b"# only a comment\n", b"\n\n", b"---\n", b"\xef\xbb\xbf"])
def test_empty_file(data):
    assert str(error_of(data)) == f"{PATH}:1:1: nothing here — write at least one 'key: value' line"


def test_several_documents():
    error = error_of("a: 1\n---\nb: 2\n")
    assert where(error) == (2, 1) and error.message == "more than one document in this file"


def test_duplicate_key():
    assert str(error_of("a: 1\nb: 2\na: 3\n")) == (
        f"{PATH}:3:1: duplicate key 'a' (first at line 1) — keep only one of them"
    )


def test_duplicate_nested_key():
    error = error_of("totals:\n  youtube.subscribers: 1\n  youtube.subscribers: 2\n")
    assert str(error) == (f"{PATH}:3:3: duplicate key 'youtube.subscribers' (first at line 2) — keep only one of them")


def test_duplicate_key_in_flow_mapping_and_list_item():
    assert where(error_of("a: {x: 1, x: 2}\n")) == (1, 11)
    assert where(error_of("a:\n  - x: 1\n    x: 2\n")) == (3, 5)


def test_quoted_and_plain_keys_with_same_text_are_duplicates():
    assert where(error_of("a: 1\n'a': 2\n")) == (2, 1)


def test_non_scalar_key():
    error = error_of("? [a, b]\n: 1\n")
    assert where(error) == (1, 3) and "key must be simple text" in error.message
    assert "key must be simple text" in error_of("{[a]: 1}\n").message


def test_alias_bomb_is_refused_at_the_first_anchor():
    bomb = 'a: &a ["lol", "lol", "lol"]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\nd: [*c, *c, *c]\n'
    assert str(error_of(bomb)) == f"{PATH}:1:4: anchor '&a' is not allowed — remove it and write values in full"


def test_alias_is_refused():
    error = error_of("a: *x\n")
    assert where(error) == (1, 4) and error.message == "alias '*x' is not allowed"


def test_python_object_tag():
    error = error_of("a: !!python/object/apply:os.system [echo hi]\n")
    assert where(error) == (1, 4) and error.message == "tag '!!python/object/apply:os.system' is not allowed"


@pytest.mark.parametrize("text", ["a: !!str 1\n", "a: !foo 1\n", "a: ! 1\n", "!!map {a: 1}\n", "a: !!seq [1]\n"])
def test_any_explicit_tag(text):
    assert error_of(text).message.startswith("tag '")


def test_invalid_utf8_is_located():
    error = error_of(b"a: 1\nsource: caf\xe9\n")
    assert str(error) == f"{PATH}:2:12: text is not valid UTF-8 — save the file with the UTF-8 encoding"


def test_invalid_utf8_after_multibyte_characters_counts_characters():
    assert where(error_of("a: é\nb: ü".encode() + b"\xff")) == (2, 5)


def test_invalid_utf8_after_a_bom_counts_from_the_visible_text():
    assert where(error_of(b"\xef\xbb\xbfa: \xff\n")) == (1, 4)


def test_utf16_file_is_refused():
    assert where(error_of("a: 1\n".encode("utf-16"))) == (1, 1)


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufffe"])
def test_control_and_odd_line_break_characters(character):
    error = error_of(f"a: 1\nb: x{character}y\n")
    assert where(error) == (2, 5) and "character U+" in error.message


def test_too_large_file():
    data = b"a: " + b"x" * yaml_nodes.MAX_BYTES + b"\n"
    assert str(error_of(data)) == (
        f"{PATH}:1:1: file is too large ({len(data)} bytes) — keep it under {yaml_nodes.MAX_BYTES} bytes"
    )


def test_too_deep_nesting():
    depth = yaml_nodes.MAX_DEPTH + 1
    error = error_of(("[" * depth + "]" * depth).encode())
    assert where(error) == (1, depth) and "nested more than" in error.message


def test_very_deep_nesting_does_not_crash():
    depth = 100_000
    assert "nested" in error_of(("[" * depth + "]" * depth).encode()).message


def test_unknown_parser_crash_becomes_stats_error(monkeypatch):
    def crash(*args):
        raise ValueError("boom")

    monkeypatch.setattr(yaml_nodes, "compose", crash)
    assert str(error_of("a: 1\n")) == (
        f"{PATH}:1:1: could not read this YAML (ValueError) — check the syntax of the file"
    )


# Helpers


def test_expect_map_and_scalar():
    root = load(b"a: [1]\nb: x\n", PATH)
    assert fields.expect_map(root, PATH, "the file") is root
    with pytest.raises(StatsError, match=r":1:4: the list must be a single value, found a list"):
        fields.expect_scalar(root.get("a").value, PATH, "the list")
    with pytest.raises(StatsError, match=r":2:4: b must be a set of 'key: value' lines, found 'x'"):
        fields.expect_map(root.get("b").value, PATH, "b")


def test_reject_unknown_keys_suggests_close_key():
    root = load(b"lable: x\n", PATH)
    with pytest.raises(StatsError) as caught:
        fields.reject_unknown_keys(root, ("label", "kind"), PATH, "metric 'm'")
    assert str(caught.value) == f"{PATH}:1:1: unknown key 'lable' in metric 'm' — did you mean 'label'?"
    fields.reject_unknown_keys(load(b"label: x\n", PATH), ("label", "kind"), PATH, "metric 'm'")
