"""pyproject.toml and environment.yml list the same dependencies with the same ranges."""

import re
import tomllib

import yaml

from conftest import ROOT


def _norm(spec: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    name, rng = m.group(1).lower().replace("_", "-"), m.group(2).replace(" ", "")
    return name, ",".join(sorted(rng.split(","))) if rng else ""


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = dict(_norm(s) for s in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda_side = dict(
        _norm(s) for s in env["dependencies"] if isinstance(s, str) and not s.startswith(("python=", "pip"))
    )
    assert conda_side == pip_side
    assert "python=3.11" in env["dependencies"]


def test_nbgrader_is_pinned_to_the_measured_series():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "nbgrader>=0.9.6,<0.10" in project["dependencies"]
