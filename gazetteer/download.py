"""Download GeoNames country dumps ({CC}.zip) and import them into the index, all or nothing.

The steps, each a function: `country_code` and `dump_url` (pure), `fetch` (the only network call, at the
edge), `check_dump` (is it a zip holding {CC}.txt whose lines are GeoNames rows, with places of that
country), then `download_countries`, which downloads every dump into a temporary directory first and
only then moves them into `<cache>/geonames/`, registers them as imports and rebuilds the index. A
failure at any step (HTTP error, broken connection, damaged zip, interrupted build) puts back the
previous dumps and import list, so the previous index keeps answering and no partial file stays behind.

Errors: `DownloadError` (network, HTTP, short download) and `GazetteerImportError` (what arrived is not
a usable dump), both `GazetteerError`s.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
import urllib.parse
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .errors import GazetteerError, GazetteerImportError
from .importers import read_geonames_dump
from .index import IMPORTS_FILE, NameIndex, default_cache_dir, register_imports

if TYPE_CHECKING:
    import http.client

__all__ = [
    "DEFAULT_BASE_URL",
    "BASE_URL_ENV",
    "DOWNLOAD_DIR",
    "DownloadError",
    "Dump",
    "country_code",
    "dump_url",
    "fetch",
    "check_dump",
    "download_countries",
]

DEFAULT_BASE_URL = "https://download.geonames.org/export/dump/"
BASE_URL_ENV = "FRONTLINE_GEONAMES_URL"  # a mirror, or a local server in tests
DOWNLOAD_DIR = "geonames"  # under the cache directory: the downloaded dumps the index is built from
USER_AGENT = "frontline-gazetteer (+https://www.geonames.org/export/)"
CHUNK_BYTES = 64 * 1024
TIMEOUT_S = 60.0
_STALE_AFTER_S = 24 * 3600  # a temporary directory this old was left by a killed download
_CODE = re.compile(r"[A-Z]{2}")

# (bytes received so far, total bytes or None when the server does not say)
ByteProgress = Callable[[int, int | None], None]


class DownloadError(GazetteerError, OSError):
    """A dump could not be downloaded: network unreachable, HTTP error, or the transfer stopped early."""


@dataclass(frozen=True, slots=True)
class Dump:
    """A downloaded, checked GeoNames country dump."""

    code: str
    url: str
    path: Path  # where it lives once imported: <cache>/geonames/{code}.zip
    size_bytes: int
    places: int  # populated places (feature class P) the importer reads from it


def _ignore_bytes(_done: int, _total: int | None) -> None:
    pass


def _ignore_message(_message: str) -> None:
    pass


def country_code(text: str) -> str:
    """Return `text` as an upper-case two-letter country code, or raise ValueError saying what is expected."""
    code = text.strip().upper()
    if not _CODE.fullmatch(code):
        raise ValueError(f"{text!r} is not a two-letter country code (for example UA or RU)")
    return code


def dump_url(base_url: str, code: str) -> str:
    """Return the URL of a country's dump under `base_url` (an http or https directory URL)."""
    parts = urllib.parse.urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{base_url!r} is not an http(s) URL (for example {DEFAULT_BASE_URL})")
    return f"{base_url.strip().rstrip('/')}/{country_code(code)}.zip"


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.strip().isdigit() else None


def fetch(url: str, dest: Path, *, on_bytes: ByteProgress = _ignore_bytes, timeout: float = TIMEOUT_S) -> int:
    """Download `url` into the new file `dest` and return its size; raise DownloadError on any failure.

    A transfer shorter than the Content-Length the server announced is a failure, not a short file.
    `on_bytes` hears (0, total) first and (size, size) last, also when the server announced no total.
    """
    # Imported here: they cost a `frontline` start 20 ms, and only this command goes online.
    import http.client
    import urllib.error
    import urllib.request

    host = urllib.parse.urlsplit(url).netloc
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    done, total = 0, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, open(dest, "xb") as out:
            total = _content_length(response)
            on_bytes(done, total)
            while chunk := response.read(CHUNK_BYTES):
                _write(out, chunk, dest)
                done += len(chunk)
                on_bytes(done, total)
    except urllib.error.HTTPError as err:
        err.close()
        if err.code == 404:
            raise DownloadError(f"{url} not found (HTTP 404); check the country code, or --base-url") from None
        raise DownloadError(f"{url}: HTTP {err.code} {err.reason}; try again later") from None
    except urllib.error.URLError as err:
        reason = err.reason.strerror if isinstance(err.reason, OSError) and err.reason.strerror else err.reason
        raise DownloadError(
            f"cannot reach {host} ({reason}); check the network connection, or use --base-url for a mirror"
        ) from None
    except TimeoutError:
        raise DownloadError(f"{url}: no answer for {timeout:g} s after {done:,} bytes; try again later") from None
    except (http.client.HTTPException, ConnectionError) as err:
        raise DownloadError(
            f"{url}: the connection broke after {done:,} bytes ({type(err).__name__}); try again"
        ) from None
    if total is not None and done != total:
        raise DownloadError(f"{url}: the download stopped at {done:,} of {total:,} bytes; try again")
    if total is None:
        on_bytes(done, done)
    return done


def _write(out: BinaryIO, chunk: bytes, dest: Path) -> None:
    # A full disk is the user's to fix, not the network's: say so, naming the directory.
    try:
        out.write(chunk)
    except OSError as err:
        raise DownloadError(f"cannot write {dest.parent}: {err.strerror or err}") from None


def check_dump(path: Path, code: str, label: str | None = None) -> int:
    """Check that `path` is a GeoNames country dump of `code` and return its number of populated places.

    It must be a zip holding {code}.txt whose every line has GeoNames' 19 columns (read by the importer
    itself, so what passes here imports), with at least one populated place in that country. Errors name
    `label` (the URL) instead of the temporary path.
    """
    where = label or str(path)
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as start:
            head = start.read(64).lstrip()
        what = "an HTML page" if head.startswith(b"<") else "not a zip archive (or a truncated one)"
        raise GazetteerImportError(f"{where}: what arrived is {what}, not a GeoNames dump; check --base-url")
    try:
        with zipfile.ZipFile(path) as archive:
            members = [Path(name).name for name in archive.namelist()]
    except (zipfile.BadZipFile, OSError) as err:
        raise GazetteerImportError(f"{where}: damaged zip archive ({err}); download it again") from None
    if f"{code}.txt" not in members:
        raise GazetteerImportError(
            f"{where}: expected {code}.txt inside the zip, found {', '.join(members) or 'nothing'}"
        )
    places = in_country = 0
    try:
        for entry in read_geonames_dump(path):
            places += 1
            in_country += entry.place.country == code
    except GazetteerImportError as err:
        raise GazetteerImportError(str(err).replace(str(path), where)) from None
    if not places:
        raise GazetteerImportError(f"{where}: {code}.txt holds no populated place (feature class P)")
    if not in_country:
        raise GazetteerImportError(f"{where}: {code}.txt holds {places:,} places but none in {code}")
    return places


def _remove_stale_downloads(folder: Path) -> None:
    # A live download's directory is young; one a day old was left by a killed process.
    for stale in folder.glob(".download-*"):
        with contextlib.suppress(OSError):
            if time.time() - stale.stat().st_mtime > _STALE_AFTER_S:
                shutil.rmtree(stale)


def _install(moves: Sequence[tuple[Path, Path]], directory: Path, scratch: Path, *, progress: Callable[[str], None],
             include_embedded: bool) -> NameIndex:
    """Move checked dumps into place, register them and rebuild; on any failure put everything back."""
    listing = directory / IMPORTS_FILE
    old_listing = (listing.read_bytes(), listing.stat().st_mtime_ns) if listing.exists() else None
    replaced: list[tuple[Path | None, Path]] = []  # (the previous file, kept in scratch, or None; the final path)
    try:
        for new, final in moves:
            backup = None
            if final.exists():
                backup = scratch / f"previous-{final.name}"
                os.replace(final, backup)  # a rename keeps size and mtime: the old index stays current
            replaced.append((backup, final))
            os.replace(new, final)
        register_imports([final for _new, final in moves], directory)
        return NameIndex.open(directory, progress=progress, include_embedded=include_embedded)
    except BaseException:
        _put_back(replaced, listing, old_listing)
        raise


def _put_back(replaced: Sequence[tuple[Path | None, Path]], listing: Path,
              old_listing: tuple[bytes, int] | None) -> None:
    for backup, final in reversed(replaced):
        with contextlib.suppress(OSError):
            if backup is None:
                final.unlink(missing_ok=True)
            else:
                os.replace(backup, final)
    with contextlib.suppress(OSError):
        if old_listing is None:
            listing.unlink(missing_ok=True)
        else:
            tmp = listing.with_name(listing.name + ".tmp")
            tmp.write_bytes(old_listing[0])
            os.utime(tmp, ns=(old_listing[1], old_listing[1]))
            os.replace(tmp, listing)


def download_countries(
    codes: Sequence[str],
    cache_dir: Path | None = None,
    *,
    base_url: str = DEFAULT_BASE_URL,
    on_bytes: Callable[[str, int, int | None], None] | None = None,
    progress: Callable[[str], None] = _ignore_message,
    timeout: float = TIMEOUT_S,
    include_embedded: bool = True,
) -> tuple[list[Dump], NameIndex]:
    """Download and check the dump of each country, then import them all and return them with the new index.

    `on_bytes(file name, bytes so far, total or None)` reports the transfer; `progress` gets the index
    builder's messages. Nothing is imported unless every dump downloads and checks. `include_embedded=False`
    builds from the imports alone (small test gazetteers).
    """
    wanted = list(dict.fromkeys(country_code(c) for c in codes))
    if not wanted:
        raise ValueError("no country code given (for example UA RU)")
    urls = {code: dump_url(base_url, code) for code in wanted}
    directory = cache_dir or default_cache_dir()
    folder = directory / DOWNLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    _remove_stale_downloads(folder)
    with tempfile.TemporaryDirectory(prefix=".download-", dir=folder) as tmp:
        scratch = Path(tmp)
        dumps: list[Dump] = []
        for code in wanted:
            name = f"{code}.zip"
            part = scratch / "new" / name  # named {code}.zip so that the importer finds {code}.txt inside
            part.parent.mkdir(exist_ok=True)
            report = _ignore_bytes if on_bytes is None else _named(on_bytes, name)
            size = fetch(urls[code], part, on_bytes=report, timeout=timeout)
            places = check_dump(part, code, label=urls[code])
            dumps.append(Dump(code, urls[code], folder / name, size, places))
        moves = [(scratch / "new" / d.path.name, d.path) for d in dumps]
        index = _install(moves, directory, scratch, progress=progress, include_embedded=include_embedded)
    return dumps, index


def _named(on_bytes: Callable[[str, int, int | None], None], name: str) -> ByteProgress:
    def report(done: int, total: int | None) -> None:
        on_bytes(name, done, total)

    return report
