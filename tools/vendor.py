"""Copy the pinned plotly.js bundle and its French locale from node_modules into the theme."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "theme" / "static" / "vendor"
BUNDLE = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"
LOCALE = ROOT / "node_modules" / "plotly.js-locales" / "fr.js"


def browser_locale(commonjs: str) -> str:
    """Turn the CommonJS `fr.js` locale module into a script that registers it with Plotly."""
    body = commonjs.replace("'use strict';", "", 1).strip()
    prefix = "module.exports = "
    if not body.startswith(prefix) or not body.endswith("};"):
        raise SystemExit(f"{LOCALE}: unexpected layout — update tools/vendor.py")
    return "window.Plotly.register(" + body[len(prefix) : -1] + ");\n"


def vendor() -> dict[str, str]:
    """Write the vendored files and a manifest of their versions and SHA-256."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    files = {
        "plotly-basic.min.js": BUNDLE.read_bytes(),
        "plotly-locale-fr.js": browser_locale(LOCALE.read_text(encoding="utf-8")).encode(),
    }
    manifest = {}
    for name, data in files.items():
        (VENDOR / name).write_bytes(data)
        manifest[name] = hashlib.sha256(data).hexdigest()
    versions = {
        pkg: json.loads((ROOT / "node_modules" / pkg / "package.json").read_text())["version"]
        for pkg in ("plotly.js-basic-dist-min", "plotly.js-locales")
    }
    (VENDOR / "VERSIONS.json").write_text(
        json.dumps({"packages": versions, "sha256": manifest}, indent=2, sort_keys=True) + "\n"
    )
    return manifest


if __name__ == "__main__":
    for name, digest in vendor().items():
        print(f"{digest}  {name}")
