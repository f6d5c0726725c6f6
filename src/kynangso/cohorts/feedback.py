"""`kynangso feedback`: nbgrader's feedback HTML for every graded submission, on the worker pool.

Run it after the instructor has graded the written answers in the formgrader (the feedback then
carries their scores and comments); `kynangso demo` runs it right after `grade`. Feedback goes to
cohorts/<name>/feedback/<student>/<module>/, as `nbgrader generate_feedback` writes it.
"""

from __future__ import annotations

from pathlib import Path

from ..authoring import check, execute
from ..authoring.settings import settings
from ..grading import engine
from . import course


def feedback(root: Path, modules, workers: int | None = None, students: list[str] | None = None,
             progress: bool = True) -> list[dict]:
    autograded = root / "autograded"
    jobs = [(m.id, d.name) for m in modules
            for d in (sorted(autograded.iterdir()) if autograded.is_dir() else [])
            if (d / m.id).is_dir() and (not students or d.name in students)]
    bar = engine.Progress(len(jobs), enabled=progress, desc="Viết phản hồi", failed_label="lỗi")
    try:
        return engine.run(root, jobs, workers or settings().workers, settings().limits,
                          on_result=bar.update, task=engine.feedback_one)
    finally:
        bar.close()


def add_arguments(p) -> None:
    p.add_argument("name", help="cohort name")
    p.add_argument("--module", action="append", help="only this module (repeatable)")
    p.add_argument("--student", action="append", help="only this official (repeatable)")
    p.add_argument("--workers", type=int, default=None, help="workers (default: one per core)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")


def run(args) -> int:
    root = course.course_root(args.name, create=False)
    results = feedback(root, check.selected_modules(args.module), workers=args.workers,
                       students=args.student, progress=not args.no_progress)
    bad = [r for r in results if not r["ok"]]
    print(f"Đã viết phản hồi cho {len(results) - len(bad)} bài, {len(bad)} bài lỗi.")
    for r in bad:
        print(f"  LỖI {r['student']} / {r['module']}: xem {r['log']}")
    print(f"  {root / 'feedback'}")
    return 1 if bad else 0
