"""What every reader shares: the skip signal, one source's metadata, the counters, capped per-file warnings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Warn", "Skip", "Meta", "NO_META", "LoadStats", "Warner", "FileWarnings", "MAX_FILE_WARNINGS"]

Warn = Callable[[str], None]
# Beyond this many line-level warnings in one file, the rest are counted and summarised in one line.
MAX_FILE_WARNINGS = 20


class Skip(Exception):
    """A file (or a record) cannot be used; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Meta:
    """What one source of metadata says; `dated` is True when it spoke about the date, even badly."""

    published: dt.date | None = None
    dated: bool = False
    outlet: str = ""
    url: str = ""
    title: str = ""


NO_META = Meta()


@dataclass(slots=True)
class LoadStats:
    """Counters a caller passes to `iter_articles` to learn what was read and what was skipped."""

    files: int = 0  # article files opened
    read: int = 0  # files that gave at least one article
    articles: int = 0  # articles yielded (a JSON record or a chunk of a large file counts one)
    warnings: int = 0  # warnings emitted, skips included
    skipped_records: int = 0  # JSON records skipped, including those past the per-file warning limit
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file or file:line, reason)


class Warner(Protocol):
    """The part of a run that file-level code reports to."""

    stats: LoadStats

    def warning(self, message: str) -> None:
        """Count and emit one warning."""

    def skip(self, where: str, reason: str) -> None:
        """Record `where` as skipped and warn about it."""


class FileWarnings:
    """Line-level warnings for one file, capped so a broken million-line file gives a readable report."""

    __slots__ = ("run", "where", "count")

    def __init__(self, run: Warner, where: str) -> None:
        self.run = run
        self.where = where
        self.count = 0

    def warn(self, line: int, message: str) -> None:
        """Warn about line `line` of the file, unless the file has given too many warnings already."""
        self.count += 1
        if self.count <= MAX_FILE_WARNINGS:
            self.run.warning(f"{self.where}:{line}: {message}")

    def skip_record(self, line: int, reason: str) -> None:
        """Skip the record of line `line`, counted even when its warning is past the cap."""
        self.run.stats.skipped_records += 1
        self.count += 1
        if self.count <= MAX_FILE_WARNINGS:
            self.run.skip(f"{self.where}:{line}", reason)

    def finish(self) -> None:
        """Say how many warnings of this file were not shown."""
        hidden = self.count - MAX_FILE_WARNINGS
        if hidden > 0:
            self.run.stats.skipped.append((self.where, f"{hidden} more problems not shown"))
            self.run.warning(f"{self.where}: {hidden} more problems not shown")
