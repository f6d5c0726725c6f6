"""`kynangso collect`: notebooks from e-mail or USB, as a folder or a zip, matched to the roster."""

import json
import os
import time
import zipfile

import pytest

from kynangso import cli
from kynangso.authoring import manifest
from kynangso.cohorts import collect, roster, simulate

ROSTER = "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\n" + "".join(
    f"cb000{i},Học Viên Mẫu {i},VT0{i},Công chức thử nghiệm,hv{i}.vt0{i}@vinhtuong.example\n" for i in range(1, 8)
)


def notebook_bytes(module_id, **metadata):
    nb = json.loads((manifest.load().module(module_id).source / "bai-tap.ipynb").read_text(encoding="utf-8"))
    if metadata:
        nb["metadata"]["kynangso"] = metadata
    return json.dumps(nb, ensure_ascii=False).encode("utf-8")


@pytest.fixture
def sent(tmp_path, cohorts):
    roster_csv = tmp_path / "roster.csv"
    roster_csv.write_text(ROSTER, encoding="utf-8")
    root = roster.create("lop", roster_csv)
    box = tmp_path / "hop-thu"
    files = {
        "cb0001_bai-tap.ipynb": notebook_bytes("00-lam-quen"),
        "hv2.vt02@vinhtuong.example/bai-tap.ipynb": notebook_bytes("00-lam-quen"),
        "tai-ve/bai-tap.ipynb": notebook_bytes("00-lam-quen", ma_can_bo="cb0003"),
        "bai-tap-moi.ipynb": notebook_bytes("00-lam-quen"),
        "cb0001_cb0002.ipynb": notebook_bytes("00-lam-quen"),
        "CB0004 bai 01.ipynb": notebook_bytes("01-thu-dien-tu"),
        "cb0005/bai-tap.ipynb": notebook_bytes("00-lam-quen"),
        "cb0005-bai-tap (2).ipynb": notebook_bytes("00-lam-quen", ma_can_bo="cb0005"),  # sent again, changed
        "cb0006.ipynb": b'{"cells": [',
        "cb0007.ipynb": notebook_bytes("00-lam-quen", ma_can_bo="cb9999"),
        "cb0001.pdf": b"%PDF-1.7",
    }
    for name, body in files.items():
        (box / name).parent.mkdir(parents=True, exist_ok=True)
        (box / name).write_bytes(body)
    hour_ago = time.time() - 3600
    os.utime(box / "cb0005/bai-tap.ipynb", (hour_ago, hour_ago))  # the first version, an hour older
    return root, box, files


def check_outcome(root, res, files):
    written = {i.name: (i.student, i.module, i.notebook) for i in res.written}
    assert written == {
        "cb0001_bai-tap.ipynb": ("cb0001", "00-lam-quen", "bai-tap.ipynb"),
        "hv2.vt02@vinhtuong.example/bai-tap.ipynb": ("cb0002", "00-lam-quen", "bai-tap.ipynb"),
        "tai-ve/bai-tap.ipynb": ("cb0003", "00-lam-quen", "bai-tap.ipynb"),
        "CB0004 bai 01.ipynb": ("cb0004", "01-thu-dien-tu", "bai-tap.ipynb"),  # module told by its cells
        "cb0005-bai-tap (2).ipynb": ("cb0005", "00-lam-quen", "bai-tap.ipynb"),  # the newer of two versions
    }
    archived = {i.name: i.note for i in res.archived}
    assert list(archived) == ["cb0005/bai-tap.ipynb"]  # the older version is kept, not submitted
    assert "có tệp mới hơn trong cùng nguồn (cb0005-bai-tap (2).ipynb)" in archived["cb0005/bai-tap.ipynb"]
    problems = {i.name: i.problem for i in res.problems}
    assert set(problems) == {
        "bai-tap-moi.ipynb",
        "cb0001_cb0002.ipynb",
        "cb0006.ipynb",
        "cb0007.ipynb",
    }
    assert "không tìm thấy mã cán bộ" in problems["bai-tap-moi.ipynb"]
    assert "cb0001, cb0002" in problems["cb0001_cb0002.ipynb"]
    assert "hỏng" in problems["cb0006.ipynb"] and "--module" in problems["cb0006.ipynb"]
    assert "cb9999" in problems["cb0007.ipynb"]  # the file name says cb0007, the notebook says otherwise
    assert res.ignored == ["cb0001.pdf"]


def test_a_folder_is_matched_and_what_cannot_be_matched_is_reported(sent, capsys):
    root, box, files = sent
    (root / "submitted" / "cb0001" / "00-lam-quen").mkdir(parents=True)
    (root / "submitted" / "cb0001" / "00-lam-quen" / simulate.MARKER).write_text("x", encoding="utf-8")
    (root / "submitted" / "cb0001" / "00-lam-quen" / "old.ipynb").write_text("{}", encoding="utf-8")
    check_outcome(root, collect.match(root, box, manifest.load().ready_modules()), files)
    assert cli.main(["collect", "lop", str(box)]) == 1  # some files need the instructor
    out = capsys.readouterr().out
    assert "Đã nhận 5 bài nộp" in out and "Không nhận 4 tệp" in out and "Đã lưu 1 phiên bản khác" in out
    sub = root / "submitted" / "cb0001" / "00-lam-quen"
    assert (sub / "bai-tap.ipynb").read_bytes() == files["cb0001_bai-tap.ipynb"]  # byte for byte
    assert (sub / "timestamp.txt").read_text(encoding="utf-8").startswith("20")
    assert not (sub / "old.ipynb").exists()  # a simulated submission gives way to the real one
    assert (root / "submitted" / "cb0004" / "01-thu-dien-tu" / "bai-tap.ipynb").is_file()
    assert (root / "submitted" / "cb0005" / "00-lam-quen" / "bai-tap.ipynb").read_bytes() == files[
        "cb0005-bai-tap (2).ipynb"
    ]
    [kept] = (root / "collected" / "cb0005" / "00-lam-quen").glob("*-bai-tap.ipynb")
    assert kept.read_bytes() == files["cb0005/bai-tap.ipynb"]
    assert not (root / "submitted" / "cb0006").exists()


def test_a_zip_gives_the_same_result_and_cannot_write_outside(sent, tmp_path):
    root, box, files = sent
    archive = tmp_path / "usb.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, body in files.items():  # each with its file's time, as a zip tool keeps it
            z.writestr(zipfile.ZipInfo(name, time.localtime((box / name).stat().st_mtime)[:6]), body)
        z.writestr("../../ngoai-thu-muc-cb0006.ipynb", notebook_bytes("00-lam-quen"))
    res = collect.match(root, archive, manifest.load().ready_modules())
    by_name = {i.name: i for i in res.written}
    assert by_name.pop("../../ngoai-thu-muc-cb0006.ipynb").student == "cb0006"
    res.written = list(by_name.values())
    check_outcome(root, res, files)
    collect.write(root, collect.match(root, archive, manifest.load().ready_modules()).written)
    assert (root / "submitted" / "cb0006" / "00-lam-quen" / "bai-tap.ipynb").is_file()
    assert not (tmp_path.parent / "ngoai-thu-muc-cb0006.ipynb").exists()


def test_a_broken_file_is_taken_when_the_module_is_given(sent, capsys):
    root, box, files = sent
    only = box.parent / "mot-tep"
    only.mkdir()
    (only / "cb0006.ipynb").write_bytes(files["cb0006.ipynb"])
    assert cli.main(["collect", "lop", str(only), "--module", "00-lam-quen"]) == 0
    # written as sent: grading will say it is broken (test_grading_engine.py)
    assert (root / "submitted" / "cb0006" / "00-lam-quen" / "bai-tap.ipynb").read_bytes() == files["cb0006.ipynb"]


def mail(sender, attachments, date="Mon, 09 May 2022 08:30:00 +0700"):
    from email.message import EmailMessage

    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "giang.vien@vinhtuong.example"
    msg["Subject"] = "Nộp bài tập mô-đun 00"
    msg["Date"] = date
    msg.set_content("Kính gửi thầy/cô, em gửi bài tập.")
    for name, body in attachments.items():
        msg.add_attachment(body, maintype="application", subtype="octet-stream", filename=name)
    return bytes(msg)


def test_notebooks_attached_to_saved_emails_are_matched_by_sender(sent, tmp_path):
    root, _, _ = sent
    box = tmp_path / "thu-da-luu"
    box.mkdir()
    (box / "thu-1.eml").write_bytes(
        mail(
            "Học Viên Mẫu 1 <HV1.VT01@vinhtuong.example>",
            {"bai-tap.ipynb": notebook_bytes("00-lam-quen"), "anh.png": b"\x89PNG"},
        )
    )
    (box / "thu-2.eml").write_bytes(mail("nguoi.la@example.com", {"bai-tap.ipynb": notebook_bytes("00-lam-quen")}))
    (box / "thu-3.eml").write_bytes(mail("hv3.vt03@vinhtuong.example", {}))
    res = collect.match(root, box, manifest.load().ready_modules())
    assert [(i.name, i.student, i.module) for i in res.written] == [
        ("thu-1.eml/bai-tap.ipynb", "cb0001", "00-lam-quen")
    ]
    assert [i.name for i in res.problems] == ["thu-2.eml/bai-tap.ipynb"]
    assert "không tìm thấy mã cán bộ" in res.problems[0].problem
    assert sorted(res.ignored) == ["thu-1.eml/anh.png", "thu-3.eml"]
    collect.write(root, res.written)
    sub = root / "submitted" / "cb0001" / "00-lam-quen"
    assert (sub / "bai-tap.ipynb").read_bytes() == notebook_bytes("00-lam-quen")
    assert (sub / "timestamp.txt").read_text(encoding="utf-8").startswith("2022-05-09 08:30:00+07:00")
