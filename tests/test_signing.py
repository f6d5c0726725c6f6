"""The training PKI and signed PDFs: what a clerk must be able to tell (valid, altered, expired,
revoked, untrusted), the visible signature of Decree 30/2020, and an independent check by poppler."""

import shutil
import subprocess
import unicodedata
from datetime import datetime, timedelta

import pytest
from cryptography import x509
from PIL import Image

from kynangso import cli, letters, signing
from kynangso.pki import VN_TZ, TrainingPKI

CHAIR = {"ma_can_bo": "cb0001", "ho_ten": "Phan Văn Đ", "co_quan": "UBND huyện", "email": "dpv.vt00@vinhtuong.example"}


def altered(data: bytes) -> bytes:
    """The signed file with one byte of its signed content changed (the document's title)."""
    at = data.find(b"/Title")
    assert 0 < at < data.find(b"/ByteRange"), "the title must be inside the signed range"
    return data[:at] + b"/Titlf" + data[at + 6 :]


def letter():
    doc = letters.Letter(
        issuer=[("UBND TỈNH VĨNH PHÚC", "R"), ("ỦY BAN NHÂN DÂN", "B"), ("HUYỆN VĨNH TƯỜNG", "B")],
        number="Số: 45/UBND-VP",
        place_date="Vĩnh Tường, ngày 12 tháng 4 năm 2022",
        title="",
        subject="V/v ký số văn bản đi",
        recipients="Kính gửi: UBND các xã, thị trấn.",
        paragraphs=["Từ ngày 01/5/2022, mọi văn bản đi của các đơn vị được ký số."],
        authority=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"],
        signer=CHAIR["ho_ten"],
        to_list=["- Như trên;", "- Lưu: VT, VP."],
        signed_mark="",
    )
    return letters.layout(doc)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return TrainingPKI.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def signed(pki):
    pdf, box = letter()
    return signing.sign_pdf(pdf, pki, pki.issue(CHAIR), agency="UBND huyện Vĩnh Tường", box=box), box


def test_training_ca_says_what_it_is_and_is_constrained(pki):
    for cert in (pki.root, pki.ca):
        names = " ".join(a.value for a in cert.subject)
        assert "THỰC HÀNH" in names
        assert (cert.not_valid_after_utc - cert.not_valid_before_utc) <= timedelta(days=731)
    assert pki.root.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 1
    assert pki.ca.extensions.get_extension_for_class(x509.BasicConstraints).value.path_length == 0
    pki.ca.verify_directly_issued_by(pki.root)
    assert not list(pki.folder.glob("*.p12"))


def test_official_certificate_has_the_vietnamese_name(pki):
    cert = pki.issue(CHAIR)
    cn = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value
    assert cn == "Phan Văn Đ" and unicodedata.is_normalized("NFC", cn)
    cert.verify_directly_issued_by(pki.ca)
    assert not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.content_commitment


def test_a_clerk_tells_valid_altered_expired_revoked_and_untrusted(pki, signed, tmp_path):
    pdf, box = letter()
    data, _ = signed
    [ok] = signing.check_pdf(data, pki)
    assert (ok.verdict, ok.signer, ok.intact, ok.trusted) == ("hop_le", "Phan Văn Đ", True, True)
    assert abs(ok.signed_at - datetime.now(VN_TZ)) < timedelta(minutes=5)
    assert [r.verdict for r in signing.check_pdf(altered(data), pki)] == ["bi_sua"]
    old = pki.issue(dict(CHAIR, ma_can_bo="cb0002"), days=5, start=datetime.now(VN_TZ) - timedelta(days=10))
    assert [r.verdict for r in signing.check_pdf(signing.sign_pdf(pdf, pki, old, "x", box), pki)] == ["het_han"]
    lost = pki.issue(dict(CHAIR, ma_can_bo="cb0003"))
    pki.revoke(lost, datetime.now(VN_TZ) - timedelta(hours=2))
    assert [r.verdict for r in signing.check_pdf(signing.sign_pdf(pdf, pki, lost, "x", box), pki)] == ["bi_thu_hoi"]
    stranger = TrainingPKI.create(tmp_path / "khac")
    forged = signing.sign_pdf(pdf, stranger, stranger.issue(CHAIR), "UBND huyện Vĩnh Tường", box)
    assert [r.verdict for r in signing.check_pdf(forged, pki)] == ["khong_tin_cay"]


def test_visible_signature_is_blue_with_the_red_seal_on_its_left_third(signed, tmp_path):
    """Rendered as a reader sees it (poppler): blue strokes across the box, red seal in its left part."""
    if not shutil.which("pdftoppm"):
        pytest.skip("poppler-utils is not installed (.ci/run installs it)")
    data, (x1, y1, x2, y2) = signed
    (tmp_path / "s.pdf").write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-singlefile", str(tmp_path / "s.pdf"), str(tmp_path / "p")], check=True
    )
    page = Image.open(tmp_path / "p.png").convert("RGB")
    h = page.height
    crop = page.crop((int(x1), int(h - y2), int(x2), int(h - y1)))
    w = crop.width
    red = [
        x
        for x in range(w)
        for y in range(crop.height)
        if (lambda p: p[0] > 150 and p[1] < 90 and p[2] < 90)(crop.getpixel((x, y)))
    ]
    blue = [
        x for x in range(w) for y in range(crop.height) if (lambda p: p[2] > 120 and p[0] < 90)(crop.getpixel((x, y)))
    ]
    assert len(red) > 30 and max(red) < 0.45 * w, "the seal sits on the left of the signature"
    assert len(blue) > 30 and max(blue) > 0.7 * w, "the blue signature runs across the box"


def test_independent_check_with_poppler_pdfsig(pki, signed, tmp_path):
    if not (shutil.which("pdfsig") and shutil.which("certutil")):
        pytest.skip("poppler-utils and libnss3-tools are not installed (.ci/run installs them)")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "goc-thuc-hanh",
            "-t",
            "CT,C,C",
            "-i",
            str(pki.folder / "goc.pem"),
        ],
        check=True,
    )
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss}", "-n", "ca-cap", "-t", ",,", "-i", str(pki.folder / "ca-cap.pem")],
        check=True,
    )
    data, _ = signed
    (tmp_path / "ky.pdf").write_bytes(data)
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(tmp_path / "ky.pdf")], capture_output=True, text=True
    ).stdout
    assert "Signature is Valid" in out and "Certificate is Trusted" in out, out
    (tmp_path / "sua.pdf").write_bytes(altered(data))
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(tmp_path / "sua.pdf")], capture_output=True, text=True
    ).stdout
    assert "Signature is Valid" not in out, out


def test_sign_command_for_instructors(tmp_path, capsys):
    pdf, _ = letter()
    (tmp_path / "in.pdf").write_bytes(pdf)
    assert (
        cli.main(["sign", str(tmp_path / "in.pdf"), "--out", str(tmp_path / "out.pdf"), "--pki", str(tmp_path / "pki")])
        == 0
    )
    out = capsys.readouterr().out
    assert "Hợp lệ" in out and str(tmp_path / "pki" / "goc.pem") in out
    [r] = signing.check_pdf((tmp_path / "out.pdf").read_bytes(), TrainingPKI.load(tmp_path / "pki"))
    assert r.verdict == "hop_le"


def test_works_inside_a_running_event_loop_as_in_a_jupyter_kernel(pki):
    """pyHanko calls asyncio.run(); a kernel already runs a loop, which made signing fail there."""
    import asyncio

    pdf, box = letter()
    cert = pki.issue(dict(CHAIR, ma_can_bo="cb0009"))

    async def in_kernel():
        signed = signing.sign_pdf(pdf, pki, cert, "UBND huyện Vĩnh Tường", box)
        return signing.check_pdf(signed, pki)

    assert [r.verdict for r in asyncio.run(in_kernel())] == ["hop_le"]


@pytest.mark.parametrize(
    "official,name",
    [
        ({"co_quan": "UBND huyện", "ma_don_vi": "VT00"}, "UBND huyện Vĩnh Tường"),
        ({"co_quan": "Phòng Tư pháp", "ma_don_vi": "VT00"}, "Phòng Tư pháp huyện Vĩnh Tường"),
        ({"co_quan": "UBND xã An Tường", "ma_don_vi": "VT04"}, "UBND xã An Tường"),
    ],
)
def test_stamp_carries_the_agency_full_name(official, name):
    assert signing.agency_name(official) == name
