"""Resolution of ``as_of`` against the source's published date."""

from __future__ import annotations

import re
from datetime import date

import pytest

from egovanalysis.ingest.dates import AS_OF_PATTERN, DateResolutionError, parse_published, resolve_as_of


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
