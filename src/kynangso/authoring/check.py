"""`kynangso check`: the trainers' linter. Each problem names the notebook, the cell, the rule and the fix.

The rules are listed in RULES (kynangso.authoring.rules: the module and static rules, and the
registry; kynangso.authoring.run_rules: the rules that run notebooks). This module applies them to
a module of the course and prints what they found, in Vietnamese. `variant` and `leaks` (the
learner's copy, kynangso.authoring.release) are named here too, for the rooms that use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import messages, paths
from . import manifest, rules, run_rules
from . import notebook as nbm
from .release import leaks, variant

__all__ = [
    "RULES",
    "Problem",
    "add_arguments",
    "check_module",
    "leaks",
    "run",
    "run_problems",
    "selected_modules",
    "static_problems",
    "variant",
]

# every rule, in the order check applies them; ids are unique
RULES: list[rules.Rule] = rules.MODULE_RULES + rules.STATIC_RULES + run_rules.RUN_RULES


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


def run_problems(path: Path, nb, workers: int | None = None) -> list[Problem]:
    """What the run rules find once the solution, the learner's copy and every recorded mistake of
    `nb` have run, `workers` kernels at a time (default: as many as grading uses)."""
    return _apply(run_rules.RUN_RULES, run_rules.run(nb, workers), path, nb)


def check_module(module: manifest.Module, run: bool = True, workers: int | None = None) -> list[Problem]:
    """Every problem of a module: its folder, format and points, then each notebook's static rules
    and, with `run`, its run rules."""
    view = rules.ModuleView.read(module)
    problems = _apply(rules.MODULE_RULES, view, module.source)
    for path, nb in view.notebooks.items():
        problems += static_problems(path, nb)
        if run:
            problems += run_problems(path, nb, workers)
    return problems


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


def selected_modules(ids: list[str] | None) -> list[manifest.Module]:
    """The modules `ids` (UnknownModule for one the manifest does not list), or every ready module."""
    m = manifest.load()
    return [m.module(i) for i in ids] if ids else m.ready_modules()


def run(args) -> int:
    try:
        modules = selected_modules(args.module)
    except (manifest.UnknownModule, manifest.ManifestError) as exc:
        print(exc)
        return 2
    problems: list[Problem] = []
    for module in modules:
        found = check_module(module, run=not args.no_run, workers=args.workers)
        if found:
            print(messages.text("authoring.check.module_problems", module=module.id, count=len(found)))
        else:
            print(messages.text("authoring.check.module_ok", module=module.id))
        problems += found
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0
