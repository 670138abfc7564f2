"""Parse figures reported by the press ("more than 60 million accesses", "hơn 2,1 triệu tài khoản").

The raw data keeps each reported figure verbatim: a few words in English or Vietnamese, sometimes with
scraping glitches (``more than2,800``, ``116 millionvisits``, ``VND100,000 billion``). This module turns
such a phrase into a :class:`Figure`: a value in absolute units, a unit (``None`` for a plain count, ``%``,
``VND``, ``USD``, ``rank`` or ``times``), a qualifier (``more_than``, ``less_than``, ``at_least``,
``at_most``, ``about``, ``nearly``) with the bounds it implies, and for ranks the denominator
(``86th among 193`` -> ``out_of=193``). :func:`read_figure_at` reads one figure inside a longer text; the
extractor (:mod:`egovanalysis.ingest.figures.extract`) uses it, so a phrase and the same words in an
article are read alike.

Why a parser of our own: no well-kept library reads this mix. ``price-parser`` reads prices (no scale
words, qualifiers, ranks, percentages or Vietnamese decimal commas), ``quantulum3`` reads English physical
quantities and is slow, and Microsoft's Recognizers-Text has no Vietnamese model and no maintained Python
release. ``benchmarks/bench_parser.py`` measures the first two against this module.

Conventions (``lang`` only changes how ``.`` and ``,`` are read, and whether Vietnamese number words are
read):

- Separators: a separator that cannot be grouping is a decimal point (``26,7``, ``10.76``, ``1,3``); a
  separator that appears twice is grouping (``1.234.567``); when both appear the last one is the decimal
  point. A single separator followed by exactly three digits is ambiguous: grouping for ``,`` in English
  (``1,039`` = 1039) and ``.`` in Vietnamese (``1.039`` = 1039), decimal otherwise (``4.800`` en = 4.8,
  ``26,700`` vi = 26.7), except that an English VND amount with no scale word reads ``.`` as grouping
  (``200.000 đ`` = 200000), because the dong has no sub-units in use. Space grouping (``1 234 567``) is
  read in both languages.
- One figure per phrase. Words after the figure that say what is counted are ignored, and so are words
  before it (``up 2 places``, ``ranked sixth``, ``Price: $5``), but a second number raises
  :class:`FigureParseError`. One quantity is not two numbers: a rank with its denominator, a number with
  scale words (``1,5 nghìn tỷ``, ``triệu tỷ``), a number spelt out (``twenty-one trillion three
  hundred``), and dollars with cents (``3 dollars 50 cents``).
- English and Vietnamese qualifiers, currencies and scale words are recognised whatever ``lang`` says.
- Signs: ``-5``, ``- $5``, ``minus 5`` are negative. **Parentheses never change the sign**: in press text a
  bracketed figure is a conversion (``(US$271 million)``), a share or a rank beside a name
  (``Đà Nẵng (67%)``, ``Singapore (4th)``), never an accounting debit. A hyphen glued to a word
  (``COVID-19``, ``level-4``) is part of a name, not a minus, and the number is not a figure.
- Ranks: an ordinal (``86th``, ``sixth``, ``thứ 86``) or a rank cue before the number (``xếp``,
  ``xếp hạng``, ``hạng``, ``vị trí số``, ``ranked No.``, ``ranking of``, ``top``/``tốp``) makes a rank; its
  denominator may follow (``/193``, ``out of 193``, ``among the 193``, ``trên tổng số 193``,
  ``trong bảng xếp hạng 63``) and must be larger than the rank and not a year. ``top 70`` is rank 70
  with qualifier ``at_most``. Places gained in a ranking (``up 2 places``, ``tăng 3 bậc``) are plain
  counts. An ordinal *word* inside a longer phrase is a rank only with a rank cue (``ranked sixth``,
  ``second place``); ``the fourth edition``, ``lần thứ 10`` are sequence numbers and raise.
- Not figures, and therefore errors: dates, years (a four-digit 1900-2100 number with no unit, qualifier
  or counted noun after it), times, document numbers, list numbering, level and step labels, sequence
  ordinals, frequencies (``per 100``, ``every two years``), periods (``6 tháng đầu năm``), see
  :mod:`egovanalysis.ingest.figures.not_figures`; a bare ``No. 4`` after other words (say whether it is a
  rank).
- A scale word the parser does not know (``quintillion``, ``lakh``, ``crore``, a scale word glued to other
  letters such as ``tỷtrong``) is an error, never a dropped word. ``quadrillion`` is 10^15 (as
  ``triệu tỷ``). ``millionaires`` and ``tỉnh``/``ngành`` are nouns, not scale words.
- Vietnamese number words are read where they can only be numbers (``năm`` is "year" unless it heads a
  longer number; see :mod:`egovanalysis.ingest.figures.number_words_vi`).
- Input: at most :data:`MAX_PHRASE_CHARS` characters (a phrase is a few words; the limit keeps every call
  cheap). Unicode: full-width digits and signs (``５０％``) are read as ASCII (NFKC); digits of other
  scripts, superscripts and fraction signs (``٥٠``, ``5²``, ``½``) raise rather than being misread. A
  spreadsheet formula (``=HYPERLINK(...)``) raises: paste the cell's value. Time is linear in the length of
  the input: whitespace runs are collapsed first, no regular expression has two unbounded loops in a row,
  and the words before a number are read in a bounded window.

Not supported: fractions (``1/2``, ``and a half``), ranges (``4-5 million``), scientific notation,
currencies other than VND and USD, counts with their totals (``63/63``, ``43 out of 63``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from egovanalysis.errors import FigureParseError
from egovanalysis.ingest.figures import not_figures as nf
from egovanalysis.ingest.figures import number_words_en as nw
from egovanalysis.ingest.figures.not_figures import Cue
from egovanalysis.ingest.figures.number_words_vi import UNAMBIGUOUS as _VI_NUMBER_WORDS
from egovanalysis.ingest.figures.number_words_vi import NumberRun, iter_number_runs

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "MAX_PHRASE_CHARS",
    "Figure",
    "FigureParseError",
    "FigureReading",
    "normalise",
    "parse_figure",
    "parse_figures",
    "read_figure_at",
]

#: Longest phrase :func:`parse_figure` accepts. A reported figure is a few words; whole texts go through
#: :func:`egovanalysis.ingest.figures.extract.extract_figures`, which has its own limit.
MAX_PHRASE_CHARS = 2_000


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


class FigureReading(NamedTuple):
    """One figure read inside a normalised text by :func:`read_figure_at` (a named tuple: cheap to make).

    ``start``/``end`` delimit the figure in that text: from its first qualifier, currency or rank word to
    the end of its unit, denominator or trailing qualifier (counted nouns after it are not included).
    ``number_start``/``number_end`` delimit the number itself.
    """

    value: float
    unit: str | None
    qualifier: str | None
    lower: float | None
    upper: float | None
    out_of: int | None
    start: int
    end: int
    number_start: int
    number_end: int


class _Fail(Exception):
    """Internal: parsing failed for the given reason (turned into FigureParseError with the text)."""


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
        "vượt mức|vượt mốc|trên mức|nhiều hơn|lớn hơn|cao hơn|dài hơn"
    ),
    "less_than": (
        "less than|under|below|fewer than|lower than|smaller than|<|dưới|chưa đến|chưa tới|không đến|"
        "ít hơn|thấp hơn|nhỏ hơn|bé hơn|kém hơn|ngắn hơn"
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
        "about|around|approximately|approx.|some|roughly|circa|ca.|~|≈|an estimated|estimated at|estimated|"
        "khoảng|chừng|xấp xỉ|ước tính|ước đạt|ước khoảng|ước|khoảng chừng|tầm"
    ),
    "nearly": "nearly|almost|close to|just under|gần|gần như|suýt",
    "equal": "equal to|exactly|=|đúng",
}.items():
    for _p in _phrases.split("|"):
        _QUALIFIERS[_p] = _q


def _trie(words: list[str] | frozenset[str] | tuple[str, ...]) -> str:
    """A regex alternation of ``words`` shaped as a trie ("t(?:en|h(?:irty|ree))"), so that scanning a long
    text tries one branch per character instead of every word at every position."""
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(branches) + ")"
        return body + "?" if optional else body

    return emit(tree)


def _alternation(phrases: list[str]) -> str:
    """A regex alternation of phrases, longest first, not starting inside a word ("moreover").

    No boundary at the end: the prefix pattern is anchored at the number, so a phrase can only be
    followed by what the pattern allows there, and glued forms ("more thanVND5") still match. Words are
    joined by an optional single space: whitespace is collapsed before parsing.
    """
    parts = []
    for p in sorted(phrases, key=len, reverse=True):
        body = r"\s?".join(re.escape(w) for w in p.split(" "))
        if p[0].isalpha():
            body = _NB + body
        parts.append(body)
    return "|".join(parts)


_USD_PRE = r"u\.?s\.?\s?\$|usd|\$"
_VND_PRE = r"vnd|vnđ|₫|" + _NB + r"đ" + _NA
_CUR_PRE = rf"(?P<usd>{_USD_PRE})|(?P<vnd>{_VND_PRE})"
# Rank cues that stand right before the number. "xếp" alone ("xếp 71/193") but not "sắp xếp" (arrange).
_RANK_PRE = (
    _alternation(
        ["xếp thứ", "xếp hạng thứ", "xếp vị trí thứ", "xếp ở vị trí thứ", "xếp vị trí số", "đứng thứ",
         "đứng vị trí thứ", "đứng ở vị trí thứ", "vị trí thứ", "vị trí số", "hạng thứ", "thứ", "xếp hạng",
         "lên hạng", "hạng", "top", "tốp"]
    )
    + rf"|{_NB}(?<!sắp\s)xếp"
    + rf"|{_NB}rank(?:ed|s|ing)?(?:\s(?:at|of|in|as))?(?:\s(?:no\.?|number))?"
    + rf"|{_NB}(?:placed|positioned|stands?|stood|came|comes|finished)(?:\sat)?\s(?:no\.?|number)"
)  # fmt: skip
# "No." / "number" as a label. Not Vietnamese "số": far more often "digital" ("Chính phủ số (400 điểm)").
_NUMBER_LABEL = rf"{_NB}no\.|{_NB}no(?=[0-9])|{_NB}number"

# Everything that may stand between leftover words and the number. With whitespace collapsed, every
# "\s?" matches at most one character, so the pattern cannot backtrack over long runs.
_PRE_RE = re.compile(
    rf"(?:(?P<qual>{_alternation(list(_QUALIFIERS))})[\s:]?)?"
    rf"(?:(?P<rank>{_RANK_PRE})\s?)?"
    rf"(?:(?P<nolabel>{_NUMBER_LABEL})\s?)?"
    rf"(?P<pof>{_NB}per\s?cent(?:age)?s?\sof\s?|{_NB}percent(?:age)?s?\sof\s?)?"
    rf"(?:(?:{_CUR_PRE})[\s:]?)?"
    r"(?P<paren>\(\s?)?"
    # A sign touches the number or its currency ("-5", "-$5"); "- $5" is a dash, as in a list of prices.
    rf"(?P<sign>(?<!{_L})[-+](?=\Z|[$.,₫]|u\.?s|vnd|vnđ)|{_NB}minus\s?|{_NB}negative\s?|{_NB}âm\s?)?"
    r"(?:-\s)?"
    r"(?:(?P<usd2>u\.?s\.?\s?\$|usd|\$)|(?P<vnd2>vnd|vnđ|₫))?\s?\Z"
)

# Scale words: English ones may be glued to the next word by bad scraping ("116 millionvisits"), except
# where the letters continue a real word ("millionaires", "millionths"). Vietnamese syllables are never
# glued on purpose, so a Vietnamese scale word must end the syllable ("tỉnh" and "ngành" are nouns),
# unless another scale word or a currency follows it ("nghìntỷ", "tỷđồng").
_EN_SCALE = "(?:" + "|".join(nw.ENGLISH_SCALES) + rf")(?!aires?{_NA}|ths?{_NA})"
_VI_SCALE = (
    "(?:" + "|".join(nw.VIETNAMESE_SCALES) + ")"
    rf"(?:{_NA}|(?=(?:{'|'.join(nw.VIETNAMESE_SCALES)}|đồng|vnđ|vnd|usd|đ){_NA}))"
)
_SCALE = f"(?:{_EN_SCALE}|{_VI_SCALE})"

# Tokens of a number: digits, words (scale words split off glued words), symbols.
_DIGITS = (
    r"[0-9]{1,3}(?: [0-9]{3})+(?![0-9])(?:[.,][0-9]+)?"  # space grouping: 1 234 567
    r"|[0-9]+\.\ [0-9]{1,2}(?![0-9.,])"  # a decimal point followed by a space ("4. 5"), as scraped
    r"|[0-9]+(?:[.,][0-9]+)*|[.,][0-9]+"
)
_TOK_RE = re.compile(
    rf"\s?(?:(?P<d>{_DIGITS})"
    rf"|(?P<w>hundred(?:th)?|{_EN_SCALE}(?:th)?|{_VI_SCALE}|{_L}+)"
    r"|(?P<p>[-&,]))"
)
_DIGIT_RE = re.compile(rf"{_NB}[.,][0-9]|[0-9]")  # ".75" starts a number, "no.5" starts at the 5
_WORD_START_RE = re.compile(
    _NB
    + "(?:"
    + _trie([w for w in nw.START_WORDS if w not in ("a", "an")])
    + r"|an?(?=\s(?:hundred|thousand|million|billion|trillion|quadrillion)))"
    + _NA
)
_FAST_RE = re.compile(
    rf"(?P<d>{_DIGITS})"
    rf"(?:(?P<ord>st|nd|rd|th){_NA}"
    rf"|\s?(?P<sc>(?:{_SCALE}\s?)*{_SCALE})"
    rf"|\s?(?P<ab>{'|'.join(sorted(nw.ABBREVIATIONS, key=len, reverse=True))}){_NA})?"
)
_SCALE_WORD_RE = re.compile("|".join(sorted(nw.BIG_SCALES, key=len, reverse=True)))
_NEXT_RE = re.compile(rf"\s?(?:(?P<p>[-&,0-9])|(?P<w>{_L}+))")

_POST_RE = re.compile(
    rf"\s?(?:(?P<usd>usd|us\s?\$|u\.s\.?\s?\$|\$|dollars?{_NA})|(?P<vnd>vnd|vnđ|₫|đồng{_NA}|dong{_NA}|đ{_NA}))?"
    rf"\s?(?P<pct>%|per\s?cents?{_NA}|percent(?:ages?|s)?{_NA}|pct{_NA}|phần\s?trăm{_NA})?"
    rf"\s?(?P<times>times{_NA}|lần{_NA}|-?fold{_NA}|x{_NA})?"
)
_CENTS_RE = re.compile(r"\s?(?:and\s)?")
_CENTS_WORD_RE = re.compile(r"\s?cents?" + _NA)
_DENOM_RE = re.compile(
    r"\s?(?:(?:position|place|spot|rank|vị\strí)\s)?"
    r"(?:among(?:st)?|out\sof(?:\s(?:the\s)?total(?:\sof)?)?|of|in|over|/|trên(?:\stổng\ssố)?"
    r"|trong(?:\stổng\ssố|\ssố|\sbảng\sxếp\shạng)?)\s?(?:the\s|all\s|tổng\ssố\s|các\s)?"
    r"(?P<den>[0-9]{1,3}(?:[.,][0-9]{3})+|[0-9]+)(?![0-9.,]*[0-9])"
)
_TRAIL_QUAL_RE = re.compile(
    r"\s?(?:(?P<plus>\+)"
    rf"|(?:,?\s(?:{_L}+\s)?)(?:or|and|hoặc)\s(?P<tq>more|greater|above|higher|over|less|fewer|below|lower"
    rf"|under|equal|older|up|upwards)(?:\s(?:than|to))?{_NA}"
    rf"|(?:\s{_L}+){{0,2}}\s(?P<tql>at\sleast|at\smost|upwards|or\sso|trở\slên|trở\sxuống){_NA})"
    # not "18 million workdays or over VND 6.3 trillion": there "or over" qualifies the next figure
    r"(?!\s?(?:vnd|vnđ|usd|us\s?\$|u\.s\.|\$|đ|[0-9]))"
)
_TRAIL_MEANING = {
    "more": "up", "greater": "up", "above": "up", "higher": "up", "over": "up", "older": "up", "up": "up",
    "upwards": "up", "at least": "up", "trở lên": "up", "less": "down", "fewer": "down", "below": "down",
    "lower": "down", "under": "down", "at most": "down", "trở xuống": "down", "equal": "equal",
    "or so": "about",
}  # fmt: skip
# A word right after the figure that looks like a magnitude the parser does not know: never dropped.
_MAGNITUDE_RE = re.compile(
    rf"\s?(?P<mag>[a-z]*illion(?:s|th|ths)?{_NA}|lakhs?{_NA}|crores?{_NA}"
    rf"|(?:{'|'.join(nw.VIETNAMESE_SCALES)}){_L}+)"
)
_NOUNS_LIKE_SCALES = frozenset(("tỉnh", "ngành", "ngàng"))
_ORD_SUFFIXES = frozenset(("st", "nd", "rd", "th"))
_CLOSE_RE = re.compile(r"\s?\)")
_WS_RE = re.compile(r"\s+")
_ODD_SPACE_RE = re.compile(r"\s\s|[^\S ]")  # whitespace that is not a single space
_SEP_RE = re.compile(r"[.,]")
_FORMULA_RE = re.compile(r"[-=+@]\s?[a-z_][a-z0-9_.]*\s?\(")
# "lần" is a multiple ("gấp 3 lần", "tăng 27 lần so với") only with such a cue; "12 lần công bố" counts
# occasions.
_MULTIPLE_CUE_RE = re.compile(rf"{_NB}(?:gấp|tăng|giảm|hơn|cao|lớn|nhiều|nhanh|thấp|kém)(?:\s{_L}+)?\s?\Z")
_LAN_END_RE = re.compile(rf"\s?(?:\Z|[.,;:)!?/]|so\s|so{_NA}|trở|hoặc|or|and|và)")
_RANK_VERB_RE = re.compile(
    rf"{_NB}(?:rank(?:ed|s|ing)?|came|comes|stood|stands?|placed|finished|positioned|climbed|fell|rose"
    rf"|slipped|dropped|moved|xếp|đứng|hạng|vị\strí){_NA}"
)
_RANK_NOUN_AFTER_RE = re.compile(rf"\s(?:place|position|spot|rank|ranking){_NA}")
_PRONOUN_BEFORE = frozenset(
    [
        "which",
        "the",
        "this",
        "that",
        "each",
        "every",
        "any",
        "no",
        "a",
        "an",
        "such",
        "only",
        "someone",
        "anyone",
        "everyone",
        "another",
    ]
)
_PRONOUN_AFTER = frozenset(
    [
        "of",
        "another",
        "is",
        "was",
        "has",
        "had",
        "does",
        "did",
        "can",
        "will",
        "would",
        "should",
        "may",
        "must",
        "who",
        "that",
        "which",
        "to",
        "you",
        "i",
        "we",
        "they",
        "and",
        "or",
        "by",
    ]
)
_NUMBER_AFTER_RE = re.compile(rf"\s(?:[0-9]|{_trie(nw.SECOND_NUMBER_WORDS | {'one'})}{_NA})")
_LAST_WORD_RE = re.compile(rf"({_L}+)\s?\Z")
_FIRST_WORD_RE = re.compile(rf"\s({_L}+)")
_YEAR_CUE_RE = re.compile(
    rf"{_NB}(?:in|by|since|from|to|until|till|through|during|before|after|năm|đến|từ|vào|tới|cuối|đầu|giữa)"
    r"\s?\Z"
)
_STRICT = frozenset(("equal", "more_than", "less_than"))
# Dashes and the minus sign read as "-" (NFKC leaves them; whitespace of every kind is collapsed anyway).
_DASHES_RE = re.compile("[\u2010-\u2014\u2212]")
_LOWER_BOUND = frozenset(("more_than", "at_least"))
_UPPER_BOUND = frozenset(("less_than", "at_most", "nearly"))
_LEX = nw.LEXICON
_S, _T, _H, _B, _A = nw.SMALL, nw.TENS, nw.HUNDRED, nw.BIG, nw.ABBR
_OS, _OT, _OH, _OB = nw.ORD_SMALL, nw.ORD_TENS, nw.ORD_HUNDRED, nw.ORD_BIG
_NUMERIC = frozenset((_S, _T, _H, _B, _OS, _OT, _OH, _OB))
_ORDINAL_KINDS = frozenset((_OS, _OT, _OH, _OB))
_BIG = nw.BIG_SCALES
_ABBREV = nw.ABBREVIATIONS
# Cues that rule a number out whatever else the figure holds (see not_figures).
_ALWAYS_NOT_A_FIGURE = frozenset(
    (Cue.DATE, Cue.TIME, Cue.YEAR_RANGE, Cue.DOCUMENT, Cue.SEQUENCE, Cue.WEEKDAY, Cue.FREQUENCY,
     Cue.PERIOD, Cue.FRACTION_OF, Cue.CODE, Cue.CONTINUATION, Cue.RANGE, Cue.IDIOM, Cue.LIST)
)  # fmt: skip


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
# One number spelt with words and/or digits ("twenty-one trillion three hundred", "4 thousand 3 hundred")
# --------------------------------------------------------------------------------------------------


# What a token step tells the reader: take the token and go on, stop before it, take it and stop, keep
# the number open without taking anything yet (a connector), or the step moved the end itself.
_NEXT, _STOP, _LAST, _HOLD, _SELF = range(5)


class _WordNumber:
    """The state of reading a number token by token; each ``_take_*`` method reads one kind of token.

    The grammar is the usual English one: small numbers and tens add up, ``hundred`` multiplies what
    precedes it, a scale word (``thousand``, ``million``, Vietnamese ``nghìn`` ...) closes a group and
    must be smaller than the previous scale, ``and``/``-``/``,`` connect, ``point`` starts spelt-out
    decimals, and an ordinal word or suffix ends the number.
    """

    __slots__ = ("s", "lang", "start", "total", "cur", "prev", "last_big", "end", "ordinal", "ntok", "alt",
                 "conn", "conn_end")  # fmt: skip

    def __init__(self, s: str, pos: int, lang: str) -> None:
        self.s, self.lang, self.start = s, lang, pos
        self.total = self.cur = 0.0
        self.prev: str | None = None  # kind of the last consumed token ("D" digits, "F" spelt decimals)
        self.last_big = math.inf
        self.end = pos
        self.ordinal = False
        self.ntok = 0
        self.alt: float | None = None
        self.conn: str | None = None  # a pending connector ("and", "-", ","), not yet consumed
        self.conn_end = -1

    def read(self) -> tuple[float, int, bool, int, float | None]:
        """Read tokens until one does not fit; returns ``(value, end, ordinal, n_tokens, alt)``."""
        while True:
            m = _TOK_RE.match(self.s, self.conn_end if self.conn_end >= 0 else self.end)
            if m is None:
                break
            kind = m.lastgroup
            if kind == "p":
                act = self._take_connector(m.group("p"), m.end())
            elif kind == "d":
                act = self._take_digits(m.group("d"))
            else:
                act = self._take_word(m)
            if act == _STOP:
                break
            if act in (_HOLD, _SELF):
                continue
            self.end = m.end()
            self.ntok += 1
            self.conn, self.conn_end = None, -1
            if act == _LAST:
                break
        if self.ntok == 0:
            raise _Fail("no number")
        return self.total + self.cur, self.end, self.ordinal, self.ntok, self.alt

    def _take_connector(self, tok: str, end: int) -> int:
        if self.conn is not None or self.prev is None:
            return _STOP
        if (tok == "-" and self.prev != _T) or (tok != "-" and self.prev not in (_H, _B)):
            return _STOP
        self.conn, self.conn_end = tok, end
        return _HOLD

    def _take_digits(self, tok: str) -> int:
        if self.prev is None:
            self.cur, self.alt = _digits(tok, self.lang)
        elif self.prev in (_H, _B) and self.conn != "-":
            if not tok.isdigit():
                return _STOP
            value = float(tok)
            if value >= (100 if self.prev == _H else min(self.last_big, 1000)):
                return _STOP
            self.cur += value
            self.alt = None
        else:
            return _STOP
        self.prev = "D"
        return _NEXT

    def _take_word(self, m: re.Match[str]) -> int:
        tok = m.group("w")
        entry = _LEX.get(tok)
        if entry is None:
            return self._take_suffix(tok, m)
        k, v = entry
        if self.conn is not None and k not in _NUMERIC:
            return _STOP
        step = _WORD_STEPS.get(k)
        if step is None:  # a connector word ("and")
            if self.conn is not None or self.prev not in (_H, _B):
                return _STOP
            self.conn, self.conn_end = tok, m.end()
            return _HOLD
        act = step(self, v, m)
        if act in (_NEXT, _LAST):
            self.prev = "a" if k == nw.ARTICLE else k
            if k in _ORDINAL_KINDS:
                self.ordinal = True
                return _LAST
        return act

    def _take_suffix(self, tok: str, m: re.Match[str]) -> int:
        """``th``/``st``/``nd``/``rd`` glued to a lone digit token ("86th") make it an ordinal."""
        if (
            self.prev == "D"
            and self.ntok == 1
            and tok in _ORD_SUFFIXES
            and m.start("w") == self.end
            and self.s[self.start : self.end].isdigit()
        ):
            self.ordinal = True
            return _LAST
        return _STOP

    def _small(self, v: float, _m: re.Match[str]) -> int:
        after_scale = self.prev is None or (self.prev in (_H, _B) and self.conn != "-")
        if not (after_scale or (self.prev == _T and 1 <= v <= 9 and self.conn in (None, "-"))):
            return _STOP
        self.cur += v
        return _NEXT

    def _tens(self, v: float, _m: re.Match[str]) -> int:
        if self.prev is None or (self.prev in (_H, _B) and self.conn != "-"):
            self.cur += v
            return _NEXT
        return _STOP

    def _hundred(self, _v: float, m: re.Match[str]) -> int:
        if self.conn is not None:
            return _STOP
        if self.prev is None:
            if not _is_ordinal_word(m):
                return _STOP  # see _big
            self.cur = 100.0  # "hundredth"
        elif self.prev == "D" or (self.prev in (_S, _T, "a") and 0 < self.cur < 100):
            self.cur = _scaled(self.cur, 100.0)
        else:
            return _STOP
        return _NEXT

    def _big(self, v: float, m: re.Match[str]) -> int:
        if self.conn is not None:
            return _STOP
        if self.prev is None:
            # A cardinal scale word never starts a number: "billion USD" or "hundred" alone holds no
            # figure ("a billion", "one hundred" do), so a number lost before it is refused, not read as
            # 1. An ordinal one does: "the trillionth visit".
            if not _is_ordinal_word(m):
                return _STOP
            self.total, self.cur = v, 0.0
        elif self.prev == _B:
            self.total = _scaled(self.total, v)  # "nghìn tỷ", "thousand billion"
        elif v >= self.last_big or self.prev not in (_S, _T, _H, "D", "a", "F"):
            return _STOP
        else:
            self.total += _scaled(self.cur, v)
            self.cur = 0.0
        self.last_big = v
        self.alt = None
        return _NEXT

    def _abbreviation(self, v: float, _m: re.Match[str]) -> int:
        if self.prev != "D" or self.ntok != 1:
            return _STOP
        self.cur = _scaled(self.cur, v)
        self.alt = None
        return _LAST

    def _article(self, _v: float, m: re.Match[str]) -> int:
        if self.prev is not None:
            return _STOP
        nxt = _TOK_RE.match(self.s, m.end())
        if (
            nxt is None
            or nxt.lastgroup != "w"
            or _LEX.get(nxt.group("w"), ("",))[0] not in (_H, _B, _OH, _OB)
        ):
            return _STOP
        self.cur = 1.0
        return _NEXT

    def _point(self, _v: float, m: re.Match[str]) -> int:
        if self.prev not in (_S, _T, _H, "D"):
            return _STOP
        frac, fend = _spelt_decimals(self.s, m.end())
        if not frac or self.cur != int(self.cur):
            return _STOP
        self.cur = float(f"{int(self.cur)}.{frac}")  # exact decimal, not cur + 0.frac
        self.alt = None
        self.prev = "F"
        self.end = fend
        self.ntok += 1
        self.conn, self.conn_end = None, -1
        return _SELF


def _is_ordinal_word(m: re.Match[str]) -> bool:
    """Whether the word token ``m`` is an ordinal number word ("hundredth", "trillionth")."""
    return _LEX.get(m.group("w"), ("",))[0] in _ORDINAL_KINDS


_WORD_STEPS = {
    _S: _WordNumber._small,
    _OS: _WordNumber._small,
    _T: _WordNumber._tens,
    _OT: _WordNumber._tens,
    _H: _WordNumber._hundred,
    _OH: _WordNumber._hundred,
    _B: _WordNumber._big,
    _OB: _WordNumber._big,
    _A: _WordNumber._abbreviation,
    nw.ARTICLE: _WordNumber._article,
    nw.POINT: _WordNumber._point,
}


def _spelt_decimals(s: str, pos: int) -> tuple[str, int]:
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


def _number(s: str, pos: int, lang: str) -> tuple[float, int, bool, int, float | None]:
    """Parse the number starting at ``pos``: ``(value, end, ordinal, n_tokens, alt)``.

    ``alt`` is the grouping reading of a lone English ``d.ddd`` token (see :func:`_digits`).
    """
    reader = _WordNumber(s, pos, lang)
    return reader.read()


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------


_SAFE_CHARACTERS: set[str] = set()


def _check_characters(text: str) -> None:
    """Refuse digits that NFKC would turn into ASCII ones silently, or that ``float`` would read.

    Full-width forms (``５０％``) are the same characters set wide and are read; digits of other scripts
    (``٥``), superscripts and subscripts (``²``), circled numbers and fraction signs (``½``) are not.
    """
    for ch in set(text).difference(_SAFE_CHARACTERS):
        if ch.isascii() or 0xFF01 <= ord(ch) <= 0xFF5E:
            continue
        if unicodedata.numeric(ch, None) is not None or any(
            c in "0123456789" for c in unicodedata.normalize("NFKC", ch)
        ):
            name = unicodedata.name(ch, "unnamed character")
            raise _Fail(
                f"{ch!r} ({name.lower()}) is a digit of another script, a superscript or a fraction sign; "
                "write the figure with the digits 0-9"
            )
        if len(_SAFE_CHARACTERS) < 65536:  # remembered: Vietnamese letters recur in every phrase
            _SAFE_CHARACTERS.add(ch)


def normalise(text: str) -> str:
    """The text as the parser reads it: NFKC, lower case, one space for every run of whitespace.

    Raises :class:`FigureParseError` for digits it will not read (see :func:`_check_characters`).
    """
    try:
        return _normalise(text)
    except _Fail as exc:
        raise FigureParseError(f"cannot parse a figure from {text!r}: {exc}") from None


def _normalise(text: str) -> str:
    if not text.isascii():
        _check_characters(text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = _DASHES_RE.sub("-", text)
    low = text.lower()
    if _ODD_SPACE_RE.search(low):
        low = _WS_RE.sub(" ", low)
    return low.strip()


def _check_lang(lang: str) -> str:
    if lang == "en" or lang == "vi":
        return lang
    low = str(lang).strip().lower()[:2]
    if low in ("en", "vi"):
        return low
    raise ValueError(f"unsupported language {lang!r}: expected 'en' or 'vi'")


# --------------------------------------------------------------------------------------------------
# Reading one figure: what precedes the number, the number, what follows it
# --------------------------------------------------------------------------------------------------


class _Pre(NamedTuple):
    """What stands before a number (offsets are relative to the window the prefix grammar read)."""

    start: int  # where the figure's own words (qualifier, rank cue, currency ...) begin
    qualifier: str | None
    rank: str | None  # the rank cue, or None
    nolabel: str | None  # "no." / "number" right before the number
    currency: str | None
    percent: bool  # "per cent of"
    negative: bool
    paren: bool


def _read_prefix(window: str) -> _Pre:
    """Read the figure's own words at the end of ``window`` (the text before the number)."""
    if not window:
        return _Pre(0, None, None, None, None, False, False, False)
    pm = _PRE_RE.search(window)  # always matches, at the latest at the end
    g = pm.group  # type: ignore[union-attr]
    qual = g("qual")
    qualifier = _QUALIFIERS.get(_WS_RE.sub(" ", qual)) if qual else None
    rank = g("rank")
    if rank in ("top", "tốp") and qualifier is None:
        qualifier = "at_most"
    currency = "USD" if (g("usd") or g("usd2")) else "VND" if (g("vnd") or g("vnd2")) else None
    sign = g("sign")
    return _Pre(
        pm.start(),  # type: ignore[union-attr]
        qualifier,
        rank,
        g("nolabel"),
        currency,
        bool(g("pof")),
        bool(sign) and sign.strip() in ("-", "minus", "negative", "âm"),
        bool(g("paren")),
    )


class _Num(NamedTuple):
    """The number itself."""

    value: float
    end: int
    ordinal: bool
    ntok: int
    alt: float | None  # grouping reading of an English d.ddd (VND amounts)
    token: str  # the digits as written when the number is one digit token, else ""
    scaled: bool  # a scale word or abbreviation applied


def _read_number(s: str, start: int, lang: str, vi_run: NumberRun | None) -> _Num:
    """Read the number at ``start``: Vietnamese number words, digits with scale words, or the full grammar."""
    if vi_run is not None:  # the digits it stands for, so "thứ hai" after "ngày" is a weekday as "thứ 2" is
        return _Num(float(vi_run.value), vi_run.end, False, 2, None, str(vi_run.value), False)
    fm = _FAST_RE.match(s, start) if s[start].isdigit() or s[start] in ".," else None
    if fm is not None:
        nxt = _NEXT_RE.match(s, fm.end())
        if nxt is not None and (nxt.group("p") or nxt.group("w") in _LEX):
            fm = None
    if fm is None:
        value, end, ordinal, ntok, alt = _number(s, start, lang)
        token = s[start:end] if ntok == 1 and s[start].isdigit() else ""
        return _Num(value, end, ordinal, ntok, alt if ntok == 1 else None, token, ntok > 1)
    digits = fm.group("d")
    value, alt = _digits(digits, lang)
    if fm.group("ord"):
        if digits.isdigit():
            return _Num(value, fm.end(), True, 2, None, digits, False)
        return _Num(value, fm.end("d"), False, 1, alt, digits, False)
    sc = fm.group("sc")
    if sc:
        scale = 1.0
        for w in _SCALE_WORD_RE.findall(sc):  # scale words may be glued ("nghìntỷ"): split on the words
            scale *= _BIG[w]
        return _Num(_scaled(value, scale), fm.end(), False, 2, None, digits, True)
    ab = fm.group("ab")
    if ab:
        return _Num(_scaled(value, _ABBREV[ab]), fm.end(), False, 2, None, digits, True)
    return _Num(value, fm.end(), False, 1, alt, digits, False)


def _token_class(token: str) -> str:
    """What of the number as written matters to the cues: a year, a weekday or an hour, or nothing."""
    n = len(token)
    if n == 4:
        return "2000" if nf.is_year_like(token) else ""
    if n == 1:
        return token if token in "234567" else "12" if token in "0189" else ""
    return "12" if n == 2 and token in ("10", "11", "12") else ""


# --------------------------------------------------------------------------------------------------
# Facts about the words before and after a number. Each is read from a bounded window of text and cached
# on that window's text, since phrases repeat their openings ("more than ") and endings (" accounts").
# --------------------------------------------------------------------------------------------------

_CACHE_MAX = 4096  # entries per cache; a full cache is emptied
_PRE_WINDOW = 96  # characters before a number that the prefix grammar may span (its longest form is ~70)
_CONTEXT_WINDOW = 48  # characters before a number that the not-a-figure cues look at
_TAIL_WINDOW = 160  # characters after a number that a figure's units, denominator and qualifier may span


class _Before(NamedTuple):
    """What the text before a number says."""

    pre: _Pre
    leftover: str  # the words before the figure's own words ("" if none, or only a label like "Price:")
    cue: Cue | None  # what the words right before it say it is (not_figures.before_cue)
    year_cue: bool  # "in", "by", "năm" ... right before it: a year-like number there is a year
    multiple_cue: bool  # "gấp", "tăng" ...: "lần" after the number is "times"
    first_last: bool  # "first"/"last" right before it: with "months" after, a period
    rank_verb: bool  # "ranked", "xếp", "đứng" ... among the words before
    last_word: str  # the last word before the figure
    foreign: str  # a currency other than VND and USD right before the figure ("€", "EUR"), or ""


_before_cache: dict[tuple[str, bool, str], _Before] = {}


def _before_facts(window: str, more_before: bool, token_class: str) -> _Before:
    """Facts about ``window`` (the text before the number, from its sentence's start at most
    :data:`_PRE_WINDOW` characters back); ``more_before`` says whether text precedes the window."""
    key = (window, more_before, token_class)
    facts = _before_cache.get(key)
    if facts is not None:
        return facts
    pre = _read_prefix(window)
    leftover = window[: pre.start].strip()
    if leftover.endswith(":"):
        leftover = ""  # a label ("Price:") is not a sentence around the figure
    elif more_before and not leftover:
        leftover = "…"  # the figure's own words fill the window: something precedes them
    before = window[-_CONTEXT_WINDOW:]
    last = _LAST_WORD_RE.search(leftover)
    facts = _Before(
        pre,
        leftover,
        nf.before_cue(before, token_class),
        _YEAR_CUE_RE.search(before) is not None,
        _MULTIPLE_CUE_RE.search(before) is not None,
        nf.starts_period(before),
        _RANK_VERB_RE.search(leftover[-_CONTEXT_WINDOW:]) is not None,
        last.group(1) if last is not None else "",
        _foreign(window[-_FOREIGN_REACH:]),
    )
    if len(_before_cache) >= _CACHE_MAX:
        _before_cache.clear()
    _before_cache[key] = facts
    return facts


class _Side(NamedTuple):
    """The end of a figure after its units (and denominator): trailing qualifier, bracket, what follows."""

    direction: str | None  # trailing qualifier: "up" ("or more"), "down", "equal", "about"
    end: int  # relative to the number's end
    magnitude: str | None  # an unknown scale word right after it
    counted: bool  # a counted noun follows ("2019 accounts")
    second: str | None  # the rest of the window after the figure when it holds another number (en, vi)


class _After(NamedTuple):
    """What the text after a number says (positions relative to the number's end)."""

    currency: str | None
    percent: bool
    times: bool
    cents: float
    den_text: str | None  # a rank's denominator as written, when one follows
    plain: _Side  # the figure's end without a denominator
    ranked: _Side | None  # and with it
    cue: Cue | None  # what the words right after it say it is (not_figures.after_cue)
    sequence: bool  # "11th year", "4th Industrial Revolution"
    places: bool  # "2 places", "3 bậc"
    entities: bool  # "63 provinces": what a ranking ranks
    fraction: bool  # "and a half", "rưỡi"
    rank_noun: bool  # "place", "position" ... right after it
    next_word: str  # the first word after it
    foreign: str  # a currency other than VND and USD right after the figure ("5 euros"), or ""


_after_cache: dict[tuple[str, bool, str, str, bool], _After] = {}


def _after_facts(tail: str, ranky: bool, lang: str, token_class: str, first_last: bool) -> _After:
    """Facts about ``tail``, the :data:`_TAIL_WINDOW` characters after the number's digits or words."""
    key = (tail, ranky, lang, token_class, first_last)
    facts = _after_cache.get(key)
    if facts is not None:
        return facts
    currency, percent, times, cents, pos = _units(tail, lang)
    den_text, ranked = None, None
    dm = _DENOM_RE.match(tail, pos) if ranky else None
    if dm is not None:
        den_text = dm.group("den")
        ranked = _side(tail, dm.end())
    nxt = _FIRST_WORD_RE.match(tail)
    facts = _After(
        currency,
        percent,
        times,
        cents,
        den_text,
        _side(tail, pos),
        ranked,
        nf.after_cue(tail, 0, token_class, "first " if first_last else ""),
        nf.sequence_after(tail, 0),
        nf.places_after(tail, 0),
        nf.ranked_entities_after(tail, 0),
        _FRACTION_RE.match(tail) is not None,
        _RANK_NOUN_AFTER_RE.match(tail) is not None,
        nxt.group(1) if nxt is not None else "",
        _foreign(tail[: _FOREIGN_REACH * 2]),
    )
    if len(_after_cache) >= _CACHE_MAX:
        _after_cache.clear()
    _after_cache[key] = facts
    return facts


def _units(tail: str, lang: str) -> tuple[str | None, bool, bool, float, int]:
    """Currency, percent, "times" (with ``lần`` only as a multiple) and cents right after the number."""
    post = _POST_RE.match(tail)
    if post is None or post.lastindex is None:  # nothing but maybe a space
        return None, False, False, 0.0, 0
    pg = post.group
    pos = post.end(post.lastindex)  # not the space after the unit
    currency, cents = None, 0.0
    if pg("usd"):
        currency = "USD"
        if pg("usd").startswith("dollar"):
            cents, pos = _cents(tail, pos, lang)
    elif pg("vnd"):
        currency = "VND"
    times: bool | str = bool(pg("times"))
    if times and pg("times") == "lần" and not _LAN_END_RE.match(tail, pos):
        times = "lần"  # "times" only after a multiple cue; decided with the words before the number
    return currency, bool(pg("pct")), times, cents, pos  # type: ignore[return-value]


def _side(tail: str, pos: int) -> _Side:
    direction = None
    tq = _TRAIL_QUAL_RE.match(tail, pos)
    if tq is not None:
        pos = tq.end()
        word = tq.group("tq") or tq.group("tql")
        direction = "up" if word is None else _TRAIL_MEANING[_WS_RE.sub(" ", word)]
    close = _CLOSE_RE.match(tail, pos)
    if close is not None:
        pos = close.end()
    mag = _MAGNITUDE_RE.match(tail, pos)
    magnitude = mag.group("mag") if mag is not None and mag.group("mag") not in _NOUNS_LIKE_SCALES else None
    rest = tail[pos:]
    second = rest.strip() if rest and _SECOND_NUMBER_VI_RE.search(rest) else None
    return _Side(direction, pos, magnitude, nf.counted_noun_after(tail, pos), second)


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


# "three and a half": the parser reads no fractions, and must not drop the half silently.
_FRACTION_RE = re.compile(
    rf"\s?(?:and\s(?:a|one)\s(?:half|quarter)|(?:and\s)?(?:[0-9]+\s?)?(?:halves|quarters)|rưỡi){_NA}"
)
# Currencies other than VND and USD: better an error than a figure silently read as a plain count.
_FOREIGN_CURRENCY_RE = re.compile(
    r"[€£¥₹₩₱฿₭៛]|\b(?:eur|gbp|jpy|cny|rmb|inr|krw|thb|sgd|aud|cad|chf|hkd|myr|idr|php|lak|khr|rs"
    r"|euros?|pounds? sterling|yen|yuan|rupees?|baht|ringgit|rupiah|pesos?)\b\.?"
)


_FOREIGN_REACH = 24  # characters around a figure where another currency makes it an error


def _foreign(text: str) -> str:
    """The first currency other than VND/USD named in ``text`` ("" if none)."""
    match = _FOREIGN_CURRENCY_RE.search(text)
    return match.group(0).strip() if match else ""


# --------------------------------------------------------------------------------------------------
# Putting a figure together
# --------------------------------------------------------------------------------------------------


def _check_cues(num: _Num, before: _Before, after: _After) -> None:
    """Raise when the words around the number rule it out (a date, a document number, a sequence ...).
    A cue that rules the number out wins over one that depends on the rest of the figure (a label)."""
    for cue in (before.cue, after.cue):
        if cue in _ALWAYS_NOT_A_FIGURE:
            raise _Fail(cue.value)  # type: ignore[union-attr]
    if num.ordinal and after.sequence:
        raise _Fail(Cue.SEQUENCE.value)
    if after.fraction:
        raise _Fail("fractions ('and a half', 'rưỡi') are not supported; write the figure in digits")
    foreign = before.foreign or after.foreign
    if foreign:
        raise _Fail(f"currency {foreign!r} is not supported (only VND and USD)")


def _check_word_number(word: str, num: _Num, before: _Before, after: _After) -> None:
    """A lone number *word* inside a sentence is often not a figure: "which one", "a second", "the first
    time". Accept ``one`` before a counted noun and an ordinal word only with a ranking cue."""
    if word == "one" and after.next_word in ("of", "another"):
        raise _Fail("no number ('one of', 'one another' are not figures)")
    if not before.leftover:
        return
    if num.ordinal:
        if before.pre.rank or before.rank_verb or after.rank_noun:
            return
        raise _Fail("an ordinal word with no ranking cue ('ranked sixth', 'second place' are ranks)")
    if (
        word == "one"
        and num.ntok == 1
        and (before.last_word in _PRONOUN_BEFORE or not after.next_word or after.next_word in _PRONOUN_AFTER)
    ):
        raise _Fail("no number ('one' here is a pronoun or an article)")


def _out_of(num: _Num, after: _After) -> int | None:
    """A rank's denominator: larger than the rank, and not a year ("5th in 2020" is a rank and a year)."""
    if after.den_text is None:
        return None
    den = int(_SEP_RE.sub("", after.den_text))
    return den if den >= num.value and not nf.is_year_like(after.den_text) else None


def _unit(num: _Num, pre: _Pre, after: _After, out_of: int | None, times: bool) -> str | None:
    """The figure's unit: rank, %, a currency, times, or None for a plain count."""
    currency = pre.currency
    if after.currency is not None:
        if currency is not None and currency != after.currency:
            raise _Fail("two currencies")
        currency = after.currency
    percent = pre.percent or after.percent
    # "the ranking of 63 provinces", "bảng xếp hạng 63 tỉnh": after a rank word with no ordinal marker, a
    # number followed by what is ranked counts the entities; "up 2 places" counts places.
    weak_rank = pre.rank is not None and not pre.rank.endswith(("thứ", "số", "top", "tốp"))
    rank = (
        num.ordinal
        or out_of is not None
        or (pre.rank is not None and not after.places and not (weak_rank and after.entities))
    )
    if rank:
        if currency or percent or times:
            raise _Fail("a rank with a unit")
        return "rank"
    if percent:
        if currency or times:
            raise _Fail("a percentage with another unit")
        return "%"
    if currency:
        if times:
            raise _Fail("an amount with 'times'")
        return currency
    return "times" if times else None


def _check_bare_number(num: _Num, before: _Before, side: _Side, out_of: int | None) -> None:
    """Rules for a number with no unit: labels, "No. N" (a count only when the phrase is just that, as in
    the raw data's "No. 725") and years."""
    if num.scaled:
        return
    pre = before.pre
    if before.cue is Cue.LABEL:
        raise _Fail(Cue.LABEL.value)
    if (
        pre.nolabel
        and pre.rank is None
        and out_of is None
        and (before.leftover or not pre.nolabel.startswith("no"))
    ):
        raise _Fail(Cue.NUMBER_LABEL.value)
    if pre.qualifier is None and nf.is_year_like(num.token) and (before.year_cue or not side.counted):
        raise _Fail(f"{Cue.YEAR.value} (a count of that size is written with grouping: 2,019)")


def _qualifier(pre: _Pre, direction: str | None) -> str | None:
    """The qualifier from the words before the figure, adjusted by a trailing one ("or more")."""
    qualifier = pre.qualifier
    if direction == "about":
        qualifier = qualifier or "about"
    elif direction == "equal":
        if qualifier == "more_than":
            qualifier = "at_least"
        elif qualifier == "less_than":
            qualifier = "at_most"
    elif direction is not None and (qualifier is None or qualifier in _STRICT):
        qualifier = "at_least" if direction == "up" else "at_most"
    return None if qualifier == "equal" else qualifier


def _bounds(value: float, qualifier: str | None) -> tuple[float | None, float | None]:
    if qualifier in _LOWER_BOUND:
        return value, None
    if qualifier in _UPPER_BOUND:
        return None, value
    return None, None


def _value(num: _Num, pre: _Pre, after: _After, unit: str | None) -> float:
    """The figure's value in absolute units: cents added, an English d.ddd VND amount read as grouped."""
    value = num.value
    if unit in ("VND", "USD"):
        value += after.cents
        if unit == "VND" and num.alt is not None and not num.scaled:
            value = num.alt
    if not math.isfinite(value):
        raise _Fail("number out of range")
    return -value if pre.negative else value


def _read_at(
    s: str, start: int, lang: str, floor: int, line_start: bool, vi_run: NumberRun | None
) -> tuple[FigureReading, str | None]:
    """Read the figure whose number starts at ``start``; words before ``floor`` are never part of it.

    Also returns what follows the figure within :data:`_TAIL_WINDOW` when it holds another number (English
    or Vietnamese number words, or digits), for :func:`parse_figure`'s one-figure rule."""
    shape = nf.shape_cue(s, start, line_start)  # "31.12.2023", "1.1. Giới thiệu": before reading digits
    if shape is not None:
        raise _Fail(shape.value)
    num = _read_number(s, start, lang, vi_run)
    token_class = _token_class(num.token)
    wstart = max(floor, start - _PRE_WINDOW)
    before = _before_facts(s[wstart:start], wstart > floor, token_class)
    pre = before.pre
    ranky = num.ordinal or pre.rank is not None or pre.nolabel is not None
    after = _after_facts(s[num.end : num.end + _TAIL_WINDOW], ranky, lang, token_class, before.first_last)
    if before.cue or after.cue or num.ordinal or after.fraction or before.foreign or after.foreign:
        _check_cues(num, before, after)  # (most figures have none of these: skip the call)
    if num.token or (start > floor and s[start - 1].isalpha()):
        code = nf.code_cue(s, start, num.end, s[max(floor, start - _CONTEXT_WINDOW) : start],
                           wstart + pre.start == start)  # fmt: skip
        if code is not None:
            raise _Fail(code.value)
    if s[start].isalpha():
        _check_word_number(s[start : num.end], num, before, after)
    out_of = _out_of(num, after) if after.den_text is not None else None
    side = after.ranked if out_of is not None else after.plain
    if side.magnitude is not None:  # type: ignore[union-attr]
        raise _Fail(f"unknown scale word {side.magnitude!r} (known: {', '.join(sorted(_BIG))})")  # type: ignore[union-attr]
    times = after.times is True or (after.times == "lần" and before.multiple_cue)
    unit = _unit(num, pre, after, out_of, times)
    if unit is None:
        _check_bare_number(num, before, side, out_of)  # type: ignore[arg-type]
    value = _value(num, pre, after, unit)
    qualifier = _qualifier(pre, side.direction)  # type: ignore[union-attr]
    lower, upper = _bounds(value, qualifier)
    first = wstart + pre.start if wstart < start else start
    if pre.rank is not None and unit != "rank" and pre.qualifier is None and pre.currency is None:
        first = start  # "the ranking of 63 provinces": the rank word did not make a rank
    while first < start and s[first] in " \n":
        first += 1
    return FigureReading(
        value, unit, qualifier, lower, upper, out_of if unit == "rank" else None, first,
        num.end + side.end, start, num.end,  # type: ignore[union-attr]
    ), side.second  # fmt: skip


def _first_number(s: str, lang: str) -> tuple[int, NumberRun | None]:
    """Where the first number of the phrase starts: digits, an English number word or, in Vietnamese,
    a run of number words."""
    dm = _DIGIT_RE.search(s)
    first = dm.start() if dm is not None else len(s)
    words = _words_before_digits(s[:first], dm is not None, lang)  # cached: openings repeat
    if words is not None:
        return words
    if first == len(s):
        raise _Fail("no number")
    return first, None


_words_cache: dict[tuple[str, bool, str], tuple[int, NumberRun | None] | None] = {}


def _words_before_digits(head: str, digits_follow: bool, lang: str) -> tuple[int, NumberRun | None] | None:
    """A number written in words in ``head`` (the text before the first digit, if any), if any: where it
    starts, and for Vietnamese words the run. Cached on ``head``."""
    key = (head, digits_follow, lang)
    if key in _words_cache:
        return _words_cache[key]
    found: tuple[int, NumberRun | None] | None = None
    wm = _WORD_START_RE.search(head)
    # "the first six months", "the first 6 months": the number is what follows "first"
    counted_after = wm is not None and (
        (digits_follow and not head[wm.end() :].strip()) or _NUMBER_AFTER_RE.match(head, wm.end()) is not None
    )
    if counted_after and wm.group() in ("first", "last"):  # type: ignore[union-attr]
        wm = _WORD_START_RE.search(head, wm.end())  # type: ignore[union-attr]
    if wm is not None:
        found = (wm.start(), None)
    if lang == "vi" and not head.isascii():
        run = next(iter_number_runs(head, 0, found[0] if found else len(head)), None)
        if run is not None:
            found = (run.start, run)
    if len(head) <= 80:
        if len(_words_cache) >= _CACHE_MAX:
            _words_cache.clear()
        _words_cache[key] = found
    return found


def read_figure_at(
    s: str, start: int, lang: str = "en", *, floor: int = 0, line_start: bool = False,
    vi_run: NumberRun | None = None,
) -> FigureReading:  # fmt: skip
    """Read the figure whose number starts at ``start`` of the normalised text ``s`` (see :func:`normalise`).

    ``floor`` bounds how far back the figure's words may reach (the start of its sentence); words before
    the number are read in a bounded window, and words after it only as far as the figure goes, so the
    cost does not depend on the length of ``s``. ``line_start`` says whether the number opens a line
    (where ``1.`` is list numbering). ``vi_run`` is the Vietnamese number-word run starting at ``start``,
    if the number is written in words. Raises :class:`FigureParseError` when the number is not a figure.
    """
    try:
        return _read_at(s, start, lang, floor, line_start, vi_run)[0]
    except _Fail as exc:
        raise FigureParseError(str(exc)) from None
    except (ValueError, OverflowError) as exc:  # float() of something odd
        raise FigureParseError(str(exc)) from None


def _parse(text: str, lang: str) -> Figure:
    """Parse ``text`` with no length limit (the public API bounds it; benchmarks time this directly)."""
    s = _normalise(text)
    if s[:1] in ("=", "+", "-", "@") and _FORMULA_RE.match(s):
        raise _Fail("a spreadsheet formula, not a figure: paste the cell's value instead")
    start, vi_run = _first_number(s, lang)
    reading, second = _read_at(s, start, lang, 0, start == 0, vi_run)
    if second is not None or len(s) - reading.number_end > _TAIL_WINDOW:
        rest = s[reading.end :]
        bad = (_SECOND_NUMBER_VI_RE if lang == "vi" else _SECOND_NUMBER_RE).search(rest)
        if bad is not None:
            raise _Fail(f"a second number ({rest.strip()!r})")
    return Figure(reading.value, reading.unit, reading.qualifier, reading.lower, reading.upper, text,
                  reading.out_of)  # fmt: skip


def parse_figure(text: str, lang: str = "en") -> Figure:
    """Parse one reported figure, e.g. ``parse_figure("hơn 2,1 triệu tài khoản", "vi")``.

    ``lang`` (``"en"`` or ``"vi"``) decides how ``.`` and ``,`` are read (see the module docstring).
    Raises :class:`FigureParseError` (a ``ValueError``) quoting ``text`` when it holds no figure or more
    than one, when it is longer than :data:`MAX_PHRASE_CHARS`, or when it holds digits of another script.
    """
    if lang != "en" and lang != "vi":
        lang = _check_lang(lang)
    if not isinstance(text, str):
        missing = text is None or (isinstance(text, float) and text != text) or repr(text) == "<NA>"
        why = "missing text" if missing else f"not a text but a {type(text).__name__}"
        raise FigureParseError(f"cannot parse a figure from {_quote(text)}: {why}")
    if len(text) > MAX_PHRASE_CHARS:
        raise FigureParseError(
            f"cannot parse a figure from {text[:60]!r}... ({len(text):,} characters): a figure phrase is a "
            "few "
            f"words, at most {MAX_PHRASE_CHARS:,} characters; use extract_figures for whole texts"
        )
    try:
        return _parse(text, lang)
    except _Fail as exc:
        raise FigureParseError(f"cannot parse a figure from {text!r}: {exc}") from None
    except (ValueError, OverflowError) as exc:  # float() of something odd; should not happen
        raise FigureParseError(f"cannot parse a figure from {text!r}: {exc}") from None


def _quote(value: object) -> str:
    """A short repr of a non-text value for an error message."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a broken __repr__ must not hide the real error
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:77] + "..."


_SECOND_NUMBER_VI_RE = re.compile(r"[0-9]|" + _NB + _trie(nw.SECOND_NUMBER_WORDS | _VI_NUMBER_WORDS) + _NA)
_SECOND_NUMBER_RE = re.compile(r"[0-9]|" + _NB + _trie(nw.SECOND_NUMBER_WORDS) + _NA)


# --------------------------------------------------------------------------------------------------
# Many phrases at once
# --------------------------------------------------------------------------------------------------

FIGURE_COLUMNS: tuple[str, ...] = ("text", "value", "unit", "qualifier", "lower", "upper", "out_of", "error")


class _NotText:
    """Stands in for an unhashable cell (a list, a dict) so that phrases can be factorised; parsing it
    gives the per-row error "not a text"."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __repr__(self) -> str:
        return _quote(self.value)


def _hashable_cells(texts: object) -> object:
    """The cells of ``texts`` with every unhashable one wrapped, so ``pandas.factorize`` accepts them."""
    import numpy as np

    cells = np.array(texts, dtype=object, copy=True)
    for i, cell in enumerate(cells):
        if not isinstance(cell, str | float | int | type(None)):
            try:
                hash(cell)
            except TypeError:
                cells[i] = _NotText(cell)
    return cells


def _parse_cell(text: object, lang: str) -> Figure:
    if isinstance(text, _NotText):
        raise FigureParseError(
            f"cannot parse a figure from {text!r}: not a text but a {type(text.value).__name__}"
        )
    return parse_figure(text, lang)  # type: ignore[arg-type]


def parse_figures(
    series: pd.Series,
    lang: str | pd.Series = "en",
    errors: Literal["raise", "coerce"] = "raise",
) -> pd.DataFrame:
    """Parse every phrase of ``series``; each distinct ``(phrase, lang)`` pair is parsed once.

    ``lang`` is ``"en"``/``"vi"`` for the whole series, or a Series of per-row languages aligned with
    ``series`` (on its index). With ``errors="raise"`` the first :class:`FigureParseError` (in row order)
    propagates; with ``"coerce"`` a failed row gets NaN ``value`` and the message in ``error``. A missing
    phrase (None/NaN), or a cell that is not a text (a number, a list, a dict), is a failure like any other
    text that holds no figure. An unsupported language raises ``ValueError`` in both modes.

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
    texts = _hashable_cells(series.to_numpy(dtype=object))
    codes, keys = _distinct_keys(texts, lang, index)
    m = len(keys)
    value, lower, upper = np.full(m, np.nan), np.full(m, np.nan), np.full(m, np.nan)
    out_of, has_out_of = np.zeros(m, dtype=np.int64), np.zeros(m, dtype=bool)
    unit, qualifier, error = (np.full(m, None, dtype=object) for _ in range(3))
    for i, (text, lg) in enumerate(keys):
        try:
            f = _parse_cell(text, lg)
        except FigureParseError as exc:
            if errors == "raise":
                raise
            error[i] = str(exc)
            continue
        value[i], unit[i], qualifier[i] = f.value, f.unit, f.qualifier
        if f.lower is not None:
            lower[i] = f.lower
        if f.upper is not None:
            upper[i] = f.upper
        if f.out_of is not None:
            out_of[i], has_out_of[i] = f.out_of, True
    n = len(texts)  # type: ignore[arg-type]
    shown = [t.value if isinstance(t, _NotText) else t for t in texts]  # type: ignore[union-attr]

    def column(values: np.ndarray, dtype: str | type) -> pd.Series:
        return pd.Series(values.take(codes) if n else values[:0], index=index, dtype=dtype)

    return pd.DataFrame(
        {
            "text": pd.Series(shown, index=index, dtype=object).where(pd.notna(np.asarray(texts)), None),
            "value": column(value, "float64"),
            "unit": column(unit, object),
            "qualifier": column(qualifier, object),
            "lower": column(lower, "float64"),
            "upper": column(upper, "float64"),
            "out_of": pd.Series(
                pd.arrays.IntegerArray(out_of.take(codes), ~has_out_of.take(codes))
                if n
                else pd.array([], dtype="Int64"),
                index=index,
            ),
            "error": column(error, object),
        },
        index=index,
    )


def _distinct_keys(texts: object, lang: str | pd.Series, index: pd.Index) -> tuple[object, list]:
    """Codes of each row and the distinct ``(text, lang)`` pairs they point to."""
    import numpy as np
    import pandas as pd

    tcodes, tuniques = pd.factorize(texts, use_na_sentinel=False)  # type: ignore[call-overload]
    if not isinstance(lang, pd.Series):
        one = _check_lang(lang)
        return tcodes, [(t, one) for t in tuniques]
    if len(lang) != len(tcodes) or not lang.index.equals(index):
        lang = lang.reindex(index)
    lcodes, luniques = pd.factorize(lang.to_numpy(dtype=object), use_na_sentinel=False)
    checked = [_check_lang(x) if isinstance(x, str) else _check_lang(repr(x)) for x in luniques]
    codes, pairs = pd.factorize(tcodes.astype(np.int64) * len(luniques) + lcodes)
    return codes, [(tuniques[c // len(luniques)], checked[c % len(luniques)]) for c in pairs.tolist()]
