"""`kynangso feedback`: nbgrader's feedback HTML for every graded submission, on the grading pool.

Run it after the instructor has graded the written answers in the formgrader (the feedback then
carries their scores and comments); `kynangso demo` runs it right after `grade`. Feedback goes to
cohorts/<name>/feedback/<student>/<module>/, as `nbgrader generate_feedback` writes it.
"""

from __future__ import annotations

from pathlib import Path

from .. import messages
from ..authoring import manifest
from ..authoring.settings import settings
from ..grading import pool
from . import course, exchange


def feedback(
    root: Path, modules, workers: int | None = None, students: list[str] | None = None, progress: bool = True
) -> list[dict]:
    """Feedback for every autograded submission of `modules` (of `students` only, when given); one
    pool result per submission."""
    autograded = root / "autograded"
    jobs = [
        (m.id, d.name)
        for m in modules
        for d in (sorted(autograded.iterdir()) if autograded.is_dir() else [])
        if (d / m.id).is_dir() and (not students or d.name in students)
    ]
    bar = pool.Progress(
        len(jobs),
        enabled=progress,
        desc=messages.text("cohorts.progress.feedback"),
        failed_label=messages.text("cohorts.progress.feedback_failed"),
    )
    try:
        return pool.run(
            root, jobs, workers or settings().workers, settings().limits, on_result=bar.update, task="feedback"
        )
    finally:
        bar.close()


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument("--module", action="append", metavar=t("cohorts.metavar.module"), help=t("cohorts.arg.module"))
    p.add_argument(
        "--student", action="append", metavar=t("cohorts.metavar.student"), help=t("cohorts.feedback.arg.student")
    )
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar=t("cohorts.metavar.workers"),
        help=t("cohorts.arg.workers", default=settings().workers),
    )
    p.add_argument("--no-progress", action="store_true", help=t("cohorts.arg.no_progress"))


def run(args) -> int:
    t = messages.text
    root = course.existing(args.name)
    results = feedback(
        root,
        manifest.selected(args.module),
        workers=args.workers,
        students=args.student,
        progress=not args.no_progress,
    )
    bad = [r for r in results if not r["ok"]]
    print(t("cohorts.feedback.done", written=len(results) - len(bad), failed=len(bad)))
    for r in bad:
        print("  " + t("cohorts.feedback.failed_row", student=r["student"], module=r["module"], log=r["log"]))
    print(f"  {root / 'feedback'}")
    for m, (ok, tail) in exchange.release_feedback(root, [m.id for m in manifest.selected(args.module)]).items():
        print(
            t("cohorts.exchange.feedback_released" if ok else "cohorts.exchange.feedback_failed", module=m, detail=tail)
        )
        bad += [] if ok else [m]
    return 1 if bad else 0
