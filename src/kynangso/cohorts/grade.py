"""`kynangso grade`: autograde a cohort's submissions on the grading pool, export the grades, and
say how each submission went.

Writes cohorts/<name>/grades.csv (nbgrader's standard CSV export) and grading-report.csv, one row
per submission: student, name, unit, assignment, status (graded / failed), score, maximum, and the
reason in plain Vietnamese. A submission that cannot be graded never stops the batch; it keeps its
last good grade, said beside the failure, until the instructor gives it 0 (`--zero-failed`). A run
holds the cohort's grading lock, backs the gradebook up, keeps a journal so that an interrupted or
killed run is resumed by the next, and handles Ctrl-C (safety.py, outcomes.py). No feedback is
written here: `kynangso feedback` writes it, after the instructor has graded the written answers.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import sys
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from ..authoring.settings import Limits, settings
from ..grading import pool
from . import course, exchange, outcomes, safety
from .outcomes import Row, export_grades, merge_report, write_report
from .reasons import failure_reason, inspect_submission


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
        raise messages.Refusal(messages.text("cohorts.not_released", module=module.id, name=root.name))
    submitted = root / "submitted"
    found = sorted(d.name for d in submitted.iterdir() if (d / module.id).is_dir()) if submitted.is_dir() else []
    if students:
        found = [s for s in found if s in set(students)]
    broken = {s: why for s in found if (why := inspect_submission(submitted / s / module.id, expected))}
    return Plan(module, expected, [s for s in found if s not in broken], broken)


class Interrupted(Exception):
    """Ctrl-C stopped the run; what was graded is recorded, the rest waits for the next run."""

    def __init__(self, rows: list[Row], left: int):
        super().__init__(left)
        self.rows, self.left = rows, left


class _Stop:
    """Ctrl-C during grading: the first lets the notebooks in flight finish and starts no other;
    a second, while notebooks run (`hard`), stops at once (those in flight are rolled back)."""

    def __init__(self):
        self.asked = False
        self.hard = False

    def __call__(self, _signum, _frame):  # a signal handler
        if self.asked and self.hard:
            self.hard = False
            raise KeyboardInterrupt
        if not self.asked:
            self.asked = True
            print(messages.text("cohorts.grade.stopping"), file=sys.stderr, flush=True)


def _selection(root: Path, modules, students, pending) -> list:
    """The plans of this run: the selected modules (of `students`, when given) and whatever an
    interrupted run left unfinished."""
    wanted: dict[str, set | None] = {m.id: (set(students) if students else None) for m in modules}
    by_id = {m.id: m for m in modules}
    for module_id, student in pending:
        if module_id not in wanted:
            with contextlib.suppress(KeyError):
                by_id[module_id] = manifest.load().module(module_id)
                wanted[module_id] = set()
        if module_id in wanted and wanted[module_id] is not None:
            wanted[module_id].add(student)
    return [prepare(root, by_id[m], sorted(who) if who is not None else None) for m, who in wanted.items()]


def grade(
    root: Path,
    modules,
    workers: int | None = None,
    students: list[str] | None = None,
    limits: Limits | None = None,
    progress: bool = True,
    isolate: bool = True,
    zero_failed: bool = False,
    notice=None,
) -> tuple[Path, Path, list[Row]]:
    """Grade the selected modules' submissions (of `students` only, when given) on the grading pool;
    write grades.csv and grading-report.csv, and return their paths and this run's rows.

    A submission that cannot be graded keeps its last good grade (said in its reason) until the
    instructor decides: graded again after a resubmission, or given 0 with `zero_failed`; one never
    graded before scores 0. The run holds the cohort's grading lock (safety.Busy when another run
    does), backs the gradebook up first, and keeps a journal: an interrupted run (Ctrl-C raises
    Interrupted; a kill leaves the journal) is resumed by the next. `notice(text)` receives the
    lines the instructor should read (resuming, backup). No feedback is written here."""
    limits = limits or settings().limits
    notice = notice or (lambda text: None)
    import warnings

    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy 2 warnings from nbgrader's ORM
    stop = _Stop()
    old_handler = signal.signal(signal.SIGINT, stop) if _main_thread() else None
    try:
        with safety.grading_lock(root, "grade"):
            return _grade_locked(root, modules, workers, students, limits, progress, isolate, zero_failed, notice, stop)
    finally:
        if old_handler is not None:
            signal.signal(signal.SIGINT, old_handler)


def _resume(root, journal, modules, students, notice):
    """This run's plans, the rows an interrupted run finished (kept when the submission has not
    changed since), and the jobs to run: the selection and what the interrupted run left."""
    left = journal.pending()
    done: dict[tuple[str, str], dict] = {}
    unfinished: list[tuple[str, str]] = []
    if left is not None:
        jobs_left, done = left
        unfinished = [j for j in dict.fromkeys(jobs_left) if j not in done]
        notice(messages.text("cohorts.grade.resuming", done=len(done), left=len(unfinished)))
    plans = _selection(root, modules, students, unfinished)
    selected = {(p.module.id, s) for p in plans for s in [*p.ok, *p.broken]}
    rows = [
        Row(**old["row"])
        for (m, s), old in done.items()
        if old.get("stamp") == outcomes.stamp(root, m, s)
        and ((m, s) not in selected or old["row"]["status"] == "graded")
    ]
    kept = {(r.assignment, r.student) for r in rows}
    todo = [(p.module.id, s) for p in plans for s in p.ok if (p.module.id, s) not in kept]
    return plans, rows, todo


def _grade_locked(root, modules, workers, students, limits, progress, isolate, zero_failed, notice, stop):
    """`grade`, once the cohort's grading lock is held and Ctrl-C is `stop`'s."""
    journal = safety.Journal(root)
    plans, rows, todo = _resume(root, journal, modules, students, notice)
    safety.backup(root)
    broken = [(p.module.id, s, why) for p in plans for s, why in p.broken.items()]
    journal.start(todo + [(m, s) for m, s, _ in broken])
    max_scores = {}
    with course.gradebook(root) as gb:
        for m, s in todo + [(m, s) for m, s, _ in broken]:
            outcomes.keep_previous(root, gb, m, s)
        for p in plans:
            max_scores[p.module.id] = gb.find_assignment(p.module.id).max_score
        for m, s, why in broken:
            rows.append(outcomes.settle(root, gb, m, s, why, max_scores[m], zero_failed, journal))
    expected = {p.module.id: p.expected for p in plans}

    def on_result(res):
        bar.update(res)
        m, s = res["module"], res["student"]
        why = None if res["ok"] else failure_reason(res["failure"], limits, res.get("log", ""))
        with course.gradebook(root) as gb:
            try:
                row = outcomes.settle(root, gb, m, s, why, max_scores[m], zero_failed, journal, expected[m])
            except Exception:  # noqa: BLE001 - what the grader wrote cannot be read back: not graded
                gb.db.rollback()
                why = failure_reason("grader_error", limits, res.get("log", ""))
                row = outcomes.settle(root, gb, m, s, why, max_scores[m], zero_failed, journal, expected[m])
            rows.append(row)

    bar = pool.Progress(
        len(todo),
        enabled=progress,
        desc=messages.text("cohorts.progress.grade"),
        failed_label=messages.text("cohorts.progress.grade_failed"),
    )
    stop.hard = True
    try:
        pool.run(
            root,
            todo,
            workers or settings().workers,
            limits,
            on_result=on_result,
            isolate=isolate,
            stopping=lambda: stop.asked,
        )
    except KeyboardInterrupt:
        stop.hard, stop.asked = False, True
        finished = {(r.assignment, r.student) for r in rows}
        with course.gradebook(root) as gb:
            for m, s in todo:
                if (m, s) not in finished:
                    outcomes.roll_back(root, gb, m, s)
    finally:
        stop.hard = False
        bar.close()
    with course.gradebook(root) as gb:
        grades = export_grades(root, gb)
    report = write_report(root, merge_report(root, rows))
    finished = {(r.assignment, r.student) for r in rows}
    left_now = [j for j in todo if j not in finished]
    if stop.asked and left_now:
        raise Interrupted(rows, len(left_now))
    journal.close()
    shutil.rmtree(root / safety.KEPT, ignore_errors=True)
    return grades, report, rows


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


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
    p.add_argument("--zero-failed", action="store_true", help=t("cohorts.grade.arg.zero_failed"))


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


def _released(root: Path, module_ids: list[str] | None) -> list:
    """The modules named (all of them must be released: prepare says so), or with none named, the
    course's modules released to this cohort (those not released are named)."""
    modules = manifest.selected(module_ids)
    if module_ids:
        return modules
    skipped = [m.id for m in modules if not (root / "release" / m.id).is_dir()]
    if skipped:
        print(messages.text("cohorts.grade.skipped", modules=", ".join(skipped), name=root.name))
    return [m for m in modules if m.id not in skipped]


def run(args) -> int:
    t = messages.text
    root = course.existing(args.name)
    limits = Limits(args.cell_timeout, args.notebook_timeout, args.memory_mb, args.output_chars)
    isolated, line = isolation(root, args.no_sandbox)
    if not isolated and not args.no_sandbox:
        print(t("cohorts.grade.refused", why=line), file=sys.stderr)
        return 2
    print(line)
    modules = _released(root, args.module)
    if not modules:
        print(t("cohorts.grade.nothing_released", name=root.name), file=sys.stderr)
        return 2
    for m, (ok, tail, forged) in exchange.collect(root, [m.id for m in modules]).items():
        for said in forged:
            print(said, file=sys.stderr)
        print(t("cohorts.exchange.collected" if ok else "cohorts.exchange.collect_failed", module=m, detail=tail))
    try:
        grades, report, rows = grade(
            root,
            modules,
            workers=args.workers,
            students=args.student,
            limits=limits,
            progress=not args.no_progress,
            isolate=not args.no_sandbox,
            zero_failed=args.zero_failed,
            notice=print,
        )
    except safety.Busy as exc:
        print(exc, file=sys.stderr)
        return 2
    except Interrupted as exc:
        graded = sum(r.status == "graded" for r in exc.rows)
        print(t("cohorts.grade.interrupted", graded=graded, left=exc.left, name=root.name), file=sys.stderr)
        return 130
    failed = [r for r in rows if r.status == "failed"]
    print(t("cohorts.grade.done", graded=len(rows) - len(failed), failed=len(failed)))
    for r in failed:
        print("  " + t("cohorts.grade.failed_row", student=r.student, module=r.assignment, reason=r.reason))
    print(f"  {grades}")
    print(f"  {report}")
    return 0
