"""Benchmark the event store and the Dask engine, each run a new `frontline` process timed by wall clock.

1. Re-ingest: `frontline ingest` of a folder of N seed copies (first run), then of the same folder with 1%
   new articles added: the second run's time as a share of the first's (target < 5%).
2. Engines: `frontline events` over the N-article folder with `--jobs 2` and with `--engine dask -j 2`
   (a LocalCluster of two worker processes started by the run): the ratio (target <= 1.3).
3. A large store: the store of the N-article ingest, its articles copied in SQL to `--large` articles (each copy
   a distinct article with the same events, so that no detection is needed), then `frontline map --store`:
   the time until it starts drawing (store read, kinds corrected, timeline built; target < 10 s), and the
   whole command.

    .venv/bin/python bench/store.py                          # 10,000 articles, a 100,000-article store
    .venv/bin/python bench/store.py --size 2000 --large 20000 --workdir /tmp/flstore
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from throughput import read_seeds, write_corpus  # noqa: E402

FRONTLINE = [sys.executable, "-c", "from frontline.cli import main; main()"]
TARGET_REINGEST_SHARE = 0.05
TARGET_DASK_RATIO = 1.3
TARGET_DRAW_S = 10.0


def timed(args: list[str], **kwargs: object) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `frontline ARGS` and return its wall time and the finished process."""
    started = time.perf_counter()
    done = subprocess.run([*FRONTLINE, *args], capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"frontline {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return seconds, done


def add_new_articles(folder: Path, count: int) -> None:
    """Add `count` new articles (seed texts with a new first line) and their manifest rows."""
    seeds = read_seeds()
    with open(folder / "manifest.csv", "a", encoding="utf-8", newline="") as manifest:
        for i in range(count):
            seed = seeds[i % len(seeds)]
            name = f"new_{i:05d}_{seed.path.stem}.txt"
            (folder / name).write_text(f"Update {i}.\n\n{seed.text}", encoding="utf-8")
            manifest.write(f"{name},{seed.published.isoformat()},{seed.outlet},https://example.org/new/{i},"
                           f"\"{seed.title}\"\r\n")


def grow_store(source: Path, target: Path, articles: int) -> dict[str, int]:
    """Copy the store at `source` to `target` and copy its articles (with their events and unresolved names)
    under new hashes until it holds `articles` articles."""
    shutil.copy(source, target)
    with sqlite3.connect(target) as conn:
        have = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        copy = 0
        while have < articles:
            copy += 1
            suffix = f"~{copy}"
            limit = articles - have
            conn.execute("CREATE TEMP TABLE pick AS SELECT hash FROM articles WHERE hash NOT LIKE '%~%' LIMIT ?",
                         (limit,))
            conn.execute("INSERT INTO articles SELECT hash || ?, id || ?, published, outlet, url, title, "
                         "sort_key || ?, seq, ingested_at FROM articles WHERE hash IN (SELECT hash FROM pick)",
                         (suffix, suffix, suffix))
            for table in ("events", "unresolved"):
                names = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
                columns = ", ".join("article || ?" if name == "article" else name for name in names)
                conn.execute(f"INSERT INTO {table} SELECT {columns} FROM {table} "
                             f"WHERE article IN (SELECT hash FROM pick)", (suffix,))
            conn.execute("DROP TABLE pick")
            have = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "events")}


def time_to_draw(store: Path) -> float:
    """Return the seconds `map --store` takes before drawing: open, read, correct kinds, build the timeline."""
    code = (
        "import time; t = time.perf_counter()\n"
        "from geo.store import EventStore\n"
        "from geo.pipeline import load_stored\n"
        "from geo.timeline import build_timeline\n"
        f"store = EventStore.open({str(store)!r}, create=False)\n"
        "result = load_stored(store)\n"
        "timeline = build_timeline(result.events, 'auto')\n"
        "print(time.perf_counter() - t, len(result.events), len(timeline.periods))\n"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - started
    inside, events, periods = out.stdout.split()
    print(f"  read+timeline in the process: {float(inside):.2f} s ({int(events):,} events, {periods} periods); "
          f"with interpreter start: {wall:.2f} s")
    return wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="articles of the ingested folder")
    parser.add_argument("--large", type=int, default=100_000, help="articles of the large store")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the corpora here")
    parser.add_argument("--skip-dask", action="store_true")
    parser.add_argument("--skip-map", action="store_true", help="skip the whole 'map --store' of the large store")
    args = parser.parse_args(argv)
    work = args.workdir or Path(tempfile.mkdtemp(prefix="flstore-"))
    work.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    results: dict[str, float] = {}

    folder = work / f"corpus-{args.size}"
    new_count = max(1, args.size // 100)
    shutil.rmtree(folder, ignore_errors=True)  # the last run added new articles to it
    corpus = write_corpus(folder, f"{args.size}", args.size, read_seeds())
    store = work / "events.sqlite"
    for path in work.glob("events.sqlite*"):
        path.unlink()
    print(f"corpus: {corpus.articles:,} articles, {corpus.bytes / 1e6:.1f} MB, {os.cpu_count()} cores")

    first, _ = timed(["ingest", str(folder), "--store", str(store), "-q"], env=env)
    add_new_articles(folder, new_count)
    second, done = timed(["ingest", str(folder), "--store", str(store)], env=env)
    summary = [line for line in done.stderr.splitlines() if "detected" in line]
    share = second / first
    print(f"ingest: first {first:.1f} s; again with {new_count} new articles {second:.2f} s "
          f"({100 * share:.1f}% of the first; target < {100 * TARGET_REINGEST_SHARE:.0f}%)")
    print(f"  {summary[0] if summary else done.stderr.strip()}")
    results.update(ingest_first_s=first, ingest_again_s=second, ingest_again_share=share)

    if not args.skip_dask:
        local, _ = timed(["events", str(folder), "-q", "--jobs", "2"], env=env)
        dask, _ = timed(["events", str(folder), "-q", "--jobs", "2", "--engine", "dask"], env=env)
        ratio = dask / local
        print(f"events over {corpus.articles + new_count:,} articles: --jobs 2 {local:.1f} s, "
              f"--engine dask -j 2 {dask:.1f} s (ratio {ratio:.2f}; target <= {TARGET_DASK_RATIO})")
        results.update(jobs2_s=local, dask2_s=dask, dask_ratio=ratio)

    large = work / "large.sqlite"
    for path in work.glob("large.sqlite*"):
        path.unlink()
    counts = grow_store(store, large, args.large)
    print(f"large store: {counts['articles']:,} articles, {counts['events']:,} events, "
          f"{large.stat().st_size / 1e6:.0f} MB")
    draw = time_to_draw(large)
    print(f"map --store: starts drawing after {draw:.2f} s (target < {TARGET_DRAW_S:.0f} s)")
    results.update(draw_s=draw)
    if not args.skip_map:
        whole, _ = timed(["map", "--store", str(large), "-o", str(work / "out"), "-q"], env=env)
        print(f"map --store, the whole command (map.html and exports): {whole:.1f} s")
        results.update(map_store_s=whole)
    print(json.dumps({k: round(v, 3) for k, v in results.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
