"""The trainers' trial of a module: its solution, the learner's copy, and the notebook with each
recorded mistake in place of its answer, graded exactly as `kynangso grade` grades an official's
submission: the same pool, kernels, sandbox, trusted runner and codec, and the same rule for a test
cell (it fails when it raises; what it prints, warnings included, does not count).

`run_modules(modules)` grades every variant of every notebook in one run of the pool (one zygote);
each rule of RUN_RULES reads a notebook's Runs and yields findings, as the static rules do
(kynangso.authoring.rules). The tests must give the solution every point and take points from each
mistake's question, never from an earlier one; the learner's copy must run to the end raising
nothing but NotImplementedError outside its test cells (and the errors a lesson shows on purpose,
nbm.shows_error); the solution must be graded within
MAX_SECONDS; every answer must cross to the trusted runner as data; the release must leak nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import nbformat

from .. import messages
from ..authoring import manifest, release
from ..authoring import notebook as nbm
from ..authoring.rules import Finding, Rule, registry, say
from ..authoring.settings import settings, write_course_config
from . import pool

MAX_SECONDS = 20  # a notebook's solution is graded within this (seconds), or check reports "timing"
FOLDER = "trial"  # in the trial's course root: trial/<module>/<variant>/<notebook>.ipynb

RUN_RULES: list[Rule] = []
run_rule = registry(RUN_RULES)


@dataclass
class Graded:
    """One variant, as the grader left it."""

    nb: nbformat.NotebookNode  # with its outputs (the trusted runner's, for test cells)
    seconds: float
    failure: str | None = None  # why it could not be graded (Vietnamese), as `kynangso grade` says it

    def score(self, cells) -> float:
        """The points of the test cells `cells` (indices into the source) that passed."""
        return sum(_points(self.nb.cells[i]) for i in cells if i < len(self.nb.cells) and nbm.passed(self.nb.cells[i]))


class MistakeRun(NamedTuple):
    question: nbm.Question
    answer: int  # the answer cell that holds the mistake
    number: int  # the mistake's place in the cell's list, from 1
    code: str
    graded: Graded


@dataclass
class Runs:
    """What run rules read: the source notebook, its release view, and how their variants graded."""

    nb: nbformat.NotebookNode
    release: nbformat.NotebookNode  # the learner's copy, not run
    solution: Graded
    learner: Graded  # the learner's copy, graded
    mistakes: list[MistakeRun] = field(default_factory=list)


def _points(cell) -> float:
    return float(nbm.nbgrader(cell).get("points", 0) or 0) if nbm.is_test(cell) else 0.0


def _variants(nb) -> tuple[dict, list]:
    """name -> notebook to grade, and the mistakes (question, answer cell, number, code, name)."""
    view = release.release_view(nb)
    out, mistakes = {"loi-giai": nb, "ban-hoc-vien": view}, []
    for q in nbm.questions(nb).values():
        if not (q.autograded and q.tests):
            continue  # the static rule "tests" reports it
        for a in q.answers:
            for k, code in enumerate(nbm.mistakes(nb.cells[a]), start=1):
                name = f"loi-{q.id}-o{a + 1}-{k}"
                out[name] = release.variant(nb, a, code, q.last_cell)
                mistakes.append((q, a, k, code, name))
    return out, mistakes


def run_modules(modules: list[manifest.Module], workers: int | None = None) -> dict[Path, Runs]:
    """Grade every variant of every readable notebook of `modules` in one run of the grading pool;
    source notebook path -> its Runs."""
    items = []
    for module in modules:
        for path in sorted(module.source.glob("*.ipynb")) if module.source.is_dir() else []:
            try:
                items.append((module.id, path, nbm.read(path)))
            except Exception:  # noqa: BLE001 - the module rules report a notebook that cannot be read
                continue
    return run_notebooks(items, workers)


def run_notebooks(items: list[tuple[str, Path, nbformat.NotebookNode]], workers: int | None = None) -> dict[Path, Runs]:
    """Grade every variant of each (module id, path, source notebook) in one run of the grading
    pool, in a course root of its own (removed afterwards) whose source notebooks are these; path
    -> its Runs. A notebook need not be saved anywhere (the trainers' template, a test's)."""
    root = Path(tempfile.mkdtemp(prefix="kynangso-check-"))
    try:
        write_course_config(root, source=root / "source")
        plans, jobs = {}, []
        for module_id, path, nb in items:
            (root / "source" / module_id).mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, str(root / "source" / module_id / path.name))
            variants, mistakes = _variants(nb)
            for name, variant_nb in variants.items():
                key = f"{path.stem}--{name}"
                folder = root / FOLDER / module_id / key
                folder.mkdir(parents=True)
                nbformat.write(variant_nb, str(folder / path.name))
                jobs.append((module_id, key))
            plans[path] = (module_id, nb, variants, mistakes)
        limits = settings().limits
        done = pool.run(root, jobs, workers or settings().workers, limits, task="trial")
        results = {(r["module"], r["student"]): r for r in done}
        return {
            path: _runs(root, path, module_id, nb, variants, mistakes, results, limits)
            for path, (module_id, nb, variants, mistakes) in plans.items()
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _runs(root, path, module_id, nb, variants, mistakes, results, limits) -> Runs:
    def graded(name) -> Graded:
        key = f"{path.stem}--{name}"
        result = results.get((module_id, key), {})
        graded_path = root / FOLDER / module_id / key / path.name
        out = nbm.read(graded_path) if graded_path.is_file() else variants[name]
        failure = None if result.get("ok") else failure_text(result, limits)
        return Graded(out, float(result.get("seconds") or 0.0), failure)

    return Runs(
        nb,
        variants["ban-hoc-vien"],
        graded("loi-giai"),
        graded("ban-hoc-vien"),
        [MistakeRun(q, a, k, code, graded(name)) for q, a, k, code, name in mistakes],
    )


def failure_text(result: dict, limits) -> str:
    """Why the pool could not grade a variant, in the words `kynangso grade` uses, with the end of
    its log (the trial's folder is removed)."""
    kind = result.get("failure") or "grader_error"
    seconds = limits.notebook_timeout if kind == "notebook_timeout" else limits.cell_timeout
    key = (
        f"cohorts.failure.{kind}"
        if f"cohorts.failure.{kind}" in messages.catalogue()
        else "cohorts.failure.grader_error"
    )
    why = messages.text(key, memory_mb=limits.memory_mb, seconds=seconds)
    return f"{why} {result.get('log_tail', '')}".strip()


def uncarried(cell) -> list[str]:
    """What a test cell read that could not cross to the trusted runner as data ("name: type")."""
    return list(cell.get("metadata", {}).get("kynangso", {}).get("uncarried", []) or [])


@run_rule("release-leak")
def release_leak(runs: Runs) -> Iterator[Finding]:
    for i, what in release.leaked_text(runs.nb, runs.release):
        yield Finding(i, say("release-leak.text", what=what[:80]))
    for i in release.leaked_metadata(runs.release):
        yield Finding(i, say("release-leak.metadata"))


_error = nbm.error_of


def _on_purpose(runs: Runs, i: int) -> bool:
    """Cell i of the source shows an error on purpose (nbm.shows_error): strict nbval, which compares
    its stored error, fails when it stops raising."""
    return i < len(runs.nb.cells) and nbm.shows_error(runs.nb.cells[i])


@run_rule("solution-runs")
def solution_runs(runs: Runs) -> Iterator[Finding]:
    if runs.solution.failure:
        yield Finding(None, say("solution-runs.failure", why=runs.solution.failure))
    for i, cell in enumerate(runs.solution.nb.cells):
        if cell.cell_type == "code" and not nbm.is_test(cell) and not _on_purpose(runs, i) and _error(cell):
            yield Finding(i, say("solution-runs.cell", error=_error(cell)))


@run_rule("answers-carried")
def answers_carried(runs: Runs) -> Iterator[Finding]:
    for i, cell in enumerate(runs.solution.nb.cells):
        if nbm.is_test(cell) and uncarried(cell) and not nbm.passed(cell):  # a value a test never needed is no harm
            yield Finding(
                i,
                say(
                    "answers-carried",
                    question=nbm.question_of(nbm.grade_id(cell) or "?"),
                    values=", ".join(uncarried(cell)),
                ),
            )


@run_rule("solution-passes")
def solution_passes(runs: Runs) -> Iterator[Finding]:
    for i, cell in enumerate(runs.solution.nb.cells):
        if nbm.is_test(cell) and not nbm.passed(cell) and not uncarried(cell):  # else: answers-carried says why
            yield Finding(i, say("solution-passes", why=_error(cell)))


@run_rule("timing", seconds=MAX_SECONDS)
def timing(runs: Runs) -> Iterator[Finding]:
    if runs.solution.seconds > MAX_SECONDS:
        yield Finding(None, say("timing", seconds=f"{runs.solution.seconds:.0f}", limit=MAX_SECONDS))


@run_rule("release-runs")
def release_runs(runs: Runs) -> Iterator[Finding]:
    if runs.learner.failure:
        yield Finding(None, say("release-runs.failure", why=runs.learner.failure))
    graded = nbm.is_graded(runs.nb)  # only an assignment has answers a learner has yet to write
    for i, cell in enumerate(runs.learner.nb.cells):
        err = _error(cell) if cell.cell_type == "code" and not nbm.is_test(cell) and not _on_purpose(runs, i) else None
        if err and not (graded and err.startswith("NotImplementedError")):
            yield Finding(i, say("release-runs.cell", error=err))


@run_rule("mistake-rejected")
def mistake_rejected(runs: Runs) -> Iterator[Finding]:
    questions = list(nbm.questions(runs.nb).values())
    for m in runs.mistakes:
        if m.graded.failure:
            continue  # a mistake that hangs or kills the kernel is rejected by the grader too
        first_line = m.code.strip().splitlines()[0] if m.code.strip() else ""
        if m.graded.score(m.question.tests) >= m.question.points:
            tests = ", ".join(nbm.grade_id(runs.nb.cells[t]) for t in m.question.tests)
            yield Finding(
                m.question.tests[0],
                say("mistake-rejected", tests=tests, number=m.number, cell=m.answer + 1, first_line=first_line),
            )
        earlier = [q for q in questions[: questions.index(m.question)] if q.tests]
        hurt = [q.id for q in earlier if m.graded.score(q.tests) < runs.solution.score(q.tests)]
        if hurt:
            yield Finding(
                m.answer,
                say(
                    "mistake-rejected.earlier",
                    number=m.number,
                    cell=m.answer + 1,
                    questions=", ".join(hurt),
                    first_line=first_line,
                ),
            )
