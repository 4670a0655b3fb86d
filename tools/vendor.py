"""Copy the pinned plotly.js bundle and its French locale from node_modules into the theme."""

from __future__ import annotations

import hashlib
import json
import re
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


STYLE_TABLE_START = '{"X,X div":'
STYLE_ENTRY = re.compile(
    r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_$][\w$]*)\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
)


def js_string(literal: str) -> str:
    """Return the value of a simple JavaScript string literal (or bare property name)."""
    if literal[0] not in "\"'":
        return literal
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def plotly_css(bundle: str) -> str:
    """Extract the CSS rules plotly.js would inject as an inline <style>, as a stylesheet.

    With this file linked as `<link id="plotly.js-style-global" class="no-inline-styles">`
    plotly.js injects nothing, so the site works under `style-src 'self'`.
    """
    start = bundle.find(STYLE_TABLE_START)
    end = bundle.find("}", bundle.find('"Y .notifier-close:hover"', start))
    if start < 0 or end < 0:
        raise SystemExit("plotly bundle: built-in style table not found — update tools/vendor.py")
    rules = []
    for key, value in STYLE_ENTRY.findall(bundle[start : end + 1]):
        selector = js_string(key).replace("X", ".js-plotly-plot .plotly").replace("Y", ".plotly-notifier")
        rules.append(f"{selector}{{{js_string(value)}}}")
    # plotly inserts each rule at the top of its sheet: the last one written comes first.
    return "/* plotly.js built-in rules, extracted by tools/vendor.py */\n" + "\n".join(reversed(rules)) + "\n"


def vendor() -> dict[str, str]:
    """Write the vendored files and a manifest of their versions and SHA-256."""
    VENDOR.mkdir(parents=True, exist_ok=True)
    files = {
        "plotly-basic.min.js": BUNDLE.read_bytes(),
        "plotly-locale-fr.js": browser_locale(LOCALE.read_text(encoding="utf-8")).encode(),
        "plotly.css": plotly_css(BUNDLE.read_text(encoding="utf-8")).encode(),
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
