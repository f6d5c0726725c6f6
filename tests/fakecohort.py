"""A graded cohort made in seconds, without running a notebook: for the report's tests and benchmark.

The cohort is real where the report reads it: a roster of synthetic officials spread over the
units, modules released by `nbgrader generate_assignment` (so the gradebook holds nbgrader's own
assignments, notebooks and grade cells), submissions and grades written into nbgrader's tables,
grading-report.csv as `kynangso grade` writes it, and autograded notebooks whose failed test cells
carry error outputs. Only the grading is imagined: each official has a seeded ability, each unit a
seeded engagement, and every grade follows from them.
"""

from __future__ import annotations

import csv
import json
import random
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm
from kynangso.authoring.settings import settings
from kynangso.cohorts import course, grade, outcomes, roster
from kynangso.data.base import person
from kynangso.data.units import COMMUNE_STAFF, DISTRICT_CODE, UNITS, email_address, unit_code

FAILURES = [  # reasons `kynangso grade` gives when it cannot grade a submission
    "Không có tệp bai-tap.ipynb trong bài nộp (trong bài nộp chỉ có bai-tap (1).ipynb: có thể tệp đã bị đổi tên).",
    "Tệp bai-tap.ipynb bị hỏng, không mở được như một notebook (Expecting value: line 1 column 1). "
    "Học viên cần nộp lại tệp .ipynb lưu từ JupyterLab.",
    *[grade.failure_reason(kind, settings().limits) for kind in ("kernel_died", "notebook_timeout", "memory")],
]
WRONG = [  # how a failed test cell's message varies with the wrong answer (weights: common to rare)
    ("Chưa đúng: {what}", 6),
    ("Sai kiểu dữ liệu: {what}", 3),
    ("Thiếu hoặc thừa phần tử: {what}", 1),
]


def roster_rows(n: int, seed: int, empty_units=()) -> list[dict]:
    """n synthetic officials spread over the district departments (VT00) and the 28 units,
    none in empty_units."""
    rng = random.Random(f"fakecohort:{seed}:roster")
    codes = [c for c in [DISTRICT_CODE] + [unit_code(i) for i in range(len(UNITS))] if c not in set(empty_units)]
    taken: set[str] = set()
    rows = []
    for i in range(n):
        code = codes[i % len(codes)]
        p = person(rng, born=(1970, 2000))
        position = "Chuyên viên" if code == DISTRICT_CODE else rng.choice(COMMUNE_STAFF)
        rows.append(
            {
                "ma_can_bo": f"hv{i + 1:05d}",
                "ho_ten": p.ho_ten,
                "ma_don_vi": code,
                "chuc_vu": position,
                "email": email_address(p.ho_ten, code, taken),
            }
        )
    return rows


def _test_message(source: str) -> str:
    """What a test cell checks, from its docstring ('Kiểm tra: ...')."""
    first = source.strip().split('"""')
    what = first[1].strip() if len(first) > 2 else "kết quả chưa khớp đáp án"
    return what.removeprefix("Kiểm tra:").strip()


def _release(root: Path, modules) -> None:
    for m in modules:
        proc = course.run(root, "generate_assignment", m.id, "--force", log_name=f"generate-{m.id}")
        if proc.returncode != 0:
            raise RuntimeError(f"nbgrader generate_assignment {m.id} failed:\n{course.tail(proc)}")


def _structure(gb, module_id: str, root: Path) -> list[dict]:
    """The module's notebooks in the gradebook: ids, grade cells, solution cells, released JSON."""
    out = []
    for nb in gb.find_assignment(module_id).notebooks:
        release = json.loads((root / "release" / module_id / f"{nb.name}.ipynb").read_text(encoding="utf-8"))
        tests = {}
        for cell in release["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                tests[meta["grade_id"]] = _test_message("".join(cell["source"]))
        out.append(
            {
                "id": nb.id,
                "name": nb.name,
                "release": release,
                "tests": tests,
                "cells": [(c.id, c.name, float(c.max_score), c.cell_type) for c in nb.grade_cells],
                "solution_cells": [c.id for c in nb.solution_cells],
            }
        )
    return out


def _grades(rng: random.Random, ability: float, notebooks: list[dict]) -> tuple[dict, dict]:
    """Seeded grades of one submission: cell id -> (auto, manual, needs_manual_grade); and per
    notebook name, grade id -> 'ok' | 'wrong:<message>' | 'blank' for its autograded notebook."""
    grades, outcome = {}, {}
    for nb in notebooks:
        by_q: dict[str, list] = {}
        for cell in nb["cells"]:
            by_q.setdefault(nbm.question_of(cell[1]), []).append(cell)
        states = outcome[nb["name"]] = {}
        for cells in by_q.values():
            r = rng.random()
            if cells[0][3] == "markdown":  # written answer: blank, awaiting the instructor, or graded
                for cid, _, mx, _ in cells:
                    if r > ability:
                        grades[cid] = (0.0, None, False)
                    elif rng.random() < 0.5:
                        grades[cid] = (None, None, True)
                    else:
                        grades[cid] = (None, float(round(mx * rng.uniform(0.4, 1.0))), False)
                continue
            state = "ok" if r < ability else "wrong" if r < ability + (1 - ability) * 0.7 else "blank"
            for k, (cid, gid, mx, _) in enumerate(cells):
                passed = state == "ok" or (state == "wrong" and k > 0 and rng.random() < 0.5)
                grades[cid] = (mx if passed else 0.0, None, False)
                if passed:
                    states[gid] = "ok"
                elif state == "blank":
                    states[gid] = "blank"
                else:
                    fmt = rng.choices([f for f, _ in WRONG], weights=[w for _, w in WRONG])[0]
                    states[gid] = "wrong:" + fmt.format(what=nb["tests"].get(gid, gid))
    return grades, outcome


def _autograded(release: dict, states: dict[str, str]) -> dict:
    """The released notebook as nbgrader leaves it after autograding: failed cells with an error,
    the others with an output about as long as their source (executed notebooks of the demo are
    about twice their release's size, and the report reads them all)."""
    cells = []
    blank_q = {nbm.question_of(g) for g, s in states.items() if s == "blank"}
    for cell in release["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", ""))
            cell = {
                **cell,
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {"text/plain": source},
                    }
                ],
            }
            state = states.get(gid, "")
            if meta.get("solution") and not meta.get("grade") and gid and nbm.question_of(gid) in blank_q:
                cell["outputs"] = [_error("NotImplementedError", "")]
            elif state.startswith("wrong:"):
                cell["outputs"] = [_error("AssertionError", state[len("wrong:") :])]
            elif state == "blank":
                cell["outputs"] = [_error("NameError", f"name 'ket_qua_{nbm.question_of(gid)}' is not defined")]
        cells.append(cell)
    return {**release, "cells": cells}


def _error(ename: str, evalue: str) -> dict:
    return {
        "output_type": "error",
        "ename": ename,
        "evalue": evalue,
        "traceback": [f"{ename}: {evalue}" if evalue else ename],
    }


def build(
    name: str,
    officials: int,
    seed: int = 2022,
    module_ids: list[str] | None = None,
    empty_units=("VT27",),
    idle_units=("VT28",),
    engagement=(0.35, 1.0),
    fail_rate: float = 0.03,
    work: Path | None = None,
) -> Path:
    """Create the cohort `name` (in KYNANGSO_COHORTS) with `officials` officials, graded.

    empty_units have no official; idle_units' officials submit nothing; in every other unit an
    official submits each module with a probability drawn for the unit from the engagement range.
    About fail_rate of the
    submissions cannot be graded: grading-report.csv says why; half of them stay in the gradebook
    with 0 points (as after the grading engine's rewrite), half are removed (as before it)."""
    from nbgrader.api import Comment, Grade, SubmittedAssignment, SubmittedNotebook

    plan = manifest.load()
    modules = [plan.module(m) for m in module_ids] if module_ids else plan.ready_modules()
    root = course.course_root(name)
    roster_csv = (work or root) / "roster-input.csv"
    rows = roster_rows(officials, seed, empty_units)
    roster.write_roster(roster_csv, rows)
    roster.create(name, roster_csv)
    _release(root, modules)

    rng = random.Random(f"fakecohort:{seed}:grades")
    unit_codes = sorted({r["ma_don_vi"] for r in rows})
    engagement = {c: (0.0 if c in idle_units else rng.uniform(*engagement)) for c in unit_codes}
    ability = {r["ma_can_bo"]: rng.betavariate(5, 2) for r in rows}
    report_rows = []
    when = datetime(2022, 5, 9, 1, 0)  # UTC
    with course.gradebook(root) as gb:
        for m in modules:
            assignment = gb.find_assignment(m.id)
            notebooks = _structure(gb, m.id, root)
            max_score = float(assignment.max_score)
            subs, snbs, grades, comments = [], [], [], []
            for n, r in enumerate(rows):
                s = r["ma_can_bo"]
                r_rng = random.Random(f"fakecohort:{seed}:{s}:{m.id}")
                if r_rng.random() >= engagement[r["ma_don_vi"]]:
                    continue
                failed = r_rng.random() < fail_rate
                keep = not failed or r_rng.random() < 0.5
                score, outcome = 0.0, {}
                if keep:
                    sid = uuid.uuid4().hex
                    subs.append(
                        {
                            "id": sid,
                            "assignment_id": assignment.id,
                            "student_id": s,
                            "timestamp": when + timedelta(minutes=n),
                        }
                    )
                    cells, outcome = _grades(r_rng, ability[s], notebooks)
                    for nb in notebooks:
                        nid = uuid.uuid4().hex
                        snbs.append({"id": nid, "assignment_id": sid, "notebook_id": nb["id"], "flagged": False})
                        for cid, *_ in nb["cells"]:
                            auto, manual, needs = (0.0, None, False) if failed else cells[cid]
                            grades.append(
                                {
                                    "id": uuid.uuid4().hex,
                                    "notebook_id": nid,
                                    "cell_id": cid,
                                    "auto_score": auto,
                                    "manual_score": manual,
                                    "extra_credit": None,
                                    "needs_manual_grade": needs,
                                }
                            )
                            score += manual if manual is not None else auto or 0.0
                        comments += [
                            {"id": uuid.uuid4().hex, "notebook_id": nid, "cell_id": c} for c in nb["solution_cells"]
                        ]
                if failed:
                    report_rows.append(
                        [s, r["ho_ten"], r["ma_don_vi"], m.id, "failed", "0", f"{max_score:g}", r_rng.choice(FAILURES)]
                    )
                    continue
                report_rows.append(
                    [
                        s,
                        r["ho_ten"],
                        r["ma_don_vi"],
                        m.id,
                        "graded",
                        f"{score:g}",
                        f"{max_score:g}",
                        f"Đã chấm tự động (mô phỏng): {score:g}/{max_score:g} điểm.",
                    ]
                )
                for nb in notebooks:
                    if not nb["cells"]:
                        continue  # a lesson: not submitted, not graded
                    folder = root / "autograded" / s / m.id
                    folder.mkdir(parents=True, exist_ok=True)
                    (folder / f"{nb['name']}.ipynb").write_text(
                        json.dumps(_autograded(nb["release"], outcome[nb["name"]]), ensure_ascii=False),
                        encoding="utf-8",
                    )
            for table, values in [
                (SubmittedAssignment, subs),
                (SubmittedNotebook, snbs),
                (Grade, grades),
                (Comment, comments),
            ]:
                if values:
                    gb.db.execute(table.__table__.insert(), values)
            gb.db.commit()
    with (root / outcomes.REPORT_FILE).open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(outcomes.REPORT_COLUMNS)
        w.writerows(sorted(report_rows, key=lambda x: (x[3], x[0])))
    return root
