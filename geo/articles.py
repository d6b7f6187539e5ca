"""Read articles from files and directories, streaming, and give each its publication date.

Formats: `.txt` and `.md` (optional front matter), `.html`/`.htm` (reduced to text), `.json` (one record,
or a list of records) and `.jsonl` (one record a line). Articles come out one at a time, in a deterministic
order, so a corpus of any size is processed with bounded memory:

- a text or HTML file larger than `CHUNK_CHARS` is read in blocks and yielded as several `Article`s cut at
  paragraph boundaries, all with the file's id and metadata (character offsets are then relative to the
  chunk); a dateline is looked for at the start of the first chunk only, and dates every chunk;
- a `.jsonl` file is read line by line; a `.json` list is decoded element by element.

Publication dates come, in this order, from: the `manifest.csv` of the file's directory, front matter (or
an HTML page's `article:published_time`), the JSON record's fields, a dateline carrying a full date at the
start of the text, `default_date`. A source that gives a date it cannot parse wins anyway and leaves the
article undated, with a warning: a bad date is never replaced by a guess.

Problems with one file or record (binary, undecodable, empty, malformed) are reported through `warn` and
recorded in `LoadStats.skipped`; the other inputs are still read. Only sources that cannot be used at all
(a missing path, an unreadable directory, a directory without article files) raise `InputError`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path

from geo.errors import InputError
from geo.htmltext import HtmlTextParser, html_to_text, sniff_charset
from geo.model import Article

__all__ = [
    "EXTENSIONS",
    "MANIFEST_NAME",
    "CHUNK_CHARS",
    "LoadStats",
    "find_article_files",
    "iter_articles",
    "parse_published",
    "dateline_date",
    "split_front_matter",
    "split_chunks",
]

EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ("file", "published", "outlet", "url", "title")
CHUNK_CHARS = 1_000_000
BLOCK_BYTES = 1 << 20
# Beyond this many line-level warnings in one file, the rest are counted and summarised in one line.
MAX_FILE_WARNINGS = 20
# A single JSON value larger than this is treated as malformed, so a broken file cannot fill memory.
MAX_JSON_VALUE_CHARS = 64_000_000

_HTML_EXTENSIONS = (".html", ".htm")
_TEXT_KEYS = ("text", "body", "content")
_TITLE_KEYS = ("title", "headline")
_DATE_KEYS = ("published", "date", "published_at", "datePublished")
_OUTLET_KEYS = ("outlet", "source")
_URL_KEYS = ("url", "link")
_FRONT_MATTER_KEYS = {"date": "published", "published": "published", "outlet": "outlet", "source": "outlet",
                      "title": "title", "url": "url"}  # fmt: skip
_FRONT_MATTER_MAX_LINES = 64
_JSON_LIST_KEYS = ("articles", "items", "records", "data")

# Control bytes other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes(range(0, 9)) + bytes(range(14, 32)) + b"\x7f"
_BINARY_CONTROL_RATIO = 0.10
_BINARY_SAMPLE_BYTES = 8192
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?")
_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
# "KYIV, Sept. 10, 2022 (Reuters) -", "Kharkiv, Ukraine, 10 September 2022 —", "LONDON, 2022-09-10 -".
_DATELINE_RE = re.compile(
    r"\s{0,20}(?P<place>[^\W\d_][\w'’.\- ]{0,40}?)(?:,\s{0,3}(?P<region>[^\W\d_][\w'’.\- ]{0,30}?))?,\s{0,3}"
    r"(?:(?P<mon>[A-Za-z]{3,9})\.?\s{1,3}(?P<day>\d{1,2}),?\s{1,3}(?P<year>\d{4})"
    r"|(?P<day2>\d{1,2})\s{1,3}(?P<mon2>[A-Za-z]{3,9})\.?,?\s{1,3}(?P<year2>\d{4})"
    r"|(?P<iso>\d{4}-\d{2}-\d{2}))"
    r"\s{0,3}(?:\([^()\n]{1,40}\)\s{0,3})?[-–—:]"
)

Warn = Callable[[str], None]
_log = logging.getLogger(__name__)


@dataclass(slots=True)
class LoadStats:
    """Counters a caller passes to `iter_articles` to learn what was read and what was skipped."""

    files: int = 0  # article files opened
    read: int = 0  # files that gave at least one article
    articles: int = 0  # articles yielded (a JSON record or a chunk of a large file counts one)
    warnings: int = 0  # warnings emitted, skips included
    skipped_records: int = 0  # JSON records skipped, including those past the per-file warning limit
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file or file:line, reason)


def find_article_files(sources: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Return the article files named by `sources`, directories searched recursively, in a stable order."""
    if not sources:
        raise InputError("no input given: name article files or directories")
    found: list[Path] = []
    seen: set[str] = set()
    for source in sources:
        path = Path(source)
        if path.is_dir():
            files = _walk(path)
            if not files:
                raise InputError(f"no article files ({', '.join(EXTENSIONS)}) in {path}")
        elif path.is_file():
            # A file named explicitly is read whatever its extension (as plain text when unknown).
            files = [] if path.name == MANIFEST_NAME else [path]
        elif os.path.lexists(path):
            raise InputError(f"not a file or directory: {path}")
        else:
            raise InputError(f"no such file or directory: {path}")
        for file in files:
            # abspath, not realpath: no system call per file (a symlinked duplicate is read twice).
            key = os.path.abspath(file)
            if key not in seen:
                seen.add(key)
                found.append(file)
    if not found:
        raise InputError(f"no article files ({', '.join(EXTENSIONS)}) in {', '.join(map(str, sources))}")
    return found


def _walk(root: Path) -> list[Path]:
    def fail(err: OSError) -> None:
        raise InputError(f"cannot read directory {err.filename}: {err.strerror}") from err

    files: list[tuple[tuple[str, ...], Path]] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=fail):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        base = Path(dirpath)
        folder = base.relative_to(root).parts  # once per directory: relative_to costs more than the walk
        for name in filenames:
            if name.startswith(".") or name == MANIFEST_NAME or not name.lower().endswith(EXTENSIONS):
                continue
            files.append(((*folder, name), base / name))
    files.sort(key=lambda item: item[0])
    return [path for _, path in files]


def iter_articles(
    sources: Sequence[str | os.PathLike[str]],
    *,
    default_date: dt.date | None = None,
    warn: Warn | None = None,
    stats: LoadStats | None = None,
) -> Iterator[Article]:
    """Yield the articles of `sources` one at a time; raise InputError now if a source is missing."""
    files = find_article_files(sources)
    run = _Run(warn or _log.warning, stats if stats is not None else LoadStats(), default_date)
    return _iterate(files, run)


def _iterate(files: list[Path], run: _Run) -> Iterator[Article]:
    for path in files:
        run.stats.files += 1
        produced = 0
        try:
            for article in _reader(path)(path, run):
                produced += 1
                run.stats.articles += 1
                yield article
        except _Skip as skip:
            reason = f"stopped after {produced} articles: {skip.reason}" if produced else skip.reason
            run.skip(str(path), reason)
        except OSError as err:
            run.skip(str(path), f"cannot read: {err.strerror or err}")
        if produced:
            run.stats.read += 1


def _reader(path: Path) -> Callable[[Path, _Run], Iterator[Article]]:
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        return _jsonl_articles
    if suffix == ".json":
        return _json_articles
    if suffix in _HTML_EXTENSIONS:
        return _html_articles
    return _text_articles


# --- run state -------------------------------------------------------------------------------------------


class _Skip(Exception):
    """A file (or a record) cannot be used; `reason` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Meta:
    """What one source of metadata says; `dated` is True when it spoke about the date, even badly."""

    published: dt.date | None = None
    dated: bool = False
    outlet: str = ""
    url: str = ""
    title: str = ""


_NO_META = _Meta()


class _Run:
    """State of one `iter_articles` call: the warning sink, the counters, the manifests read so far."""

    __slots__ = ("warn", "stats", "default_date", "manifests")

    def __init__(self, warn: Warn, stats: LoadStats, default_date: dt.date | None) -> None:
        self.warn = warn
        self.stats = stats
        self.default_date = default_date
        self.manifests: dict[Path, dict[str, _Meta]] = {}

    def warning(self, message: str) -> None:
        self.stats.warnings += 1
        self.warn(message)

    def skip(self, where: str, reason: str) -> None:
        self.stats.skipped.append((where, reason))
        self.warning(f"{where}: skipped: {reason}")

    def manifest_meta(self, path: Path) -> _Meta:
        directory = path.parent
        rows = self.manifests.get(directory)
        if rows is None:
            rows = self.manifests[directory] = _read_manifest(directory / MANIFEST_NAME, self)
        return rows.get(path.name, _NO_META)

    def article(self, path: Path, ident: str, text: str, metas: Iterable[_Meta]) -> Article:
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


def _with_dateline(metas: tuple[_Meta, ...], text: str) -> tuple[_Meta, ...]:
    """Add the dateline of `text` as the last source of a date, unless an earlier source already dates it."""
    if any(meta.dated for meta in metas):
        return metas
    found = dateline_date(text)
    return (*metas, _Meta(found, found is not None))


class _FileWarnings:
    """Line-level warnings for one file, capped so a broken million-line file gives a readable report."""

    __slots__ = ("run", "where", "count")

    def __init__(self, run: _Run, where: str) -> None:
        self.run = run
        self.where = where
        self.count = 0

    def warn(self, line: int, message: str) -> None:
        self.count += 1
        if self.count <= MAX_FILE_WARNINGS:
            self.run.warning(f"{self.where}:{line}: {message}")

    def skip_record(self, line: int, reason: str) -> None:
        self.run.stats.skipped_records += 1
        self.count += 1
        if self.count <= MAX_FILE_WARNINGS:
            self.run.skip(f"{self.where}:{line}", reason)

    def finish(self) -> None:
        hidden = self.count - MAX_FILE_WARNINGS
        if hidden > 0:
            self.run.stats.skipped.append((self.where, f"{hidden} more problems not shown"))
            self.run.warning(f"{self.where}: {hidden} more problems not shown")


# --- dates, front matter, datelines (pure) ------------------------------------------------------------------


def parse_published(value: str) -> dt.date:
    """Return the date of `value`, YYYY-MM-DD or an ISO datetime (the date as written, not converted)."""
    text = value.strip()
    try:
        if _ISO_DATE_RE.fullmatch(text):
            return dt.date.fromisoformat(text)
        if _ISO_DATETIME_RE.fullmatch(text):
            return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    raise ValueError(f"bad date {value!r} (expected YYYY-MM-DD or an ISO datetime)")


def dateline_date(text: str) -> dt.date | None:
    """Return the date of a dateline opening `text` ("KYIV, Sept. 10, 2022 (Reuters) -") if it has a year."""
    match = _DATELINE_RE.match(text, 0, 300)
    if match is None or not _is_place_name(match["place"]) or not _is_place_name(match["region"] or "X"):
        return None
    if match["iso"]:
        try:
            return dt.date.fromisoformat(match["iso"])
        except ValueError:
            return None
    month = _MONTHS.get((match["mon"] or match["mon2"]).lower())
    if month is None:
        return None
    try:
        return dt.date(int(match["year"] or match["year2"]), month, int(match["day"] or match["day2"]))
    except ValueError:
        return None


def _is_place_name(text: str) -> bool:
    # "KYIV", "Kryvyi Rih", "ST. PETERSBURG"; not "Ukraine on Saturday" nor "Troops advanced. KYIV".
    words = text.split()
    return 0 < len(words) <= 4 and all(word[0].isupper() for word in words) and not text.endswith(".")


def split_front_matter(text: str) -> tuple[dict[str, tuple[int, str]], str]:
    """Split `---` front matter off `text`: ({field: (line, value)}, body); no front matter -> ({}, text)."""
    if not text.startswith("---"):
        return {}, text
    lines = text.split("\n", _FRONT_MATTER_MAX_LINES + 1)
    if lines[0].rstrip() != "---":
        return {}, text
    fields: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(lines[1 : _FRONT_MATTER_MAX_LINES + 1], start=2):
        if line.rstrip() in ("---", "..."):
            body_start = sum(len(part) + 1 for part in lines[:number])
            return fields, text[body_start:]
        key, colon, value = line.partition(":")
        name = _FRONT_MATTER_KEYS.get(key.strip().lower())
        if colon and name and name not in fields:
            fields[name] = (number, _unquote(value.strip()))
    return {}, text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def split_chunks(pieces: Iterable[str], size: int = CHUNK_CHARS) -> Iterator[str]:
    """Regroup text `pieces` into chunks of at most about `size` characters, cut at paragraph boundaries."""
    buffer = ""
    for piece in pieces:
        buffer = buffer + piece if buffer else piece
        while len(buffer) > size:
            cut = _cut_point(buffer, size)
            yield buffer[:cut]
            buffer = buffer[cut:]
    if buffer:
        yield buffer


def _cut_point(text: str, size: int) -> int:
    # Prefer a blank line, then a line end, then a sentence end, then any space; never cut at 0.
    for mark in ("\n\n", "\n", ". ", " "):
        index = text.rfind(mark, 0, size)
        if index > 0:
            return index + len(mark)
    return size


# --- manifest -----------------------------------------------------------------------------------------------


def _read_manifest(path: Path, run: _Run) -> dict[str, _Meta]:
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed below; a missing manifest is the common case
    except FileNotFoundError:
        return {}
    except OSError as err:
        run.warning(f"{path}: cannot read the manifest ({err.strerror}); its directory is read without it")
        return {}
    with handle:
        try:
            text = "".join(_decoded_pieces(handle, html=False, warn=run.warning, where=str(path)))
        except _Skip as skip:
            run.warning(f"{path}: manifest ignored: {skip.reason}")
            return {}
    return _parse_manifest(path, text, run)


def _parse_manifest(path: Path, text: str, run: _Run) -> dict[str, _Meta]:
    warnings = _FileWarnings(run, str(path))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except StopIteration:
        return {}
    except csv.Error as err:
        run.warning(f"{path}:1: manifest ignored: {err}")
        return {}
    if "file" not in header:
        run.warning(f"{path}:1: manifest ignored: no 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})")
        return {}
    if "published" not in header:
        warnings.warn(1, "no 'published' column; dates come from the articles themselves")
    column = {name: header.index(name) for name in MANIFEST_COLUMNS if name in header}
    existing = set(os.listdir(path.parent))
    rows: dict[str, _Meta] = {}
    first_line: dict[str, int] = {}
    previous_end = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            warnings.warn(reader.line_num, f"unreadable row ({err}); the rest of the manifest is ignored")
            break
        line, previous_end = previous_end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        meta = _manifest_row(cells, header, column, line, warnings)
        name = cells[column["file"]].strip()
        if not name:
            warnings.warn(line, "row has no file name; ignored")
            continue
        if name not in existing and not (path.parent / name).is_file():
            warnings.warn(line, f"names {name}, which does not exist in {path.parent}")
        if name in rows:
            earlier = rows[name]
            if earlier.dated != meta.dated or earlier.published != meta.published:
                warnings.warn(line, f"{name} is also on line {first_line[name]} with another date; "
                                    "it is treated as undated")  # fmt: skip
                rows[name] = _Meta(None, True, earlier.outlet, earlier.url, earlier.title)
            else:
                warnings.warn(line, f"duplicate row for {name} (first on line {first_line[name]}); ignored")
            continue
        rows[name] = meta
        first_line[name] = line
    warnings.finish()
    return rows


def _manifest_row(
    cells: list[str], header: list[str], column: dict[str, int], line: int, warnings: _FileWarnings
) -> _Meta:
    if len(cells) != len(header):
        warnings.warn(line, f"row has {len(cells)} cells but the header has {len(header)}; check the quoting")

    def cell(name: str) -> str | None:
        index = column.get(name)
        if index is None:
            return ""
        return cells[index].strip() if index < len(cells) else None

    published: dt.date | None = None
    dated = False
    raw = cell("published")
    if raw is None:
        warnings.warn(line, "row has no 'published' cell; the article is treated as undated")
        dated = True
    elif raw:
        dated = True
        try:
            published = parse_published(raw)
        except ValueError as err:
            warnings.warn(line, f"{err}; the article is treated as undated")
    return _Meta(published, dated, cell("outlet") or "", cell("url") or "", cell("title") or "")


# --- decoding ---------------------------------------------------------------------------------------------


def _size_hint(handle: io.BufferedReader) -> int:
    """Return the file's size in bytes, or a block when it has none (a pipe, a character device)."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, io.UnsupportedOperation):
        return BLOCK_BYTES
    return size if size > 0 else BLOCK_BYTES


def _decoded_pieces(handle: io.BufferedReader, *, html: bool, warn: Warn, where: str) -> Iterator[str]:
    """Yield the decoded text of a binary file in blocks; raise _Skip on the first block if it is unusable."""
    # A small file is read at its size: asking for a whole block costs a block-sized buffer per file.
    wanted = min(BLOCK_BYTES, _size_hint(handle) + 1)
    first = handle.read(wanted)
    if not first:
        raise _Skip("empty file")
    complete = len(first) < wanted  # a file that grew since fstat is read on
    decoder, text = _detect(first, complete, html)
    yield text
    if complete:
        return
    warned = False
    while True:
        block = handle.read(BLOCK_BYTES)
        try:
            text = decoder.decode(block, final=not block)
        except UnicodeDecodeError as err:
            if not warned:
                warn(f"{where}: undecodable bytes after byte {handle.tell() - len(block)} ({err.reason}); "
                     "replaced with U+FFFD")  # fmt: skip
                warned = True
            # The decoder keeps its buffered state when it raises, so retrying the block is safe.
            decoder.errors = "replace"
            text = decoder.decode(block, final=not block)
        if text:
            yield text
        if not block:
            return


def _detect(sample: bytes, complete: bool, html: bool) -> tuple[codecs.IncrementalDecoder, str]:
    """Return a decoder for a file starting with `sample`, and `sample` decoded; raise _Skip if binary."""
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            attempt = _try_decode(encoding, sample, complete)
            if attempt is None:
                raise _Skip(f"starts with a {encoding} byte order mark but is not {encoding} text")
            return attempt
    _detect_binary(sample[:_BINARY_SAMPLE_BYTES])
    attempt = _try_decode("utf-8", sample, complete)
    if attempt is not None:
        return attempt
    if html:
        declared = sniff_charset(sample)
        if declared:
            attempt = _try_decode(declared, sample, complete)
            if attempt is not None:
                return attempt
    # Imported here: charset-normalizer costs ~100 ms to import and most corpora are UTF-8.
    from charset_normalizer import from_bytes

    best = from_bytes(sample).best()
    guesses = ([best.encoding] if best is not None else []) + [e for e in _LEGACY_ENCODINGS if e != getattr(
        best, "encoding", None)]
    # On short texts charset-normalizer often picks a wrong code page (cp1251 read as GB2312): the legacy
    # code pages of the region are scored too, by how much the decoded text looks like words.
    scored = []
    for rank, encoding in enumerate(guesses):
        attempt = _try_decode(encoding, sample, complete)
        if attempt is not None:
            scored.append((_plausibility(attempt[1]), -rank, attempt))
    if scored:
        return max(scored, key=lambda item: item[:2])[2]
    raise _Skip("cannot tell the text encoding (not UTF-8; save it as UTF-8)")


# Single-byte code pages of Ukrainian, Russian and Western European news sites.
_LEGACY_ENCODINGS = ("cp1251", "koi8_u", "koi8_r", "cp1252", "cp1250", "iso8859_5")
_WORD = re.compile(r"[^\W\d_]+")


def _script(ch: str) -> str:
    code = ord(ch)
    if 0x400 <= code <= 0x4FF:
        return "cyrillic"
    return "latin" if code < 0x250 else "other"


def _plausibility(text: str) -> int:
    """Score decoded text: words in one script with ordinary capitals gain, symbols and mixed words lose."""
    score = 0
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cc" and ch not in "\n\r\t":
            score -= 5
        elif category in ("So", "Sk", "No", "Co", "Cn"):
            score -= 3
    for match in _WORD.finditer(text):
        word = match.group()
        scripts = {_script(c) for c in word}
        if "other" in scripts or len(scripts) > 1:
            score -= 2 * len(word)
        elif not (word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())):
            score -= len(word)
        elif scripts == {"latin"} and 2 * sum(ord(c) > 127 for c in word) > len(word):
            score -= len(word)  # "ìòî": Cyrillic read through a Latin code page
        else:
            score += len(word)
    # Code pages that differ only in accented letters (cp1250 vs cp1252) are told apart by the letters
    # West European news uses most ("très" rather than "trčs").
    return score + sum(text.count(c) for c in _COMMON_ACCENTS)


_COMMON_ACCENTS = "àâçéèêëîïôûùüäöß"


def _try_decode(encoding: str, sample: bytes, complete: bool) -> tuple[codecs.IncrementalDecoder, str] | None:
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        return decoder, decoder.decode(sample, final=complete)
    except (LookupError, UnicodeDecodeError, ValueError):
        return None


def _normalized_newlines(pieces: Iterator[str]) -> Iterator[str]:
    """Turn CRLF and CR line ends into LF, also when a CRLF straddles two pieces."""
    carry = ""
    for piece in pieces:
        text = carry + piece if carry else piece
        carry = ""
        if text.endswith("\r"):
            text, carry = text[:-1], "\r"
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if text:
            yield text
    if carry:
        yield "\n"


# --- readers ----------------------------------------------------------------------------------------------


def _text_articles(path: Path, run: _Run) -> Iterator[Article]:
    with open(path, "rb") as handle:
        pieces = _normalized_newlines(_decoded_pieces(handle, html=False, warn=run.warning, where=str(path)))
        first = next(pieces, "")
        fields, first = split_front_matter(first)
        front = _front_matter_meta(path, fields, run)
        metas: tuple[_Meta, ...] = (run.manifest_meta(path), front)
        yield from _chunk_articles(path, run, split_chunks(chain((first,), pieces), CHUNK_CHARS), metas,
                                   "empty file (no text)")


def _front_matter_meta(path: Path, fields: dict[str, tuple[int, str]], run: _Run) -> _Meta:
    if not fields:
        return _NO_META
    published: dt.date | None = None
    dated = False
    if "published" in fields:
        line, raw = fields["published"]
        if raw:
            dated = True
            try:
                published = parse_published(raw)
            except ValueError as err:
                run.warning(f"{path}:{line}: {err}; the article is treated as undated")
    return _Meta(published, dated, *(fields.get(name, (0, ""))[1] for name in ("outlet", "url", "title")))


def _html_articles(path: Path, run: _Run) -> Iterator[Article]:
    with open(path, "rb") as handle:
        pieces = _decoded_pieces(handle, html=True, warn=run.warning, where=str(path))
        parser = HtmlTextParser()
        parser.feed(next(pieces, ""))
        # The head is in the first block: its metadata applies to every chunk of a large page.
        second = next(pieces, None)
        if second is None:
            parser.close()
        metas: tuple[_Meta, ...] = (run.manifest_meta(path), _html_meta(path, parser, run))

        def paragraphs() -> Iterator[str]:
            if second is not None:
                for piece in chain((second,), pieces):
                    yield "".join(paragraph + "\n\n" for paragraph in parser.take_paragraphs())
                    parser.feed(piece)
                parser.close()
            yield "\n\n".join(parser.take_paragraphs())

        chunks = (chunk.rstrip("\n") for chunk in split_chunks(paragraphs(), CHUNK_CHARS))
        yield from _chunk_articles(path, run, chunks, metas, "no text in the page once markup is removed")


def _chunk_articles(path: Path, run: _Run, chunks: Iterable[str], metas: tuple[_Meta, ...],
                    empty_reason: str) -> Iterator[Article]:
    """Yield an article per non-blank chunk of one file; raise _Skip(empty_reason) when there is none."""
    yielded = False
    for chunk in chunks:
        if chunk.strip():
            if not yielded:
                # The dateline opens the first chunk; its date applies to every chunk of the file.
                metas = _with_dateline(metas, chunk)
                yielded = True
            yield run.article(path, path.name, chunk, metas)
    if not yielded:
        raise _Skip(empty_reason)


def _html_meta(path: Path, parser: HtmlTextParser, run: _Run) -> _Meta:
    page = parser.document("")
    published: dt.date | None = None
    dated = False
    if page.published:
        dated = True
        try:
            published = parse_published(page.published)
        except ValueError as err:
            run.warning(f"{path}: published-time meta tag: {err}; the article is treated as undated")
    return _Meta(published, dated, page.outlet, page.url, page.title)


def _jsonl_articles(path: Path, run: _Run) -> Iterator[Article]:
    warnings = _FileWarnings(run, str(path))
    manifest = run.manifest_meta(path)
    with open(path, "rb") as handle:
        head = handle.peek(_BINARY_SAMPLE_BYTES)[:_BINARY_SAMPLE_BYTES]
        if not head:
            raise _Skip("empty file")
        records = 0
        for number, raw in enumerate(_jsonl_lines(handle, head), start=1):
            if number == 1 and isinstance(raw, bytes) and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            raw = raw.rstrip()
            if not raw:
                continue
            records += 1
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError) as err:
                warnings.skip_record(number, f"not valid JSON ({_json_reason(err)})")
                continue
            ident = f"{path.name}:{number}"
            try:
                yield _record_article(record, path, ident, number, manifest, warnings, run)
            except _Skip as skip:
                warnings.skip_record(number, skip.reason)
    warnings.finish()
    if not records:
        raise _Skip("no records (blank lines only)")


def _jsonl_lines(handle: io.BufferedReader, head: bytes) -> Iterator[bytes | str]:
    for bom, encoding in _BOMS:
        if head.startswith(bom) and encoding != "utf-8-sig":
            # JSON Lines is UTF-8, but Windows tools write UTF-16; undecodable bytes are replaced, not fatal.
            yield from io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline=None)
            return
    _detect_binary(head)
    yield from handle


def _detect_binary(head: bytes) -> None:
    if b"\x00" in head:
        raise _Skip("binary file (NUL bytes)")
    if len(head) - len(head.translate(None, _CONTROL_BYTES)) > _BINARY_CONTROL_RATIO * len(head):
        raise _Skip("binary file (control characters)")


def _json_reason(err: BaseException) -> str:
    if isinstance(err, json.JSONDecodeError):
        return f"{err.msg.removesuffix(' at')} at column {err.colno}"
    if isinstance(err, UnicodeDecodeError):
        return "not UTF-8"
    if isinstance(err, RecursionError):
        return "nested too deeply"
    return str(err)


def _json_articles(path: Path, run: _Run) -> Iterator[Article]:
    warnings = _FileWarnings(run, str(path))
    manifest = run.manifest_meta(path)
    with open(path, "rb") as handle:
        pieces = _decoded_pieces(handle, html=False, warn=run.warning, where=str(path))
        values = _JsonValues(pieces)
        records = 0
        for index, (line, record) in enumerate(values.values()):
            records += 1
            ident = path.name if values.single else f"{path.name}:{index + 1}"
            try:
                yield _record_article(record, path, ident, line, manifest, warnings, run)
            except _Skip as skip:
                warnings.skip_record(line, skip.reason)
        if values.error:
            line, reason = values.error
            warnings.finish()
            raise _Skip(f"line {line}: {reason}")
    warnings.finish()
    if not records:
        raise _Skip("no records (an empty list)")


class _JsonValues:
    """Decode a JSON document element by element when it is a list, so a large feed is never held whole."""

    def __init__(self, pieces: Iterator[str]) -> None:
        self.pieces = pieces
        self.buffer = ""
        self.pos = 0
        self.line = 1  # line of self.pos
        self.eof = False
        self.single = False
        self.error: tuple[int, str] | None = None
        self.decoder = json.JSONDecoder()

    def values(self) -> Iterator[tuple[int, object]]:
        """Yield (line, value) for each element of a top-level list, or the records of a single object."""
        if not self._skip_space():
            self.error = (self.line, "no JSON value")
            return
        if self.buffer[self.pos] != "[":
            yield from self._whole()
            return
        self._advance(self.pos + 1)
        while True:
            if not self._skip_space():
                self.error = (self.line, "the list is not closed with ]")
                return
            if self.buffer[self.pos] == "]":
                return
            value = self._value()
            if value is None:
                return
            yield value
            if not self._skip_space():
                self.error = (self.line, "the list is not closed with ]")
                return
            mark = self.buffer[self.pos]
            if mark == ",":
                self._advance(self.pos + 1)
            elif mark != "]":
                self.error = (self.line, f"expected , or ] but found {mark!r}")
                return

    def _whole(self) -> Iterator[tuple[int, object]]:
        start_line = self.line
        parts = [self.buffer[self.pos :]]
        size = len(parts[0])
        for piece in self.pieces:
            size += len(piece)
            if size > MAX_JSON_VALUE_CHARS:
                self.error = (start_line, "a JSON object this large must be written as a list or as JSONL")
                return
            parts.append(piece)
        try:
            document = json.loads("".join(parts))
        except (ValueError, RecursionError) as err:
            self.error = (start_line, f"not valid JSON ({_json_reason(err)})")
            return
        if isinstance(document, dict) and not any(key in document for key in _TEXT_KEYS):
            for key in _JSON_LIST_KEYS:
                if isinstance(document.get(key), list):
                    for item in document[key]:
                        yield start_line, item
                    return
        self.single = True
        yield start_line, document

    def _value(self) -> tuple[int, object] | None:
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.pos)
            except (ValueError, RecursionError) as err:
                too_big = len(self.buffer) - self.pos > MAX_JSON_VALUE_CHARS
                if self.eof or too_big or not self._fill():
                    reason = f"not valid JSON ({_json_reason(err)}); the rest of the file is skipped"
                    self.error = (self.line, reason)
                    return None
                continue
            if end == len(self.buffer) and not self.eof and self._fill():
                continue  # a number may go on in the next piece
            line = self.line
            self._advance(end)
            return line, value

    def _skip_space(self) -> bool:
        while True:
            length = len(self.buffer)
            pos = self.pos
            while pos < length and self.buffer[pos] in " \t\r\n\ufeff":
                pos += 1
            self._advance(pos)
            if self.pos < len(self.buffer):
                return True
            if not self._fill():
                return False

    def _advance(self, pos: int) -> None:
        self.line += self.buffer.count("\n", self.pos, pos)
        self.pos = pos

    def _fill(self) -> bool:
        piece = next(self.pieces, None)
        if piece is None:
            self.eof = True
            return False
        self.buffer = self.buffer[self.pos :] + piece
        self.pos = 0
        return True


def _record_article(
    record: object, path: Path, ident: str, line: int, manifest: _Meta, warnings: _FileWarnings, run: _Run
) -> Article:
    if not isinstance(record, dict):
        raise _Skip(f"a record must be a JSON object, not {_json_type(record)}")
    text = _record_text(record)
    if text.lstrip().startswith("<"):
        text = html_to_text(text).text
    if not text.strip():
        raise _Skip("empty text")
    published: dt.date | None = None
    dated = False
    for key in _DATE_KEYS:
        value = record.get(key)
        if value is None or value == "":
            continue
        dated = True
        if not isinstance(value, str):
            warnings.warn(line, f"field {key!r} is {_json_type(value)}, not a date string; "
                                "the article is treated as undated")  # fmt: skip
            break
        try:
            published = parse_published(value)
        except ValueError as err:
            warnings.warn(line, f"field {key!r}: {err}; the article is treated as undated")
        break
    outlet = _record_string(record, _OUTLET_KEYS, line, warnings, allow_name=True)
    meta = _Meta(published, dated, outlet, _record_string(record, _URL_KEYS, line, warnings),
                 _record_string(record, _TITLE_KEYS, line, warnings))  # fmt: skip
    return run.article(path, ident, text, _with_dateline((manifest, meta), text))


def _record_text(record: dict[str, object]) -> str:
    for key in _TEXT_KEYS:
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            raise _Skip(f"field {key!r} is {_json_type(value)}, not a string")
        return value
    raise _Skip(f"no text field ({', '.join(_TEXT_KEYS)})")


def _record_string(
    record: dict[str, object],
    keys: tuple[str, ...],
    line: int,
    warnings: _FileWarnings,
    allow_name: bool = False,
) -> str:
    for key in keys:
        value = record.get(key)
        if value is None:
            continue
        if allow_name and isinstance(value, dict) and isinstance(value.get("name"), str):
            value = value["name"]  # NewsAPI-style {"source": {"id": ..., "name": ...}}
        if isinstance(value, str):
            return value.strip()
        warnings.warn(line, f"field {key!r} is {_json_type(value)}, not a string; ignored")
        return ""
    return ""


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"
