"""What a chart's HTML links to beyond itself: its embed page and, when the build draws them, its images."""

from __future__ import annotations

from dataclasses import dataclass

# Sizes of a chart's page images, as the theme lays charts out: 40 rem wide by 20 rem high on
# wide screens, 17 rem high below 30 rem (site.css); the narrow image is for phones.
WIDE = (640, 320)
NARROW = (360, 272)
NARROW_MEDIA = "(max-width: 30rem)"


@dataclass(frozen=True)
class Picture:
    """A chart's page images: a wide SVG, and a narrow one for phones."""

    wide_url: str
    narrow_url: str
    wide: tuple[int, int] = WIDE
    narrow: tuple[int, int] = NARROW
    narrow_media: str = NARROW_MEDIA


@dataclass(frozen=True)
class ChartMedia:
    """A chart's embed page, and its images (None when the build draws none: no Chromium)."""

    embed_url: str
    picture: Picture | None = None
