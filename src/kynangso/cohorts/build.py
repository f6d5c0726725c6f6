"""`kynangso build`: check each module, release it with nbgrader, and validate both ways."""

from __future__ import annotations

from pathlib import Path

from ..authoring import check
from . import course
from ..authoring import notebook as nbm

LEAKS = (nbm.BEGIN_SOLUTION, nbm.END_SOLUTION, nbm.BEGIN_HIDDEN, nbm.END_HIDDEN)


def _validator():
    from nbgrader.validator import Validator

    return Validator()


def validate_source(path: Path) -> list[str]:
    """nbgrader validate on a source notebook: its own tests must pass. (The CLI exits 0 on failure,
    so the result dictionary is read instead.)"""
    result = _validator().validate(str(path))
    failed = result.get("failed", []) + result.get("type_changed", [])
    return [f"{path}: ô kiểm tra không qua trên lời giải: {f['source'].splitlines()[0] if f.get('source') else ''}"
            f" -> {f.get('raw_error', '').strip().splitlines()[-1:] or ''}" for f in failed]


def validate_release(path: Path, source: Path | None = None) -> list[str]:
    """nbgrader validate --invert on a released notebook: no test cell may pass on the stubs; and
    nothing of the solutions or hidden tests of its source may be left in it."""
    v = _validator()
    v.invert = True
    result = v.validate(str(path))
    problems = [f"{path}: ô kiểm tra qua được khi học viên chưa làm gì (cho điểm không công): "
                f"{p['source'].splitlines()[0]}" for p in result.get("passed", [])]
    text = path.read_text(encoding="utf-8")
    problems += [f"{path}: bản phát hành còn chứa \"{marker}\" (lộ lời giải hoặc kiểm tra ẩn)"
                 for marker in LEAKS if marker in text]
    source_nb = nbm.read(source) if source else nbm.nbformat.v4.new_notebook()
    problems += [f"{path}, ô {i + 1}: bản phát hành lộ lời giải hoặc kiểm tra ẩn: {what[:80]}"
                 for i, what in check.leaks(source_nb, nbm.read(path))]
    return problems


def build_module(root: Path, module, run_checks: bool = True, workers: int | None = None) -> list[str]:
    problems = [str(p) for p in check.check_module(module, run=run_checks, workers=workers)]
    if problems:
        return problems
    proc = course.run(root, "generate_assignment", module.id, "--force", log_name=f"generate-{module.id}")
    if proc.returncode != 0:
        return [f"nbgrader generate_assignment {module.id} failed:\n{course.tail(proc)}"]
    graded = nbm.graded_notebooks(module.source)
    for path in graded:
        problems += validate_source(path)
    for path in graded:
        problems += validate_release(root / "release" / module.id / path.name, path)
    return problems


def add_arguments(p) -> None:
    p.add_argument("--cohort", default="demo", help="cohort whose release/ is written (default: demo)")
    check.add_arguments(p)


def run(args) -> int:
    root = course.course_root(args.cohort)
    failed = False
    for module in check.selected_modules(args.module):
        problems = build_module(root, module, run_checks=not args.no_run, workers=args.workers)
        if problems:
            failed = True
            print(f"{module.id}: KHÔNG phát hành được, {len(problems)} vấn đề:")
            for p in problems:
                print(f"  {p}")
        else:
            print(f"{module.id}: đã phát hành")
            print(f"  {root / 'release' / module.id}")
    return 1 if failed else 0
