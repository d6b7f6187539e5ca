"""Benchmark the pipeline end to end: `frontline events` over corpora made from the seed articles.

Corpora: the five seeds replicated under distinct file names with shifted dates (manifest.csv), at each
size of --sizes; a "varied" corpus of 2,000 copies whose place names are swapped for other real Ukrainian
towns (so that the gazetteer's memos do not answer every lookup); flashgeotext over the same 2,000 texts,
whole process, as a yardstick. Each run is a new process: wall time, articles/s, MB/s, time per article,
peak RSS of the largest process (os.wait4) and of all its processes together (sampled from /proc).

    .venv/bin/python bench/throughput.py                        # 1k, 10k, 100k; --jobs 1 and 2; varied 2k
    .venv/bin/python bench/throughput.py --quick                # 1k and 2k only
    .venv/bin/python bench/throughput.py --sizes 1000,10000 --jobs 2 --no-varied
    .venv/bin/python bench/throughput.py --workdir /tmp/flbench # keep the corpora for the next run
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher import LAUNCHER  # noqa: E402

from gazetteer.gazetteer import Gazetteer  # noqa: E402
from gazetteer.normalize import normalize  # noqa: E402
from gazetteer.sources import read_embedded_cities  # noqa: E402

SEEDS = ROOT / "seeds"
ACTORS = ROOT / "geo" / "data" / "actors.json"
VARIED_SIZE = 2_000
TARGET_ARTICLES_PER_S = 1_000.0  # seed-sized articles, one process
TARGET_RSS_100K_MB = 1024.0
# Runs the flashgeotext yardstick: import, load its lookup data, extract from every text of a folder.
FLASHGEOTEXT = (
    "import pathlib, sys\n"
    "from flashgeotext.geotext import GeoText\n"
    "geotext = GeoText()\n"
    "found = 0\n"
    "for path in sorted(pathlib.Path(sys.argv[1]).glob('*.txt')):\n"
    "    found += len(geotext.extract(input_text=path.read_text(encoding='utf-8')).get('cities', {}))\n"
    "print(found)\n"
)


@dataclass(frozen=True, slots=True)
class Seed:
    """One seed article and its manifest row."""

    path: Path
    published: dt.date
    outlet: str
    title: str
    text: str


@dataclass(frozen=True, slots=True)
class Corpus:
    """A folder of articles with its manifest: how many, how many bytes of text."""

    label: str
    path: Path
    articles: int
    bytes: int


@dataclass(frozen=True, slots=True)
class Run:
    """One finished `frontline events` (or yardstick) process."""

    corpus: Corpus
    command: str
    jobs: int | None
    seconds: float
    peak_rss_mb: float  # the largest single process (ru_maxrss, os.wait4)
    tree_rss_mb: float  # the sum over the process and its workers, sampled every 0.1 s
    returncode: int
    outputs: int  # JSONL events (or places found, for the yardstick)


def read_seeds(folder: Path = SEEDS) -> list[Seed]:
    """Return the seeds listed in the folder's manifest.csv, in manifest order."""
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Seed(folder / r["file"], dt.date.fromisoformat(r["published"]), r.get("outlet") or "",
                 r.get("title") or "", (folder / r["file"]).read_text(encoding="utf-8")) for r in rows]


def write_corpus(folder: Path, label: str, n: int, seeds: Sequence[Seed], texts: Iterable[str] | None = None) -> Corpus:
    """Write `n` copies of the seeds (or the given texts) under distinct names, dates shifted a day per round.

    A folder holding a manifest of the same size is reused as it is (see --workdir).
    """
    manifest = folder / "manifest.csv"
    if manifest.exists():
        with open(manifest, encoding="utf-8", newline="") as handle:
            rows = sum(1 for _ in csv.DictReader(handle))
        if rows == n:
            size = sum(p.stat().st_size for p in folder.glob("*.txt"))
            return Corpus(label, folder, n, size)
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    source = iter(texts) if texts is not None else None
    with open(folder / "manifest.tmp", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "published", "outlet", "url", "title"])
        for i in range(n):
            seed = seeds[i % len(seeds)]
            text = next(source) if source is not None else seed.text
            name = f"{i:06d}_{seed.path.stem}.txt"
            data = text.encode("utf-8")
            (folder / name).write_bytes(data)
            total += len(data)
            published = seed.published + dt.timedelta(days=(i // len(seeds)) % 3650)
            writer.writerow([name, published.isoformat(), seed.outlet, f"https://example.org/{i}", seed.title])
    os.replace(folder / "manifest.tmp", manifest)  # last, so that an interrupted write is not reused
    return Corpus(label, folder, n, total)


# -- the varied corpus --------------------------------------------------------------------------------------


def actor_words(path: Path = ACTORS) -> frozenset[str]:
    """Return the words of the actor lexicon: names there ("Kyiv", "Moscow") carry a side and stay."""
    data = json.loads(path.read_text(encoding="utf-8"))
    words: set[str] = set()
    for side in data["sides"].values():
        for phrases in side.values():
            for phrase in phrases:
                words.update(normalize(w) for w in re.split(r"[\s'’-]+", phrase) if w)
    return frozenset(words)


def ukrainian_names(gazetteer: Gazetteer) -> list[str]:
    """Return the distinct plain-Latin names of Ukrainian places in cities500 that the spotter knows."""
    names = set()
    table = gazetteer.spotter
    for entry in read_embedded_cities():
        name = entry.place.name
        if entry.place.country == "UA" and re.fullmatch(r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)?", name) \
                and normalize(name) in table:
            names.add(name)
    return sorted(names)


def varied_texts(gazetteer: Gazetteer, seeds: Sequence[Seed], n: int, pool: Sequence[str]) -> Iterable[str]:
    """Yield `n` copies of the seeds, each with its place names swapped for other Ukrainian towns.

    Within one copy a name is swapped consistently; names of the actor lexicon (Kyiv, Moscow) stay.
    """
    keep = actor_words()
    spans = []
    for seed in seeds:
        found = [s for s in gazetteer.spot(seed.text) if s.key not in keep]
        spans.append((found, sorted({s.key for s in found})))
    for i in range(n):
        seed = seeds[i % len(seeds)]
        found, keys = spans[i % len(seeds)]
        rng = random.Random(i)
        swap = dict(zip(keys, rng.sample(list(pool), len(keys)), strict=True))
        text = seed.text
        for spot in reversed(found):  # from the end, so that earlier offsets stay valid
            text = text[:spot.start] + swap[spot.key] + text[spot.end:]
        yield text


# -- running and measuring --------------------------------------------------------------------------------

def _descendants_rss_kb(root: int) -> int:
    """Return the summed VmRSS of the descendants of `root` (shared pages counted in each process)."""
    total = 0
    stack = _children(root)
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
                for line in handle:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
        stack.extend(_children(pid))
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as handle:
            return [int(p) for p in handle.read().split()]
    except OSError:
        return []


def run_measured(cmd: Sequence[str], corpus: Corpus, jobs: int | None, label: str) -> Run:
    """Run `cmd` in a launcher; return wall time, peak RSS (largest process and sampled sum), output lines."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        launcher = subprocess.Popen([sys.executable, "-S", "-c", LAUNCHER, report.name, *cmd], stdout=out,
                                    stderr=err)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.1):
                peak = max(peak, _descendants_rss_kb(launcher.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        launcher.wait()
        done.set()
        sampler.join()
        seconds, maxrss_kb, returncode = json.load(report)
        out.seek(0)
        if returncode != 0:
            err.seek(0)
            raise SystemExit(f"{label} failed ({returncode}): {err.read().decode('utf-8', 'replace')[-500:]}")
        text = out.read().decode("utf-8", "replace")
        outputs = int(text.strip() or 0) if label == "flashgeotext" else text.count("\n")
    return Run(corpus, label, jobs, seconds, maxrss_kb / 1024.0, max(peak, maxrss_kb) / 1024.0, returncode,
               outputs)


def frontline_command() -> str:
    """Return the `frontline` console script of this interpreter's environment."""
    beside = Path(sys.executable).parent / "frontline"
    return str(beside) if beside.exists() else (shutil.which("frontline") or "frontline")


def best_of(runs: Sequence[Run]) -> Run:
    """Return the fastest run, with the highest peak memory of them all (noise makes runs slower, not faster)."""
    fastest = min(runs, key=lambda r: r.seconds)
    return Run(fastest.corpus, fastest.command, fastest.jobs, fastest.seconds, max(r.peak_rss_mb for r in runs),
               max(r.tree_rss_mb for r in runs), fastest.returncode, fastest.outputs)


def run_frontline(corpus: Corpus, jobs: int, repeat: int = 1) -> Run:
    """Run `frontline events DIR --format jsonl -q --jobs J` over the corpus, best of `repeat`."""
    cmd = [frontline_command(), "events", str(corpus.path), "--format", "jsonl", "-q", "--jobs", str(jobs)]
    return best_of([run_measured(cmd, corpus, jobs, "frontline") for _ in range(repeat)])


def run_flashgeotext(corpus: Corpus, repeat: int = 1) -> Run:
    """Run flashgeotext over the corpus's texts in a new process (import, lookup data, every extraction)."""
    cmd = [sys.executable, "-c", FLASHGEOTEXT, str(corpus.path)]
    return best_of([run_measured(cmd, corpus, None, "flashgeotext") for _ in range(repeat)])


def interleaved_ratios(copies: Corpus, varied: Corpus, pairs: int) -> str:
    """Run frontline -j2 and flashgeotext alternately over each corpus; return the ratios as markdown.

    A virtual machine's speed drifts by 10-20% within minutes: runs side by side see the same drift, runs
    minutes apart do not.
    """
    lines = [f"## frontline --jobs 2 / flashgeotext, {pairs} interleaved pairs per corpus (whole process)", ""]
    for corpus in (copies, varied):
        ratios = []
        for _ in range(pairs):
            ours = run_frontline(corpus, 2)
            theirs = run_flashgeotext(corpus)
            ratios.append(ours.seconds / theirs.seconds)
        met = sum(r <= 1.0 for r in ratios)
        lines.append(f"- {corpus.label}: ratios {', '.join(f'{r:.2f}' for r in ratios)}; median "
                     f"{statistics.median(ratios):.2f} (target <= 1: met in {met} of {pairs})")
    return "\n".join(lines)


# -- report ----------------------------------------------------------------------------------------------


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def run_row(run: Run, startup: float | None) -> list[str]:
    """Return the table cells of one run (time per article also without the fixed startup)."""
    c = run.corpus
    per_ms = 1000.0 * run.seconds / c.articles
    net = "" if startup is None else f"{1000.0 * max(run.seconds - startup, 0.0) / c.articles:.2f}"
    return [c.label, f"{c.articles:,}", f"{c.bytes / 1e6:.1f}", run.command + (f" -j{run.jobs}" if run.jobs else ""),
            f"{run.seconds:.2f}", f"{c.articles / run.seconds:,.0f}", f"{c.bytes / 1e6 / run.seconds:.2f}",
            f"{per_ms:.2f}", net, f"{run.peak_rss_mb:.0f}", f"{run.tree_rss_mb:.0f}", f"{run.outputs:,}"]


HEADERS = ["corpus", "articles", "MB", "command", "wall s", "articles/s", "MB/s", "ms/article",
           "ms/article minus startup", "peak RSS MB (largest process)", "peak RSS MB (all processes, sampled)",
           "events"]


def main(argv: list[str] | None = None) -> int:
    """Build the corpora, run every configuration, print markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes 1000 and 2000 only")
    parser.add_argument("--sizes", default=None, help="comma-separated corpus sizes (default 1000,10000,100000)")
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs values (default 1,2)")
    parser.add_argument("--no-varied", action="store_true", help="skip the varied corpus and flashgeotext")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each configuration up to 20,000 articles; the fastest is reported (default 1)")
    parser.add_argument("--workdir", type=Path, help="keep the corpora here and reuse them (default: a temp dir)")
    parser.add_argument("--pairs", type=int, default=5,
                        help="interleaved (frontline -j2, flashgeotext) runs on each 2,000-article corpus, so that "
                             "the machine's drift falls on both sides of each ratio (default 5; 0: none)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("1000,2000" if args.quick else "1000,10000,100000")).split(",")]
    jobs = [int(j) for j in args.jobs.split(",")]

    seeds = read_seeds()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="frontline-throughput-"))
    work.mkdir(parents=True, exist_ok=True)
    seed_bytes = sum(len(s.text.encode("utf-8")) for s in seeds)
    print(f"# Throughput ({'quick' if args.quick else 'full'}; {os.cpu_count()} CPUs; corpora in {work}; "
          f"cache {os.environ.get('FRONTLINE_CACHE') or 'default'})")
    print()
    print(f"{len(seeds)} seeds, {seed_bytes / len(seeds) / 1000:.1f} kB per article on average; each run is "
          f"`{Path(frontline_command()).name} events DIR --format jsonl -q --jobs J`, a new process.")
    if args.repeat > 1:
        print(f"Each configuration up to 20,000 articles: fastest of {args.repeat} runs, highest peak RSS.")
    print()
    try:
        startup_corpus = write_corpus(work / "seeds-5", "seeds x1", len(seeds), seeds)
        startup = min(run_frontline(startup_corpus, 1).seconds for _ in range(3))
        print(f"Fixed cost of a run (the 5 seeds, --jobs 1, best of 3): {startup:.2f} s")
        print()
        runs: list[Run] = []
        for n in sizes:
            corpus = write_corpus(work / f"copies-{n}", "seed copies", n, seeds)
            for j in jobs:
                run = run_frontline(corpus, j, args.repeat if n <= 20_000 else 1)
                runs.append(run)
                print(f"<!-- {n:,} articles -j{j}: {run.seconds:.1f} s -->", flush=True)
            if args.workdir is None and n >= 50_000:
                shutil.rmtree(corpus.path)  # 100k copies are half a gigabyte
        print()
        print("## Replicated seeds: time per article and memory vs corpus size")
        print()
        print(markdown_table(HEADERS, (run_row(r, startup) for r in runs)))
        print()
        for j in jobs:
            mine = [r for r in runs if r.jobs == j]
            if len(mine) > 1:
                base = mine[0].seconds / mine[0].corpus.articles
                ratios = ", ".join(f"{r.corpus.articles:,}: x{r.seconds / r.corpus.articles / base:.2f}"
                                   for r in mine[1:])
                print(f"- -j{j} time per article relative to {mine[0].corpus.articles:,} articles: {ratios}")
        single = [r for r in runs if r.jobs == 1]
        if single:
            best = max(r.corpus.articles / r.seconds for r in single)
            print(f"- one process: best {best:,.0f} articles/s (target >= {TARGET_ARTICLES_PER_S:,.0f}: "
                  f"{'met' if best >= TARGET_ARTICLES_PER_S else 'NOT met'})")
        big = [r for r in runs if r.corpus.articles >= 100_000]
        for r in big:
            print(f"- {r.corpus.articles:,} articles -j{r.jobs}: peak RSS {r.peak_rss_mb:.0f} MB largest process, "
                  f"{r.tree_rss_mb:.0f} MB all processes (target < {TARGET_RSS_100K_MB:.0f} MB: "
                  f"{'met' if r.tree_rss_mb < TARGET_RSS_100K_MB else 'NOT met'})")

        if not args.no_varied:
            print()
            gazetteer = Gazetteer.open()
            pool = ukrainian_names(gazetteer)
            varied = write_corpus(work / f"varied-{VARIED_SIZE}", "varied names", VARIED_SIZE, seeds,
                                  varied_texts(gazetteer, seeds, VARIED_SIZE, pool))
            copies = write_corpus(work / f"copies-{VARIED_SIZE}", "seed copies", VARIED_SIZE, seeds)
            vruns = [run_frontline(c, j, args.repeat) for c in (copies, varied) for j in jobs]
            flash = run_flashgeotext(varied, args.repeat)
            flash_copies = run_flashgeotext(copies, args.repeat)
            print(f"## Varied place names ({VARIED_SIZE:,} articles, names drawn from {len(pool):,} Ukrainian "
                  f"towns) and flashgeotext")
            print()
            print(markdown_table(HEADERS, [*(run_row(r, startup) for r in vruns), run_row(flash, None),
                                           run_row(flash_copies, None)]))
            print()
            print("flashgeotext's 'events' column counts distinct cities found per text, summed.")
            print()
            for r in vruns:
                ratio = r.seconds / (flash.seconds if r.corpus is varied else flash_copies.seconds)
                print(f"- frontline -j{r.jobs} / flashgeotext, whole process, {r.corpus.label}: {ratio:.2f} "
                      f"({r.seconds:.2f} s / "
                      f"{(flash if r.corpus is varied else flash_copies).seconds:.2f} s)"
                      + (f" (target <= 1 with -j2: {'met' if ratio <= 1 else 'NOT met'})" if r.jobs == 2 else ""))
            if args.pairs > 0:
                print()
                print(interleaved_ratios(copies, varied, args.pairs))
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
