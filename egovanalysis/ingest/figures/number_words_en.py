"""English number words and scale words, as lookup tables for :mod:`egovanalysis.ingest.figures.parser`.

Every entry maps a lower-case word to ``(kind, value)``. The kinds are small string constants so the
figure parser can dispatch on them with plain comparisons:

- ``SMALL``: cardinals 0-19 (``zero``, ``one`` ... ``nineteen``);
- ``TENS``: ``twenty`` ... ``ninety``;
- ``HUNDRED``: ``hundred`` (and Vietnamese ``trăm``);
- ``BIG``: scale words of 1,000 and more, English and Vietnamese (``thousand``, ``million``, ``nghìn``,
  ``tỷ`` ...);
- ``ABBR``: scale abbreviations that only count directly after digits (``k``, ``mn``, ``bn`` ...);
- ``ORD_SMALL``, ``ORD_TENS``, ``ORD_HUNDRED``, ``ORD_BIG``: the ordinal forms of the above
  (``first``, ``twentieth``, ``hundredth``, ``trillionth``);
- ``AND``: connectors inside one number (``and``, ``&``, ``,``);
- ``POINT``: ``point`` (decimal point spelt out);
- ``ARTICLE``: ``a`` / ``an``, which mean 1 only in front of a scale word (``a hundred``).

Vietnamese number *words* (``hai``, ``ba``, ``năm`` ...) are not in this lexicon: several of them are
everyday words (``năm`` is also "year", ``ba`` also "father"), so they are read by
:mod:`egovanalysis.ingest.figures.number_words_vi`, which looks at the words around them; only the
Vietnamese scale words are listed here.
"""

from __future__ import annotations

SMALL = "S"
TENS = "T"
HUNDRED = "H"
BIG = "B"
ABBR = "A"
ORD_SMALL = "OS"
ORD_TENS = "OT"
ORD_HUNDRED = "OH"
ORD_BIG = "OB"
AND = "&"
POINT = "."
ARTICLE = "a"

_SMALL_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORD_SMALL_WORDS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]
_ORD_TENS_WORDS = [
    "twentieth",
    "thirtieth",
    "fortieth",
    "fiftieth",
    "sixtieth",
    "seventieth",
    "eightieth",
    "ninetieth",
]

#: Big scale words (>= 1,000), English and Vietnamese.
BIG_SCALES: dict[str, float] = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "quadrillion": 1e15,
    "nghìn": 1e3,
    "ngàn": 1e3,
    "triệu": 1e6,
    "tỷ": 1e9,
    "tỉ": 1e9,
}

#: Abbreviations that scale a number written in digits (``10k``, ``$5m``, ``1.2bn``, ``2 tr``).
ABBREVIATIONS: dict[str, float] = {
    "k": 1e3,
    "m": 1e6,
    "mm": 1e6,
    "mn": 1e6,
    "mil": 1e6,
    "mln": 1e6,
    "b": 1e9,
    "bn": 1e9,
    "bln": 1e9,
    "tn": 1e12,
    "tr": 1e6,
}

LEXICON: dict[str, tuple[str, float]] = {}
for _i, _w in enumerate(_SMALL_WORDS):
    LEXICON[_w] = (SMALL, float(_i))
for _i, _w in enumerate(_TENS_WORDS):
    LEXICON[_w] = (TENS, float(20 + 10 * _i))
for _i, _w in enumerate(_ORD_SMALL_WORDS):
    LEXICON[_w] = (ORD_SMALL, float(_i))
for _i, _w in enumerate(_ORD_TENS_WORDS):
    LEXICON[_w] = (ORD_TENS, float(20 + 10 * _i))
LEXICON.update({"naught": (SMALL, 0.0), "nought": (SMALL, 0.0), "nil": (SMALL, 0.0)})
LEXICON["nineth"] = (ORD_SMALL, 9.0)  # a common misspelling
LEXICON["hundred"] = (HUNDRED, 100.0)
LEXICON["trăm"] = (HUNDRED, 100.0)
LEXICON["hundredth"] = (ORD_HUNDRED, 100.0)
for _w, _v in BIG_SCALES.items():
    LEXICON[_w] = (BIG, _v)
for _w in ("thousand", "million", "billion", "trillion", "quadrillion"):
    LEXICON[_w + "th"] = (ORD_BIG, BIG_SCALES[_w])
for _w, _v in ABBREVIATIONS.items():
    LEXICON.setdefault(_w, (ABBR, _v))
LEXICON.update({"and": (AND, 0.0), "&": (AND, 0.0), ",": (AND, 0.0), "point": (POINT, 0.0)})
LEXICON.update({"a": (ARTICLE, 1.0), "an": (ARTICLE, 1.0)})

#: Words that can start a number spelt out (the parser looks for the first of these). Vietnamese scale
#: words are left out: ``tỷ`` also starts ``tỷ lệ`` ("rate"), and Vietnamese figures start with digits.
START_WORDS: frozenset[str] = frozenset(
    w for w, (k, _) in LEXICON.items() if k not in (ABBR, AND, POINT) and w != "nil" and w.isascii()
)

#: Cardinal words whose presence after a figure means a second number (``one`` is left out: "the one").
SECOND_NUMBER_WORDS: frozenset[str] = frozenset(
    [w for w in _SMALL_WORDS if w not in ("zero", "one")]
    + _TENS_WORDS
    + ["hundred", "thousand", "million", "billion", "trillion", "quadrillion"]
)

#: English scale words, longest first (what a regex alternation of them needs).
ENGLISH_SCALES: tuple[str, ...] = ("quadrillion", "thousand", "trillion", "million", "billion")
#: Vietnamese scale words. ``triệu tỷ`` (10^15) and ``nghìn tỷ`` (10^12) are products of two of them.
VIETNAMESE_SCALES: tuple[str, ...] = ("nghìn", "ngàn", "triệu", "tỷ", "tỉ")
