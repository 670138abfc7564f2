"""Vietnamese number words, on their own and through the figure parser."""

from __future__ import annotations

import pytest

from egovanalysis.ingest.figures.number_words_vi import words_to_digits
from egovanalysis.ingest.figures.parser import FigureParseError, parse_figure


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("mười", "10"),
        ("mười lăm", "15"),
        ("hai mươi lăm", "25"),
        ("ba mươi mốt", "31"),
        ("bốn mươi tư", "44"),
        ("một trăm linh năm", "105"),
        ("chín trăm chín mươi chín", "999"),
        ("một triệu", "1000000"),
        ("một nghìn tỷ đồng", "1000000000000 đồng"),
        ("thứ sáu", "thứ 6"),
        ("hơn hai mươi lăm triệu tài khoản", "hơn 25000000 tài khoản"),
    ],
)
def test_words_to_digits(text: str, digits: str) -> None:
    assert words_to_digits(text) == digits


@pytest.mark.parametrize("text", ["năm 2020", "hai ba", "tài khoản", "mười hai mươi", "một trăm linh"])
def test_left_alone(text: str) -> None:
    # Digits present, two numbers in a row, no number word, or an ill-formed run: nothing to convert.
    assert words_to_digits(text) is None


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("thứ sáu", 6, "rank", None),
        ("xếp thứ bảy trong ASEAN", 7, "rank", None),
        ("hơn hai mươi lăm triệu tài khoản", 25e6, None, "more_than"),
        ("ba mươi phần trăm", 30, "%", None),
        ("gần một nghìn tỷ đồng", 1e12, "VND", "nearly"),
    ],
)
def test_parser_reads_vietnamese_number_words(
    text: str, value: float, unit: str | None, qualifier: str | None
) -> None:
    figure = parse_figure(text, lang="vi")
    assert (figure.value, figure.unit, figure.qualifier, figure.text) == (value, unit, qualifier, text)


def test_two_spelled_numbers_are_an_error_quoting_the_input() -> None:
    with pytest.raises(FigureParseError, match="'hai ba'"):
        parse_figure("hai ba", lang="vi")
