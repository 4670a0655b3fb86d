"""The authors' guide explains the messages the build really prints: every message it quotes exists in the code."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "guide-des-auteurs.md"


def quoted_messages() -> list[str]:
    """Return the messages quoted in the first column of the guide's error tables."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text[text.index("## 5. Quand la construction échoue") : text.index("## 6.")]
    messages = []
    for row in section.splitlines():
        if row.startswith("| `"):
            first_cell = row.split(" | ")[0]
            messages += re.findall(r"`([^`]+)`", first_cell)
    return messages


def pieces(message: str) -> list[str]:
    """Return the literal parts of a quoted message: without its example values ('x', '210.000') and ellipses."""
    literal = re.sub(r"'[^']*'", "…", message)
    return [part.strip(" ,.") for part in re.split(r"…|—|\bx\b", literal) if len(part.strip(" ,.")) >= 5]


def source_text() -> str:
    """Return the code that writes messages: the plugins and the tools."""
    files = [*ROOT.joinpath("plugins").rglob("*.py"), *ROOT.joinpath("tools").rglob("*.py")]
    return "\n".join(f.read_text(encoding="utf-8") for f in files if "tests" not in f.parts)


def test_the_guide_quotes_many_messages():
    assert len(quoted_messages()) >= 40


def test_every_message_the_guide_explains_is_one_the_build_prints():
    code = source_text()
    missing = [(message, part) for message in quoted_messages() for part in pieces(message) if part not in code]
    assert missing == []


def test_the_check_sees_a_message_that_does_not_exist():
    assert "is purple and round" not in source_text()
    assert pieces("'x' is purple and round") == ["is purple and round"]
