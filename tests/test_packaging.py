"""The project is an installed package: the plugins and tools/ import from anywhere, without sys.path edits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from site_helpers import ROOT


def project_packages() -> dict[str, str]:
    """Return each top-level package of the project and the folder it lives in."""
    inits = [*ROOT.glob("plugins/*/__init__.py"), *ROOT.glob("*/__init__.py")]
    return {init.parent.name: str(init.parent) for init in inits}


def test_every_package_imports_from_its_folder_in_a_fresh_interpreter(tmp_path):
    """Every package under plugins/, and tools/, imports from another folder with a clean environment."""
    packages = project_packages()
    assert {"campaign_site", "transparency_stats", "tools"} <= packages.keys()
    script = (
        "import importlib, json, pathlib, sys\n"
        "names = sys.argv[1:]\n"
        "print(json.dumps({n: str(pathlib.Path(importlib.import_module(n).__file__).parent) for n in names}))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    run = subprocess.run(
        [sys.executable, "-I", "-c", script, *packages], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, f"{run.stderr.strip()}\n— run `python3 bootstrap.py test` to (re)install the project"
    assert json.loads(run.stdout) == packages


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
    assert discovered == {Path(folder).name for folder in bootstrap.project_packages()}
    assert discovered == project_packages().keys()
