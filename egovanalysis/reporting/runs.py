"""Planning a refresh: find the notebooks, and turn the requested parameters into validated runs.

Nothing here runs a notebook. :func:`prepare_runs` checks everything that can be checked before the data
build (the notebooks exist, their ``parameters`` cells parse, every ``--params``/``-p``/``--each`` value
is declared and well-typed); :meth:`RunPlan.resolve` then expands ``--each NAME=ALL`` from the data
(:mod:`egovanalysis.reporting.sweep`) and validates those values too.

Run names (the stems of a run's files): the notebook's stem; ``<stem>--<n>`` for the n-th of several
parameter sets of a params file; ``...--<name>=<value>`` for a sweep (``02-egdi--country=BRA``). A value
that is not a short, safe file name (letters, digits, ``.``, ``_``, ``-``) is named by its position
instead (``--country=3``), so data never becomes a path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import nbformat

from egovanalysis import config
from egovanalysis.errors import ParameterError, RefreshError, UsageError
from egovanalysis.reporting.params import (
    NO_DEFAULT,
    Parameter,
    apply_cli_params,
    load_params_file,
    read_parameters,
    validate_parameters,
)
from egovanalysis.reporting.sweep import Sweep, parse_each, resolve_all

__all__ = ["RunPlan", "RunSpec", "discover_notebooks", "plan_runs", "prepare_runs", "run_name"]

_SAFE_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


@dataclass(frozen=True)
class RunSpec:
    """One notebook run: the notebook, the name of its outputs, and its validated parameters."""

    stem: str
    notebook: Path
    name: str
    parameters: dict[str, Any]
    declared: Mapping[str, Parameter] = field(default_factory=dict)
    #: ``(parameter, value)`` when the run is one value of a sweep.
    sweep: tuple[str, Any] | None = None

    @property
    def effective_parameters(self) -> dict[str, Any]:
        """Declared defaults overridden by this run's parameters (what the run used)."""
        merged = {name: p.default for name, p in self.declared.items() if p.default is not NO_DEFAULT}
        merged.update(self.parameters)
        return merged


def discover_notebooks(notebooks_dir: Path = config.NOTEBOOKS_DIR) -> dict[str, Path]:
    """``{stem: path}`` of ``notebooks_dir/*.ipynb``, sorted by name (checkpoints ignored)."""
    paths = sorted(path for path in Path(notebooks_dir).glob("*.ipynb") if path.is_file())
    return {path.stem: path.resolve() for path in paths}


def run_name(stem: str, set_number: int | None, sweep: tuple[str, Any] | None, position: int = 0) -> str:
    """The name of a run's files (see the module's notes)."""
    name = stem if set_number is None else f"{stem}--{set_number}"
    if sweep is not None:
        parameter, value = sweep
        shown = str(value)
        if isinstance(value, bool) or value is None or not _SAFE_VALUE.fullmatch(shown):
            shown = str(position + 1)
        name += f"--{parameter}={shown}"
    return name


@dataclass
class _ParameterSet:
    stem: str
    number: int | None
    values: dict[str, Any]
    of: int = 1


@dataclass
class RunPlan:
    """Validated runs, with ``--each NAME=ALL`` still to be expanded by :meth:`resolve`."""

    notebooks: dict[str, Path]
    declared: dict[str, dict[str, Parameter]]
    sets: list[_ParameterSet]
    sweep: Sweep | None = None
    swept: tuple[str, ...] = ()

    def resolve(self) -> list[RunSpec]:
        """Every run, in order (notebooks by name, then parameter sets, then sweep values).

        Raises :class:`ParameterError` when a value (of ``ALL`` too) does not fit a notebook's declared type.
        """
        values: tuple[Any, ...] = ()
        if self.sweep is not None:
            values = (
                self.sweep.values if self.sweep.values is not None else tuple(resolve_all(self.sweep.name))
            )
        specs: list[RunSpec | None] = []
        problems: list[str] = []
        for item in self.sets:
            if self.sweep is None or item.stem not in self.swept:
                specs.append(self._spec(item, item.values, None, 0, problems))
                continue
            for position, value in enumerate(values):
                specs.append(
                    self._spec(
                        item,
                        {**item.values, self.sweep.name: value},
                        (self.sweep.name, value),
                        position,
                        problems,
                    )
                )
        if problems:
            more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
            raise ParameterError("\n".join(problems[:20]) + more)
        runs = [spec for spec in specs if spec is not None]
        names = [spec.name for spec in runs]
        if len(set(names)) != len(names):  # a value that looks like another's position: number them all
            runs = [
                replace(spec, name=run_name(spec.stem, None, (spec.sweep[0], None), position))
                if spec.sweep is not None
                else spec
                for position, spec in enumerate(runs)
            ]
        return runs

    def _spec(
        self,
        item: _ParameterSet,
        values: dict[str, Any],
        sweep: tuple[str, Any] | None,
        position: int,
        problems: list[str],
    ) -> RunSpec | None:
        declared = self.declared[item.stem]
        try:
            checked = validate_parameters(item.stem, declared, values)
        except ParameterError as error:
            where = f" (parameter set {item.number} of {item.of})" if item.number is not None else ""
            problems.append(f"{error}{where}")
            return None
        shown = (sweep[0], checked[sweep[0]]) if sweep is not None else None
        name = run_name(item.stem, item.number, shown, position)
        return RunSpec(item.stem, self.notebooks[item.stem], name, checked, declared, shown)


def _read_declarations(found: Mapping[str, Path], stems: Sequence[str]) -> dict[str, dict[str, Parameter]]:
    declared: dict[str, dict[str, Parameter]] = {}
    problems: list[str] = []
    for stem in stems:
        try:
            declared[stem] = read_parameters(found[stem])
        except ParameterError as error:
            problems.append(str(error))
        except (OSError, nbformat.ValidationError, ValueError) as error:
            problems.append(f"notebook {stem!r}: cannot read {found[stem]}: {error}")
    if problems:
        raise ParameterError("\n".join(problems))
    return declared


def prepare_runs(
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    only: Sequence[str] = (),
    params_file: Path | None = None,
    cli_params: Sequence[tuple[str, Any]] = (),
    each: str | Sweep | None = None,
) -> RunPlan:
    """Select the notebooks and validate every requested parameter; run nothing, read no data.

    Raises :class:`RefreshError` for a missing notebook folder, :class:`UsageError` for an unknown
    ``only`` name, and :class:`ParameterError` (naming notebook and parameter) for bad parameters.
    """
    found = discover_notebooks(notebooks_dir)
    if not found:
        raise RefreshError(f"no notebooks in {notebooks_dir} (expected *.ipynb)")
    selected = [name.removesuffix(".ipynb") for name in only]
    unknown = [name for name in selected if name not in found]
    if unknown:
        raise UsageError(
            f"--only: unknown notebook {', '.join(repr(n) for n in unknown)} "
            f"(notebooks in {notebooks_dir}: {', '.join(found)})"
        )
    stems = [stem for stem in found if not selected or stem in selected]
    declared = _read_declarations(found, stems)
    from_file = load_params_file(Path(params_file), found) if params_file is not None else {}
    from_file = {stem: runs for stem, runs in from_file.items() if stem in stems}
    runs = apply_cli_params(from_file, declared, cli_params)
    sweep = parse_each(each) if isinstance(each, str) else each
    swept: tuple[str, ...] = ()
    if sweep is not None:
        swept = tuple(stem for stem in stems if sweep.name in declared[stem])
        if not swept:
            raise ParameterError(
                f"--each {sweep.name}: no selected notebook declares a parameter {sweep.name!r} "
                f"(notebooks: {', '.join(stems)})"
            )
    sets = [
        _ParameterSet(stem, number if len(runs[stem]) > 1 else None, values, len(runs[stem]))
        for stem in stems
        for number, values in enumerate(runs[stem], start=1)
    ]
    plan = RunPlan(found, declared, sets, sweep, swept)
    if sweep is None or sweep.values is not None:
        plan.resolve()  # validate every run now; ALL is validated when it is resolved
    else:
        # ALL: validate the other parameters of each set now (without the swept one).
        problems: list[str] = []
        for item in sets:
            plan._spec(item, item.values, None, 0, problems)
        if problems:
            raise ParameterError("\n".join(problems))
    return plan


def plan_runs(
    notebooks_dir: Path = config.NOTEBOOKS_DIR,
    only: Sequence[str] = (),
    params_file: Path | None = None,
    cli_params: Sequence[tuple[str, Any]] = (),
    each: str | Sweep | None = None,
) -> list[RunSpec]:
    """:func:`prepare_runs` then :meth:`RunPlan.resolve`: every run, validated (``ALL`` from the data)."""
    return prepare_runs(notebooks_dir, only, params_file, cli_params, each).resolve()
