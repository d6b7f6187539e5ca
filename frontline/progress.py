"""Progress lines on stderr for long commands."""

from __future__ import annotations

import sys
import time

import click

__all__ = ["DownloadProgress"]


class DownloadProgress:
    """Bytes received / total on stderr: one rewritten line on a terminal, a line per finished file elsewhere."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.open_line = False
        self.shown_at = 0.0

    def __call__(self, name: str, done: int, total: int | None) -> None:
        finished = done == total
        text = f"{name}: {done:,} / {total:,} bytes" if total is not None else f"{name}: {done:,} bytes"
        if not self.live:
            if finished:
                click.echo(f"frontline: downloaded {text}", err=True)
            return
        now = time.monotonic()
        if finished or now - self.shown_at >= 0.1:
            self.shown_at = now
            click.echo(f"\rfrontline: downloading {text}", err=True, nl=finished)
            self.open_line = not finished

    def message(self, text: str) -> None:
        """Print a line of the index builder, after ending a progress line left open."""
        self.end_line()
        click.echo(text, err=True)

    def end_line(self) -> None:
        """End a progress line cut short (a failed download), so that the error has a line of its own."""
        if self.open_line:
            click.echo("", err=True)
            self.open_line = False
