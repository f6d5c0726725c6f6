"""No traceback ever reaches an instructor for an input problem: every verb, given what people get
wrong (a cohort that does not exist, a name like a/b, an unknown module, a missing file, a cohort
in its first week, a gradebook another program holds or one that is damaged), says what is wrong
in Vietnamese and exits non-zero (or does its work, for a cohort with nothing graded yet).

Each case runs `kynangso` in a process of its own, as an instructor would, and fails on any
"Traceback" in what it prints."""

import os
import sqlite3
import subprocess
import sys
import threading

import pytest

from kynangso.cohorts import course

VIETNAMESE = set("ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
ROSTER = "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb0001,Học Viên Mẫu 1,VT01,Công chức thử nghiệm,hv1.vt01@vinhtuong.example\n"


def kns(env, *args, timeout=300):
    proc = subprocess.run(
        [sys.executable, "-m", "kynangso.cli", *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("notb")
    env = {**os.environ, "KYNANGSO_COHORTS": str(tmp / "cohorts"), "PATH": course.paths.tool_env()["PATH"]}
    env["PYTHONWARNINGS"] = "ignore"
    (tmp / "roster.csv").write_text(ROSTER, encoding="utf-8")
    for name in ("trong", "hong", "ban"):
        code, out = kns(env, "cohort", name, "--roster", str(tmp / "roster.csv"))
        assert code == 0, out
    # "hong": a module released, then a damaged gradebook
    code, out = kns(env, "build", "--cohort", "hong", "--module", "00-lam-quen", "--no-run")
    assert code == 0, out
    db = tmp / "cohorts" / "hong" / "gradebook.db"
    data = bytearray(db.read_bytes())
    for i in range(100, len(data), 5):
        data[i] = (data[i] * 31 + 7) % 256
    db.write_bytes(bytes(data))
    return {"tmp": tmp, "env": env}


def hold_gradebook(path, stop: threading.Event, ready: threading.Event):
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    ready.set()
    stop.wait(120)
    con.execute("ROLLBACK")
    con.close()


CASES = {
    "cohort: no roster file": (["cohort", "lop", "--roster", "khong-co.csv"], 2),
    "cohort: a/b": (["cohort", "a/b", "--roster", "{tmp}/roster.csv"], 2),
    "cohort: the roster is a folder": (["cohort", "lop", "--roster", "{tmp}"], 2),
    "build: unknown module": (["build", "--cohort", "trong", "--module", "99-khong-co", "--no-run"], 2),
    "build: a/b": (["build", "--cohort", "a/b", "--no-run"], 2),
    "check: unknown module": (["check", "--module", "99-khong-co", "--no-run"], 2),
    "grade: no such cohort": (["grade", "khong-co"], 2),
    "grade: a/b": (["grade", "a/b"], 2),
    "grade: nothing released": (["grade", "trong"], 2),
    "grade: unknown module": (["grade", "trong", "--module", "99-khong-co"], 2),
    "grade: module not released": (["grade", "trong", "--module", "00-lam-quen"], 2),
    "simulate: nothing released": (["simulate", "trong"], 2),
    "grade: damaged gradebook": (["grade", "hong", "--module", "00-lam-quen"], 2),
    "feedback: no such cohort": (["feedback", "khong-co"], 2),
    "feedback: unknown module": (["feedback", "trong", "--module", "99-khong-co"], 2),
    "collect: no such cohort": (["collect", "khong-co", "{tmp}"], 2),
    "collect: no such source": (["collect", "trong", "{tmp}/khong-co"], 2),
    "collect: unknown module": (["collect", "trong", "{tmp}", "--module", "99-khong-co"], 2),
    "simulate: no such cohort": (["simulate", "khong-co"], 2),
    "report: no such cohort": (["report", "khong-co"], 2),
    "report: a/b": (["report", "a/b"], 2),
    "report: damaged gradebook": (["report", "hong"], 2),
    "report: first week, nothing graded": (["report", "trong"], 0),
    "doctor: no such cohort": (["doctor", "khong-co"], 2),
    "doctor: damaged gradebook": (["doctor", "hong"], 1),
    "lab: no such cohort": (["lab", "khong-co", "--dry-run"], 2),
    "sign: no such file": (["sign", "{tmp}/khong-co.pdf", "--out", "{tmp}/ky.pdf"], 2),
    "new: bad module id": (["new", "Mô đun mới!", "--title", "Thử"], 2),
    "tidy: no such notebook": (["tidy", "{tmp}/khong-co.ipynb"], 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_verb_says_what_is_wrong_in_vietnamese(world, case):
    args, want = CASES[case]
    args = [a.format(tmp=world["tmp"]) for a in args]
    code, out = kns(world["env"], *args)
    assert "Traceback" not in out, out[-3000:]
    assert code == want, out[-2000:]
    assert VIETNAMESE & set(out.lower()), out


def test_a_gradebook_another_program_holds(world, monkeypatch):
    """report waits for the gradebook's busy timeout, then says so (the timeout is shortened here)."""
    db = world["tmp"] / "cohorts" / "ban" / "gradebook.db"
    stop, ready = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_gradebook, args=(db, stop, ready))
    holder.start()
    try:
        assert ready.wait(30)
        env = {**world["env"], "KYNANGSO_BUSY_TIMEOUT": "2"}
        for args in (["report", "ban"], ["cohort", "ban", "--roster", str(world["tmp"] / "roster.csv")]):
            code, out = kns(env, *args)
            assert "Traceback" not in out, out[-3000:]
            assert code == 2 and "đang bị một chương trình khác ghi" in out, out[-2000:]
    finally:
        stop.set()
        holder.join()
