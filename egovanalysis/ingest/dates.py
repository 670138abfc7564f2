"""Turn a figure's ``as_of`` (exact or relative to its source's date) into one calendar date.

Conventions (DESIGN.md): a year stands for 31 December of that year, a month for its last day, and a
flow in a period is dated at the period's end. Relative phrases are read against the source's
published date, which may itself be only a month (``YYYY-MM``).
"""

from __future__ import annotations

import calendar
import re
from datetime import date

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

_MONTH_NAMES = "|".join(name.capitalize() for name in MONTHS)
#: Regular expression that a valid ``as_of`` matches (used by the raw-data schema).
AS_OF_PATTERN: str = (
    r"^(\d{4}(-\d{2}(-\d{2})?)?|published|last year|next year|(by (the )?)?(end of )?this year"
    r"|in (" + _MONTH_NAMES + r")( alone)?)$"
)




def _end_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_published(published: str) -> date:
    """Read a source's ``published`` field (``YYYY-MM-DD`` or ``YYYY-MM``) as a date.

    A month-only date is read as the month's last day, so that "this year" and "last year" still
    resolve and no figure is dated after its month of publication.
    """
    text = published.strip()
    if match := _ISO_DAY.match(text):
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise DateResolutionError(f"{published!r} is not a valid date") from exc
    if (match := _ISO_MONTH.match(text)) and 1 <= int(match[2]) <= 12:
        return _end_of_month(int(match[1]), int(match[2]))
    raise DateResolutionError(f"published date {published!r} is not YYYY-MM-DD or YYYY-MM")


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
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError as exc:
            raise DateResolutionError(f"{as_of!r} is not a valid date") from exc
    if match := _ISO_MONTH.match(text):
        if not 1 <= int(match[2]) <= 12:
            raise DateResolutionError(f"{as_of!r} has no month {match[2]}")
        return _end_of_month(int(match[1]), int(match[2]))
    if match := _ISO_YEAR.match(text):
        return date(int(match[1]), 12, 31)
    reference = parse_published(published)
    lowered = _BY_THE.sub("", text.lower())
    if lowered == "published":
        return reference
    if lowered == "last year":
        return date(reference.year - 1, 12, 31)
    if lowered in ("this year", "end of this year"):
        return date(reference.year, 12, 31)
    if lowered == "next year":
        return date(reference.year + 1, 12, 31)
    if match := _IN_MONTH.match(text):
        month = MONTHS[match[1].lower()]
        # A month named after the publication month must be last year's ("in November" in March).
        year = reference.year if month <= reference.month else reference.year - 1
        # The publication month is still running: its figures go up to the publication date.
        return min(_end_of_month(year, month), reference)
    raise DateResolutionError(
        f"as_of {as_of!r} is not a date (YYYY-MM-DD, YYYY-MM, YYYY) nor one of: "
        + ", ".join(RELATIVE_PHRASES)
        + ", in <Month> (alone), by the end of this year"
    )
