"""The one way numbers are written for people: in sentences, tables, headlines, chart ticks and the CLI.

:func:`format_number` writes grouped digits without float noise or exponents (``2,800``, ``26.7``,
``10.76%``), optionally with scale words (``2.10 million``) or compactly for chart ticks (``5m``).
"""

from __future__ import annotations

import math
from typing import Any

__all__ = ["decimals_for", "format_number", "ordinal"]

#: Units whose values are read to two decimals in sentences (52.33 %, percentile 63.54); others to whole
#: numbers unless a caller asks otherwise.
_TWO_DECIMAL_UNITS = frozenset({"%", "percentile", "index"})
_SCALES: tuple[tuple[float, str, str], ...] = (
    (1e12, "trillion", "tn"), (1e9, "billion", "bn"), (1e6, "million", "m"), (1e3, "thousand", "k"),
)


def decimals_for(unit: str | None) -> int:
    """Decimals shown for a value of ``unit`` in sentences and forecast tables."""
    return 2 if unit in _TWO_DECIMAL_UNITS else 0


def _digits(value: float, decimals: int | None) -> str:
    if decimals is not None:
        return f"{value:,.{decimals}f}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")


def format_number(
    value: Any,
    unit: str | None = "",
    *,
    decimals: int | None = None,
    words: bool = False,
    compact: bool = False,
) -> str:
    """A number as people write it, with its unit.

    * ``decimals``: fixed decimals; ``None`` writes as many as the value has (up to six), none for whole
      numbers, never an exponent.
    * ``words``: from a million up, a scale word with two decimals (``2.10 million``, ``1.20 billion``).
    * ``compact``: chart-tick style (``5m``, ``2.5k``, ``1bn``); no unit.
    * ``unit``: ``%`` is glued (``10.76%``), ``percentile`` comes first (``percentile 63.54``), ``count``
      and ``""`` are not written, any other unit follows (``26,700,000,000 VND``).

    Text is returned as it is; ``None`` and non-finite numbers are ``n/a``.
    """
    if isinstance(value, str):
        return value
    if value is None or isinstance(value, bool):
        return "n/a" if value is None else str(value)
    number = float(value)
    if not math.isfinite(number):
        return "n/a"
    if compact:
        for size, _, suffix in _SCALES:
            if abs(number) >= size:
                return f"{number / size:g}{suffix}"
        return f"{number:g}"
    shown = None
    if words:
        for size, word, _ in _SCALES[:3]:
            if abs(number) >= size:
                shown = f"{number / size:,.{2 if decimals is None else decimals}f} {word}"
                break
    if shown is None:
        shown = _digits(number, decimals)
    if not unit or unit == "count":
        return shown
    if unit == "%":
        return f"{shown}%"
    if unit == "percentile":
        return f"percentile {shown}"
    return f"{shown} {unit}"


def ordinal(number: int) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``, ``22`` -> ``22nd``."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"
