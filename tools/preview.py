"""Write the pages a browser has open first, from the build's own context, before the rest of the build writes.

`invoke livereload`'s worker (tools/devserver.py) asks for this: once every generator has read
the site (Pelican's `all_generators_finalized`, with no problem found so far), the posts, drafts
and pages open in a browser are rendered exactly as Pelican's generators render them, with the
same template, context and arguments, and written into the output being served; the browser
reloads them while the rest of the site is written into the new build folder. They are the very
bytes the finished build writes (tested), so the page shown after the save is the page of the
finished build: on a 1 000-post site the rest (about 1 500 pages, the search index, the
compressed copies) takes several seconds more, and nobody waits for it.

Nothing else is written early: list pages, the data pages and everything the plugins write come
with the finished build, which replaces the whole folder as before. If the build then fails or is
superseded by a newer save, the early pages are put back as they were: the folder served stays
the last good site.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from urllib.parse import unquote, urlsplit


def output_name(url: str) -> str:
    """Return the output path a browser's URL is served from: `2017/01/billet/` → `2017/01/billet/index.html`."""
    path = unquote(urlsplit(url).path).lstrip("/")
    return f"{path}index.html" if not path or path.endswith("/") else path


def renders(generators):
    """Yield (output name, render) for every post, draft and page, as Pelican's generators write them.

    Mirrors `ArticlesGenerator.generate_articles` / `generate_drafts` and
    `PagesGenerator.generate_output` (Pelican 4.12): the same template, context and arguments.
    """
    from pelican.generators import ArticlesGenerator, PagesGenerator

    for generator in generators:
        relative_urls = generator.settings["RELATIVE_URLS"]
        if isinstance(generator, ArticlesGenerator):
            kinds = (
                (
                    chain(
                        generator.translations,
                        generator.articles,
                        generator.hidden_translations,
                        generator.hidden_articles,
                    ),
                    {},
                ),
                (chain(generator.drafts_translations, generator.drafts), {"all_articles": generator.articles}),
            )
            for contents, extra in kinds:
                for article in contents:
                    yield (
                        article.save_as,
                        Render(
                            generator,
                            article,
                            relative_urls,
                            article=article,
                            category=getattr(article, "category", None),
                            url=article.url,
                            blog=True,
                            **extra,
                        ),
                    )
        elif isinstance(generator, PagesGenerator):
            for page in chain(
                generator.translations,
                generator.pages,
                generator.hidden_translations,
                generator.hidden_pages,
                generator.draft_translations,
                generator.draft_pages,
            ):
                yield page.save_as, Render(generator, page, relative_urls, page=page, url=page.url)


class Render:
    """One page as Pelican's writer renders it (`Writer.write_file` without pagination), without writing it."""

    def __init__(self, generator, content, relative_urls: bool, **kwargs):
        self.generator, self.content, self.relative_urls, self.kwargs = generator, content, relative_urls, kwargs

    def __call__(self) -> str:
        from pelican.utils import get_relative_path, path_to_url

        name = self.content.save_as
        localcontext = self.generator.context.copy()
        localcontext["localsiteurl"] = localcontext.get("localsiteurl", None)
        if self.relative_urls:
            relative_url = path_to_url(get_relative_path(name))
            localcontext["SITEURL"] = relative_url
            localcontext["localsiteurl"] = relative_url
        localcontext["output_file"] = name
        localcontext.update(self.kwargs)
        if localcontext["localsiteurl"]:
            self.generator.context["localsiteurl"] = localcontext["localsiteurl"]  # as the writer does
        return self.generator.get_template(self.content.template).render(localcontext)


@dataclass
class Preview:
    """The pages written early into the served folder, and what was there before, to put back."""

    served: Path
    wanted: set[str]  # output names (`output_name`) of the pages open in a browser
    written: dict[str, bytes | None] = field(default_factory=dict)  # name → the bytes it replaced (None: new)

    def write(self, generators) -> list[str]:
        """Render and write the wanted posts, drafts and pages; return their output names."""
        if not self.wanted or not self.served.is_dir():
            return []
        for name, render in renders(generators):
            if name in self.wanted and name not in self.written:
                self.replace(name, render().encode("utf-8"))
        return sorted(self.written)

    def replace(self, name: str, data: bytes) -> None:
        """Write one file into the served folder in one step (a reader never gets half a page)."""
        target = self.served / name
        before = target.read_bytes() if target.is_file() else None
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(target, data)
        self.written[name] = before

    def restore(self) -> None:
        """Put back what the early pages replaced (the build failed or was superseded)."""
        for name, before in self.written.items():
            target = self.served / name
            if before is None:
                target.unlink(missing_ok=True)
            elif target.parent.is_dir():
                write_atomically(target, before)
        self.written.clear()


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `target`, then rename it over `target`."""
    handle, temporary = tempfile.mkstemp(prefix=".preview-", dir=target.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)
