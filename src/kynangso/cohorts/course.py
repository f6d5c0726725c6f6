"""A cohort's folder as nbgrader sees it: the course root (with the shared configuration), its
gradebook, and nbgrader commands run inside it."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from .. import messages, paths
from ..authoring.settings import settings, write_course_config


class BadCohortName(messages.Refusal, ValueError):
    """A cohort name that cannot be a folder of cohorts/ (the message says so in Vietnamese)."""


class NoCohort(messages.Refusal, FileNotFoundError):
    """The cohort has not been created (the message says how to create it, in Vietnamese)."""


def course_root(name: str, create: bool = True) -> Path:
    """The cohort's folder, made into an nbgrader course root (its config is rewritten each time,
    so a moved repository still works). Raises BadCohortName or, when `create` is false and the
    cohort does not exist, NoCohort."""
    try:
        root = paths.cohort_dir(name)
    except ValueError:
        raise BadCohortName(messages.text("cohorts.course.bad_name", name=name)) from None
    if not root.is_dir():
        if not create:
            raise NoCohort(messages.text("cohorts.course.missing", name=name, path=root))
        root.mkdir(parents=True)
    write_course_config(root)
    return root


def existing(name: str) -> Path:
    """The course root of an existing cohort, for a verb: a bad name or a missing cohort ends the
    command with the Vietnamese reason on stdout and exit status 2, not a traceback."""
    try:
        return course_root(name, create=False)
    except (BadCohortName, NoCohort) as exc:
        print(exc)
        raise SystemExit(2) from None


@contextmanager
def gradebook(root: Path):
    """The cohort's open nbgrader Gradebook (a context manager), fully closed on exit: no SQLite
    connection may outlive it, e.g. into forked grading workers."""
    import os

    from nbgrader.api import Gradebook

    # Creating a gradebook runs `alembic` from PATH (see paths.tool_env).
    os.environ["PATH"] = paths.tool_env()["PATH"]
    gb = Gradebook(settings().gradebook_url(root), course_id=settings().course_id)
    try:
        yield gb
    finally:
        gb.close()
        gb.engine.dispose()


def run(root: Path, *args: str, log_name: str | None = None) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the cohort's course root; its output is kept in logs/."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=root, env=paths.tool_env(), capture_output=True, text=True)
    if log_name:
        (root / "logs" / f"{log_name}.log").write_text(
            f"$ {' '.join(cmd)}\n# exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}", encoding="utf-8"
        )
    return proc


def tail(proc: subprocess.CompletedProcess, lines: int = 25) -> str:
    """The last lines of a finished command's output (stdout, then stderr), for a message."""
    text = (proc.stdout or "") + (proc.stderr or "")
    return "\n".join(text.strip().splitlines()[-lines:])
