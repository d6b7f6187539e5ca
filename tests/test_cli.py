"""The command line through click's CliRunner: exit codes, one-line errors, warnings, outputs, escaping.

Every command runs in-process against the real gazetteer (opened once per session), with `-j 1`.
Subprocess tests of the installed `frontline` script (signals, pipes, tracebacks) are in test_robustness.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from frontline.cli import cli
from frontline.group import error_line
from gazetteer.gazetteer import Gazetteer
from geo.articles import EXTENSIONS

from .helpers import write

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUTPUTS = ["control.geojson", "control_areas.geojson", "control_places.geojson", "events.csv", "events.geojson",
           "front_line.geojson", "map.html", "unresolved.csv"]
LOOKED_FOR = ", ".join(EXTENSIONS)
# One sentence the detector reads as Ukraine retaking Izium; the tests are about everything around it.
EVENT = "Ukrainian forces recaptured Izium, the army said."
# A paragraph of Cyrillic after the event sentence, for the encoding rows.
RUSSIAN = "Украинские войска вернули контроль над городом, сообщили в Генштабе. Город был под оккупацией с апреля."
UKRAINIAN = "Українські війська звільнили місто, повідомив Генеральний штаб. Місто було під окупацією з квітня."

Invoke = Callable[..., Result]




def records(result: Result) -> list[dict[str, object]]:
    """Return the JSONL records a run printed on stdout."""
    return [json.loads(line) for line in result.stdout.splitlines()]


def warnings_of(result: Result) -> list[str]:
    """Return the warning lines a run printed on stderr."""
    return [line for line in result.stderr.splitlines() if line.startswith("Warning: ")]


def summary_of(result: Result) -> str:
    """Return the closing summary line, with its timing replaced by 'T'."""
    lines = [line for line in result.stderr.splitlines() if re.match(r"frontline: \d+ articles? read", line)]
    assert len(lines) == 1, result.stderr
    return re.sub(r"[\d.]+ s$", "T", lines[0])


# --- help -------------------------------------------------------------------------------------------------


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, command in sorted(group.commands.items()):
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
        else:
            paths.append((*prefix, name))
    return paths


HELP_PATHS = [(), ("eval",), ("events",), ("gazetteer",), ("gazetteer", "build"), ("gazetteer", "download"),
              ("gazetteer", "import"), ("gazetteer", "info"), ("geocode",), ("ingest",), ("map",)]  # fmt: skip


def test_the_help_table_lists_every_command() -> None:
    assert sorted(_command_paths(cli)) == sorted(HELP_PATHS)


@pytest.mark.parametrize("flag", ["--help", "-h"])
@pytest.mark.parametrize("path", HELP_PATHS, ids=lambda p: " ".join(p) or "frontline")
def test_every_command_has_help_with_an_example(path: tuple[str, ...], flag: str) -> None:
    result = CliRunner().invoke(cli, [*path, flag], prog_name="frontline")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.startswith(f"Usage: frontline {' '.join(path)}".rstrip() + " ")
    example = result.stdout.split("Example:\n", 1)[1].splitlines()[0].strip()
    assert example.startswith(f"frontline {' '.join(path)}".rstrip())


@pytest.mark.parametrize("path", [(), ("gazetteer",)], ids=["frontline", "gazetteer"])
def test_a_group_without_a_command_shows_its_help(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, list(path), prog_name="frontline")
    assert result.exit_code == 2  # as click does: no command is a usage error, answered with the help
    assert result.stderr.startswith(f"Usage: frontline {' '.join(path)}".rstrip() + " [OPTIONS] COMMAND [ARGS]...")
    assert "Example:" in result.stderr and "Error" not in result.stderr


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"], prog_name="frontline")
    assert result.exit_code == 0
    assert re.fullmatch(r"frontline, version \d+\.\d+\.\d+\S*\n", result.stdout)


# --- exit codes -------------------------------------------------------------------------------------------


def test_all_inputs_read_exits_0(run: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", EVENT)
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 0, result.stderr
    assert [(r["article"], r["name"], r["kind"], r["side"]) for r in records(result)] == [
        ("a.txt", "Izyum", "retaken", "UA")
    ]
    assert warnings_of(result) == []
    assert summary_of(result) == "frontline: 1 article read, 0 skipped, 1 event, 1 place, 0 unresolved names, T"


def test_seeds_map_exits_0_and_writes_every_output(run: Invoke, tmp_path: Path) -> None:
    result = run("map", SEEDS, "-o", tmp_path / "out", "-j", 1)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{(tmp_path / 'out' / 'map.html').resolve()}\n"
    assert sorted(os.listdir(tmp_path / "out")) == OUTPUTS  # and no temporary file left behind
    page = (tmp_path / "out" / "map.html").read_text(encoding="utf-8")
    months = {json.loads(line)["date"][:7] for line in run("events", SEEDS, "-q", "-j", 1).stdout.splitlines()}
    assert len(months) >= 3
    for month in months:  # one layer per month that has events
        assert f'"{month}"' in page


def test_some_inputs_skipped_exits_1_and_the_summary_names_them(run: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", EVENT)
    write(tmp_path / "b.bin.txt", bytes(range(256)) * 4)
    write(tmp_path / "c.md", b"")
    write(tmp_path / "d.jsonl", '{"text": "' + EVENT + '"}\nnot json\n{"text": 5}\n')
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 1
    assert [r["article"] for r in records(result)] == ["a.txt", "d.jsonl:1"]
    assert warnings_of(result) == [
        f"Warning: {tmp_path / 'b.bin.txt'}: skipped: binary file (NUL bytes)",
        f"Warning: {tmp_path / 'c.md'}: skipped: empty file",
        f"Warning: {tmp_path / 'd.jsonl'}:2: skipped: not valid JSON (Expecting value at column 1)",
        f"Warning: {tmp_path / 'd.jsonl'}:3: skipped: field 'text' is a number, not a string",
    ]
    assert summary_of(result) == "frontline: 2 articles read, 4 skipped, 2 events, 1 place, 0 unresolved names, T"
    assert result.stderr.splitlines()[-1] == (
        f"frontline: skipped {tmp_path / 'b.bin.txt'}, {tmp_path / 'c.md'}, {tmp_path / 'd.jsonl'}:2, "
        f"{tmp_path / 'd.jsonl'}:3"
    )


def test_a_word_document_in_a_directory_is_a_warning_and_exits_1(run: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", EVENT)
    write(tmp_path / "b.docx", b"PK\x03\x04\x00\x00word/document.xml")
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 1
    assert [r["article"] for r in records(result)] == ["a.txt"]
    assert warnings_of(result) == [
        f"Warning: {tmp_path / 'b.docx'}: skipped: .docx files are not read; save the article as .txt, .md or .html"
    ]
    assert result.stderr.splitlines()[-1] == f"frontline: skipped {tmp_path / 'b.docx'}"


def test_the_summary_names_ten_skipped_inputs_then_counts_the_rest(run: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", EVENT)
    for i in range(12):
        write(tmp_path / f"empty{i:02d}.txt", b"")
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 1
    named = ", ".join(str(tmp_path / f"empty{i:02d}.txt") for i in range(10))
    assert result.stderr.splitlines()[-1] == f"frontline: skipped {named} and 2 more"


def test_quiet_run_with_skips_exits_1_and_prints_nothing(run: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "a.txt", EVENT)
    write(tmp_path / "b.txt", b"")
    result = run("events", tmp_path, "-q", "-j", 1)
    assert (result.exit_code, result.stderr) == (1, "")
    assert len(records(result)) == 1


@pytest.mark.parametrize("command", ["events", "map"])
def test_nothing_readable_exits_2_and_writes_nothing(run: Invoke, tmp_path: Path, command: str) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "a.txt", b"\x00\x01\x02binary")
    write(corpus / "b.html", "<html><body><script>only()</script></body></html>")
    out = tmp_path / "out"
    write(out / "map.html", "previous map")
    result = run(command, corpus, "-o" if command == "map" else "--format", out if command == "map" else "csv",
                 "-j", 1)  # fmt: skip
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == (
        "Error: none of the 2 input file(s) held a readable article (see the warnings above)"
    )
    assert os.listdir(out) == ["map.html"] and (out / "map.html").read_text() == "previous map"


# --- paths ------------------------------------------------------------------------------------------------


def _missing(tmp: Path) -> tuple[list[Path], str]:
    return [tmp / "nope"], f"no such file or directory: {tmp / 'nope'}"


def _empty_dir(tmp: Path) -> tuple[list[Path], str]:
    (tmp / "empty").mkdir()
    return [tmp / "empty"], f"no article files ({LOOKED_FOR}) in {tmp / 'empty'}"


def _other_files(tmp: Path) -> tuple[list[Path], str]:
    write(tmp / "docs" / "report.pdf", b"%PDF")
    write(tmp / "docs" / "manifest.csv", "file,published\n")
    write(tmp / "docs" / ".hidden.txt", EVENT)
    return [tmp / "docs"], f"no article files ({LOOKED_FOR}) in {tmp / 'docs'}"


def _fifo(tmp: Path) -> tuple[list[Path], str]:
    os.mkfifo(tmp / "pipe")
    return [tmp / "pipe"], f"not a file or directory: {tmp / 'pipe'}"


def _one_good_one_missing(tmp: Path) -> tuple[list[Path], str]:
    write(tmp / "a.txt", EVENT)
    return [tmp / "a.txt", tmp / "gone.txt"], f"no such file or directory: {tmp / 'gone.txt'}"


@pytest.mark.parametrize("make", [_missing, _empty_dir, _other_files, _fifo, _one_good_one_missing])
@pytest.mark.parametrize("command", ["events", "map", "eval"])
def test_unusable_sources_exit_2_naming_them(
    run: Invoke, tmp_path: Path, command: str, make: Callable[[Path], tuple[list[Path], str]]
) -> None:
    sources, message = make(tmp_path)
    out = tmp_path / "out"
    head: dict[str, list[object]] = {
        "events": ["events"], "map": ["map", "-o", out], "eval": ["eval", write(tmp_path / "g.jsonl", "")]
    }  # fmt: skip
    result = run(*head[command], *sources, "-j", 1)
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == ("", f"Error: {message}\n")
    assert not out.exists()  # a bad source is reported before the output directory is made


# --- content ----------------------------------------------------------------------------------------------


def _front_matter(title: str, body: str) -> str:
    return f"---\ntitle: {title}\npublished: 2022-09-10\n---\n{body}"


ENCODED = [
    ("cp1251 Russian", _front_matter("Изюм освобождён", f"{EVENT}\n\n{RUSSIAN}\n").encode("cp1251"), "Изюм освобождён"),
    ("cp1251 Ukrainian", _front_matter("Ізюм звільнено", f"{EVENT}\n\n{UKRAINIAN}\n").encode("cp1251"),
     "Ізюм звільнено"),
    ("koi8-r", _front_matter("Изюм освобождён", f"{EVENT}\n\n{RUSSIAN}\n").encode("koi8-r"), "Изюм освобождён"),
    ("utf-16 LE BOM", _front_matter("Ізюм", f"{EVENT}\n\n{UKRAINIAN}\n").encode("utf-16"), "Ізюм"),
    ("utf-16 BE BOM", b"\xfe\xff" + _front_matter("Ізюм", f"{EVENT}\n").encode("utf-16-be"), "Ізюм"),
    ("utf-8 BOM", _front_matter("Ізюм", f"{EVENT}\n").encode("utf-8-sig"), "Ізюм"),
    ("latin-1 German", _front_matter("Isjum zurückerobert", f"{EVENT}\n\nGrößere Verluste wurden gemeldet.\n")
     .encode("latin-1"), "Isjum zurückerobert"),
    ("cp1252 quotes", _front_matter("“Izium” – retaken…", f"{EVENT}\n\nThe army’s statement – in full…\n")
     .encode("cp1252"), "“Izium” – retaken…"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "title"), [row[1:] for row in ENCODED], ids=[row[0] for row in ENCODED])
def test_non_utf8_text_is_detected_and_decoded(run: Invoke, tmp_path: Path, data: bytes, title: str) -> None:
    write(tmp_path / "a.txt", data)
    result = run("events", tmp_path, "--format", "geojson", "-j", 1)
    assert result.exit_code == 0, result.stderr
    assert warnings_of(result) == []
    features = json.loads(result.stdout)["features"]
    assert [(f["properties"]["title"], f["properties"]["name"], f["properties"]["date"]) for f in features] == [
        (title, "Izyum", "2022-09-10")
    ]


# Short legacy-encoded texts, where charset-normalizer alone picks a wrong code page (cp1251 read as GB2312,
# latin-1 as cp1250): the loader scores the region's code pages by how word-like the decoded text is.
SHORT_LEGACY = [
    ("cp1251 short", _front_matter("Ізюм", f"{EVENT}\n").encode("cp1251"), "Ізюм"),
    ("latin-1 French", _front_matter("Izioum repris à l'ennemi, très vite", f"{EVENT}\n\n« Izioum a été repris à "
     "l'ennemi », a déclaré l'état-major, très satisfait.\n").encode("latin-1"), "Izioum repris à l'ennemi, très vite"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "title"), [row[1:] for row in SHORT_LEGACY], ids=[row[0] for row in SHORT_LEGACY])
def test_short_legacy_encoded_text_is_decoded(run: Invoke, tmp_path: Path, data: bytes, title: str) -> None:
    test_non_utf8_text_is_detected_and_decoded(run, tmp_path, data, title)


def test_html_is_reduced_to_its_text(run: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "page.html", (
        "<html><head><title>Izium</title><style>p { color: red }</style>"
        "<script>var s = 'Russian troops captured Kupiansk, the ministry said.';</script></head>"
        "<body><nav>Home | News</nav><p>Ukrainian <b>forces</b> recaptured <a href='/x'>Izium</a>, "
        "the army said.</p></body></html>"
    ))  # fmt: skip
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 0, result.stderr
    assert [(r["name"], r["sentence"]) for r in records(result)] == [("Izyum", EVENT)]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"  \n\n\t\n", "empty file (no text)"),
        ("empty.html", b"<html><body></body></html>", "no text in the page once markup is removed"),
        ("empty.jsonl", b"", "empty file"),
        ("empty.json", b"[]", "no records (an empty list)"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary file (NUL bytes)"),
        ("bad.json", b'{"text": ', "line 1: not valid JSON (Expecting value at column 10)"),
    ],
)
def test_unusable_files_are_skipped_by_name_while_the_rest_are_read(
    run: Invoke, tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    write(tmp_path / "a.txt", EVENT)
    write(tmp_path / name, data)
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 1
    assert [r["article"] for r in records(result)] == ["a.txt"]
    assert warnings_of(result) == [f"Warning: {tmp_path / name}: skipped: {reason}"]


# --- manifest and JSON ------------------------------------------------------------------------------------


def test_manifest_problems_are_warnings_with_file_and_line_and_never_a_wrong_date(run: Invoke, tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt", "c.txt", "d.txt", "e.txt"):
        write(tmp_path / name, EVENT)
    manifest = write(tmp_path / "manifest.csv", (
        "file,published,outlet\n"
        "a.txt,2022-02-30,Reuters\n"
        "b.txt,2022-09-10,AP\n"
        "b.txt,2022-09-11,AP\n"
        "ghost.txt,2022-09-10,AP\n"
        "c.txt\n"
        "d.txt,,AP\n"
        "e.txt,2022-09-12,AP\n"
        "e.txt,2022-09-12,AP\n"
    ))  # fmt: skip
    result = run("events", tmp_path, "--date", "2020-01-01", "-j", 1)
    assert result.exit_code == 0  # warnings only: every article was read
    assert warnings_of(result) == [
        f"Warning: {manifest}:2: bad date '2022-02-30' (expected YYYY-MM-DD or an ISO datetime); "
        "the article is treated as undated",
        f"Warning: {manifest}:4: b.txt is also on line 3 with another date; it is treated as undated",
        f"Warning: {manifest}:5: names ghost.txt, which does not exist in {tmp_path}",
        f"Warning: {manifest}:6: row has 1 cells but the header has 3; check the quoting",
        f"Warning: {manifest}:6: row has no 'published' cell; the article is treated as undated",
        f"Warning: {manifest}:9: duplicate row for e.txt (first on line 8); ignored",
    ]
    # A date the manifest gets wrong leaves the article undated: --date fills only a date nobody gave.
    assert {r["article"]: r["date"] for r in records(result)} == {
        "a.txt": None, "b.txt": None, "c.txt": None, "d.txt": "2020-01-01", "e.txt": "2022-09-12"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("manifest", "warning", "outlet"),
    [
        (b"name,date\na.txt,2022-01-01\n",
         ":1: manifest ignored: no 'file' column (columns: file, published, outlet, url, title)", ""),
        (b"file,outlet\na.txt,AP\n", ":1: no 'published' column; dates come from the articles themselves", "AP"),
        (b"\xff\xfe\x00\x00garbage", ": manifest ignored: starts with a utf-32 byte order mark but is not utf-32 text",
         ""),
    ],
    ids=["no-file-column", "no-published-column", "unreadable"],
)
def test_unusable_manifest_is_one_warning_and_the_articles_are_still_read(
    run: Invoke, tmp_path: Path, manifest: bytes, warning: str, outlet: str
) -> None:
    write(tmp_path / "a.txt", EVENT)
    path = write(tmp_path / "manifest.csv", manifest)
    result = run("events", tmp_path, "-j", 1)
    assert result.exit_code == 0
    assert warnings_of(result) == [f"Warning: {path}{warning}"]
    assert [(r["article"], r["date"], r["outlet"]) for r in records(result)] == [("a.txt", None, outlet)]


def test_json_records_with_bad_fields_are_warned_by_line_and_undated_or_skipped(run: Invoke, tmp_path: Path) -> None:
    feed = write(tmp_path / "feed.jsonl", "\n".join([
        json.dumps({"text": EVENT, "published": "2022-09-10"}),
        json.dumps({"text": EVENT, "published": "2022-13-45"}),  # bad date -> undated
        json.dumps({"text": EVENT, "published": 20220910}),  # wrong type -> undated
        "{broken",  # malformed -> skipped
        json.dumps(["not", "an", "object"]),  # wrong type -> skipped
        json.dumps({"body": 5}),  # wrong type -> skipped
        json.dumps({"title": "no text"}),  # missing field -> skipped
    ]) + "\n")  # fmt: skip
    result = run("events", feed, "--date", "2020-01-01", "-j", 1)
    assert result.exit_code == 1
    assert [w.split(": ", 2)[1] for w in warnings_of(result)] == [f"{feed}:{n}" for n in (2, 3, 4, 5, 6, 7)]
    assert {r["article"]: r["date"] for r in records(result)} == {
        "feed.jsonl:1": "2022-09-10", "feed.jsonl:2": None, "feed.jsonl:3": None
    }  # fmt: skip


# --- options ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["map", "SEEDS", "--period", "fortnightly"],
         "Invalid value for '--period': 'fortnightly' is not one of 'day', 'week', 'month', 'quarter', 'auto'. "
         "See 'frontline map --help'."),
        (["map", "SEEDS", "--date", "2022-13-45"],
         "Invalid value for '--date': date '2022-13-45' is not a valid YYYY-MM-DD date (for example 2022-09-10). "
         "See 'frontline map --help'."),
        (["events", "SEEDS", "--date", "10/09/2022"],
         "Invalid value for '--date': date '10/09/2022' is not a valid YYYY-MM-DD date (for example 2022-09-10). "
         "See 'frontline events --help'."),
        (["geocode", "Izium", "--near", "200,1"],
         "Invalid value for '--near': '200,1' is outside -90..90, -180..180 (LAT,LON, for example 49.99,36.23). "
         "See 'frontline geocode --help'."),
        (["geocode", "Izium", "--near", "49.9;36.2"],
         "Invalid value for '--near': '49.9;36.2' is not LAT,LON (for example 49.99,36.23). "
         "See 'frontline geocode --help'."),
        (["geocode", "Izium", "--country", "UKR"],
         "Invalid value for --country: 'UKR' is not a two-letter country code (for example UA). "
         "See 'frontline geocode --help'."),
        (["events", "SEEDS", "--countries", "U1"],
         "Invalid value for '--countries': U1 is not a two-letter country code (for example UA,RU). "
         "See 'frontline events --help'."),
        (["events", "SEEDS", "--format", "xml"],
         "Invalid value for '--format': 'xml' is not one of 'jsonl', 'csv', 'geojson', 'parquet'. "
         "See 'frontline events --help'."),
        (["events", "SEEDS", "--jobs", "0"],
         "Invalid value for '--jobs' / '-j': 0 is not in the range x>=1. See 'frontline events --help'."),
        (["map", "SEEDS", "--format", "shp"],
         "Invalid value for '--format': 'shp' is not one of 'geojson', 'csv', 'gpkg', 'parquet'. "
         "See 'frontline map --help'."),
        (["geocode", ""],
         "Invalid value for 'NAMES...': name 1 is empty; give a place name (for example Kupyansk). "
         "See 'frontline geocode --help'."),
        (["geocode", "Izium", "  "],
         "Invalid value for 'NAMES...': name 2 is empty; give a place name (for example Kupyansk). "
         "See 'frontline geocode --help'."),
        (["events"], "Missing argument 'SOURCES...'. See 'frontline events --help'."),
        (["frobnicate"], "No such command 'frobnicate'. See 'frontline --help'."),
        (["map", "SEEDS", "--bogus"], "No such option '--bogus'. Did you mean '--jobs'? See 'frontline map --help'."),
    ],
)  # fmt: skip
def test_bad_options_exit_2_with_one_line_naming_the_valid_form(run: Invoke, args: list[str], message: str) -> None:
    result = run(*[str(SEEDS) if a == "SEEDS" else a for a in args])
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == ("", f"Error: {message}\n")


@pytest.mark.parametrize("period", ["Month", "MONTH", "month"])
def test_period_is_read_whatever_its_case(run: Invoke, tmp_path: Path, period: str) -> None:
    result = run("map", SEEDS, "-o", tmp_path / "out", "--period", period, "-q", "-j", 1)
    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "out" / "map.html").read_text(encoding="utf-8")
    assert '"2022-09"' in page


def test_geocode_prints_the_resolution_text_lines(run: Invoke, gazetteer: Gazetteer) -> None:
    result = run("geocode", "Izium", "Nowhereville")
    assert result.exit_code == 0, result.stderr
    cues = gazetteer.default_cues()
    expected = [*gazetteer.resolve("Izium", cues).text_lines(), *gazetteer.resolve("Nowhereville", cues).text_lines()]
    assert result.stdout.splitlines() == expected
    assert expected[-1] == "Nowhereville: unresolved"


@pytest.mark.parametrize(
    ("message", "line"),
    [
        ("plain", "Error: plain"),
        ("two\nlines", "Error: two lines"),
        ("  padded\r\n\ttext  ", "Error: padded text"),
        (OSError(2, "No such file"), "Error: [Errno 2] No such file"),
    ],
)
def test_error_line_is_always_one_line(message: object, line: str) -> None:
    assert error_line(message) == line


# --- outputs ----------------------------------------------------------------------------------------------


def _unwritable_directory(tmp_path: Path) -> Path:
    if os.geteuid() != 0:
        folder = tmp_path / "locked"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    # root writes through permission bits; sysfs refuses new files to everyone.
    if not Path("/sys/kernel").is_dir():
        pytest.skip("running as root without /sys: no directory refuses writes")
    return Path("/sys/kernel")


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda t: write(t / "taken", "x"), "-o {out} is a file; give a directory for map.html and the exports"),
        (lambda t: write(t / "file", "x") / "sub", "cannot create the output directory {out}: Not a directory"),
        (_unwritable_directory, "cannot write into the output directory {out}: "),
        (lambda t: _unwritable_directory(t) / "new", "cannot create the output directory {out}: "),
    ],
    ids=["file", "below-a-file", "unwritable", "inside-unwritable"],
)
def test_unusable_output_directory_exits_2_before_the_run(
    run: Invoke, tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    out = make(tmp_path)
    result = run("map", SEEDS, "-o", out, "-j", 1)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {message.format(out=out)}")
    assert result.stderr.count("\n") == 1 and " read, " not in result.stderr


def test_same_inputs_give_byte_identical_outputs(run: Invoke, tmp_path: Path) -> None:
    for name in ("one", "two"):
        result = run("map", SEEDS, "-o", tmp_path / name, "-q", "-j", 1, "--format", "geojson", "--format", "csv")
        assert result.exit_code == 0, result.stderr
    for name in OUTPUTS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_rerun_replaces_outputs_and_leaves_no_temporary_files(run: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for name in OUTPUTS:
        write(out / name, "stale")
    write(out / "notes.txt", "mine")
    result = run("map", SEEDS, "-o", out, "-q", "-j", 1)
    assert result.exit_code == 0, result.stderr
    assert sorted(os.listdir(out)) == sorted([*OUTPUTS, "notes.txt"])
    assert all((out / name).read_text(encoding="utf-8") != "stale" for name in OUTPUTS)
    assert (out / "map.html").read_text(encoding="utf-8").rstrip().endswith("</html>")


# --- untrusted text ---------------------------------------------------------------------------------------

HOSTILE = {
    "text": "<script>alert('text')</script><img src=x onerror=alert('img')>",
    "title": "</script><script>alert('title')</script><!--",
    "outlet": "<b onmouseover=alert('outlet')>News</b>",
    "url": "javascript:alert('url')",
}


def _corpus(folder: Path, hostile: bool) -> Path:
    text = HOSTILE["text"] if hostile else "plain words here"
    write(folder / "a.txt", f"Ukrainian forces recaptured Izium {text}, the army said.\n")
    title = HOSTILE["title"] if hostile else "A title"
    outlet = HOSTILE["outlet"] if hostile else "Outlet"
    url = HOSTILE["url"] if hostile else "https://example.org/a"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["file", "published", "outlet", "url", "title"],
                                  ["a.txt", "2022-09-10", outlet, url, title]])  # fmt: skip
    write(folder / "manifest.csv", buffer.getvalue())
    return folder


def test_hostile_article_text_stays_inert_in_the_map_and_intact_in_the_exports(run: Invoke, tmp_path: Path) -> None:
    for name, hostile in (("hostile", True), ("benign", False)):
        result = run("map", _corpus(tmp_path / f"{name}-in", hostile), "-o", tmp_path / name, "-q", "-j", 1)
        assert result.exit_code == 0, result.stderr
    page = (tmp_path / "hostile" / "map.html").read_text(encoding="utf-8")
    benign = (tmp_path / "benign" / "map.html").read_text(encoding="utf-8")
    # No markup from the article reaches the page as markup: the same tags as a page of plain words.
    for tag in ("<script", "</script", "<img", "<b ", "<!--"):
        assert page.lower().count(tag) == benign.lower().count(tag), tag
    for raw in (*HOSTILE.values(), "onerror=alert('img')>", "<b onmouseover"):
        assert raw not in page, raw
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript", page, re.IGNORECASE)
    # The exports keep the text exactly, quoted by their own rules.
    props = json.loads((tmp_path / "hostile" / "events.geojson").read_text(encoding="utf-8"))["features"][0]
    sentence = f"Ukrainian forces recaptured Izium {HOSTILE['text']}, the army said."
    assert {k: props["properties"][k] for k in ("sentence", "title", "outlet", "url")} == {
        "sentence": sentence, "title": HOSTILE["title"], "outlet": HOSTILE["outlet"], "url": HOSTILE["url"]
    }  # fmt: skip
    with open(tmp_path / "hostile" / "events.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["sentence"], r["outlet"], r["url"]) for r in rows] == [(sentence, HOSTILE["outlet"], HOSTILE["url"])]
