"""The state of one reading run: where warnings go, the counters, the manifests read so far."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from geo.model import Article

from . import manifest
from .base import NO_META, LoadStats, Meta, Skip, Warn
from .dateline import with_dateline

__all__ = ["Run", "chunk_articles"]


class Run:
    """State of one `iter_articles` call: the warning sink, the counters, the manifests read so far."""

    __slots__ = ("warn", "stats", "default_date", "manifests")

    def __init__(self, warn: Warn, stats: LoadStats, default_date: dt.date | None) -> None:
        self.warn = warn
        self.stats = stats
        self.default_date = default_date
        self.manifests: dict[Path, dict[str, Meta]] = {}

    def warning(self, message: str) -> None:
        """Count and emit one warning."""
        self.stats.warnings += 1
        self.warn(message)

    def skip(self, where: str, reason: str) -> None:
        """Record `where` as skipped and warn about it."""
        self.stats.skipped.append((where, reason))
        self.warning(f"{where}: skipped: {reason}")

    def manifest_meta(self, path: Path) -> Meta:
        """Return what the manifest of `path`'s directory says about it (each manifest read once)."""
        directory = path.parent
        rows = self.manifests.get(directory)
        if rows is None:
            rows = self.manifests[directory] = manifest.read_manifest(directory / manifest.MANIFEST_NAME, self)
        return rows.get(path.name, NO_META)

    def article(self, path: Path, ident: str, text: str, metas: Iterable[Meta]) -> Article:
        """Build the article, taking each field from the first source that gives it, then `default_date`."""
        published: dt.date | None = None
        dated = False
        outlet = url = title = ""
        for meta in metas:
            if not dated and meta.dated:
                published, dated = meta.published, True
            outlet = outlet or meta.outlet
            url = url or meta.url
            title = title or meta.title
        if not dated:
            published = self.default_date
        return Article(id=ident, text=text, title=title, published=published, outlet=outlet, url=url,
                       path=str(path))  # fmt: skip


def chunk_articles(path: Path, run: Run, chunks: Iterable[str], metas: tuple[Meta, ...],
                   empty_reason: str) -> Iterator[Article]:
    """Yield an article per non-blank chunk of one file; raise Skip(empty_reason) when there is none."""
    yielded = False
    for chunk in chunks:
        if chunk.strip():
            if not yielded:
                # The dateline opens the first chunk; its date applies to every chunk of the file.
                metas = with_dateline(metas, chunk)
                yielded = True
            yield run.article(path, path.name, chunk, metas)
    if not yielded:
        raise Skip(empty_reason)
