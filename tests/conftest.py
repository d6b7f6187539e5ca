"""Shared fixtures: the real gazetteer (built once per machine in the user cache) and a tiny one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import frontline.cli
from frontline.cli import cli
from gazetteer.gazetteer import Gazetteer
from gazetteer.index import IndexSource

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"

# A few real places in GeoNames' dump format (19 tab-separated columns), Cyrillic names included,
# with two same-named places (Lyman) and a first-order seat (Kharkiv, PPLA).
TINY_ROWS = [
    (706483, "Kharkiv", "Kharkiv", "Kharkov,Харків,Харьков", 49.98081, 36.25272, "PPLA", "UA", "07", 1430885),
    (704204, "Lyman", "Lyman", "Krasnyi Lyman,Лиман,Красный Лиман", 48.99012, 37.80843, "PPL", "UA", "05", 20066),
    (703071, "Lyman", "Lyman", "Лиман", 49.59358, 36.46548, "PPL", "UA", "07", 4008),
    (703656, "Kupiansk", "Kupiansk", "Kupyansk,Куп'янськ,Купянск", 49.71055, 37.61517, "PPL", "UA", "07", 27169),
    (712926, "Balakliia", "Balakliia", "Balakliya,Балаклія,Балаклея", 49.46278, 36.85861, "PPL", "UA", "07", 26334),
    (707292, "Izium", "Izium", "Izyum,Ізюм,Изюм", 49.2082, 37.2563, "PPL", "UA", "07", 45884),
    (709717, "Donetsk", "Donetsk", "Донецьк,Донецк", 48.023, 37.80224, "PPLA", "UA", "05", 929063),
    (486816, "Sudzha", "Sudzha", "Суджа", 51.1910, 35.2710, "PPL", "RU", "41", 6940),
    (538560, "Kursk", "Kursk", "Курск", 51.73733, 36.18735, "PPLA", "RU", "41", 437847),
]


def write_geonames_dump(path: Path, rows=TINY_ROWS) -> Path:
    """Write rows in GeoNames' dump format."""
    lines = []
    for gid, name, ascii_name, alt, lat, lon, code, cc, admin1, pop in rows:
        cols = [str(gid), name, ascii_name, alt, str(lat), str(lon), "P", code, cc, "", admin1, "", "", "",
                str(pop), "", "100", "Europe/Kyiv", "2024-01-01"]
        lines.append("\t".join(cols))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """Return the real gazetteer (GeoNames cities500), built on first use in the user cache."""
    return Gazetteer.open(progress=lambda _m: None)


@pytest.fixture(scope="session")
def tiny_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """Return a gazetteer of nine places, built from a GeoNames-format file in a temporary cache."""
    folder = tmp_path_factory.mktemp("tiny-gazetteer")
    dump = write_geonames_dump(folder / "UA.txt")
    return Gazetteer.open(folder / "cache", extra_sources=[IndexSource.of("geonames", dump)],
                          progress=lambda _m: None, include_embedded=False)


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch, gazetteer: Gazetteer) -> Callable[..., Result]:
    """Return a function that runs `frontline ARGS...` in-process and returns click's Result."""
    monkeypatch.setattr(frontline.cli, "open_gazetteer", lambda *_args, **_kwargs: gazetteer)
    runner = CliRunner()

    def invoke(*args: object) -> Result:
        return runner.invoke(cli, [str(a) for a in args], prog_name="frontline", catch_exceptions=False)

    return invoke
