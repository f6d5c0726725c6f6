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


# Tests that grade or run many notebooks (each file takes more than about 20 s here): marked `slow`,
# so `make test-fast` (pytest -m "not slow and not notebooks and not browser") leaves them out.
SLOW = {
    "test_grading_engine.py",
    "test_sandbox.py",
    "test_end_to_end.py",
    "test_model_solutions.py",
    "test_modules_check.py",
    "test_report.py",
    "test_build_failures.py",
    "test_trainer_kit.py",
    "test_one_grading_path.py",
    "test_ordinary_instructor.py",
    "test_slips.py",
    "test_crash_consistency.py",
    "test_no_traceback.py",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.name
        if name in SLOW:
            item.add_marker(pytest.mark.slow)
        if name == "test_hub_browser.py":
            item.add_marker(pytest.mark.browser)
        if item.path.suffix == ".ipynb" or name == "test_modules_check.py":
            item.add_marker(pytest.mark.notebooks)
