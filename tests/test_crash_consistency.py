"""`grade` killed (SIGKILL) at random points, or stopped with Ctrl-C, then run again: the gradebook,
autograded/, grades.csv and grading-report.csv agree with each other and equal a clean run's, and
no process of the killed run is left behind. Ctrl-C prints a Vietnamese line, never a traceback."""

import csv
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import psutil
import pytest

from kynangso.cohorts import course, simulate

from scenarios import Released

MODULE = "00-lam-quen"
NAME = "bai-tap.ipynb"
STUDENTS = [f"cb{i:04d}" for i in range(1, 9)]
LIMITS = ["--cell-timeout", "10", "--notebook-timeout", "60", "--no-progress", "--workers", "2"]
CORRUPT = b'{"cells": [{"cell_type": "code", "source": "x = '


def _csv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def state(root):
    """What grading left, after checking its four records agree with each other."""
    grades = {(r["student_id"], r["assignment"]): float(r["score"]) for r in _csv(root / "grades.csv")}
    report = {
        (r["student"], r["assignment"]): (r["status"], float(r["score"])) for r in _csv(root / "grading-report.csv")
    }
    with course.gradebook(root) as gb:
        book = {(s.student.id, MODULE): s.score for s in gb.assignment_submissions(MODULE)}
    graded = {(d.parent.name, d.name) for d in (root / "autograded").glob("*/*") if (d / NAME).is_file()}
    assert set(report) == set(book) == {k for k in grades if k in book}, "every submission is in each record"
    for key, (status, score) in report.items():
        assert grades[key] == book[key] == score, key
        if status == "graded":
            assert key in graded, key
    assert graded <= set(book)
    assert not (root / "grading-journal.jsonl").exists() and not (root / "kept").exists()
    return {"report": report, "graded": graded}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """A released cohort: six seeded submissions, a broken one, and one graded before and now broken."""
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("crash")
    cohorts = tmp / "cohorts"
    mp.setenv("KYNANGSO_COHORTS", str(cohorts))
    r = Released(tmp, "base", STUDENTS, MODULE)
    r.submit(STUDENTS[7], r.best)
    assert _grade("base", cohorts, "--student", STUDENTS[7]).returncode == 0
    for n, s in enumerate(STUDENTS[:6]):
        r.submit(s, simulate.seeded_answers(r.source, random.Random(n)))
    r.submit(STUDENTS[6], raw={NAME: CORRUPT})
    r.submit(STUDENTS[7], raw={NAME: CORRUPT})
    yield {"root": r.root, "cohorts": cohorts}
    mp.undo()


def _env(cohorts):
    return {**os.environ, "KYNANGSO_COHORTS": str(cohorts), "PATH": course.paths.tool_env()["PATH"]}


def _start(name, cohorts, *extra):
    cmd = [sys.executable, "-m", "kynangso.cli", "grade", name, "--module", MODULE, *LIMITS, *extra]
    return subprocess.Popen(
        cmd, env=_env(cohorts), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _grade(name, cohorts, *extra):
    p = _start(name, cohorts, *extra)
    out, err = p.communicate(timeout=600)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


def _copy(base, name):
    dest = base["cohorts"] / name
    shutil.copytree(base["root"], dest, symlinks=True)
    course.course_root(name)
    return dest


def _zygotes():
    return {
        p.pid
        for p in psutil.process_iter(["cmdline"])
        if "kynangso.grading.zygote" in " ".join(p.info["cmdline"] or [])
    }


def _wait_for_done_line(root, timeout=120):
    journal = root / "grading-journal.jsonl"
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if journal.is_file() and '"kind": "done"' in journal.read_text(encoding="utf-8", errors="replace"):
            return
        time.sleep(0.05)
    raise AssertionError("no submission was graded in time")


@pytest.fixture(scope="module")
def clean(base):
    root = _copy(base, "clean")
    start = time.monotonic()
    proc = _grade("clean", base["cohorts"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = state(root)
    assert s["report"][(STUDENTS[7], MODULE)][0] == "failed" and s["report"][(STUDENTS[7], MODULE)][1] > 0
    return {"state": s, "seconds": time.monotonic() - start}


def test_sigkill_at_random_points_then_rerun_equals_a_clean_run(base, clean):
    rng = random.Random(2026)
    before = _zygotes()
    for trial in range(3):
        name = f"killed{trial}"
        root = _copy(base, name)
        for _ in range(2):  # killed twice at random points, then left to finish
            p = _start(name, base["cohorts"])
            time.sleep(rng.uniform(0.3, clean["seconds"] * 0.9))
            os.killpg(p.pid, signal.SIGKILL)
            p.communicate()
        proc = _grade(name, base["cohorts"])
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert "Traceback" not in proc.stdout + proc.stderr
        assert state(root) == clean["state"], name
    time.sleep(1)
    assert _zygotes() <= before, "a killed run left its zygote behind"


def test_ctrl_c_stops_cleanly_in_vietnamese_and_the_next_run_resumes(base, clean):
    for presses in (1, 2):
        name = f"ctrl-c-{presses}"
        root = _copy(base, name)
        p = _start(name, base["cohorts"])
        _wait_for_done_line(root)
        for _ in range(presses):
            os.killpg(p.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: the whole foreground group
            time.sleep(0.2)
        out, err = p.communicate(timeout=300)
        assert "Traceback" not in out + err and "KeyboardInterrupt" not in out + err, err[-3000:]
        if p.returncode == 130:
            assert "Đã dừng chấm" in err and f"kynangso grade {name}" in err
            assert (root / "grading-journal.jsonl").is_file()
        else:
            assert p.returncode == 0  # it had finished before the key was pressed
        again = _grade(name, base["cohorts"])
        assert again.returncode == 0, again.stderr[-2000:]
        if p.returncode == 130:
            assert "Tiếp tục lần chấm trước" in again.stdout
        assert state(root) == clean["state"], name


def test_two_runs_on_one_cohort_do_not_race(base):
    root = _copy(base, "race")
    first = _start("race", base["cohorts"])
    _wait_for_done_line(root)
    second = _grade("race", base["cohorts"])
    first.communicate(timeout=300)
    assert second.returncode == 2 and "đang được chấm bởi một lần chạy khác" in second.stderr
    assert "Traceback" not in second.stdout + second.stderr
    assert first.returncode == 0
    state(root)
