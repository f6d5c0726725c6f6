import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def cohorts(tmp_path, monkeypatch):
    """Cohort folders go to a temporary place, never into the repository's cohorts/."""
    d = tmp_path / "cohorts"
    monkeypatch.setenv("KYNANGSO_COHORTS", str(d))
    return d


@pytest.fixture(autouse=True)
def _course_home(monkeypatch):
    monkeypatch.setenv("KYNANGSO_HOME", str(ROOT))
    # nbgrader runs `alembic` from PATH (see NBGRADER-NOTES.md)
    import sys
    monkeypatch.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
