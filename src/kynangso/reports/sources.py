"""What the report reads: a cohort's data as plain tables (`Sources`, built by `load`).

Scores come from the nbgrader gradebook, read with a few SQL queries (nbgrader's ORM objects are too
slow for thousands of submissions); whether a submission could be graded, and why not, from
grading-report.csv (a failed submission may also sit in the gradebook with 0 points); the units
from the district's data set of units; which competence each question trains from the course
manifest; the messages of failed test cells from the autograded notebooks (nbgrader's executed
copies). Column names are English identifiers; texts (names, reasons, messages) are Unicode NFC.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from ..authoring.settings import settings
from ..cohorts import roster

GRADEBOOK = "gradebook.db"
GRADING_REPORT = "grading-report.csv"  # written by `kynangso grade`
UNKNOWN_UNIT = "?"
GRADED, FAILED, MISSING = "graded", "failed", "missing"  # a submission's state (grading-report.csv says the first two)


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


@dataclass
class Sources:
    """The cohort's data, as plain tables (their columns beside each field)."""

    roster: pd.DataFrame  # student, ho_ten, ma_don_vi, chuc_vu
    units: pd.DataFrame  # ma_don_vi, ten_don_vi (the 28 units, the district departments, any other code)
    modules: pd.DataFrame  # module, title, max_score (in course order)
    submissions: pd.DataFrame  # student, module (every submission in the gradebook)
    gradecells: pd.DataFrame  # module, notebook, cell, cell_type, max_score (the gradebook's grade cells)
    grades: pd.DataFrame  # student, module, notebook, cell, cell_type, max_score, score, needs_manual_grade
    statuses: pd.DataFrame  # student, module, status (graded | failed), reason (grading-report.csv)
    cells: pd.DataFrame  # module, notebook, cell, question, kind (test | manual | answer): source notebooks
    questions: pd.DataFrame  # module, question, competence (the manifest's map)
    competences: pd.DataFrame  # competence, name
    errors: pd.DataFrame  # student, module, cell, question, message (failed test cells, autograded notebooks)
    blanks: pd.DataFrame  # student, module, question (answer cells left as released)


GRADES_SQL = """
SELECT sa.student_id AS student, a.name AS module, n.name AS notebook, bc.name AS cell,
       COALESCE(gc.cell_type, tc.cell_type) AS cell_type,
       COALESCE(gc.max_score, tc.max_score, 0.0) AS max_score,
       g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade
FROM grade g
JOIN submitted_notebook sn ON sn.id = g.notebook_id
JOIN submitted_assignment sa ON sa.id = sn.assignment_id
JOIN assignment a ON a.id = sa.assignment_id
JOIN notebook n ON n.id = sn.notebook_id
JOIN base_cell bc ON bc.id = g.cell_id
LEFT JOIN grade_cells gc ON gc.id = bc.id
LEFT JOIN task_cells tc ON tc.id = bc.id
WHERE a.course_id = :course
"""
SUBMISSIONS_SQL = """
SELECT sa.student_id AS student, a.name AS module
FROM submitted_assignment sa JOIN assignment a ON a.id = sa.assignment_id
WHERE a.course_id = :course
"""
GRADE_CELLS_SQL = """
SELECT a.name AS module, n.name AS notebook, bc.name AS cell,
       COALESCE(gc.cell_type, tc.cell_type) AS cell_type, COALESCE(gc.max_score, tc.max_score, 0.0) AS max_score
FROM base_cell bc
JOIN notebook n ON n.id = bc.notebook_id
JOIN assignment a ON a.id = n.assignment_id
LEFT JOIN grade_cells gc ON gc.id = bc.id
LEFT JOIN task_cells tc ON tc.id = bc.id
WHERE a.course_id = :course AND (gc.id IS NOT NULL OR tc.id IS NOT NULL)
"""
ASSIGNMENTS_SQL = "SELECT name AS module FROM assignment WHERE course_id = :course"
STUDENTS_SQL = "SELECT id AS student, first_name, last_name FROM student"


def read_gradebook(db: Path) -> dict[str, pd.DataFrame]:
    """grades, submissions, grade cells, assignments and students from the gradebook, read-only.
    A grade's score follows nbgrader's rule: the manual score if set, else the automatic one,
    plus extra credit; 0 when neither is set."""
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=settings().busy_timeout)
    try:
        params = {"course": settings().course_id}
        out = {
            name: pd.read_sql_query(sql, con, params=params)
            for name, sql in [
                ("grades", GRADES_SQL),
                ("submissions", SUBMISSIONS_SQL),
                ("gradecells", GRADE_CELLS_SQL),
                ("assignments", ASSIGNMENTS_SQL),
            ]
        }
        out["students"] = pd.read_sql_query(STUDENTS_SQL, con)
    finally:
        con.close()
    grades = out["grades"]
    extra = grades["extra_credit"].fillna(0.0)
    grades["score"] = np.where(
        grades["manual_score"].notna(),
        grades["manual_score"] + extra,
        np.where(grades["auto_score"].notna(), grades["auto_score"] + extra, 0.0),
    )
    grades["needs_manual_grade"] = grades["needs_manual_grade"].astype(bool)
    return out


def read_statuses(root: Path) -> pd.DataFrame:
    """student, module, status, reason of each submission `kynangso grade` tried (none if it never ran)."""
    path = root / GRADING_REPORT
    rows = []
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            rows = [
                {
                    "student": r["student"],
                    "module": r["assignment"],
                    "status": r["status"],
                    "reason": nfc(r.get("reason") or ""),
                }
                for r in csv.DictReader(f)
            ]
    return pd.DataFrame(rows, columns=["student", "module", "status", "reason"])


def source_cells(modules) -> pd.DataFrame:
    """Each grade id of the modules' graded source notebooks and what it is."""
    rows = []
    for m in modules:
        for path in nbm.graded_notebooks(m.source):
            for cell in nbm.read(path).cells:
                gid = nbm.grade_id(cell)
                if not gid:
                    continue
                kind = (
                    "test"
                    if nbm.is_test(cell)
                    else "manual"
                    if nbm.is_manual(cell)
                    else "answer"
                    if nbm.is_answer(cell)
                    else None
                )
                if kind:
                    rows.append(
                        {
                            "module": m.id,
                            "notebook": path.stem,
                            "cell": gid,
                            "question": nbm.question_of(gid),
                            "kind": kind,
                        }
                    )
    return pd.DataFrame(rows, columns=["module", "notebook", "cell", "question", "kind"])


def message_of(output: dict) -> str:
    """A failed cell's message as a trainer reads it: the assertion's own (Vietnamese) text, or
    'NameError: ...' for other errors; one line, at most 300 characters."""
    ename, evalue = output.get("ename") or "", output.get("evalue") or ""
    text = evalue if ename == "AssertionError" and evalue else f"{ename}: {evalue}".strip(": ")
    text = " ".join(nfc(text).split())
    return text[:297] + "..." if len(text) > 300 else text


def notebook_findings(nb: dict, kinds: dict, module: str) -> tuple[list[tuple[str, str]], set[str]]:
    """(grade id, message) of each failed test cell of one autograded notebook, and the questions
    left blank. A test that fails because its answer was left as released (the stub's
    NotImplementedError) says nothing about wrong answers: its question is blank instead."""
    failed, blank = [], set()
    for cell in nb.get("cells", []):
        gid = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
        kind = kinds.get((module, gid))
        if kind not in ("test", "answer"):
            continue
        err = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
        if err is None:
            continue
        if err.get("ename") == "NotImplementedError":  # the stub ran: in the answer or when a test calls it
            blank.add(nbm.question_of(gid))
        elif kind == "test":
            failed.append((gid, message_of(err)))
    return [(gid, msg) for gid, msg in failed if nbm.question_of(gid) not in blank], blank


def read_autograded(root: Path, graded: pd.DataFrame, cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Failed test cells and blank answers of the graded submissions, from autograded/."""
    kinds = {(r.module, r.cell): r.kind for r in cells.itertuples()}
    names = cells.groupby("module")["notebook"].unique().to_dict()
    errors, blanks = [], []
    for s, m in zip(graded["student"], graded["module"], strict=True):
        for name in names.get(m, []):
            path = root / "autograded" / s / m / f"{name}.ipynb"
            if not path.is_file():
                continue
            with path.open(encoding="utf-8") as f:
                failed, blank = notebook_findings(json.load(f), kinds, m)
            blanks += [{"student": s, "module": m, "question": q} for q in sorted(blank)]
            errors += [
                {"student": s, "module": m, "cell": gid, "question": nbm.question_of(gid), "message": msg}
                for gid, msg in failed
            ]
    return (
        pd.DataFrame(errors, columns=["student", "module", "cell", "question", "message"]),
        pd.DataFrame(blanks, columns=["student", "module", "question"]),
    )


def unit_table(extra_codes=()) -> pd.DataFrame:
    """The 28 units, then the district departments (VT00), then any other code officials carry."""
    from ..data import load as load_data
    from ..data.units import DISTRICT_CODE, DISTRICT_NAME

    units = load_data("don_vi")[["ma_don_vi", "ten_don_vi"]].astype(str)
    rows = list(units.itertuples(index=False, name=None))
    rows.append((DISTRICT_CODE, messages.text("reports.unit.district", district=DISTRICT_NAME)))
    known = {c for c, _ in rows}
    rows += [
        (
            c,
            messages.text("reports.unit.unknown")
            if c == UNKNOWN_UNIT
            else messages.text("reports.unit.not_listed", code=c),
        )
        for c in sorted(set(extra_codes) - known)
    ]
    return pd.DataFrame([(c, nfc(n)) for c, n in rows], columns=["ma_don_vi", "ten_don_vi"])


def module_table(plan: manifest.Manifest, gb: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The course's modules, in course order, that this cohort's gradebook knows; then any other."""
    known = {m.id: m for m in plan.modules}
    released = set(gb["assignments"]["module"])
    order = [m.id for m in plan.modules if m.id in released] + sorted(released - set(known))
    max_score = gb["gradecells"].groupby("module")["max_score"].sum()
    return pd.DataFrame(
        [
            {"module": m, "title": nfc(known[m].title) if m in known else m, "max_score": float(max_score.get(m, 0.0))}
            for m in order
        ],
        columns=["module", "title", "max_score"],
    )


def people_table(root: Path, gb: dict[str, pd.DataFrame], statuses: pd.DataFrame) -> pd.DataFrame:
    """The roster; officials graded without being on it still count (their unit unknown)."""
    people = pd.DataFrame(roster.roster(root), columns=roster.COLUMNS).rename(columns={"ma_can_bo": "student"})
    others = sorted((set(gb["submissions"]["student"]) | set(statuses["student"])) - set(people["student"]))
    if others:
        names = {
            r.student: nfc(f"{r.last_name or ''} {r.first_name or ''}".strip()) for r in gb["students"].itertuples()
        }
        people = pd.concat(
            [
                people,
                pd.DataFrame(
                    {
                        "student": others,
                        "ho_ten": [names.get(s) or s for s in others],
                        "ma_don_vi": UNKNOWN_UNIT,
                        "chuc_vu": "",
                        "email": "",
                    }
                ),
            ],
            ignore_index=True,
        )
    people["ma_don_vi"] = people["ma_don_vi"].replace("", UNKNOWN_UNIT)
    return people


def load(root: Path, course_manifest: manifest.Manifest | None = None) -> Sources:
    """The cohort's data, from its folder `root` and the course manifest."""
    plan = course_manifest or manifest.load()
    gb = read_gradebook(root / GRADEBOOK)
    subs = gb["submissions"]
    statuses = read_statuses(root)
    modules = module_table(plan, gb)
    known = {m.id: m for m in plan.modules}
    mods = [known[m] for m in modules["module"] if m in known]
    people = people_table(root, gb, statuses)
    cells = source_cells(mods)
    qmap = pd.DataFrame(
        [{"module": m.id, "question": q, "competence": c} for m in mods for q, c in m.questions.items()],
        columns=["module", "question", "competence"],
    )
    comps = pd.DataFrame(
        [{"competence": k, "name": nfc(v.get("vi", k))} for k, v in plan.competences.items()],
        columns=["competence", "name"],
    )
    merged = subs.merge(statuses, on=["student", "module"], how="left")
    graded = merged[merged["status"].fillna(GRADED) == GRADED]
    errors, blanks = read_autograded(root, graded, cells)
    return Sources(
        roster=people[["student", "ho_ten", "ma_don_vi", "chuc_vu"]],
        units=unit_table(people["ma_don_vi"]),
        modules=modules,
        submissions=subs,
        gradecells=gb["gradecells"],
        grades=gb["grades"],
        statuses=statuses,
        cells=cells,
        questions=qmap,
        competences=comps,
        errors=errors,
        blanks=blanks,
    )
