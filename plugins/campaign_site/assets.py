"""Give theme assets content-hashed file names, so they can be cached for a year."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path, PurePosixPath

HASH_LENGTH = 10


class AssetManifest:
    """Map a theme static path to its hashed name; remember which ones pages used."""

    def __init__(self, static_dir: Path, url_prefix: str):
        self.static_dir = static_dir
        self.url_prefix = url_prefix
        self.hashed: dict[str, str] = {}

    def hashed_name(self, path: str) -> str:
        """Return `css/site.1a2b3c4d5e.css` for `css/site.css`."""
        if path not in self.hashed:
            source = self.static_dir / path
            if not source.is_file():
                raise FileNotFoundError(f"{source}: asset used by a template does not exist")
            digest = hashlib.sha256(source.read_bytes()).hexdigest()[:HASH_LENGTH]
            pure = PurePosixPath(path)
            self.hashed[path] = str(pure.with_name(f"{pure.stem}.{digest}{pure.suffix}"))
        return self.hashed[path]

    def url(self, path: str) -> str:
        """Return the public URL of the hashed asset."""
        return f"{self.url_prefix}/{self.hashed_name(path)}"

    def write(self, output_dir: Path) -> None:
        """Copy every asset used so far to its hashed name in the output."""
        for path, hashed in sorted(self.hashed.items()):
            target = output_dir / hashed
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.static_dir / path, target)
