"""Errors Frontline raises for problems a user can fix.

    FrontlineError                      root; the CLI prints its message on one line
    ├── UsageError(ValueError)          bad option value -> exit 2
    ├── InputError(OSError)             missing path, no articles, unreadable input -> exit 2
    └── OutputError(OSError)            output directory unusable -> exit 2

Gazetteer problems have their own root in `gazetteer.errors` (the CLI maps them to exit 2 too).
A name that does not resolve is data, reported in unresolved.csv, never an exception.
"""

from __future__ import annotations

__all__ = ["FrontlineError", "UsageError", "InputError", "OutputError"]


class FrontlineError(Exception):
    """Root of Frontline's own errors; the message says what to do next."""


class UsageError(FrontlineError, ValueError):
    """An option or argument has a value Frontline cannot use."""


class InputError(FrontlineError, OSError):
    """An input path is missing, empty of articles, or unreadable."""


class OutputError(FrontlineError, OSError):
    """An output path cannot be written."""
