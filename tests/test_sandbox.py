"""Tamper-proof grading (issue 9): attacks a learner could try, each a submission whose answers are
wrong plus the attack; each must score exactly what the wrong answers alone score.

An attack that "works" is written to profit: if it can read the hidden tests, reach the network
or write where it should not, it fills in the right answers, so a leak shows up as a higher score.
"""

import socket
import threading

import pytest
from bs4 import BeautifulSoup

from scenarios import Released

from kynangso import cli, nbg, sandbox

MODULE = "00-lam-quen"
NAME = "bai-tap.ipynb"
RIGHT_Q4 = 'tong_dan_so = int(load("don_vi")["dan_so"].sum())\n'
RIGHT_Q5 = 'top5 = load("don_vi").sort_values("dan_so", ascending=False).head(5)[["ten_don_vi", "dan_so"]]\n'
WRONG_Q4 = "tong_dan_so = len(bang)\n"
WRONG_Q5 = 'top5 = bang.head(5)[["ten_don_vi", "dan_so"]]\n'
PROFIT = "    " + RIGHT_Q4 + "    " + RIGHT_Q5  # what a successful attack would do

pytestmark = pytest.mark.skipif(sandbox.available() is not None, reason=f"no sandbox here: {sandbox.available()}")


def attack_read(paths):
    return ("import os\nfor _p in %r:\n    try:\n        _t = open(_p, 'rb').read(4096)\n    except OSError:\n"
            "        continue\n    if _t:\n%s" % (paths, PROFIT.replace("    ", "        ")))


ATTACKS = {
    # reading the hidden tests: the source notebooks, this cohort's files, the repository's history
    "read-hidden-tests": lambda ctx: attack_read([
        str(nbg.paths.notebooks_dir() / MODULE / NAME), str(ctx["root"] / "gradebook.db"),
        str(ctx["root"] / "autograded" / "read-hidden-tests" / MODULE / NAME),
        str(ctx["root"] / "release" / MODULE / NAME), str(nbg.paths.project_root() / ".git" / "HEAD")]),
    "write-gradebook": lambda ctx: (
        "import sqlite3\ntry:\n    _c = sqlite3.connect(%r)\n    _c.execute('update grade set auto_score = 99')\n"
        "    _c.commit()\nexcept Exception:\n    pass\n" % str(ctx["root"] / "gradebook.db")),
    "network-access": lambda ctx: (
        "import socket\ntry:\n    socket.create_connection(('127.0.0.1', %d), timeout=2).sendall(b'leak')\n"
        "except OSError:\n    pass\nelse:\n%s" % (ctx["port"], PROFIT)),
    "write-outside-folder": lambda ctx: (
        "for _p in %r:\n    try:\n        open(_p, 'w').write('pwned')\n    except OSError:\n        pass\n"
        % [str(ctx["outside"]), str(ctx["root"] / "submitted" / "witness" / MODULE / NAME)]),
    "sys-exit": lambda ctx: "import sys\nsys.exit(0)\n",
    # another official's kernel killed while it is being graded would lose their submission
    "kill-other-kernels": lambda ctx: (
        "import os, signal, time\n_end = time.time() + 6\nwhile time.time() < _end:\n"
        "    for _d in os.listdir('/proc'):\n        if not _d.isdigit() or int(_d) == os.getpid():\n            continue\n"
        "        try:\n            _cmd = open(f'/proc/{_d}/cmdline', 'rb').read()\n"
        "            if b'ipykernel' in _cmd or b'kynangso' in _cmd or b'nbgrader' in _cmd:\n"
        "                os.kill(int(_d), signal.SIGKILL)\n        except OSError:\n            pass\n"
        "    time.sleep(0.05)\n"),
    "script-in-output": lambda ctx: (
        "from IPython.display import HTML, display\n"
        "display(HTML('<script>window.PWNED = 1</script><img src=x onerror=\"alert(1)\">'))\n"),
}
# Attacks on the verdict from inside the learner's kernel. They fail because test cells run in the
# trusted kernel (trusted.py), which only receives the answers as data.
IN_KERNEL = {
    "ast-transformer": (
        "import ast\nclass _Swallow(ast.NodeTransformer):\n    def visit_Module(self, node):\n"
        "        body = ast.Try(body=node.body or [ast.Pass()], handlers=[ast.ExceptHandler(type=None, name=None, "
        "body=[ast.Pass()])], orelse=[], finalbody=[])\n        node.body = [body]\n"
        "        return ast.fix_missing_locations(node)\nget_ipython().ast_transformers.append(_Swallow())\n"),
    "input-transformer": "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n",
    # the hidden tests load the data through the course package: make it agree with the wrong answer
    "patch-testing-functions": (
        "import kynangso.data, pandas\n_real, _n = kynangso.data.load, [0]\n"
        "def _fake(name, *a, **k):\n    _n[0] += 1\n"
        "    return pandas.DataFrame({'dan_so': [20, 8]}) if _n[0] == 1 else _real(name, *a, **k)\n"
        "kynangso.data.load = _fake\n"),
    "eq-always-true": (
        "class _Yes(int):\n    def __eq__(self, other):\n        return True\n    def __ne__(self, other):\n"
        "        return True\n    __hash__ = int.__hash__\ntong_dan_so = _Yes(len(bang))\n"),
    "fake-type-builtin": (
        "import builtins\nclass _Lie:\n    __eq__ = __ne__ = __gt__ = lambda self, other: True\n"
        "_isinstance = builtins.isinstance\n"
        "builtins.isinstance = lambda o, t: (t is not bool) if o.__class__ is _Lie else _isinstance(o, t)\n"
        "tong_dan_so = _Lie()\n"),
}


@pytest.fixture(scope="module")
def attacked(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("sandbox")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
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
    ctx = {"root": root, "port": server.getsockname()[1], "outside": tmp / "outside.txt"}
    submit("wrong-only", wrong)
    submit("witness", best)
    submit("os-exit", {gid["q5"]: "import os\nos._exit(0)\n"})  # blank answers score 0: so must this
    submit("shadow-pandas-module", wrong, raw={"pandas.py": b"raise ImportError('shadow pandas')\n",
                                               "kynangso.py": b"raise ImportError('shadow')\n"})
    for name, code in ATTACKS.items():
        # the attack runs where the wrong answer to q4 is, after it
        submit(name, {**wrong, gid["q4"]: WRONG_Q4 + code(ctx)})
    for name, code in IN_KERNEL.items():
        submit(name, {**wrong, gid["q4"]: WRONG_Q4 + code})  # after the wrong answer to q4
    witness_before = (root / "submitted" / "witness" / MODULE / NAME).read_bytes()
    try:
        assert cli.main(["grade", "atk", "--module", MODULE, "--no-progress", "--cell-timeout", "10",
                         "--notebook-timeout", "40"]) == 0
        assert cli.main(["feedback", "atk", "--module", MODULE, "--no-progress"]) == 0
    finally:
        stop.set()
        thread.join()
        server.close()
    with nbg.gradebook(root) as gb:
        scores = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
    yield {"root": root, "scores": scores, "received": received, "outside": ctx["outside"],
           "witness_before": witness_before, "best": best}
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
