"""The event store: one SQLite file that keeps every article read once, with its events and unresolved names.

    sources          a file read: absolute path, its sort key, the signature it had (size, mtime, manifest, --date)
    source_articles  (path, position in the file) -> the content hash of the article found there
    articles         one row per content hash: the article's id and metadata, where it sorts
    places           the places the events and candidates name (Place.to_dict as JSON), once each
    events           the detector's events of an article, before `correct_kinds` (which needs the whole history):
                     one column per field of Event (the place by key), read back without parsing
    unresolved       the unresolved names of an article

An article is its content hash (id, text, title, date, outlet, url): the same report met again, in the same
file or another, is recorded once; a file whose article changed replaces that article's events. Each batch
of articles is one transaction, and a file's signature is written with its last article, so a run killed at
any point leaves whole articles and, on the next run, reads again only the files it had not finished.
The schema's version is SQLite's `user_version`; an older store is migrated in one transaction when opened, a
newer one is refused with a message.
Readers see the events in source order (path, then position), the order a direct run reads them in, so that
`correct_kinds` breaks ties as it does there and the output is the same.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer.place import Place

from .errors import InputError
from .gcpause import no_cyclic_collection
from .model import Article, Event, UnresolvedName, unchecked_event

__all__ = [
    "SCHEMA_VERSION",
    "StoreError",
    "EventStore",
    "StoredArticle",
    "PruneCounts",
    "article_hash",
    "source_key",
    "source_signature",
]

SCHEMA_VERSION = 2
FORMAT = "frontline-event-store"
# Seconds a writer waits for another process's transaction before giving up (two ingests into one store).
BUSY_TIMEOUT_S = 60.0

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
    path TEXT PRIMARY KEY,
    sort_key TEXT NOT NULL,
    signature TEXT NOT NULL,
    articles INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE source_articles (
    path TEXT NOT NULL,
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (path, seq)
) WITHOUT ROWID;
CREATE INDEX source_articles_hash ON source_articles (hash);
CREATE TABLE articles (
    hash TEXT PRIMARY KEY,
    id TEXT NOT NULL,
    published TEXT,
    outlet TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_order ON articles (sort_key, seq);
CREATE INDEX articles_published ON articles (published);
CREATE TABLE places (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE events (
    article TEXT NOT NULL,
    n INTEGER NOT NULL,
    date TEXT,
    place TEXT NOT NULL,
    surface, kind, side, date_precision, claimed, confidence, article_id, sentence, outlet, url, title,
    published, date_note,
    PRIMARY KEY (article, n)
);
CREATE INDEX events_date ON events (date);
CREATE TABLE unresolved (
    article TEXT NOT NULL,
    n INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (article, n)
);
"""

# The fields of an event other than its place and date, each a column of `events` without a declared type:
# SQLite keeps every value as Python gave it (an int confidence stays an int, as JSON kept it).
_EVENT_COLUMNS = ("surface", "kind", "side", "date_precision", "claimed", "confidence", "article_id", "sentence",
                  "outlet", "url", "title", "published", "date_note")

# Migrations from an older schema version to the next one, applied in order inside one transaction.
# A store older than the oldest migration is refused.
_MIGRATIONS: dict[int, str] = {
    # 1 -> 2: an event's fields in columns instead of one JSON text, which reading back spent most of its time
    # parsing.
    1: f"""
CREATE TABLE events_v2 (
    article TEXT NOT NULL,
    n INTEGER NOT NULL,
    date TEXT,
    place TEXT NOT NULL,
    {", ".join(_EVENT_COLUMNS)},
    PRIMARY KEY (article, n)
);
INSERT INTO events_v2 SELECT article, n, date, place,
    {", ".join(f"json_extract(data, '$.{name}')" for name in _EVENT_COLUMNS)} FROM events;
DROP TABLE events;
ALTER TABLE events_v2 RENAME TO events;
CREATE INDEX events_date ON events (date)
""",
}


class StoreError(InputError):
    """The store cannot be opened or used: not a store, another schema version, unreadable."""


def source_key(path: str | os.PathLike[str]) -> str:
    """Return the absolute path of a source file: its identity in the store."""
    return os.path.abspath(path)


def _sort_key(absolute_path: str) -> str:
    # A direct run sorts a directory's files by their path components; joined with a character that sorts
    # before any other, the strings sort the same way.
    return "\x00".join(Path(absolute_path).parts)


def source_signature(path: Path, default_date: dt.date | None, manifest_row: object = None) -> str:
    """Return what decides whether a file must be read again: its size and mtime, its row of its directory's
    manifest (which dates and names its articles) and the --date given to undated articles."""
    stat = path.stat()
    # A digest of the row, not the manifest's mtime: a row added for a new file does not make the others new.
    row = hashlib.sha256(repr(manifest_row).encode("utf-8")).hexdigest()[:16]
    return f"{stat.st_size}:{stat.st_mtime_ns}|{row}|{default_date.isoformat() if default_date else '-'}"


def article_hash(article: Article) -> str:
    """Return the content hash of an article: everything the detector sees, not where the file lies."""
    content = [article.id, article.text, article.title,
               article.published.isoformat() if article.published else None, article.outlet, article.url]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """One article to record: where it was found, its hash, and (when detected now) what the detector found."""

    path: str  # source_key of its file
    seq: int  # its position among the file's articles
    hash: str
    article: Article
    events: tuple[Event, ...] = ()
    unresolved: tuple[UnresolvedName, ...] = ()


@dataclass(slots=True)
class StoreCounts:
    """What one write of a batch changed."""

    added: int = 0  # new articles with their events
    linked: int = 0  # articles already in the store (another file, or another run) now also found here
    replaced: int = 0  # positions whose article changed: the old one's events are gone
    events: int = 0


@dataclass(frozen=True, slots=True)
class PruneCounts:
    """What a prune removed: the files gone, and the articles (with their events) no other file holds."""

    files: int = 0
    articles: int = 0
    events: int = 0

    def summary(self) -> str:
        """Return the one-line summary printed after a prune."""
        return (f"pruned {self.files:,} file(s) gone from the sources: {self.articles:,} article(s) and "
                f"{self.events:,} event(s) removed")


# -- value <-> row ------------------------------------------------------------------------------------------

_UNRESOLVED_FIELDS = tuple(f.name for f in dataclasses.fields(UnresolvedName))
_UNRESOLVED_FIELD_SET = frozenset(_UNRESOLVED_FIELDS)


def _event_row(content_hash: str, n: int, event: Event) -> tuple[object, ...]:
    """Return the `events` row of an article's n-th event."""
    values = [getattr(event, name) for name in _EVENT_COLUMNS]
    return (content_hash, n, event.date.isoformat() if event.date else None, event.place.key,
            *(v.isoformat() if isinstance(v, dt.date) else v for v in values))


class _Days(dict[str | None, dt.date | None]):
    """ISO day -> date, each parsed once: a store's events fall on few distinct days."""

    def __missing__(self, text: str | None) -> dt.date | None:
        day = self[text] = dt.date.fromisoformat(text) if text is not None else None
        return day


def _decode_all(texts: Sequence[str]) -> list[dict[str, object]]:
    # One parse of a JSON array instead of one call per row.
    return json.loads("[" + ",".join(texts) + "]") if texts else []


def _unresolved_data(name: UnresolvedName) -> str:
    data: dict[str, object] = {}
    for key in _UNRESOLVED_FIELDS:
        value = getattr(name, key)
        if key == "candidates":
            value = [[place.key, score] for place, score in value]
        data[key] = value
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _unresolved_from(values: dict[str, object], places: dict[str, Place]) -> UnresolvedName:
    values["candidates"] = tuple((places[key], score) for key, score in values.get("candidates") or ())  # type: ignore[attr-defined]
    if not values.keys() <= _UNRESOLVED_FIELD_SET:  # a field a later version wrote: left out
        values = {k: v for k, v in values.items() if k in _UNRESOLVED_FIELD_SET}
    return UnresolvedName(**values)  # type: ignore[arg-type]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


# -- the store ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class EventStore:
    """An open event store; use `EventStore.open(path)` as a context manager."""

    path: Path
    conn: sqlite3.Connection
    _places_written: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> EventStore:
        """Open the store at `path`, creating it when `create` and it does not exist; check its schema."""
        target = Path(path)
        if not target.exists():
            if not create:
                raise StoreError(f"no event store at {target}; make one with 'frontline ingest SOURCE... "
                                 f"--store {target}'")
            if target.parent and not target.parent.is_dir():
                raise StoreError(f"cannot create the event store {target}: no directory {target.parent}")
        elif target.is_dir():
            raise StoreError(f"--store {target} is a directory; give the path of an SQLite file")
        try:
            # Autocommit mode: transactions are begun explicitly (BEGIN IMMEDIATE takes the write lock at
            # once, so two writers wait for each other instead of failing on a lock upgrade).
            conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            store = cls(target, conn)
            store._prepare()
        except sqlite3.DatabaseError as err:
            with contextlib.suppress(UnboundLocalError):
                conn.close()
            raise StoreError(f"{target} is not a Frontline event store ({err})") from err
        return store

    def _prepare(self) -> None:
        conn = self.conn
        # WAL: readers do not block the writer nor the writer them; NORMAL sync keeps each commit durable
        # against a crash of the process (not of the machine, where the last commits may be lost whole).
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.path}: cannot use write-ahead logging here (journal mode {mode})")
        conn.execute("PRAGMA synchronous = NORMAL")
        with self.transaction():
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if version == 0 and not tables:
                for statement in _statements(_SCHEMA):
                    conn.execute(statement)
                conn.execute("INSERT INTO meta VALUES ('format', ?), ('created_at', ?)", (FORMAT, _now()))
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                return
            if "meta" not in tables or version == 0:
                raise StoreError(f"{self.path} is an SQLite file but not a Frontline event store")
            if version > SCHEMA_VERSION:
                raise StoreError(f"the event store {self.path} has schema version {version}, newer than this "
                                 f"Frontline reads ({SCHEMA_VERSION}); upgrade Frontline")
            while version < SCHEMA_VERSION:
                if version not in _MIGRATIONS:
                    raise StoreError(f"the event store {self.path} has schema version {version}, which this "
                                     f"Frontline cannot migrate to {SCHEMA_VERSION}; ingest the articles into "
                                     f"a new store")
                for statement in _statements(_MIGRATIONS[version]):
                    conn.execute(statement)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite when the last one closes)."""
        self.conn.close()

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one write transaction: all of it is stored, or none."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- what is there ------------------------------------------------------------------------------------
    def signatures(self) -> dict[str, str]:
        """Return the signature of every source file recorded, by path."""
        return dict(self.conn.execute("SELECT path, signature FROM sources"))

    def hashes_at(self, path: str) -> dict[int, str]:
        """Return the content hash at each position of a source file, as last recorded."""
        return dict(self.conn.execute("SELECT seq, hash FROM source_articles WHERE path = ?", (path,)))

    def has_article(self, content_hash: str) -> bool:
        """Return whether an article with this content hash is recorded."""
        return self.conn.execute("SELECT 1 FROM articles WHERE hash = ?", (content_hash,)).fetchone() is not None

    def counts(self) -> dict[str, int]:
        """Return the number of sources, articles, events and unresolved names recorded."""
        return {table: self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("sources", "articles", "events", "unresolved")}

    # -- writing ------------------------------------------------------------------------------------------
    def record(self, batch: Sequence[StoredArticle], finished: Iterable[tuple[str, str, int]] = ()) -> StoreCounts:
        """Record a batch of articles, and the files it finishes as (path, signature, articles), in one
        transaction. An article whose hash is recorded already is only linked to its new position."""
        counts = StoreCounts()
        with self.transaction() as conn:
            for item in batch:
                old = conn.execute("SELECT hash FROM source_articles WHERE path = ? AND seq = ?",
                                   (item.path, item.seq)).fetchone()
                if old is not None and old[0] == item.hash:
                    continue
                conn.execute("INSERT OR REPLACE INTO source_articles VALUES (?, ?, ?)",
                             (item.path, item.seq, item.hash))
                if old is not None:
                    counts.replaced += 1
                    self._forget_unless_linked(old[0])
                if self.has_article(item.hash):
                    counts.linked += 1
                    continue
                counts.added += 1
                counts.events += self._insert_article(item)
            for path, signature, articles in finished:
                # Positions past the file's end held articles the file no longer has.
                for (gone,) in conn.execute("SELECT hash FROM source_articles WHERE path = ? AND seq >= ?",
                                            (path, articles)).fetchall():
                    conn.execute("DELETE FROM source_articles WHERE path = ? AND seq >= ? AND hash = ?",
                                 (path, articles, gone))
                    self._forget_unless_linked(gone)
                conn.execute("INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?)",
                             (path, _sort_key(path), signature, articles, _now()))
        return counts

    def prune_missing(self, roots: Iterable[str | os.PathLike[str]]) -> PruneCounts:
        """Forget the recorded files that are one of `roots` or lie under one of them (directories) and no
        longer exist, in one transaction: their positions, and each article no other file holds, with its events
        and unresolved names. A file moved elsewhere is a new path; its articles, once ingested from there, stay.
        """
        prefixes = [source_key(root) for root in roots]
        with self.transaction() as conn:
            recorded = [path for (path,) in conn.execute(
                "SELECT path FROM sources UNION SELECT DISTINCT path FROM source_articles")]
            gone = [path for path in recorded if _under(path, prefixes) and not os.path.exists(path)]
            if not gone:
                return PruneCounts()
            before = self.counts()
            for path in gone:
                hashes = [row[0] for row in conn.execute("SELECT DISTINCT hash FROM source_articles WHERE path = ?",
                                                         (path,))]
                conn.execute("DELETE FROM source_articles WHERE path = ?", (path,))
                conn.execute("DELETE FROM sources WHERE path = ?", (path,))
                for content_hash in hashes:
                    self._forget_unless_linked(content_hash)
            after = self.counts()
        return PruneCounts(len(gone), before["articles"] - after["articles"], before["events"] - after["events"])

    def _insert_article(self, item: StoredArticle) -> int:
        conn = self.conn
        article = item.article
        conn.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.hash, article.id, article.published.isoformat() if article.published else None, article.outlet,
             article.url, article.title, _sort_key(item.path), item.seq, _now()),
        )
        for place in [e.place for e in item.events] + [p for u in item.unresolved for p, _ in u.candidates]:
            self._insert_place(place)
        conn.executemany(f"INSERT INTO events VALUES ({', '.join('?' * (4 + len(_EVENT_COLUMNS)))})",
                         [_event_row(item.hash, n, e) for n, e in enumerate(item.events)])
        conn.executemany("INSERT INTO unresolved VALUES (?, ?, ?)",
                         [(item.hash, n, _unresolved_data(u)) for n, u in enumerate(item.unresolved)])
        return len(item.events)

    def _insert_place(self, place: Place) -> None:
        if place.key in self._places_written:
            return
        # The same key always names the same place data within one gazetteer build; a newer build's data wins.
        self.conn.execute("INSERT OR REPLACE INTO places VALUES (?, ?)",
                          (place.key, json.dumps(place.to_dict(), ensure_ascii=False, sort_keys=True)))
        self._places_written.add(place.key)

    def _forget_unless_linked(self, content_hash: str) -> None:
        """Delete an article and its events once no position of any file holds it."""
        conn = self.conn
        if conn.execute("SELECT 1 FROM source_articles WHERE hash = ? LIMIT 1", (content_hash,)).fetchone():
            return
        for table in ("events", "unresolved"):
            conn.execute(f"DELETE FROM {table} WHERE article = ?", (content_hash,))
        conn.execute("DELETE FROM articles WHERE hash = ?", (content_hash,))

    # -- reading ------------------------------------------------------------------------------------------
    def _places(self) -> dict[str, Place]:
        rows = self.conn.execute("SELECT key, data FROM places")
        return {key: Place.from_dict(json.loads(data)) for key, data in rows}

    def events(self) -> list[Event]:
        """Return every recorded event as the detector gave it, in source order (correct kinds afterwards)."""
        places = self._places()
        days = _Days()
        make = unchecked_event  # the values were checked when the detector made them
        with no_cyclic_collection():
            # Sorted here, not by SQLite: an ORDER BY over the joined rows sorts every event's whole row in a
            # temporary b-tree (1.7x the time of a scan and a sort by article rank, measured on 280,000 events).
            rank = {content_hash: i for i, (content_hash,) in
                    enumerate(self.conn.execute("SELECT hash FROM articles ORDER BY sort_key, seq, hash"))}
            rows = self.conn.execute(
                "SELECT article, n, place, surface, kind, side, date, date_precision, claimed, confidence, "
                "article_id, sentence, outlet, url, title, published, date_note FROM events"
            ).fetchall()
            rows = [row for row in rows if row[0] in rank]  # as the join did: events of an article recorded
            rows.sort(key=lambda row: (rank[row[0]], row[1]))
            return [make(places[key], surface, kind, side, days[date], precision, bool(claimed), confidence,
                         article_id, sentence, outlet, url, title, days[published], note)
                    for (_article, _n, key, surface, kind, side, date, precision, claimed, confidence, article_id,
                         sentence, outlet, url, title, published, note) in rows]

    def unresolved(self, *, since: dt.date | None = None, until: dt.date | None = None) -> list[UnresolvedName]:
        """Return the recorded unresolved names; with a window, those of articles published within it."""
        places = self._places()
        query = "SELECT u.data FROM unresolved u JOIN articles a ON a.hash = u.article"
        where, params = _published_window(since, until)
        rows = self.conn.execute(f"{query}{where} ORDER BY a.sort_key, a.seq, a.hash, u.n", params)
        with no_cyclic_collection():
            return [_unresolved_from(values, places) for values in _decode_all([data for (data,) in rows])]

    def article_count(self) -> int:
        """Return the number of articles recorded."""
        return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def _under(path: str, prefixes: Sequence[str]) -> bool:
    """Return whether `path` is one of `prefixes` or lies in a directory among them."""
    return any(path == prefix or path.startswith(prefix.rstrip(os.sep) + os.sep) for prefix in prefixes)


def _published_window(since: dt.date | None, until: dt.date | None) -> tuple[str, list[str]]:
    clauses, params = [], []
    if since:
        clauses.append("a.published >= ?")
        params.append(since.isoformat())
    if until:
        clauses.append("a.published <= ?")
        params.append(until.isoformat())
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def _statements(script: str) -> list[str]:
    # executescript would commit the open transaction first: the schema is made statement by statement inside it.
    return [s.strip() for s in script.split(";") if s.strip()]
