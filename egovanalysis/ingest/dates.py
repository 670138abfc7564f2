"""Turn a figure's ``as_of`` and ``period_start`` (exact, or relative to its source's date) into dates.

Conventions (the data contracts): a year stands for 31 December of that year, a month for its last day,
and a flow in a period is dated at the period's end; the period's first day is its ``period_start``.
Relative phrases are read against the source's published date, which may itself be only a month (``YYYY-MM``).

``period_start`` takes an ISO date (``YYYY-MM-DD``), a month (``YYYY-MM``: its first day), a year
(``YYYY``: 1 January), or one of the phrases in :data:`PERIOD_PHRASES`: ``in <Month>`` and
``in <Month> alone`` (the month's first day, in the year the same phrase in ``as_of`` would give: "in August
alone" in a source of 27 Aug 2020 starts on 2020-08-01), ``this year`` (1 January of the source's year) and
``last year`` (1 January of the year before).
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from functools import lru_cache

from egovanalysis.errors import DateResolutionError

MONTHS: dict[str, int] = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}

_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_ISO_YEAR = re.compile(r"^(\d{4})$")
_IN_MONTH = re.compile(r"^in (" + "|".join(MONTHS) + r")( alone)?$", re.IGNORECASE)
_BY_THE = re.compile(r"^by (the )?", re.IGNORECASE)

#: Relative phrases accepted in ``as_of``, besides ``in <Month>`` (optionally ``in <Month> alone``).
#: "by the end of this year" and "by end of this year" read as "end of this year".
RELATIVE_PHRASES: tuple[str, ...] = ("published", "last year", "this year", "end of this year", "next year")
#: Relative phrases accepted in ``period_start``, besides ``in <Month>`` (optionally ``in <Month> alone``).
PERIOD_PHRASES: tuple[str, ...] = ("this year", "last year")

_MONTH_NAMES = "|".join(name.capitalize() for name in MONTHS)
#: Regular expression that a valid ``as_of`` matches (used by the raw-data schema).
AS_OF_PATTERN: str = (
    r"^(\d{4}(-\d{2}(-\d{2})?)?|published|last year|next year|(by (the )?)?(end of )?this year"
    r"|in (" + _MONTH_NAMES + r")( alone)?)$"
)
#: Regular expression that a valid (or empty) ``period_start`` matches (used by the raw-data schema).
PERIOD_START_PATTERN: str = (
    r"^(|\d{4}(-\d{2}(-\d{2})?)?|this year|last year|in (" + _MONTH_NAMES + r")( alone)?)$"
)


def _make_date(year: int, month: int, day: int, text: str) -> date:
    """``date(year, month, day)``, or a :class:`DateResolutionError` quoting ``text`` (year 0, 30 Feb...)."""
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateResolutionError(f"{text!r} is not a real calendar date ({exc})") from exc


def _end_of_month(year: int, month: int, text: str) -> date:
    if not 1 <= month <= 12:
        raise DateResolutionError(f"{text!r} has no month {month:02d}")
    if year < 1:
        raise DateResolutionError(f"{text!r} has no year {year:04d}")
    return date(year, month, calendar.monthrange(year, month)[1])


@lru_cache(maxsize=4096)  # pure; a build resolves the same few texts over and over
def parse_published(published: str) -> date:
    """Read a source's ``published`` field (``YYYY-MM-DD`` or ``YYYY-MM``) as a date.

    A month-only date is read as the month's last day, so that "this year" and "last year" still
    resolve and no figure is dated after its month of publication.
    """
    text = published.strip()
    if match := _ISO_DAY.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), published)
    if match := _ISO_MONTH.match(text):
        return _end_of_month(int(match[1]), int(match[2]), published)
    raise DateResolutionError(f"published date {published!r} is not YYYY-MM-DD or YYYY-MM")


def parse_release(released: str) -> date:
    """Earliest day a release known as ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` can have happened."""
    text = released.strip()
    if match := _ISO_DAY.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), released)
    if match := _ISO_MONTH.match(text):
        return _make_date(int(match[1]), int(match[2]), 1, released)
    if match := _ISO_YEAR.match(text):
        return _make_date(int(match[1]), 1, 1, released)
    raise DateResolutionError(f"release date {released!r} is not YYYY-MM-DD, YYYY-MM or YYYY")


def _named_month(text: str, reference: date) -> tuple[int, int] | None:
    """(year, month) of ``in <Month>`` read against ``reference``; ``None`` if ``text`` is not that phrase."""
    match = _IN_MONTH.match(text)
    if not match:
        return None
    month = MONTHS[match[1].lower()]
    # A month named after the publication month must be last year's ("in November" in March).
    year = reference.year if month <= reference.month else reference.year - 1
    return year, month


def resolve_absolute(as_of: str) -> date | None:
    """``as_of`` as a date when it is written as one (``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY``), else ``None``
    (a phrase relative to its source's date)."""
    text = as_of.strip()
    if _ISO_DAY.match(text) or _ISO_MONTH.match(text) or _ISO_YEAR.match(text):
        return resolve_as_of(text, "")
    return None


@lru_cache(maxsize=4096)  # pure; a build resolves the same few texts over and over
def resolve_as_of(as_of: str, published: str) -> date:
    """Resolve ``as_of`` to a date, reading relative phrases against ``published``.

    >>> resolve_as_of("last year", "2020-02-15")
    datetime.date(2019, 12, 31)
    >>> resolve_as_of("in August", "2020-08-27")
    datetime.date(2020, 8, 27)
    >>> resolve_as_of("in July", "2020-08-27")
    datetime.date(2020, 7, 31)
    >>> resolve_as_of("2021-03", "2021-03-15")
    datetime.date(2021, 3, 31)
    """
    text = as_of.strip()
    if match := _ISO_DAY.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), as_of)
    if match := _ISO_MONTH.match(text):
        return _end_of_month(int(match[1]), int(match[2]), as_of)
    if match := _ISO_YEAR.match(text):
        return _make_date(int(match[1]), 12, 31, as_of)
    reference = parse_published(published)
    lowered = _BY_THE.sub("", text.lower())
    if lowered == "published":
        return reference
    if lowered == "last year":
        return _make_date(reference.year - 1, 12, 31, as_of)
    if lowered in ("this year", "end of this year"):
        return date(reference.year, 12, 31)
    if lowered == "next year":
        return _make_date(reference.year + 1, 12, 31, as_of)
    if named := _named_month(text, reference):
        # The publication month is still running: its figures go up to the publication date.
        return min(_end_of_month(named[0], named[1], as_of), reference)
    raise DateResolutionError(
        f"as_of {as_of!r} is not a date (YYYY-MM-DD, YYYY-MM, YYYY) nor one of: "
        + ", ".join(RELATIVE_PHRASES)
        + ", in <Month> (alone), by the end of this year"
    )


@lru_cache(maxsize=4096)  # pure; a build resolves the same few texts over and over
def resolve_period_start(period_start: str, published: str) -> date:
    """Resolve a flow's ``period_start`` to the first day of its period (see the module's docstring).

    >>> resolve_period_start("in August alone", "2020-08-27")
    datetime.date(2020, 8, 1)
    >>> resolve_period_start("2022-01", "2022-07")
    datetime.date(2022, 1, 1)
    >>> resolve_period_start("last year", "2020-02")
    datetime.date(2019, 1, 1)
    """
    text = period_start.strip()
    if match := _ISO_DAY.match(text):
        return _make_date(int(match[1]), int(match[2]), int(match[3]), period_start)
    if match := _ISO_MONTH.match(text):
        return _make_date(int(match[1]), int(match[2]), 1, period_start)
    if match := _ISO_YEAR.match(text):
        return _make_date(int(match[1]), 1, 1, period_start)
    reference = parse_published(published)
    lowered = text.lower()
    if lowered == "this year":
        return date(reference.year, 1, 1)
    if lowered == "last year":
        return _make_date(reference.year - 1, 1, 1, period_start)
    if named := _named_month(text, reference):
        return _make_date(named[0], named[1], 1, period_start)
    raise DateResolutionError(
        f"period_start {period_start!r} is not a date (YYYY-MM-DD, YYYY-MM, YYYY) nor one of: "
        + ", ".join(PERIOD_PHRASES)
        + ", in <Month> (alone)"
    )
