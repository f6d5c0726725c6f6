"""The grading engine on module 00, with officials named by scenario.

Every scenario asserts its exact score in the gradebook and the export, and its row in
grading-report.csv. Honest submissions are also graded by stock `nbgrader autograde` on a copy
of the cohort: the per-cell scores must be the same.
"""

import shutil
import sqlite3
import subprocess
import sys

import nbformat
import pytest

from kynangso import cli
from kynangso.authoring import execute
from kynangso.authoring import notebook as nbm
from kynangso.authoring.settings import Limits
from kynangso.cohorts import course, grade, simulate
from kynangso.grading import pool

from scenarios import Released, public_passing_mistake, read_csv

MODULE = "00-lam-quen"
NAME = "bai-tap.ipynb"
CORRUPT = b'{"cells": [{"cell_type": "code", "source": "tong_dan_so = '
LIMITS = ["--cell-timeout", "4", "--notebook-timeout", "12", "--memory-mb", "1536", "--output-chars", "20000"]
SWALLOW = "while True:\n    try:\n        while True:\n            pass\n    except KeyboardInterrupt:\n        pass\n"
WARN_HOOK = (
    "\nimport warnings\nwarnings.simplefilter('always')\n"
    "get_ipython().events.register('pre_run_cell', lambda *a: warnings.warn("
    "'DataFrame.applymap has been deprecated', FutureWarning))\n"
)
HONEST = ["passes-all", "fails-hidden", "blank", "syntax-error", "seeded-1", "seeded-2", "seeded-3"]
ATTACKS_ON_THE_GRADER = [
    "corrupted-json",
    "renamed-notebook",
    "kernel-dies",
    "kernel-dies-after-full-marks",
    "infinite-loop",
    "swallows-interrupt",
    "memory-bomb",
    "huge-output",
    "deleted-test-cell",
    "altered-test-cell",
    "warning-in-answer",
    "slow-notebook",
]
SCENARIOS = HONEST + ATTACKS_ON_THE_GRADER


def per_cell(root):
    with course.gradebook(root) as gb:
        return {
            (sub.student.id, nb.name, g.name): g.auto_score
            for sub in gb.assignment_submissions(MODULE)
            for nb in sub.notebooks
            for g in nb.grades
        }


def gradebook_rows(root):
    """Everything grading writes, as plain rows (ids vary between runs; names do not)."""
    con = sqlite3.connect(root / "gradebook.db")
    try:
        return sorted(
            con.execute(
                "select st.id, a.name, sa.timestamp, n.name, bc.name, g.auto_score, g.manual_score, g.needs_manual_grade "
                "from grade g join submitted_notebook sn on g.notebook_id = sn.id "
                "join submitted_assignment sa on sn.assignment_id = sa.id join student st on sa.student_id = st.id "
                "join assignment a on sa.assignment_id = a.id join notebook n on sn.notebook_id = n.id "
                "join base_cell bc on g.cell_id = bc.id"
            ).fetchall()
        )
    finally:
        con.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A cohort with one submission per scenario, graded by the engine (and the honest ones by stock
    nbgrader on a copy)."""
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("engine")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    r = Released(tmp, "eng", SCENARIOS, MODULE)
    root, source, best, qs, gid, submit = r.root, r.source, r.best, r.questions, r.gid, r.submit
    auto_total = sum(q.points for q in qs.values() if q.tests)

    def run_grade(*extra):
        assert cli.main(["grade", "eng", "--module", MODULE, "--no-progress", *LIMITS, *extra]) == 0

    # graded once with full marks, so that a later broken resubmission must not keep them
    submit("kernel-dies-after-full-marks", best)
    run_grade("--student", "kernel-dies-after-full-marks")
    first = {r["student_id"]: float(r["score"]) for r in read_csv(root / "grades.csv")}

    q_hidden, a_hidden, wrong = public_passing_mistake(source)
    submit("passes-all", best)
    submit("fails-hidden", {**best, nbm.grade_id(source.cells[a_hidden]): wrong})
    submit("blank", {})
    submit("syntax-error", {**best, gid["q1"]: "so_don_vi = (28\n"})
    for n, seed in enumerate([11, 12, 13], start=1):
        rng = simulate.random.Random(seed)
        submit(f"seeded-{n}", simulate.seeded_answers(source, rng))
    submit("corrupted-json", raw={NAME: CORRUPT})
    submit("renamed-notebook", best, name="bai-tap (1).ipynb")
    submit("kernel-dies", {**best, gid["q5"]: "import os\nos._exit(1)\n"})
    submit("kernel-dies-after-full-marks", {**best, gid["q5"]: "import os\nos._exit(1)\n"})
    submit("infinite-loop", {**best, gid["q3"]: "while True:\n    pass\n"})
    submit("swallows-interrupt", {**best, gid["q3"]: SWALLOW})
    submit("memory-bomb", {**best, gid["q4"]: "x = bytearray(4 * 1024 ** 3)\n"})
    submit("huge-output", {**best, gid["q1"]: best[gid["q1"]] + '\nprint("x" * 5_000_000)\n'})
    submit("warning-in-answer", {**best, gid["q1"]: best[gid["q1"]] + WARN_HOOK})
    # every cell within the cell limit, the whole notebook over its limit
    submit("slow-notebook", {**best, **{g: "import time\ntime.sleep(3.5)\n" + best[g] for g in gid.values()}})

    def drop_q2_tests(nb):
        nb.cells = [c for c in nb.cells if nbm.grade_id(c) != "q2_tests"]

    submit("deleted-test-cell", best, edit=drop_q2_tests)

    def neuter_q4_tests(nb):
        for c in nb.cells:
            if nbm.grade_id(c) == "q4_tests":
                c.source = "pass  # không cần kiểm tra\n"

    submit("altered-test-cell", {**best, gid["q4"]: "tong_dan_so = 1\n"}, edit=neuter_q4_tests)

    # stock nbgrader on a copy holding only the honest submissions
    stock = root.parent / "stock"
    shutil.copytree(root, stock)
    course.course_root("stock")
    for d in (stock / "submitted").iterdir():
        if d.name not in HONEST:
            shutil.rmtree(d)
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", "autograde", MODULE, "--force"],
        cwd=stock,
        env=course.paths.tool_env(),
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]

    run_grade()
    yield {
        "root": root,
        "stock": stock,
        "source": source,
        "qs": qs,
        "auto_total": auto_total,
        "first": first,
        "q_hidden": q_hidden,
        "run_grade": run_grade,
    }
    mp.undo()


def test_every_scenario_scores_exactly_and_is_reported(graded):
    root, qs, total = graded["root"], graded["qs"], graded["auto_total"]
    assert graded["first"]["kernel-dies-after-full-marks"] == total
    expected = {
        "passes-all": total,
        "fails-hidden": total - graded["q_hidden"].points,
        "blank": 0.0,
        "syntax-error": total - qs["q1"].points,
        "corrupted-json": 0.0,
        "renamed-notebook": 0.0,
        "kernel-dies": 0.0,
        "kernel-dies-after-full-marks": total,  # its last good grade is kept until the instructor decides
        "infinite-loop": total - qs["q3"].points,  # the cell is interrupted, the rest is graded
        "swallows-interrupt": 0.0,  # the interrupt is ignored: the kernel is stopped
        "slow-notebook": 0.0,  # stopped by the notebook's wall clock
        "memory-bomb": total - qs["q4"].points,  # MemoryError in that cell, the kernel lives on
        "huge-output": total,
        "deleted-test-cell": total,
        "warning-in-answer": total,
        "altered-test-cell": total - qs["q4"].points,  # the test cell is put back from the source
    }
    exported = {r["student_id"]: float(r["score"]) for r in read_csv(root / "grades.csv") if r["assignment"] == MODULE}
    with course.gradebook(root) as gb:
        in_gradebook = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
    report = {r["student"]: r for r in read_csv(root / "grading-report.csv")}
    for student, score in expected.items():
        assert exported[student] == score, student
        assert in_gradebook[student] == score, student  # a failure is a 0 for this submission, not a gap
        assert float(report[student]["score"]) == score, student
        assert report[student]["ho_ten"].startswith("Học Viên Mẫu")
    failed = {
        "corrupted-json": ["hỏng", NAME],
        "renamed-notebook": ["Không có tệp bai-tap.ipynb", "bai-tap (1).ipynb"],
        "kernel-dies": ["kernel dừng đột ngột"],
        "kernel-dies-after-full-marks": ["kernel dừng đột ngột", "vẫn được giữ", "--zero-failed"],
        "swallows-interrupt": ["quá 4 giây", "không dừng khi máy chấm yêu cầu dừng"],
        "slow-notebook": ["cả bài chạy quá 12 giây"],
    }
    for student, words in failed.items():
        assert report[student]["status"] == "failed", student
        for w in words:
            assert w in report[student]["reason"], (student, report[student]["reason"])
    for student in set(expected) - set(failed):
        assert report[student]["status"] == "graded", student
    assert "q3_answer (KeyboardInterrupt: ô chạy quá thời gian" in report["infinite-loop"]["reason"]
    assert "q4_answer (MemoryError: ô dùng quá bộ nhớ" in report["memory-bomb"]["reason"]
    # a failure with no earlier grade keeps nothing in autograded/; one with an earlier grade keeps
    # that grading's files, beside the failure in the report
    assert "vẫn được giữ" not in report["kernel-dies"]["reason"]
    assert not (root / "autograded" / "kernel-dies" / MODULE).exists()
    assert (root / "autograded" / "kernel-dies-after-full-marks" / MODULE / NAME).is_file()
    # the learners' files are kept as sent
    assert (root / "submitted" / "corrupted-json" / MODULE / NAME).read_bytes() == CORRUPT
    assert (root / "submitted" / "renamed-notebook" / MODULE / "bai-tap (1).ipynb").is_file()


def test_no_kernel_outlives_the_grading(graded):
    import psutil

    root = str(graded["root"])
    left = []
    for p in psutil.process_iter(["cmdline", "cwd"]):
        try:
            if (p.info["cwd"] or "").startswith(root) or "kynangso.grading.zygote" in " ".join(p.info["cmdline"] or []):
                left.append((p.pid, p.info["cwd"], p.info["cmdline"]))
        except psutil.Error:
            pass
    assert left == []


def test_runaways_are_bounded(graded):
    root = graded["root"]
    nb = nbformat.read(root / "autograded" / "huge-output" / MODULE / NAME, as_version=4)
    q1 = next(c for c in nb.cells if nbm.grade_id(c) == "q1_answer")
    text = "".join(o.get("text", "") for o in q1.outputs)
    assert 19_900 <= len(text) <= 20_000 and "Đã cắt bớt" in text
    assert (root / "autograded" / "huge-output" / MODULE / NAME).stat().st_size < 200_000
    # the deleted test cell is back, from the source
    nb = nbformat.read(root / "autograded" / "deleted-test-cell" / MODULE / NAME, as_version=4)
    assert any(nbm.grade_id(c) == "q2_tests" for c in nb.cells)
    # the warning the learner's kernel prints before every cell cost nothing, and never reaches the
    # test cells: they run in the trusted runner (trusted.py)
    nb = nbformat.read(root / "autograded" / "warning-in-answer" / MODULE / NAME, as_version=4)
    assert any("FutureWarning" in execute.stderr_of(c) for c in nb.cells if nbm.grade_id(c) == "q2_answer")
    assert not any("FutureWarning" in execute.stderr_of(c) for c in nb.cells if nbm.is_test(c))


def test_honest_submissions_score_as_stock_nbgrader(graded):
    ours = {k: v for k, v in per_cell(graded["root"]).items() if k[0] in HONEST}
    stock = {k: v for k, v in per_cell(graded["stock"]).items() if k[0] in HONEST}
    assert len(ours) == len(stock) > 0
    assert ours == stock
    assert len({v for k, v in ours.items()}) > 1  # not all alike: the comparison can tell a difference


def test_regrading_is_idempotent_and_can_target_one_official(graded):
    root = graded["root"]
    before = gradebook_rows(root)
    report_before = read_csv(root / "grading-report.csv")
    log = root / "logs" / "grade" / MODULE / "passes-all.log"
    other = root / "logs" / "grade" / MODULE / "blank.log"
    mtimes = (log.stat().st_mtime_ns, other.stat().st_mtime_ns)
    graded["run_grade"]("--student", "passes-all")
    assert log.stat().st_mtime_ns > mtimes[0] and other.stat().st_mtime_ns == mtimes[1]
    assert gradebook_rows(root) == before
    assert read_csv(root / "grading-report.csv") == report_before  # the other officials' rows are kept


def test_feedback_is_written_for_graded_submissions_only(graded):
    root = graded["root"]
    assert cli.main(["feedback", "eng", "--module", MODULE, "--no-progress"]) == 0
    html = root / "feedback" / "passes-all" / MODULE / "bai-tap.html"
    assert html.is_file()
    assert not (root / "feedback" / "kernel-dies" / MODULE).exists()
    text = html.read_text(encoding="utf-8")
    assert "Vĩnh Tường" in text and f"{graded['auto_total']:g}" in text


def test_progress_reports_done_total_failures_and_eta():
    import io

    out = io.StringIO()
    bar = pool.Progress(4, stream=out)
    for ok in (True, False, True, True):
        bar.update({"ok": ok})
    bar.close()
    lines = out.getvalue().splitlines()
    assert lines[-1].startswith("  chấm bài: 4/4, không chấm được: 1,") and "còn khoảng 0 s" in lines[-1]
    assert len(lines) == 4


def test_failure_reasons_name_the_limits():
    lim = Limits(cell_timeout=7, notebook_timeout=99, memory_mb=1234, output_chars=100)
    assert "99 giây" in grade.failure_reason("notebook_timeout", lim)
    assert "1,234 MB" in grade.failure_reason("kernel_died", lim)
    assert "logs/x.log" in grade.failure_reason("grader_error", lim, "logs/x.log")
