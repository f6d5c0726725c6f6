"""A learner's everyday slips with cells are graded fairly: a copied answer or test cell, an edited
grade id, an answer marked as graded, a changed cell type. Each scores what the same work scores
without the slip, and the report and the feedback say what was repaired, in Vietnamese. A
submission that truly cannot be graded keeps the official's last good grade until the instructor
gives it 0 (`--zero-failed`)."""

import copy

import nbformat
import pytest

from kynangso import cli
from kynangso.authoring import notebook as nbm

from scenarios import Released, read_csv

MODULE = "00-lam-quen"
NAME = "bai-tap.ipynb"
LIMITS = ["--cell-timeout", "10", "--notebook-timeout", "60", "--no-progress"]
CORRUPT = b'{"cells": [{"cell_type": "code", "source": "tong_dan_so = '
SLIPS = [
    "clean",
    "dup-answer",
    "dup-answer-wrong-first",
    "dup-test",
    "renamed-id",
    "marked-graded",
    "type-changed",
    "junk-metadata",
    "broken-after-good",
]


def _index(nb, gid):
    return next(i for i, c in enumerate(nb.cells) if nbm.grade_id(c) == gid)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("slips")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    r = Released(tmp, "slips", SLIPS, MODULE)
    best, gid = r.best, r.gid
    wrong_q1 = "so_don_vi = -1\n"

    def dup_answer(nb, first_wrong=False):
        i = _index(nb, gid["q1"])
        copy_ = copy.deepcopy(nb.cells[i])
        copy_["id"] = "copy-of-q1"
        if first_wrong:
            nb.cells[i].source = nbm.fill_answer(nb.cells[i].source, wrong_q1)
        else:
            copy_.source = nbm.fill_answer(copy_.source, wrong_q1)
        nb.cells.insert(i + 1, copy_)

    def dup_test(nb):
        i = next(i for i, c in enumerate(nb.cells) if nbm.is_test(c))
        copy_ = copy.deepcopy(nb.cells[i])
        copy_["id"] = "copy-of-test"
        nb.cells.insert(i + 1, copy_)

    def renamed(nb):
        nb.cells[_index(nb, gid["q3"])].metadata.nbgrader["grade_id"] = "cau3_cua_toi"

    def marked(nb):
        meta = nb.cells[_index(nb, gid["q4"])].metadata.nbgrader
        meta["grade"], meta["points"] = True, 5

    def retyped(nb):
        cell = nb.cells[_index(nb, gid["q5"])]
        nb.cells[_index(nb, gid["q5"])] = nbformat.v4.new_markdown_cell(cell.source, metadata=cell.metadata)

    def junk(nb):
        nb.cells.insert(1, nbformat.v4.new_code_cell("x_nhap = 1\n", metadata={"nbgrader": "không phải từ điển"}))

    r.submit("clean", best)
    r.submit("dup-answer", best, edit=dup_answer)
    r.submit("dup-answer-wrong-first", best, edit=lambda nb: dup_answer(nb, first_wrong=True))
    r.submit("dup-test", best, edit=dup_test)
    r.submit("renamed-id", best, edit=renamed)
    r.submit("marked-graded", best, edit=marked)
    r.submit("type-changed", best, edit=retyped)
    r.submit("junk-metadata", best, edit=junk)
    r.submit("broken-after-good", best)
    assert cli.main(["grade", "slips", "--module", MODULE, *LIMITS]) == 0
    first = {x["student_id"]: float(x["score"]) for x in read_csv(r.root / "grades.csv")}
    report = {x["student"]: x for x in read_csv(r.root / "grading-report.csv")}
    # the good one is sent again, broken
    r.submit("broken-after-good", raw={NAME: CORRUPT})
    assert cli.main(["grade", "slips", "--module", MODULE, "--student", "broken-after-good", *LIMITS]) == 0
    kept = {x["student_id"]: float(x["score"]) for x in read_csv(r.root / "grades.csv")}
    kept_report = {x["student"]: x for x in read_csv(r.root / "grading-report.csv")}
    yield {"r": r, "first": first, "report": report, "kept": kept, "kept_report": kept_report}
    mp.undo()


def test_each_slip_scores_what_the_same_work_scores(graded):
    first, clean = graded["first"], graded["first"]["clean"]
    q1 = graded["r"].questions["q1"].points
    assert clean > 0
    for s in ["dup-answer", "dup-test", "renamed-id", "marked-graded", "type-changed", "junk-metadata"]:
        assert first[s] == clean, s
    # the first copy of a duplicated answer is the one graded
    assert first["dup-answer-wrong-first"] == clean - q1


def test_the_report_says_what_was_repaired_in_vietnamese(graded):
    report = graded["report"]
    assert all(report[s]["status"] == "graded" for s in SLIPS)
    assert "bị nhân đôi: đã chấm bản đầu tiên" in report["dup-answer"]["reason"]
    assert "bị nhân đôi" in report["dup-test"]["reason"] and "đề gốc" in report["dup-test"]["reason"]
    assert "cau3_cua_toi" in report["renamed-id"]["reason"]
    assert "khôi phục theo đề gốc" in report["marked-graded"]["reason"]
    assert "bị đổi kiểu (markdown → code)" in report["type-changed"]["reason"]
    assert "Lưu ý" not in report["clean"]["reason"] and "nhân đôi" not in report["clean"]["reason"]


def test_feedback_tells_the_learner(graded):
    r = graded["r"]
    assert cli.main(["feedback", "slips", "--module", MODULE, "--student", "dup-answer", "--no-progress"]) == 0
    html = (r.root / "feedback" / "dup-answer" / MODULE / "bai-tap.html").read_text(encoding="utf-8")
    assert "Lưu ý khi chấm bài" in html and "bị nhân đôi" in html


def test_a_broken_resubmission_keeps_the_last_good_grade_until_the_instructor_decides(graded):
    r, first = graded["r"], graded["first"]
    assert graded["kept"]["broken-after-good"] == first["broken-after-good"] > 0
    row = graded["kept_report"]["broken-after-good"]
    assert row["status"] == "failed" and float(row["score"]) == first["broken-after-good"]
    assert "hỏng" in row["reason"] and "vẫn được giữ" in row["reason"] and "--zero-failed" in row["reason"]
    assert (r.root / "autograded" / "broken-after-good" / MODULE / NAME).is_file()
    # the others' grades were not touched by that run
    assert {k: v for k, v in graded["kept"].items() if k != "broken-after-good"} == {
        k: v for k, v in first.items() if k != "broken-after-good"
    }
    args = ["grade", "slips", "--module", MODULE, "--student", "broken-after-good", "--zero-failed", *LIMITS]
    assert cli.main(args) == 0
    zero = {x["student_id"]: float(x["score"]) for x in read_csv(r.root / "grades.csv")}
    assert zero["broken-after-good"] == 0.0
    assert not (r.root / "autograded" / "broken-after-good" / MODULE).exists()
    assert not (r.root / "kept").exists() and not (r.root / "grading-journal.jsonl").exists()
    assert list((r.root / "backups").glob("gradebook-*.db"))
