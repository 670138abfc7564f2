"""The package's layers, checked from its source: a stage never imports a later one.

Order (docs/architecture.md): the top-level modules every stage may use (config, errors, conventions,
data), then ingest -> analysis -> forecasting -> reporting, then the command line. Imports inside
functions count too: a lazy import of a later stage is still a dependency on it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from egovanalysis import config

PACKAGE = config.PACKAGE_DIR
#: Layer of each top-level module or stage subpackage; a module may import its own layer or earlier ones.
LAYERS: dict[str, int] = {
    "config": 0,
    "errors": 1,
    "conventions": 2,
    "data": 2,
    "ingest": 3,
    "analysis": 4,
    "forecasting": 5,
    "reporting": 6,
    "cli": 7,
}
STAGES = ("ingest", "analysis", "forecasting", "reporting")


def _unit(module: str) -> str | None:
    """``egovanalysis.ingest.build`` -> ``ingest``; ``egovanalysis.config`` -> ``config``."""
    parts = module.split(".")
    if parts[0] != "egovanalysis" or len(parts) < 2:
        return None
    return parts[1]


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(source: str, module_name: str, is_package: bool = False) -> list[tuple[int, str]]:
    """(line, imported module) for every import in ``source``, relative imports resolved."""
    tree = ast.parse(source)
    here = module_name.split(".")
    package = here if is_package else here[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # "from egovanalysis import reporting" imports the subpackage itself
            if module == "egovanalysis":
                found += [(node.lineno, f"egovanalysis.{alias.name}") for alias in node.names]
    return found


def _later_imports(source: str, module_name: str, is_package: bool = False) -> list[str]:
    own = _unit(module_name)
    assert own in LAYERS, f"{module_name}: not in a known layer; add it to docs/architecture.md and LAYERS"
    return [
        f"line {line}: {module}"
        for line, module in _imports(source, module_name, is_package)
        if (unit := _unit(module)) in LAYERS and LAYERS[unit] > LAYERS[own]
    ]


def _package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_a_later_layer(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    later = _later_imports(source, _module_name(path), path.name == "__init__.py")
    assert not later, f"{path.relative_to(PACKAGE)} imports a later layer: {later}"


@pytest.mark.parametrize(
    ("source", "module_name", "expected"),
    [
        ("def f():\n    from egovanalysis.reporting import style\n", "egovanalysis.ingest.x", ["reporting"]),
        ("from egovanalysis import forecasting\n", "egovanalysis.analysis.probe", ["forecasting"]),
        ("from ..forecasting import models\n", "egovanalysis.analysis.probe", ["forecasting"]),
        ("import egovanalysis.cli\n", "egovanalysis.reporting.probe", ["cli"]),
        ("from egovanalysis.ingest import build\n", "egovanalysis.reporting.probe", []),
    ],
)
def test_the_guard_sees_backward_imports(source: str, module_name: str, expected: list[str]) -> None:
    # The layer check must be able to fail: lazy, relative and package imports of later stages are caught.
    found = [entry.split(": ")[1].split(".")[1] for entry in _later_imports(source, module_name)]
    assert found == expected


def test_the_package_is_organised_by_stage() -> None:
    top = sorted(path.stem for path in PACKAGE.glob("*.py"))
    assert len(top) <= 8, f"too many top-level modules: {top}; put new ones in a stage subpackage"
    for stage in STAGES:
        assert (PACKAGE / stage / "__init__.py").is_file(), stage
    assert set(top) - {"__init__"} <= set(LAYERS), f"top-level modules outside the layers: {top}"


def test_every_exception_class_lives_in_errors() -> None:
    defined = []
    for path in _package_files():
        if path.name == "errors.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            # a private control-flow exception (``_Fail``) may stay local to its module
            if (
                isinstance(node, ast.ClassDef)
                and not node.name.startswith("_")
                and any(isinstance(b, ast.Name) and b.id.endswith(("Error", "Exception")) for b in node.bases)
            ):
                defined.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.name}")
    assert not defined, f"exception classes outside egovanalysis/errors.py: {defined}"


def test_the_qualifier_vocabulary_has_one_home() -> None:
    """``more_than`` is spelled only where qualifiers are defined (conventions) and read (the parser);
    every other module imports the sets and functions of ``conventions``."""
    spelled_in = set()
    for path in _package_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = [node for node in ast.walk(tree) if isinstance(node, ast.Constant)]
        if any(node.value == "more_than" for node in constants):
            spelled_in.add(str(path.relative_to(PACKAGE)))
    assert spelled_in <= {"conventions.py", "ingest/figures/parser.py"}, sorted(spelled_in)
