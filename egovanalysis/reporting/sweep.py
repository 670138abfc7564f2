"""Sweeps: one notebook run per value of a parameter (``refresh --each NAME=V1,V2`` or ``--each NAME=ALL``).

``ALL`` is resolved here and nowhere else, from the data, when the runs are about to start (after the data
build, so a new country in the panel is swept at once):

* ``country``: every ISO3 code in the EGDI panel (:func:`egovanalysis.data.load_egdi`), sorted;
* ``province``: every ``province_id`` of the provinces table (``egovanalysis.data.load_provinces``), sorted,
  once the data has that table; until then ``province=ALL`` is a clear error.

A name with no source of ``ALL`` is an error that lists the names that have one. Each source may also
*describe* its values for the index's table of runs (a country: its name, region, latest rank and the
change since the survey before).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from egovanalysis.errors import ParameterError
from egovanalysis.reporting.params import parse_cli_value

__all__ = ["ALL", "ALL_SOURCES", "AllSource", "Sweep", "describe_values", "parse_each", "resolve_all"]

#: The value of ``--each NAME=ALL``.
ALL = "ALL"


@dataclass(frozen=True)
class Sweep:
    """``--each NAME=...``: the parameter and its values (``None`` for ``ALL``, resolved later)."""

    name: str
    values: tuple[Any, ...] | None

    @property
    def is_all(self) -> bool:
        """Whether the values are ``ALL`` (resolved from the data when the runs start)."""
        return self.values is None


def parse_each(text: str) -> Sweep:
    """Read ``NAME=V1,V2,...`` or ``NAME=ALL``; each value is read like a ``-p`` value (YAML scalar).

    Raises :class:`ParameterError` for a missing ``=``, a name that is not an identifier, an empty or
    repeated value, and for ``ALL`` of a name without a source of all values.
    """
    name, equals, rest = text.partition("=")
    name = name.strip()
    if not equals or not name.isidentifier():
        raise ParameterError(f"--each {text!r}: expected NAME=V1,V2,... or NAME=ALL (e.g. country=VNM,THA)")
    if rest.strip() == ALL:
        if name not in ALL_SOURCES:
            raise ParameterError(
                f"--each {name}=ALL: no list of all values is known for {name!r} "
                f"(ALL works for: {', '.join(ALL_SOURCES)}); list the values instead: --each {name}=A,B"
            )
        return Sweep(name, None)
    items = [item.strip() for item in rest.split(",")]
    if not rest.strip() or any(not item for item in items):
        raise ParameterError(f"--each {text!r}: an empty value; list values separated by commas")
    repeated = sorted({item for item in items if items.count(item) > 1})
    if repeated:
        raise ParameterError(f"--each {name}: value(s) listed twice: {', '.join(repeated)}")
    return Sweep(name, tuple(parse_cli_value(item, name) for item in items))


@dataclass(frozen=True)
class AllSource:
    """Where ``ALL`` comes from for one parameter name."""

    name: str
    what: str
    values: Callable[[], list[Any]]
    describe: Callable[[Sequence[Any]], dict[Any, dict[str, Any]]] | None = None


def _all_countries() -> list[str]:
    from egovanalysis.data import load_egdi

    return sorted(load_egdi()["iso3"].dropna().astype(str).unique())


def _describe_countries(codes: Sequence[Any]) -> dict[Any, dict[str, Any]]:
    """Per ISO3 code: country, region, latest rank (``rank/N (year)``) and the change since the survey
    before (positive: up the ranking)."""
    from egovanalysis.data import load_egdi

    panel = load_egdi()
    described: dict[Any, dict[str, Any]] = {}
    for code in codes:
        rows = panel[(panel["iso3"] == code) & panel["egdi_rank"].notna()].sort_values("survey_year")
        if rows.empty:
            continue
        last = rows.iloc[-1]
        change = int(rows.iloc[-2]["egdi_rank"]) - int(last["egdi_rank"]) if len(rows) > 1 else None
        row: dict[str, Any] = {"country": str(last["country"])}
        if "region" in rows.columns:  # UN M49 region, where the panel has it
            row["region"] = str(last["region"])
        row["latest rank"] = int(last["egdi_rank"])
        row["survey"] = int(last["survey_year"])
        row["change"] = change
        described[code] = row
    return described


def _all_provinces() -> list[str]:
    from egovanalysis import data

    loader = getattr(data, "load_provinces", None)
    if loader is None:
        raise ParameterError(
            "--each province=ALL: this version has no provinces table (data/processed/provinces.csv, "
            "read by egovanalysis.data.load_provinces); list the provinces instead: --each province=A,B"
        )
    try:
        table = loader()
    except OSError as error:
        raise ParameterError(f"--each province=ALL: cannot read the provinces table: {error}") from error
    ids = table["province_id"] if "province_id" in table.columns else table.index.to_series()
    return sorted(ids.dropna().astype(str).unique())


#: The one place where ``ALL`` is defined, per parameter name.
ALL_SOURCES: dict[str, AllSource] = {
    "country": AllSource("country", "every ISO3 code in the EGDI panel", _all_countries, _describe_countries),
    "province": AllSource("province", "every province id in the provinces table", _all_provinces),
}


def resolve_all(name: str) -> list[Any]:
    """Every value of ``name`` in the data now (see the module's notes)."""
    values = ALL_SOURCES[name].values()
    if not values:
        raise ParameterError(f"--each {name}=ALL: the data holds no value ({ALL_SOURCES[name].what})")
    return values


def describe_values(name: str, values: Sequence[Any]) -> dict[Any, dict[str, Any]]:
    """Descriptive columns for the index's runs table, per value (empty when the name has none)."""
    source = ALL_SOURCES.get(name)
    if source is None or source.describe is None:
        return {}
    try:
        return source.describe(values)
    except (OSError, KeyError, ValueError):
        return {}  # descriptions decorate the index; a run's own report does not depend on them
