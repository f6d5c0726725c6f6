"""What one grading leaves for one submission, in the gradebook, autograded/ and feedback/: its
report row (`Row`), graded or failed (`settle`); a failure gives back the last good grading kept
before the run (`keep_previous`, `restore_previous`) or, when there was none or the instructor
chose it, a 0 (`record_zero`); a grading stopped half-way is rolled back (`roll_back`). Then the
cohort's two records of a run, written whole: grades.csv (nbgrader's export) and
grading-report.csv (a row per submission, merged with earlier runs' rows)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import messages
from . import roster, safety
from .reasons import describe_graded

REPORT_FILE = "grading-report.csv"
GRADES_FILE = "grades.csv"
REPORT_COLUMNS = ["student", "ho_ten", "ma_don_vi", "assignment", "status", "score", "max_score", "reason"]


@dataclass
class Row:
    """One row of grading-report.csv (the official's name and unit are added from the roster)."""

    student: str
    assignment: str
    status: str  # "graded" | "failed"
    reason: str
    score: float = 0.0
    max_score: float = 0.0


def record_zero(root: Path, gb, module_id: str, student: str) -> None:
    """This submission could not be graded and the instructor chose 0 (or it was never graded
    before): it scores 0 in the gradebook and the export, and what an earlier grading left in
    autograded/ and feedback/ is removed. The learner's submitted files are not touched."""
    from nbgrader.utils import parse_utc

    stamp = root / "submitted" / student / module_id / "timestamp.txt"
    kwargs = {}
    if stamp.is_file() and stamp.read_text(encoding="utf-8").strip():
        with contextlib.suppress(ValueError):  # a bad timestamp.txt must not stop the zero
            kwargs["timestamp"] = parse_utc(stamp.read_text(encoding="utf-8").strip())
    gb.update_or_create_student(student)
    sub = gb.update_or_create_submission(module_id, student, **kwargs)
    for nb in sub.notebooks:
        for g in nb.grades:
            g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade = 0, None, None, False
        for c in nb.comments:
            c.auto_comment = messages.text("cohorts.grade.zero_comment")
    gb.db.commit()
    for step in ("autograded", "feedback"):
        shutil.rmtree(root / step / student / module_id, ignore_errors=True)


def snapshot(gb, module_id: str, student: str) -> dict | None:
    """The submission's grades and comments as the gradebook has them (None: not in it)."""
    from nbgrader.api import MissingEntry

    try:
        sub = gb.find_submission(module_id, student)
    except MissingEntry:
        return None
    return {
        "timestamp": sub.timestamp.isoformat() if sub.timestamp else None,
        "notebooks": {
            nb.name: {
                "grades": {
                    g.name: [g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade] for g in nb.grades
                },
                "comments": {c.name: [c.auto_comment, c.manual_comment] for c in nb.comments},
            }
            for nb in sub.notebooks
        },
    }


def keep_previous(root: Path, gb, module_id: str, student: str) -> None:
    """Before a submission is graded again, keep its last good grading (gradebook values and the
    autograded/ files, hard-linked) in kept/<official>/<module>/: a failure gives it back. A kept
    copy left by an interrupted run is the last good one and is not replaced."""
    folder = root / safety.KEPT / student / module_id
    if (folder / "grades.json").is_file():
        return
    shutil.rmtree(folder, ignore_errors=True)  # a copy a kill cut short: autograded/ is still whole
    graded = root / "autograded" / student / module_id
    snap = snapshot(gb, module_id, student) if graded.is_dir() else None
    folder.mkdir(parents=True)
    if snap is not None:
        shutil.copytree(graded, folder / "autograded", copy_function=os.link)
    safety.write_whole(folder / "grades.json", json.dumps(snap, ensure_ascii=False))


def previous(root: Path, module_id: str, student: str) -> dict | None:
    """The kept last good grading of a submission (None: it had none)."""
    path = root / safety.KEPT / student / module_id / "grades.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def restore_previous(root: Path, gb, module_id: str, student: str) -> bool:
    """Give the submission back its kept last good grading (gradebook and autograded/); False when
    it had none (then nothing is changed)."""
    from datetime import datetime

    snap = previous(root, module_id, student)
    if snap is None:
        return False
    sub = gb.update_or_create_submission(module_id, student)
    if snap.get("timestamp"):
        sub.timestamp = datetime.fromisoformat(snap["timestamp"])
    for nb in sub.notebooks:
        saved = snap["notebooks"].get(nb.name, {})
        for g in nb.grades:
            if g.name in saved.get("grades", {}):
                g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade = saved["grades"][g.name]
        for c in nb.comments:
            if c.name in saved.get("comments", {}):
                c.auto_comment, c.manual_comment = saved["comments"][c.name]
    gb.db.commit()
    dest = root / "autograded" / student / module_id
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(root / safety.KEPT / student / module_id / "autograded", dest, copy_function=os.link)
    return True


def roll_back(root: Path, gb, module_id: str, student: str) -> None:
    """A grading stopped half-way: the submission is as it was before the run (its last good
    grading, or not graded at all)."""
    from nbgrader.api import MissingEntry

    if not restore_previous(root, gb, module_id, student):
        shutil.rmtree(root / "autograded" / student / module_id, ignore_errors=True)
        with contextlib.suppress(MissingEntry):
            gb.remove_submission(module_id, student)


def stamp(root: Path, module_id: str, student: str) -> str:
    """The submission's time as collected (timestamp.txt), to know a resubmission from a resumed one."""
    try:
        return (root / "submitted" / student / module_id / "timestamp.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def settle(root, gb, module_id, student, why, max_score, zero_failed, journal, expected=None) -> Row:
    """Record one submission's outcome: graded (its row says what the grader found), or failed
    (`why`): the last good grade is given back unless the instructor chose 0 or there was none.
    The row goes to the journal at once, so a killed run loses no finished work."""
    t = messages.text
    if why is None:
        sub = gb.find_submission(module_id, student)
        folder = root / "autograded" / student / module_id
        row = Row(student, module_id, "graded", describe_graded(folder, expected or [], sub), sub.score, max_score)
    elif not zero_failed and restore_previous(root, gb, module_id, student):
        sub = gb.find_submission(module_id, student)
        kept = t(
            "cohorts.grade.kept_previous",
            score=sub.score,
            max_score=max_score,
            name=root.name,
            module=module_id,
            student=student,
        )
        row = Row(student, module_id, "failed", f"{why} {kept}", sub.score, max_score)
    else:
        record_zero(root, gb, module_id, student)
        row = Row(student, module_id, "failed", why, 0.0, max_score)
    journal.done(module_id, student, {"row": asdict(row), "stamp": stamp(root, module_id, student)})
    return row


def merge_report(root: Path, rows: list[Row]) -> list[Row]:
    """Rows of this run replace the earlier rows of the same (student, module); others are kept
    (a damaged earlier report is set aside by `kynangso doctor`; its unreadable rows are dropped)."""
    path = root / REPORT_FILE
    new = {(r.student, r.assignment) for r in rows}
    kept = []
    if path.is_file():
        with path.open(encoding="utf-8", newline="", errors="replace") as f:
            for old in csv.DictReader(f):
                try:
                    key = (old["student"], old["assignment"])
                    row = Row(
                        key[0],
                        key[1],
                        old["status"],
                        old["reason"],
                        float(old["score"] or 0),
                        float(old["max_score"] or 0),
                    )
                except (KeyError, TypeError, ValueError):
                    continue
                if key not in new:
                    kept.append(row)
    return sorted(kept + rows, key=lambda r: (r.assignment, r.student))


def export_grades(root: Path, gb) -> Path:
    """grades.csv: nbgrader's CSV export of the whole gradebook (written whole: a reader or a crash
    never sees half a file)."""
    from nbgrader.plugins import CsvExportPlugin

    path = root / GRADES_FILE
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    CsvExportPlugin(to=str(tmp)).export(gb)
    os.replace(tmp, path)
    return path


def write_report(root: Path, rows: list[Row]) -> Path:
    """grading-report.csv from `rows`, with each official's name and unit from the roster."""
    people = {r["ma_can_bo"]: r for r in roster.roster(root)}
    path = root / REPORT_FILE
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(REPORT_COLUMNS)
    for r in rows:
        p = people.get(r.student, {})
        w.writerow(
            [
                r.student,
                p.get("ho_ten", ""),
                p.get("ma_don_vi", ""),
                r.assignment,
                r.status,
                f"{r.score:g}",
                f"{r.max_score:g}",
                r.reason,
            ]
        )
    safety.write_whole(path, out.getvalue())
    return path
