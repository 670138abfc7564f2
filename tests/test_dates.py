"""Resolution of ``as_of`` against the source's published date."""

from __future__ import annotations

import re
from datetime import date

import pytest

from egovanalysis.ingest.dates import (
    AS_OF_PATTERN,
    PERIOD_START_PATTERN,
    DateResolutionError,
    parse_published,
    parse_release,
    resolve_absolute,
    resolve_as_of,
    resolve_period_start,
)


@pytest.mark.parametrize(
    ("as_of", "published", "expected"),
    [
        ("2021-03-08", "2021-03-15", date(2021, 3, 8)),
        ("2020-02", "2020-03-01", date(2020, 2, 29)),  # leap year
        ("2019", "2020-02-15", date(2019, 12, 31)),
        ("last year", "2020-02-15", date(2019, 12, 31)),
        ("this year", "2020-08-27", date(2020, 12, 31)),
        ("end of this year", "2020-08-27", date(2020, 12, 31)),
        ("next year", "2020-08-27", date(2021, 12, 31)),
        ("published", "2020-08-27", date(2020, 8, 27)),
        ("published", "2021-03", date(2021, 3, 31)),
        ("in August", "2020-08-27", date(2020, 8, 27)),  # the month is still running
        ("in August alone", "2020-08-27", date(2020, 8, 27)),
        ("by the end of this year", "2020-08-27", date(2020, 12, 31)),
        ("by end of this year", "2019-07-24", date(2019, 12, 31)),
        ("in July", "2020-08-27", date(2020, 7, 31)),
        ("in November", "2020-03-10", date(2019, 11, 30)),  # a later month means last year's
    ],
)
def test_resolve_as_of(as_of: str, published: str, expected: date) -> None:
    assert resolve_as_of(as_of, published) == expected
    assert re.match(AS_OF_PATTERN, as_of)


@pytest.mark.parametrize("as_of", ["yesterday", "2020-13", "2020-02-30", "in Smarch", "Q3 2020"])
def test_bad_as_of_raises(as_of: str) -> None:
    with pytest.raises(DateResolutionError, match=re.escape(as_of.split()[0])):
        resolve_as_of(as_of, "2020-08-27")


@pytest.mark.parametrize("published", ["2020", "27/08/2020", "2020-08-32", ""])
def test_bad_published_raises(published: str) -> None:
    with pytest.raises(DateResolutionError):
        parse_published(published)


@pytest.mark.parametrize("as_of", ["0000", "0000-12", "0000-01-01", "2024-02-30"])
def test_impossible_years_and_days_are_date_errors_not_crashes(as_of: str) -> None:
    with pytest.raises(DateResolutionError, match=re.escape(repr(as_of))):
        resolve_as_of(as_of, "2020-08-27")


@pytest.mark.parametrize(
    ("period_start", "published", "expected"),
    [
        ("in August alone", "2020-08-27", date(2020, 8, 1)),
        ("in August", "2020-08-27", date(2020, 8, 1)),
        ("in November", "2020-03-10", date(2019, 11, 1)),  # a later month is last year's, as in as_of
        ("2022-01", "2022-07", date(2022, 1, 1)),
        ("2024", "2025-01", date(2024, 1, 1)),
        ("2025-07-01", "2025-11", date(2025, 7, 1)),
        ("last year", "2020-02", date(2019, 1, 1)),
        ("this year", "2020-02", date(2020, 1, 1)),
    ],
)
def test_resolve_period_start(period_start: str, published: str, expected: date) -> None:
    assert resolve_period_start(period_start, published) == expected
    assert re.match(PERIOD_START_PATTERN, period_start)


@pytest.mark.parametrize("period_start", ["since launch", "2020-13", "Q3 2020", "0000"])
def test_bad_period_start_raises(period_start: str) -> None:
    with pytest.raises(DateResolutionError):
        resolve_period_start(period_start, "2020-08-27")


def test_release_dates_keep_their_precision() -> None:
    assert parse_release("2024-09-17") == date(2024, 9, 17)
    assert parse_release("2016-07") == date(2016, 7, 1)
    assert parse_release("2003") == date(2003, 1, 1)
    for bad in ("soon", "2024-02-30", "2024-13"):
        with pytest.raises(DateResolutionError):
            parse_release(bad)


def test_absolute_dates_resolve_without_a_source_date() -> None:
    assert resolve_absolute("2098-12") == date(2098, 12, 31)
    assert resolve_absolute("last year") is None
