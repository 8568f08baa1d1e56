"""What the package claims is what the support matrix runs (noxfile.py, docs/support.md):
the classifiers name exactly its Pythons and Django series, the lowest session starts at
``requires-python``, and each series' pins satisfy pyproject's dependencies."""

from __future__ import annotations

import ast
import re

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from .conftest import REPO

try:
    import tomllib
except ImportError:  # Python 3.10: pytest brings tomli
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def noxfile_constant(name: str):
    for node in ast.parse((REPO / "noxfile.py").read_text()).body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == [name]:
            return ast.literal_eval(node.value)
    raise LookupError(name)


SERIES: dict[str, list[str]] = noxfile_constant("SERIES")
PYTHONS = sorted(
    {python for pythons in SERIES.values() for python in pythons}, key=lambda v: tuple(map(int, v.split(".")))
)


def classified(prefix: str) -> set[str]:
    return {
        c.removeprefix(prefix) for c in PYPROJECT["classifiers"] if re.fullmatch(re.escape(prefix) + r"\d+\.\d+", c)
    }


def test_the_classifiers_name_what_the_matrix_runs():
    assert classified("Programming Language :: Python :: ") == set(PYTHONS)
    assert classified("Framework :: Django :: ") == set(SERIES)


def test_ci_runs_every_series_pinned_on_a_python_it_supports():
    ci = noxfile_constant("CI")
    assert {django for _, django in ci} == set(SERIES)
    assert all(python in SERIES[django] for python, django in ci)


def test_the_lowest_session_runs_the_lowest_python_pyproject_allows():
    assert PYPROJECT["requires-python"] == f">={PYTHONS[0]}"
    allowed = SpecifierSet(PYPROJECT["requires-python"])
    assert all(python in allowed for python in PYTHONS)


@pytest.mark.parametrize("series", SERIES)
def test_each_series_pins_satisfy_pyproject(series):
    pins = {}
    for line in (REPO / "tests" / "matrix" / f"django-{series}.txt").read_text().splitlines():
        if match := re.match(r"([A-Za-z0-9_.-]+)==(\S+)", line):
            pins.setdefault(match[1].lower(), set()).add(match[2])
    assert pins["django"] and all(v.startswith(series + ".") for v in pins["django"]), pins["django"]
    extras = PYPROJECT["optional-dependencies"]
    for spec in [*PYPROJECT["dependencies"], *extras["drf"], *extras["redis"]]:
        requirement = Requirement(spec)
        versions = pins[requirement.name.lower()]
        assert all(v in requirement.specifier for v in versions), (requirement, versions)
