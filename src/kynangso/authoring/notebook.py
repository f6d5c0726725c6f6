"""The model of an nbgrader source notebook of the course: its kinds of cells (answer, test, manually
graded), grade ids `<question>_<aspect>`, questions with their points and "(N điểm)" marks, the
solution and hidden-test markers, the recorded mistakes (cell metadata "kynangso"), and the learner's
view of an answer or a test cell.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .. import messages

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
GRADE_ID = re.compile(r"^(?P<question>[a-z][a-z0-9]*)_(?P<aspect>[a-z0-9]+(?:_[a-z0-9]+)*)$")
POINTS_TEXT = re.compile(r"\((\d+(?:[.,]\d+)?)\s*điểm\)")


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def unreadable(exc: Exception) -> str:
    """Why a notebook could not be read or validated (`exc`, from `read` or nbformat.validate), in
    Vietnamese: where the file is broken and how to repair it."""
    cause = exc if isinstance(exc, json.JSONDecodeError) else exc.__context__
    if isinstance(cause, json.JSONDecodeError):
        return messages.text("authoring.notebook.not_json", line=cause.lineno, column=cause.colno)
    if isinstance(exc, nbformat.ValidationError):
        where = list(exc.absolute_path)
        if len(where) >= 2 and where[0] == "cells" and isinstance(where[1], int):
            where = [messages.text("authoring.notebook.where_cell", cell=where[1] + 1), *where[2:]]
        place = "/".join(str(w) for w in where) or messages.text("authoring.notebook.where_top")
        return messages.text("authoring.notebook.not_nbformat", where=place)
    return messages.text("authoring.notebook.unreadable", error=type(exc).__name__)


def nbgrader(cell) -> dict:
    """The cell's nbgrader metadata ({} for a plain cell)."""
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str | None:
    return nbgrader(cell).get("grade_id")


def is_answer(cell) -> bool:
    """An autograded answer: a code cell the learner fills, graded by test cells."""
    m = nbgrader(cell)
    return cell.cell_type == "code" and m.get("solution", False) and not m.get("grade", False)


def is_test(cell) -> bool:
    """An autograder test cell: a graded code cell that holds no solution."""
    m = nbgrader(cell)
    return cell.cell_type == "code" and m.get("grade", False) and not m.get("solution", False)


def is_manual(cell) -> bool:
    """A manually graded answer (the instructor gives the points)."""
    m = nbgrader(cell)
    return m.get("grade", False) and m.get("solution", False)


def shows_error(cell) -> bool:
    """A plain code cell that raises on purpose, a lesson showing an error message: tagged with
    Jupyter's `raises-exception` (JupyterLab's Run All goes on past it, nbclient and nbval expect
    its error). Answer and test cells never are."""
    return (
        cell.cell_type == "code"
        and not grade_id(cell)
        and "raises-exception" in (cell.get("metadata", {}).get("tags") or [])
    )


def mistakes(cell) -> list[str]:
    """The recorded mistakes of an answer cell: code a learner writes in place of the solution."""
    return list(cell.get("metadata", {}).get("kynangso", {}).get("mistakes", []) or [])


def question_of(gid: str) -> str:
    """The question of a grade id: "q3" for "q3_tests"."""
    return gid.split("_", 1)[0]


def points_in_text(text: str) -> list[float]:
    """Every "(N điểm)" mark in a text, as numbers (a decimal comma is read as a point)."""
    return [float(x.replace(",", ".")) for x in POINTS_TEXT.findall(text)]


@dataclass
class Question:
    id: str
    prompt: int | None = None  # index of the markdown cell that says "(N điểm)"
    stated_points: float | None = None
    answers: list[int] = field(default_factory=list)
    tests: list[int] = field(default_factory=list)
    manual: list[int] = field(default_factory=list)
    points: float = 0.0  # nbgrader points of its grade cells

    @property
    def autograded(self) -> bool:
        return bool(self.answers)

    @property
    def last_cell(self) -> int:
        return max(self.answers + self.tests + self.manual)


def questions(nb) -> dict[str, Question]:
    """Questions in notebook order, from grade ids `<question>_<aspect>`; each takes as its stated
    points the last "(N điểm)" mark of the plain markdown cells before its first cell, unless an
    earlier question took that mark."""
    found: dict[str, Question] = {}
    pending: tuple[int, float] | None = None
    for i, cell in enumerate(nb.cells):
        gid = grade_id(cell)
        if not gid:
            if cell.cell_type == "markdown":
                marks = points_in_text(cell.source)
                if marks:
                    pending = (i, marks[0])
            continue
        q = found.get(question_of(gid))
        if q is None:
            q = found[question_of(gid)] = Question(id=question_of(gid))
            if pending:
                q.prompt, q.stated_points = pending
                pending = None
        if is_answer(cell):
            q.answers.append(i)
        elif is_test(cell):
            q.tests.append(i)
        elif is_manual(cell):
            q.manual.append(i)
        if nbgrader(cell).get("grade", False):
            q.points += float(nbgrader(cell).get("points", 0) or 0)
    return {k: v for k, v in found.items() if v.answers or v.tests or v.manual}


def total_points(nb) -> float:
    """The nbgrader points of every grade cell of the notebook."""
    return sum(float(nbgrader(c).get("points", 0) or 0) for c in nb.cells if nbgrader(c).get("grade", False))


def is_graded(nb) -> bool:
    """The notebook has a grade cell (an assignment; a lesson has none)."""
    return any(nbgrader(c).get("grade", False) for c in nb.cells)


def split_solution(source: str) -> tuple[str, str, str]:
    """(before, solution, after) around the BEGIN/END SOLUTION markers; the markers are dropped."""
    lines = source.splitlines(keepends=True)
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == BEGIN_SOLUTION)
        end = next(i for i, line in enumerate(lines) if line.strip() == END_SOLUTION and i > start)
    except StopIteration:
        return "", source, ""
    return "".join(lines[:start]), "".join(lines[start + 1 : end]), "".join(lines[end + 1 :])


def fill_answer(source: str, code: str) -> str:
    """The answer cell as a learner who wrote `code` in place of the stub would leave it."""
    before, _, after = split_solution(source)
    code = code if code.endswith("\n") or not after else code + "\n"
    return (before + code + after).rstrip("\n")


def solution_code(source: str) -> str:
    """The answer cell as the model solution leaves it, without the markers."""
    return fill_answer(source, split_solution(source)[1])


def public_part(test_source: str) -> str:
    """A test cell as the release shows it: without the hidden block."""
    out, hidden = [], False
    for line in test_source.splitlines(keepends=True):
        if line.strip() == BEGIN_HIDDEN:
            hidden = True
        elif line.strip() == END_HIDDEN:
            hidden = False
        elif not hidden:
            out.append(line)
    return "".join(out)


def graded_notebooks(module_dir: Path) -> list[Path]:
    """The module's assignments: its notebooks that have a grade cell, by name."""
    return [p for p in sorted(module_dir.glob("*.ipynb")) if is_graded(read(p))]


def error_of(cell) -> str | None:
    """'ename: evalue' of the error a code cell raised, or None."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"
    return None


def stderr_of(cell) -> str:
    """What a code cell printed to stderr."""
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )


def passed(cell) -> bool:
    """The course's one rule for a test cell, in `check` and in `grade`: it passes unless it raised
    (an error output). What it printed, to stdout or stderr (a warning, pandas' FutureWarning), does
    not count against the learner."""
    return cell.cell_type == "code" and error_of(cell) is None
