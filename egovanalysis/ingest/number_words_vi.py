"""Vietnamese number words ("hai mươi lăm", "một trăm linh năm", "thứ sáu") turned into digits.

Used by :func:`~egovanalysis.ingest.figure_parser.parse_figure` for Vietnamese phrases that hold no digit
at all:
words such as "năm" (five, but also "year") or "ba" (three) are too common in running text to be read
as numbers next to digits ("năm 2020"). Written here because no maintained library reads Vietnamese
number words; the rules are the standard ones (mươi = tens, mười = ten, lăm/mốt/tư after tens,
linh/lẻ = zero tens, trăm = hundred, nghìn/ngàn/triệu/tỷ = scales).
"""

from __future__ import annotations

import re
import unicodedata

UNITS: dict[str, int] = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
SCALES: dict[str, int] = {
    "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000,
}  # fmt: skip
OTHER = {"mười", "mươi", "trăm", "linh", "lẻ"}
_WORDS = set(UNITS) | set(SCALES) | OTHER
_TOKEN = re.compile(r"\w+|\W+")
_HAS_DIGIT = re.compile(r"\d").search


def _value(words: list[str]) -> int | None:
    """The value of a run of number words, or ``None`` when the run is not a well-formed number."""
    total, group, current = 0, 0, 0
    last = ""
    for word in words:
        if word in UNITS:
            if last in UNITS:
                return None  # "hai ba": two numbers
            current += UNITS[word]
        elif word == "mười":
            if current or last == "mười":
                return None
            current = 10
        elif word == "mươi":
            if not 2 <= current <= 9 or last not in UNITS:
                return None
            current *= 10
        elif word == "trăm":
            if not 1 <= current <= 9 or group:
                return None
            group, current = current * 100, 0
        elif word in ("linh", "lẻ"):
            if last != "trăm":
                return None
        elif word in SCALES:
            amount = group + current
            if amount == 0 and total == 0:
                return None
            total = total * SCALES[word] if amount == 0 else total + amount * SCALES[word]
            group, current = 0, 0
        last = word
    if not words or words[-1] in ("linh", "lẻ"):
        return None
    return total + group + current


def words_to_digits(text: str) -> str | None:
    """``text`` with each run of Vietnamese number words replaced by digits; ``None`` if there is none.

    Only whole-word runs are replaced (``"thứ sáu"`` -> ``"thứ 6"``, ``"hơn hai mươi lăm triệu"`` ->
    ``"hơn 25000000"``). A run that is not a well-formed number (``"hai ba"``) is left as it is, so the
    figure parser rejects the phrase. Texts holding a digit are returned as ``None`` (see the module
    docstring).
    """
    if _HAS_DIGIT(text):
        return None
    text = unicodedata.normalize("NFC", text)
    tokens = _TOKEN.findall(text)
    out: list[str] = []
    changed = False
    index = 0
    while index < len(tokens):
        if tokens[index].lower() not in _WORDS:
            out.append(tokens[index])
            index += 1
            continue
        end, words = index, []
        while end < len(tokens):
            token = tokens[end]
            if token.lower() in _WORDS:
                words.append(token.lower())
                end += 1
            elif token.isspace() and end + 1 < len(tokens) and tokens[end + 1].lower() in _WORDS:
                end += 1
            else:
                break
        value = _value(words)
        if value is None:
            out.extend(tokens[index:end])
        else:
            out.append(str(value))
            changed = True
        index = end
    return "".join(out) if changed else None
