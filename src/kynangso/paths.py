"""Where the course's folders are: the repository, its data sets, and the cohorts."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def project_root() -> Path:
    """The course repository (holding course/, notebooks/, datasets/, grading/).

    KYNANGSO_HOME overrides; otherwise the checkout this package was installed from
    (the package is installed editable from the repository, see the Makefile).
    """
    env = os.environ.get("KYNANGSO_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve().parents[2]
    if (here / "course" / "manifest.yml").is_file():
        return here
    from . import messages

    raise RuntimeError(messages.text("library.paths.no_repository"))


def package_dir() -> Path:
    """The installed `kynangso` package (src/kynangso in a clone)."""
    return Path(__file__).resolve().parent


def datasets_dir() -> Path:
    env = os.environ.get("KYNANGSO_DATA")
    return Path(env).resolve() if env else project_root() / "datasets"


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def course_dir() -> Path:
    return project_root() / "course"


def grading_dir() -> Path:
    return project_root() / "grading"


def cohorts_dir() -> Path:
    env = os.environ.get("KYNANGSO_COHORTS")
    return Path(env).resolve() if env else Path.cwd().resolve() / "cohorts"


def cohort_dir(name: str) -> Path:
    if not name or "/" in name or name.startswith("."):
        from . import messages

        raise ValueError(messages.text("library.paths.bad_cohort_name", name=name))
    return cohorts_dir() / name


def tool_env() -> dict[str, str]:
    """Environment for nbgrader and Jupyter subprocesses.

    nbgrader shells out to `alembic` when it creates a gradebook, so the interpreter's
    bin folder must be on PATH even when the venv is not activated.
    """
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["KYNANGSO_HOME"] = str(project_root())
    env.setdefault("PYTHONUTF8", "1")
    return env
