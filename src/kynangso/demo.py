"""`kynangso demo`: the whole pipeline on the demo cohort, recreated from scratch: data, release,
roster, simulated submissions, grading, feedback and the instructors' report."""

from __future__ import annotations

import shutil
import time

from . import data, messages, paths, reports
from .authoring import datasets, manifest
from .authoring.settings import settings
from .cohorts import build, feedback, grade, roster, simulate


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("--cohort", default="demo", metavar=t("cohorts.metavar.name"), help=t("demo.arg.cohort"))
    p.add_argument(
        "--seed",
        type=int,
        default=simulate.DEFAULT_SEED,
        metavar=t("demo.metavar.seed"),
        help=t("demo.arg.seed", default=simulate.DEFAULT_SEED),
    )
    p.add_argument("--workers", type=int, default=None, metavar=t("demo.metavar.workers"), help=t("demo.arg.workers"))


def run(args) -> int:
    t = messages.text
    start = time.perf_counter()

    def step(text):
        print(f"[{time.perf_counter() - start:5.0f} s] {text}", flush=True)

    step(t("demo.step.data"))
    stale = datasets.stale_files()
    if stale:
        datasets.write_all()
        step(t("demo.regenerated", files=", ".join(stale)))
    root = paths.cohort_dir(args.cohort)
    shutil.rmtree(root, ignore_errors=True)
    step(t("demo.step.cohort", cohort=args.cohort, roster=data.path("lop_demo").name))
    roster.create(args.cohort, data.path("lop_demo"))
    step(t("demo.step.build"))
    modules = manifest.selected(None)
    for module in modules:
        # the full check (every recorded mistake run) is the trainers' `kynangso check`, run by make test
        problems = build.build_module(root, module, run_checks=False, workers=args.workers)
        if problems:
            print("\n".join(problems))
            return 1
    step(t("demo.step.simulate"))
    simulate.simulate(root, modules, seed=args.seed)
    step(t("demo.step.grade"))
    grades, graded, rows = grade.grade(root, modules, workers=args.workers)
    step(t("demo.step.feedback"))
    feedback.feedback(root, modules, workers=args.workers)
    step(t("demo.step.report"))
    page, workbook = reports.write(root)
    failed = sum(r.status == "failed" for r in rows)
    step(t("demo.done", total=len(rows), failed=failed))
    print(t("demo.results"))
    print(t("demo.out.grades", path=grades))
    print(t("demo.out.graded", path=graded))
    print(t("demo.out.feedback", path=root / "feedback"))
    print(t("demo.out.release", path=root / "release"))
    print(t("demo.out.gradebook", path=settings().gradebook_url(root, wait=False)))
    print(t("demo.out.workbook", path=workbook))
    print(t("demo.out.report", path=page))
    return 0
