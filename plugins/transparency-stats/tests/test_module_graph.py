"""The plugin's sub-packages follow the data one way, only the glue knows Pelican, and every module says its job.

The tree is the map: stats → charts → media → pages → authoring → glue, with the shared
base (french, errors, settings, timings) below them all. A module may import its own
sub-package, an earlier stage or the base; never a later stage. Every module is found with
`rglob` and named by its dotted path, so a module added anywhere in the tree is checked.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "transparency_stats"
NAME = PACKAGE.name
# The stages, in data-flow order; a module of one may import only those before it (and the base).
STAGES = ("stats", "charts", "media", "pages", "authoring", "glue")
# Below every stage: French, errors, the settings and URL layout, timings. They import no stage.
BASE = ("french", "errors", "settings", "timings")
PELICAN_STAGE = "glue"  # the only code that imports Pelican


def dotted(path: Path) -> str:
    """Return a module's dotted name: transparency_stats.charts.plot (a package is its __init__)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def resolve(module: str, node: ast.ImportFrom, is_package: bool) -> list[str]:
    """Return the dotted names an `import from` reaches (relative ones resolved), module and names both."""
    if node.level:
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    return [target] + [f"{target}.{alias.name}" for alias in node.names]


def imports_of(path: Path) -> tuple[set[str], set[str]]:
    """Return (modules of the plugin, top-level outside packages) a module imports, anywhere in it."""
    module = dotted(path)
    inside, outside = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            for name in resolve(module, node, path.name == "__init__.py"):
                (inside if name.split(".")[0] == NAME else outside).add(
                    name if name.startswith(NAME) else name.split(".")[0]
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                (inside if alias.name.split(".")[0] == NAME else outside).add(alias.name.split(".")[0])
    return {name for name in inside if name in MODULE_NAMES}, outside


PATHS = {dotted(path): path for path in sorted(PACKAGE.rglob("*.py"))}
MODULE_NAMES = set(PATHS)
MODULES = {name: imports_of(path) for name, path in PATHS.items()}


def stage_of(module: str) -> str:
    """Return the stage or base part a module belongs to ("" for the package's own __init__)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def rank(part: str) -> int:
    """Return a part's place in the data flow: the base first (-1), then the stages in order."""
    return -1 if part in BASE else STAGES.index(part)


def test_the_walk_finds_the_modules_of_every_stage():
    assert len(MODULES) > 40
    assert {stage_of(name) for name in MODULES} == {"", *STAGES, *BASE}
    for stage in STAGES:
        assert any(name.startswith(f"{NAME}.{stage}.") for name in MODULES), stage


def test_the_top_level_holds_sub_packages_and_a_handful_of_modules():
    top = [path.name for path in PACKAGE.glob("*.py")]
    assert len(top) <= 5, top
    folders = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert set(STAGES) | {"french"} <= folders


def test_no_import_cycle():
    graph = {name: {i for i in inside if i != name} for name, (inside, _) in MODULES.items()}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_the_cycle_check_sees_a_cycle():
    with pytest.raises(CycleError):
        list(TopologicalSorter({"a": {"b"}, "b": {"a"}}).static_order())


@pytest.mark.parametrize("name", sorted(name for name in MODULES if stage_of(name)))
def test_a_module_imports_only_its_own_stage_an_earlier_one_or_the_base(name):
    mine = stage_of(name)
    later = [other for other in MODULES[name][0] if stage_of(other) and rank(stage_of(other)) > rank(mine)]
    assert not later, f"{name} imports a later stage: {later}"


def test_the_stage_check_sees_a_later_import():
    assert rank("glue") > rank("charts") > rank("stats") > rank("settings")


@pytest.mark.parametrize("name", sorted(name for name in MODULES if stage_of(name) != PELICAN_STAGE))
def test_only_the_glue_imports_pelican(name):
    inside, outside = MODULES[name]
    if name == NAME:  # register(): imports the glue lazily, so the core loads without Pelican
        return
    assert "pelican" not in outside
    assert not [other for other in inside if stage_of(other) == PELICAN_STAGE]


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_says_its_job_in_one_line(name):
    docstring = ast.get_docstring(ast.parse(PATHS[name].read_text(encoding="utf-8")))
    assert docstring, f"{PATHS[name]} has no docstring"
    assert len(docstring.splitlines()[0]) <= 120
