"""Vietnamese number words ("hai mươi lăm", "một trăm linh năm", "thứ sáu") found in text and read as values.

Written here because no maintained library reads Vietnamese number words; the rules are the standard ones
(mươi = tens, mười = ten, lăm/mốt/tư after tens, linh/lẻ = zero tens, trăm = hundred,
nghìn/ngàn/triệu/tỷ = scales).

Several number words are also everyday words, so a word is read as a number only where it can be one:

- ``năm`` is "year" far more often than "five": it is 5 only at the head of a longer number
  (``năm triệu``, ``năm mươi``, ``năm trăm``), after ``linh``/``lẻ`` (``một trăm linh năm``) or after
  ``thứ`` (``thứ năm``). After ``mươi``, ``mười`` or ``trăm`` the press writes ``lăm`` for 5, so there
  ``năm`` ends the number and means "year": ``hai mươi năm`` is 20 (years), ``mỗi năm`` holds no number;
- ``tư`` (also "private", "fourth") is 4 only after ``mươi``, ``linh``/``lẻ`` or ``thứ``;
  ``mốt``/``lăm``/``nhăm`` only after ``mươi``/``mười``; ``không`` (also "not") only in ``không trăm``
  after a scale word;
- a lone ``một`` ("a", "one") is 1 only before a word that can be counted: not in ``một số`` (some),
  ``một trong`` (one of), ``một cách``, ``một phần``, ``một nửa``, ``một lần`` ... nor at the end;
- a lone ``ba`` is 3 unless it ends the text or stands before ``mẹ``/``má``/``của`` (father);
- a lone number word right after ``mỗi``, ``hằng`` or ``hàng`` is not a figure (``mỗi năm``, ``hàng trăm``).

A run that is not a well-formed number (``hai ba``: two numbers, or a range) is left as it is, so the
figure parser rejects the phrase rather than guessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import NamedTuple

UNITS: dict[str, int] = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}  # fmt: skip
SCALES: dict[str, int] = {
    "nghìn": 1_000, "ngàn": 1_000, "triệu": 1_000_000, "tỷ": 1_000_000_000, "tỉ": 1_000_000_000,
}  # fmt: skip
OTHER = {"mười", "mươi", "trăm", "linh", "lẻ"}
#: Number words that are never everyday words: beside digits they mean a second number.
UNAMBIGUOUS: frozenset[str] = frozenset(
    {"hai", "bốn", "sáu", "bảy", "bẩy", "tám", "chín", "mười", "mươi", "trăm"}
)
#: Ordinal words that only follow ``thứ`` (``thứ nhất`` = first, ``thứ nhì`` = second).
ORDINAL_AFTER_THU: dict[str, int] = {"nhất": 1, "nhì": 2}

_WORDS = set(UNITS) | set(SCALES) | OTHER
_TENS_WORDS = frozenset({"mươi", "mười"})
_ZERO_TENS = frozenset({"linh", "lẻ"})
_HEAD_FOLLOWERS = frozenset({"mươi", "trăm"}) | frozenset(SCALES)
_NOT_COUNTED_AFTER_MOT = frozenset(
    {"số", "trong", "cách", "phần", "nửa", "lần", "chút", "vài", "loạt", "khi", "lúc", "thời", "mình",
     "ít", "mực", "mai", "đôi", "hai", "ba",
     "cửa"}  # "một cửa": the one-stop desk of public administration, a name, not a count
)  # fmt: skip
_FATHER_AFTER_BA = frozenset({"mẹ", "má", "của", "tôi", "ơi"})
_BLOCK_BEFORE_LONE = frozenset({"mỗi", "hằng", "hàng"})
_MAX_RUN_WORDS = 16  # a longer run of number words is not one number; keeps the scan linear
_WORD_RE = re.compile(r"[^\W\d_]+")
_CANDIDATE_RE = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(sorted(set(UNITS) | set(OTHER) | set(ORDINAL_AFTER_THU), key=len, reverse=True))
    + r")(?![^\W\d_])"
)
_HAS_DIGIT = re.compile(r"\d").search


class NumberRun(NamedTuple):
    """A run of number words in a text: ``text[start:end]`` has the value ``value``."""

    start: int
    end: int
    value: int


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
            if not 0 <= current <= 9 or group or last not in UNITS:
                return None
            group, current = current * 100, 0
        elif word in _ZERO_TENS:
            if last != "trăm":
                return None
        elif word in SCALES:
            amount = group + current
            if amount == 0 and total == 0:
                return None
            total = total * SCALES[word] if amount == 0 else total + amount * SCALES[word]
            group, current = 0, 0
        last = word
    if not words or words[-1] in _ZERO_TENS:
        return None
    return total + group + current


def _spaced(text: str, end: int, start: int) -> bool:
    """Whether only spaces (at least one) separate two words."""
    gap = text[end:start]
    return bool(gap) and gap.isspace() and "\n" not in gap


def _fits(word: str, prev: str, nxt: str, first: bool) -> bool:
    """Whether ``word`` can be a number word here (``prev``/``nxt``: the words around it, '' if none)."""
    if word == "năm":
        return (first and nxt in _HEAD_FOLLOWERS) or prev in _ZERO_TENS or prev == "thứ"
    if word == "tư":
        return prev in ("mươi", "thứ") or prev in _ZERO_TENS
    if word in ("mốt", "lăm", "nhăm"):
        return prev in _TENS_WORDS
    if word == "không":
        return prev in SCALES and nxt == "trăm"
    return True


def _lone_word_is_number(word: str, before: str, after: str) -> bool:
    """A run of one word: is it a number, given the words ``before`` and ``after`` it?"""
    if before in _BLOCK_BEFORE_LONE or word in SCALES or word in ("mươi", "linh", "lẻ", "trăm"):
        return False
    if before == "thứ":
        return True  # "đứng thứ ba", "thứ năm": an ordinal (a rank, or a weekday the parser refuses)
    if word == "một":
        return bool(after) and after not in _NOT_COUNTED_AFTER_MOT and after not in _WORDS
    if word == "ba":
        return bool(after) and after not in _FATHER_AFTER_BA
    return True


def find_number_runs(text: str) -> list[NumberRun]:
    """Every run of Vietnamese number words in ``text`` that reads as one number, in text order.

    ``text`` should be lower-case (the figure parser lower-cases first); offsets refer to ``text``.
    Linear in the length of the text: each word is looked at a bounded number of times.
    """
    return list(iter_number_runs(text))


def iter_number_runs(text: str, start: int = 0, end: int | None = None) -> Iterator[NumberRun]:
    """The runs of :func:`find_number_runs` within ``text[start:end]``, found lazily (the first one
    costs only the text up to it)."""
    if not _CANDIDATE_RE.search(text, start, len(text) if end is None else end):
        return  # no number word at all: skip the word-by-word scan
    words = [
        (m.start(), m.end(), m.group())
        for m in _WORD_RE.finditer(text, start, len(text) if end is None else end)
    ]
    i, n = 0, len(words)
    while i < n:
        prev = words[i - 1][2] if i and _spaced(text, words[i - 1][1], words[i][0]) else ""
        word = words[i][2]
        if prev == "thứ" and word in ORDINAL_AFTER_THU:
            yield NumberRun(words[i][0], words[i][1], ORDINAL_AFTER_THU[word])
            i += 1
            continue
        nxt = words[i + 1][2] if i + 1 < n and _spaced(text, words[i][1], words[i + 1][0]) else ""
        if word not in _WORDS or not _fits(word, prev, nxt, True):
            i += 1
            continue
        j = i + 1
        while j < n and j - i < _MAX_RUN_WORDS and words[j][2] in _WORDS:
            if not _spaced(text, words[j - 1][1], words[j][0]):  # only spaces between number words
                break
            after = words[j + 1][2] if j + 1 < n and _spaced(text, words[j][1], words[j + 1][0]) else ""
            if not _fits(words[j][2], words[j - 1][2], after, False):
                break
            j += 1
        run = [w[2] for w in words[i:j]]
        value = _value(run)
        if value is not None and len(run) == 1:
            after = words[j][2] if j < n and _spaced(text, words[j - 1][1], words[j][0]) else ""
            if not _lone_word_is_number(run[0], prev, after):
                value = None
        if value is not None:
            yield NumberRun(words[i][0], words[j - 1][1], value)
        i = j


def words_to_digits(text: str) -> str | None:
    """``text`` with each run of Vietnamese number words replaced by digits; ``None`` if there is none.

    Only whole-word runs are replaced (``"thứ sáu"`` -> ``"thứ 6"``, ``"hơn hai mươi lăm triệu"`` ->
    ``"hơn 25000000"``). A run that is not a well-formed number (``"hai ba"``) is left as it is, so the
    figure parser rejects the phrase. Texts holding a digit are returned as ``None``: next to digits,
    number words are everyday words ("năm 2020") or a second number, which the parser reports.
    """
    if _HAS_DIGIT(text):
        return None
    text = unicodedata.normalize("NFC", text)
    runs = find_number_runs(text.lower()) if len(text.lower()) == len(text) else []
    if not runs:
        return None
    out: list[str] = []
    last = 0
    for run in runs:
        out.append(text[last : run.start])
        out.append(str(run.value))
        last = run.end
    out.append(text[last:])
    return "".join(out)
