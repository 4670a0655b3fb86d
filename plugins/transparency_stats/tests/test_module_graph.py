"""The plugin's modules import one another one way only, and only the glue knows Pelican."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
PELICAN_MODULES = {"pelican_glue", "generator", "media_glue"}  # the thin glue: everything else runs without Pelican


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """Return (sibling modules, top-level packages) a module imports."""
    siblings, packages = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                siblings.add(node.module.split(".")[0])
            else:
                siblings.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            packages.update(alias.name.split(".")[0] for alias in node.names)
    return siblings, packages


MODULES = {path.stem: imports_of(path) for path in PACKAGE.glob("*.py")}


def test_no_import_cycle():
    graph = {name: siblings for name, (siblings, _) in MODULES.items()}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_the_cycle_check_sees_a_cycle():
    with pytest.raises(CycleError):
        list(TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())


@pytest.mark.parametrize("name", sorted(set(MODULES) - PELICAN_MODULES - {"__init__"}))
def test_the_core_does_not_import_pelican_or_the_glue(name):
    siblings, packages = MODULES[name]
    assert "pelican" not in packages
    assert not siblings & PELICAN_MODULES


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_its_job_in_one_line(name):
    docstring = ast.get_docstring(ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8")))
    assert docstring, f"{name}.py has no docstring"
    assert len(docstring.splitlines()[0]) <= 120
