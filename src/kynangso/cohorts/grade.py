"""`kynangso grade`: autograde a cohort's submissions, write feedback, export grades, report each one.

Writes cohorts/<name>/grades.csv (nbgrader's standard CSV export) and grading-report.csv, one row
per submission: student, assignment, status (graded / failed), score, reason in plain Vietnamese.
A submission that cannot be graded never stops the batch and never keeps an older grade.
"""

from __future__ import annotations

import csv
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..authoring import check, execute
from . import roster, course
from ..authoring.settings import Limits, settings
from ..grading import engine
from ..authoring import notebook as nbm

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


ERROR_HINTS = {  # errors the grader itself causes in a cell, said plainly
    "KeyboardInterrupt": "ô chạy quá thời gian cho phép và đã bị dừng",
    "CellTimeoutError": "ô chạy quá thời gian cho phép và đã bị dừng",
    "MemoryError": "ô dùng quá bộ nhớ cho phép",
}


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
                ename = err.split(":")[0]
                hint = ERROR_HINTS.get(ename)
                errors.append(f"{gid} ({ename}: {hint})" if hint else f"{gid} ({ename})")
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


def failure_reason(kind: str, limits: engine.Limits, log: str = "") -> str:
    """Why the engine could not grade a submission, in plain Vietnamese."""
    text = {
        "kernel_died": "Không chấm được: kernel dừng đột ngột khi chạy bài (bài làm có lệnh dừng Python như "
                       f"os._exit, hoặc dùng quá {limits.memory_mb:,} MB bộ nhớ).",
        "notebook_timeout": f"Không chấm được: cả bài chạy quá {limits.notebook_timeout} giây cho phép, thường do "
                            "một vòng lặp không dừng (kể cả khi máy chấm đã yêu cầu dừng).",
        "cell_timeout": f"Không chấm được: có ô chạy quá {limits.cell_timeout} giây cho phép và không dừng khi máy chấm "
                        "yêu cầu dừng (vòng lặp không dừng, hoặc bài làm bắt KeyboardInterrupt).",
        "memory": f"Không chấm được: bài làm dùng quá {limits.memory_mb:,} MB bộ nhớ.",
        "worker_died": "Không chấm được: máy chấm bị dừng đột ngột khi chấm bài này (đã thử lại).",
    }.get(kind, "Không chấm được: máy chấm (nbgrader) báo lỗi khi chạy bài này.")
    return f"{text} Chi tiết: {log}." if log else text


def record_zero(root: Path, gb, module_id: str, student: str) -> None:
    """This submission could not be graded: it scores 0 in the gradebook and the export (no earlier
    grade survives), and what an earlier grading left in autograded/ and feedback/ is removed.
    The learner's submitted files are not touched."""
    from nbgrader.utils import parse_utc

    stamp = root / "submitted" / student / module_id / "timestamp.txt"
    kwargs = {}
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip():
        try:
            kwargs["timestamp"] = parse_utc(stamp.read_text(encoding="utf-8").strip())
        except ValueError:
            pass
    gb.update_or_create_student(student)
    sub = gb.update_or_create_submission(module_id, student, **kwargs)
    for nb in sub.notebooks:
        for g in nb.grades:
            g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade = 0, None, None, False
        for c in nb.comments:
            c.auto_comment = "Không chấm được bài này."
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
    expected = [p.name for p in nbm.graded_notebooks(module.source)]
    if not (root / "release" / module.id).is_dir():
        raise SystemExit(f"Mô-đun {module.id} chưa phát hành cho lớp {root.name}: chạy `kynangso build --cohort {root.name}`.")
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
                    kept.append(Row(old["student"], old["assignment"], old["status"], old["reason"],
                                    float(old["score"] or 0), float(old["max_score"] or 0)))
    return sorted(kept + rows, key=lambda r: (r.assignment, r.student))


def export_grades(root: Path, gb) -> Path:
    from nbgrader.plugins import CsvExportPlugin

    path = root / GRADES_FILE
    CsvExportPlugin(to=str(path)).export(gb)
    return path


def write_report(root: Path, rows: list[Row]) -> Path:
    people = {r["ma_can_bo"]: r for r in roster.roster(root)}
    path = root / REPORT_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(REPORT_COLUMNS)
        for r in rows:
            p = people.get(r.student, {})
            w.writerow([r.student, p.get("ho_ten", ""), p.get("ma_don_vi", ""), r.assignment, r.status,
                        f"{r.score:g}", f"{r.max_score:g}", r.reason])
    return path


def grade(root: Path, modules, workers: int | None = None, students: list[str] | None = None,
          limits: engine.Limits | None = None, progress: bool = True,
          isolate: bool = True) -> tuple[Path, Path, list[Row]]:
    """Grade the selected modules' submissions on a pool of workers; write grades.csv and
    grading-report.csv. Submissions that cannot be graded score 0 and say why."""
    limits = limits or settings().limits
    plans = [prepare(root, m, students) for m in modules]
    with course.gradebook(root) as gb:
        for plan in plans:
            for s in plan.broken:
                record_zero(root, gb, plan.module.id, s)
    jobs = [(p.module.id, s) for p in plans for s in p.ok]
    bar = engine.Progress(len(jobs), enabled=progress)
    try:
        results = engine.run(root, jobs, workers or settings().workers, limits, on_result=bar.update,
                             isolate=isolate)
    finally:
        bar.close()
    failed = {(r["module"], r["student"]): failure_reason(r["failure"], limits, r.get("log", ""))
              for r in results if not r["ok"]}
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
                    rows.append(Row(s, module_id, "graded",
                                    describe_graded(root / "autograded" / s / module_id, expected, sub),
                                    sub.score, max_score))
        grades = export_grades(root, gb)
    return grades, write_report(root, merge_report(root, rows)), rows


def add_arguments(p) -> None:
    p.add_argument("name", help="cohort name")
    p.add_argument("--module", action="append", help="only this module (repeatable)")
    p.add_argument("--student", action="append", help="only this official's submissions (repeatable)")
    p.add_argument("--workers", type=int, default=None, help="grading workers (default: one per core)")
    d = settings().limits
    p.add_argument("--cell-timeout", type=int, default=d.cell_timeout, help="seconds per cell")
    p.add_argument("--notebook-timeout", type=int, default=d.notebook_timeout, help="seconds per notebook")
    p.add_argument("--memory-mb", type=int, default=d.memory_mb, help="memory limit of a learner's kernel")
    p.add_argument("--output-chars", type=int, default=d.output_chars, help="output kept per cell (characters)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--no-sandbox", action="store_true",
                   help="run learners' kernels without isolation (debugging only; see course/bao-mat-cham-bai.md)")


def run(args) -> int:
    from ..grading import sandbox

    root = course.course_root(args.name, create=False)
    limits = Limits(args.cell_timeout, args.notebook_timeout, args.memory_mb, args.output_chars)
    why_not = "--no-sandbox" if args.no_sandbox else sandbox.available()
    print("Cô lập bài chạy: có (không mạng, chỉ đọc, người dùng không đặc quyền)." if why_not is None else
          f"CẢNH BÁO: bài chạy không được cô lập, chỉ giới hạn tài nguyên ({why_not}).")
    grades, report, rows = grade(root, check.selected_modules(args.module), workers=args.workers,
                                 students=args.student, limits=limits, progress=not args.no_progress,
                                 isolate=not args.no_sandbox)
    failed = [r for r in rows if r.status == "failed"]
    print(f"Đã chấm {len(rows) - len(failed)} bài, {len(failed)} bài không chấm được.")
    for r in failed:
        print(f"  KHÔNG CHẤM ĐƯỢC {r.student} / {r.assignment}: {r.reason}")
    print(f"  {grades}")
    print(f"  {report}")
    print(f"  {root / 'feedback'}")
    return 0
