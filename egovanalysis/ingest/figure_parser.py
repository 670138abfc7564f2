"""Parse figures reported by the press ("more than 60 million accesses", "hơn 2,1 triệu tài khoản").

The raw data keeps each reported figure verbatim: a few words in English or Vietnamese, sometimes with
scraping glitches (``more than2,800``, ``116 millionvisits``, ``VND100,000 billion``). This module turns
such a phrase into a :class:`Figure`: a value in absolute units, a unit (``None`` for a plain count, ``%``,
``VND``, ``USD``, ``rank`` or ``times``), a qualifier (``more_than``, ``less_than``, ``at_least``,
``at_most``, ``about``, ``nearly``) with the bounds it implies, and for ranks the denominator
(``86th among 193`` -> ``out_of=193``).

Why a parser of our own: no well-kept library reads this mix. ``price-parser`` reads prices (no scale
words, qualifiers, ranks, percentages or Vietnamese decimal commas), ``quantulum3`` reads English physical
quantities and is slow, and Microsoft's Recognizers-Text has no Vietnamese model and no maintained Python
release. ``benchmarks/bench_parser.py`` measures the first two against this module.

Conventions (``lang`` only changes how ``.`` and ``,`` are read):

- Separators: a separator that cannot be grouping is a decimal point (``26,7``, ``10.76``, ``1,3``); a
  separator that appears twice is grouping (``1.234.567``); when both appear the last one is the decimal
  point. A single separator followed by exactly three digits is ambiguous: grouping for ``,`` in English
  (``1,039`` = 1039) and ``.`` in Vietnamese (``1.039`` = 1039), decimal otherwise (``4.800`` en = 4.8,
  ``26,700`` vi = 26.7), except that an English VND amount with no scale word reads ``.`` as grouping
  (``200.000 đ`` = 200000), because the dong has no sub-units in use. Space grouping (``1 234 567``) is
  read in both languages.
- One figure per phrase. Words after the figure that say what is counted are ignored, and so are words
  before it (``up 2 places``, ``ranked sixth``, ``Price: $5``) except before a lone ``one`` or ``second``
  ("which one", "a second" are not figures), but a second number raises
  :class:`FigureParseError`. One quantity is not two numbers: a rank with its denominator, a number with
  scale words (``1,5 nghìn tỷ``), a number spelt out (``twenty-one trillion three hundred``), and
  dollars with cents (``3 dollars 50 cents``).
- English and Vietnamese qualifiers, currencies and scale words are recognised whatever ``lang`` says.
- ``- $5`` and ``($5)`` are negative. ``top 70`` is rank 70 with qualifier ``at_most``. Places gained
  in a ranking (``up 2 places``) are plain counts.

Not supported: fractions (``1/2``), ranges (``4-5 million``), scientific notation, Vietnamese number
words (``hai triệu``), currencies other than VND and USD.
"""

from __future__ import annotations

import dataclasses
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from egovanalysis.errors import FigureParseError
from egovanalysis.ingest import number_words_en as nw
from egovanalysis.ingest.number_words_vi import words_to_digits

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Figure", "FigureParseError", "parse_figure", "parse_figures"]




@dataclass(frozen=True, slots=True)
class Figure:
    """One parsed figure. ``value`` is in absolute units (percent in points: 10.76, not 0.1076).

    ``lower``/``upper`` follow from ``qualifier``: ``more_than``/``at_least`` set ``lower``,
    ``less_than``/``at_most``/``nearly`` set ``upper``; ``about`` and no qualifier leave both ``None``.
    ``out_of`` is a rank's denominator (``86th among 193``), else ``None``. ``text`` is the input.
    """

    value: float
    unit: str | None
    qualifier: str | None
    lower: float | None
    upper: float | None
    text: str
    out_of: int | None = None


# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------

_L = r"[^\W\d_]"  # one letter (Unicode, so Vietnamese letters count)
_NB = rf"(?<!{_L})"  # not preceded by a letter
_NA = rf"(?!{_L})"  # not followed by a letter

_QUALIFIERS: dict[str, str | None] = {}
for _q, _phrases in {
    "more_than": (
        "more than|over|above|exceeding|exceeds|exceed|exceeded|in excess of|greater than|higher than|"
        "bigger than|larger than|upwards of|surpassing|surpasses|surpass|>|hơn|trên|vượt|vượt quá|"
        "vượt mức|nhiều hơn"
    ),
    "less_than": (
        "less than|under|below|fewer than|lower than|smaller than|<|dưới|chưa đến|chưa tới|không đến|"
        "ít hơn|thấp hơn"
    ),
    "at_least": (
        "at least|no less than|no fewer than|not less than|not fewer than|minimum of|a minimum of|"
        "min.|bigger or equal than|bigger than or equal to|greater or equal than|greater or equal to|"
        "greater than or equal to|more than or equal to|more or equal to|at least or equal to|"
        "equal to or more than|equal to or greater than|equal or greater than|>=|> =|≥|ít nhất|tối thiểu|"
        "không dưới"
    ),
    "at_most": (
        "at most|up to|no more than|not more than|not exceeding|maximum of|a maximum of|max.|"
        "smaller or equal than|smaller than or equal to|less or equal than|less or equal to|"
        "less than or equal to|equal to or less than|equal to or fewer than|equal or less than|<=|< =|≤|"
        "tối đa|không quá"
    ),
    "about": (
        "about|around|approximately|approx.|some|roughly|circa|ca.|~|≈|an estimated|estimated|"
        "khoảng|chừng|xấp xỉ|ước tính|khoảng chừng|tầm"
    ),
    "nearly": "nearly|almost|close to|just under|gần|gần như|suýt",
    "equal": "equal to|exactly|=|đúng",
}.items():
    for _p in _phrases.split("|"):
        _QUALIFIERS[_p] = _q


def _alternation(phrases: list[str]) -> str:
    """A regex alternation of phrases, longest first, not starting inside a word ("moreover").

    No boundary at the end: the prefix pattern is anchored at the number, so a phrase can only be
    followed by what the pattern allows there, and glued forms ("more thanVND5") still match.
    """
    parts = []
    for p in sorted(phrases, key=len, reverse=True):
        body = r"\s*".join(re.escape(w) for w in p.split(" "))
        if p[0].isalpha():
            body = _NB + body
        parts.append(body)
    return "|".join(parts)


_USD_PRE = r"u\.?s\.?\s*\$|usd|\$"
_VND_PRE = r"vnd|vnđ|₫|" + _NB + r"đ" + _NA
_CUR_PRE = rf"(?P<usd>{_USD_PRE})|(?P<vnd>{_VND_PRE})"
_RANK_PRE = _alternation(
    ["xếp thứ", "xếp hạng", "xếp hạng thứ", "đứng thứ", "hạng thứ", "vị trí thứ", "thứ", "hạng", "top"]
)

# Everything that may stand between the start of the text (or leftover words) and the number.
_PRE_RE = re.compile(
    rf"(?:(?P<qual>{_alternation(list(_QUALIFIERS))})[\s:]*)?"
    rf"(?:(?P<rank>{_RANK_PRE})\s*)?"
    rf"(?P<pof>{_NB}per\s*cent(?:age)?s?\s+of\s*|{_NB}percent(?:age)?s?\s+of\s*)?"
    rf"(?:(?:{_CUR_PRE})[\s:]*)?"
    r"(?P<paren>\(\s*)?"
    rf"(?P<sign>[-+]|{_NB}minus{_NA}|{_NB}negative{_NA}|{_NB}âm{_NA})?\s*"
    r"(?:(?P<usd2>u\.?s\.?\s*\$|usd|\$)|(?P<vnd2>vnd|vnđ|₫))?\s*$"
)

# Tokens of a number: digits, words (long scale words split off glued words: "millionvisits"), symbols.
_TOK_RE = re.compile(
    r"\s*(?:"
    r"(?P<d>\d{1,3}(?: \d{3})+(?!\d)(?:[.,]\d+)?|\d+\.\ \d{1,2}(?![\d.,])|\d+(?:[.,]\d+)*|[.,]\d+)"
    r"|(?P<w>(?:hundred|thousand|million|billion|trillion)(?:th)?|nghìn|ngàn|triệu|tỷ|tỉ|[^\W\d_]+)"
    r"|(?P<p>[-&,])"
    r")"
)

_DIGIT_RE = re.compile(rf"{_NB}[.,]\d|\d")  # ".75" starts a number, "no.5" starts at the 5
_WORD_START_RE = re.compile(
    _NB
    + "(?:"
    + "|".join(sorted((w for w in nw.START_WORDS if w not in ("a", "an")), key=len, reverse=True))
    + r"|an?(?=\s+(?:hundred|thousand|million|billion|trillion)))"
    + _NA
)

_POST_RE = re.compile(
    r"\s*(?:(?P<usd>usd|us\s*\$|u\.s\.?\s*\$|\$|dollars?"
    + _NA
    + r")|(?P<vnd>vnd|vnđ|₫|đồng"
    + _NA
    + r"|dong"
    + _NA
    + "|"
    + "đ"
    + _NA
    + r"))?"
    r"\s*(?P<pct>%|per\s*cents?"
    + _NA
    + r"|percent(?:ages?|s)?"
    + _NA
    + r"|pct"
    + _NA
    + r"|phần\s*trăm"
    + _NA
    + r")?"
    r"\s*(?P<times>times" + _NA + r"|lần" + _NA + r"|-?fold" + _NA + r"|x" + _NA + r")?"
)
_CENTS_RE = re.compile(r"\s*(?:and\s+)?")
_CENTS_WORD_RE = re.compile(r"\s*cents?" + _NA)
_DENOM_RE = re.compile(
    r"\s*(?:(?:position|place|spot|rank|vị\s*trí)\s+)?"
    r"(?:among|out\s+of|of|/|trên|trong\s+số|trong)\s*"
    r"(?P<den>\d{1,3}(?:[.,]\d{3})+|\d+)(?![\d.,]*\d)"
)
_TRAIL_QUAL_RE = re.compile(
    r"\s*(?:(?P<plus>\+)|,?\s*(?:or|and|hoặc)\s+(?P<tq>more|greater|above|higher|over|less|fewer|below|lower"
    r"|under|equal)(?:\s+(?:than|to))?" + _NA + r"|(?P<tqv>trở\s+lên|trở\s+xuống)" + _NA + ")"
)
_TRAIL_MEANING = {
    "more": "up",
    "greater": "up",
    "above": "up",
    "higher": "up",
    "over": "up",
    "trở lên": "up",
    "less": "down",
    "fewer": "down",
    "below": "down",
    "lower": "down",
    "under": "down",
    "trở xuống": "down",
    "equal": "equal",
}
_SECOND_NUMBER_RE = re.compile(
    r"\d|" + _NB + "(?:" + "|".join(sorted(nw.SECOND_NUMBER_WORDS, key=len, reverse=True)) + ")" + _NA
)
_ORD_SUFFIXES = frozenset(("st", "nd", "rd", "th"))
_LONG_SCALES = "thousand|million|billion|trillion|nghìn|ngàn|triệu|tỷ|tỉ"
_FAST_RE = re.compile(
    r"(?P<d>\d{1,3}(?: \d{3})+(?!\d)(?:[.,]\d+)?|\d+\.\ \d{1,2}(?![\d.,])|\d+(?:[.,]\d+)*|[.,]\d+)"
    rf"(?:(?P<ord>st|nd|rd|th){_NA}"
    rf"|\s*(?P<sc>(?:(?:{_LONG_SCALES})\s*)*(?:{_LONG_SCALES}))"
    rf"|\s*(?P<ab>{'|'.join(sorted(nw.ABBREVIATIONS, key=len, reverse=True))}){_NA})?"
)
_NEXT_RE = re.compile(r"\s*(?:(?P<p>[-&,\d])|(?P<w>[^\W\d_]+))")
_WS_RE = re.compile(r"\s+")
_SEP_RE = re.compile(r"[.,]")
_CLOSE_RE = re.compile(r"\s*\)")
_BIG = nw.BIG_SCALES
_SCALE_WORD_RE = re.compile(_LONG_SCALES)
_ABBREV = nw.ABBREVIATIONS
_STRICT = frozenset(("equal", "more_than", "less_than"))
# Number words that, alone after other words, are rarely figures: "which one", "a second".
_PRONOUN_LIKE = frozenset(("one", "second"))
_NO_PRE = (-1, None, False, None, False, False, False, False)
_SPACES = str.maketrans(
    {
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u2007": " ",
        "\u2212": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2010": "-",
        "\u2011": "-",
        "\t": " ",
        "\n": " ",
        "\r": " ",
    }
)
_LOWER_BOUND = frozenset(("more_than", "at_least"))
_UPPER_BOUND = frozenset(("less_than", "at_most", "nearly"))
_LEX = nw.LEXICON
_S, _T, _H, _B, _A = nw.SMALL, nw.TENS, nw.HUNDRED, nw.BIG, nw.ABBR
_OS, _OT, _OH, _OB = nw.ORD_SMALL, nw.ORD_TENS, nw.ORD_HUNDRED, nw.ORD_BIG
_NUMERIC = frozenset((_S, _T, _H, _B, _OS, _OT, _OH, _OB))


class _Fail(Exception):
    """Internal: parsing failed for the given reason (turned into FigureParseError with the text)."""


# --------------------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------------------


_EXPONENTS = {10.0**k: k for k in range(0, 31)}


def _scaled(x: float, scale: float) -> float:
    """``x * scale`` for a power of ten, rounded correctly: 4.1 * 1e6 is 4100000.0, not 4099999.9999999995."""
    exp = _EXPONENTS.get(scale)
    text = repr(x)
    if exp is None or "e" in text or "n" in text:  # not a power of ten, or inf/nan
        return x * scale
    return float(f"{text}e{exp}")


def _groups_ok(int_part: str, sep: str) -> bool:
    groups = int_part.split(sep)
    first = groups[0]
    return 1 <= len(first) <= 3 and all(len(g) == 3 for g in groups[1:])


def _digits(raw: str, lang: str) -> tuple[float, float | None]:
    """Read a digit token. Returns the value and, for an English ``d.ddd``, the grouping reading."""
    if " " in raw:
        t = raw.replace(" ", "")
        return float(t.replace(",", ".")), None
    ndot = raw.count(".")
    ncom = raw.count(",")
    if not ndot and not ncom:
        return float(raw), None
    if ndot and ncom:
        dec, grp = (".", ",") if raw.rfind(".") > raw.rfind(",") else (",", ".")
        if raw.count(dec) > 1:
            raise _Fail("mixed separators")
        int_part, frac = raw.split(dec)
        if not _groups_ok(int_part, grp):
            raise _Fail("bad digit grouping")
        return float(int_part.replace(grp, "") + "." + frac), None
    sep = "." if ndot else ","
    if ndot + ncom > 1:
        if not _groups_ok(raw, sep):
            raise _Fail("bad digit grouping")
        return float(raw.replace(sep, "")), None
    head, tail = raw.split(sep)
    if len(tail) == 3 and 1 <= len(head) <= 3 and head[0] != "0":
        if sep == ("," if lang == "en" else "."):
            return float(head + tail), None
        if sep == ".":  # English d.ddd: decimal, unless the amount turns out to be VND
            return float(raw), float(head + tail)
    return float(head + "." + tail), None


# --------------------------------------------------------------------------------------------------
# One number: digits and/or words, with scale words
# --------------------------------------------------------------------------------------------------


def _number(s: str, pos: int, lang: str) -> tuple[float, int, bool, int, float | None]:
    """Parse the number starting at ``pos``.

    Returns ``(value, end, ordinal, n_tokens, alt)`` where ``alt`` is the grouping reading of a lone
    English ``d.ddd`` token (see :func:`_digits`) and ``n_tokens`` counts the tokens consumed.
    """
    total = 0.0
    cur = 0.0
    prev: str | None = None  # kind of the last consumed token ("D" for digits)
    last_big = math.inf
    end = pos
    ordinal = False
    ntok = 0
    alt: float | None = None
    conn_end = -1  # end of a pending connector ("and", "-", ...), -1 when none
    conn: str | None = None
    tok_re = _TOK_RE
    lex = _LEX
    while True:
        m = tok_re.match(s, conn_end if conn_end >= 0 else end)
        if m is None:
            break
        kind = m.lastgroup
        tok = m.group(kind)  # type: ignore[arg-type]
        if kind == "p":
            if conn is not None or prev is None:
                break
            if tok == "-":
                if prev != _T:
                    break
            elif prev not in (_H, _B):
                break
            conn, conn_end = tok, m.end()
            continue
        if kind == "d":
            if prev is None:
                value, alt = _digits(tok, lang)
                cur = value
            elif prev in (_H, _B) and conn != "-":
                if not tok.isdigit():
                    break
                value = float(tok)
                if value >= (100 if prev == _H else min(last_big, 1000)):
                    break
                cur += value
                alt = None
            else:
                break
            prev = "D"
        else:
            entry = lex.get(tok)
            if entry is None:
                if (
                    prev == "D"
                    and ntok == 1
                    and tok in _ORD_SUFFIXES
                    and m.start(kind) == end
                    and s[pos:end].isdigit()
                ):
                    ordinal = True
                    end = m.end()
                    ntok += 1
                break
            k, v = entry
            if conn is not None and k not in _NUMERIC:
                break
            if k in (_S, _OS):
                after_scale = prev is None or (prev in (_H, _B) and conn != "-")
                if not (after_scale or (prev == _T and 1 <= v <= 9 and conn in (None, "-"))):
                    break
                cur += v
            elif k in (_T, _OT):
                if prev is None or (prev in (_H, _B) and conn != "-"):
                    cur += v
                else:
                    break
            elif k in (_H, _OH):
                if conn is not None:
                    break
                if prev is None:
                    cur = 100.0
                elif prev == "D" or (prev in (_S, _T, "a") and 0 < cur < 100):
                    cur = _scaled(cur, 100.0)
                else:
                    break
            elif k in (_B, _OB):
                if conn is not None:
                    break
                if prev is None:
                    total, cur = v, 0.0
                elif prev == _B:
                    total = _scaled(total, v)  # "nghìn tỷ", "thousand billion"
                elif v >= last_big or (prev not in (_S, _T, _H, "D", "a", "F")):
                    break
                else:
                    total += _scaled(cur, v)
                    cur = 0.0
                last_big = v
                alt = None
            elif k == _A:
                if prev != "D" or ntok != 1:
                    break
                cur = _scaled(cur, v)
                alt = None
                end = m.end()
                ntok += 1
                break
            elif k == nw.ARTICLE:
                if prev is not None:
                    break
                nxt = tok_re.match(s, m.end())
                if (
                    nxt is None
                    or nxt.lastgroup != "w"
                    or lex.get(nxt.group("w"), ("",))[0] not in (_H, _B, _OH, _OB)
                ):
                    break
                cur = 1.0
                k = "a"
            elif k == nw.POINT:
                if prev not in (_S, _T, _H, "D"):
                    break
                frac, fend = _fraction(s, m.end())
                if not frac or cur != int(cur):
                    break
                cur = float(f"{int(cur)}.{frac}")  # exact decimal, not cur + 0.frac
                alt = None
                end = fend
                ntok += 1
                prev = "F"
                conn, conn_end = None, -1
                continue
            else:  # a connector word ("and")
                if conn is not None or prev not in (_H, _B):
                    break
                conn, conn_end = tok, m.end()
                continue
            prev = k
            if k in (_OS, _OT, _OH, _OB):
                ordinal = True
                end = m.end()
                ntok += 1
                break
        end = m.end()
        ntok += 1
        conn, conn_end = None, -1
    if ntok == 0:
        raise _Fail("no number")
    return total + cur, end, ordinal, ntok, alt


def _fraction(s: str, pos: int) -> tuple[str, int]:
    """Digits spelt out after ``point`` ("zero three", "seventy-one"); returns them and the end."""
    digits = ""
    end = pos
    pending_tens = False  # the last word was "seventy": a unit may follow ("seventy-one", "seventy one")
    while True:
        m = _TOK_RE.match(s, end)
        if m is None:
            break
        if m.lastgroup == "p":
            if m.group("p") == "-" and pending_tens:
                end = m.end()
                continue
            break
        entry = _LEX.get(m.group("w")) if m.lastgroup == "w" else None
        if entry is None or not (entry[0] == _T or (entry[0] == _S and entry[1] < 10)):
            break
        k, v = entry
        if pending_tens and k == _S and v >= 1:
            digits = digits[:-1] + str(int(v))
            pending_tens = False
        else:
            digits += str(int(v)) if k == _S else str(int(v))[0] + "0"
            pending_tens = k == _T
        end = m.end()
    return digits, end


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------


def _normalise(text: str) -> str:
    s = text.lower()
    if not s.isascii():
        s = s.translate(_SPACES)
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
    elif "\t" in s or "\n" in s or "\r" in s:
        s = s.translate(_SPACES)
    return s


def _check_lang(lang: str) -> str:
    if lang == "en" or lang == "vi":
        return lang
    low = str(lang).strip().lower()[:2]
    if low in ("en", "vi"):
        return low
    raise ValueError(f"unsupported language {lang!r}: expected 'en' or 'vi'")


def parse_figure(text: str, lang: str = "en") -> Figure:
    """Parse one reported figure, e.g. ``parse_figure("hơn 2,1 triệu tài khoản", "vi")``.

    ``lang`` (``"en"`` or ``"vi"``) decides how ``.`` and ``,`` are read (see the module docstring).
    Raises :class:`FigureParseError` (a ``ValueError``) quoting ``text`` when it holds no figure or more
    than one.
    """
    if lang != "en" and lang != "vi":
        lang = _check_lang(lang)
    if not isinstance(text, str):
        missing = text is None or (isinstance(text, float) and text != text) or repr(text) == "<NA>"
        why = "missing text" if missing else "not a text"
        raise FigureParseError(f"cannot parse a figure from {text!r}: {why}")
    try:
        if lang == "vi" and (spelled := words_to_digits(text)) is not None:
            return dataclasses.replace(_parse(spelled, lang), text=text)  # "thứ sáu", "hai mươi lăm"
        return _parse(text, lang)
    except _Fail as exc:
        raise FigureParseError(f"cannot parse a figure from {text!r}: {exc}") from None
    except (ValueError, OverflowError) as exc:  # float() of something odd; should not happen
        raise FigureParseError(f"cannot parse a figure from {text!r}: {exc}") from None


# Currencies other than VND and USD: better an error than a figure silently read as a plain count.
_FOREIGN_CURRENCY_RE = re.compile(
    r"[€£¥₹₩₱฿₭៛]|\b(?:EUR|GBP|JPY|CNY|RMB|INR|KRW|THB|SGD|AUD|CAD|CHF|HKD|MYR|IDR|PHP|LAK|KHR|Rs"
    r"|euros?|pounds? sterling|yen|yuan|rupees?|baht|ringgit|rupiah|pesos?)\b\.?",
    re.IGNORECASE,  # phrases are lower-cased before parsing
)

# "three and a half": the parser reads no fractions, and must not drop the half silently.
_FRACTION_RE = re.compile(
    r"^\s*(?:and\s+(?:a|one)\s+(?:half|quarter)|(?:and\s+)?\d*\s*(?:halves|quarters)|rưỡi)\b"
)
_foreign_cache: dict[str, str] = {}


def _foreign_currency(piece: str) -> str:
    """The first currency other than VND/USD named in ``piece`` ('' if none); cached like the other
    pieces, since phrase openings and endings repeat."""
    found = _foreign_cache.get(piece)
    if found is None:
        match = _FOREIGN_CURRENCY_RE.search(piece) if piece else None
        found = match.group(0).strip() if match else ""
        if len(piece) <= _CACHE_KEY_MAX:
            if len(_foreign_cache) >= _CACHE_MAX:
                _foreign_cache.clear()
            _foreign_cache[piece] = found
    return found


_CACHE_MAX = 4096  # entries per cache; a full cache is emptied
_CACHE_KEY_MAX = 80  # longer openings/tails are not cached
_pre_cache: dict[str, tuple] = {}
_tail_cache: dict[tuple[str, bool, bool, str], tuple] = {}


def _pre_info(pre: str) -> tuple:
    """What stands before a number: ``(word_start, qualifier, rank, currency, percent, negative, paren,
    leftover)``. ``word_start`` is the offset of a number word inside ``pre`` (-1 if none); the rest is
    only meaningful when it is -1. ``leftover`` says whether unrecognised words (other than a label
    ending in ``:``) precede the figure. Cached: phrases repeat their openings ("more than ", "hơn ").
    """
    info = _pre_cache.get(pre)
    if info is not None:
        return info
    wm = _WORD_START_RE.search(pre)
    if wm is not None:
        info = (wm.start(), None, None, None, False, False, False, False)
    else:
        pm = _PRE_RE.search(pre)  # always matches, at the latest at the end
        g = pm.group  # type: ignore[union-attr]
        qual = g("qual")
        qualifier = _QUALIFIERS.get(_WS_RE.sub(" ", qual)) if qual else None
        rank = g("rank")
        if rank == "top" and qualifier is None:
            qualifier = "at_most"
        currency = "USD" if (g("usd") or g("usd2")) else "VND" if (g("vnd") or g("vnd2")) else None
        leftover = pre[: pm.start()].strip()  # type: ignore[union-attr]
        info = (
            -1,
            qualifier,
            bool(rank),
            currency,
            bool(g("pof")),
            g("sign") in ("-", "minus", "negative", "âm"),
            bool(g("paren")),
            bool(leftover) and not leftover.endswith(":"),
        )
    if len(pre) <= _CACHE_KEY_MAX:
        if len(_pre_cache) >= _CACHE_MAX:
            _pre_cache.clear()
        _pre_cache[pre] = info
    return info


def _tail_info(tail: str, ordinal: bool, paren: bool, lang: str) -> tuple:
    """What follows a number: ``(currency, percent, times, cents, out_of, direction, paren_closed,
    problem)``. It depends on the tail's text only, so it is cached like :func:`_pre_info`.
    """
    key = (tail, ordinal, paren, lang)
    info = _tail_cache.get(key)
    if info is not None:
        return info
    currency = None
    percent = times = closed = False
    cents = 0.0
    out_of = direction = problem = None
    pos = 0
    post = _POST_RE.match(tail)
    if post.end():  # type: ignore[union-attr]
        pg = post.group  # type: ignore[union-attr]
        pos = post.end()  # type: ignore[union-attr]
        if pg("usd"):
            currency = "USD"
            if pg("usd").startswith("dollar"):
                cents, pos = _cents(tail, pos, lang)
        elif pg("vnd"):
            currency = "VND"
        percent = bool(pg("pct"))
        times = bool(pg("times"))
    if ordinal:
        dm = _DENOM_RE.match(tail, pos)
        if dm is not None:
            out_of = int(_SEP_RE.sub("", dm.group("den")))
            pos = dm.end()
    tq = _TRAIL_QUAL_RE.match(tail, pos)
    if tq is not None:
        pos = tq.end()
        word = tq.group("tq") or tq.group("tqv")
        direction = "up" if word is None else _TRAIL_MEANING[_WS_RE.sub(" ", word)]
    if paren:
        close = _CLOSE_RE.match(tail, pos)
        if close is not None:
            closed = True
            pos = close.end()
    rest = tail[pos:]
    if rest:
        bad = _SECOND_NUMBER_RE.search(rest)
        if bad is not None:
            problem = f"a second number ({rest.strip()!r})"
    info = (currency, percent, times, cents, out_of, direction, closed, problem)
    if len(tail) <= _CACHE_KEY_MAX:
        if len(_tail_cache) >= _CACHE_MAX:
            _tail_cache.clear()
        _tail_cache[key] = info
    return info


def _parse(text: str, lang: str) -> Figure:
    s = _normalise(text)
    dm = _DIGIT_RE.search(s)
    if dm is not None:
        start = dm.start()
        pre = _pre_info(s[:start]) if start else _NO_PRE
        if pre[0] >= 0:
            start = pre[0]
            pre = _pre_info(s[:start])
            dm = None
    else:
        wm = _WORD_START_RE.search(s)
        if wm is None:
            raise _Fail("no number")
        start = wm.start()
        pre = _pre_info(s[:start])
    _, qualifier, ordinal, currency, percent, negative, paren, leftover = pre

    # The number: a fast path for digits with optional scale words, else the full grammar.
    alt = None
    fm = _FAST_RE.match(s, start) if dm is not None else None
    if fm is not None:
        pos = fm.end()
        nxt = _NEXT_RE.match(s, pos)
        if nxt is not None and (nxt.group("p") or nxt.group("w") in _LEX):
            fm = None
    if fm is not None:
        value, alt = _digits(fm.group("d"), lang)
        if fm.group("ord"):
            if fm.group("d").isdigit():
                ordinal = True
            else:
                pos = fm.end("d")
        else:
            sc = fm.group("sc")
            if sc:
                scale = 1.0
                # Scale words may be glued ("nghìntỷ"), so split on the words, not on spaces.
                for w in _SCALE_WORD_RE.findall(sc):
                    scale *= _BIG[w]
                value = _scaled(value, scale)
                alt = None
            else:
                ab = fm.group("ab")
                if ab:
                    value = _scaled(value, _ABBREV[ab])
                    alt = None
    else:
        value, pos, is_ord, ntok, alt = _number(s, start, lang)
        if is_ord:
            ordinal = True
        if ntok != 1:
            alt = None
        elif leftover and s[start:pos].strip() in _PRONOUN_LIKE:
            raise _Fail("no number ('one'/'second' inside a sentence)")

    tail = s[pos:]
    if _FRACTION_RE.search(tail):
        raise _Fail("fractions ('and a half', 'rưỡi') are not supported; write the figure in digits")
    cur2, pct2, times, cents, out_of, direction, closed, problem = _tail_info(tail, ordinal, paren, lang)
    if problem is not None:
        raise _Fail(problem)
    foreign = _foreign_currency(s[:start]) or _foreign_currency(tail)
    if foreign:
        raise _Fail(f"currency {foreign!r} is not supported (only VND and USD)")
    if cur2 is not None:
        if currency is not None and currency != cur2:
            raise _Fail("two currencies")
        currency = cur2
        value += cents
    percent = percent or pct2
    if direction is not None:
        if direction == "equal":
            if qualifier == "more_than":
                qualifier = "at_least"
            elif qualifier == "less_than":
                qualifier = "at_most"
        elif qualifier is None or qualifier in _STRICT:
            qualifier = "at_least" if direction == "up" else "at_most"
    if qualifier == "equal":
        qualifier = None
    if ordinal:
        if currency or percent or times:
            raise _Fail("a rank with a unit")
        unit: str | None = "rank"
    elif percent:
        if currency or times:
            raise _Fail("a percentage with another unit")
        unit = "%"
    elif currency:
        if times:
            raise _Fail("an amount with 'times'")
        unit = currency
        if alt is not None:
            value = alt
    elif times:
        unit = "times"
    else:
        unit = None
    if not math.isfinite(value):
        raise _Fail("number out of range")
    if negative or closed:
        value = -value
    if qualifier is None:
        return Figure(value, unit, None, None, None, text, out_of)
    if qualifier in _LOWER_BOUND:
        return Figure(value, unit, qualifier, value, None, text, out_of)
    if qualifier in _UPPER_BOUND:
        return Figure(value, unit, qualifier, None, value, text, out_of)
    return Figure(value, unit, qualifier, None, None, text, out_of)


def _cents(s: str, pos: int, lang: str) -> tuple[float, int]:
    """After ``dollars``: an optional amount of cents below 100 ("and forty-five cents", "50 cents")."""
    p = _CENTS_RE.match(s, pos).end()  # type: ignore[union-attr]
    if _DIGIT_RE.match(s, p) is None and _WORD_START_RE.match(s, p) is None:
        return 0.0, pos
    try:
        cents, end, ordinal, _, _ = _number(s, p, lang)
    except _Fail:
        return 0.0, pos
    if ordinal or not (0 <= cents < 100) or cents != int(cents):
        return 0.0, pos
    cw = _CENTS_WORD_RE.match(s, end)
    if cw is not None:
        end = cw.end()
    return cents / 100.0, end


FIGURE_COLUMNS: tuple[str, ...] = ("text", "value", "unit", "qualifier", "lower", "upper", "out_of", "error")


def parse_figures(
    series: pd.Series,
    lang: str | pd.Series = "en",
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Parse every phrase of ``series``; each distinct ``(phrase, lang)`` pair is parsed once.

    ``lang`` is ``"en"``/``"vi"`` for the whole series, or a Series of per-row languages aligned with
    ``series`` (on its index). With ``errors="raise"`` the first :class:`FigureParseError` (in row order)
    propagates; with ``"coerce"`` a failed row gets NaN ``value`` and the message in ``error``. A missing
    phrase (None/NaN) is a failure like any other text that holds no figure. An unsupported language
    raises ``ValueError`` in both modes.

    Returns a DataFrame with ``series``' index and the columns ``text, value, unit, qualifier, lower,
    upper, out_of, error``. Dtypes: ``value``, ``lower``, ``upper`` are ``float64`` (NaN where absent);
    ``out_of`` is nullable ``Int64`` (``<NA>`` where absent); ``text``, ``unit``, ``qualifier`` and
    ``error`` are ``object`` columns holding ``str`` or ``None`` (never NaN), so ``None`` means "no unit"
    / "no qualifier" / "parsed" exactly as on :class:`Figure`.
    """
    import numpy as np
    import pandas as pd

    if errors not in ("raise", "coerce"):
        raise ValueError(f"errors must be 'raise' or 'coerce', not {errors!r}")
    index = series.index
    texts = series.to_numpy(dtype=object)
    n = len(texts)
    tcodes, tuniques = pd.factorize(texts, use_na_sentinel=False)
    if isinstance(lang, pd.Series):
        if len(lang) != n or not lang.index.equals(index):
            lang = lang.reindex(index)
        lcodes, luniques = pd.factorize(lang.to_numpy(dtype=object), use_na_sentinel=False)
        checked = [_check_lang(x) if isinstance(x, str) else _check_lang(repr(x)) for x in luniques]
        codes, pairs = pd.factorize(tcodes.astype(np.int64) * len(luniques) + lcodes)
        keys = [(tuniques[c // len(luniques)], checked[c % len(luniques)]) for c in pairs.tolist()]
    else:
        one = _check_lang(lang)
        codes = tcodes
        keys = [(t, one) for t in tuniques]

    m = len(keys)
    value = np.full(m, np.nan)
    lower = np.full(m, np.nan)
    upper = np.full(m, np.nan)
    out_of = np.zeros(m, dtype=np.int64)
    has_out_of = np.zeros(m, dtype=bool)
    unit = np.full(m, None, dtype=object)
    qualifier = np.full(m, None, dtype=object)
    error = np.full(m, None, dtype=object)
    coerce = errors == "coerce"
    for i, (text, lg) in enumerate(keys):
        try:
            f = parse_figure(text, lg)
        except FigureParseError as exc:
            if not coerce:
                raise
            error[i] = str(exc)
            continue
        value[i] = f.value
        unit[i] = f.unit
        qualifier[i] = f.qualifier
        if f.lower is not None:
            lower[i] = f.lower
        if f.upper is not None:
            upper[i] = f.upper
        if f.out_of is not None:
            out_of[i] = f.out_of
            has_out_of[i] = True

    out = pd.DataFrame(
        {
            "text": pd.Series(texts, index=index, dtype=object).where(pd.notna(texts), None),
            "value": pd.Series(value.take(codes) if n else value[:0], index=index, dtype="float64"),
            "unit": pd.Series(unit.take(codes) if n else unit[:0], index=index, dtype=object),
            "qualifier": pd.Series(qualifier.take(codes) if n else qualifier[:0], index=index, dtype=object),
            "lower": pd.Series(lower.take(codes) if n else lower[:0], index=index, dtype="float64"),
            "upper": pd.Series(upper.take(codes) if n else upper[:0], index=index, dtype="float64"),
            "out_of": pd.Series(
                pd.arrays.IntegerArray(out_of.take(codes), ~has_out_of.take(codes))
                if n
                else pd.array([], dtype="Int64"),
                index=index,
            ),
            "error": pd.Series(error.take(codes) if n else error[:0], index=index, dtype=object),
        },
        index=index,
    )
    return out
