"""An instructor who is not root runs every verb on a cohort of their own: their Python, their venv,
their home (tests/ordinary.py). Each verb ends with status 0, says nothing in English a user would
read, and the grading it does is isolated without root."""

import zipfile

import pytest

from kynangso.authoring import notebook as nbm
from kynangso.grading import sandbox

import ordinary
from conftest import ROOT
from scenarios import write_roster

MODULE = "00-lam-quen"

pytestmark = pytest.mark.skipif(sandbox.available() is not None, reason="grading needs the sandbox here")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    who = ordinary.instructor(tmp_path_factory.mktemp("home"))
    work = ordinary.workspace("verbs")
    write_roster(work / "ds.csv", ["cb0001", "cb0002", "cb0003"])
    who.own(work)
    done = []

    def kynangso(*argv):
        proc = who.kynangso(*argv, cohorts=work / "cohorts")
        done.append((argv, proc))
        return proc

    return kynangso, work, done


def test_every_verb_works_for_an_ordinary_instructor(run):
    kynangso, work, done = run
    steps = [
        ("cohort", "lop", "--roster", work / "ds.csv"),
        ("build", "--cohort", "lop", "--module", MODULE, "--no-run"),
        ("simulate", "lop", "--module", MODULE),
        ("grade", "lop", "--module", MODULE, "--no-progress"),
        ("feedback", "lop", "--module", MODULE, "--no-progress"),
        ("report", "lop"),
        ("data", "--check"),
        ("check", "--module", MODULE, "--no-run"),
        ("tidy", "--check", ROOT / "notebooks" / MODULE / "bai-tap.ipynb"),
        ("lab", "lop", "--dry-run"),
    ]
    for argv in steps:
        proc = kynangso(*argv)
        assert proc.returncode == 0, (argv, proc.stdout[-2000:], proc.stderr[-2000:])
        assert "Traceback" not in proc.stdout + proc.stderr, argv
    root = work / "cohorts" / "lop"
    assert "không cần quyền root" in done[3][1].stdout  # grading was isolated without root
    assert (root / "reports" / "bao-cao.html").is_file()
    assert len(list((root / "feedback").glob(f"*/{MODULE}/*.html"))) == 3


def test_an_ordinary_instructor_collects_a_zip_and_checks_by_grading(run):
    kynangso, work, _ = run
    release = work / "cohorts" / "lop" / "release" / MODULE / "bai-tap.ipynb"
    box = work / "nhan-qua-thu.zip"
    with zipfile.ZipFile(box, "w") as z:
        z.writestr("cb0002_bai-tap.ipynb", release.read_bytes())
    proc = kynangso("collect", "lop", box, "--module", MODULE)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert nbm.read(work / "cohorts" / "lop" / "submitted" / "cb0002" / MODULE / "bai-tap.ipynb").cells
    proc = kynangso("check", "--module", MODULE)  # grades the solution and every recorded mistake
    assert proc.returncode == 0 and f"{MODULE}: OK" in proc.stdout, proc.stdout + proc.stderr
