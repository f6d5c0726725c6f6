"""nbgrader wiring: a cohort folder is an nbgrader course root that uses the shared configuration."""

from __future__ import annotations

import subprocess
from contextlib import contextmanager
import sys
from pathlib import Path

from .. import paths
from ..authoring.settings import CONFIG_FILE, settings



def course_root(name: str, create: bool = True) -> Path:
    """The cohort's folder, made into an nbgrader course root (its config is rewritten each time,
    so a moved repository still works)."""
    root = paths.cohort_dir(name)
    if not root.is_dir():
        if not create:
            raise FileNotFoundError(
                f"cohort {name!r} does not exist at {root}; create it with `kynangso cohort {name} --roster FILE`"
            )
        root.mkdir(parents=True)
    (root / "exchange").mkdir(exist_ok=True)
    (root / "logs").mkdir(exist_ok=True)
    shared = paths.grading_dir() / CONFIG_FILE
    (root / CONFIG_FILE).write_text(
        "# Written by kynangso: this cohort folder is an nbgrader course root.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(shared)!r})  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {settings().course_id!r}\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.source_directory = {str(paths.notebooks_dir())!r}\n"
        f"c.Exchange.root = {str(root / 'exchange')!r}\n",
        encoding="utf-8",
    )
    return root


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
    text = (proc.stdout or "") + (proc.stderr or "")
    return "\n".join(text.strip().splitlines()[-lines:])
