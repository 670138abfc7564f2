"""environment.yml and pyproject.toml must describe the same runtime environment.

conda-forge cannot be reached here, so the conda file is checked offline: parsed, and its packages
and pins compared with pyproject's runtime dependencies.
"""

from __future__ import annotations

import re
import tomllib

import yaml

from egovanalysis import config


def _pyproject() -> dict:
    return tomllib.loads((config.PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins(requirements: list[str], separator: str) -> dict[str, str]:
    pins: dict[str, str] = {}
    for requirement in requirements:
        name, _, version = requirement.partition(separator)
        pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_environment_yml_lists_the_runtime_dependencies_of_pyproject() -> None:
    environment = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    conda_specs = [spec for spec in environment["dependencies"] if isinstance(spec, str)]
    conda = _pins([spec for spec in conda_specs if not spec.startswith(("python=", "pip"))], "=")
    from_pypi = [spec for section in environment["dependencies"] if isinstance(section, dict)
                 for spec in section["pip"] if spec != "-e ."]
    listed = {**conda, **_pins(from_pypi, "==")}
    assert len(listed) == len(conda) + len(from_pypi), "a package is listed twice"
    assert listed == _pins(_pyproject()["project"]["dependencies"], "==")


def test_environment_yml_pins_the_python_minor_and_installs_the_package() -> None:
    environment = yaml.safe_load((config.PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert "conda-forge" in environment["channels"]
    python = [
        spec for spec in environment["dependencies"] if isinstance(spec, str) and spec.startswith("python=")
    ]
    assert len(python) == 1 and re.fullmatch(r"python=3\.\d+", python[0])
    minimum = re.search(r"3\.(\d+)", _pyproject()["project"]["requires-python"])
    assert minimum is not None and int(python[0].split(".")[1]) >= int(minimum[1])
    pip_sections = [spec["pip"] for spec in environment["dependencies"] if isinstance(spec, dict)]
    assert len(pip_sections) == 1 and pip_sections[0][-1] == "-e ."


def test_every_runtime_dependency_is_pinned_exactly() -> None:
    # Committed notebook outputs are compared byte for byte; a floating version would change them.
    for requirement in _pyproject()["project"]["dependencies"]:
        assert "==" in requirement, requirement
