"""The course's settings, each stated once, read into one typed object.

- What the course is (its id, its title) comes from course/manifest.yml.
- How it is graded comes from grading/nbgrader_config.py, the traitlets configuration nbgrader
  itself reads: nbgrader's own settings (`c.ExecutePreprocessor.timeout`, the cell limit) and the
  course's (`c.Kynangso.*`: the notebook's wall clock, memory, output, workers, the gradebook's busy
  timeout).

`settings()` is what every room reads (the CLI's defaults, the grader's limits, the trainers'
check); nothing else states these numbers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import paths
from . import manifest

CONFIG_FILE = "nbgrader_config.py"  # grading/ holds the shared one; each cohort folder has its own


@dataclass(frozen=True)
class Limits:
    """Bounds on one submission (seconds, MiB, characters)."""

    cell_timeout: int
    notebook_timeout: int
    memory_mb: int
    output_chars: int


@dataclass(frozen=True)
class Settings:
    course_id: str
    title: str
    limits: Limits
    workers: int  # grading workers (0 in the configuration: one per core)
    busy_timeout: int  # seconds a gradebook writer waits for another

    def gradebook_url(self, root: Path, wait: bool = True) -> str:
        """The cohort's gradebook; writers wait for each other (`wait`) instead of failing."""
        url = f"sqlite:///{root / 'gradebook.db'}"
        return f"{url}?timeout={self.busy_timeout}" if wait else url


def write_course_config(root: Path, source: Path | None = None) -> Path:
    """Make the folder `root` an nbgrader course root that uses the shared configuration: the
    course's id, its source notebooks (`source`, by default notebooks/), an exchange and a logs
    folder of its own. Its config is rewritten each time, so a moved repository still works."""
    (root / "exchange").mkdir(exist_ok=True)
    (root / "logs").mkdir(exist_ok=True)
    shared = paths.grading_dir() / CONFIG_FILE
    (root / CONFIG_FILE).write_text(
        "# Written by kynangso: this folder is an nbgrader course root.\n"
        "c = get_config()  # noqa: F821\n"
        f"load_subconfig({str(shared)!r})  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {settings().course_id!r}\n"
        f"c.CourseDirectory.root = {str(root)!r}\n"
        f"c.CourseDirectory.source_directory = {str(source or paths.notebooks_dir())!r}\n"
        f"c.Exchange.root = {str(root / 'exchange')!r}\n",
        encoding="utf-8",
    )
    return root / CONFIG_FILE


def grading_config():
    """grading/nbgrader_config.py as a traitlets Config."""
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader(CONFIG_FILE, path=str(paths.grading_dir())).load_config()


@lru_cache(maxsize=1)
def settings() -> Settings:
    cfg = grading_config()
    course = manifest.load()
    own = cfg.Kynangso
    workers = int(own.workers)
    return Settings(
        course_id=course.course_id,
        title=course.title,
        limits=Limits(
            cell_timeout=int(cfg.ExecutePreprocessor.timeout),
            notebook_timeout=int(own.notebook_timeout),
            memory_mb=int(own.memory_mb),
            output_chars=int(own.output_chars),
        ),
        workers=workers if workers > 0 else max(1, os.cpu_count() or 1),
        # KYNANGSO_BUSY_TIMEOUT: a shorter wait for a test, or a longer one on a slow shared disk
        busy_timeout=int(os.environ.get("KYNANGSO_BUSY_TIMEOUT") or own.busy_timeout),
    )
