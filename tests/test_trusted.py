"""The codec and the socket between a learner's kernel and the trusted runner (grading/codec, learner.py, runner.py).

What crosses from a learner's kernel must come back as exactly the value a test expects, or as an
inert placeholder: never as an object that runs the learner's code in the trusted runner."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from email.message import EmailMessage

import numpy as np
import pandas as pd
import pytest

from kynangso.data import load
from kynangso.grading import codec, names
from kynangso.grading import learner as learner_side
from kynangso.grading import runner as runner_side
from kynangso.grading.codec import Decoder, Encoder, LearnerFunction, Placeholder


def roundtrip(x):
    return Decoder()(json.loads(json.dumps(Encoder()(x))))


@pytest.mark.parametrize(
    "name",
    ["don_vi", "ho_so", "van_ban_den", "van_ban_di", "hop_truc_tuyen", "don_hang_tmdt", "can_bo", "thu_tuc", "hop_thu"],
)
def test_every_course_table_comes_back_equal_with_its_dtypes(name):
    df = load(name)
    pd.testing.assert_frame_equal(roundtrip(df), df)


def test_the_shapes_answers_take_come_back_equal():
    hs = load("ho_so")
    xa = hs[hs["cap"] == "xa"].assign(thang=lambda d: d["thoi_diem_tiep_nhan"].dt.month)
    pivot = xa.pivot_table(index="ma_don_vi", columns="thang", values="ma_ho_so", aggfunc="count", fill_value=0)
    pd.testing.assert_frame_equal(roundtrip(pivot), pivot)
    vb = load("van_ban_den")
    by_cat = vb.groupby("do_khan", observed=True)["ngay_den"].count()
    pd.testing.assert_series_equal(roundtrip(by_cat), by_cat)
    assert type(roundtrip(by_cat).index) is pd.CategoricalIndex
    lists = pd.DataFrame({"tep": ["a.eml", "b.eml"], "tep_dinh_kem": [["x.pdf"], []]})
    back = roundtrip(lists)
    assert back["tep_dinh_kem"].tolist() == [["x.pdf"], []] and back["tep"].tolist() == ["a.eml", "b.eml"]
    tz = pd.Series(pd.date_range("2022-01-01", periods=3, tz="Asia/Ho_Chi_Minh"))
    pd.testing.assert_series_equal(roundtrip(tz), tz)
    multi = load("don_vi").set_index(["loai", "ma_don_vi"])[["dan_so"]]
    pd.testing.assert_frame_equal(roundtrip(multi), multi)


def test_plain_values_keep_their_exact_types():
    vn = dt.timezone(dt.timedelta(hours=7))
    for value in [
        0,
        2**70,
        True,
        False,
        1.5,
        "Vĩnh Tường",
        b"\x00\xff",
        None,
        [1, (2, "a")],
        {"k": {1, 2}},
        frozenset({3}),
        dt.date(2022, 4, 30),
        dt.datetime(2022, 6, 15, 14, 30, tzinfo=vn),
        dt.time(15, 0),
        dt.timedelta(days=2, seconds=5),
        pd.Timestamp("2022-12-31 08:00"),
        np.int64(28),
        np.float64(96.8),
        np.bool_(True),
        np.datetime64("2022-01-01T00:00:00"),
    ]:
        back = roundtrip(value)
        assert type(back) is type(value) and back == value, value
    assert roundtrip(float("nan")) != roundtrip(float("nan"))  # still a NaN
    assert roundtrip(pd.NaT) is pd.NaT


def test_email_certificates_keys_and_the_mail_lab_come_back_as_the_real_types():
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    from kynangso.maillab import MailLab, Received
    from kynangso.pki import TrainingPKI

    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@vinhtuong.example", "b@vinhtuong.example", "Công văn số 350"
    msg.set_content("Kính gửi")
    back = roundtrip(msg)
    assert type(back) is EmailMessage and str(back["Subject"]) == "Công văn số 350"

    pki = TrainingPKI.create(__import__("pathlib").Path(__import__("tempfile").mkdtemp()) / "ca")
    cert = pki.issue({"ma_can_bo": "cb0001", "ho_ten": "Nguyễn Văn A", "co_quan": "UBND", "email": "a@x.example"})
    crl = pki.revoke(cert)
    assert roundtrip(cert) == cert and isinstance(roundtrip(cert), x509.Certificate)
    assert roundtrip(crl).get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert roundtrip(key.public_key()) == key.public_key()

    lab = MailLab(port=1)
    lab.mailbox._items.append(Received("a@x.example", ["b@x.example"], msg.as_bytes(), dt.datetime.now().astimezone()))
    back = roundtrip(lab)
    assert isinstance(back, MailLab) and not back.running and len(back.mailbox) == 1
    assert back.mailbox[0].rcpt_tos == ["b@x.example"] and str(back.mailbox[0].message["Subject"]) == "Công văn số 350"


def test_a_bar_chart_comes_back_as_axes_with_the_same_bars_and_labels():
    import matplotlib.axes
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    ax.bar(range(1, 13), [70 + i for i in range(12)])
    ax.set_title("Tỷ lệ ký số 2022")
    ax.set_xlabel("Tháng")
    ax.set_ylabel("%")
    back = roundtrip(ax)
    assert isinstance(back, matplotlib.axes.Axes) and back.get_title() == "Tỷ lệ ký số 2022"
    assert [p.get_height() for p in back.patches] == [70 + i for i in range(12)]
    assert back.get_xlabel() == "Tháng" and back.get_ylabel() == "%" and len(back.lines) == 0


def test_subclasses_and_lookalikes_arrive_as_inert_placeholders():
    class Yes(int):
        def __eq__(self, other):
            return True

    class Frame(pd.DataFrame):
        pass

    class Liar:
        __eq__ = __ne__ = __gt__ = __lt__ = lambda self, other: True

    class MyStr(str):
        pass

    for value, name in [(Yes(28), "Yes"), (Frame({"a": [1]}), "Frame"), (Liar(), "Liar"), (MyStr("x"), "MyStr")]:
        back = roundtrip(value)
        assert isinstance(back, Placeholder) and type(back).__name__ == name
        assert back != 28 and back != "x" and not (back == back.__class__())
        assert type(back) is not pd.DataFrame and not isinstance(back, (int, str))
    assert type(roundtrip(True)) is bool and roundtrip(True) is True  # a bool stays a bool, not an int


def test_hostile_nodes_never_import_or_run_anything():
    dec = Decoder()
    assert isinstance(dec(["mod", "antigravity"]), Placeholder)  # only modules already imported here
    assert isinstance(dec(["mod", "__main__"]), Placeholder)
    assert isinstance(dec(["cls", "__main__", "Anything"]), Placeholder)
    assert dec(["cls", "pandas", "DataFrame"]) is pd.DataFrame
    assert isinstance(dec(["?", "os.system('x')"]), Placeholder)
    for bad in (
        ["frame", ["?", "x"], ["range", 0, 1, 1, None], [["np", "object", []]]],
        ["npv", "O", 1],
        ["zzz"],
        [1, 2],
        {"a": 1},
    ):
        with pytest.raises((ValueError, TypeError, KeyError, IndexError)):
            dec(bad)
    deep = "x"
    for _ in range(200):
        deep = ["l", [deep]]
    with pytest.raises(ValueError):
        dec(deep)


def test_assigned_and_read_names():
    code = (
        "import pandas as pd\nfrom x import y as z\nbang = 1\nbang2[0] = 2\nfig, ax = f()\nax.bar(1)\n"
        "def tin_cay(t):\n    return t\nwith L() as lab:\n    pass\nfor i in r:\n    pass\nn += 1\n"
    )
    assert names.assigned_names(code) == {"pd", "z", "bang", "bang2", "fig", "ax", "tin_cay", "lab", "i", "n"}
    assert names.read_names("assert so_xa == len(_bang), f'{ten}'") == {"so_xa", "len", "_bang", "ten"}
    assert names.assigned_names("this is not python") == set()


@pytest.fixture
def pair(tmp_path, monkeypatch):
    """A learner's side serving `ns` in a thread, and the trusted side's Peer, in two folders."""
    learner, runner = tmp_path / "learner", tmp_path / "runner"
    learner.mkdir()
    runner.mkdir()
    a, b = socket.socketpair()
    ns = {}
    learner_side.serve(ns, a.detach())
    peer = runner_side.Peer(b.detach())
    yield ns, peer, learner, runner
    peer.sock.close()


def test_answers_functions_and_errors_cross_as_data(pair):
    ns, peer, _, _ = pair

    class Custom(Exception):
        pass

    def tin_cay(ten_mien):
        return ten_mien.lower().endswith("vinhtuong.example")

    def hong(x):
        raise Custom("lỗi của học viên")

    ns.update(so_xa=25, tin_cay=tin_cay, hong=hong, chia=lambda x: 1 / x)
    mine = {"cu": "stale", "so_xa": 99}
    peer.fetch(["so_xa", "tin_cay", "hong", "chia", "cu"], mine)
    assert mine["so_xa"] == 25 and "cu" not in mine  # a name the learner lacks is removed, never kept stale
    assert isinstance(mine["tin_cay"], LearnerFunction) and callable(mine["tin_cay"])
    assert mine["tin_cay"]("DICHVUCONG.VINHTUONG.EXAMPLE") is True
    with pytest.raises(ZeroDivisionError):
        mine["chia"](0)
    with pytest.raises(codec.LearnerError, match="Custom: lỗi của học viên"):
        mine["hong"](1)


def test_files_the_learner_wrote_are_copied_but_never_over_the_courses_or_as_code(pair, monkeypatch):
    ns, peer, learner, runner = pair
    (learner / "bao-cao.xlsx").write_bytes(b"learner's report")
    (learner / "du-lieu.csv").write_bytes(b"learner's copy")
    (learner / "pandas.py").write_text("raise SystemExit", encoding="utf-8")
    (runner / "du-lieu.csv").write_bytes(b"the course's data")
    cwd = os.getcwd()
    try:
        # both sides run in their own working folders; here, one process: switch between them
        os.chdir(learner)
        files = learner_side._work_files({})
        os.chdir(runner)
        peer._ask = lambda req: {"files": files}
        peer.sync_files()
        assert (runner / "bao-cao.xlsx").read_bytes() == b"learner's report"
        assert (runner / "du-lieu.csv").read_bytes() == b"the course's data"
        assert not (runner / "pandas.py").exists()
        peer._ask = lambda req: {"files": {}}  # the learner deleted it: so is the copy
        peer.sync_files()
        assert not (runner / "bao-cao.xlsx").exists() and (runner / "du-lieu.csv").exists()
    finally:
        os.chdir(cwd)


def test_a_learners_function_that_never_returns_is_interrupted_and_later_calls_still_work(pair):
    import signal
    import threading

    ns, peer, _, _ = pair

    def loops(x):
        while True:
            x += 1

    ns.update(loops=loops, double=lambda x: 2 * x)
    mine = {}
    peer.fetch(["loops", "double"], mine)
    # the grader's cell timeout arrives as SIGINT in the trusted runner's main thread
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        mine["loops"](0)
    assert mine["double"](21) == 42


def _open_descriptors():
    return len(os.listdir("/proc/self/fd"))


def test_thousands_of_calls_leave_no_descriptor_or_thread_behind(pair):
    """Module 03's hidden tests call a learner's function hundreds of times per question: each call
    once leaked a pipe, and past 1,024 descriptors every later call failed (select())."""
    import threading

    ns, peer, _, _ = pair
    ns.update(la_ngay_lam_viec=lambda d: d.weekday() < 5)
    mine = {}
    peer.fetch(["la_ngay_lam_viec"], mine)
    assert mine["la_ngay_lam_viec"](dt.date(2022, 3, 15)) is True  # the call thread now exists
    fds, threads = _open_descriptors(), threading.active_count()
    days = [dt.date(2022, 1, 1) + dt.timedelta(days=k) for k in range(1500)]
    assert sum(mine["la_ngay_lam_viec"](d) for d in days) == sum(d.weekday() < 5 for d in days)
    assert _open_descriptors() == fds and threading.active_count() == threads


def test_an_interrupted_call_does_not_leak_either(pair):
    import signal
    import threading

    ns, peer, _, _ = pair

    def loops(x):
        while True:
            x += 1

    ns.update(loops=loops, double=lambda x: 2 * x)
    mine = {}
    peer.fetch(["loops", "double"], mine)
    assert mine["double"](1) == 2
    fds = _open_descriptors()
    for _ in range(3):
        timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            mine["loops"](0)
        assert mine["double"](21) == 42
    assert _open_descriptors() == fds


def test_only_module_scope_bindings_count_as_answers():
    code = (
        "from datetime import datetime\nimport re\n\ndef ma_hop_le(ma):\n    khop = re.fullmatch('x', ma)\n"
        "    datetime.strptime(ma, '%y')\n    return khop\n\nda = [a for a in range(3)]\nf = lambda b: b\n"
        "try:\n    x = 1\nexcept ValueError as loi:\n    pass\n"
    )
    assert names.assigned_names(code) == {"datetime", "re", "ma_hop_le", "da", "f", "x", "loi"}
    assert names.assigned_names(code, imports=False) == {"ma_hop_le", "da", "f", "x", "loi"}


def test_the_runner_fetches_only_answers_never_the_courses_own_names(tmp_path):
    """A name a setup cell binds (a tool such as `datetime`, a course table) is never taken from the
    learner, and a test fetches only answers of its own or earlier questions."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook

    from kynangso.grading.judge import plan

    def cell(source, **meta):
        c = new_code_cell(source)
        if meta:
            c.metadata["nbgrader"] = {"schema_version": 3, "locked": False, "task": False, **meta}
        return c

    nb = new_notebook(
        cells=[
            cell("from datetime import datetime\nbang = [1, 2]"),
            cell("def q1f(x):\n    return datetime.now()\n", grade_id="q1_answer", solution=True, grade=False),
            cell("assert q1f(bang) and datetime and q2v", grade_id="q1_tests", solution=False, grade=True, points=1),
            cell("q2v = 2\nbang.append(3)\n", grade_id="q2_answer", solution=True, grade=False),
            cell("assert q2v == 2 and q1f and bang", grade_id="q2_tests", solution=False, grade=True, points=1),
        ]
    )
    path = tmp_path / "bai-tap.ipynb"
    nbformat.write(nb, str(path))
    reads = {c.grade_id: c.reads for c in plan(str(path), path.stat().st_mtime_ns) if c.kind == "test"}
    assert reads == {"q1_tests": ("q1f",), "q2_tests": ("q1f", "q2v")}
