"""Notebook parameters: parsing the ``parameters`` cell, validating values, reading params files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from egovanalysis.reporting.params import (
    NO_DEFAULT,
    ParameterError,
    apply_cli_params,
    load_params_file,
    parse_cli_value,
    parse_parameters_source,
    read_parameters,
    validate_parameters,
)

NOTEBOOKS = Path(__file__).parent / "notebooks"

CELL = '''
# Parameters (papermill injects overrides after this cell)
import math

start_year: int = 2015
alpha: float = 0.05
label: str = "Viet Nam"
scope: str | None = None
countries: list[str] = ["VNM", "THA"]
weights: dict[str, float] = {"a": 1.0}
flag: bool = False
horizon = 4
rate = 1.5
name = "x"
years = [2019, 2020]
options = {"k": 1}
anything = None
low = high = 0
first, second = 1, "two"
computed: float = math.pi
'''


@pytest.fixture(scope="module")
def declared():
    return parse_parameters_source(CELL, where="notebook 'demo'")


def test_parses_annotated_and_plain_assignments(declared) -> None:
    assert list(declared) == [
        *["start_year", "alpha", "label", "scope", "countries", "weights", "flag", "horizon", "rate"],
        *["name", "years", "options", "anything", "low", "high", "first", "second", "computed"],
    ]
    assert str(declared["start_year"].type) == "int"
    assert declared["start_year"].default == 2015
    assert str(declared["scope"].type) == "str | None"
    assert declared["scope"].default is None
    assert str(declared["countries"].type) == "list[str]"
    assert str(declared["weights"].type) == "dict[str, float]"
    # Without an annotation, the type comes from the default.
    assert str(declared["horizon"].type) == "int"
    assert str(declared["rate"].type) == "float"
    assert str(declared["name"].type) == "str"
    assert str(declared["years"].type) == "list"
    assert str(declared["options"].type) == "dict"
    assert str(declared["anything"].type) == "Any"
    assert declared["second"].default == "two"
    # A default that is not a literal keeps the annotation's type.
    assert declared["computed"].default is NO_DEFAULT
    assert str(declared["computed"].type) == "float"


def test_valid_values_are_converted(declared) -> None:
    values = validate_parameters(
        "demo",
        declared,
        {
            "start_year": 2018,
            "alpha": 1,  # int where float is expected: accepted, converted
            "scope": "national",
            "countries": ["VNM"],
            "weights": {"a": 2, "b": 0.5},
            "flag": True,
            "rate": 3,
            "anything": [1, "two"],
            "label": dt.date(2021, 3, 1),  # a YAML date for a str parameter becomes ISO text
        },
    )
    assert values["alpha"] == 1.0 and isinstance(values["alpha"], float)
    assert values["weights"] == {"a": 2.0, "b": 0.5}
    assert values["label"] == "2021-03-01"
    assert validate_parameters("demo", declared, {"scope": None}) == {"scope": None}


def test_unknown_parameter_names_notebook_and_parameter(declared) -> None:
    with pytest.raises(ParameterError, match=r"notebook 'demo': unknown parameter 'horizn'"):
        validate_parameters("demo", declared, {"horizn": 5})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("start_year", "2018"),
        ("start_year", 2018.0),
        ("start_year", True),  # a bool is not an int here
        ("alpha", "0.1"),
        ("label", None),  # None only where the annotation allows it
        ("scope", 3),
        ("countries", "VNM"),  # what papermill's -p would have made of a list
        ("countries", ["VNM", 3]),
        ("weights", {"a": "heavy"}),
        ("weights", [1.0]),
        ("flag", 1),
        ("horizon", 4.5),
        ("years", {"a": 1}),
    ],
)
def test_wrong_types_are_errors(declared, name: str, value: object) -> None:
    with pytest.raises(ParameterError, match=rf"notebook 'demo': parameter '{name}' must be"):
        validate_parameters("demo", declared, {name: value})


def test_every_problem_is_reported(declared) -> None:
    with pytest.raises(ParameterError) as caught:
        validate_parameters("demo", declared, {"nope": 1, "alpha": "x"})
    assert "unknown parameter 'nope'" in str(caught.value)
    assert "parameter 'alpha' must be float" in str(caught.value)


def test_unsupported_annotation_and_bad_syntax() -> None:
    with pytest.raises(ParameterError, match=r"parameter 'path': unsupported annotation 'Path'"):
        parse_parameters_source("path: Path = None", where="notebook 'x'")
    with pytest.raises(ParameterError, match="not valid Python"):
        parse_parameters_source("x = (", where="notebook 'x'")


def test_optional_and_union_spellings() -> None:
    declared = parse_parameters_source(
        "from typing import Optional, Union\n"
        "a: Optional[int] = None\nb: Union[int, str] = 1\nc: 'float | None' = None"
    )
    values = validate_parameters("n", declared, {"a": None, "b": "x", "c": 2})
    assert values == {"a": None, "b": "x", "c": 2.0}
    with pytest.raises(ParameterError):
        validate_parameters("n", declared, {"a": "3"})


def test_read_parameters_from_a_notebook() -> None:
    declared = read_parameters(NOTEBOOKS / "good" / "tiny.ipynb")
    assert {"title", "scale", "years", "scope"} <= set(declared)
    assert str(declared["years"].type) == "list[int]"


def test_params_file_one_run_and_list_of_runs(tmp_path: Path) -> None:
    path = tmp_path / "params.yml"
    path.write_text(
        "05-forecast:\n  horizon: 8\n  countries: [VNM, THA]\n"
        "03-egdi:\n  - {country: VNM}\n  - {country: THA}\n"
        "01-overview:\n",
        encoding="utf-8",
    )
    runs = load_params_file(path, ["01-overview", "03-egdi", "05-forecast"])
    assert runs == {
        "05-forecast": [{"horizon": 8, "countries": ["VNM", "THA"]}],  # YAML keeps the types
        "03-egdi": [{"country": "VNM"}, {"country": "THA"}],
        "01-overview": [{}],
    }


def test_params_file_unknown_notebook_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "params.yml"
    path.write_text("05-forcast:\n  horizon: 8\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"unknown notebook '05-forcast'"):
        load_params_file(path, ["05-forecast"])


@pytest.mark.parametrize(
    "text", ["- 1\n- 2\n", "nb: 3\n", "nb: []\n", "nb:\n  - 1\n", "nb: {1: 2}\n", "nb: [\n"]
)
def test_params_file_bad_shapes(tmp_path: Path, text: str) -> None:
    path = tmp_path / "params.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParameterError):
        load_params_file(path, ["nb"])


def test_cli_values_keep_their_types() -> None:
    assert parse_cli_value("[2019, 2020]") == [2019, 2020]
    assert parse_cli_value("3") == 3
    assert parse_cli_value("0.5") == 0.5
    assert parse_cli_value("true") is True
    assert parse_cli_value("null") is None
    assert parse_cli_value("007") == "007"  # papermill would have made it 7
    assert parse_cli_value("Viet Nam") == "Viet Nam"


def test_cli_params_apply_to_declaring_notebooks() -> None:
    declared = {
        "a": parse_parameters_source("horizon: int = 4"),
        "b": parse_parameters_source("other = 1"),
    }
    runs = apply_cli_params({"a": [{}, {"x": 1}]}, declared, [("horizon", 6)])
    assert runs == {"a": [{"horizon": 6}, {"x": 1, "horizon": 6}], "b": [{}]}
    with pytest.raises(ParameterError, match="no selected notebook declares a parameter 'nope'"):
        apply_cli_params({}, declared, [("nope", 1)])


# ---- the one safe loader for every parameter source ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1, 2]\nb: *x\n", r"line 1: YAML anchors and aliases"),
        ("a: !!python/object/apply:os.system [ls]\n", r"line 1: the YAML tag .*python/object/apply"),
        ("a: !!binary aGk=\n", r"the YAML tag 'tag:yaml.org,2002:binary' is not accepted"),
        ("a: " + "[" * 25 + "1" + "]" * 25 + "\n", r"nested deeper than 20"),
        ("a: [" + ", ".join("1" for _ in range(10_001)) + "]\n", r"more than 10,000 values"),
        ("a: 2021-02-30\n", r"line 1: '2021-02-30' is not a real calendar date"),
        ("a: [1, 2\n", r"not valid YAML"),
    ],
)
def test_unsafe_or_broken_yaml_is_refused(text: str, message: str) -> None:
    from egovanalysis.reporting.params import load_yaml_safely

    with pytest.raises(ParameterError, match=message):
        load_yaml_safely(text, "params.yml")


def test_safe_loader_keeps_plain_values() -> None:
    from egovanalysis.reporting.params import load_yaml_safely

    loaded = load_yaml_safely("a: !!str 007\nb: 2021-03-31\nc: [1, 2.5, true, null]\n", "x")
    assert loaded == {"a": "007", "b": "2021-03-31", "c": [1, 2.5, True, None]}


def test_cli_value_size_and_dates() -> None:
    with pytest.raises(ParameterError, match=r"-p title: 64,001 bytes is more than the 64,000"):
        parse_cli_value("x" * 64_001, "title")
    with pytest.raises(ParameterError, match=r"-p cutoff: line 1: '2021-02-30' is not a real calendar date"):
        parse_cli_value("2021-02-30", "cutoff")
    assert parse_cli_value("2021-03-31", "cutoff") == "2021-03-31"


def test_iso_date_parameters() -> None:
    declared = parse_parameters_source(
        'cutoff: "Optional[ISODate]" = None\nsince: ISODate = "2019-01-01"', where="notebook 'n'"
    )
    assert str(declared["since"].type) == "ISODate (a real date, YYYY-MM-DD)"
    assert validate_parameters("n", declared, {"cutoff": "2021-03-31", "since": dt.date(2020, 1, 2)}) == {
        "cutoff": "2021-03-31",
        "since": "2020-01-02",
    }
    for bad in ("soon", "2021-3-31", "2021-02-30", 20210331):
        with pytest.raises(ParameterError, match=r"parameter 'cutoff' must be ISODate"):
            validate_parameters("n", declared, {"cutoff": bad})
