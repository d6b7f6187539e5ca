"""Tests of geo.articles, geo.readers and geo.htmltext: finding, decoding, dating and streaming articles."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

from geo import articles
from geo.articles import (
    CHUNK_CHARS,
    EXTENSIONS,
    LoadStats,
    dateline_date,
    find_article_files,
    iter_articles,
    parse_published,
    split_chunks,
    split_front_matter,
)
from geo.errors import InputError
from geo.htmltext import html_to_text, sniff_charset
from geo.model import Article
from geo.readers import chunks, encodings, manifest

from .helpers import write

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
D = dt.date


def load(*sources: str | Path, default_date: dt.date | None = None) -> tuple[list[Article], list[str], LoadStats]:
    """Read `sources`; return the articles, the warnings and the stats."""
    warnings: list[str] = []
    stats = LoadStats()
    found = list(iter_articles(list(sources), default_date=default_date, warn=warnings.append, stats=stats))
    return found, warnings, stats




# --- finding files --------------------------------------------------------------------------------------------


def test_find_article_files_walks_directories_in_sorted_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "c.HTML", "d.json", "e.jsonl", "f.htm", "sub/z.txt", "sub/a.txt", "a0/x.txt"]:
        write(tmp_path / name, "x")
    for name in ["manifest.csv", ".hidden.txt", ".git/y.txt", "notes.csv", "image.png", "sub/manifest.csv"]:
        write(tmp_path / name, "x")
    found = find_article_files([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.md",
        "a0/x.txt",
        "b.txt",
        "c.HTML",
        "d.json",
        "e.jsonl",
        "f.htm",
        "sub/a.txt",
        "sub/z.txt",
    ]


def test_find_article_files_keeps_explicit_files_and_drops_repeats(tmp_path: Path) -> None:
    note = write(tmp_path / "notes", "x")
    first = write(tmp_path / "d" / "a.txt", "x")
    found = find_article_files([note, tmp_path / "d", first, str(first)])
    assert found == [note, first]


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (["missing.txt"], "no such file or directory: {tmp}/missing.txt"),
        (["empty"], f"no article files ({', '.join(EXTENSIONS)}) in {{tmp}}/empty"),
        (["only-manifest"], f"no article files ({', '.join(EXTENSIONS)}) in {{tmp}}/only-manifest"),
        (["ok.txt", "gone"], "no such file or directory: {tmp}/gone"),
        ([], "no input given: name article files or directories"),
    ],
)
def test_find_article_files_rejects_bad_sources(tmp_path: Path, sources: list[str], message: str) -> None:
    (tmp_path / "empty").mkdir()
    write(tmp_path / "empty" / "data.csv", "x")
    write(tmp_path / "only-manifest" / "manifest.csv", "file,published\n")
    write(tmp_path / "ok.txt", "x")
    with pytest.raises(InputError) as caught:
        find_article_files([tmp_path / source for source in sources])
    assert str(caught.value) == message.format(tmp=tmp_path)


def test_iter_articles_raises_for_missing_source_before_iterating(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        iter_articles([tmp_path / "nope"])


# --- the seeds ------------------------------------------------------------------------------------------------


def test_seeds_take_dates_outlets_and_titles_from_the_manifest() -> None:
    found, warnings, stats = load(SEEDS)
    assert [(a.id, a.published, a.outlet) for a in found] == [
        ("000_0c26f0313ce1c086.txt", D(2014, 7, 6), "AFP"),
        ("001_a442f3932f16e86b.txt", D(2025, 3, 12), "Al Jazeera / Reuters"),
        ("002_53f3ab4391899bac.txt", D(2022, 5, 23), "International Business Times"),
        ("003_6d692d127f428aa5.txt", D(2022, 9, 13), "Voice of America / Reuters"),
        ("004_c96be513e5640d2e.txt", D(2022, 9, 10), "AFP"),
    ]
    assert found[3].title == '"Taking It ALL Back" - Zelenskyy'
    assert found[4].path == str(SEEDS / "004_c96be513e5640d2e.txt")
    assert found[4].url == ""
    assert found[0].text.startswith("KIEV, July 6 - Resurgent Ukrainian forces")
    assert warnings == []
    assert (stats.files, stats.read, stats.articles, stats.skipped) == (5, 5, 5, [])


def test_seed_without_manifest_is_undated_because_its_dateline_has_no_year(tmp_path: Path) -> None:
    seed = shutil.copy(SEEDS / "000_0c26f0313ce1c086.txt", tmp_path)
    assert [(a.published, a.outlet, a.title) for a in load(seed)[0]] == [(None, "", "")]
    assert [a.published for a in load(seed, default_date=D(2014, 7, 7))[0]] == [D(2014, 7, 7)]


# --- dates ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-09-10", D(2022, 9, 10)),
        (" 2022-09-10 ", D(2022, 9, 10)),
        ("2022-09-10T08:15:00", D(2022, 9, 10)),
        ("2022-09-10T23:30:00+03:00", D(2022, 9, 10)),
        ("2022-09-10T23:30:00Z", D(2022, 9, 10)),
        ("2022-09-10 23:30", D(2022, 9, 10)),
        ("2022-09-10T23:30:00.123456-05:00", D(2022, 9, 10)),
    ],
)
def test_parse_published_accepts_iso_dates_and_datetimes(value: str, expected: dt.date) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "value",
    ["2022-13-01", "2022-02-30", "10/09/2022", "Sept. 10, 2022", "20220910", "2022-W36-6", "2022-09", "", "today"],
)
def test_parse_published_rejects_anything_else(value: str) -> None:
    with pytest.raises(ValueError, match="expected YYYY-MM-DD or an ISO datetime"):
        parse_published(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("KYIV, Sept. 10, 2022 (Reuters) - Ukrainian forces", D(2022, 9, 10)),
        ("KYIV, Sept 10, 2022 (Reuters) - Ukrainian forces", D(2022, 9, 10)),
        ("KHARKIV, Ukraine, September 10, 2022 — Troops", D(2022, 9, 10)),
        ("Kyiv, 10 September 2022 - Troops", D(2022, 9, 10)),
        ("KRAMATORSK, 2022-09-10 (AFP) - Troops", D(2022, 9, 10)),
        ("\n  MOSCOW, Feb. 24, 2022: Troops", D(2022, 2, 24)),
        ("Kryvyi Rih, Dnipropetrovsk Oblast, Sept. 10, 2022 - Troops", D(2022, 9, 10)),
        ("ST. PETERSBURG, Sept. 10, 2022 - Troops", D(2022, 9, 10)),
        ("KYIV, on Sept. 10, 2022 - lower-case region", None),
        ("KIEV, July 6 - Resurgent Ukrainian forces", None),
        ("KYIV, Sept 10 (Reuters) - Ukrainian forces", None),
        ("KYIV, Sept. 31, 2022 (Reuters) - impossible day", None),
        ("KYIV, Smarch 10, 2022 - no such month", None),
        ("Ukraine on Saturday, Sept. 10, 2022 - not at a dateline", None),
        ("Troops advanced. KYIV, Sept. 10, 2022 - later in the text", None),
        ("", None),
    ],
)
def test_dateline_date_needs_a_full_date_at_the_start(text: str, expected: dt.date | None) -> None:
    assert dateline_date(text) == expected


@pytest.mark.parametrize(
    ("text", "fields", "body"),
    [
        (
            "---\npublished: 2022-09-10\noutlet: AFP\n---\nBody\n",
            {"published": (2, "2022-09-10"), "outlet": (3, "AFP")},
            "Body\n",
        ),
        (
            "---\ndate: '2022-09-10'\nSource: \"Reuters\"\ntitle: A: B\nurl: https://x.test/a\nauthor: Z\n...\nB",
            {
                "published": (2, "2022-09-10"),
                "outlet": (3, "Reuters"),
                "title": (4, "A: B"),
                "url": (5, "https://x.test/a"),
            },
            "B",
        ),
        ("---\n---\nBody", {}, "Body"),
        ("---\npublished: 2022-09-10\nno closing line\n", {}, "---\npublished: 2022-09-10\nno closing line\n"),
        ("--- not front matter\n---\n", {}, "--- not front matter\n---\n"),
        ("Body\n---\npublished: 2022-09-10\n---\n", {}, "Body\n---\npublished: 2022-09-10\n---\n"),
        ("", {}, ""),
    ],
)
def test_split_front_matter(text: str, fields: dict[str, tuple[int, str]], body: str) -> None:
    assert split_front_matter(text) == (fields, body)


def date_sources(tmp_path: Path, which: str) -> Path:
    """Write an article whose date is given by the sources named in `which`; return its path."""
    text = "KYIV, Sept. 4, 2022 (Reuters) - Troops advanced.\n"
    if "front" in which:
        text = "---\npublished: 2022-09-03\noutlet: Front\n---\n" + text
    if "manifest" in which:
        write(tmp_path / "manifest.csv", "file,published,outlet,url,title\na.txt,2022-09-02,Manifest,,\n")
    if "dateline" not in which:
        text = text.replace("KYIV, Sept. 4, 2022 (Reuters) - ", "")
    return write(tmp_path / "a.txt", text)


@pytest.mark.parametrize(
    ("which", "published", "outlet"),
    [
        ("manifest front dateline", D(2022, 9, 2), "Manifest"),
        ("front dateline", D(2022, 9, 3), "Front"),
        ("dateline", D(2022, 9, 4), ""),
        ("", D(2022, 9, 5), ""),
    ],
)
def test_dates_come_from_manifest_then_front_matter_then_dateline_then_default(
    tmp_path: Path, which: str, published: dt.date, outlet: str
) -> None:
    path = date_sources(tmp_path, which)
    found, warnings, _ = load(path, default_date=D(2022, 9, 5))
    assert [(a.published, a.outlet) for a in found] == [(published, outlet)]
    assert warnings == []


def test_json_fields_come_before_the_dateline_and_after_the_manifest(tmp_path: Path) -> None:
    record = {"text": "KYIV, Sept. 4, 2022 - Troops.", "published": "2022-09-03", "outlet": "Rec", "title": "T"}
    path = write(tmp_path / "feed.jsonl", json.dumps(record) + "\n" + json.dumps({"text": record["text"]}) + "\n")
    assert [(a.published, a.outlet, a.title) for a in load(path)[0]] == [
        (D(2022, 9, 3), "Rec", "T"),
        (D(2022, 9, 4), "", ""),
    ]
    write(tmp_path / "manifest.csv", "file,published,outlet\nfeed.jsonl,2022-09-02,Man\n")
    assert [(a.published, a.outlet, a.title) for a in load(path)[0]] == [
        (D(2022, 9, 2), "Man", "T"),
        (D(2022, 9, 2), "Man", ""),
    ]


def test_bad_front_matter_date_leaves_the_article_undated_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "---\ntitle: T\npublished: 10 Sept\n---\nKYIV, Sept. 4, 2022 - Troops.")
    found, warnings, stats = load(path, default_date=D(2022, 9, 5))
    assert [(a.published, a.title, a.text) for a in found] == [(None, "T", "KYIV, Sept. 4, 2022 - Troops.")]
    assert warnings == [
        f"{path}:3: bad date '10 Sept' (expected YYYY-MM-DD or an ISO datetime); the article is treated as undated"
    ]
    assert stats.skipped == []


# --- manifest problems ------------------------------------------------------------------------------------------

BAD_DATE = "(expected YYYY-MM-DD or an ISO datetime); the article is treated as undated"


@pytest.mark.parametrize(
    ("manifest", "expected", "messages"),
    [
        (
            "file,published,outlet,title,note\na.txt,2022-13-01,AFP,T,n\nb.txt,2022-09-11,AFP,U,n\n",
            [("a.txt", None, "AFP", "T"), ("b.txt", D(2022, 9, 11), "AFP", "U")],
            [f"{{m}}:2: bad date '2022-13-01' {BAD_DATE}"],
        ),
        (
            "file,published\na.txt,2022-09-10\nghost.txt,2022-09-10\n",
            [("a.txt", D(2022, 9, 10), "", ""), ("b.txt", None, "", "")],
            ["{m}:3: names ghost.txt, which does not exist in {d}"],
        ),
        (
            "file,published,outlet\na.txt,2022-09-10,X\n\na.txt,2022-09-10,Y\n",
            [("a.txt", D(2022, 9, 10), "X", ""), ("b.txt", None, "", "")],
            ["{m}:4: duplicate row for a.txt (first on line 2); ignored"],
        ),
        (
            "file,published,outlet\na.txt,2022-09-10,X\na.txt,2022-09-11,X\n",
            [("a.txt", None, "X", ""), ("b.txt", None, "", "")],
            ["{m}:3: a.txt is also on line 2 with another date; it is treated as undated"],
        ),
        (
            "name,published\na.txt,2022-09-10\n",
            [("a.txt", None, "", ""), ("b.txt", None, "", "")],
            ["{m}:1: manifest ignored: no 'file' column (columns: file, published, outlet, url, title)"],
        ),
        (
            "file,outlet\na.txt,AFP\n",
            [("a.txt", None, "AFP", ""), ("b.txt", None, "", "")],
            ["{m}:1: no 'published' column; dates come from the articles themselves"],
        ),
        (
            "file,outlet,published\na.txt,AFP\n",
            [("a.txt", None, "AFP", ""), ("b.txt", None, "", "")],
            [
                "{m}:2: row has 2 cells but the header has 3; check the quoting",
                "{m}:2: row has no 'published' cell; the article is treated as undated",
            ],
        ),
        (
            'file,published,title\n"b.txt",2022-09-12,"Title, with\ncomma"\n,2022-09-10,x\n',
            [("a.txt", None, "", ""), ("b.txt", D(2022, 9, 12), "", "Title, with\ncomma")],
            ["{m}:4: row has no file name; ignored"],
        ),
        (
            "\ufefffile,published\r\nb.txt,2022-09-10T10:00:00Z\r\n",
            [("a.txt", None, "", ""), ("b.txt", D(2022, 9, 10), "", "")],
            [],
        ),
        ("", [("a.txt", None, "", ""), ("b.txt", None, "", "")], ["{m}: manifest ignored: empty file"]),
    ],
)
def test_manifest_problems_are_warnings_with_line_numbers(
    tmp_path: Path, manifest: str, expected: list[tuple[str, dt.date | None, str, str]], messages: list[str]
) -> None:
    write(tmp_path / "manifest.csv", manifest)
    write(tmp_path / "a.txt", "Troops advanced.")
    write(tmp_path / "b.txt", "Troops retreated.")
    found, warnings, stats = load(tmp_path)
    assert [(a.id, a.published, a.outlet, a.title) for a in found] == expected
    assert warnings == [m.format(m=tmp_path / "manifest.csv", d=tmp_path) for m in messages]
    assert stats.skipped == []


def test_manifest_is_read_once_per_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "manifest.csv", "file,published\na.txt,2022-09-10\n")
    for name in ("a.txt", "b.txt", "c.txt"):
        write(tmp_path / name, "Troops advanced.")
    calls: list[Path] = []
    real = manifest.read_manifest

    def counting(path: Path, run: object) -> object:
        calls.append(path)
        return real(path, run)  # type: ignore[arg-type]

    monkeypatch.setattr(manifest, "read_manifest", counting)
    assert [a.published for a in load(tmp_path)[0]] == [D(2022, 9, 10), None, None]
    assert calls == [tmp_path / "manifest.csv"]


def test_manifest_of_each_directory_applies_to_its_own_files(tmp_path: Path) -> None:
    write(tmp_path / "manifest.csv", "file,published\na.txt,2022-09-10\n")
    write(tmp_path / "a.txt", "Top.")
    write(tmp_path / "sub" / "manifest.csv", "file,published\na.txt,2023-01-01\n")
    write(tmp_path / "sub" / "a.txt", "Sub.")
    assert [(a.path, a.published) for a in load(tmp_path)[0]] == [
        (str(tmp_path / "a.txt"), D(2022, 9, 10)),
        (str(tmp_path / "sub" / "a.txt"), D(2023, 1, 1)),
    ]


# --- encodings and unusable files -------------------------------------------------------------------------------

UKR = "Українські сили повернули Балаклію та Ізюм після кількох днів боїв у Харківській області.\n"
RUS = "Российские войска покинули Балаклею, сообщили в Харькове. Бои идут возле Изюма и Купянска.\n"
FRA = "Les forces ukrainiennes ont repris Balakliïa et Grakové, selon le ministère de la Défense à Kyiv.\n"


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (UKR.encode("utf-8"), UKR),
        (codecs.BOM_UTF8 + UKR.encode("utf-8"), UKR),
        (UKR.encode("utf-16"), UKR),
        (codecs.BOM_UTF16_BE + UKR.encode("utf-16-be"), UKR),
        (codecs.BOM_UTF16_LE + FRA.encode("utf-16-le"), FRA),
        (UKR.encode("utf-32"), UKR),
        ((RUS * 3).encode("cp1251"), RUS * 3),
        ((UKR * 3).encode("cp1251"), UKR * 3),
        (FRA.encode("latin-1"), FRA),
        (b"Line one\r\nLine two\rLine three\r\n", "Line one\nLine two\nLine three\n"),
    ],
)
def test_text_encodings_are_detected(tmp_path: Path, data: bytes, text: str) -> None:
    found, warnings, _ = load(write(tmp_path / "a.txt", data))
    assert [a.text for a in found] == [text]
    assert warnings == []


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bin.txt", bytes(range(256)) * 4, "binary file (NUL bytes)"),
        ("ctl.txt", b"PK\x03\x04\x14\x06\x08\x01\x02" * 10, "binary file (control characters)"),
        ("empty.txt", b"", "empty file"),
        ("blank.md", b" \n\t\n  ", "empty file (no text)"),
        ("front-only.md", b"---\ntitle: T\n---\n\n", "empty file (no text)"),
        ("bom-only.txt", codecs.BOM_UTF8, "empty file (no text)"),
        (
            "furniture.html",
            b"<html><nav>Menu</nav><script>x()</script></html>",
            "no text in the page once markup is removed",
        ),
        (
            "bad16.txt",
            codecs.BOM_UTF16_LE + b"\x00\xd8a",
            "starts with a utf-16 byte order mark but is not utf-16 text",
        ),
        ("empty.jsonl", b"", "empty file"),
        ("bin.jsonl", b"\x00\x01\x02{}", "binary file (NUL bytes)"),
        ("bin.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file (NUL bytes)"),
        ("empty.json", b"", "empty file"),
        ("blank.jsonl", b"\n  \n\r\n", "no records (blank lines only)"),
        ("empty-list.json", b"  [ ]  ", "no records (an empty list)"),
        ("blank.json", b"  \n ", "line 2: no JSON value"),
    ],
)
def test_unusable_files_are_skipped_with_a_warning_and_the_rest_read(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    bad = write(tmp_path / name, data)
    write(tmp_path / "zz-good.txt", "Troops advanced.")
    found, warnings, stats = load(tmp_path)
    assert [a.id for a in found] == ["zz-good.txt"]
    assert warnings == [f"{bad}: skipped: {reason}"]
    assert stats.skipped == [(str(bad), reason)]
    assert (stats.files, stats.read, stats.articles, stats.warnings) == (2, 1, 1, 1)


def test_file_vanishing_while_streaming_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "First.")
    gone = write(tmp_path / "b.txt", "Second.")
    warnings: list[str] = []
    stream = iter_articles([tmp_path], warn=warnings.append)
    assert next(stream).id == "a.txt"
    gone.unlink()
    assert list(stream) == []
    assert warnings == [f"{gone}: skipped: cannot read: No such file or directory"]


def test_default_warn_goes_to_the_logger(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write(tmp_path / "a.txt", b"")
    write(tmp_path / "b.txt", "ok")
    assert [a.id for a in iter_articles([tmp_path])] == ["b.txt"]
    assert caplog.messages == [f"{tmp_path / 'a.txt'}: skipped: empty file"]


# --- HTML -----------------------------------------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>Kupiansk retaken &amp; held | The Outlet</title>
<meta charset="utf-8"><meta property="article:published_time" content="2022-09-10T08:00:00+03:00">
<meta property="og:site_name" content="Kyiv Independent"><link rel="canonical" href="https://kyiv.test/a">
<script>var s = "<p>not text</p>";</script><style>p { color: red }</style></head>
<body><header><h1>Site name</h1></header><nav><a href="/">Home</a></nav>
<article><h1>Kupiansk retaken</h1><p>Ukrainian forces entered&nbsp;Kupiansk,
   the army said.<br>Second   line &#8212; &quot;quoted&quot;.</p>
<div>Another <b>bold</b> block.</div><aside>Related stories</aside><form>Subscribe</form>
<noscript>Enable JS</noscript><ul><li>One</li><li>Two</li></ul></article>
<footer>(c) 2022</footer></body></html>"""


def test_html_to_text_keeps_article_text_title_and_metadata() -> None:
    page = html_to_text(PAGE)
    assert page.text == (
        "Kupiansk retaken\n\nUkrainian forces entered Kupiansk, the army said.\n\n"
        'Second line — "quoted".\n\nAnother bold block.\n\nOne\n\nTwo'
    )
    assert (page.title, page.published, page.outlet, page.url) == (
        "Kupiansk retaken & held | The Outlet",
        "2022-09-10T08:00:00+03:00",
        "Kyiv Independent",
        "https://kyiv.test/a",
    )


@pytest.mark.parametrize(
    ("markup", "text", "title"),
    [
        ("<p>One<p>Two", "One\n\nTwo", ""),
        ("<nav>menu</nav>Body <b>text</b>", "Body text", ""),
        ("<nav>unclosed menu<p>lost</p></body><p>After body</p>", "After body", ""),
        ("<nav/><p>Self-closed nav keeps text</p>", "Self-closed nav keeps text", ""),
        ("<title>Only title", "", "Only title"),
        ('<meta property="og:title" content="OG title"><p>x</p>', "x", "OG title"),
        ("<p>a < b &amp;&amp; c > d</p>", "a < b && c > d", ""),
        ("<table><tr><td>A</td><td>B</td></tr><tr><td>C</td></tr></table>", "A\n\nB\n\nC", ""),
        ("<div><<<>>></div><p>ok", "<<<>>>\n\nok", ""),
        ("", "", ""),
    ],
)
def test_html_to_text_table(markup: str, text: str, title: str) -> None:
    page = html_to_text(markup)
    assert (page.text, page.title) == (text, title)


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        (b'<meta charset="windows-1251">', "windows-1251"),
        (b"<META CHARSET=koi8-r>", "koi8-r"),
        (b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">', "iso-8859-1"),
        (b"<p>no declaration</p>", None),
    ],
)
def test_sniff_charset(head: bytes, charset: str | None) -> None:
    assert sniff_charset(head) == charset


def test_html_file_gives_text_title_and_meta_date(tmp_path: Path) -> None:
    path = write(tmp_path / "page.html", PAGE)
    (article,) = load(path)[0]
    assert (article.id, article.title, article.published, article.outlet, article.url) == (
        "page.html",
        "Kupiansk retaken & held | The Outlet",
        D(2022, 9, 10),
        "Kyiv Independent",
        "https://kyiv.test/a",
    )
    assert article.text.startswith("Kupiansk retaken\n\nUkrainian forces entered")


def test_html_in_declared_charset_is_decoded(tmp_path: Path) -> None:
    markup = '<html><head><meta charset="windows-1251"><title>Ізюм</title></head><body><p>' + UKR + "</p>"
    path = write(tmp_path / "page.htm", markup.encode("cp1251"))
    (article,) = load(path)[0]
    assert (article.title, article.text) == ("Ізюм", UKR.strip())


def test_html_with_bad_meta_date_is_undated_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "p.html", '<meta name="pubdate" content="yesterday"><p>KYIV, Sept. 4, 2022 - x</p>')
    found, warnings, _ = load(path)
    assert [a.published for a in found] == [None]
    assert warnings == [f"{path}: published-time meta tag: bad date 'yesterday' {BAD_DATE}"]


# --- JSON and JSONL -------------------------------------------------------------------------------------------


def test_a_newsapi_response_gives_dated_articles(tmp_path: Path) -> None:
    response = {
        "status": "ok",
        "totalResults": 1,
        "articles": [{
            "source": {"id": "reuters", "name": "Reuters"}, "author": "A", "title": "Kupiansk",
            "description": "D", "url": "https://r.test/1", "urlToImage": None,
            "publishedAt": "2022-09-10T14:05:00Z", "content": "Ukrainian forces retook Kupiansk.",
        }],
    }  # fmt: skip
    path = write(tmp_path / "newsapi.json", json.dumps(response))
    found, warnings, _ = load(path)
    assert [(a.id, a.published, a.outlet, a.title, a.url) for a in found] == [
        ("newsapi.json:1", D(2022, 9, 10), "Reuters", "Kupiansk", "https://r.test/1")
    ]
    assert warnings == []


@pytest.mark.parametrize("suffix", [".docx", ".pdf", ".odt"])
def test_a_document_beside_articles_is_skipped_with_a_warning(tmp_path: Path, suffix: str) -> None:
    write(tmp_path / "a.txt", "Troops advanced.")
    write(tmp_path / f"report{suffix}", b"PK\x03\x04\x00\x00word/document.xml")
    write(tmp_path / "photo.png", b"\x89PNG\x00")
    found, warnings, stats = load(tmp_path)
    assert [a.id for a in found] == ["a.txt"]
    reason = f"{suffix} files are not read; save the article as .txt, .md or .html"
    assert warnings == [f"{tmp_path / f'report{suffix}'}: skipped: {reason}"]
    assert stats.skipped == [(str(tmp_path / f"report{suffix}"), reason)]


def test_jsonl_records_become_articles_and_bad_lines_are_skipped(tmp_path: Path) -> None:
    lines = [
        json.dumps(
            {
                "text": "Kupiansk retaken.",
                "headline": "H",
                "datePublished": "2022-09-10",
                "source": {"id": None, "name": "Reuters"},
                "link": "https://r.test/1",
            }
        ),
        "not json",
        json.dumps({"text": 5}),
        "[1, 2]",
        "",
        json.dumps({"body": "Izium.", "date": "10/09/2022", "title": ["x"]}),
        json.dumps({"title": "no text"}),
        json.dumps({"text": None, "content": "<p>From <b>HTML</b></p><script>x</script>", "published_at": 20220910}),
        json.dumps({"text": "   "}),
        '{"text": "unterminated',
        json.dumps({"text": "Last."}),
    ]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")
    found, warnings, stats = load(path)
    assert [(a.id, a.text, a.title, a.published, a.outlet, a.url, a.path) for a in found] == [
        ("feed.jsonl:1", "Kupiansk retaken.", "H", D(2022, 9, 10), "Reuters", "https://r.test/1", str(path)),
        ("feed.jsonl:6", "Izium.", "", None, "", "", str(path)),
        ("feed.jsonl:8", "From HTML", "", None, "", "", str(path)),
        ("feed.jsonl:11", "Last.", "", None, "", "", str(path)),
    ]
    assert warnings == [
        f"{path}:2: skipped: not valid JSON (Expecting value at column 1)",
        f"{path}:3: skipped: field 'text' is a number, not a string",
        f"{path}:4: skipped: a record must be a JSON object, not a list",
        f"{path}:6: field 'date': bad date '10/09/2022' {BAD_DATE}",
        f"{path}:6: field 'title' is a list, not a string; ignored",
        f"{path}:7: skipped: no text field (text, body, content)",
        f"{path}:8: field 'published_at' is a number, not a date string; the article is treated as undated",
        f"{path}:9: skipped: empty text",
        f"{path}:10: skipped: not valid JSON (Unterminated string starting at column 10)",
    ]
    assert stats.skipped_records == 6
    assert [where for where, _ in stats.skipped] == [f"{path}:{n}" for n in (2, 3, 4, 7, 9, 10)]
    assert (stats.files, stats.read, stats.articles) == (1, 1, 4)


@pytest.mark.parametrize(
    ("data", "texts"),
    [
        (codecs.BOM_UTF8 + b'{"text": "bom"}\n', ["bom"]),
        ('{"text": "Ізюм"}\r\n{"text": "two"}'.encode("utf-16"), ["Ізюм", "two"]),
        (b'{"text": "no newline at end"}', ["no newline at end"]),
    ],
)
def test_jsonl_encodings(tmp_path: Path, data: bytes, texts: list[str]) -> None:
    found, warnings, _ = load(write(tmp_path / "f.jsonl", data))
    assert [a.text for a in found] == texts
    assert warnings == []


def test_jsonl_warnings_are_capped_per_file(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.jsonl", "oops\n" * 25 + '{"text": "ok"}\n')
    found, warnings, stats = load(path)
    assert [a.id for a in found] == ["broken.jsonl:26"]
    assert len(warnings) == articles.MAX_FILE_WARNINGS + 1
    assert warnings[-1] == f"{path}: 5 more problems not shown"
    assert stats.skipped_records == 25
    assert stats.skipped[-1] == (str(path), "5 more problems not shown")


@pytest.mark.parametrize(
    ("document", "ids", "texts"),
    [
        ('[{"text": "one"},\n {"body": "two"}]', ["f.json:1", "f.json:2"], ["one", "two"]),
        ('{"text": "single", "title": "T"}', ["f.json"], ["single"]),
        ('{"status": "ok", "articles": [{"content": "a"}, {"content": "b"}]}', ["f.json:1", "f.json:2"], ["a", "b"]),
        ('[1e3, {"text": "after number"}]', ["f.json:2"], ["after number"]),
    ],
)
def test_json_files_hold_one_record_or_a_list(tmp_path: Path, document: str, ids: list[str], texts: list[str]) -> None:
    found = load(write(tmp_path / "f.json", document))[0]
    assert [a.id for a in found] == ids
    assert [a.text for a in found] == texts


@pytest.mark.parametrize(
    ("document", "ids", "skipped"),
    [
        (
            '[{"text": "one"},\n\n {"text": oops}, {"text": "lost"}]',
            ["f.json:1"],
            [
                (
                    "{f}",
                    "stopped after 1 articles: line 3: not valid JSON (Expecting value at column 11); "
                    "the rest of the file is skipped",
                )
            ],
        ),
        (
            '[{"text": "one"} {"text": "two"}]',
            ["f.json:1"],
            [("{f}", "stopped after 1 articles: line 1: expected , or ] but found '{{'")],
        ),
        (
            '[{"text": "one"},',
            ["f.json:1"],
            [("{f}", "stopped after 1 articles: line 1: the list is not closed with ]")],
        ),
        ('{"text": ', [], [("{f}", "line 1: not valid JSON (Expecting value at column 10)")]),
        ('[{"text": "a"},\n "str"]', ["f.json:1"], [("{f}:2", "a record must be a JSON object, not a string")]),
    ],
)
def test_malformed_json_files_are_reported_with_line(
    tmp_path: Path, document: str, ids: list[str], skipped: list[tuple[str, str]]
) -> None:
    path = write(tmp_path / "f.json", document)
    found, _, stats = load(path)
    assert [a.id for a in found] == ids
    assert stats.skipped == [(where.format(f=path), reason.format(f=path)) for where, reason in skipped]


def test_json_list_is_decoded_across_block_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encodings, "BLOCK_BYTES", 7)
    records = [{"text": f"Record {i} " + "é" * i, "published": f"2022-09-{i + 1:02d}"} for i in range(20)]
    path = write(tmp_path / "f.json", json.dumps(records, indent=1))
    found, warnings, _ = load(path)
    assert [(a.text, a.published) for a in found] == [(r["text"], D(2022, 9, i + 1)) for i, r in enumerate(records)]
    assert warnings == []


# --- large files ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pieces", "size", "chunks"),
    [
        (["aaaa\n\nbbbb\n\ncc"], 10, ["aaaa\n\n", "bbbb\n\ncc"]),
        (["aaaa\n", "\nbbbb\n\ncc"], 10, ["aaaa\n\n", "bbbb\n\ncc"]),
        (["aaa\nbbb\nccc\nddd"], 10, ["aaa\nbbb\n", "ccc\nddd"]),
        (["One. Two. Three."], 10, ["One. Two. ", "Three."]),
        (["abcdefghijklmn"], 5, ["abcde", "fghij", "klmn"]),
        (["short"], 10, ["short"]),
        ([], 10, []),
    ],
)
def test_split_chunks_cuts_at_paragraph_boundaries(pieces: list[str], size: int, chunks: list[str]) -> None:
    assert list(split_chunks(pieces, size)) == chunks


def test_large_text_file_is_yielded_in_paragraph_chunks_with_the_same_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encodings, "BLOCK_BYTES", 64)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 100)
    paragraphs = [f"Paragraph {i}: Ukrainian forces advanced near Izium.\r\n" for i in range(30)]
    text = "---\noutlet: AFP\n---\nKYIV, Sept. 10, 2022 - " + "\r\n".join(paragraphs)
    path = write(tmp_path / "big.txt", text)
    found, warnings, stats = load(path)
    body = text.split("---\n", 2)[2].replace("\r\n", "\n")
    assert "".join(a.text for a in found) == body
    assert {(a.id, a.published, a.outlet, a.path) for a in found} == {("big.txt", D(2022, 9, 10), "AFP", str(path))}
    assert all(len(a.text) <= 100 and a.text.endswith("\n\n") for a in found[:-1])
    assert len(found) == 30
    assert (warnings, stats.read, stats.articles) == ([], 1, 30)


def test_large_html_file_is_yielded_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encodings, "BLOCK_BYTES", 256)
    monkeypatch.setattr(chunks, "CHUNK_CHARS", 200)
    body = "".join(f"<p>Paragraph {i} about Kupiansk.</p><nav>menu {i}</nav>" for i in range(100))
    path = write(tmp_path / "big.html", f"<html><head><title>Big page</title></head><body>{body}</body></html>")
    found = load(path)[0]
    assert "\n\n".join(a.text for a in found) == "\n\n".join(f"Paragraph {i} about Kupiansk." for i in range(100))
    assert {(a.id, a.title) for a in found} == {("big.html", "Big page")}
    assert len(found) > 5


def test_undecodable_bytes_late_in_a_large_file_are_replaced_with_a_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encodings, "BLOCK_BYTES", 16)
    path = write(tmp_path / "a.txt", b"Plain ASCII text at the start, then \xff\xfe bad bytes.")
    found, warnings, _ = load(path)
    assert "".join(a.text for a in found) == "Plain ASCII text at the start, then \ufffd\ufffd bad bytes."
    assert warnings == [f"{path}: undecodable bytes after byte 32 (invalid start byte); replaced with U+FFFD"]


def test_streaming_a_50_mb_text_file_keeps_memory_bounded(tmp_path: Path) -> None:
    paragraph = ("Ukrainian forces entered Kupiansk on Saturday, the army said. " * 16 + "\n\n").encode()
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        for _ in range(50_000_000 // len(paragraph) + 1):
            handle.write(paragraph)
    size = path.stat().st_size
    tracemalloc.start()
    try:
        chunks = total = 0
        for article in iter_articles([path]):
            chunks += 1
            total += len(article.text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert total == size
    assert chunks == -(-size // CHUNK_CHARS)
    assert peak < 20_000_000


def test_streaming_jsonl_keeps_memory_bounded(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    line = json.dumps({"text": "Ukrainian forces entered Kupiansk. " * 30, "published": "2022-09-10"}) + "\n"
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(line for _ in range(20_000))
    tracemalloc.start()
    try:
        count = sum(1 for _ in iter_articles([path]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    assert path.stat().st_size > 20_000_000
    assert peak < 2_000_000


@pytest.mark.slow
def test_a_million_line_jsonl_file_streams(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.writelines(f'{{"text": "Report {i} from Izium."}}\n' for i in range(1_000_000))
    stats = LoadStats()
    last = None
    for article in iter_articles([path], stats=stats):
        last = article
    assert last is not None and last.id == "feed.jsonl:1000000"
    assert (stats.articles, stats.skipped) == (1_000_000, [])


def test_a_short_list_item_under_an_announcing_line_is_kept() -> None:
    from geo.discourse import join_announced_lists
    from geo.text import split_sentences
    text = ("Report\n\nThe following settlements have been liberated:\n- Arkhanhelske;\n- Myroliubivka.\n\n"
            "Menu\n- Home\n")
    joined = [s.text for s in join_announced_lists(split_sentences(text))]
    assert "The following settlements have been liberated: Arkhanhelske, Myroliubivka." in joined
    assert not any("Home" in t for t in joined)
