"""`kynangso grade`: autograde a cohort's submissions, write feedback, export grades, report each one.

Writes cohorts/<name>/grades.csv (nbgrader's standard CSV export) and grading-report.csv, one row
per submission: student, assignment, status (graded / failed), score, reason in plain Vietnamese.
A submission that cannot be graded never stops the batch and never keeps an older grade.
"""

from __future__ import annotations

import csv
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import check, cohort, execute, nbg
from . import notebook as nbm

REPORT_FILE = "grading-report.csv"
GRADES_FILE = "grades.csv"
REPORT_COLUMNS = ["student", "ho_ten", "ma_don_vi", "assignment", "status", "score", "max_score", "reason"]


@dataclass
class Row:
    student: str
    assignment: str
    status: str  # "graded" | "failed"
    reason: str
    score: float = 0.0
    max_score: float = 0.0


def inspect_submission(folder: Path, expected: list[str]) -> str | None:
    """Why a submission cannot be graded (in Vietnamese), or None when it can."""
    for name in expected:
        path = folder / name
        if not path.is_file():
            others = sorted(p.name for p in folder.glob("*.ipynb"))
            hint = f" (trong bài nộp chỉ có {', '.join(others)}: có thể tệp đã bị đổi tên)" if others else ""
            return f"Không có tệp {name} trong bài nộp{hint}."
        try:
            nbformat.validate(nbformat.read(str(path), as_version=4))
        except Exception as exc:
            detail = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
            return (f"Tệp {name} bị hỏng, không mở được như một notebook ({detail}). "
                    "Học viên cần nộp lại tệp .ipynb lưu từ JupyterLab.")
    return None


def describe_graded(folder: Path, expected: list[str], submission) -> str:
    """What the grader found in an autograded submission, in plain words for the instructor and learner."""
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
                errors.append(f"{gid} ({err.split(':')[0]})")
    grades = [g for nb in submission.notebooks for g in nb.grades]
    auto = [g for g in grades if g.name not in manual]
    # nbgrader scores an untouched written answer 0 at once instead of asking for manual grading
    blank += [nbm.question_of(g.name) for g in grades if g.name in manual and g.auto_score == 0]
    lost = sorted({nbm.question_of(g.name) for g in auto if (g.auto_score or 0) < g.max_score} - set(blank))
    parts = [f"Đã chấm tự động: {sum(g.auto_score or 0 for g in auto):g}/{sum(g.max_score for g in auto):g} điểm."]
    if lost:
        parts.append(f"Câu chưa đạt: {', '.join(lost)}.")
    if blank:
        parts.append(f"Câu chưa làm: {', '.join(blank)}.")
    if errors:
        parts.append(f"Ô báo lỗi khi chạy: {', '.join(errors)}.")
    if submission.needs_manual_grade:
        parts.append("Câu tự luận chờ giảng viên chấm.")
    return " ".join(parts)


FAILURES = [  # what nbgrader's traceback says -> what the instructor and the official read
    (("DeadKernelError", "Kernel died"),
     "Không chấm được: kernel dừng đột ngột khi chạy bài (bài làm có lệnh dừng Python như os._exit, "
     "hoặc dùng quá nhiều bộ nhớ)."),
    (("CellTimeoutError", "TimeoutError", "timed out"),
     "Không chấm được: có ô chạy quá thời gian cho phép (60 giây một ô), thường do vòng lặp không dừng."),
    (("MemoryError",), "Không chấm được: bài làm dùng quá nhiều bộ nhớ."),
]


def failure_reason(log: str, student: str) -> str:
    """Why nbgrader could not grade this student's submission, from the traceback in its log."""
    lines = log.splitlines()
    starts = [i for i, line in enumerate(lines) if "error processing assignment" in line and f"/{student}/" in line]
    window = "\n".join(lines[max(0, starts[0] - 5): starts[0] + 80]) if starts else ""
    for needles, reason in FAILURES:
        if any(n in window for n in needles):
            return reason
    return "Không chấm được: máy chấm (nbgrader) báo lỗi khi chạy bài này."


def _forget(root: Path, gb, module_id: str, student: str) -> None:
    """Remove what an earlier grading of this student's module left, so no stale grade survives."""
    from nbgrader.api import MissingEntry

    try:
        gb.remove_submission(module_id, student)
    except MissingEntry:
        pass
    for step in ("autograded", "feedback"):
        shutil.rmtree(root / step / student / module_id, ignore_errors=True)


@dataclass
class Plan:
    """One module's batch: who is graded by nbgrader, who failed before it ran, and its log."""
    module: object
    expected: list[str]
    ok: list[str]
    broken: dict[str, str]
    log: str = ""


def prepare(root: Path, module) -> Plan:
    """Find the module's submissions, set aside the ones nbgrader cannot read, and forget their
    earlier results (no stale grade survives a broken resubmission)."""
    expected = [p.name for p in nbm.graded_notebooks(module.source)]
    if not (root / "release" / module.id).is_dir():
        raise SystemExit(f"Mô-đun {module.id} chưa phát hành cho lớp {root.name}: chạy `kynangso build --cohort {root.name}`.")
    submitted = root / "submitted"
    students = sorted(d.name for d in submitted.iterdir() if (d / module.id).is_dir()) if submitted.is_dir() else []
    broken = {s: why for s in students if (why := inspect_submission(submitted / s / module.id, expected))}
    with nbg.gradebook(root) as gb:
        for s in broken:
            _forget(root, gb, module.id, s)
    return Plan(module, expected, [s for s in students if s not in broken], broken)


def autograde(root: Path, plan: Plan) -> Plan:
    """nbgrader autograde and generate_feedback for the module, in their own processes."""
    if plan.ok:
        args = ["autograde", plan.module.id, "--force", "--create"]
        if plan.broken:
            args.append("--CourseDirectory.student_id_exclude=" + ",".join(sorted(plan.broken)))
        proc = nbg.run(root, *args, log_name=f"autograde-{plan.module.id}")
        plan.log = (proc.stdout or "") + (proc.stderr or "")
        nbg.run(root, "generate_feedback", plan.module.id, "--force", log_name=f"feedback-{plan.module.id}")
    return plan


def collect(root: Path, plan: Plan) -> list[Row]:
    module_id, expected = plan.module.id, plan.expected
    with nbg.gradebook(root) as gb:
        max_score = gb.find_assignment(module_id).max_score
        rows = [Row(s, module_id, "failed", why, 0.0, max_score) for s, why in plan.broken.items()]
        for s in plan.ok:
            folder = root / "autograded" / s / module_id
            if all((folder / n).is_file() for n in expected):
                sub = gb.find_submission(module_id, s)
                rows.append(Row(s, module_id, "graded", describe_graded(folder, expected, sub), sub.score, max_score))
            else:
                _forget(root, gb, module_id, s)
                rows.append(Row(s, module_id, "failed",
                                f"{failure_reason(plan.log, s)} Chi tiết: logs/autograde-{module_id}.log.",
                                0.0, max_score))
    return sorted(rows, key=lambda r: r.student)


def write_report(root: Path, rows: list[Row]) -> Path:
    people = {r["ma_can_bo"]: r for r in cohort.roster(root)}
    path = root / REPORT_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(REPORT_COLUMNS)
        for r in rows:
            p = people.get(r.student, {})
            w.writerow([r.student, p.get("ho_ten", ""), p.get("ma_don_vi", ""), r.assignment, r.status,
                        f"{r.score:g}", f"{r.max_score:g}", r.reason])
    return path


def grade(root: Path, modules, workers: int | None = None) -> tuple[Path, Path, list[Row]]:
    """Grade every module; the modules' nbgrader processes run side by side (one per core by
    default), each on its own assignment in the cohort's gradebook."""
    plans = [prepare(root, m) for m in modules]
    with ThreadPoolExecutor(max_workers=workers or execute.default_workers()) as pool:
        plans = list(pool.map(lambda p: autograde(root, p), plans))
    rows: list[Row] = [r for p in plans for r in collect(root, p)]
    proc = nbg.run(root, "export", f"--to={root / GRADES_FILE}", log_name="export")
    if proc.returncode != 0:
        raise SystemExit(f"nbgrader export failed:\n{nbg.tail(proc)}")
    return root / GRADES_FILE, write_report(root, rows), rows


def add_arguments(p) -> None:
    p.add_argument("name", help="cohort name")
    p.add_argument("--module", action="append", help="only this module (repeatable)")
    p.add_argument("--workers", type=int, default=None, help="modules graded at once (default: one per core)")


def run(args) -> int:
    root = nbg.course_root(args.name, create=False)
    grades, report, rows = grade(root, check.selected_modules(args.module), workers=args.workers)
    failed = [r for r in rows if r.status == "failed"]
    print(f"Đã chấm {len(rows) - len(failed)} bài, {len(failed)} bài không chấm được.")
    for r in failed:
        print(f"  KHÔNG CHẤM ĐƯỢC {r.student} / {r.assignment}: {r.reason}")
    print(f"  {grades}")
    print(f"  {report}")
    print(f"  {root / 'feedback'}")
    return 0
