"""Typed notebook parameters: read a notebook's ``parameters`` cell and validate values against it.

papermill only warns about an unknown parameter and turns ``-p`` lists into strings. Here every value is
checked *before* anything runs: an unknown name, or a value of the wrong type, is an error that names the
notebook and the parameter.

The ``parameters`` cell (the code cell tagged ``parameters``) declares each parameter as a top-level
assignment, optionally annotated::

    start_year: int = 2015          # type from the annotation
    horizon = 4                     # type from the default (int)
    alpha: float = 0.05             # an int value is accepted for a float (and converted)
    scope: str | None = None        # None is allowed only where the annotation says so
    countries: list[str] = ["VNM", "THA"]
    thresholds: dict[str, float] = {"low": 0.25}

Supported annotations: ``int``, ``float``, ``str``, ``bool``, ``list``/``list[T]``, ``dict``/``dict[K, V]``,
``tuple``, ``Any``, ``X | None`` / ``Optional[X]`` and unions of these. A ``bool`` is not accepted as an
``int``. YAML dates given for a ``str`` parameter are converted to ISO text.

A params file (YAML) maps a notebook's stem to a mapping of parameters (one run) or a list of mappings
(one run per mapping)::

    05-forecast:
      horizon: 8
    03-egdi:
      - {country: VNM}
      - {country: THA}
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from egovanalysis.errors import ParameterError

__all__ = [
    "NO_DEFAULT",
    "Parameter",
    "ParameterError",
    "TypeSpec",
    "apply_cli_params",
    "find_parameters_cell",
    "load_params_file",
    "parse_cli_value",
    "parse_parameters_source",
    "read_parameters",
    "validate_parameters",
]




class _NoDefault:
    def __repr__(self) -> str:
        return "<no literal default>"


#: Marks a parameter whose default is not a Python literal (so it cannot be shown or typed from it).
NO_DEFAULT: Any = _NoDefault()

_SCALARS: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (float, int),
    "str": (str,),
    "bool": (bool,),
}
_CONTAINERS: dict[str, type] = {"list": list, "dict": dict, "tuple": tuple}
_TYPING_ALIASES = {"List": "list", "Dict": "dict", "Tuple": "tuple", "Sequence": "list", "Mapping": "dict"}


@dataclass(frozen=True)
class TypeSpec:
    """A checkable parameter type: ``kind`` is int/float/str/bool/list/dict/tuple/none/any/union."""

    kind: str
    args: tuple[TypeSpec, ...] = ()

    def __str__(self) -> str:
        if self.kind == "union":
            return " | ".join(str(arg) for arg in self.args)
        if self.kind == "none":
            return "None"
        if self.kind == "any":
            return "Any"
        if self.args:
            return f"{self.kind}[{', '.join(str(arg) for arg in self.args)}]"
        return self.kind

    def accepts(self, value: Any) -> bool:
        """Whether ``value`` (as loaded from YAML or the command line) has this type."""
        kind = self.kind
        if kind == "any":
            return True
        if kind == "none":
            return value is None
        if kind == "union":
            return any(arg.accepts(value) for arg in self.args)
        if kind in _SCALARS:
            if isinstance(value, bool) and kind != "bool":
                return False
            if kind == "str" and isinstance(value, dt.date):
                return True  # converted to ISO text by coerce()
            return isinstance(value, _SCALARS[kind])
        if kind == "list":
            if not isinstance(value, list | tuple):
                return False
            return not self.args or all(self.args[0].accepts(item) for item in value)
        if kind == "tuple":
            if not isinstance(value, list | tuple):
                return False
            if not self.args:
                return True
            if len(self.args) == 2 and self.args[1].kind == "ellipsis":
                return all(self.args[0].accepts(item) for item in value)
            if len(self.args) != len(value):
                return False
            return all(a.accepts(v) for a, v in zip(self.args, value, strict=True))
        if kind == "dict":
            if not isinstance(value, dict):
                return False
            if not self.args:
                return True
            key_type, value_type = self.args
            return all(key_type.accepts(k) and value_type.accepts(v) for k, v in value.items())
        return False

    def coerce(self, value: Any) -> Any:
        """Convert an accepted value to the declared type (int -> float, date -> ISO text, list -> tuple)."""
        kind = self.kind
        if kind == "union":
            exact = [arg for arg in self.args if arg.kind != "float" and arg.accepts(value)]
            for arg in exact or [arg for arg in self.args if arg.accepts(value)]:
                return arg.coerce(value)
            return value
        if kind == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if kind == "str" and isinstance(value, dt.date):
            return value.isoformat()
        if kind == "list" and isinstance(value, list | tuple):
            return [self.args[0].coerce(item) for item in value] if self.args else list(value)
        if kind == "tuple" and isinstance(value, list | tuple):
            if len(self.args) == 2 and self.args[1].kind == "ellipsis":
                return tuple(self.args[0].coerce(item) for item in value)
            if self.args:
                return tuple(a.coerce(v) for a, v in zip(self.args, value, strict=True))
            return tuple(value)
        if kind == "dict" and isinstance(value, dict) and self.args:
            key_type, value_type = self.args
            return {key_type.coerce(k): value_type.coerce(v) for k, v in value.items()}
        return value


_ANY = TypeSpec("any")


@dataclass(frozen=True)
class Parameter:
    """One parameter declared in a ``parameters`` cell."""

    name: str
    type: TypeSpec
    default: Any = NO_DEFAULT
    annotation: str | None = None
    line: int = 0

    @property
    def has_default(self) -> bool:
        """Whether the default is a Python literal (shown in reports)."""
        return self.default is not NO_DEFAULT


def _spec_from_annotation(node: ast.expr, where: str) -> TypeSpec:
    def fail() -> ParameterError:
        return ParameterError(
            f"{where}: unsupported annotation {ast.unparse(node)!r}; use int, float, str, bool, list[...], "
            "dict[..., ...], tuple, Any, or 'X | None'"
        )

    if isinstance(node, ast.Constant) and node.value is None:
        return TypeSpec("none")
    if isinstance(node, ast.Constant) and node.value is Ellipsis:
        return TypeSpec("ellipsis")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a string annotation
        try:
            inner = ast.parse(node.value, mode="eval").body
        except SyntaxError as error:
            raise fail() from error
        return _spec_from_annotation(inner, where)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        left = _spec_from_annotation(node.left, where)
        right = _spec_from_annotation(node.right, where)
        args = (left.args if left.kind == "union" else (left,)) + (
            right.args if right.kind == "union" else (right,)
        )
        return TypeSpec("union", args)
    name: str | None = None
    if isinstance(node, ast.Name):
        name = node.id
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "typing":
        name = node.attr
    if name is not None:
        name = _TYPING_ALIASES.get(name, name)
        if name in _SCALARS or name in _CONTAINERS:
            return TypeSpec(name)
        if name == "Any":
            return _ANY
        if name == "None":
            return TypeSpec("none")
        raise fail()
    if isinstance(node, ast.Subscript):
        base = node.value
        base_name = (
            base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
        )
        base_name = _TYPING_ALIASES.get(base_name or "", base_name)
        elements = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        args = tuple(_spec_from_annotation(element, where) for element in elements)
        if base_name == "Optional" and len(args) == 1:
            return TypeSpec("union", (args[0], TypeSpec("none")))
        if base_name == "Union":
            return TypeSpec("union", args)
        if base_name == "list" and len(args) == 1:
            return TypeSpec("list", args)
        if base_name == "dict" and len(args) == 2:
            return TypeSpec("dict", args)
        if base_name == "tuple":
            return TypeSpec("tuple", args)
        raise fail()
    raise fail()


def _spec_from_default(value: Any) -> TypeSpec:
    if value is None or value is NO_DEFAULT:
        return _ANY
    for kind in ("bool", "int", "float", "str"):
        if type(value) is _SCALARS[kind][0]:
            return TypeSpec(kind)
    for kind, container in _CONTAINERS.items():
        if isinstance(value, container):
            return TypeSpec(kind)
    return _ANY


def parse_parameters_source(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """Parse the source of a ``parameters`` cell into its declared parameters, in order.

    Every top-level ``name: type = value`` or ``name = value`` (also ``a = b = value``) declares a
    parameter. Other statements (imports, comments, expressions) are ignored. ``where`` prefixes errors.
    """
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError as error:
        raise ParameterError(f"{where}: the parameters cell is not valid Python: {error}") from error
    found: dict[str, Parameter] = {}
    for statement in tree.body:
        if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            name = statement.target.id
            spec = _spec_from_annotation(statement.annotation, f"{where}: parameter {name!r}")
            default = _literal(statement.value) if statement.value is not None else NO_DEFAULT
            found[name] = Parameter(name, spec, default, ast.unparse(statement.annotation), statement.lineno)
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                for name, value_node in _unpack(target, statement.value):
                    default = _literal(value_node) if value_node is not None else NO_DEFAULT
                    spec = _spec_from_default(default)
                    found[name] = Parameter(name, spec, default, None, statement.lineno)
    return found


def _unpack(target: ast.expr, value: ast.expr) -> list[tuple[str, ast.expr | None]]:
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if isinstance(target, ast.Tuple | ast.List):
        values: list[ast.expr | None]
        if isinstance(value, ast.Tuple | ast.List) and len(value.elts) == len(target.elts):
            values = list(value.elts)
        else:
            values = [None] * len(target.elts)
        pairs: list[tuple[str, ast.expr | None]] = []
        for element, element_value in zip(target.elts, values, strict=True):
            if isinstance(element, ast.Name):
                pairs.append((element.id, element_value))
        return pairs
    return []


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NO_DEFAULT


def find_parameters_cell(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode | None:
    """The first code cell tagged ``parameters``, or ``None``."""
    for cell in notebook.cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


def read_parameters(path: Path) -> dict[str, Parameter]:
    """The parameters declared by the notebook at ``path`` (empty when it has no ``parameters`` cell)."""
    notebook = nbformat.read(path, as_version=4)
    cell = find_parameters_cell(notebook)
    if cell is None:
        return {}
    return parse_parameters_source(cell.source, where=f"notebook {path.stem!r}")


def validate_parameters(
    notebook: str, declared: Mapping[str, Parameter], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check ``values`` against the ``declared`` parameters of ``notebook``; return them converted.

    Raises :class:`ParameterError` listing every unknown name and wrong type, each naming the notebook.
    """
    problems: list[str] = []
    converted: dict[str, Any] = {}
    for name, value in values.items():
        parameter = declared.get(name)
        if parameter is None:
            known = ", ".join(declared) or "none"
            problems.append(f"notebook {notebook!r}: unknown parameter {name!r} (it declares: {known})")
            continue
        if not parameter.type.accepts(value):
            problems.append(
                f"notebook {notebook!r}: parameter {name!r} must be {parameter.type}, "
                f"got {type(value).__name__} {value!r}"
            )
            continue
        converted[name] = parameter.type.coerce(value)
    if problems:
        raise ParameterError("\n".join(problems))
    return converted


def parse_cli_value(text: str) -> Any:
    """A ``-p NAME VALUE`` value, read as YAML: ``[1, 2]`` is a list, ``3`` an int, ``007`` stays text."""
    stripped = text.strip()
    if stripped[:1] == "0" and stripped[1:2].isdigit() and stripped.isdigit():
        return text  # keep leading zeros: an identifier, not a number
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def load_params_file(path: Path, known_notebooks: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Read a YAML params file into ``{notebook stem: [parameter set, ...]}``.

    A notebook mapped to a mapping runs once; mapped to a list of mappings, once per mapping; mapped to
    nothing (``name:``), once with its defaults. A notebook name not in ``known_notebooks`` is an error.
    """
    known = list(known_notebooks)
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ParameterError(f"{path}: not valid YAML: {error}") from error
    except OSError as error:
        raise ParameterError(f"{path}: cannot read the params file: {error}") from error
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"{path}: expected a mapping of notebook name -> parameters, got {type(data).__name__}"
        )
    runs: dict[str, list[dict[str, Any]]] = {}
    problems: list[str] = []
    for name, entry in data.items():
        stem = str(name).removesuffix(".ipynb")
        if stem not in known:
            problems.append(f"{path}: unknown notebook {stem!r} (known: {', '.join(known) or 'none'})")
            continue
        if entry is None:
            runs[stem] = [{}]
        elif isinstance(entry, dict):
            runs[stem] = [_string_keys(entry, path, stem, problems)]
        elif isinstance(entry, list) and entry and all(isinstance(item, dict) for item in entry):
            runs[stem] = [_string_keys(item, path, stem, problems) for item in entry]
        else:
            problems.append(
                f"{path}: notebook {stem!r}: expected a mapping of parameters "
                "or a non-empty list of mappings, "
                f"got {entry!r}"
            )
    if problems:
        raise ParameterError("\n".join(problems))
    return runs


def _string_keys(entry: dict[Any, Any], path: Path, stem: str, problems: list[str]) -> dict[str, Any]:
    for key in entry:
        if not isinstance(key, str) or not key.isidentifier():
            problems.append(f"{path}: notebook {stem!r}: parameter name {key!r} is not a Python identifier")
    return {str(key): value for key, value in entry.items()}


def apply_cli_params(
    runs: dict[str, list[dict[str, Any]]],
    declared: Mapping[str, Mapping[str, Parameter]],
    cli_params: Sequence[tuple[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Add ``-p NAME VALUE`` pairs to every selected notebook that declares NAME.

    ``declared`` maps each selected notebook to its parameters; notebooks missing from ``runs`` get one
    run. A NAME that no selected notebook declares is an error.
    """
    out = {stem: [dict(run) for run in runs.get(stem, [{}])] for stem in declared}
    for name, value in cli_params:
        targets = [stem for stem, params in declared.items() if name in params]
        if not targets:
            raise ParameterError(
                f"-p {name}: no selected notebook declares a parameter {name!r} "
                f"(notebooks: {', '.join(declared) or 'none'})"
            )
        for stem in targets:
            for run in out[stem]:
                run[name] = value
    return out
