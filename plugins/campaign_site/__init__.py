"""Site-wide helpers for the campaign theme: French dates, reading time, hashed assets."""

from .plugin import register  # noqa: F401
