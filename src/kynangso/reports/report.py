"""`kynangso report`: who has mastered what, commune by commune.

Writes into the cohort folder (reports/ by default) a self-contained HTML report (charts embedded,
opens offline) and an Excel workbook with the same tables: cohort overview, units, DigComp
competences, one transcript per official, and the questions trainers should look at.

Every number comes from `compute`, a pure function of the cohort's data (`load`): scores from the
gradebook, read with a few SQL queries (nbgrader's ORM objects are too slow for thousands of
submissions); whether a submission could be graded, and why not, from grading-report.csv (a failed
submission may also sit in the gradebook with 0 points); the units from datasets/don_vi.csv; which
competence each question trains from the course manifest; the messages of failed test cells from
the autograded notebooks. The HTML and the workbook only render those tables.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import sqlite3
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ..cohorts import course, roster
from ..authoring import manifest
from ..authoring.settings import settings
from ..authoring import notebook as nbm

REPORT_DIR = "reports"
HTML_FILE = "bao-cao.html"
XLSX_FILE = "bao-cao.xlsx"
GRADING_REPORT = "grading-report.csv"  # written by `kynangso grade`
DEFAULT_THRESHOLD = 0.5
FONT = "DejaVu Sans"  # ships with matplotlib and has every Vietnamese diacritic
VN_TZ = timezone(timedelta(hours=7))
UNKNOWN_UNIT = "?"
TOP_MESSAGES = 30
BINS = list(range(0, 101, 10))

# status labels, as the instructor reads them
GRADED, FAILED, MISSING = "đã chấm", "không chấm được", "chưa nộp"


def nfc(text) -> str:
    return unicodedata.normalize("NFC", str(text))


# --- what the report reads -----------------------------------------------------------------

@dataclass
class Sources:
    """The cohort's data, as plain tables (column names in the docstrings of `load`)."""
    roster: pd.DataFrame       # student, ho_ten, ma_don_vi, chuc_vu
    units: pd.DataFrame        # ma_don_vi, ten_don_vi (the 28 units, the district departments)
    modules: pd.DataFrame      # module, title, max_score (in course order)
    submissions: pd.DataFrame  # student, module (every submission in the gradebook)
    gradecells: pd.DataFrame   # module, notebook, cell, cell_type, max_score (the gradebook's grade cells)
    grades: pd.DataFrame       # student, module, notebook, cell, cell_type, max_score, score, needs_manual_grade
    statuses: pd.DataFrame     # student, module, status (graded | failed), reason (grading-report.csv)
    cells: pd.DataFrame        # module, cell, question, kind (test | manual | answer), from the source notebooks
    questions: pd.DataFrame    # module, question, competence (the manifest's map)
    competences: pd.DataFrame  # competence, name
    errors: pd.DataFrame       # student, module, cell, question, message (failed test cells, autograded notebooks)
    blanks: pd.DataFrame       # student, module, question (answer cells left as released)


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
    con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        params = {"course": settings().course_id}
        out = {name: pd.read_sql_query(sql, con, params=params) for name, sql in [
            ("grades", GRADES_SQL), ("submissions", SUBMISSIONS_SQL), ("gradecells", GRADE_CELLS_SQL),
            ("assignments", ASSIGNMENTS_SQL)]}
        out["students"] = pd.read_sql_query(STUDENTS_SQL, con)
    finally:
        con.close()
    grades = out["grades"]
    extra = grades["extra_credit"].fillna(0.0)
    grades["score"] = np.where(grades["manual_score"].notna(), grades["manual_score"] + extra,
                               np.where(grades["auto_score"].notna(), grades["auto_score"] + extra, 0.0))
    grades["needs_manual_grade"] = grades["needs_manual_grade"].astype(bool)
    return out


def read_statuses(root: Path) -> pd.DataFrame:
    path = root / GRADING_REPORT
    rows = []
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            rows = [{"student": r["student"], "module": r["assignment"], "status": r["status"],
                     "reason": nfc(r.get("reason") or "")} for r in csv.DictReader(f)]
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
                kind = ("test" if nbm.is_test(cell) else "manual" if nbm.is_manual(cell)
                        else "answer" if nbm.is_answer(cell) else None)
                if kind:
                    rows.append({"module": m.id, "notebook": path.stem, "cell": gid,
                                 "question": nbm.question_of(gid), "kind": kind})
    return pd.DataFrame(rows, columns=["module", "notebook", "cell", "question", "kind"])


def message_of(output: dict) -> str:
    """A failed cell's message as a trainer reads it: the assertion's own (Vietnamese) text, or
    'NameError: ...' for other errors; one line, at most 300 characters."""
    ename, evalue = output.get("ename") or "", output.get("evalue") or ""
    text = evalue if ename == "AssertionError" and evalue else f"{ename}: {evalue}".strip(": ")
    text = " ".join(nfc(text).split())
    return text[:297] + "..." if len(text) > 300 else text


def read_autograded(root: Path, graded: pd.DataFrame, cells: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Failed test cells and blank answers of the graded submissions, from autograded/ (nbgrader's
    executed copies). A test that fails because its answer was left as released (the stub's
    NotImplementedError) says nothing about wrong answers: the question is counted as blank instead."""
    kinds = {(r.module, r.cell): r.kind for r in cells.itertuples()}
    names = cells.groupby("module")["notebook"].unique().to_dict()
    errors, blanks = [], []
    for s, m in zip(graded["student"], graded["module"]):
        for name in names.get(m, []):
            path = root / "autograded" / s / m / f"{name}.ipynb"
            if not path.is_file():
                continue
            with path.open(encoding="utf-8") as f:
                nb = json.load(f)
            failed, blank = [], set()
            for cell in nb.get("cells", []):
                gid = (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")
                kind = kinds.get((m, gid))
                if kind not in ("test", "answer"):
                    continue
                err = next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
                if err is None:
                    continue
                if err.get("ename") == "NotImplementedError":  # the stub ran: in the answer or when a test calls it
                    blank.add(nbm.question_of(gid))
                elif kind == "test":
                    failed.append((gid, message_of(err)))
            blanks += [{"student": s, "module": m, "question": q} for q in sorted(blank)]
            errors += [{"student": s, "module": m, "cell": gid, "question": nbm.question_of(gid), "message": msg}
                       for gid, msg in failed if nbm.question_of(gid) not in blank]
    return (pd.DataFrame(errors, columns=["student", "module", "cell", "question", "message"]),
            pd.DataFrame(blanks, columns=["student", "module", "question"]))


def unit_table(extra_codes=()) -> pd.DataFrame:
    """The 28 units, then the district departments (VT00), then any other code officials carry."""
    from ..data import load as load_data
    from ..data.units import DISTRICT_CODE, DISTRICT_NAME

    units = load_data("don_vi")[["ma_don_vi", "ten_don_vi"]].astype(str)
    rows = list(units.itertuples(index=False, name=None))
    rows.append((DISTRICT_CODE, f"Các phòng, ban thuộc {DISTRICT_NAME}"))
    known = {c for c, _ in rows}
    rows += [(c, "Không rõ đơn vị" if c == UNKNOWN_UNIT else f"Đơn vị {c} (không có trong danh mục)")
             for c in sorted(set(extra_codes) - known)]
    return pd.DataFrame([(c, nfc(n)) for c, n in rows], columns=["ma_don_vi", "ten_don_vi"])


def load(root: Path, course_manifest: manifest.Manifest | None = None) -> Sources:
    plan = course_manifest or manifest.load()
    gb = read_gradebook(root / "gradebook.db")
    subs, students = gb["submissions"], gb["students"]
    statuses = read_statuses(root)
    # modules: the course's, in course order, that this cohort's gradebook knows; then any other
    known = {m.id: m for m in plan.modules}
    released = set(gb["assignments"]["module"])
    order = [m.id for m in plan.modules if m.id in released] + sorted(released - set(known))
    max_score = gb["gradecells"].groupby("module")["max_score"].sum()
    modules = pd.DataFrame([{"module": m, "title": nfc(known[m].title) if m in known else m,
                             "max_score": float(max_score.get(m, 0.0))} for m in order],
                           columns=["module", "title", "max_score"])
    mods = [known[m] for m in order if m in known]
    people = pd.DataFrame(roster.roster(root), columns=roster.COLUMNS).rename(columns={"ma_can_bo": "student"})
    # officials graded without being on the roster still count (their unit unknown)
    others = sorted((set(subs["student"]) | set(statuses["student"])) - set(people["student"]))
    if others:
        names = {r.student: nfc(f"{r.last_name or ''} {r.first_name or ''}".strip()) for r in students.itertuples()}
        people = pd.concat([people, pd.DataFrame({"student": others, "ho_ten": [names.get(s) or s for s in others],
                                                  "ma_don_vi": UNKNOWN_UNIT, "chuc_vu": "", "email": ""})],
                           ignore_index=True)
    people["ma_don_vi"] = people["ma_don_vi"].replace("", UNKNOWN_UNIT)
    cells = source_cells(mods)
    qmap = pd.DataFrame([{"module": m.id, "question": q, "competence": c} for m in mods for q, c in m.questions.items()],
                        columns=["module", "question", "competence"])
    comps = pd.DataFrame([{"competence": k, "name": nfc(v.get("vi", k))} for k, v in plan.competences.items()],
                         columns=["competence", "name"])
    merged = subs.merge(statuses, on=["student", "module"], how="left")
    graded = merged[merged["status"].fillna("graded") == "graded"]
    errors, blanks = read_autograded(root, graded, cells)
    return Sources(roster=people[["student", "ho_ten", "ma_don_vi", "chuc_vu"]], units=unit_table(people["ma_don_vi"]),
                   modules=modules, submissions=subs, gradecells=gb["gradecells"], grades=gb["grades"],
                   statuses=statuses, cells=cells,
                   questions=qmap, competences=comps, errors=errors, blanks=blanks)


# --- every number of the report --------------------------------------------------------------

@dataclass
class Tables:
    """The report's tables, with the Vietnamese column names the instructor reads."""
    summary: pd.DataFrame       # Chỉ số, Giá trị
    modules: pd.DataFrame       # one row per module
    distribution: pd.DataFrame  # module x score band: graded submissions
    units: pd.DataFrame         # one row per unit: the 28 units, the district departments, any other code
    unit_module: pd.DataFrame   # unit x module: mean score (%)
    skills: pd.DataFrame        # one row per DigComp competence the course trains
    officials: pd.DataFrame     # one row per official: the transcript
    submissions: pd.DataFrame   # one row per official x module: status, score, reason
    questions: pd.DataFrame     # one row per question, hardest first
    messages: pd.DataFrame      # the most frequent messages of failed test cells
    threshold: float = DEFAULT_THRESHOLD


def pct(num, den):
    """100 * num / den, NaN where den is 0."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    safe = np.where(den > 0, den, 1.0)
    return np.where(den > 0, 100.0 * num / safe, np.nan)


def band_labels() -> list[str]:
    return [f"{lo}–{hi}%" if hi == 100 else f"{lo}–<{hi}%" for lo, hi in zip(BINS[:-1], BINS[1:])]


def cell_kinds(src: Sources) -> pd.DataFrame:
    """module, cell, question, kind for every grade cell of the gradebook: the source notebook says
    whether it is a test or a written answer; a cell the source no longer has is judged by its type."""
    k = src.gradecells[["module", "cell", "cell_type", "max_score"]].drop_duplicates(["module", "cell"])
    k = k.merge(src.cells[["module", "cell", "kind"]], on=["module", "cell"], how="left")
    k["kind"] = k["kind"].where(k["kind"].notna(), np.where(k["cell_type"] == "markdown", "manual", "test"))
    k["question"] = [nbm.question_of(c) for c in k["cell"]]
    return k.merge(src.questions, on=["module", "question"], how="left")


def submission_table(src: Sources, kinds: pd.DataFrame) -> pd.DataFrame:
    """Every official x module: state (graded, failed, missing), score, percent, written answers
    awaiting the instructor, reason of a failure. The status comes from grading-report.csv, the
    score from the gradebook."""
    g = src.grades.merge(kinds[["module", "cell", "kind"]], on=["module", "cell"], how="left")
    scores = g.groupby(["student", "module"]).agg(score=("score", "sum"))
    pending = g[(g["kind"] == "manual") & g["needs_manual_grade"]].groupby(["student", "module"]).size()
    subs = src.submissions.drop_duplicates(["student", "module"]).assign(in_gradebook=True)
    status = src.statuses.drop_duplicates(["student", "module"], keep="last")
    t = pd.MultiIndex.from_product([src.roster["student"], src.modules["module"]],
                                   names=["student", "module"]).to_frame(index=False)
    t = t.merge(subs, on=["student", "module"], how="left").merge(status, on=["student", "module"], how="left")
    failed = (t["status"] == "failed").to_numpy()
    graded = t["in_gradebook"].fillna(False).astype(bool).to_numpy() & ~failed
    t["state"] = np.where(failed, FAILED, np.where(graded, GRADED, MISSING))
    key = pd.MultiIndex.from_frame(t[["student", "module"]])
    t["score"] = np.where(graded, scores["score"].reindex(key).fillna(0.0).to_numpy(), np.nan)
    t["pending"] = np.where(graded, pending.reindex(key).fillna(0).to_numpy(), 0).astype(int)
    t["reason"] = np.where(failed, t["reason"].fillna("").astype(object), "")
    t = t.merge(src.modules[["module", "max_score"]], on="module", how="left")
    t["percent"] = pct(t["score"], t["max_score"])
    t = t.merge(src.roster[["student", "ho_ten", "ma_don_vi"]], on="student", how="left")
    return t[["student", "ho_ten", "ma_don_vi", "module", "state", "score", "max_score", "percent", "pending", "reason"]]


def module_tables(src: Sources, subs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = src.modules["module"]
    graded = subs[subs["state"] == GRADED]
    counts = pd.crosstab(subs["module"], subs["state"]).reindex(index=ids, columns=[GRADED, FAILED, MISSING],
                                                                fill_value=0)
    p = graded.groupby("module")["percent"]
    modules = pd.DataFrame({
        "Mã mô-đun": ids.to_numpy(),
        "Mô-đun": src.modules["title"].to_numpy(),
        "Điểm tối đa": src.modules["max_score"].to_numpy(),
        "Đã chấm": counts[GRADED].to_numpy(),
        "Không chấm được": counts[FAILED].to_numpy(),
        "Chưa nộp": counts[MISSING].to_numpy(),
        "Điểm trung bình": graded.groupby("module")["score"].mean().reindex(ids).to_numpy(),
        "Điểm trung bình (%)": p.mean().reindex(ids).to_numpy(),
        "Trung vị (%)": p.median().reindex(ids).to_numpy(),
        "Thấp nhất (%)": p.min().reindex(ids).to_numpy(),
        "Cao nhất (%)": p.max().reindex(ids).to_numpy(),
        "Bài có câu tự luận chờ chấm": graded[graded["pending"] > 0].groupby("module").size()
        .reindex(ids, fill_value=0).to_numpy(),
    })
    band = np.minimum((graded["percent"].to_numpy() // 10).astype(int), 9)  # 100% joins the top band
    dist = pd.crosstab(graded["module"].to_numpy(), band).reindex(index=ids, columns=range(10), fill_value=0)
    dist.columns = band_labels()
    dist = dist.rename_axis(index="Mã mô-đun").reset_index()
    return modules, dist


def unit_tables(src: Sources, subs: pd.DataFrame, threshold: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    codes = src.units["ma_don_vi"]
    graded = subs[subs["state"] == GRADED]
    people = src.roster.groupby("ma_don_vi").size().reindex(codes, fill_value=0)
    required = people * len(src.modules)
    done = graded.groupby("ma_don_vi").size().reindex(codes, fill_value=0)
    finished = (subs["state"] == GRADED).groupby([subs["ma_don_vi"], subs["student"]]).all()
    units = pd.DataFrame({
        "Mã đơn vị": codes.to_numpy(),
        "Tên đơn vị": src.units["ten_don_vi"].to_numpy(),
        "Học viên": people.to_numpy(),
        "Bài phải nộp": required.to_numpy(),
        "Đã chấm": done.to_numpy(),
        "Không chấm được": subs[subs["state"] == FAILED].groupby("ma_don_vi").size().reindex(codes, fill_value=0)
        .to_numpy(),
        "Tỷ lệ hoàn thành (%)": pct(done, required),
        "Điểm trung bình (%)": graded.groupby("ma_don_vi")["percent"].mean().reindex(codes).to_numpy(),
        "Học viên xong cả khóa": finished.groupby(level=0).sum().reindex(codes, fill_value=0).astype(int).to_numpy(),
    })
    cut = 100 * threshold
    notes, behind = [], []
    for n, completion, mean in zip(units["Học viên"], units["Tỷ lệ hoàn thành (%)"], units["Điểm trung bình (%)"]):
        why = []
        if n == 0:
            why.append("chưa có học viên trong lớp")
        else:
            if not completion >= cut:
                why.append(f"hoàn thành dưới {cut:g}%")
            if np.isnan(mean):
                why.append("chưa có bài nào được chấm")
            elif mean < cut:
                why.append(f"điểm trung bình dưới {cut:g}%")
        behind.append(n > 0 and bool(why))
        notes.append("; ".join(why))
    units["Dưới ngưỡng"] = behind
    units["Ghi chú"] = notes
    heat = graded.pivot_table(index="ma_don_vi", columns="module", values="percent", aggfunc="mean")
    heat = heat.reindex(index=codes, columns=src.modules["module"])
    heat = heat.rename_axis(index="Mã đơn vị", columns=None).reset_index()
    heat.insert(1, "Tên đơn vị", src.units["ten_don_vi"].to_numpy())
    return units, heat


def graded_cells(src: Sources, subs: pd.DataFrame, kinds: pd.DataFrame) -> pd.DataFrame:
    """The gradebook's grades of the graded submissions, with kind, question and competence."""
    ok = subs.loc[subs["state"] == GRADED, ["student", "module"]]
    g = src.grades[["student", "module", "cell", "score", "needs_manual_grade", "auto_score", "manual_score"]]
    g = g.merge(ok, on=["student", "module"])
    g["blank"] = (g["auto_score"] == 0) & g["manual_score"].isna() & ~g["needs_manual_grade"]
    return g.merge(kinds[["module", "cell", "kind", "question", "competence", "max_score"]], on=["module", "cell"])


def skill_table(src: Sources, kinds: pd.DataFrame, g: pd.DataFrame) -> pd.DataFrame:
    """Mastery per competence: points earned / points possible over its autograded (test) cells
    in graded submissions. Written answers are listed apart: the instructor grades them."""
    names = dict(zip(src.competences["competence"], src.competences["name"]))
    q = kinds.groupby(["module", "question"]).agg(competence=("competence", "first"),
                                                  auto=("kind", lambda k: (k == "test").any())).reset_index()
    q = q[q["competence"].notna()]
    trained = sorted(set(q["competence"]), key=lambda c: [int(x) if x.isdigit() else x for x in c.split(".")])
    auto = g[g["kind"] == "test"]
    earned = auto.groupby("competence")["score"].sum().reindex(trained, fill_value=0.0)
    possible = auto.groupby("competence")["max_score"].sum().reindex(trained, fill_value=0.0)
    written = g[(g["kind"] == "manual") & g["needs_manual_grade"]]
    return pd.DataFrame({
        "Mã năng lực": trained,
        "Năng lực (DigComp 2.2)": [names.get(c, c) for c in trained],
        "Mô-đun": [", ".join(sorted(set(q.loc[q["competence"] == c, "module"]))) for c in trained],
        "Câu chấm tự động": [int(((q["competence"] == c) & q["auto"]).sum()) for c in trained],
        "Điểm đạt": earned.to_numpy(),
        "Điểm tối đa": possible.to_numpy(),
        "Mức thành thạo (%)": pct(earned, possible),
        "Câu tự luận": [int(((q["competence"] == c) & ~q["auto"]).sum()) for c in trained],
        "Bài tự luận chờ chấm": written.groupby("competence").size().reindex(trained, fill_value=0).to_numpy(),
    })


def question_tables(src: Sources, kinds: pd.DataFrame, g: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Autograded questions, hardest first (share of graded submissions with full points on the
    question), then the written ones; a written answer awaiting the instructor is neither a success
    nor a failure, it is counted apart. A blank written answer is one nbgrader scored 0 at once
    (left as released)."""
    qs = kinds.groupby(["module", "question"], sort=False).agg(
        competence=("competence", "first"), points=("max_score", "sum"),
        manual=("kind", lambda k: not (k == "test").any())).reset_index()
    per = (g.groupby(["module", "question", "student"])
           .agg(score=("score", "sum"), max_score=("max_score", "sum"), waiting=("needs_manual_grade", "any"),
                manual=("kind", lambda k: not (k == "test").any()), blank=("blank", "all")).reset_index())
    waiting = per["waiting"] & per["manual"]
    scored = per[~waiting].assign(full=lambda d: d["score"] >= d["max_score"] - 1e-9)
    by = scored.groupby(["module", "question"])
    key = pd.MultiIndex.from_frame(qs[["module", "question"]])
    n = by.size().reindex(key, fill_value=0).to_numpy()
    full = by["full"].sum().reindex(key, fill_value=0).to_numpy()
    questions = pd.DataFrame({
        "Mã mô-đun": qs["module"].to_numpy(),
        "Câu": qs["question"].to_numpy(),
        "Mã năng lực": qs["competence"].fillna("").to_numpy(),
        "Loại": np.where(qs["manual"], "tự luận", "chấm tự động"),
        "Điểm": qs["points"].to_numpy(),
        "Bài đã chấm câu này": n,
        "Đạt trọn điểm": full,
        "Tỷ lệ đạt trọn điểm (%)": pct(full, n),
        "Điểm trung bình (%)": pct(by["score"].sum().reindex(key, fill_value=0).to_numpy(),
                                   by["max_score"].sum().reindex(key, fill_value=0).to_numpy()),
        "Bỏ trống": (src.blanks.groupby(["module", "question"]).size().reindex(key, fill_value=0)
                     + per[per["manual"] & per["blank"]].groupby(["module", "question"]).size()
                     .reindex(key, fill_value=0)).to_numpy(),
        "Chờ giảng viên chấm": per[waiting].groupby(["module", "question"]).size().reindex(key, fill_value=0)
        .to_numpy(),
    })
    order = {m: i for i, m in enumerate(src.modules["module"])}
    questions = (questions.assign(_k=qs["manual"].to_numpy(), _m=questions["Mã mô-đun"].map(order),
                                  _q=[int(q[1:]) if q[1:].isdigit() else 0 for q in questions["Câu"]])
                 .sort_values(["_k", "Tỷ lệ đạt trọn điểm (%)", "_m", "_q"], na_position="last", kind="stable")
                 .drop(columns=["_k", "_m", "_q"]).reset_index(drop=True))
    top = (src.errors.groupby(["module", "question", "cell", "message"]).size().rename("n").reset_index()
           .sort_values(["n", "module", "cell", "message"], ascending=[False, True, True, True], kind="stable")
           .head(TOP_MESSAGES))
    messages = pd.DataFrame({"Mã mô-đun": top["module"].to_numpy(), "Câu": top["question"].to_numpy(),
                             "Ô kiểm tra": top["cell"].to_numpy(), "Thông báo của ô kiểm tra": top["message"].to_numpy(),
                             "Số bài": top["n"].to_numpy()})
    return questions, messages


def official_tables(src: Sources, subs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The transcript: one row per official (module scores, failed submissions with their reasons),
    and the long table behind it, one row per official x module."""
    ids = list(src.modules["module"])
    graded = subs[subs["state"] == GRADED]
    text = [f"{number(s)}/{number(m)}" if st == GRADED else st
            for st, s, m in zip(subs["state"], subs["score"], subs["max_score"])]
    wide = subs.assign(text=text).pivot(index="student", columns="module", values="text").reindex(columns=ids)
    off = src.roster[["student", "ho_ten", "ma_don_vi"]].merge(src.units, on="ma_don_vi", how="left")
    off = off.join(wide, on="student")
    who = off["student"]
    off["Tổng điểm"] = graded.groupby("student")["score"].sum().reindex(who, fill_value=0.0).to_numpy()
    off["Tổng điểm tối đa"] = float(src.modules["max_score"].sum())
    off["Mô-đun đã chấm"] = graded.groupby("student").size().reindex(who, fill_value=0).to_numpy()
    off["Điểm trung bình (%)"] = graded.groupby("student")["percent"].mean().reindex(who).to_numpy()
    notes: dict[str, list[str]] = {}
    for s, m, st, reason, waiting in zip(subs["student"], subs["module"], subs["state"], subs["reason"], subs["pending"]):
        if st == FAILED:
            notes.setdefault(s, []).append(f"{m}: {reason}")
        elif waiting:
            notes.setdefault(s, []).append(f"{m}: {waiting} câu tự luận chờ giảng viên chấm.")
    off["Ghi chú"] = [" ".join(notes.get(s, [])) for s in who]
    place = {c: i for i, c in enumerate(src.units["ma_don_vi"])}
    off = (off.assign(_u=off["ma_don_vi"].map(place)).sort_values(["_u", "student"], kind="stable")
           .drop(columns="_u").reset_index(drop=True)
           .rename(columns={"student": "Mã cán bộ", "ho_ten": "Họ và tên", "ma_don_vi": "Mã đơn vị",
                            "ten_don_vi": "Tên đơn vị"}))
    long = subs.rename(columns={"student": "Mã cán bộ", "ho_ten": "Họ và tên", "ma_don_vi": "Mã đơn vị",
                                "module": "Mã mô-đun", "state": "Trạng thái", "score": "Điểm",
                                "max_score": "Điểm tối đa", "percent": "Tỷ lệ (%)",
                                "pending": "Câu tự luận chờ chấm", "reason": "Lý do không chấm được"})
    return off, long


def compute(src: Sources, threshold: float = DEFAULT_THRESHOLD) -> Tables:
    """Every number of the report, from the cohort's data alone."""
    kinds = cell_kinds(src)
    subs = submission_table(src, kinds)
    g = graded_cells(src, subs, kinds)
    modules, distribution = module_tables(src, subs)
    units, unit_module = unit_tables(src, subs, threshold)
    questions, messages = question_tables(src, kinds, g)
    officials, submissions = official_tables(src, subs)
    graded = subs[subs["state"] == GRADED]
    required = len(src.roster) * len(src.modules)
    summary = pd.DataFrame([
        ("Học viên", len(src.roster)),
        ("Đơn vị có học viên", int((units["Học viên"] > 0).sum())),
        ("Mô-đun", len(src.modules)),
        ("Bài phải nộp (học viên × mô-đun)", required),
        ("Bài đã chấm", len(graded)),
        ("Bài không chấm được", int((subs["state"] == FAILED).sum())),
        ("Bài chưa nộp", int((subs["state"] == MISSING).sum())),
        ("Tỷ lệ hoàn thành (%)", float(pct(len(graded), required))),
        ("Điểm trung bình của bài đã chấm (%)", float(graded["percent"].mean()) if len(graded) else np.nan),
        ("Học viên xong cả khóa", int(units["Học viên xong cả khóa"].sum())),
        ("Bài có câu tự luận chờ giảng viên chấm", int((graded["pending"] > 0).sum())),
        ("Ngưỡng cảnh báo (%)", 100 * threshold),
    ], columns=["Chỉ số", "Giá trị"])
    return Tables(summary=summary, modules=modules, distribution=distribution, units=units,
                  unit_module=unit_module, skills=skill_table(src, kinds, g), officials=officials,
                  submissions=submissions, questions=questions, messages=messages, threshold=threshold)


def number(x, digits: int = 1) -> str:
    """A number as Vietnamese write it: decimal comma, dot between thousands; '—' for no value."""
    if x is None or (isinstance(x, (float, np.floating)) and np.isnan(x)):
        return "—"
    v = round(float(x), digits)
    if v.is_integer():
        return f"{int(v):,}".replace(",", ".")
    return f"{v:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


# --- charts ------------------------------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    # fail loudly rather than draw boxes in place of Vietnamese letters
    font_manager.findfont(font_manager.FontProperties(family=FONT), fallback_to_default=False)
    plt.rcParams.update({"font.family": FONT, "font.size": 10, "axes.titleweight": "bold"})
    return plt


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    fig.clf()
    return base64.b64encode(buf.getvalue()).decode("ascii")


def charts(t: Tables) -> dict[str, str]:
    """Base64 PNG of each chart, Vietnamese titles and labels."""
    plt = _pyplot()
    out = {}
    cut = 100 * t.threshold
    ids = list(t.modules["Mã mô-đun"])
    graded = t.submissions[t.submissions["Trạng thái"] == GRADED]

    fig, ax = plt.subplots(figsize=(8, 4))
    data = [graded.loc[graded["Mã mô-đun"] == m, "Tỷ lệ (%)"].dropna().to_numpy() for m in ids]
    ax.boxplot(data, tick_labels=ids, showmeans=True)
    ax.axhline(cut, color="#c0392b", linestyle="--", linewidth=1, label=f"ngưỡng {number(cut)}%")
    ax.set_title("Phân bố điểm theo mô-đun")
    ax.set_xlabel("Mô-đun (hộp: nửa số bài ở giữa; vạch cam: trung vị; tam giác: trung bình)")
    ax.set_ylabel("Điểm (% điểm tối đa)")
    ax.set_ylim(-5, 105)
    ax.legend(loc="lower left")
    ax.tick_params(axis="x", labelrotation=15)
    out["phan_bo"] = _png(fig)
    plt.close(fig)

    heat = t.unit_module.set_index("Mã đơn vị")[ids]
    rows = [f"{c} {n}" for c, n in zip(t.unit_module["Mã đơn vị"], t.unit_module["Tên đơn vị"])]
    fig, ax = plt.subplots(figsize=(8, 0.28 * len(rows) + 1.6))
    cmap = plt.get_cmap("RdYlGn").with_extremes(bad="#dddddd")
    im = ax.imshow(np.ma.masked_invalid(heat.to_numpy(dtype=float)), cmap=cmap, vmin=0, vmax=100, aspect="auto")
    ax.set_xticks(range(len(ids)), ids, rotation=15)
    ax.set_yticks(range(len(rows)), rows)
    behind = set(t.units.loc[t.units["Dưới ngưỡng"], "Mã đơn vị"])
    for label, code in zip(ax.get_yticklabels(), heat.index):
        if code in behind:
            label.set_color("#c0392b")
            label.set_fontweight("bold")
    for i, row in enumerate(heat.to_numpy(dtype=float)):
        for j, v in enumerate(row):
            if not np.isnan(v):
                ax.text(j, i, f"{v:.0f}", ha="center", va="center", fontsize=7)
    ax.set_title("Điểm trung bình theo đơn vị và mô-đun (%)")
    ax.set_xlabel("Mô-đun")
    ax.set_ylabel("Đơn vị (chữ đỏ: dưới ngưỡng; ô xám: chưa có bài được chấm)")
    fig.colorbar(im, ax=ax, label="Điểm trung bình (%)", fraction=0.04)
    out["don_vi_mo_dun"] = _png(fig)
    plt.close(fig)

    labels = [f"{c} {n}" for c, n in zip(t.skills["Mã năng lực"], t.skills["Năng lực (DigComp 2.2)"])]
    out["ky_nang"] = _threshold_bars(
        labels, t.skills["Mức thành thạo (%)"].to_numpy(dtype=float), cut, 0.45, "chưa đo: chỉ có câu tự luận",
        "Mức thành thạo theo năng lực số DigComp 2.2", "Điểm đạt / điểm tối đa của các ô chấm tự động (%)", "Năng lực")
    out["hoan_thanh"] = _threshold_bars(
        rows, t.units["Tỷ lệ hoàn thành (%)"].to_numpy(dtype=float), cut, 0.28, "chưa có học viên",
        "Tỷ lệ hoàn thành theo đơn vị", "Bài đã chấm / bài phải nộp (%)", "Đơn vị")
    return out


def _threshold_bars(labels: list[str], values, cut: float, row_height: float, empty: str,
                    title: str, xlabel: str, ylabel: str) -> str:
    """A horizontal bar per row, first row on top, in red under the threshold, `empty` where there
    is no value; a dashed line at the threshold. Returns the embedded PNG."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, row_height * len(labels) + 1.2))
    values = np.asarray(values, dtype=float)[::-1]
    ax.barh(labels[::-1], np.nan_to_num(values), color=["#c0392b" if v < cut else "#2e86c1" for v in values])
    for y, v in enumerate(values):
        if np.isnan(v):
            ax.text(1, y, empty, va="center", fontsize=8, color="#555555")
    ax.axvline(cut, color="#555555", linestyle="--", linewidth=1)
    ax.set_xlim(0, 100)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    png = _png(fig)
    plt.close(fig)
    return png


# --- HTML --------------------------------------------------------------------------------------

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { border-bottom: 2px solid #2e86c1; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .85em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; vertical-align: top; }
th { background: #eaf2f8; text-align: left; }
td.so { text-align: right; white-space: nowrap; }
tr.duoi-nguong td { background: #fde2e1; }
td.chua-cham { color: #888; } td.loi { color: #c0392b; }
img { max-width: 100%; } .ghi-chu { color: #555; font-size: .9em; }
nav a { margin-right: 1em; }
"""


def _cell(value) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{'có' if value else ''}</td>"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f'<td class="so">{number(value)}</td>'
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else nfc(value)
    cls = ' class="loi"' if text == FAILED else ' class="chua-cham"' if text == MISSING else ""
    return f"<td{cls}>{html.escape(text)}</td>"


def html_table(df: pd.DataFrame, table_id: str, highlight: pd.Series | None = None) -> str:
    head = "".join(f"<th>{html.escape(nfc(c))}</th>" for c in df.columns)
    rows = []
    flags = highlight.to_numpy() if highlight is not None else np.zeros(len(df), dtype=bool)
    for flag, values in zip(flags, df.itertuples(index=False, name=None)):
        cls = ' class="duoi-nguong"' if flag else ""
        rows.append(f"<tr{cls}>" + "".join(_cell(v) for v in values) + "</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def _img(png: str, alt: str) -> str:
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{png}">'


def render_html(t: Tables, pngs: dict[str, str], cohort_name: str, made: datetime) -> str:
    cut = number(100 * t.threshold)
    s = dict(zip(t.summary["Chỉ số"], t.summary["Giá trị"]))
    parts = [
        "<!DOCTYPE html>", '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>Báo cáo lớp {html.escape(cohort_name)}: Kỹ năng số Vĩnh Tường</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Báo cáo kết quả học tập lớp {html.escape(cohort_name)}</h1>",
        f'<p class="ghi-chu">Khóa Kỹ năng số cho cán bộ, công chức huyện Vĩnh Tường. Lập lúc '
        f'{made.strftime("%H:%M ngày %d/%m/%Y")}. Điểm lấy từ sổ điểm nbgrader; bài không chấm được và lý do lấy '
        f"từ báo cáo chấm (grading-report.csv). Ngưỡng cảnh báo: {cut}%.</p>",
        '<nav><a href="#tong-quan">Tổng quan</a><a href="#theo-don-vi">Theo đơn vị</a>'
        '<a href="#theo-ky-nang">Theo kỹ năng</a><a href="#hoc-vien">Học viên</a><a href="#cau-hoi">Câu hỏi</a></nav>',
        '<h2 id="tong-quan">1. Tổng quan</h2>',
        f"<p>{number(s['Học viên'])} học viên, {number(s['Mô-đun'])} mô-đun: {number(s['Bài đã chấm'])} bài đã chấm, "
        f"{number(s['Bài không chấm được'])} bài không chấm được, {number(s['Bài chưa nộp'])} bài chưa nộp. "
        f"{number(s['Học viên xong cả khóa'])} học viên đã xong cả khóa.</p>",
        html_table(t.summary, "bang-tong-quan"),
        "<p>Điểm trung bình và phân bố điểm chỉ tính các bài đã chấm. Câu tự luận chưa chấm tạm tính 0 điểm "
        "trong điểm của bài (như sổ điểm nbgrader) và được đếm riêng: đó không phải lỗi của học viên mà là "
        "bài đang chờ giảng viên chấm.</p>",
        html_table(t.modules, "bang-mo-dun"),
        _img(pngs["phan_bo"], "Phân bố điểm theo mô-đun"),
        "<p>Số bài đã chấm theo khoảng điểm (% điểm tối đa):</p>",
        html_table(t.distribution, "bang-phan-bo"),
        '<h2 id="theo-don-vi">2. Theo đơn vị</h2>',
        f"<p>Mỗi dòng là một đơn vị trong 28 xã, thị trấn, và các phòng, ban của huyện. Dòng tô đỏ: đơn vị có "
        f"học viên nhưng tỷ lệ hoàn thành hoặc điểm trung bình dưới {cut}%. Tỷ lệ hoàn thành = bài đã chấm / "
        "(số học viên × số mô-đun).</p>",
        html_table(t.units, "bang-don-vi", t.units["Dưới ngưỡng"]),
        _img(pngs["hoan_thanh"], "Tỷ lệ hoàn thành theo đơn vị"),
        _img(pngs["don_vi_mo_dun"], "Điểm trung bình theo đơn vị và mô-đun"),
        html_table(t.unit_module, "bang-don-vi-mo-dun"),
        '<h2 id="theo-ky-nang">3. Theo kỹ năng (DigComp 2.2)</h2>',
        "<p>Mỗi câu hỏi rèn một năng lực (xem course/manifest.yml). Mức thành thạo = điểm đạt / điểm tối đa "
        "của các ô chấm tự động thuộc năng lực đó, trên các bài đã chấm. Câu tự luận không tính vào đây.</p>",
        html_table(t.skills, "bang-ky-nang", t.skills["Mức thành thạo (%)"] < 100 * t.threshold),
        _img(pngs["ky_nang"], "Mức thành thạo theo năng lực"),
        '<h2 id="hoc-vien">4. Học viên</h2>',
        f"<p>Bảng điểm từng học viên, xếp theo đơn vị. Dòng tô đỏ: điểm trung bình dưới {cut}% hoặc có bài "
        "không chấm được. Ghi chú nêu lý do bài không chấm được và các câu tự luận đang chờ chấm.</p>",
        html_table(t.officials, "bang-hoc-vien",
                   (t.officials["Điểm trung bình (%)"] < 100 * t.threshold)
                   | t.officials[list(t.modules["Mã mô-đun"])].eq(FAILED).any(axis=1)),
        '<h2 id="cau-hoi">5. Câu hỏi</h2>',
        "<p>Câu khó nhất trước: tỷ lệ bài đạt trọn điểm câu đó. Bỏ trống: học viên để nguyên ô trả lời (đếm từ "
        "các notebook đã chấm). Câu tự luận chờ chấm không tính là sai.</p>",
        html_table(t.questions, "bang-cau-hoi"),
        "<p>Thông báo lỗi gặp nhiều nhất ở các ô kiểm tra (thường cho biết học viên trả lời sai thế nào):</p>",
        html_table(t.messages, "bang-loi"),
        "</body></html>",
    ]
    return nfc("\n".join(parts))


# --- Excel --------------------------------------------------------------------------------------

SHEETS = {  # sheet name -> Tables field
    "Tổng quan": "summary", "Mô-đun": "modules", "Phân bố điểm": "distribution", "Theo đơn vị": "units",
    "Đơn vị × mô-đun": "unit_module", "Theo kỹ năng": "skills", "Học viên": "officials", "Bài nộp": "submissions",
    "Câu hỏi": "questions", "Lỗi thường gặp": "messages",
}


def write_workbook(t: Tables, path: Path) -> Path:
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    red = PatternFill("solid", fgColor="FDE2E1")
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for sheet, name in SHEETS.items():
            df = getattr(t, name)
            df.to_excel(xw, sheet_name=sheet, index=False)
            ws = xw.sheets[sheet]
            ws.freeze_panes = "A2"
            for j, col in enumerate(df.columns, start=1):
                ws.cell(row=1, column=j).font = Font(bold=True)
                sample = [len(str(col))] + [len(str(v)) for v in df[col].head(200)]
                ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, max(sample) + 2))
                if "%" in str(col) or col in ("Điểm trung bình", "Điểm", "Điểm đạt", "Tổng điểm"):
                    for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                        c.number_format = "0.0"
        ws = xw.sheets["Theo đơn vị"]
        for i, behind in enumerate(t.units["Dưới ngưỡng"], start=2):
            if behind:
                for c in ws[i]:
                    c.fill = red
        ws = xw.sheets["Đơn vị × mô-đun"]
        if len(t.unit_module) and t.unit_module.shape[1] > 2:
            area = f"C2:{get_column_letter(t.unit_module.shape[1])}{len(t.unit_module) + 1}"
            ws.conditional_formatting.add(area, ColorScaleRule(start_type="num", start_value=0, start_color="F8696B",
                                                               mid_type="num", mid_value=50, mid_color="FFEB84",
                                                               end_type="num", end_value=100, end_color="63BE7B"))
    return path


# --- the verb -------------------------------------------------------------------------------------

def report(root: Path, out: Path | None = None, threshold: float = DEFAULT_THRESHOLD) -> tuple[Path, Path]:
    """Write the HTML report and the workbook of a cohort; returns their paths."""
    if not (root / "gradebook.db").is_file():
        raise SystemExit(f"Lớp {root.name} chưa có sổ điểm ({root / 'gradebook.db'}): chạy `kynangso grade` trước.")
    tables = compute(load(root), threshold)
    out = out if out is not None else root / REPORT_DIR
    out = out if out.is_absolute() else root / out
    out.mkdir(parents=True, exist_ok=True)
    page = render_html(tables, charts(tables), root.name, datetime.now(VN_TZ))
    html_path = out / HTML_FILE
    html_path.write_text(page, encoding="utf-8")
    return html_path, write_workbook(tables, out / XLSX_FILE)


def add_arguments(p) -> None:
    p.add_argument("name", help="cohort name")
    p.add_argument("--out", type=Path, default=None,
                   help=f"folder for the report (default: {REPORT_DIR}/ in the cohort folder; relative to it)")
    p.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD,
                   help="units and competences below this share of points or completion are highlighted (0-1)")


def run(args) -> int:
    if not 0 <= args.threshold <= 1:
        print("Ngưỡng (--threshold) phải từ 0 đến 1, ví dụ 0.5 cho 50%.")
        return 2
    root = course.course_root(args.name, create=False)
    html_path, xlsx_path = report(root, args.out, args.threshold)
    print(f"Báo cáo lớp {args.name}:")
    print(f"  {html_path}")
    print(f"  {xlsx_path}")
    return 0
