"""`kynangso build`: check each module, release it with nbgrader, and validate both ways.

A module is released into the cohort's release/ folder only when the trainers' full check
(kynangso.grading.check) finds nothing; then nbgrader validates each source notebook (its tests
pass on the solution) and each released one inverted (no test passes on the stubs), and the release
must show nothing of the solutions, the hidden tests or the recorded mistakes.

This verb is the trainers' last step, kept in the cohorts room because it writes a cohort's folder:
it uses the authoring room (the manifest, check, the notebook model) and the cohort's nbgrader course
root (kynangso.cohorts.course).
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from ..authoring.release import leaks
from ..grading import check
from . import course

LEAKS = (nbm.BEGIN_SOLUTION, nbm.END_SOLUTION, nbm.BEGIN_HIDDEN, nbm.END_HIDDEN)


def _validator():
    from nbgrader.validator import Validator

    return Validator()


@contextmanager
def _kernel_logs_hidden():
    """Within: this process's stderr goes nowhere. The kernels nbgrader's validator starts inherit
    it, and ipykernel logs an English notice there on each start; the results are read, not the logs."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _first_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[0] if lines else ""


def _last_line(text: str | None) -> str:
    lines = (text or "").strip().splitlines()
    return lines[-1] if lines else ""


def validate_source(path: Path) -> list[str]:
    """nbgrader validate on a source notebook: its own tests must pass. (The CLI exits 0 on failure,
    so the result dictionary is read instead.)"""
    with _kernel_logs_hidden():
        result = _validator().validate(str(path))
    problems = [
        messages.text(
            "authoring.build.source_fails",
            path=path,
            test=_first_line(f.get("source")),
            error=_last_line(f.get("raw_error")),
        )
        for f in result.get("failed", [])
    ]
    problems += [
        messages.text(
            "authoring.build.type_changed",
            path=path,
            test=_first_line(f.get("source")),
            old=f.get("old_type"),
            new=f.get("new_type"),
        )
        for f in result.get("type_changed", [])
    ]
    return problems


def validate_release(path: Path, source: Path | None = None) -> list[str]:
    """nbgrader validate --invert on a released notebook: no test cell may pass on the stubs; and
    nothing of the solutions or hidden tests of its source (when given), nor the recorded mistakes,
    may be left in it."""
    v = _validator()
    v.invert = True
    with _kernel_logs_hidden():
        result = v.validate(str(path))
    problems = [
        messages.text("authoring.build.passes_blank", path=path, test=_first_line(p.get("source")))
        for p in result.get("passed", [])
    ]
    text = path.read_text(encoding="utf-8")
    problems += [
        messages.text("authoring.build.marker_left", path=path, marker=marker) for marker in LEAKS if marker in text
    ]
    source_nb = nbm.read(source) if source else nbm.nbformat.v4.new_notebook()
    problems += [
        messages.text("authoring.build.leak", path=path, cell=i + 1, what=what[:80])
        for i, what in leaks(source_nb, nbm.read(path))
    ]
    return problems


def build_module(root: Path, module, run_checks: bool = True, workers: int | None = None) -> list[str]:
    """Release `module` into the cohort folder `root`; the problems that stopped or spoil it (none: released)."""
    problems = [str(p) for p in check.check_module(module, run=run_checks, workers=workers)]
    if problems:
        return problems
    log_name = f"generate-{module.id}"
    proc = course.run(root, "generate_assignment", module.id, "--force", log_name=log_name)
    if proc.returncode != 0:
        return [
            messages.text(
                "authoring.build.nbgrader_failed",
                module=module.id,
                log_file=root / "logs" / f"{log_name}.log",
                log=course.tail(proc),
            )
        ]
    graded = nbm.graded_notebooks(module.source)
    for path in graded:
        problems += validate_source(path)
    for path in graded:
        problems += validate_release(root / "release" / module.id / path.name, path)
    return problems


def add_arguments(p) -> None:
    p.add_argument(
        "--cohort",
        default="demo",
        metavar=messages.text("authoring.build.metavar.cohort"),
        help=messages.text("authoring.build.arg.cohort"),
    )
    check.add_arguments(p)


def run(args) -> int:
    try:
        modules = manifest.selected(args.module)
    except (manifest.UnknownModule, manifest.ManifestError) as exc:
        print(exc)
        return 2
    root = course.course_root(args.cohort)
    failed = False
    for module in modules:
        problems = build_module(root, module, run_checks=not args.no_run, workers=args.workers)
        if problems:
            failed = True
            print(messages.text("authoring.build.refused", module=module.id, count=len(problems)))
            for p in problems:
                print(f"  {p}")
        else:
            print(messages.text("authoring.build.released", module=module.id))
            print(f"  {root / 'release' / module.id}")
    return 1 if failed else 0
