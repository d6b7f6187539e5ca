"""Tests for gazetteer.download and `frontline gazetteer download`.

Every dump comes from a local HTTP server on 127.0.0.1 serving zips the tests write themselves; the real
GeoNames server is never contacted, and the cache is a temporary directory ($FRONTLINE_CACHE).
"""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import socket
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

import gazetteer.index
from frontline.cli import cli
from gazetteer.download import DownloadError, check_dump, country_code, download_countries, dump_url
from gazetteer.errors import GazetteerError, GazetteerImportError
from gazetteer.gazetteer import Gazetteer

FRONTLINE = Path(sys.executable).parent / "frontline"

# Made-up villages (ids far above GeoNames' own) so that the real gazetteer has no place of the same name.
VILLAGE = (99000001, "Frontlinka", "Frontlynka,Фронтлінка", "49.56667", "36.43333", "UA")
HAMLET = (99000002, "Testove", "Тестове", "49.60000", "36.50000", "UA")
RU_TOWN = (99000003, "Proverkino", "Проверкино", "51.19100", "35.27100", "RU")


def geonames_line(gid: int, name: str, alternates: str, lat: str, lon: str, country: str, fclass: str = "P") -> str:
    """Return one line of a GeoNames dump (19 tab-separated columns)."""
    code = "PPL" if fclass == "P" else "ADM1"
    cols = [str(gid), name, name, alternates, lat, lon, fclass, code, country, "", "07", "", "", "", "1200", "",
            "150", "Europe/Kyiv", "2024-01-01"]  # fmt: skip
    return "\t".join(cols) + "\n"


def dump_zip(members: dict[str, str | bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Return the bytes of a zip holding `members` (name -> text or bytes), as GeoNames packs {CC}.zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


OBLAST = geonames_line(99000010, "Kharkivska Oblast", "", "49.5", "36.5", "UA", fclass="A")
UA_ZIP = dump_zip({"UA.txt": geonames_line(*VILLAGE) + OBLAST, "readme.txt": "GeoNames dump\n"})
UA_ZIP_V2 = dump_zip({"UA.txt": geonames_line(*VILLAGE) + geonames_line(*HAMLET), "readme.txt": "v2\n"})
RU_TEXT = geonames_line(*RU_TOWN)
RU_ZIP = dump_zip({"RU.txt": RU_TEXT, "readme.txt": "GeoNames dump\n"})
# Stored, not deflated, so that a byte of RU.txt can be changed in place: the lines still parse, the CRC fails.
RU_ZIP_BAD_CRC = dump_zip({"RU.txt": RU_TEXT}, zipfile.ZIP_STORED).replace(b"51.19100", b"51.19101")


@dataclass
class Route:
    """What the server answers for one path: a status, a body, and how it sends the body."""

    body: bytes = b""
    status: int = 200
    mode: str = "full"  # full | short (announces the whole length, sends half, closes) | no-length


@dataclass
class Server:
    """A local HTTP server: `routes` maps a path such as /UA.zip to its answer; anything else is a 404."""

    url: str
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def _handler(server: Server) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # the connection closes after each answer, as a cut-off transfer does

        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            server.requests.append(self.path)
            route = server.routes.get(self.path, Route(b"<html>Not Found</html>", 404))
            self.send_response(route.status)
            self.send_header("Content-Type", "application/zip" if route.status == 200 else "text/html")
            if route.mode != "no-length":
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body[: len(route.body) // 2] if route.mode == "short" else route.body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002  (http.server's name)
            pass

    return Handler


@pytest.fixture
def server() -> Iterator[Server]:
    """Serve dumps on 127.0.0.1 at an ephemeral port from a thread."""
    state = Server(url="")
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Return a temporary cache directory, also set as $FRONTLINE_CACHE; no proxy between us and 127.0.0.1."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("FRONTLINE_CACHE", str(directory))
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY",
                 "FRONTLINE_GEONAMES_URL"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    return directory


@pytest.fixture
def closed_port() -> int:
    """Return a port of 127.0.0.1 on which nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def download(codes: list[str], cache: Path, server: Server, **kwargs):  # type: ignore[no-untyped-def]
    """Download into a small gazetteer (the imports alone, no cities500) so that each build takes milliseconds."""
    return download_countries(codes, cache, base_url=server.url, include_embedded=False, **kwargs)


def open_small(cache: Path) -> tuple[Gazetteer, list[str]]:
    """Open the small gazetteer of `cache` and return it with the builder's messages (none: it was current)."""
    messages: list[str] = []
    return Gazetteer.open(cache, progress=messages.append, include_embedded=False), messages


def snapshot(cache: Path) -> dict[str, tuple[str, int]]:
    """Return every file under the cache with its content hash and mtime: what a failure must not change.

    The index's lock file is opened afresh by every builder that takes the lock: its mtime says nothing.
    """
    return {str(p.relative_to(cache)): (hashlib.sha256(p.read_bytes()).hexdigest(),
                                        0 if p.suffix == ".lock" else p.stat().st_mtime_ns)
            for p in sorted(cache.rglob("*")) if p.is_file()}  # fmt: skip


def resolved_id(gazetteer: Gazetteer, name: str) -> str | None:
    result = gazetteer.resolve(name)
    return None if result.best is None or result.status != "resolved" else str(result.best.geonameid)


# --- the pure parts ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "code"), [("UA", "UA"), ("ru", "RU"), (" by ", "BY"), ("Xk", "XK")])
def test_country_codes_are_two_letters_upper_cased(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["UKR", "U", "", "U1", "Укр", "U A", "UA.zip", "../x"])
def test_a_bad_country_code_says_what_is_expected(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a two-letter country code \(for example UA or RU\)"):
        country_code(text)


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("https://download.geonames.org/export/dump/", "https://download.geonames.org/export/dump/UA.zip"),
        ("https://download.geonames.org/export/dump", "https://download.geonames.org/export/dump/UA.zip"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/UA.zip"),
        ("http://mirror.example/geonames//", "http://mirror.example/geonames/UA.zip"),
    ],
)
def test_dump_url_joins_the_base_and_the_code(base: str, url: str) -> None:
    assert dump_url(base, "ua") == url


@pytest.mark.parametrize("base", ["ftp://mirror.example/dump/", "download.geonames.org/export/dump/", "", "http://"])
def test_dump_url_refuses_what_is_not_http(base: str) -> None:
    with pytest.raises(ValueError, match=r"is not an http\(s\) URL"):
        dump_url(base, "UA")


def test_check_dump_counts_the_populated_places(tmp_path: Path) -> None:
    path = tmp_path / "UA.zip"
    path.write_bytes(UA_ZIP_V2)
    assert check_dump(path, "UA") == 2


# --- downloads that work ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["full", "no-length"])
def test_a_download_is_imported_and_its_places_resolve(cache: Path, server: Server, mode: str) -> None:
    server.routes["/UA.zip"] = Route(UA_ZIP, mode=mode)
    heard: list[tuple[str, int, int | None]] = []
    dumps, index = download(["ua"], cache, server, on_bytes=lambda *a: heard.append(a))
    index.close()
    assert [(d.code, d.url, d.path, d.size_bytes, d.places) for d in dumps] == [
        ("UA", f"{server.url}UA.zip", cache / "geonames" / "UA.zip", len(UA_ZIP), 1)
    ]
    assert (cache / "geonames" / "UA.zip").read_bytes() == UA_ZIP
    assert sorted(p.name for p in (cache / "geonames").iterdir()) == ["UA.zip"]  # no temporary file left
    assert heard[0] == ("UA.zip", 0, len(UA_ZIP) if mode == "full" else None)
    assert heard[-1] == ("UA.zip", len(UA_ZIP), len(UA_ZIP))
    found, messages = open_small(cache)
    assert messages == []  # the download built the index: opening it again builds nothing
    assert resolved_id(found, "Frontlinka") == resolved_id(found, "Frontlynka") == "99000001"


def test_several_countries_are_imported_together(cache: Path, server: Server) -> None:
    server.routes.update({"/UA.zip": Route(UA_ZIP), "/RU.zip": Route(RU_ZIP)})
    dumps, index = download(["UA", "RU", "ua"], cache, server)
    index.close()
    assert [d.code for d in dumps] == ["UA", "RU"]
    assert server.requests == ["/UA.zip", "/RU.zip"]
    found, _ = open_small(cache)
    assert (resolved_id(found, "Frontlinka"), resolved_id(found, "Proverkino")) == ("99000001", "99000003")


def test_a_new_download_replaces_the_previous_dump(cache: Path, server: Server) -> None:
    server.routes["/UA.zip"] = Route(UA_ZIP)
    download(["UA"], cache, server)[1].close()
    server.routes["/UA.zip"] = Route(UA_ZIP_V2)
    download(["UA"], cache, server)[1].close()
    assert (cache / "geonames" / "UA.zip").read_bytes() == UA_ZIP_V2
    found, _ = open_small(cache)
    assert resolved_id(found, "Testove") == "99000002"


# --- downloads that fail: one error, and the previous index untouched -------------------------------------------

FAILURES = [
    # (what the server does for /RU.zip, the error, a fragment of its message)
    (None, DownloadError, "RU.zip not found (HTTP 404); check the country code, or --base-url"),
    (Route(b"busy", 503), DownloadError, "RU.zip: HTTP 503 Service Unavailable; try again later"),
    (Route(RU_ZIP, mode="short"), DownloadError,
     f"RU.zip: the download stopped at {len(RU_ZIP) // 2:,} of {len(RU_ZIP):,} bytes; try again"),
    (Route(RU_ZIP, mode="short-no-length"), GazetteerImportError, "not a zip archive (or a truncated one)"),
    (Route(b"<!DOCTYPE html><html>Moved</html>"), GazetteerImportError, "what arrived is an HTML page"),
    (Route(b"\x00garbage" * 50), GazetteerImportError, "not a zip archive"),
    (Route(b""), GazetteerImportError, "not a zip archive"),
    (Route(RU_ZIP_BAD_CRC), GazetteerImportError, "damaged zip archive"),
    (Route(dump_zip({"readme.txt": "x\n", "cities.txt": RU_TEXT})), GazetteerImportError,
     "RU.zip: expected RU.txt inside the zip, found readme.txt, cities.txt"),
    (Route(dump_zip({"RU.txt": "1\tMoscow\t55.75\t37.61\tRU\n"})), GazetteerImportError,
     "RU.zip:RU.txt, line 1: expected 19 tab-separated columns of a GeoNames dump, found 5"),
    (Route(dump_zip({"RU.txt": RU_TEXT.encode() + b"\xff\n"})), GazetteerImportError, "line 2: not UTF-8 text"),
    (Route(dump_zip({"RU.txt": geonames_line(99000020, "Oblast", "", "55", "37", "RU", "A")})),
     GazetteerImportError, "RU.txt holds no populated place (feature class P)"),
    (Route(dump_zip({"RU.txt": geonames_line(*HAMLET)})), GazetteerImportError, "RU.txt holds 1 places but none in RU"),
    (Route(dump_zip({})), GazetteerImportError, "expected RU.txt inside the zip, found nothing"),
]  # fmt: skip
FAILURE_IDS = ["404", "503", "truncated", "truncated-no-length", "html", "garbage", "empty", "bad-crc", "no-RU.txt",
               "columns", "not-utf8", "no-places", "other-country", "empty-zip"]  # fmt: skip


@pytest.mark.parametrize(("route", "error", "message"), FAILURES, ids=FAILURE_IDS)
def test_a_failed_download_leaves_the_previous_index_answering(
    cache: Path, server: Server, route: Route | None, error: type[Exception], message: str
) -> None:
    server.routes["/UA.zip"] = Route(UA_ZIP)
    download(["UA"], cache, server)[1].close()
    before = snapshot(cache)
    # UA downloads and checks fine this time, RU does not: nothing at all is imported.
    server.routes["/UA.zip"] = Route(UA_ZIP_V2)
    if route is not None:
        mode = "no-length" if route.mode == "short-no-length" else route.mode
        body = route.body[: len(route.body) // 2] if route.mode == "short-no-length" else route.body
        server.routes["/RU.zip"] = Route(body, route.status, mode)
    with pytest.raises(error) as caught:
        download(["UA", "RU"], cache, server)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value) and ".download-" not in str(caught.value)  # the URL, not a temporary path
    assert isinstance(caught.value, GazetteerError)
    assert snapshot(cache) == before
    found, messages = open_small(cache)
    assert messages == []  # the old index is still current: no rebuild
    assert resolved_id(found, "Frontlinka") == "99000001"
    assert resolved_id(found, "Testove") is None


def test_an_unreachable_server_is_one_error_and_changes_nothing(cache: Path, server: Server, closed_port: int) -> None:
    server.routes["/UA.zip"] = Route(UA_ZIP)
    download(["UA"], cache, server)[1].close()
    before = snapshot(cache)
    with pytest.raises(DownloadError, match=rf"^cannot reach 127\.0\.0\.1:{closed_port} \(.+\); check the network"):
        download_countries(["RU"], cache, base_url=f"http://127.0.0.1:{closed_port}/", include_embedded=False)
    assert snapshot(cache) == before


def test_an_interrupted_build_puts_back_the_previous_dump_and_imports(
    cache: Path, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.routes.update({"/UA.zip": Route(UA_ZIP), "/RU.zip": Route(RU_ZIP)})
    download(["UA"], cache, server)[1].close()
    before = snapshot(cache)
    server.routes["/UA.zip"] = Route(UA_ZIP_V2)

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    build_index = gazetteer.index.build_index
    monkeypatch.setattr(gazetteer.index, "build_index", interrupted)
    with pytest.raises(KeyboardInterrupt):
        download(["UA", "RU"], cache, server)
    monkeypatch.setattr(gazetteer.index, "build_index", build_index)
    assert snapshot(cache) == before
    found, messages = open_small(cache)
    assert messages == []
    assert (resolved_id(found, "Frontlinka"), resolved_id(found, "Proverkino")) == ("99000001", None)


# --- the command line: one error line, exit 2, no traceback -----------------------------------------------------


def invoke(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["gazetteer", "download", *args], prog_name="frontline", env=env)


USAGE_HINT = "See 'frontline gazetteer download --help'."
FTP_LINE = ("Error: Invalid value for '--base-url' (env var: 'FRONTLINE_GEONAMES_URL'): 'ftp://mirror.example/' is not "
            f"an http(s) URL (for example https://download.geonames.org/export/dump/). {USAGE_HINT}")


@pytest.mark.parametrize(
    ("args", "env_url", "line"),
    [
        (["UKR"], None, "Error: Invalid value for 'CC...': 'UKR' is not a two-letter country code (for example UA or "
                        f"RU). {USAGE_HINT}"),
        (["UA", "R1"], None, "Error: Invalid value for 'CC...': 'R1' is not a two-letter country code (for example UA "
                             f"or RU). {USAGE_HINT}"),
        ([], None, f"Error: Missing argument 'CC...'. {USAGE_HINT}"),
        (["UA", "--base-url", "ftp://mirror.example/"], None, FTP_LINE),
        (["UA"], "ftp://mirror.example/", FTP_LINE),
    ],
    ids=["three-letters", "digit", "none", "ftp", "ftp-from-env"],
)  # fmt: skip
def test_bad_usage_exits_2_with_one_line_and_asks_nothing(cache: Path, server: Server, args: list[str],
                                                           env_url: str | None, line: str) -> None:  # fmt: skip
    result = invoke(*args, env={"FRONTLINE_GEONAMES_URL": env_url or server.url})
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", line + "\n")
    assert server.requests == [] and not cache.exists()


def test_a_404_is_one_line_naming_the_url(cache: Path, server: Server) -> None:
    result = invoke("ZZ", "--base-url", server.url)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {server.url}ZZ.zip not found (HTTP 404); check the country code, or --base-url\n"


def test_the_base_url_can_come_from_the_environment(cache: Path, server: Server) -> None:
    result = invoke("ZZ", env={"FRONTLINE_GEONAMES_URL": server.url})
    assert result.exit_code == 2
    assert server.requests == ["/ZZ.zip"]


def test_an_unreachable_server_is_one_line(cache: Path, closed_port: int) -> None:
    result = invoke("UA", "--base-url", f"http://127.0.0.1:{closed_port}/")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: cannot reach 127.0.0.1:{closed_port} (")
    assert result.stderr.endswith("); check the network connection, or use --base-url for a mirror\n")
    assert result.stderr.count("\n") == 1


def test_a_truncated_download_is_one_line(cache: Path, server: Server) -> None:
    server.routes["/UA.zip"] = Route(UA_ZIP, mode="short")
    result = invoke("UA", "--base-url", server.url)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"Error: {server.url}UA.zip: the download stopped at {len(UA_ZIP) // 2:,} of "
                             f"{len(UA_ZIP):,} bytes; try again\n")  # fmt: skip


@pytest.mark.parametrize("quiet", [False, True])
def test_a_corrupt_zip_is_one_line_after_the_progress(cache: Path, server: Server, quiet: bool) -> None:
    server.routes["/UA.zip"] = Route(b"\x00garbage" * 50)
    result = invoke("UA", "--base-url", server.url, *(["-q"] if quiet else []))
    assert (result.exit_code, result.stdout) == (2, "")
    progress = "" if quiet else "frontline: downloaded UA.zip: 400 / 400 bytes\n"
    assert result.stderr == (f"{progress}Error: {server.url}UA.zip: what arrived is not a zip archive (or a "
                             "truncated one), not a GeoNames dump; check --base-url\n")  # fmt: skip
    assert sorted(p.name for p in (cache / "geonames").iterdir()) == []


@pytest.mark.skipif(not FRONTLINE.exists(), reason="the frontline script is not installed in this venv")
def test_the_real_script_fails_with_one_line_and_no_traceback(cache: Path, server: Server) -> None:
    server.routes["/RU.zip"] = Route(RU_ZIP, mode="short")
    env = {**os.environ, "FRONTLINE_GEONAMES_URL": server.url}
    for args, fragment in ((["ZZ"], "not found (HTTP 404)"), (["RU"], "the download stopped at")):
        result = subprocess.run([str(FRONTLINE), "gazetteer", "download", *args], capture_output=True, text=True,
                                env=env, timeout=120)  # fmt: skip
        assert result.returncode == 2
        assert result.stderr.startswith("Error: ") and fragment in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_command_imports_into_the_real_gazetteer_and_a_later_failure_keeps_it(cache: Path,
                                                                                     server: Server) -> None:
    """End to end, with cities500 (a full build, about 35 s): download, resolve, fail, still resolve."""
    server.routes["/UA.zip"] = Route(UA_ZIP)
    result = invoke("UA", "--base-url", server.url)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"UA: {cache / 'geonames' / 'UA.zip'} ({len(UA_ZIP):,} bytes, 1 places)"
    assert result.stderr.startswith(f"frontline: downloaded UA.zip: {len(UA_ZIP):,} / {len(UA_ZIP):,} bytes\n")
    geocode = CliRunner().invoke(cli, ["geocode", "Frontlinka"], prog_name="frontline")
    assert geocode.exit_code == 0 and "geonameid=99000001" in geocode.stdout, geocode.output
    before = snapshot(cache)

    server.routes["/UA.zip"] = Route(UA_ZIP_V2, mode="short")
    failed = invoke("UA", "--base-url", server.url)
    assert failed.exit_code == 2 and failed.stderr.startswith("Error: "), failed.output
    assert snapshot(cache) == before
    geocode = CliRunner().invoke(cli, ["geocode", "Frontlinka", "Testove"], prog_name="frontline")
    assert geocode.stderr == ""  # no rebuild
    assert "geonameid=99000001" in geocode.stdout and "geonameid=99000002" not in geocode.stdout, geocode.output
