"""Write output files atomically: a temporary file in the same directory, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_path", "atomic_writer", "write_text_atomic", "write_bytes_atomic"]


@contextlib.contextmanager
def _replacing(target: Path, tmp_name: str) -> Iterator[None]:
    """Rename `tmp_name` onto `target` when the block succeeds; remove it when anything interrupts it."""
    try:
        yield
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _temporary_name(target: Path) -> tuple[int, str]:
    return tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside `path` (not yet created) that replaces `path` when the block succeeds."""
    target = Path(path)
    fd, tmp_name = _temporary_name(target)
    with _replacing(target, tmp_name):
        os.close(fd)
        os.unlink(tmp_name)  # writers such as GDAL want to create the file themselves
        yield Path(tmp_name)


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w") -> Iterator[IO]:
    """Yield a file that replaces `path` only when the block finishes without error."""
    target = Path(path)
    fd, tmp_name = _temporary_name(target)
    with _replacing(target, tmp_name):
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else "utf-8", newline=None if binary else "") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write `text` as UTF-8 to `path` atomically."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)
