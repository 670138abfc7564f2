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
``tuple``, ``Any``, ``ISODate``, ``X | None`` / ``Optional[X]`` and unions of these. A ``bool`` is not
accepted as an ``int``. ``ISODate`` is text holding a real calendar date ``YYYY-MM-DD``; a parameters cell
declares it without importing anything by quoting the annotation (``cutoff: "Optional[ISODate]" = None``),
or imports :data:`ISODate` from this module.

**Reading values safely.** Every parameter source (a params file, a ``-p`` value, a ``--each`` list) is
read by one YAML loader, :func:`load_yaml_safely`: ``yaml.safe_load`` semantics (no Python objects), plus
bounds that keep a hostile input small: a size limit, no anchors or aliases (an "alias bomb" of a few
hundred bytes expands to gigabytes), no explicit tags other than the standard scalar ones, a nesting depth
and a node count limit. Anything that looks like a date (YAML's timestamp form) must be a real calendar
date and is kept as the text typed: ``2021-02-30`` is an error naming the parameter, not a crash.

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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NewType

import nbformat
import yaml

from egovanalysis.errors import ParameterError

__all__ = [
    "ISODate",
    "MAX_PARAMS_FILE_BYTES",
    "MAX_VALUE_BYTES",
    "NO_DEFAULT",
    "Parameter",
    "ParameterError",
    "TypeSpec",
    "apply_cli_params",
    "find_parameters_cell",
    "is_iso_date",
    "load_params_file",
    "load_yaml_safely",
    "parse_cli_value",
    "parse_parameters_source",
    "read_parameters",
    "validate_parameters",
]

#: Text holding a real calendar date, ``YYYY-MM-DD``; annotate a parameter with it to have refresh check it.
ISODate = NewType("ISODate", str)

#: Largest params file read (bytes). Parameters are a few lines; this bounds memory with room to spare.
MAX_PARAMS_FILE_BYTES = 1_000_000
#: Largest single ``-p`` or ``--each`` value (bytes).
MAX_VALUE_BYTES = 64_000
#: Deepest nesting of lists and mappings accepted in a parameter source.
MAX_DEPTH = 20
#: Most YAML nodes (scalars, lists, mappings) accepted in one parameter source. With the size limit and no
#: aliases, this keeps the loaded objects far below 100 MB.
MAX_NODES = 10_000
#: Explicit YAML tags a parameter source may carry (``!!str 007``); any other (``!!python/object``) is
#: refused.
_ALLOWED_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def is_iso_date(value: Any) -> bool:
    """Whether ``value`` is text ``YYYY-MM-DD`` naming a real calendar date (``2021-02-30`` is not)."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class _BadDate(yaml.constructor.ConstructorError):
    """A scalar in YAML's timestamp form that is not a real date or time."""


class _ParamsLoader(yaml.SafeLoader):
    """``SafeLoader`` that keeps timestamps as the text typed, after checking they are real dates."""


def _construct_checked_timestamp(loader: _ParamsLoader, node: yaml.ScalarNode) -> str:
    text = str(loader.construct_scalar(node))
    try:
        yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError) as error:
        raise _BadDate(
            None, None, f"{text!r} is not a real calendar date or time ({error})", node.start_mark
        ) from error
    return text


_ParamsLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_checked_timestamp)


def _check_yaml_events(text: str, where: str) -> None:
    """Refuse anchors, aliases, non-standard tags, deep nesting and too many nodes, before building objects.

    ``yaml.parse`` streams events without composing a tree, so this costs memory proportional to the
    nesting depth only.
    """
    depth = nodes = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else "?"
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise ParameterError(
                f"{where}: line {line}: YAML anchors and aliases (&name, *name) are not accepted in "
                "parameters; write each value out"
            )
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        implied = implicit is True or (isinstance(implicit, tuple) and any(implicit))
        explicit = tag is not None and not implied
        if explicit and tag not in _ALLOWED_TAGS and tag != "!":
            raise ParameterError(
                f"{where}: line {line}: the YAML tag {tag!r} is not accepted in parameters "
                "(only plain values, lists and mappings)"
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise ParameterError(
                    f"{where}: line {line}: lists and mappings nested deeper than {MAX_DEPTH}"
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise ParameterError(
                    f"{where}: more than {MAX_NODES:,} values; parameters are never that many"
                )


def load_yaml_safely(text: str, where: str, max_bytes: int = MAX_PARAMS_FILE_BYTES) -> Any:
    """Read one parameter source (YAML text) with bounded size, no aliases, checked dates.

    Raises :class:`ParameterError` starting with ``where`` for an input too large, an anchor or alias, a
    tag other than the standard ones, deep nesting, too many values, a date that does not exist, or YAML
    that does not parse (with its line).
    """
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise ParameterError(
            f"{where}: {size:,} bytes is more than the {max_bytes:,} accepted for parameters"
        )
    try:
        _check_yaml_events(text, where)
        return yaml.load(text, Loader=_ParamsLoader)  # noqa: S506 - a SafeLoader subclass
    except _BadDate as error:
        line = f"line {error.problem_mark.line + 1}: " if error.problem_mark is not None else ""
        raise ParameterError(f"{where}: {line}{error.problem}") from error
    except yaml.YAMLError as error:
        raise ParameterError(f"{where}: not valid YAML: {error}") from error


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
        if self.kind == "date":
            return "ISODate (a real date, YYYY-MM-DD)"
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
        if kind in ("union", "date"):
            return self._accepts_special(value)
        if kind in _SCALARS:
            if isinstance(value, bool) and kind != "bool":
                return False
            if kind == "str" and isinstance(value, dt.date):
                return True  # converted to ISO text by coerce()
            return isinstance(value, _SCALARS[kind])
        if kind in _CONTAINERS:
            return self._accepts_container(value)
        return False

    def _accepts_container(self, value: Any) -> bool:
        kind = self.kind
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
        if not isinstance(value, dict):
            return False
        if not self.args:
            return True
        key_type, value_type = self.args
        return all(key_type.accepts(k) and value_type.accepts(v) for k, v in value.items())

    def _accepts_special(self, value: Any) -> bool:
        if self.kind == "union":
            return any(arg.accepts(value) for arg in self.args)
        return is_iso_date(value.isoformat() if type(value) is dt.date else value)

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
        if kind in ("str", "date") and isinstance(value, dt.date):
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
            "dict[..., ...], tuple, Any, ISODate, or 'X | None'"
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
    name = _annotation_name(node)
    if name is not None:
        name = _TYPING_ALIASES.get(name, name)
        if name in _SCALARS or name in _CONTAINERS:
            return TypeSpec(name)
        if name == "Any":
            return _ANY
        if name == "ISODate":
            return TypeSpec("date")
        if name == "None":
            return TypeSpec("none")
        raise fail()
    if isinstance(node, ast.Subscript):
        return _spec_from_subscript(node, where, fail)
    raise fail()


def _spec_from_subscript(node: ast.Subscript, where: str, fail: Any) -> TypeSpec:
    """``list[int]``, ``dict[str, float]``, ``Optional[X]``, ``Union[...]``, ``tuple[...]``."""
    base = node.value
    base_name = _annotation_name(base) or (base.attr if isinstance(base, ast.Attribute) else None)
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


def _annotation_name(node: ast.expr) -> str | None:
    """``int`` for ``int``, ``Optional`` for ``typing.Optional``, ``ISODate`` for ``params.ISODate``."""
    if isinstance(node, ast.Name):
        return node.id
    is_attribute = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
    if is_attribute and (node.value.id == "typing" or node.attr == "ISODate"):
        return node.attr
    return None


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


def parse_cli_value(text: str, name: str = "") -> Any:
    """A ``-p NAME VALUE`` value, read as YAML: ``[1, 2]`` is a list, ``3`` an int, ``007`` stays text.

    Text that is not valid YAML is kept as text. Inputs the safe loader refuses (too large, aliases,
    tags such as ``!!python/object``, a date that does not exist) raise :class:`ParameterError` naming
    the parameter.
    """
    where = f"-p {name}" if name else "-p"
    stripped = text.strip()
    if stripped[:1] == "0" and stripped[1:2].isdigit() and stripped.isdigit():
        return text  # keep leading zeros: an identifier, not a number
    try:
        return load_yaml_safely(text, where, max_bytes=MAX_VALUE_BYTES)
    except ParameterError as error:
        if isinstance(error.__cause__, yaml.YAMLError) and not isinstance(error.__cause__, _BadDate):
            return text  # not YAML (e.g. 'Viet Nam: the story'): plain text
        raise


def load_params_file(path: Path, known_notebooks: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Read a YAML params file into ``{notebook stem: [parameter set, ...]}``.

    A notebook mapped to a mapping runs once; mapped to a list of mappings, once per mapping; mapped to
    nothing (``name:``), once with its defaults. A notebook name not in ``known_notebooks`` is an error.
    """
    known = list(known_notebooks)
    where = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_PARAMS_FILE_BYTES:
            raise ParameterError(
                f"{where}: {size:,} bytes is more than the {MAX_PARAMS_FILE_BYTES:,} accepted "
                "for a params file"
            )
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ParameterError(f"{where}: not UTF-8 text ({error.reason} at byte {error.start})") from error
    except OSError as error:
        raise ParameterError(f"{where}: cannot read the params file: {error.strerror or error}") from error
    data = load_yaml_safely(text, where)
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
