"""The rules of `kynangso check` that run a source notebook: its solution, the learner's copy, and
the notebook with each recorded mistake in place of its answer, each on a fresh kernel.

`run(nb)` executes them all at once (a Runs); each rule of RUN_RULES reads the Runs and yields
findings, as the static rules do (kynangso.authoring.rules). The tests must accept the solution and
reject each mistake; the learner's copy must run to the end raising nothing but NotImplementedError
outside its test cells; the solution must run within MAX_SECONDS; the release must leak nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import nbformat

from . import execute, release
from . import notebook as nbm
from .rules import Finding, Rule, registry, say

MAX_SECONDS = 20  # a notebook's solution runs within this (seconds), or check reports "timing"

RUN_RULES: list[Rule] = []
run_rule = registry(RUN_RULES)


class MistakeRun(NamedTuple):
    question: nbm.Question
    answer: int  # the answer cell that holds the mistake
    number: int  # the mistake's place in the cell's list, from 1
    code: str
    run: execute.Run


@dataclass
class Runs:
    """What run rules read: the source notebook, its release view, and what running them did."""

    nb: nbformat.NotebookNode
    release: nbformat.NotebookNode  # the learner's copy, not run
    solution: execute.Run
    learner: execute.Run  # the learner's copy, run
    mistakes: list[MistakeRun]


def run(nb, workers: int | None = None) -> Runs:
    """Run the solution, the learner's copy and each recorded mistake of `nb`, a few at a time.
    A mistake's notebook stops after its question's last cell."""
    view = release.release_view(nb)
    jobs = []
    for q in nbm.questions(nb).values():
        if not (q.autograded and q.tests):
            continue  # the static rule "tests" reports it
        for a in q.answers:
            for k, code in enumerate(nbm.mistakes(nb.cells[a]), start=1):
                jobs.append((q, a, k, code, release.variant(nb, a, code, q.last_cell)))
    solution, learner, *done = execute.run_all([nb, view] + [j[4] for j in jobs], workers=workers)
    mistakes = [MistakeRun(q, a, k, code, r) for (q, a, k, code, _), r in zip(jobs, done, strict=True)]
    return Runs(nb, view, solution, learner, mistakes)


@run_rule("release-leak")
def release_leak(runs: Runs) -> Iterator[Finding]:
    for i, what in release.leaked_text(runs.nb, runs.release):
        yield Finding(i, say("release-leak.text", what=what[:80]))
    for i in release.leaked_metadata(runs.release):
        yield Finding(i, say("release-leak.metadata"))


@run_rule("solution-runs")
def solution_runs(runs: Runs) -> Iterator[Finding]:
    if runs.solution.failure:
        yield Finding(None, say("solution-runs.failure", why=runs.solution.failure))
    for i, cell in enumerate(runs.solution.nb.cells):
        if cell.cell_type == "code" and not nbm.is_test(cell) and execute.error_of(cell):
            yield Finding(i, say("solution-runs.cell", error=execute.error_of(cell)))


@run_rule("solution-passes")
def solution_passes(runs: Runs) -> Iterator[Finding]:
    for i, cell in enumerate(runs.solution.nb.cells):
        if nbm.is_test(cell) and not execute.passed(cell):
            why = execute.error_of(cell) or say("solution-passes.stderr", text=execute.stderr_of(cell).strip()[:200])
            yield Finding(i, say("solution-passes", why=why))


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
        err = execute.error_of(cell) if cell.cell_type == "code" and not nbm.is_test(cell) else None
        if err and not (graded and err.startswith("NotImplementedError")):
            yield Finding(i, say("release-runs.cell", error=err))


@run_rule("mistake-rejected")
def mistake_rejected(runs: Runs) -> Iterator[Finding]:
    for m in runs.mistakes:
        if m.run.failure:
            continue  # a mistake that hangs or kills the kernel is rejected by the grader too
        if all(execute.passed(m.run.nb.cells[t]) for t in m.question.tests):
            tests = ", ".join(nbm.grade_id(runs.nb.cells[t]) for t in m.question.tests)
            first_line = m.code.strip().splitlines()[0] if m.code.strip() else ""
            yield Finding(
                m.question.tests[0],
                say("mistake-rejected", tests=tests, number=m.number, cell=m.answer + 1, first_line=first_line),
            )
