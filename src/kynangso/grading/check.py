"""`kynangso check`: the trainers' linter. Each problem names the notebook, the cell, the rule and the fix.

The rules are listed in RULES: the module and static rules (kynangso.authoring.rules, which read
files), and the run rules (kynangso.grading.trial), which read how the module's solution, its
learner's copy and each recorded mistake were graded, by the same grader as `kynangso grade`. This
module applies them to the selected modules (their trials in one run of the grading pool) and
prints what they found, in Vietnamese. It lives in the grading room because it grades.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import messages, paths
from ..authoring import manifest, rules
from ..authoring import notebook as nbm
from . import trial

__all__ = ["RULES", "Problem", "add_arguments", "check_modules", "run", "static_problems"]

# every rule, in the order check applies them; ids are unique
RULES: list[rules.Rule] = rules.MODULE_RULES + rules.STATIC_RULES + trial.RUN_RULES


@dataclass(frozen=True)
class Problem:
    notebook: Path
    cell: int | None  # 0-based index; shown 1-based
    grade_id: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        try:
            where = str(self.notebook.relative_to(paths.project_root()))
        except ValueError:
            where = str(self.notebook)
        if self.cell is not None:
            where = messages.text("authoring.check.where_cell", where=where, cell=self.cell + 1)
        if self.grade_id:
            where += f" [{self.grade_id}]"
        return f"{where} ({self.rule}): {self.message}"


def _apply(chosen: list[rules.Rule], subject, path: Path, nb=None) -> list[Problem]:
    """The problems `chosen` rules find in `subject`, about the file `path` (the source notebook `nb`
    gives each cell's grade id)."""
    out = []
    for rule in chosen:
        for f in rule.check(subject):
            gid = nbm.grade_id(nb.cells[f.cell]) if nb is not None and f.cell is not None else None
            out.append(Problem(f.notebook or path, f.cell, gid, rule.id, f.message))
    return out


def static_problems(path: Path, nb) -> list[Problem]:
    """What the static rules find in the source notebook `nb` (read from `path`), without running it."""
    return _apply(rules.static_rules(nb), nb, path, nb)


def run_problems(path: Path, nb, module_id: str, workers: int | None = None) -> list[Problem]:
    """What the run rules find once the solution, the learner's copy and every recorded mistake of
    the source notebook `nb` (of the module `module_id`, saved or not) have been graded."""
    runs = trial.run_notebooks([(module_id, path, nb)], workers)[path]
    return _apply(trial.RUN_RULES, runs, path, nb)


def check_modules(
    modules: list[manifest.Module], run: bool = True, workers: int | None = None
) -> dict[str, list[Problem]]:
    """Every problem of each module (id -> problems): its folder, format and points, then each
    notebook's static rules and, with `run`, its run rules (the trials of all `modules` graded in
    one run of the pool, `workers` at a time)."""
    views = {m.id: rules.ModuleView.read(m) for m in modules}
    trials = trial.run_modules(modules, workers) if run else {}
    found = {}
    for module in modules:
        view = views[module.id]
        problems = _apply(rules.MODULE_RULES, view, module.source)
        for path, nb in view.notebooks.items():
            problems += static_problems(path, nb)
            if path in trials:
                problems += _apply(trial.RUN_RULES, trials[path], path, nb)
        found[module.id] = problems
    return found


def check_module(module: manifest.Module, run: bool = True, workers: int | None = None) -> list[Problem]:
    """Every problem of one module (see check_modules)."""
    return check_modules([module], run, workers)[module.id]


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument(
        "--module", action="append", metavar=t("authoring.check.metavar.module"), help=t("authoring.check.arg.module")
    )
    p.add_argument("--no-run", action="store_true", help=t("authoring.check.arg.no_run"))
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar=t("authoring.check.metavar.workers"),
        help=t("authoring.check.arg.workers"),
    )


def run(args) -> int:
    try:
        modules = manifest.selected(args.module)
    except (manifest.UnknownModule, manifest.ManifestError) as exc:
        print(exc)
        return 2
    problems: list[Problem] = []
    every = check_modules(modules, run=not args.no_run, workers=args.workers)
    for module in modules:
        found = every[module.id]
        if found:
            print(messages.text("authoring.check.module_problems", module=module.id, count=len(found)))
        else:
            print(messages.text("authoring.check.module_ok", module=module.id))
        problems += found
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0
