"""extract_figures on short articles written for these tests, and the ``egovanalysis extract`` command.

The articles below are synthetic: written in the style of English and Vietnamese press reports on the
portal, with no sentence taken from a real article. Timing goals live in benchmarks/bench_extract.py.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from egovanalysis import config, extract_figures
from egovanalysis.errors import DateResolutionError, FigureParseError
from egovanalysis.ingest.build import build
from egovanalysis.ingest.figures import drafts
from egovanalysis.ingest.figures.extract import COLUMNS, MAX_TEXT_CHARS
from egovanalysis.ingest.figures.parser import parse_figure

ARTICLE_EN = """HANOI, June 2 (Staff) - The national public service portal kept growing, officials \
told a meeting on Tuesday.

As of May 31, 2023, the portal had more than 8.2 million registered accounts and had received over 410 \
million visits. From 1 March 2023 to 31 May 2023, users made 1,250,000 online payments worth VND 3.1 \
trillion.

In April alone, 420,000 dossiers were processed online, up 12.5% on the previous month.

Da Nang led the provinces with 96.4% of dossiers handled online.

The government aims to raise the share of full-process online public services to 80% by the end of 2025.

Under Decision No. 942/QD-TTg, ministries must connect their systems by July 2024. Level 4 services are the \
most advanced.

1. Background
The portal, launched on December 9, 2019, now offers 4,400 online public services at 09:30 on weekdays.
"""

ARTICLE_VI = """Hà Nội, ngày 5/11/2023 - Theo số liệu Văn phòng Chính phủ vừa công bố, \
tính đến ngày 31/10/2023, Cổng Dịch vụ công quốc gia có hơn 9,1 triệu tài khoản đăng ký và tiếp nhận \
trên 12,5 triệu hồ sơ trực tuyến.
Riêng tháng 10, Cổng ghi nhận khoảng 650.000 giao dịch thanh toán trực tuyến với tổng số tiền gần \
1.200 tỷ đồng.
Trong 9 tháng đầu năm 2023, tỷ lệ hồ sơ xử lý trực tuyến toàn trình của cả nước đạt 38,6%.
Thừa Thiên Huế dẫn đầu với 92,3%.
Mục tiêu đến năm 2025 là 80% dịch vụ công đủ điều kiện được cung cấp trực tuyến toàn trình.
Theo Nghị định 42/2022/NĐ-CP, các bộ, ngành phải hoàn thành trước ngày 31/12/2024.
Việt Nam xếp thứ 71/193 quốc gia về Chỉ số phát triển Chính phủ điện tử, tăng 15 bậc so với năm 2020.
"""


@pytest.fixture(scope="module")
def english() -> pd.DataFrame:
    return extract_figures(ARTICLE_EN, "en", published="2023-06-02")


@pytest.fixture(scope="module")
def vietnamese() -> pd.DataFrame:
    return extract_figures(ARTICLE_VI, "vi", published="2023-11-05")


def _row(frame: pd.DataFrame, phrase_start: str) -> pd.Series:
    rows = frame[frame["phrase"].str.startswith(phrase_start)]
    assert len(rows) == 1, (phrase_start, frame["phrase"].tolist())
    return rows.iloc[0]


def test_columns_and_types(english: pd.DataFrame) -> None:
    assert tuple(english.columns) == COLUMNS
    assert english["start"].dtype == "int64" and english["value"].dtype == "float64"
    assert english["out_of"].dtype == "Int64"
    assert set(english["kind"]) <= {"actual", "target"}


@pytest.mark.parametrize(("text", "fixture"), [(ARTICLE_EN, "english"), (ARTICLE_VI, "vietnamese")])
def test_spans_are_exact_and_in_text_order(text: str, fixture: str, request: pytest.FixtureRequest) -> None:
    frame = request.getfixturevalue(fixture)
    assert len(frame) > 5
    for start, end, phrase in zip(frame["start"], frame["end"], frame["phrase"], strict=True):
        assert text[start:end] == phrase
    assert list(frame["start"]) == sorted(frame["start"])
    assert all(a <= b for a, b in zip(frame["end"][:-1], frame["start"][1:], strict=True))  # no overlap


def test_every_figure_of_the_english_article_and_nothing_else(english: pd.DataFrame) -> None:
    got = [
        (p, v, u, q)
        for p, v, u, q in english[["phrase", "value", "unit", "qualifier"]].itertuples(index=False)
    ]
    assert got == [
        ("more than 8.2 million registered accounts", 8.2e6, None, "more_than"),
        ("over 410 million visits", 410e6, None, "more_than"),
        ("1,250,000 online payments", 1.25e6, None, None),
        ("VND 3.1 trillion", 3.1e12, "VND", None),
        ("420,000 dossiers", 420000, None, None),
        ("12.5%", 12.5, "%", None),
        ("96.4%", 96.4, "%", None),
        ("80%", 80, "%", None),
        ("4,400 online public services", 4400, None, None),
    ]
    # not figures: the dateline and dates, the time, the decision's number, the level, the list number
    for value in (2.0, 31.0, 2023.0, 942.0, 2024.0, 4.0, 1.0, 9.0, 2019.0, 30.0):
        assert value not in set(english["value"])


def test_dates_kinds_and_scopes_in_english(english: pd.DataFrame) -> None:
    accounts = _row(english, "more than 8.2 million")
    assert (accounts["as_of"], accounts["period_start"], accounts["kind"]) == ("2023-05-31", "", "actual")
    assert accounts["indicator"] == "portal_accounts" and accounts["indicator_score"] >= 0.2
    alone = _row(english, "420,000")
    assert (alone["as_of"], alone["period_start"]) == ("in April alone", "2023-04-01")
    target = _row(english, "80%")
    assert (target["kind"], target["as_of"]) == ("target", "2025")
    assert _row(english, "96.4%")["scope"] == "province:da-nang"
    later = _row(english, "4,400")
    assert later["as_of"] == "published"  # a new paragraph: the "as of May 31" no longer holds
    assert "as_of from" in later["notes"] and "kind actual" in later["notes"]


def test_a_period_from_to_dates_a_flow_at_its_end(english: pd.DataFrame) -> None:
    payments = _row(english, "1,250,000")
    assert payments["as_of"] == "2023-05-31"
    assert payments["indicator"] == "portal_payments_in_period"  # a flow, so its period starts on 1 March
    assert payments["period_start"] == "2023-03-01"


def test_every_figure_of_the_vietnamese_article(vietnamese: pd.DataFrame) -> None:
    got = [
        (v, u, q, o)
        for v, u, q, o in vietnamese[["value", "unit", "qualifier", "out_of"]].itertuples(index=False)
    ]
    assert [g[:3] for g in got] == [
        (9.1e6, None, "more_than"), (12.5e6, None, "more_than"), (650000, None, "about"),
        (1.2e12, "VND", "nearly"), (38.6, "%", None), (92.3, "%", None), (80, "%", None), (71, "rank", None),
        (15, None, None),
    ]  # fmt: skip
    assert got[7][3] == 193


def test_dates_kinds_and_scopes_in_vietnamese(vietnamese: pd.DataFrame) -> None:
    assert _row(vietnamese, "hơn 9,1 triệu")["as_of"] == "2023-10-31"  # "tính đến ngày 31/10/2023"
    october = _row(vietnamese, "khoảng 650.000")
    assert (october["as_of"], october["period_start"]) == (
        "in October alone",
        "2023-10-01",
    )  # "Riêng tháng 10"
    nine_months = _row(vietnamese, "38,6%")
    assert (nine_months["as_of"], nine_months["period_start"]) == ("2023-09-30", "2023-01-01")
    assert _row(vietnamese, "92,3%")["scope"] == "province:thua-thien-hue"
    goal = _row(vietnamese, "80%")
    assert (goal["kind"], goal["as_of"]) == ("target", "2025")
    assert _row(vietnamese, "15 bậc")["indicator"] == "un_egdi_rank_change"


def test_text_is_mapped_back_through_unicode_and_whitespace_changes() -> None:
    decomposed = unicodedata.normalize(
        "NFD", "Cổng có hơn 2,1 triệu tài khoản.\r\n\r\nRiêng tháng 8,  có 5.000 hồ sơ."
    )
    frame = extract_figures(decomposed, "vi", published="2021-09-01")
    assert [decomposed[s:e] for s, e in zip(frame["start"], frame["end"], strict=True)] == frame[
        "phrase"
    ].tolist()
    assert frame["value"].tolist() == [2.1e6, 5000]
    wide = "The portal served ５０％ of\u00a0users and 1,200\tagencies."
    frame = extract_figures(wide, "en")
    assert frame["phrase"].tolist() == ["５０％", "1,200\tagencies"]
    assert frame["value"].tolist() == [50, 1200]


def test_empty_text_and_text_without_figures() -> None:
    for text in ("", "   ", "No figures in this sentence. Nor in this one on 3 March 2021."):
        frame = extract_figures(text)
        assert frame.empty and tuple(frame.columns) == COLUMNS


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(FigureParseError, match="expected a text"):
        extract_figures(["5%"])  # type: ignore[arg-type]
    with pytest.raises(FigureParseError, match=f"at most {MAX_TEXT_CHARS:,}"):
        extract_figures("5% " * (MAX_TEXT_CHARS // 3 + 1))
    with pytest.raises(ValueError, match="unsupported language"):
        extract_figures("5%", "fr")
    with pytest.raises(DateResolutionError):
        extract_figures("5%", published="soon")


def test_long_and_repetitive_texts_give_exact_spans() -> None:
    text = ("Figures: more than 5,000 accounts, 12% online.\n" * 400) + "x " * 5000 + "1 " * 2000
    frame = extract_figures(text)
    assert len(frame) == 800 + 2000
    assert all(text[s:e] == p for s, e, p in zip(frame["start"], frame["end"], frame["phrase"], strict=True))


_NOUNS = ["accounts", "visits", "dossiers", "transactions", "services"]
_FILLER = ["The portal kept growing.", "Officials met on 3 March 2021.", "Decree 47/2020/ND-CP applies.", ""]


@settings(derandomize=True, max_examples=60, deadline=None)
@given(
    figures=st.lists(
        st.tuples(
            st.sampled_from(["", "more than ", "nearly ", "about "]),
            st.decimals(min_value=1, max_value=10**6, places=0).map(lambda d: f"{int(d):,}"),
            st.sampled_from(_NOUNS),
            st.sampled_from(_FILLER),
        ),
        min_size=1,
        max_size=25,
    )
)
def test_synthetic_articles_every_figure_found_with_its_value(
    figures: list[tuple[str, str, str, str]],
) -> None:
    text = " ".join(f"The portal had {q}{n} {noun}. {filler}" for q, n, noun, filler in figures)
    frame = extract_figures(text)
    expected = [float(Decimal(n.replace(",", ""))) for _, n, _, _ in figures]
    assert frame["value"].tolist() == expected
    for start, end, phrase, value in zip(
        frame["start"], frame["end"], frame["phrase"], frame["value"], strict=True
    ):
        assert text[start:end] == phrase
        assert math.isclose(parse_figure(phrase).value, value)  # the phrase alone reads the same


# ---------------------------------------------------------------------------------------------------
# egovanalysis extract
# ---------------------------------------------------------------------------------------------------

DRAFT_ARTICLE = """As of February 28, 2021, the National Public Service Portal had more than 420,000 \
registered accounts and over 98 million visits. It had processed more than 850,000 documents online \
and handled 9,500 calls.
"""
SOURCE_ID = "vna-2021-03-10-egov-committee"  # published 2021-03: the article's figures are dated before it


@pytest.fixture()
def raw_copy(tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(config.RAW_DIR, raw)
    return raw


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "egovanalysis.cli", "extract", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_extract_prints_each_figure_marked_in_its_sentence(tmp_path: Path, raw_copy: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(DRAFT_ARTICLE, encoding="utf-8")
    result = _run(str(article), "--source-id", SOURCE_ID, "--raw-dir", str(raw_copy))
    assert result.returncode == 0, result.stderr
    assert "4 figure(s)" in result.stdout
    assert "had [[more than 420,000 registered accounts]] and" in result.stdout
    assert "indicator portal_calls" in result.stdout


def test_drafts_continue_the_source_numbering_and_pass_the_build(tmp_path: Path, raw_copy: Path) -> None:
    article, out = tmp_path / "article.txt", tmp_path / "draft.csv"
    article.write_text(DRAFT_ARTICLE, encoding="utf-8")
    result = _run(str(article), "--source-id", SOURCE_ID, "--raw-dir", str(raw_copy), "--out", str(out))
    assert result.returncode == 0, result.stderr
    draft = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert tuple(draft.columns) == drafts.DRAFT_COLUMNS
    existing = pd.read_csv(raw_copy / "reported_figures.csv", dtype=str, keep_default_na=False)
    last = drafts.next_number(SOURCE_ID, existing["figure_id"]) - 1
    assert draft["figure_id"].tolist() == [f"{SOURCE_ID}-{last + k:02d}" for k in range(1, 5)]
    assert draft["reported"].tolist() == [
        "more than 420,000 registered accounts", "over 98 million visits",
        "more than 850,000 documents online",
        "9,500 calls",
    ]  # fmt: skip
    assert draft["indicator"].tolist() == ["portal_accounts", "portal_visits", "portal_dossiers_processed",
                                           "portal_calls"]  # fmt: skip
    assert set(draft["as_of"]) == {"2021-02-28"} and all(n.startswith("draft from") for n in draft["notes"])
    # Adding the reviewed rows is an edit like any other: the build validates and accepts them.
    with (raw_copy / "reported_figures.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    with (raw_copy / "reported_figures.csv").open("a", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for _, row in draft.iterrows():
            writer.writerow([row.get(column, "") for column in header])
    result = build(raw_copy, tmp_path / "processed", log=lambda _: None)
    added = result.observations[result.observations["figure_id"].isin(draft["figure_id"])]
    assert sorted(added["value"]) == [9500.0, 420000.0, 850000.0, 98e6]


def test_out_is_never_overwritten_without_force(tmp_path: Path, raw_copy: Path) -> None:
    article, out = tmp_path / "article.txt", tmp_path / "draft.csv"
    article.write_text(DRAFT_ARTICLE, encoding="utf-8")
    out.write_text("keep me\n", encoding="utf-8")
    result = _run(str(article), "--source-id", SOURCE_ID, "--raw-dir", str(raw_copy), "--out", str(out))
    assert result.returncode == 1 and "use --force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me\n"
    forced = _run(
        str(article), "--source-id", SOURCE_ID, "--raw-dir", str(raw_copy), "--out", str(out), "--force"
    )
    assert forced.returncode == 0 and out.read_text(encoding="utf-8").startswith("figure_id,")


@pytest.mark.parametrize(
    ("case", "code", "message"),
    [
        ("missing file", 1, "No such file"),
        ("a directory", 1, "Is a directory"),
        ("not UTF-8", 1, "not UTF-8 text"),
        ("unknown source", 1, "unknown source id 'no-such-source'"),
        ("--out without --source-id", 2, "--out needs --source-id"),
        ("bad --lang", 2, "invalid choice"),
    ],
)
def test_extract_errors_exit_with_a_message_and_no_traceback(
    case: str, code: int, message: str, tmp_path: Path, raw_copy: Path
) -> None:
    article = tmp_path / "article.txt"
    article.write_text(DRAFT_ARTICLE, encoding="utf-8")
    (tmp_path / "latin1.txt").write_bytes("Đà Nẵng 5%".encode("cp1258", errors="replace") + b"\xff\xfe")
    args = {
        "missing file": [str(tmp_path / "nope.txt")],
        "a directory": [str(tmp_path)],
        "not UTF-8": [str(tmp_path / "latin1.txt")],
        "unknown source": [str(article), "--source-id", "no-such-source", "--raw-dir", str(raw_copy)],
        "--out without --source-id": [str(article), "--out", str(tmp_path / "d.csv")],
        "bad --lang": [str(article), "--lang", "fr"],
    }[case]
    result = _run(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "d.csv").exists()


def test_extract_has_help() -> None:
    result = _run("--help")
    assert result.returncode == 0 and "usage: egovanalysis extract" in result.stdout


def test_a_year_labelling_a_figure_keeps_the_figure() -> None:
    found = extract_figures("Exports were 20 billion USD (2023: 13 billion USD) last year.", "en")
    assert found["value"].tolist() == [20e9, 13e9]


def test_an_edition_ordinal_before_a_long_title_is_not_a_rank() -> None:
    text = "Viet Nam joined the 13th United Nations (UN) E-Government Survey and ranked 71st in it."
    found = extract_figures(text, "en")
    assert found["value"].tolist() == [71.0]
    ranked = extract_figures("Viet Nam ranked 86th in the UN E-Government Survey.", "en")
    assert ranked["value"].tolist() == [86.0] and ranked["unit"].tolist() == ["rank"]


def test_the_one_stop_desk_is_not_a_count() -> None:
    found = extract_figures("Bộ phận một cửa điện tử đã tiếp nhận 3,2 triệu hồ sơ.", "vi")
    assert found["value"].tolist() == [3.2e6]
