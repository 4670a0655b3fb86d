"""The site's plugin and the stats plugin are installed distributions; tools/ runs from the checkout, not installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from site_helpers import ROOT

PLUGIN_DISTRIBUTION = ROOT / "plugins" / "transparency-stats"


def project_packages() -> dict[str, str]:
    """Return each top-level package the two distributions install and the folder it lives in."""
    inits = [*ROOT.glob("plugins/*/__init__.py"), *PLUGIN_DISTRIBUTION.glob("*/__init__.py")]
    return {init.parent.name: str(init.parent) for init in inits}


def import_from_elsewhere(tmp_path: Path, *names: str) -> subprocess.CompletedProcess:
    """Import modules in a fresh, isolated interpreter started in another folder; print where each comes from."""
    script = (
        "import importlib, json, pathlib, sys\n"
        "found = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try:\n"
        "        found[n] = str(pathlib.Path(importlib.import_module(n).__file__).parent)\n"
        "    except ImportError:\n"
        "        found[n] = None\n"
        "print(json.dumps(found))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-I", "-c", script, *names], cwd=tmp_path, env=env, capture_output=True, text=True
    )


def test_every_package_imports_from_its_folder_in_a_fresh_interpreter(tmp_path):
    """campaign_site and transparency_stats import from anywhere, from their own folders."""
    packages = project_packages()
    assert packages.keys() == {"campaign_site", "transparency_stats"}
    run = import_from_elsewhere(tmp_path, *packages)
    assert run.returncode == 0, f"{run.stderr.strip()}\n— run `python3 bootstrap.py test` to (re)install the project"
    assert json.loads(run.stdout) == packages


def test_no_generic_top_level_package_is_installed(tmp_path):
    """`tools` and `french` are not names the project puts in site-packages (French lives in the stats plugin)."""
    run = import_from_elsewhere(tmp_path, "tools", "french", "transparency_stats.french")
    found = json.loads(run.stdout)
    assert found["tools"] is None and found["french"] is None
    assert found["transparency_stats.french"] == str(PLUGIN_DISTRIBUTION / "transparency_stats" / "french")


def test_bootstrap_reinstalls_when_the_discovered_packages_change():
    """bootstrap.py's install stamp covers the packages setuptools finds, so a new plugins/ package gets installed."""
    import importlib.util
    import tomllib

    import setuptools

    spec = importlib.util.spec_from_file_location("bootstrap", ROOT / "bootstrap.py")
    bootstrap = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bootstrap)
    find = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"][
        "find"
    ]
    discovered = {
        package
        for where in find["where"]
        for package in setuptools.find_packages(str(ROOT / where), exclude=find["exclude"])
        if "." not in package
    }
    discovered |= {p for p in setuptools.find_packages(str(PLUGIN_DISTRIBUTION)) if "." not in p and p != "tests"}
    assert discovered == {Path(folder).name for folder in bootstrap.project_packages()}
    assert discovered == project_packages().keys()
