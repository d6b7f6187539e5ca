"""Errors of the gazetteer.

    GazetteerError                      root
    ├── GazetteerBuildError(OSError)    the index cannot be built or opened
    ├── GazetteerImportError(ValueError) a file to import is malformed (names file and line)
    └── OnlineLookupError(OSError)      the online fallback failed (network, HTTP, bad JSON)
"""

from __future__ import annotations

__all__ = ["GazetteerError", "GazetteerBuildError", "GazetteerImportError", "OnlineLookupError"]


class GazetteerError(Exception):
    """Root of the gazetteer's errors."""


class GazetteerBuildError(GazetteerError, OSError):
    """The SQLite index cannot be built, opened or read."""


class GazetteerImportError(GazetteerError, ValueError):
    """A GeoNames dump or user CSV is malformed; the message names the file and line."""


class OnlineLookupError(GazetteerError, OSError):
    """The online geocoder could not answer."""
