"""Why a submission scored what it scored, or could not be graded, in words an instructor and a
learner read (grading-report.csv's `reason`): a file that cannot be read as a notebook, what the
grader found in a graded one (questions failed, left blank, cells that raised), and why the
grading pool gave up on one."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from .. import messages
from ..authoring import execute
from ..authoring import notebook as nbm
from ..authoring.settings import Limits
from ..grading import repair


def inspect_submission(folder: Path, expected: list[str]) -> str | None:
    """Why a submission cannot be graded (in Vietnamese), or None when it can."""
    t = messages.text
    for name in expected:
        path = folder / name
        if not path.is_file():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            if others:
                return t("cohorts.grade.missing_notebook_renamed", name=name, others=", ".join(others))
            return t("cohorts.grade.missing_notebook", name=name)
        try:
            nbformat.validate(nbformat.read(str(path), as_version=4))
        except OSError as exc:  # the grader's side (permissions, disk), not the learner's file
            return t("cohorts.grade.unreadable", name=name, error=type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with the learner's file, say it
            return t("cohorts.grade.broken_notebook", name=name, detail=broken_detail(exc))
    return None


def broken_detail(exc: Exception) -> str:
    """Where a learner's notebook is broken, in Vietnamese (the English text of `exc`, which may
    quote the file, stays out of the report)."""
    t = messages.text
    cause = exc if isinstance(exc, json.JSONDecodeError) else exc.__context__
    if isinstance(cause, json.JSONDecodeError):
        return t("cohorts.grade.broken.not_json", line=cause.lineno, column=cause.colno)
    if isinstance(exc, UnicodeDecodeError):
        return t("cohorts.grade.broken.not_utf8")
    where = list(getattr(exc, "absolute_path", []))  # nbformat does not always say where
    if len(where) >= 2 and where[0] == "cells" and isinstance(where[1], int):
        where = [t("cohorts.grade.broken.where_cell", cell=where[1] + 1), *where[2:]]
    if where:
        return t("cohorts.grade.broken.not_nbformat_at", where="/".join(str(w) for w in where))
    return t("cohorts.grade.broken.not_nbformat")


# errors the grader itself causes in a cell -> the catalogue key that says it plainly
ERROR_HINTS = {
    "KeyboardInterrupt": "cohorts.hint.timeout",
    "CellTimeoutError": "cohorts.hint.timeout",
    "MemoryError": "cohorts.hint.memory",
}


def describe_graded(folder: Path, expected: list[str], submission) -> str:
    """What the grader found in an autograded submission, in plain words for the instructor and learner."""
    t = messages.text
    blank, errors, manual = [], [], set()
    for name in expected:
        for cell in nbm.read(folder / name).cells:
            if nbm.is_manual(cell):
                manual.add(nbm.grade_id(cell))
            if not nbm.is_answer(cell):
                continue
            gid = nbm.grade_id(cell)
            err = execute.error_of(cell)
            if err and err.startswith("NotImplementedError"):
                blank.append(nbm.question_of(gid))
            elif err:
                ename = err.split(":")[0]
                hint = ERROR_HINTS.get(ename)
                errors.append(f"{gid} ({ename}: {t(hint)})" if hint else f"{gid} ({ename})")
    grades = [g for nb in submission.notebooks for g in nb.grades]
    auto = [g for g in grades if g.name not in manual]
    # nbgrader scores an untouched written answer 0 at once instead of asking for manual grading
    blank += [nbm.question_of(g.name) for g in grades if g.name in manual and g.auto_score == 0]
    lost = sorted({nbm.question_of(g.name) for g in auto if (g.auto_score or 0) < g.max_score} - set(blank))
    parts = [
        t("cohorts.graded.score", score=sum(g.auto_score or 0 for g in auto), max_score=sum(g.max_score for g in auto))
    ]
    if lost:
        parts.append(t("cohorts.graded.lost", questions=", ".join(lost)))
    if blank:
        parts.append(t("cohorts.graded.blank", questions=", ".join(blank)))
    if errors:
        parts.append(t("cohorts.graded.errors", cells=", ".join(errors)))
    if submission.needs_manual_grade:
        parts.append(t("cohorts.graded.manual_pending"))
    parts += repair.read_notes(folder)
    return " ".join(parts)


def failure_reason(kind: str, limits: Limits, log: str = "") -> str:
    """Why the grading pool could not grade a submission (a result's "failure"), in plain Vietnamese;
    `log` is the path of the submission's grading log."""
    t = messages.text
    text = {
        "kernel_died": t("cohorts.failure.kernel_died", memory_mb=limits.memory_mb),
        "notebook_timeout": t("cohorts.failure.notebook_timeout", seconds=limits.notebook_timeout),
        "cell_timeout": t("cohorts.failure.cell_timeout", seconds=limits.cell_timeout),
        "memory": t("cohorts.failure.memory", memory_mb=limits.memory_mb),
        "worker_died": t("cohorts.failure.worker_died"),
        "kernel_start": t("cohorts.failure.kernel_start"),
    }.get(kind) or t("cohorts.failure.grader_error")
    return t("cohorts.failure.with_log", reason=text, log=log) if log else text
