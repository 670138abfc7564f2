"""Property-based tests of the figure parser: format numbers in many styles, parse them back."""

from __future__ import annotations

import math
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from egovanalysis.ingest.figures import parser as figure_parser
from egovanalysis.ingest.figures.parser import MAX_PHRASE_CHARS, Figure, FigureParseError, parse_figure

SETTINGS = settings(derandomize=True, max_examples=300, deadline=None)

SCALES = {
    "en": [("", 1.0), (" thousand", 1e3), (" million", 1e6), ("million", 1e6), (" billion", 1e9),
           (" trillion", 1e12), ("k", 1e3), (" bn", 1e9), (" mn", 1e6)],
    "vi": [("", 1.0), (" nghìn", 1e3), (" ngàn", 1e3), (" triệu", 1e6), (" tỷ", 1e9), (" tỉ", 1e9),
           (" nghìn tỷ", 1e12)],
}  # fmt: skip
QUALIFIERS = {
    "en": [("", None), ("more than ", "more_than"), ("more than", "more_than"), ("over ", "more_than"),
           ("less than ", "less_than"), ("under ", "less_than"), ("at least ", "at_least"),
           ("up to ", "at_most"), ("about ", "about"), ("around ", "about"), ("nearly ", "nearly"),
           ("almost ", "nearly")],
    "vi": [("", None), ("hơn ", "more_than"), ("trên ", "more_than"), ("dưới ", "less_than"),
           ("ít nhất ", "at_least"), ("tối đa ", "at_most"), ("khoảng ", "about"), ("gần ", "nearly")],
}  # fmt: skip
NOUNS = {
    "en": ["", " accesses", " accounts", " countries", " in ASEAN", " services"],
    "vi": ["", " tài khoản", " lượt truy cập", " hồ sơ", " dịch vụ"],
}
PERCENT = {"en": ["%", " %", " per cent", " percent", " pct"], "vi": ["%", " phần trăm"]}
CURRENCY = {
    "en": [("VND{}", "VND"), ("VND {}", "VND"), ("{} VND", "VND"), ("US${}", "USD"), ("US $ {}", "USD"),
           ("${}", "USD"), ("{} USD", "USD"), ("{} dollars", "USD")],
    "vi": [("{} đồng", "VND"), ("{}đ", "VND"), ("{} VNĐ", "VND"), ("{} ₫", "VND"), ("{} USD", "USD")],
}  # fmt: skip


def fmt(number: Decimal, lang: str, grouped: bool) -> str:
    """Write ``number`` as the press of ``lang`` would: en 1,234.5; vi 1.234,5."""
    text = f"{number:,}" if grouped else f"{number}"
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


numbers = st.one_of(
    st.integers(min_value=0, max_value=10**12).map(Decimal),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
)
langs = st.sampled_from(["en", "vi"])


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def check_bounds(fig: Figure) -> None:
    if fig.qualifier in ("more_than", "at_least"):
        assert (fig.lower, fig.upper) == (fig.value, None)
    elif fig.qualifier in ("less_than", "at_most", "nearly"):
        assert (fig.lower, fig.upper) == (None, fig.value)
    else:
        assert (fig.lower, fig.upper) == (None, None)


@SETTINGS
@given(data=st.data(), lang=langs, number=numbers, grouped=st.booleans())
def test_counts_round_trip(data: st.DataObject, lang: str, number: Decimal, grouped: bool) -> None:
    scale_word, scale = data.draw(st.sampled_from(SCALES[lang]))
    qual_text, qualifier = data.draw(st.sampled_from(QUALIFIERS[lang]))
    noun = data.draw(st.sampled_from(NOUNS[lang]))
    text = f"{qual_text}{fmt(number, lang, grouped)}{scale_word}{noun}"
    fig = parse_figure(text, lang)
    assert close(fig.value, float(number) * scale), text
    assert (fig.unit, fig.qualifier) == (None, qualifier), text
    check_bounds(fig)


@SETTINGS
@given(data=st.data(), lang=langs, number=numbers, grouped=st.booleans())
def test_percentages_round_trip(data: st.DataObject, lang: str, number: Decimal, grouped: bool) -> None:
    qual_text, qualifier = data.draw(st.sampled_from(QUALIFIERS[lang]))
    text = f"{qual_text}{fmt(number, lang, grouped)}{data.draw(st.sampled_from(PERCENT[lang]))}"
    fig = parse_figure(text, lang)
    assert close(fig.value, float(number)), text
    assert (fig.unit, fig.qualifier) == ("%", qualifier), text


@SETTINGS
@given(
    data=st.data(),
    lang=langs,
    number=st.one_of(
        st.integers(min_value=0, max_value=10**12).map(Decimal),
        st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False),
    ),
    grouped=st.booleans(),
)
def test_money_round_trip(data: st.DataObject, lang: str, number: Decimal, grouped: bool) -> None:
    template, unit = data.draw(st.sampled_from(CURRENCY[lang]))
    scale_word, scale = data.draw(st.sampled_from(SCALES[lang]))
    qual_text, qualifier = data.draw(st.sampled_from(QUALIFIERS[lang]))
    amount = fmt(number, lang, grouped) + scale_word
    text = qual_text + template.format(amount)
    fig = parse_figure(text, lang)
    assert close(fig.value, float(number) * scale), text
    assert (fig.unit, fig.qualifier) == (unit, qualifier), text
    check_bounds(fig)


RANK_STYLES = [
    ("{r}th", False), ("{r}th among {n} countries", True), ("{r}th position among {n}", True),
    ("{r}th out of {n}", True), ("thứ {r}", False), ("thứ {r}/{n}", True), ("hạng {r}", False),
    ("xếp thứ {r} trên {n} quốc gia", True),
]  # fmt: skip


@SETTINGS
@given(data=st.data(), rank=st.integers(min_value=1, max_value=999), style=st.sampled_from(RANK_STYLES))
def test_ranks_round_trip(data: st.DataObject, rank: int, style: tuple[str, bool]) -> None:
    # A denominator is at least the rank and not a year (1900-2100): "5th in 2020" is a rank and a year.
    out_of = data.draw(
        st.integers(min_value=rank, max_value=1899) | st.integers(min_value=2101, max_value=9999)
    )
    template, has_out_of = style
    text = template.format(r=rank, n=out_of)
    fig = parse_figure(text, "en" if text.isascii() else "vi")
    assert (fig.value, fig.unit) == (rank, "rank"), text
    assert fig.out_of == (out_of if has_out_of else None), text


@SETTINGS
@given(text=st.text(max_size=40), lang=langs)
def test_random_text_never_crashes(text: str, lang: str) -> None:
    try:
        fig = parse_figure(text, lang)
    except FigureParseError as exc:
        assert repr(text) in str(exc)
    else:
        assert isinstance(fig, Figure) and isinstance(fig.value, float) and fig.text == text
        check_bounds(fig)


@SETTINGS
@given(text=st.text(alphabet="0123456789.,% -$đ₫ khmbtrnounderovmilliontỷệuhơnàg", max_size=25), lang=langs)
def test_figure_like_text_never_crashes(text: str, lang: str) -> None:
    """Random strings built from the characters figures are made of: parse or FigureParseError."""
    try:
        fig = parse_figure(text, lang)
    except FigureParseError as exc:
        assert repr(text) in str(exc)
    else:
        assert math.isfinite(fig.value)


FIGURE_TOKENS = [
    "1",
    "26",
    "2,800",
    "1.039",
    "26,7",
    "0.5",
    "thousand",
    "million",
    "billion",
    "trillion",
    "k",
    "nghìn",
    "ngàn",
    "triệu",
    "tỷ",
    "tỉ",
    "%",
    "per cent",
    "phần trăm",
    "VND",
    "đồng",
    "US$",
    "$",
    "USD",
    "th",
    "thứ",
    "/193",
    "among",
    "more than",
    "over",
    "hơn",
    "gần",
    "about",
    "top",
    "times",
    "lần",
    "accounts",
    "-",
    "eight",
]


@SETTINGS
@given(
    tokens=st.lists(st.sampled_from(FIGURE_TOKENS), min_size=1, max_size=6),
    glue=st.sampled_from(["", " "]),
    lang=langs,
)
def test_figure_tokens_glued_or_spaced_never_crash(tokens: list[str], glue: str, lang: str) -> None:
    """Whole figure words in any order, glued by bad scraping or spaced: a Figure or FigureParseError."""
    text = glue.join(tokens)
    try:
        fig = parse_figure(text, lang)
    except FigureParseError as exc:
        assert repr(text) in str(exc)
    else:
        assert math.isfinite(fig.value)
        check_bounds(fig)


# ---------------------------------------------------------------------------------------------------
# Long, repetitive and hostile inputs (issue 9): a Figure or a FigureParseError, never anything else
# ---------------------------------------------------------------------------------------------------

HOSTILE_TOKENS = [
    *FIGURE_TOKENS, " ", "  ", "\t", "\u00a0", "\n", "(", ")", "one", "năm", "hai", "ngày", "tháng", "2020",
    "no.", "level", "lần thứ", "quadrillion", "tỉnh", "=", "٥", "５", "²", "per", "every", "first",
]  # fmt: skip
WHITESPACE = st.text(alphabet=" \t\u00a0\u2009\n", min_size=0, max_size=50)


def _check_outcome(text: str, lang: str) -> None:
    try:
        fig = parse_figure(text, lang)
    except FigureParseError as exc:
        message = str(exc)
        if len(text) > MAX_PHRASE_CHARS:
            assert f"at most {MAX_PHRASE_CHARS:,} characters" in message
        else:
            assert repr(text) in message
    else:
        assert isinstance(fig.value, float) and math.isfinite(fig.value) and fig.text == text
        check_bounds(fig)


@SETTINGS
@given(
    tokens=st.lists(st.tuples(st.sampled_from(HOSTILE_TOKENS), WHITESPACE), min_size=1, max_size=300),
    lang=langs,
)
def test_long_token_soups_never_crash(tokens: list[tuple[str, str]], lang: str) -> None:
    _check_outcome("".join(token + space for token, space in tokens), lang)


@SETTINGS
@given(
    unit=st.sampled_from(["a ", "one ", "more than ", "hơn ", "5 ", "1,", "(", "-", " ", "\t\u00a0", "năm "]),
    repeat=st.integers(min_value=1, max_value=4000),
    tail=st.sampled_from(["", "5", "x 5", "5th", "abc", "thứ 5/193", "%"]),
    lang=langs,
)
def test_repetitive_inputs_of_any_length_never_crash(unit: str, repeat: int, tail: str, lang: str) -> None:
    _check_outcome(unit * repeat + tail, lang)


@SETTINGS
@given(
    words=st.lists(
        st.sampled_from(["the", "report", "says", "that", "đã", "có", "x"]), min_size=0, max_size=3000
    ),
    number=numbers,
    lang=langs,
)
def test_leading_words_of_any_length_do_not_change_the_value(
    words: list[str], number: Decimal, lang: str
) -> None:
    # The internal reader has no length limit; what precedes a figure never changes it.
    phrase = f"more than {fmt(number, lang, True)}%"
    expected = parse_figure(phrase, lang)
    got = figure_parser._parse(" ".join(words) + " " + phrase, lang)
    assert (got.value, got.unit, got.qualifier) == (expected.value, expected.unit, expected.qualifier)


@SETTINGS
@given(number=numbers, lang=langs, percent=st.booleans())
def test_parentheses_never_change_a_figure(number: Decimal, lang: str, percent: bool) -> None:
    phrase = fmt(number, lang, True) + ("%" if percent else " USD")
    plain, bracketed = parse_figure(phrase, lang), parse_figure(f"({phrase})", lang)
    assert (bracketed.value, bracketed.unit) == (plain.value, plain.unit)


_FULL_WIDTH = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in "0123456789%$.,"})


@SETTINGS
@given(number=numbers, lang=langs)
def test_full_width_digits_read_as_their_ascii_forms(number: Decimal, lang: str) -> None:
    phrase = fmt(number, lang, True) + "%"
    assert parse_figure(phrase.translate(_FULL_WIDTH), lang).value == parse_figure(phrase, lang).value


@SETTINGS
@given(
    digit=st.characters(categories=["Nd"]).filter(lambda c: c not in "0123456789" and not "０" <= c <= "９"),
    lang=langs,
)
def test_digits_of_any_other_script_raise(digit: str, lang: str) -> None:
    try:
        parse_figure(f"more than {digit}{digit} accounts", lang)
    except FigureParseError as exc:
        assert "digit of another script" in str(exc)
    else:
        raise AssertionError(f"{digit!r} was read as a digit")


@SETTINGS
@given(
    year=st.integers(min_value=1900, max_value=2100),
    cue=st.sampled_from(["in ", "by ", "since ", "năm ", "đến năm ", "từ năm ", "vào năm ", "the ", ""]),
    lang=langs,
)
def test_years_are_not_figures(year: int, cue: str, lang: str) -> None:
    try:
        parse_figure(f"{cue}{year}", lang)
    except FigureParseError as exc:
        assert "a year" in str(exc)
    else:
        raise AssertionError(f"{cue}{year} was read as a figure")
