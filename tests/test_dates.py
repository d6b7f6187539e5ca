"""Tests for geo.dates: date expressions resolved against the publication date, with their precision."""

from __future__ import annotations

import datetime as dt

import pytest

from geo.dates import find_dates, parse_date_option

PUB = dt.date(2022, 9, 14)  # a Wednesday

CASES = [
    ("Russian troops left on Saturday.", PUB, [("2022-09-10", "day", "")]),
    ("It happened on Wednesday.", PUB, [("2022-09-14", "day", "")]),
    ("It happened last Wednesday.", PUB, [("2022-09-07", "day", "")]),
    ("The town was taken late last week.", PUB, [("2022-09-09", "week", "")]),
    ("The town was taken last week.", PUB, [("2022-09-08", "week", "")]),
    ("The town was taken earlier this month.", PUB, [("2022-09-07", "month", "")]),
    ("The town fell at the end of May.", PUB, [("2022-05-28", "month", "end of May")]),
    ("The town fell in early April.", PUB, [("2022-04-05", "month", "early April")]),
    ("The town fell in late July.", PUB, [("2022-07-26", "month", "late July")]),
    ("The town fell in mid-June.", PUB, [("2022-06-15", "month", "mid-June")]),
    ("The town fell in May.", PUB, [("2022-05-15", "month", "")]),
    ("The town fell in November.", PUB, [("2021-11-15", "month", "")]),
    ("Drones struck overnight.", PUB, [("2022-09-13", "day", "")]),
    ("Troops entered the city yesterday.", PUB, [("2022-09-13", "day", "")]),
    ("Troops entered the city today.", PUB, [("2022-09-14", "day", "")]),
    ("It was retaken on Sept. 10.", PUB, [("2022-09-10", "day", "")]),
    ("It was retaken on 10 September 2022.", PUB, [("2022-09-10", "day", "")]),
    ("It was retaken on September 10th, 2022.", PUB, [("2022-09-10", "day", "")]),
    ("It was retaken on 2022-09-10.", PUB, [("2022-09-10", "day", "")]),
    ("Taken 4.2.2022", PUB, [("2022-02-04", "day", "ambiguous day/month: 2022-02-04 or 2022-04-02")]),
    ("Taken 25.2.2022", PUB, [("2022-02-25", "day", "")]),
    ("It was retaken on December 20.", PUB, [("2021-12-20", "day", "")]),
    ("Captured in February 2015.", PUB, [("2015-02-15", "month", "")]),
    ("The cities fell in the summer of 2022.", dt.date(2023, 3, 1), [("2022-07-15", "month", "summer 2022")]),
    ("The fighting began in 2014.", PUB, [("2014-07-01", "year", "")]),
    ("The fighting will end in 2030.", PUB, []),
    ("It may fall, officials said.", PUB, []),
    ("Nothing happened here.", PUB, []),
    ("", PUB, []),
    ("On Saturday and again on Monday.", PUB, [("2022-09-10", "day", ""), ("2022-09-12", "day", "")]),
    # Undated article: only absolute dates can be read.
    ("It was retaken on Saturday, 2022-09-10.", None, [("2022-09-10", "day", "")]),
    ("It was retaken on Saturday.", None, []),
]


@pytest.mark.parametrize(("sentence", "published", "expected"), CASES, ids=[c[0][:40] or "empty" for c in CASES])
def test_find_dates(sentence: str, published: dt.date | None, expected: list) -> None:
    assert [(d.date.isoformat(), d.precision, d.note) for d in find_dates(sentence, published)] == expected


def test_spans_point_at_the_words() -> None:
    sentence = "Troops entered Kherson on Friday."
    (found,) = find_dates(sentence, dt.date(2022, 11, 12))
    assert sentence[found.start:found.end] == "Friday"


@pytest.mark.parametrize(("text", "expected"), [("2022-09-10", dt.date(2022, 9, 10)),
                                              ("2024-02-29", dt.date(2024, 2, 29))])
def test_parse_date_option(text: str, expected: dt.date) -> None:
    assert parse_date_option(text) == expected


@pytest.mark.parametrize("text", ["10/09/2022", "2023-02-29", "", "yesterday"])
def test_parse_date_option_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date_option(text)


@pytest.mark.parametrize(("text", "published", "expected"), [
    ("occupied at the start of the full-scale invasion", dt.date(2024, 5, 11), (dt.date(2022, 2, 24), "week")),
    ("seized on the first day of the invasion", dt.date(2022, 3, 28), (dt.date(2022, 2, 24), "day")),
    ("after taking Vuhledar at the start of the month", dt.date(2024, 10, 29), (dt.date(2024, 10, 3), "month")),
])
def test_invasion_start_and_part_of_this_month(text: str, published: dt.date, expected: tuple) -> None:
    found = find_dates(text, published)
    assert [(d.date, d.precision) for d in found] == [expected]


def test_invasion_start_before_the_invasion_is_no_date() -> None:
    assert find_dates("at the start of the invasion", dt.date(2015, 1, 1)) == []


def test_a_month_without_its_year_is_read_in_the_year_the_text_tells_of() -> None:
    from geo.dates import find_dates
    published = dt.date(2026, 2, 24)
    assert [d.date for d in find_dates("In September, Ukraine retook Izium.", published, 2022)] == [
        dt.date(2022, 9, 15)]
    assert [d.date for d in find_dates("In September, Ukraine retook Izium.", published)] == [dt.date(2025, 9, 15)]
    # a day named with its month stays in the last twelve months: "on Feb. 26" after a sentence about 2014
    assert [d.date for d in find_dates("Fighting went on on Feb. 26 near Popasna.", dt.date(2022, 3, 1), 2014)] == [
        dt.date(2022, 2, 26)]


def test_an_undated_text_is_read_against_the_latest_day_it_names() -> None:
    from geo.dates import latest_full_date
    assert latest_full_date("UNIAN | Tuesday, 20 August 2024, 17:35\nOn Tuesday, in July 2023 ...") == dt.date(
        2024, 8, 20)
    assert latest_full_date("On Tuesday the ministry said ...") is None
