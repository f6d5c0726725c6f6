"""`kynangso collect` survives whatever an office sends: each file is judged on its own (a damaged,
password-protected or symlinked entry, a notebook of the wrong shape is that file's reason, the
others are taken), a source that cannot be read at all is one Vietnamese sentence and exit 2, no
version is ever lost or silently replaced, and nothing is written outside the cohort."""

import functools
import io
import json
import os
import stat
import unicodedata
import zipfile
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nbgrader.utils import parse_utc

from kynangso import cli
from kynangso.authoring import manifest
from kynangso.cohorts import collect, course, roster

MODULE = "00-lam-quen"
ROSTER = "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\n" + "".join(
    f"cb000{i},Học Viên Mẫu {i},VT0{i},Công chức thử nghiệm,hv{i}.vt0{i}@vinhtuong.example\n" for i in range(1, 8)
)


@functools.cache
def released(module_id: str = MODULE) -> str:
    return (manifest.load().module(module_id).source / "bai-tap.ipynb").read_text(encoding="utf-8")


def notebook(module_id: str = MODULE, answer: str = "", **metadata) -> bytes:
    """A course notebook (a different `answer` makes different bytes)."""
    nb = json.loads(released(module_id))
    if metadata:
        nb["metadata"]["kynangso"] = metadata
    if answer:
        nb["metadata"]["answer"] = answer
    return json.dumps(nb, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def root(tmp_path, cohorts):
    """A cohort with a roster (no gradebook: collect does not need one, and this keeps the tests fast)."""
    csv_path = tmp_path / "roster.csv"
    csv_path.write_text(ROSTER, encoding="utf-8")
    root = course.course_root("lop")
    roster.write_roster(root / roster.ROSTER_FILE, roster.read_roster(csv_path))
    return root


def modules():
    return [manifest.load().module(MODULE)]


def collect_cli(capsys, source, *extra):
    """`kynangso collect lop SOURCE`: its exit status and everything it printed."""
    code = cli.main(["collect", "lop", str(source), *extra])
    out = capsys.readouterr()
    text = out.out + out.err
    assert "Traceback" not in text and "Error" not in text, text
    return code, text


def submitted(root, student, module_id=MODULE):
    return root / "submitted" / student / module_id


def stamp_of(root, student, module_id=MODULE) -> datetime:
    return parse_utc((submitted(root, student, module_id) / "timestamp.txt").read_text(encoding="utf-8")).replace(
        tzinfo=UTC
    )


def zip_bytes(entries, compression=zipfile.ZIP_STORED, after=None) -> bytes:
    """A zip of (ZipInfo or name, bytes); `after(z)` may change the central directory before closing."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for info, body in entries:
            z.writestr(info, body)
        if after:
            after(z)
    return buf.getvalue()


def problems_of(res):
    return {i.name: i.problem for i in res.problems}


def taken(res):
    return {i.name: i.student for i in res.written}


def assert_vietnamese(reason):
    assert reason and unicodedata.normalize("NFC", reason) == reason
    assert any(ch in reason for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), reason


# A zip from Windows tools ------------------------------------------------------------------------


def test_a_zero_date_takes_the_zips_own_time(root, tmp_path, capsys):
    source = tmp_path / "usb.zip"
    zero = zipfile.ZipInfo("cb0001.ipynb", date_time=(1980, 0, 0, 0, 0, 0))
    source.write_bytes(zip_bytes([(zero, notebook()), (zipfile.ZipInfo("cb0002.ipynb"), notebook())]))
    when = datetime(2024, 3, 5, 8, 0, tzinfo=UTC)
    os.utime(source, (when.timestamp(), when.timestamp()))
    code, out = collect_cli(capsys, source)
    assert code == 0 and "Đã nhận 2 bài nộp" in out
    assert stamp_of(root, "cb0001") == when  # the zip's own time, not a crash
    assert (submitted(root, "cb0002") / "bai-tap.ipynb").read_bytes() == notebook()


def test_a_password_protected_entry_is_refused_and_the_others_taken(root, tmp_path, capsys):
    source = tmp_path / "usb.zip"

    def encrypt(z):
        z.getinfo("cb0001.ipynb").flag_bits |= 0x1  # as a tool that set a password writes it

    source.write_bytes(zip_bytes([("cb0001.ipynb", notebook()), ("cb0002.ipynb", notebook())], after=encrypt))
    res = collect.match(root, source, modules())
    assert taken(res) == {"cb0002.ipynb": "cb0002"}
    reason = problems_of(res)["cb0001.ipynb"]
    assert "tệp nén có mật khẩu: hãy gửi lại tệp không đặt mật khẩu" in reason
    code, out = collect_cli(capsys, source)
    assert code == 1 and "Không nhận 1 tệp" in out and "mật khẩu" in out
    assert (submitted(root, "cb0002") / "bai-tap.ipynb").is_file() and not submitted(root, "cb0001").exists()


def test_a_bad_crc_is_that_files_reason(root, tmp_path):
    body = notebook(answer="hỏng")
    raw = bytearray(zip_bytes([("cb0001.ipynb", body), ("cb0002.ipynb", notebook())]))
    at = raw.index(body) + len(body) // 2
    raw[at] ^= 0x20  # one bit flipped in the stored data: the CRC no longer matches
    source = tmp_path / "usb.zip"
    source.write_bytes(bytes(raw))
    res = collect.match(root, source, modules())
    assert taken(res) == {"cb0002.ipynb": "cb0002"}
    assert "tệp trong zip bị hỏng" in problems_of(res)["cb0001.ipynb"]
    assert_vietnamese(problems_of(res)["cb0001.ipynb"])


def test_a_lying_size_and_a_too_big_entry_are_refused(root, tmp_path, monkeypatch):
    def lie(z):
        z.getinfo("cb0001.ipynb").file_size = 100  # declared small, the data is larger

    source = tmp_path / "bom.zip"
    limit = len(notebook()) + 100
    big = b"x" * (limit + 1)
    source.write_bytes(
        zip_bytes(
            [("cb0001.ipynb", notebook()), ("cb0003.ipynb", big), ("cb0002.ipynb", notebook())],
            zipfile.ZIP_DEFLATED,
            after=lie,
        )
    )
    monkeypatch.setattr(collect, "MAX_BYTES", limit)
    res = collect.match(root, source, modules())
    assert taken(res) == {"cb0002.ipynb": "cb0002"}
    assert "bị hỏng" in problems_of(res)["cb0001.ipynb"]  # zipfile stops at the declared size: CRC
    assert "quá lớn" in problems_of(res)["cb0003.ipynb"]


def to_cp1258(text: str) -> bytes:
    """Vietnamese in Windows' code page 1258: a letter with its shape (â, ơ, ư…) as one byte, then
    its tone mark as a combining byte."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        d = unicodedata.normalize("NFD", ch)
        shape = unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
        out += shape.encode("cp1258") + "".join(c for c in d if c in tones).encode("cp1258")
    return out


class RawName(zipfile.ZipInfo):
    """An entry whose name is written as given bytes without the UTF-8 flag, as older Windows tools do."""

    def __init__(self, raw: bytes):
        super().__init__(raw.decode("cp437"), date_time=(2024, 3, 5, 8, 0, 0))
        self.raw = raw

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800


@pytest.mark.parametrize("encode", [lambda s: s.encode("utf-8"), to_cp1258], ids=["utf-8-unflagged", "cp1258"])
def test_vietnamese_names_without_the_utf8_flag_are_read_back(root, tmp_path, encode):
    name = "Bài nộp/Nguyễn Văn Tường cb0001/bài tập.ipynb"
    raw = encode(name)
    assert raw.decode("cp437") != name  # what Python alone would read
    source = tmp_path / "usb.zip"
    source.write_bytes(zip_bytes([(RawName(raw), notebook()), (RawName(encode("Thư mục/cb0002.ipynb")), notebook())]))
    res = collect.match(root, source, modules())
    assert taken(res) == {name: "cb0001", "Thư mục/cb0002.ipynb": "cb0002"}


# Links: never followed ------------------------------------------------------------------------------


def test_a_symlink_in_a_folder_is_never_followed(root, tmp_path, capsys):
    outside = tmp_path / "ngoai"
    outside.mkdir()
    (outside / "passwd.ipynb").write_bytes(notebook(answer="bí mật"))
    (outside / "cb0002.ipynb").write_bytes(notebook(answer="bí mật"))
    box = tmp_path / "usb"
    box.mkdir()
    (box / "cb0001.ipynb").symlink_to(outside / "passwd.ipynb")
    (box / "cb0002").symlink_to(outside, target_is_directory=True)
    (box / "cb0003.ipynb").write_bytes(notebook())
    res = collect.match(root, box, modules())
    assert taken(res) == {"cb0003.ipynb": "cb0003"}
    reasons = problems_of(res)
    assert set(reasons) == {"cb0001.ipynb", "cb0002/"}
    assert all("symlink" in r for r in reasons.values())
    code, out = collect_cli(capsys, box)
    assert code == 1
    assert not submitted(root, "cb0001").exists() and not submitted(root, "cb0002").exists()
    assert (submitted(root, "cb0003") / "bai-tap.ipynb").read_bytes() == notebook()


def test_a_symlink_entry_in_a_zip_is_refused(root, tmp_path):
    link = zipfile.ZipInfo("cb0001.ipynb")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    source = tmp_path / "usb.zip"
    source.write_bytes(zip_bytes([(link, b"/etc/passwd"), ("cb0002.ipynb", notebook())]))
    res = collect.match(root, source, modules())
    assert taken(res) == {"cb0002.ipynb": "cb0002"}
    assert "liên kết (symlink)" in problems_of(res)["cb0001.ipynb"]


def test_a_symlinked_folder_inside_the_cohort_is_not_written_through(root, tmp_path):
    elsewhere = tmp_path / "noi-khac"
    elsewhere.mkdir()
    (root / "submitted").mkdir(exist_ok=True)
    (root / "submitted" / "cb0001").symlink_to(elsewhere, target_is_directory=True)
    box = tmp_path / "usb"
    box.mkdir()
    (box / "cb0001.ipynb").write_bytes(notebook())
    (box / "cb0002.ipynb").write_bytes(notebook())
    res = collect.match(root, box, modules())
    failed = collect.write(root, res.written, res.archived)
    assert [i.name for i in failed] == ["cb0001.ipynb"] and "ngoài thư mục lớp" in failed[0].problem
    assert list(elsewhere.iterdir()) == []
    assert (submitted(root, "cb0002") / "bai-tap.ipynb").is_file()


# Notebooks of the wrong shape -----------------------------------------------------------------------


def test_notebooks_of_the_wrong_shape_are_each_their_own_reason(root, tmp_path, capsys):
    nb = json.loads(notebook())
    cells_not_list = {**nb, "cells": {"a": 1}}
    meta_string = {**nb, "metadata": "x"}
    bad_cells = {**nb, "cells": [{**c, "metadata": "x"} for c in nb["cells"][:2]] + [7, None, "ô"]}
    bad_grader = {**nb, "cells": [{**c, "metadata": {"nbgrader": [c["metadata"]]}} for c in nb["cells"]]}
    list_id = {**nb, "cells": [{**c, "metadata": {"nbgrader": {"grade_id": ["x"]}}} for c in nb["cells"]]}
    box = tmp_path / "usb"
    box.mkdir()
    files = {
        "cb0001-list.ipynb": [nb],
        "cb0002-cells.ipynb": cells_not_list,
        "cb0003-meta.ipynb": meta_string,
        "cb0004-cells.ipynb": bad_cells,
        "cb0005-grader.ipynb": bad_grader,
        "cb0006-id.ipynb": list_id,
        "a1.ipynb": {**nb, "metadata": {**nb["metadata"], "kynangso": {"ma_can_bo": 1}}},
        "a2.ipynb": {**nb, "metadata": {**nb["metadata"], "kynangso": {"ma_can_bo": ["cb0001"]}}},
        "a3.ipynb": {**nb, "metadata": {**nb["metadata"], "kynangso": "cb0001"}},  # no code: by name only
        "cb0007.ipynb": nb,
    }
    for name, value in files.items():
        (box / name).write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    (box / "cb0004-deep.ipynb").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    res = collect.match(root, box, modules())
    assert taken(res) == {"cb0007.ipynb": "cb0007"}
    reasons = problems_of(res)
    for name in ("cb0001-list.ipynb", "cb0002-cells.ipynb", "cb0003-meta.ipynb", "cb0004-deep.ipynb"):
        assert "tệp hỏng" in reasons[name] and "--module" in reasons[name]
    for name in ("cb0004-cells.ipynb", "cb0005-grader.ipynb", "cb0006-id.ipynb"):
        assert "không xác định được bài này thuộc mô-đun nào" in reasons[name]
    assert "không hợp lệ (1)" in reasons["a1.ipynb"] and 'không hợp lệ (["cb0001"])' in reasons["a2.ipynb"]
    assert "không tìm thấy mã cán bộ" in reasons["a3.ipynb"]
    for reason in reasons.values():
        assert_vietnamese(reason)
    code, out = collect_cli(capsys, box)
    assert code == 1 and "Đã nhận 1 bài nộp" in out and "Không nhận 10 tệp" in out
    # with the module given, a broken file is taken as sent: grading says why it cannot be graded
    code, out = collect_cli(capsys, box, "--module", MODULE)
    assert (submitted(root, "cb0001") / "bai-tap.ipynb").read_bytes() == (box / "cb0001-list.ipynb").read_bytes()


# Versions: nothing replaced silently ----------------------------------------------------------------


def folder_with(tmp_path, name, files):
    """A folder of (name, bytes, unix time)."""
    box = tmp_path / name
    for rel, body, when in files:
        (box / rel).parent.mkdir(parents=True, exist_ok=True)
        (box / rel).write_bytes(body)
        os.utime(box / rel, (when, when))
    return box


def archive_of(root, student, module_id=MODULE):
    folder = root / "collected" / student / module_id
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def index_rows(root):
    import csv

    with (root / "collected" / "index.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_an_older_file_after_a_newer_one_is_archived_not_submitted(root, tmp_path, capsys):
    t1, t2, t3 = 1_700_000_000, 1_700_086_400, 1_700_172_800
    v1, v2, v3 = notebook(answer="1"), notebook(answer="2"), notebook(answer="3")
    code, _ = collect_cli(capsys, folder_with(tmp_path, "lan-2", [("cb0001.ipynb", v2, t2)]))
    assert code == 0 and stamp_of(root, "cb0001").timestamp() == t2
    # an older version arrives later: kept in collected/, the submission stays
    code, out = collect_cli(capsys, folder_with(tmp_path, "lan-1", [("cb0001.ipynb", v1, t1)]))
    assert code == 0 and "Đã nhận 0 bài nộp" in out and "không mới hơn bài nộp hiện có" in out
    assert (submitted(root, "cb0001") / "bai-tap.ipynb").read_bytes() == v2
    assert stamp_of(root, "cb0001").timestamp() == t2
    assert list(archive_of(root, "cb0001").values()) == [v1]
    # a newer one replaces it, and the replaced one is kept
    code, out = collect_cli(capsys, folder_with(tmp_path, "lan-3", [("cb0001.ipynb", v3, t3)]))
    assert code == 0 and "Đã nhận 1 bài nộp" in out and "mới hơn bài nộp trước" in out
    assert (submitted(root, "cb0001") / "bai-tap.ipynb").read_bytes() == v3
    assert stamp_of(root, "cb0001").timestamp() == t3
    assert sorted(archive_of(root, "cb0001").values()) == sorted([v1, v2])
    name = next(n for n, b in archive_of(root, "cb0001").items() if b == v2)
    assert (
        name
        == f"{datetime.fromtimestamp(t2, UTC):%Y%m%dT%H%M%SZ}-{collect.Item('', v2, None).sha256[:8]}-bai-tap.ipynb"
    )
    # the index says where each came from
    rows = index_rows(root)
    replaced = next(r for r in rows if r["role"] == "replaced")
    assert replaced["source"].endswith("lan-2") and replaced["entry"] == "cb0001.ipynb"
    assert [r["role"] for r in rows] == ["submitted", "older", "replaced", "submitted"]
    # the same files again: all already there, nothing written, exit 0
    before = sorted(p for p in root.rglob("*"))
    for lan in ("lan-1", "lan-2", "lan-3"):
        code, out = collect_cli(capsys, tmp_path / lan)
        assert code == 0 and "đã có, bỏ qua" in out
    assert sorted(p for p in root.rglob("*")) == before
    assert not [p for p in root.rglob("*.part")]


def test_several_versions_in_one_source_the_newest_wins(root, tmp_path, capsys):
    t = 1_700_000_000
    box = folder_with(
        tmp_path,
        "usb",
        [
            ("cb0001/bai-tap.ipynb", notebook(answer="a"), t),
            ("cb0001 (2).ipynb", notebook(answer="b"), t + 60),
            ("Tải về/cb0001-moi.ipynb", notebook(answer="c"), t + 120),
            ("ban-sao/cb0001-moi.ipynb", notebook(answer="c"), t + 180),  # the same bytes sent again
            ("cb0002-a.ipynb", notebook(answer="x"), t),  # two different files of the same time
            ("cb0002-b.ipynb", notebook(answer="y"), t),
            ("cb0002-cu.ipynb", notebook(answer="z"), t - 60),  # older than both: kept whichever wins
            ("cb0003.ipynb", notebook(), t),
        ],
    )
    res = collect.match(root, box, modules())
    assert taken(res) == {"Tải về/cb0001-moi.ipynb": "cb0001", "cb0003.ipynb": "cb0003"}
    archived = {i.name: i.note for i in res.archived}
    assert set(archived) == {"cb0001/bai-tap.ipynb", "cb0001 (2).ipynb", "cb0002-cu.ipynb"}
    assert "có tệp mới hơn trong cùng nguồn (Tải về/cb0001-moi.ipynb)" in archived["cb0001 (2).ipynb"]
    assert "(cb0002-a.ipynb, cb0002-b.ipynb)" in archived["cb0002-cu.ipynb"]
    assert [i.name for i in res.skipped] == ["ban-sao/cb0001-moi.ipynb"]
    assert set(problems_of(res)) == {"cb0002-a.ipynb", "cb0002-b.ipynb"}
    assert "không biết tệp nào mới hơn" in problems_of(res)["cb0002-a.ipynb"]
    code, out = collect_cli(capsys, box)
    assert code == 1 and "Đã lưu 3 phiên bản khác" in out and "Bỏ qua 1 tệp đã có" in out
    assert stamp_of(root, "cb0001").timestamp() == t + 120  # the first time these bytes were sent
    assert len(archive_of(root, "cb0001")) == 2 and not submitted(root, "cb0002").exists()


def test_an_email_date_decides_between_versions(root, tmp_path):
    from email.message import EmailMessage

    def mail(date, body, attach_as="bai-tap.ipynb"):
        msg = EmailMessage()
        msg["From"] = "Học Viên Mẫu 1 <hv1.vt01@vinhtuong.example>"
        msg["Date"] = date
        msg["Subject"] = "Nộp bài"
        msg.set_content("Em gửi bài.")
        msg.add_attachment(body, maintype="application", subtype="octet-stream", filename=attach_as)
        return bytes(msg)

    undated = zipfile.ZipInfo("bai-tap.ipynb", date_time=(1980, 0, 0, 0, 0, 0))  # then the e-mail's date counts
    inner_zip = zip_bytes([(undated, notebook(answer="moi"))])
    box = tmp_path / "thu"
    box.mkdir()
    (box / "thu-1.eml").write_bytes(mail("Mon, 09 May 2022 08:30:00 +0700", notebook(answer="cu")))
    (box / "thu-2.eml").write_bytes(mail("Tue, 10 May 2022 08:30:00 +0700", inner_zip, "bai-nop.zip"))
    (box / "thu-3.eml").write_bytes(b"\xff\xfe not an e-mail \x00" * 10)
    res = collect.match(root, box, modules())
    assert taken(res) == {"thu-2.eml/bai-nop.zip/bai-tap.ipynb": "cb0001"}
    assert [i.name for i in res.archived] == ["thu-1.eml/bai-tap.ipynb"]
    collect.write(root, res.written, res.archived)
    assert str(stamp_of(root, "cb0001")) == "2022-05-10 01:30:00+00:00"


def test_a_dry_run_writes_nothing(root, tmp_path, capsys):
    t = 1_700_000_000
    collect_cli(capsys, folder_with(tmp_path, "a", [("cb0001.ipynb", notebook(answer="1"), t)]))
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    box = folder_with(
        tmp_path,
        "b",
        [("cb0001.ipynb", notebook(answer="2"), t + 10), ("x/cb0001.ipynb", notebook(answer="0"), t - 10)],
    )
    code, out = collect_cli(capsys, box, "--dry-run")
    assert code == 0 and "Sẽ nhận 1 bài nộp" in out and "Sẽ lưu 1 phiên bản khác" in out
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_an_interrupted_write_leaves_no_half_file(root, tmp_path, monkeypatch):
    t = 1_700_000_000
    collect.write(
        root, collect.match(root, folder_with(tmp_path, "a", [("cb0001.ipynb", notebook(), t)]), modules()).written
    )
    box = folder_with(tmp_path, "b", [("cb0001.ipynb", notebook(answer="moi"), t + 10)])
    res = collect.match(root, box, modules())

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(collect.os, "fsync", full_disk)
    failed = collect.write(root, res.written, res.archived)
    assert [i.name for i in failed] == ["cb0001.ipynb"] and "ENOSPC" in failed[0].problem
    assert (submitted(root, "cb0001") / "bai-tap.ipynb").read_bytes() == notebook()
    assert not [p for p in root.rglob("*") if p.name.endswith(".part")]


# Zips in zips, and sources that cannot be read --------------------------------------------------------


def test_a_zip_in_a_zip_is_opened_and_deeper_ones_refused(root, tmp_path):
    level2 = zip_bytes([("cb0002.ipynb", notebook()), ("sau.zip", zip_bytes([("cb0003.ipynb", notebook())]))])
    level1 = zip_bytes([("cb0001.ipynb", notebook()), ("trong.zip", level2), ("hong.zip", "PK\x03\x04 hỏng".encode())])
    source = tmp_path / "ngoai.zip"
    source.write_bytes(zip_bytes([("lop.zip", level1), ("bai.rar", b"Rar!\x1a\x07\x00")]))
    res = collect.match(root, source, modules())
    assert taken(res) == {"lop.zip/cb0001.ipynb": "cb0001", "lop.zip/trong.zip/cb0002.ipynb": "cb0002"}
    reasons = problems_of(res)
    assert "quá nhiều lớp" in reasons["lop.zip/trong.zip/sau.zip"]
    assert "bị hỏng" in reasons["lop.zip/hong.zip"]
    assert ".rar" in reasons["bai.rar"] and "giải nén" in reasons["bai.rar"]


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [
        ("khong-co.zip", None, "Không thấy"),
        ("hong.zip", b"PK\x03\x04" + bytes(range(256)) * 4, "bị hỏng"),
        ("rong.zip", b"", "bị hỏng"),
        ("bai.rar", b"Rar!\x1a\x07\x01\x00", "giải nén"),
        ("bai-nop", b"7z\xbc\xaf\x27\x1c\x00\x04", "giải nén"),
        ("ghi-chu.txt", "Danh sách bài nộp".encode(), "nguồn phải là"),
    ],
)
def test_a_source_that_cannot_be_read_is_one_sentence_and_exit_2(root, tmp_path, capsys, name, body, words):
    source = tmp_path / name
    if body is not None:
        source.write_bytes(body)
    code, out = collect_cli(capsys, source)
    assert code == 2 and words in out and len(out.strip().splitlines()) == 1
    assert_vietnamese(out.strip())
    assert not (root / "submitted").exists() or not any((root / "submitted").iterdir())


def test_one_notebook_or_one_email_is_a_source(root, tmp_path, capsys):
    from email.message import EmailMessage

    (tmp_path / "cb0001.ipynb").write_bytes(notebook())
    assert collect_cli(capsys, tmp_path / "cb0001.ipynb")[0] == 0
    assert (submitted(root, "cb0001") / "bai-tap.ipynb").read_bytes() == notebook()
    msg = EmailMessage()
    msg["From"] = "hv2.vt02@vinhtuong.example"
    msg["Date"] = "Mon, 09 May 2022 08:30:00 +0700"
    msg.add_attachment(notebook(), maintype="application", subtype="octet-stream", filename="bai-tap.ipynb")
    (tmp_path / "thu.eml").write_bytes(bytes(msg))
    assert collect_cli(capsys, tmp_path / "thu.eml")[0] == 0
    assert str(stamp_of(root, "cb0002")) == "2022-05-09 01:30:00+00:00"


# Fuzz: whatever the bytes, a clean outcome and nothing outside submitted/ and collected/ -----------------


def outside(tmp_path, root, sources):
    """Every file of the test's folder but the source and the cohort's submitted/ and collected/."""
    allowed = (sources, root / "submitted", root / "collected")
    return {
        p: p.read_bytes()
        for p in tmp_path.rglob("*")
        if p.is_file() and not p.is_symlink() and not any(p.is_relative_to(a) for a in allowed)
    }


def through(root, tmp_path, source: "os.PathLike", body: bytes):
    """Write the source, then match and write: only the module's own error may come out, and nothing
    is written outside submitted/ and collected/."""
    source.parent.mkdir(exist_ok=True)
    source.write_bytes(body)
    before = outside(tmp_path, root, source.parent)
    try:
        res = collect.match(root, source, modules())
    except collect.SourceError as exc:
        assert_vietnamese(str(exc))
        return
    for item in res.problems:
        assert_vietnamese(item.problem)
    collect.write(root, res.written, res.archived)
    assert outside(tmp_path, root, source.parent) == before
    for path in (root / "submitted").rglob("*"):
        assert path.name in ("bai-tap.ipynb", "timestamp.txt") or path.is_dir()


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
SEED_ZIP = zip_bytes(
    [
        ("cb0001.ipynb", notebook()),
        ("Bài nộp/cb0002.ipynb", notebook(answer="2")),
        ("../../cb0003.ipynb", notebook()),
        ("thu.eml", b"From: hv4.vt04@vinhtuong.example\r\n\r\n"),
    ],
    zipfile.ZIP_DEFLATED,
)
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=30).map(
    lambda s: s + ".ipynb"
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                ["cells", "metadata", "nbgrader", "grade_id", "kynangso", "ma_can_bo", "cell_type", "source", "x"]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=20,
)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_fuzz_random_bytes_as_a_zip(root, tmp_path, data):
    through(root, tmp_path, tmp_path / "nguon" / "usb.zip", data)


@FUZZ
@given(
    flips=st.lists(st.tuples(st.integers(0, len(SEED_ZIP) - 1), st.integers(1, 255)), min_size=1, max_size=8),
    cut=st.integers(0, len(SEED_ZIP)),
)
def test_fuzz_mutated_zips(root, tmp_path, flips, cut):
    raw = bytearray(SEED_ZIP)
    for at, bits in flips:
        raw[at] ^= bits
    through(root, tmp_path, tmp_path / "nguon" / "usb.zip", bytes(raw[: max(cut, len(raw) - 200)]))


@FUZZ
@given(entries=st.lists(st.tuples(names, json_values | st.binary(max_size=200)), min_size=1, max_size=4))
def test_fuzz_notebook_shapes_and_names(root, tmp_path, entries):
    zipped = []
    for i, (name, value) in enumerate(entries):
        body = value if isinstance(value, bytes) else json.dumps(value).encode("utf-8")
        if isinstance(value, dict) and i % 2:
            body = json.dumps({**json.loads(notebook()), **value}).encode("utf-8")  # half a real notebook
        zipped.append((f"cb000{i + 1}/{name}", body))
    through(root, tmp_path, tmp_path / "nguon" / "usb.zip", zip_bytes(zipped))
