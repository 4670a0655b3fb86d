"""The settings files as Pelican reads them: publishconf.py on pelicanconf.py."""

from __future__ import annotations

from pelican.settings import read_settings

from site_helpers import ROOT


def test_publish_settings_extend_their_own_development_settings(tmp_path):
    """publishconf.py reads the pelicanconf.py beside it, even after another project's settings were read."""
    other = tmp_path / "pelicanconf.py"
    other.write_text(f'SITENAME = "Another project"\nTHEME = {str(tmp_path)!r}\n', encoding="utf-8")
    read_settings(str(other))  # leaves a module named `pelicanconf` in sys.modules, as any build does
    dev = read_settings(str(ROOT / "pelicanconf.py"))
    read_settings(str(other))
    publish = read_settings(str(ROOT / "publishconf.py"))
    assert (publish["SITENAME"], publish["THEME"], publish["PLUGINS"]) == (dev["SITENAME"], dev["THEME"], dev["PLUGINS"])
    assert publish["SITEURL"].startswith("https://") and dev["SITEURL"] == ""

