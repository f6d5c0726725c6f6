"""`kynangso doctor`: what it finds in a cohort's folder, and what `--repair` repairs (and never
erases), on a cohort made once (nbgrader's own gradebook, grades written through its API) and copied
for each test."""

import csv
import os
import random
import shutil
import sqlite3
import sys
import warnings
from pathlib import Path

import pytest

from kynangso import cli
from kynangso.cohorts import course, doctor, grade, outcomes, roster, safety

from conftest import ROOT

NAME = "mau"
OFFICIALS = 40
GRADED = ("cb0001", "cb0002")


def _roster_rows() -> list[dict]:
    return [
        {
            "ma_can_bo": f"cb{i:04d}",
            "ho_ten": f"Học Viên Mẫu {i}",
            "ma_don_vi": "VT01",
            "chuc_vu": "Công chức thử nghiệm",
            "email": f"hv{i}.vt01@vinhtuong.example",
        }
        for i in range(1, OFFICIALS + 1)
    ]


def _fabricate(root: Path) -> None:
    """Module m01 released, submitted and graded for GRADED; grades.csv and grading-report.csv written."""
    rows = []
    warnings.simplefilter("ignore")  # nbgrader's add_submission makes SQLAlchemy warn (autoflush)
    with course.gradebook(root) as gb:
        gb.add_assignment("m01")
        gb.add_notebook("bai-tap", "m01")
        gb.add_grade_cell("cau-1", "bai-tap", "m01", max_score=2.0, cell_type="code")
        for s in GRADED:
            sub = gb.add_submission("m01", s)
            for nb in sub.notebooks:
                for g in nb.grades:
                    g.auto_score = 2.0
            gb.db.commit()
            rows.append(grade.Row(s, "m01", "graded", "Đã chấm tự động.", 2.0, 2.0))
        grade.export_grades(root, gb)
    grade.write_report(root, rows)
    (root / "release" / "m01").mkdir(parents=True)
    (root / "release" / "m01" / "bai-tap.ipynb").write_text("{}", encoding="utf-8")
    for s in GRADED:
        for step in ("submitted", "autograded"):
            folder = root / step / s / "m01"
            folder.mkdir(parents=True)
            (folder / "bai-tap.ipynb").write_text("{}", encoding="utf-8")
        (root / "submitted" / s / "m01" / "timestamp.txt").write_text("2024-05-09 08:00:00.000000 UTC\n")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    base = tmp_path_factory.mktemp("doctor-template")
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        mp.setenv("KYNANGSO_COHORTS", str(base / "cohorts"))
        mp.setenv("KYNANGSO_HOME", str(ROOT))
        mp.setenv("PATH", str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
        roster.write_roster(base / "roster.csv", _roster_rows())
        root = roster.create(NAME, base / "roster.csv")
        _fabricate(root)
    return root


@pytest.fixture
def root(cohorts, template):
    shutil.copytree(template, cohorts / NAME)
    return cohorts / NAME


def doctor_says(capsys, *argv) -> tuple[int, str]:
    code = cli.main(["doctor", NAME, *argv])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text
    return code, text


def errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("  lỗi:")]


def corrupt(db: Path) -> None:
    """Random bytes over pages 2 to 5 (the first page, SQLite's header, is left alone)."""
    with open(db, "r+b") as f:
        f.seek(4096)
        f.write(random.Random(7).randbytes(4 * 4096))


def query(db: Path, sql: str) -> set:
    con = sqlite3.connect(db)
    try:
        return set(con.execute(sql))
    finally:
        con.close()


def students(db: Path) -> set[str]:
    return {r[0] for r in query(db, "SELECT id FROM student")}


def grades(db: Path) -> set[tuple[str, str, float]]:
    return query(
        db,
        "SELECT sa.student_id, a.name, g.auto_score FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id"
        " JOIN submitted_assignment sa ON sa.id = sn.assignment_id JOIN assignment a ON a.id = sa.assignment_id",
    )


def test_a_healthy_cohort_has_nothing_to_say(root, capsys):
    code, text = doctor_says(capsys)
    assert code == 0, text
    assert errors(text) == [] and "cảnh báo:" not in text, text
    assert "Không thấy vấn đề nào" in text


def test_a_corrupt_gradebook_is_restored_from_its_backup(root, capsys):
    db = root / "gradebook.db"
    backup = safety.backup(root)
    assert backup and safety.intact(backup)
    late = root / "autograded" / "cb0003" / "m01"  # graded after the backup: not in the restored book
    late.mkdir(parents=True)
    (late / "bai-tap.ipynb").write_text("{}", encoding="utf-8")
    journal = safety.Journal(root)  # a run killed after the backup: what it finished is lost too
    journal.start([("m01", "cb0003"), ("m01", "cb0004")])
    journal.done("m01", "cb0003", {"row": {}, "stamp": ""})
    corrupt(db)
    assert not safety.intact(db)
    damaged_bytes = db.read_bytes()

    code, text = doctor_says(capsys)
    assert code == 1 and any("Sổ điểm (gradebook.db) bị hỏng" in e for e in errors(text)), text
    assert "--repair" in text and db.read_bytes() == damaged_bytes  # checking writes nothing

    code, text = doctor_says(capsys, "--repair")
    assert code == 0, text
    assert "khôi phục sổ điểm từ bản sao lưu backups/" in text
    assert f"kynangso grade {NAME} --module m01 --student cb0003" in text
    after = text.split("Sau khi sửa:")[1]
    assert errors(after) == [], text
    assert safety.intact(db) and students(db) == {r["ma_can_bo"] for r in _roster_rows()}
    assert grades(db) == {(s, "m01", 2.0) for s in GRADED}  # the grades of the backup are back
    kept = list(root.glob("gradebook.damaged-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes
    assert journal.pending() == ([("m01", "cb0003"), ("m01", "cb0004")], {})  # both graded again
    assert doctor_says(capsys)[0] == 0


def test_a_garbage_gradebook_without_backup_is_kept_and_the_rebuild_is_told(root, capsys):
    db = root / "gradebook.db"
    garbage = random.Random(3).randbytes(db.stat().st_size)
    db.write_bytes(garbage)
    before = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}

    code, text = doctor_says(capsys)
    assert code == 1 and "không phải là cơ sở dữ liệu SQLite" in text, text
    assert "Không có bản sao lưu nào còn tốt" in text and f"kynangso build --cohort {NAME}" in text

    code, text = doctor_says(capsys, "--repair")
    assert code == 1, text
    assert f"kynangso cohort {NAME} --roster {root / 'roster.csv'}" in text
    after = {p.relative_to(root) for p in root.rglob("*") if p.is_file()}
    assert before - after == {Path("gradebook.db")}  # nothing deleted: the gradebook only moved aside
    kept = list(root.glob("gradebook.damaged-*.db"))
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    assert "Lớp chưa có sổ điểm" in text.split("Sau khi sửa:")[1]


def test_an_autograded_folder_without_a_submission_is_a_warning(root, capsys):
    folder = root / "autograded" / "cb0005" / "m01"
    folder.mkdir(parents=True)
    (folder / "bai-tap.ipynb").write_text("{}", encoding="utf-8")
    code, text = doctor_says(capsys)
    assert code == 0, text
    assert "cảnh báo: Có bài đã chấm ở autograded/cb0005/m01/" in text
    assert f"kynangso grade {NAME} --module m01 --student cb0005" in text


def test_a_grade_without_its_autograded_folder_is_reported_and_kept(root, capsys):
    shutil.rmtree(root / "autograded" / "cb0002")
    code, text = doctor_says(capsys, "--repair")
    assert code == 0 and "không có thư mục autograded/cb0002/m01/" in text, text
    with course.gradebook(root) as gb:
        assert gb.find_submission("m01", "cb0002").score == 2.0


def test_orphans_and_unreleased_modules_are_warnings(root, capsys):
    (root / "submitted" / "x9999" / "m01").mkdir(parents=True)
    (root / "submitted" / "cb0001" / "m09").mkdir(parents=True)
    code, text = doctor_says(capsys)
    assert code == 0, text
    assert "Học viên x9999 có bài ở submitted/x9999/" in text
    assert "Có bài nộp mô-đun m09 trong submitted/" in text


def test_an_interrupted_run_is_reported(root, capsys):
    journal = safety.Journal(root)
    journal.start([("m01", "cb0001"), ("m01", "cb0002"), ("m01", "cb0003")])
    journal.done("m01", "cb0001", {"status": "graded"})
    (root / safety.KEPT / "cb0002" / "m01").mkdir(parents=True)
    code, text = doctor_says(capsys)
    assert code == 0, text
    assert "còn 2/3 bài chưa chấm xong" in text and f"`kynangso grade {NAME}` tới sẽ chấm tiếp" in text
    assert "kept/ còn giữ bản chấm tốt gần nhất của 1 bài (cb0002/m01)" in text


def test_a_grading_run_in_progress_is_said_and_left_alone(root, capsys):
    (root / outcomes.REPORT_FILE).write_bytes(b"\xff\x00garbage")
    with safety.grading_lock(root, "grade"):
        code, text = doctor_says(capsys, "--repair")
    assert code == 1
    assert any("đang được chấm" in e for e in errors(text)), text
    assert "grade pid" in text and "grading-report.csv" not in text
    assert (root / outcomes.REPORT_FILE).read_bytes() == b"\xff\x00garbage"


def test_a_gradebook_held_by_another_program_is_said_plainly(root, capsys, monkeypatch):
    monkeypatch.setattr(doctor, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(root / "gradebook.db")
    try:
        other.execute("BEGIN EXCLUSIVE")
        code, text = doctor_says(capsys, "--repair")
    finally:
        other.rollback()
        other.close()
    assert code == 1 and any("đang bị một chương trình khác giữ" in e for e in errors(text)), text
    assert not list(root.glob("gradebook.damaged-*"))  # a busy gradebook is not a damaged one


def test_an_unreadable_report_is_moved_aside(root, capsys):
    path = root / outcomes.REPORT_FILE
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(outcomes.REPORT_COLUMNS)
        w.writerow(["cb0001", "Học Viên Mẫu 1", "VT01", "m01", "graded", "hai", "2", "Đã chấm."])
    code, text = doctor_says(capsys)
    assert code == 1 and any("grading-report.csv không đọc được (dòng 2: điểm" in e for e in errors(text)), text
    assert path.is_file()
    code, text = doctor_says(capsys, "--repair")
    assert code == 0, text
    assert not path.exists() and len(list(root.glob("grading-report.damaged-*.csv"))) == 1


def test_a_cohort_that_does_not_exist(cohorts, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["doctor", "khong-co"])
    assert exc.value.code == 2
    out = capsys.readouterr().out
    assert "Chưa có lớp khong-co" in out and "Traceback" not in out
