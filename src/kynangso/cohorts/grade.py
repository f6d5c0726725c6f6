"""`kynangso grade`: autograde a cohort's submissions on the grading pool, export the grades, and
say how each submission went.

Writes cohorts/<name>/grades.csv (nbgrader's standard CSV export) and grading-report.csv, one row
per submission: student, name, unit, assignment, status (graded / failed), score, maximum, and the
reason in plain Vietnamese. A submission that cannot be graded never stops the batch and never keeps
an older grade. No feedback is written here: `kynangso feedback` writes it, after the instructor has
graded the written answers.
"""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
import sys
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from ..authoring.settings import Limits, settings
from ..grading import pool
from . import course, roster
from .reasons import describe_graded, failure_reason, inspect_submission

REPORT_FILE = "grading-report.csv"
GRADES_FILE = "grades.csv"
REPORT_COLUMNS = ["student", "ho_ten", "ma_don_vi", "assignment", "status", "score", "max_score", "reason"]


@dataclass
class Row:
    """One row of grading-report.csv (the official's name and unit are added from the roster)."""

    student: str
    assignment: str
    status: str  # "graded" | "failed"
    reason: str
    score: float = 0.0
    max_score: float = 0.0


def record_zero(root: Path, gb, module_id: str, student: str) -> None:
    """This submission could not be graded: it scores 0 in the gradebook and the export (no earlier
    grade survives), and what an earlier grading left in autograded/ and feedback/ is removed.
    The learner's submitted files are not touched."""
    from nbgrader.utils import parse_utc

    stamp = root / "submitted" / student / module_id / "timestamp.txt"
    kwargs = {}
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip():
        with contextlib.suppress(ValueError):  # a bad timestamp.txt must not stop the zero
            kwargs["timestamp"] = parse_utc(stamp.read_text(encoding="utf-8").strip())
    gb.update_or_create_student(student)
    sub = gb.update_or_create_submission(module_id, student, **kwargs)
    for nb in sub.notebooks:
        for g in nb.grades:
            g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade = 0, None, None, False
        for c in nb.comments:
            c.auto_comment = messages.text("cohorts.grade.zero_comment")
    gb.db.commit()
    for step in ("autograded", "feedback"):
        shutil.rmtree(root / step / student / module_id, ignore_errors=True)


@dataclass
class Plan:
    """One module's submissions: the ones to run, and the ones that cannot be read (with why)."""

    module: object
    expected: list[str]
    ok: list[str]
    broken: dict[str, str]


def prepare(root: Path, module, students: list[str] | None = None) -> Plan:
    """The module's submissions (of `students` only, when given), each inspected; an unreleased
    module stops with the reason."""
    expected = [p.name for p in nbm.graded_notebooks(module.source)]
    if not (root / "release" / module.id).is_dir():
        raise SystemExit(messages.text("cohorts.not_released", module=module.id, name=root.name))
    submitted = root / "submitted"
    found = sorted(d.name for d in submitted.iterdir() if (d / module.id).is_dir()) if submitted.is_dir() else []
    if students:
        found = [s for s in found if s in set(students)]
    broken = {s: why for s in found if (why := inspect_submission(submitted / s / module.id, expected))}
    return Plan(module, expected, [s for s in found if s not in broken], broken)


def merge_report(root: Path, rows: list[Row]) -> list[Row]:
    """Rows of this run replace the earlier rows of the same (student, module); others are kept."""
    path = root / REPORT_FILE
    new = {(r.student, r.assignment) for r in rows}
    kept = []
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as f:
            for old in csv.DictReader(f):
                if (old["student"], old["assignment"]) not in new:
                    kept.append(
                        Row(
                            old["student"],
                            old["assignment"],
                            old["status"],
                            old["reason"],
                            float(old["score"] or 0),
                            float(old["max_score"] or 0),
                        )
                    )
    return sorted(kept + rows, key=lambda r: (r.assignment, r.student))


def export_grades(root: Path, gb) -> Path:
    """grades.csv: nbgrader's CSV export of the whole gradebook."""
    from nbgrader.plugins import CsvExportPlugin

    path = root / GRADES_FILE
    CsvExportPlugin(to=str(path)).export(gb)
    return path


def write_report(root: Path, rows: list[Row]) -> Path:
    """grading-report.csv from `rows`, with each official's name and unit from the roster."""
    people = {r["ma_can_bo"]: r for r in roster.roster(root)}
    path = root / REPORT_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(REPORT_COLUMNS)
        for r in rows:
            p = people.get(r.student, {})
            w.writerow(
                [
                    r.student,
                    p.get("ho_ten", ""),
                    p.get("ma_don_vi", ""),
                    r.assignment,
                    r.status,
                    f"{r.score:g}",
                    f"{r.max_score:g}",
                    r.reason,
                ]
            )
    return path


def grade(
    root: Path,
    modules,
    workers: int | None = None,
    students: list[str] | None = None,
    limits: Limits | None = None,
    progress: bool = True,
    isolate: bool = True,
) -> tuple[Path, Path, list[Row]]:
    """Grade the selected modules' submissions (of `students` only, when given) on the grading pool;
    write grades.csv and grading-report.csv, and return their paths and this run's rows. Submissions
    that cannot be graded score 0 and say why. `isolate=False` runs learners' kernels without the
    sandbox. No feedback is written: `kynangso feedback` writes it."""
    limits = limits or settings().limits
    plans = [prepare(root, m, students) for m in modules]
    with course.gradebook(root) as gb:
        for plan in plans:
            for s in plan.broken:
                record_zero(root, gb, plan.module.id, s)
    jobs = [(p.module.id, s) for p in plans for s in p.ok]
    bar = pool.Progress(
        len(jobs),
        enabled=progress,
        desc=messages.text("cohorts.progress.grade"),
        failed_label=messages.text("cohorts.progress.grade_failed"),
    )
    try:
        results = pool.run(root, jobs, workers or settings().workers, limits, on_result=bar.update, isolate=isolate)
    finally:
        bar.close()
    failed = {
        (r["module"], r["student"]): failure_reason(r["failure"], limits, r.get("log", ""))
        for r in results
        if not r["ok"]
    }
    rows: list[Row] = []
    with course.gradebook(root) as gb:
        for plan in plans:
            module_id, expected = plan.module.id, plan.expected
            max_score = gb.find_assignment(module_id).max_score
            for s, why in plan.broken.items():
                rows.append(Row(s, module_id, "failed", why, 0.0, max_score))
            for s in plan.ok:
                why = failed.get((module_id, s))
                if why:
                    record_zero(root, gb, module_id, s)
                    rows.append(Row(s, module_id, "failed", why, 0.0, max_score))
                else:
                    sub = gb.find_submission(module_id, s)
                    rows.append(
                        Row(
                            s,
                            module_id,
                            "graded",
                            describe_graded(root / "autograded" / s / module_id, expected, sub),
                            sub.score,
                            max_score,
                        )
                    )
        grades = export_grades(root, gb)
    return grades, write_report(root, merge_report(root, rows)), rows


def add_arguments(p) -> None:
    t = messages.text
    d = settings().limits
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument("--module", action="append", metavar=t("cohorts.metavar.module"), help=t("cohorts.arg.module"))
    p.add_argument(
        "--student", action="append", metavar=t("cohorts.metavar.student"), help=t("cohorts.grade.arg.student")
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar=t("cohorts.metavar.workers"),
        help=t("cohorts.arg.workers", default=settings().workers),
    )
    p.add_argument(
        "--cell-timeout",
        type=int,
        default=d.cell_timeout,
        metavar=t("cohorts.grade.metavar.seconds"),
        help=t("cohorts.grade.arg.cell_timeout", default=d.cell_timeout),
    )
    p.add_argument(
        "--notebook-timeout",
        type=int,
        default=d.notebook_timeout,
        metavar=t("cohorts.grade.metavar.seconds"),
        help=t("cohorts.grade.arg.notebook_timeout", default=d.notebook_timeout),
    )
    p.add_argument(
        "--memory-mb",
        type=int,
        default=d.memory_mb,
        metavar=t("cohorts.grade.metavar.memory_mb"),
        help=t("cohorts.grade.arg.memory_mb", default=d.memory_mb),
    )
    p.add_argument(
        "--output-chars",
        type=int,
        default=d.output_chars,
        metavar=t("cohorts.grade.metavar.output_chars"),
        help=t("cohorts.grade.arg.output_chars", default=d.output_chars),
    )
    p.add_argument("--no-progress", action="store_true", help=t("cohorts.arg.no_progress"))
    p.add_argument("--no-sandbox", action="store_true", help=t("cohorts.grade.arg.no_sandbox"))


# why learners' kernels are not isolated (sandbox.available(), in English) -> what the instructor reads
ISOLATION_FILE = (
    "isolation.json"  # in the cohort folder: how the last grading run isolated kernels (the report reads it)
)


def isolation(root: Path, no_sandbox: bool) -> tuple[bool, str]:
    """Whether learners' kernels are isolated in this run, and the line `grade` prints about it, in
    Vietnamese. What the run did is kept in the cohort's isolation.json (the report says when a run
    was not isolated)."""
    from datetime import datetime

    from ..grading import sandbox

    t = messages.text
    why = "flag" if no_sandbox else sandbox.available()
    mode = "none" if why else ("rootless" if sandbox.rootless() else "root")
    record = {"isolated": why is None, "mode": mode, "reason": why, "at": datetime.now(UTC).isoformat()}
    (root / ISOLATION_FILE).write_text(json.dumps(record) + "\n", encoding="utf-8")
    if why is None:
        return True, t(f"cohorts.grade.isolated.{mode}")
    return False, t("cohorts.grade.not_isolated", why=t(f"cohorts.sandbox.{why}"))


def run(args) -> int:
    t = messages.text
    root = course.existing(args.name)
    limits = Limits(args.cell_timeout, args.notebook_timeout, args.memory_mb, args.output_chars)
    isolated, line = isolation(root, args.no_sandbox)
    if not isolated and not args.no_sandbox:
        print(t("cohorts.grade.refused", why=line), file=sys.stderr)
        return 2
    print(line)
    modules = manifest.selected(args.module)
    if not args.module:  # every module: those released to this cohort; say which were not
        skipped = [m.id for m in modules if not (root / "release" / m.id).is_dir()]
        modules = [m for m in modules if m.id not in skipped]
        if skipped:
            print(t("cohorts.grade.skipped", modules=", ".join(skipped), name=root.name))
        if not modules:
            print(t("cohorts.grade.nothing_released", name=root.name), file=sys.stderr)
            return 2
    grades, report, rows = grade(
        root,
        modules,
        workers=args.workers,
        students=args.student,
        limits=limits,
        progress=not args.no_progress,
        isolate=not args.no_sandbox,
    )
    failed = [r for r in rows if r.status == "failed"]
    print(t("cohorts.grade.done", graded=len(rows) - len(failed), failed=len(failed)))
    for r in failed:
        print("  " + t("cohorts.grade.failed_row", student=r.student, module=r.assignment, reason=r.reason))
    print(f"  {grades}")
    print(f"  {report}")
    return 0
