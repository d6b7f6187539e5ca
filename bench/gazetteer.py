"""Benchmark the gazetteer: accuracy against Wikipedia's list of front-line places, then speed and memory.

Accuracy: every Name of ../shared/reference/wikipedia_cities_control.csv is resolved with the theatre
cues only (UA, RU), then again with the cues of the row's own prose ("More information"); the listed
Lat/Lon only score the answer, they are never given to the gazetteer. A baseline picks the most populous
exact match on GeoNames' own names (cities500 name and alternate names, no transliterations).
Speed and memory: a clean index build, cold starts in new processes, exact and fuzzy lookups per second,
with peak RSS of each child process (os.wait4). The lookups worker loads the spotter table first (to draw
its names), as the detector does; that also loads the theatre's candidate rows with their prior scores (the
terms of the score that no cue changes), so the distinct-name rate measures decoding a name's rows and, on
first use, its places in memory (not an SQLite query per name), plus the cues' terms and the decision.

    .venv/bin/python bench/gazetteer.py                 # everything (includes a ~40 s clean build)
    .venv/bin/python bench/gazetteer.py --quick         # no clean build, fewer lookups and runs
    .venv/bin/python bench/gazetteer.py --verbose       # also list the wrong-far and ambiguous names
    FRONTLINE_CACHE=/tmp/flcache .venv/bin/python bench/gazetteer.py --quick --no-speed
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher import LAUNCHER  # noqa: E402

from gazetteer.disambiguate import Cues  # noqa: E402
from gazetteer.gazetteer import DEFAULT_COUNTRIES, Gazetteer  # noqa: E402
from gazetteer.normalize import normalize  # noqa: E402
from gazetteer.place import Place, haversine_km  # noqa: E402
from gazetteer.sources import read_embedded_cities  # noqa: E402

REFERENCE = ROOT.parent / "shared" / "reference" / "wikipedia_cities_control.csv"
NEAR_KM = 10.0  # a resolution this close to the listed point is right
FAR_KM = 50.0  # one farther away is a wrong place, not an imprecise point
TARGET_ACCURACY = 0.95
TARGET_WRONG_FAR = 0.01
TARGET_BUILD_S = 60.0
TARGET_COLD_S = 0.5
TARGET_EXACT_PER_S = 100_000
TARGET_RSS_MB = 400.0
# Names of the seeds and the press, looked up again and again in the repeated-name rate.
HOT_NAMES = ("Kupyansk", "Balakliia", "Izium", "Kharkiv", "Lyman", "Sudzha", "Kursk", "Bakhmut", "Donetsk",
             "Mariupol", "Slavyansk", "Kramatorsk", "Severodonetsk", "Lysychansk", "Avdiivka", "Kherson")


# -- accuracy -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the reference list: the name, the listed point (for scoring only) and its prose."""

    name: str
    lat: float
    lon: float
    prose: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one reference name came out: status, chosen place, its distance from the listed point."""

    row: Row
    present: bool  # the index has a candidate for the name (exact or fuzzy)
    reachable: bool | None  # one of those candidates is the listed place (None: not known for this method)
    status: str  # resolved | ambiguous | unresolved
    place: Place | None
    method: str
    km: float | None


@dataclass(frozen=True, slots=True)
class Score:
    """The accuracy metrics of one method over the reference list."""

    label: str
    rows: int
    present: int
    reachable: int | None  # the listed place is among the candidates: the most any ranking can get right
    right: int  # resolved within NEAR_KM
    near_miss: int  # resolved between NEAR_KM and FAR_KM
    wrong_far: int  # resolved beyond FAR_KM
    ambiguous: int
    unresolved: int

    def cells(self) -> list[str]:
        """Return the table cells of this score."""
        reach = "-" if self.reachable is None else f"{self.reachable} ({_pct(self.reachable, self.present)})"
        return [self.label, str(self.rows), f"{self.present} ({_pct(self.present, self.rows)})", reach,
                f"{self.right} ({_pct(self.right, self.present)})", str(self.near_miss),
                f"{self.wrong_far} ({_pct(self.wrong_far, self.present)})", str(self.ambiguous),
                str(self.unresolved)]


def read_reference(path: Path) -> list[Row]:
    """Return the rows of the reference CSV with a name and a point (names stripped of stray spaces)."""
    rows = []
    with open(path, encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            name = (record.get("Name") or "").strip()
            try:
                lat, lon = float(record["Lat"]), float(record["Lon"])
            except (KeyError, TypeError, ValueError):
                continue
            if name:
                rows.append(Row(name, lat, lon, (record.get("More information") or "").strip()))
    return rows


def _outcome(row: Row, present: bool, reachable: bool | None, status: str, place: Place | None,
             method: str) -> Outcome:
    km = haversine_km(place.lat, place.lon, row.lat, row.lon) if place is not None else None
    return Outcome(row, present, reachable, status, place, method, km)


def frontline_outcomes(gazetteer: Gazetteer, rows: Sequence[Row], *, with_prose: bool,
                       cues: Cues | None = None) -> list[Outcome]:
    """Resolve every row's name with the theatre's countries (or `cues`), plus the cues of its prose when asked."""
    theatre = cues or Cues(countries=DEFAULT_COUNTRIES)
    out = []
    for row in rows:
        found = gazetteer.candidates(row.name)
        if not found:
            key = gazetteer.fuzzy_key(row.name)
            found = gazetteer.index.candidates(key) if key else []
        reachable = any(haversine_km(c.place.lat, c.place.lon, row.lat, row.lon) <= NEAR_KM for c in found)
        cues = gazetteer.cues_from_text(row.prose) if with_prose and row.prose else theatre
        result = gazetteer.resolve(row.name, cues)
        out.append(_outcome(row, bool(found), reachable, result.status, result.best, result.method))
    return out


def baseline_table(countries: Iterable[str] = DEFAULT_COUNTRIES) -> dict[str, Place]:
    """Return normalized name -> most populous place, over cities500's own names in `countries`."""
    wanted = set(countries)
    best: dict[str, Place] = {}
    for entry in read_embedded_cities():
        if entry.place.country not in wanted:
            continue
        for name in entry.names:
            key = normalize(name)
            if key and (key not in best or entry.place.population > best[key].population):
                best[key] = entry.place
    return best


def baseline_outcomes(table: dict[str, Place], rows: Sequence[Row]) -> list[Outcome]:
    """Resolve every row's name by exact match in the baseline table (always 'resolved' when found)."""
    out = []
    for row in rows:
        place = table.get(normalize(row.name))
        out.append(_outcome(row, place is not None, None, "resolved" if place else "unresolved", place, "exact"))
    return out


def score(label: str, outcomes: Sequence[Outcome]) -> Score:
    """Count the metrics: a place counts as right or wrong only when its status is 'resolved'."""
    resolved = [o for o in outcomes if o.status == "resolved" and o.km is not None]
    return Score(
        label=label,
        rows=len(outcomes),
        present=sum(o.present for o in outcomes),
        reachable=None if any(o.reachable is None for o in outcomes) else sum(bool(o.reachable) for o in outcomes),
        right=sum(o.km <= NEAR_KM for o in resolved),  # type: ignore[operator]
        near_miss=sum(NEAR_KM < o.km <= FAR_KM for o in resolved),  # type: ignore[operator]
        wrong_far=sum(o.km > FAR_KM for o in resolved),  # type: ignore[operator]
        ambiguous=sum(o.status == "ambiguous" for o in outcomes),
        unresolved=sum(o.status == "unresolved" for o in outcomes),
    )


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f}%" if whole else "-"


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _describe(o: Outcome) -> str:
    if o.place is None:
        return f"{o.row.name} -> (none)"
    p = o.place
    return (f"{o.row.name} -> {p.name} ({p.country} {p.admin1}, geonameid {p.geonameid}, pop {p.population:,}) "
            f"{o.km:.0f} km from the listed point [{o.status}, {o.method}]")


def accuracy_report(gazetteer: Gazetteer, rows: Sequence[Row], verbose: int) -> list[str]:
    """Return the accuracy section (markdown)."""
    plain = frontline_outcomes(gazetteer, rows, with_prose=False)
    prose = frontline_outcomes(gazetteer, rows, with_prose=True)
    geocode = frontline_outcomes(gazetteer, rows, with_prose=False, cues=gazetteer.default_cues())
    t0 = time.perf_counter()
    table = baseline_table()
    base = baseline_outcomes(table, rows)
    base_s = time.perf_counter() - t0
    scores = [score("frontline, theatre cues (UA,RU)", plain), score("frontline, + cues of the row's prose", prose),
              score("frontline, default cues of `frontline geocode` (UA,RU + the front as focus)", geocode),
              score("baseline: exact cities500 names, most populous", base)]
    distinct = len({normalize(r.name) for r in rows})
    out = [
        f"## Accuracy against {REFERENCE.name}",
        "",
        f"{len(rows)} rows, {distinct} distinct names (a repeated name is a different village: one answer cannot be "
        f"right for both). Right = resolved within {NEAR_KM:.0f} km; wrong-far = resolved more than {FAR_KM:.0f} km "
        f"away; percentages of right and wrong-far are of the names present in that method's table. Baseline table "
        f"built in {base_s:.1f} s.",
        "",
        markdown_table(["method", "rows", "present (coverage)", "listed place among candidates",
                        f"right <= {NEAR_KM:.0f} km (accuracy)",
                        f"resolved {NEAR_KM:.0f}-{FAR_KM:.0f} km", f"wrong-far > {FAR_KM:.0f} km", "ambiguous",
                        "unresolved"], (s.cells() for s in scores)),
        "",
    ]
    for s in scores[:3]:
        acc = s.right / s.present if s.present else 0.0
        far = s.wrong_far / s.present if s.present else 0.0
        out.append(f"- {s.label}: accuracy {100 * acc:.1f}% (target >= {100 * TARGET_ACCURACY:.0f}%: "
                   f"{'met' if acc >= TARGET_ACCURACY else 'NOT met'}), wrong-far {100 * far:.1f}% "
                   f"(target <= {100 * TARGET_WRONG_FAR:.0f}%: {'met' if far <= TARGET_WRONG_FAR else 'NOT met'})")
    for label, outcomes in (("theatre cues", plain), ("prose cues", prose), ("default cues", geocode)):
        # The names whose listed place the index holds: where a ranking can be right at all.
        reach = [o for o in outcomes if o.reachable]
        right = sum(o.status == "resolved" and o.km is not None and o.km <= NEAR_KM for o in reach)
        far = sum(o.status == "resolved" and o.km is not None and o.km > FAR_KM for o in reach)
        amb = sum(o.status == "ambiguous" for o in reach)
        out.append(f"- {label}, the {len(reach)} names whose listed place is among the candidates: right {right} "
                   f"({_pct(right, len(reach))}), wrong-far {far} ({_pct(far, len(reach))}), ambiguous {amb}")
    for label, outcomes in (("default cues", geocode), ("prose cues", prose)):
        # Settlements whose own point no source confirms carry their hromada's centre (precision "hromada").
        approx = [o for o in outcomes if o.status == "resolved" and o.place is not None and o.km is not None
                  and o.place.precision != "point"]
        out.append(f"- {label}: {len(approx)} answers are approximate (hromada centre): "
                   f"{sum(o.km <= NEAR_KM for o in approx)} within {NEAR_KM:.0f} km, "  # type: ignore[operator]
                   f"{sum(o.km > 25.0 for o in approx)} beyond 25 km")  # type: ignore[operator]
    changed = sum(a.status != b.status or a.place != b.place for a, b in zip(plain, prose, strict=True))
    out.append(f"- the prose cues changed the answer for {changed} of {len(rows)} rows")
    missing = [o.row.name for o in plain if not o.present]
    out.append(f"- not in the index ({len(missing)}): {', '.join(missing[:25])}{' ...' if len(missing) > 25 else ''}")
    if verbose:
        for label, outcomes in (("theatre cues", plain), ("prose cues", prose), ("baseline", base)):
            wrong = [o for o in outcomes if o.status == "resolved" and o.km is not None and o.km > FAR_KM]
            mid = [o for o in outcomes if o.status == "resolved" and o.km is not None and NEAR_KM < o.km <= FAR_KM]
            amb_items = [o for o in outcomes if o.status == "ambiguous"]
            sections = ((f"wrong-far ({label})", wrong), (f"resolved {NEAR_KM:.0f}-{FAR_KM:.0f} km ({label})", mid),
                        (f"ambiguous ({label})", amb_items))
            for title, items in sections:
                if label == "baseline" and (title.startswith("ambiguous") or verbose < 2):
                    continue
                out += ["", f"### {title}: {len(items)}", ""]
                out += [f"- {_describe(o)}" for o in sorted(items, key=lambda o: o.row.name)]
    return out


# -- the dev articles' names -----------------------------------------------------------------------------

# The gold of the development sets only: the held-out sets (test_articles_*) are never read here.
DEV_GOLD = (*sorted((ROOT / "tests" / "data" / "gold").glob("dev_articles*.jsonl")),
            ROOT.parent / "shared" / "dev" / "seeds_gold.jsonl")
DEV_RIGHT_KM = 15.0  # the events' matching rule


def read_dev_gold(paths: Iterable[Path] = DEV_GOLD) -> list[tuple[str, str, float, float]]:
    """Return the distinct (name, sentence, lat, lon) of the dev gold rows, in file order."""
    seen: dict[tuple[str, str], tuple[str, str, float, float]] = {}
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                key = (row["place"], row.get("sentence") or "")
                seen.setdefault(key, (*key, float(row["lat"]), float(row["lon"])))
    return list(seen.values())


def dev_gold_report(gazetteer: Gazetteer, verbose: int) -> list[str]:
    """Return the dev-gold section: each gold name resolved with its own sentence as context (hard areas apply)."""
    rows = read_dev_gold()
    counts = {"right": 0, "near": 0, "far": 0, "ambiguous": 0, "unresolved": 0, "approximate": 0}
    bad: list[str] = []
    for name, sentence, lat, lon in rows:
        result = gazetteer.resolve(name, gazetteer.cues_from_text(sentence))
        if result.status != "resolved" or result.best is None:
            counts["ambiguous" if result.status == "ambiguous" else "unresolved"] += 1
            if verbose > 1:
                bad.append(f"- {result.status}: {name} ({sentence[:90]})")
            continue
        p = result.best
        km = haversine_km(p.lat, p.lon, lat, lon)
        counts["approximate"] += p.precision != "point"
        kind = "right" if km <= DEV_RIGHT_KM else "near" if km <= FAR_KM else "far"
        counts[kind] += 1
        if kind != "right" and verbose:
            bad.append(f"- {kind}: {name} -> {p.name} ({p.country} {p.admin1}, {p.admin2}, {p.precision}) "
                       f"{km:.0f} km ({sentence[:90]})")
    n = len(rows)
    out = ["## The dev articles' names", "",
           f"{n} distinct name-sentence pairs of the dev gold (every dev_articles*.jsonl and the seeds), "
           f"each resolved with its "
           f"sentence as context: right (<= {DEV_RIGHT_KM:.0f} km) {counts['right']} ({_pct(counts['right'], n)}), "
           f"{DEV_RIGHT_KM:.0f}-{FAR_KM:.0f} km {counts['near']}, wrong-far {counts['far']} "
           f"({_pct(counts['far'], n)}), ambiguous {counts['ambiguous']}, unresolved {counts['unresolved']}; "
           f"{counts['approximate']} answers approximate (hromada centre)."]
    if bad:
        out += ["", *sorted(bad)]
    return out


# -- speed and memory -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Measured:
    """A finished child process: wall time, peak resident memory, exit code and output."""

    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(cmd: Sequence[str], env: dict[str, str] | None = None) -> Measured:
    """Run `cmd` and return its wall time and peak RSS (ru_maxrss from os.wait4, in a small launcher)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".json") as report:
        subprocess.run([sys.executable, "-S", "-c", LAUNCHER, report.name, *cmd], stdout=out, stderr=err,
                       env=env, check=True)
        seconds, maxrss_kb, returncode = json.load(report)
        out.seek(0)
        err.seek(0)
        return Measured(seconds, maxrss_kb / 1024.0, returncode, out.read().decode("utf-8", "replace"),
                        err.read().decode("utf-8", "replace"))


def _env(cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if cache is not None:
        env["FRONTLINE_CACHE"] = str(cache)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def _worker(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args]


def _frontline() -> str:
    beside = Path(sys.executable).parent / "frontline"
    return str(beside) if beside.exists() else (shutil.which("frontline") or "frontline")


def _check(m: Measured, what: str) -> Measured:
    if m.returncode != 0:
        raise SystemExit(f"{what} failed with exit code {m.returncode}: {m.stderr.strip()[-500:]}")
    return m


def worker_build() -> None:
    """Open (building) the gazetteer of $FRONTLINE_CACHE and load the spotter table; print the timings."""
    t0 = time.perf_counter()
    gazetteer = Gazetteer.open(progress=lambda _m: None)
    opened = time.perf_counter() - t0
    keys = len(gazetteer.spotter)
    print(json.dumps({"open_s": opened, "spotter_s": time.perf_counter() - t0 - opened, "spotter_keys": keys,
                      "counts": gazetteer.index.counts()}))


def worker_first() -> None:
    """Open the gazetteer and resolve one name (the cold-start path of a library user)."""
    gazetteer = Gazetteer.open(progress=lambda _m: None)
    print(gazetteer.resolve("Kupyansk").status)


def worker_lookups(distinct: int, repeats: int, fuzzy: int) -> None:
    """Time exact lookups of distinct names (cold, then with warm index caches), repeated names and fuzzy ones."""
    t0 = time.perf_counter()
    gazetteer = Gazetteer.open(progress=lambda _m: None)
    keys = sorted(gazetteer.spotter)
    open_s = time.perf_counter() - t0
    names = random.Random(7).sample(keys, min(distinct, len(keys)))
    result: dict[str, object] = {"open_s": open_s, "spotter_keys": len(keys)}

    def rate(label: str, gaz: Gazetteer, items: Sequence[str]) -> dict[str, object]:
        t = time.perf_counter()
        statuses = [gaz.resolve(n).status for n in items]
        seconds = time.perf_counter() - t
        result[label] = {"n": len(items), "seconds": seconds, "per_s": len(items) / seconds,
                         "resolved": statuses.count("resolved"), "ambiguous": statuses.count("ambiguous")}
        return result

    rate("exact_distinct_cold", gazetteer, names)  # rows and places decoded + rank for every name
    rate("exact_distinct_warm_index", Gazetteer(gazetteer.index), names)  # the index keeps the places
    hot = [HOT_NAMES[i % len(HOT_NAMES)] for i in range(repeats)]
    rate("exact_repeated", gazetteer, hot)  # the resolution memo answers
    # Fuzzy: one letter of a distinct key replaced, so that no exact key matches and the fuzzy pool is searched.
    rng = random.Random(11)
    spot = gazetteer.spotter
    misspelled: list[str] = []
    for key in rng.sample(keys, len(keys)):
        if len(misspelled) >= fuzzy:
            break
        if len(key) < 7 or " " in key:
            continue
        i = rng.randrange(2, len(key) - 1)
        variant = key[:i] + rng.choice("aeiouykh".replace(key[i], "")) + key[i + 1:]
        if variant not in spot and not gazetteer.candidates(variant):
            misspelled.append(variant)
    rate("fuzzy_distinct", gazetteer, misspelled)
    matched = sum(gazetteer.fuzzy_key(n) is not None for n in misspelled)
    result["fuzzy_matched"] = matched
    print(json.dumps(result))


def _median_runs(cmd: Sequence[str], env: dict[str, str], runs: int, what: str) -> tuple[float, float, float]:
    samples = [_check(run_measured(cmd, env), what) for _ in range(runs)]
    return (statistics.median(m.seconds for m in samples), min(m.seconds for m in samples),
            max(m.peak_rss_mb for m in samples))


def speed_report(args: argparse.Namespace) -> list[str]:
    """Return the speed and memory section (markdown)."""
    rows: list[list[str]] = []
    env = _env()
    if args.build:
        with tempfile.TemporaryDirectory(prefix="frontline-gaz-") as tmp:
            m = _check(run_measured(_worker("build"), _env(Path(tmp))), "the clean build")
            info = json.loads(m.stdout)
            size = (Path(tmp) / "gazetteer.sqlite").stat().st_size / 1e6
            rows.append(["index build, clean cache (whole process)", f"{m.seconds:.1f} s",
                         f"open+build {info['open_s']:.1f} s, spotter table {info['spotter_s']:.2f} s, "
                         f"{info['counts']['names']:,} name rows, {size:.0f} MB file",
                         f"{m.peak_rss_mb:.0f} MB", _verdict(m.seconds < TARGET_BUILD_S, f"< {TARGET_BUILD_S:.0f} s")])
    # Make sure the cache used below is built, so that no cold start pays for a build.
    _check(run_measured(_worker("build"), env), "opening the gazetteer")
    runs = args.runs
    py = _median_runs([sys.executable, "-c", "pass"], env, runs, "python")
    rows.append(["python -c pass (interpreter alone)", f"{py[0]:.3f} s", f"min {py[1]:.3f} s, {runs} runs",
                 f"{py[2]:.0f} MB", ""])
    imp = _median_runs([sys.executable, "-c", "import frontline.cli"], env, runs, "import")
    rows.append(["import frontline.cli", f"{imp[0]:.3f} s", f"min {imp[1]:.3f} s", f"{imp[2]:.0f} MB", ""])
    cli = _median_runs([_frontline(), "geocode", "Kupyansk", "--json"], env, runs, "frontline geocode")
    rows.append(["`frontline geocode Kupyansk --json`", f"{cli[0]:.3f} s", f"min {cli[1]:.3f} s, {runs} runs",
                 f"{cli[2]:.0f} MB", _verdict(cli[0] < TARGET_COLD_S, f"< {TARGET_COLD_S} s")])
    first = _median_runs(_worker("first"), env, runs, "first answer")
    rows.append(["python: Gazetteer.open() + resolve('Kupyansk')", f"{first[0]:.3f} s",
                 f"min {first[1]:.3f} s, {runs} runs", f"{first[2]:.0f} MB",
                 _verdict(first[0] < TARGET_COLD_S, f"< {TARGET_COLD_S} s")])
    m = _check(run_measured(_worker("lookups", str(args.distinct), str(args.repeats), str(args.fuzzy)), env),
               "the lookups")
    info = json.loads(m.stdout)
    labels = {
        "exact_distinct_cold": "exact, distinct names (rows and places decoded + rank each)",
        "exact_distinct_warm_index": "exact, same distinct names again, new memo (places decoded already)",
        "exact_repeated": f"exact, {len(HOT_NAMES)} hot names repeated (memo)",
        "fuzzy_distinct": "fuzzy, distinct one-letter misspellings",
    }
    for key, label in labels.items():
        r = info[key]
        target = "" if key.startswith("fuzzy") else _verdict(r["per_s"] >= TARGET_EXACT_PER_S,
                                                             f">= {TARGET_EXACT_PER_S:,}/s")
        extra = f"; {info['fuzzy_matched']} matched a key" if key.startswith("fuzzy") else ""
        rows.append([label, f"{r['per_s']:,.0f} /s", f"{r['n']:,} lookups in {r['seconds']:.2f} s, "
                     f"{r['resolved']:,} resolved, {r['ambiguous']:,} ambiguous{extra}", "", target])
    rows.append(["lookups process (all of the above)", f"{m.seconds:.1f} s",
                 f"open {info['open_s']:.2f} s, {info['spotter_keys']:,} theatre keys", f"{m.peak_rss_mb:.0f} MB",
                 _verdict(m.peak_rss_mb < TARGET_RSS_MB, f"< {TARGET_RSS_MB:.0f} MB")])
    return ["## Speed and memory", "",
            "Wall times of new processes (warm OS file cache); peak RSS is the child's ru_maxrss (os.wait4).", "",
            markdown_table(["measure", "value", "detail", "peak RSS", "target"], rows)]


def _verdict(ok: bool, target: str) -> str:
    return f"{target}: {'met' if ok else 'NOT met'}"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no clean build, fewer lookups and runs")
    parser.add_argument("--verbose", "-v", action="count", default=0,
                        help="list wrong-far, 10-50 km and ambiguous names (-vv: the baseline's too)")
    parser.add_argument("--no-accuracy", action="store_true", help="skip the accuracy section")
    parser.add_argument("--no-speed", action="store_true", help="skip the speed and memory section")
    parser.add_argument("--no-dev-gold", action="store_true", help="skip the dev articles' names section")
    parser.add_argument("--build", action=argparse.BooleanOptionalAction, default=None,
                        help="time a clean index build in a temp cache (default: on, off with --quick)")
    parser.add_argument("--reference", type=Path, default=REFERENCE)
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, *rest = args.worker
        if kind == "build":
            worker_build()
        elif kind == "first":
            worker_first()
        else:
            worker_lookups(*(int(x) for x in rest))
        return 0
    args.build = (not args.quick) if args.build is None else args.build
    args.runs = 3 if args.quick else 7
    args.distinct = 10_000 if args.quick else 50_000
    args.repeats = 200_000 if args.quick else 1_000_000
    args.fuzzy = 300 if args.quick else 2_000

    cache = os.environ.get("FRONTLINE_CACHE") or "default"
    print(f"# Gazetteer benchmark ({'quick' if args.quick else 'full'}; cache {cache})")
    print()
    if not args.no_accuracy:
        gazetteer = Gazetteer.open()
        print("\n".join(accuracy_report(gazetteer, read_reference(args.reference), args.verbose)))
        print()
    if not args.no_dev_gold:
        print("\n".join(dev_gold_report(Gazetteer.open(), args.verbose)))
        print()
    if not args.no_speed:
        print("\n".join(speed_report(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
