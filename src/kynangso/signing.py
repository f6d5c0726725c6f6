"""Signing PDFs with the training PKI (pyHanko), and checking signatures as a clerk does.

The visible signature follows Decree 30/2020/NĐ-CP, Appendix I: the signer's signature image in
blue, the agency's red seal over about a third of it on the left, and the agency's name with the
signing time in ISO 8601, Vietnam time (+07:00). The images are drawn at run time. What a clerk
reads (the verdicts' explanations, the `kynangso sign` verb's help and output) is in the message
catalogue (`library.signing.*`).

    signed = sign_pdf(pdf_bytes, pki, cert, agency="UBND huyện Vĩnh Tường", box=(x1, y1, x2, y2))
    [report] = check_pdf(signed, pki)      # report.verdict: hop_le | bi_sua | het_han | bi_thu_hoi | ...
"""

from __future__ import annotations

import io
import logging
import math
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from . import messages
from .pki import VN_TZ, TrainingPKI

FIELD = "ChuKySo"


# verdict code -> what it means (a plain dict: learners' notebooks hold it, and the grader passes it on)
VERDICTS = {
    code: messages.text(f"library.signing.verdict.{code}")
    for code in ("hop_le", "bi_sua", "het_han", "bi_thu_hoi", "khong_tin_cay", "chu_ky_sai")
}


FONT_DIR_ENV = "KYNANGSO_FONT_DIR"


@lru_cache(maxsize=1)
def _font_path() -> str:
    """DejaVu Sans rescaled (`make_font`), in the folder the grader shares with its kernels, or else
    in a temporary folder of this user's own: made once per user and machine (on a shared server,
    one official's file is never another's to read or replace)."""
    return str(make_font(Path(os.environ.get(FONT_DIR_ENV) or own_temp())))


def own_temp() -> Path:
    """A folder under the temporary folder that only this user owns and writes (made if missing);
    a fresh one if another user took the name first."""
    folder = Path(tempfile.gettempdir()) / f"kynangso-{os.getuid()}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
        st = folder.lstat()
        if folder.is_symlink() or st.st_uid != os.getuid() or st.st_mode & 0o022:
            raise PermissionError(folder)
    except OSError:
        return Path(tempfile.mkdtemp(prefix="kynangso-"))
    return folder


def make_font(folder: Path) -> Path:
    """DejaVu Sans (shipped with matplotlib, covers Vietnamese) rescaled to 1000 units per em, in
    `folder` (kept if already there): pyHanko 0.29 writes glyph widths in font units, right only
    for 1000-unit fonts (DejaVu has 2048)."""
    import matplotlib
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    out = Path(folder) / f"kynangso-DejaVuSans-1000-mpl{matplotlib.__version__}.ttf"
    if not out.is_file():  # written aside, then renamed (processes may race)
        font = TTFont(os.path.join(matplotlib.get_data_path(), "fonts", "ttf", "DejaVuSans.ttf"))
        scale_upem(font, 1000)
        part = out.with_suffix(f".{os.getpid()}.part")
        font.save(str(part))
        os.replace(part, out)
    return out


def _outside_event_loop(fn):
    """Run fn where asyncio.run works: pyHanko calls asyncio.run(), which fails inside a Jupyter
    kernel's running event loop, so there fn runs on a worker thread."""
    import asyncio
    import concurrent.futures

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result()


def stamp_image(width: int = 570, height: int = 162, scale: int = 1):
    """The signature's picture: a blue handwritten-like stroke, and the agency's red seal covering
    about a third of it on the left (transparent PNG, Pillow)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGBA", (width * scale, height * scale), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    blue, red = (20, 50, 190, 255), (210, 25, 25, 235)
    # the signer's signature: a smooth stroke across the whole width
    pts = [
        (
            width * scale * (0.12 + 0.8 * t),
            height * scale * (0.55 + 0.22 * math.sin(9 * t) * (1 - t) + 0.08 * math.cos(23 * t)),
        )
        for t in [k / 400 for k in range(401)]
    ]
    d.line(pts, fill=blue, width=5 * scale, joint="curve")
    d.line(
        [(width * scale * 0.55, height * scale * 0.78), (width * scale * 0.9, height * scale * 0.70)],
        fill=blue,
        width=3 * scale,
    )
    # the seal: two rings and a star, over the left third of the signature
    cx, cy, r = width * scale * 0.2, height * scale * 0.5, height * scale * 0.47
    d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=red, width=6 * scale)
    d.ellipse((cx - 0.72 * r, cy - 0.72 * r, cx + 0.72 * r, cy + 0.72 * r), outline=red, width=3 * scale)
    star = [
        (
            cx + 0.35 * r * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            cy - 0.35 * r * math.sin(math.pi / 2 + k * 4 * math.pi / 5),
        )
        for k in range(5)
    ]
    d.polygon(star, fill=red)
    return img


@contextmanager
def _quiet():
    """pyHanko, its validator and fontTools log findings to stderr; the reports carry them instead
    (and nbgrader scores 0 a test cell that writes to stderr)."""
    loggers = [logging.getLogger(n) for n in ("pyhanko", "pyhanko_certvalidator", "fontTools")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _to_asn1(cert=None, key=None):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509

    if cert is not None:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    return asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def sign_pdf(
    pdf: bytes,
    pki: TrainingPKI,
    cert,
    agency: str,
    box: tuple[float, float, float, float],
    reason: str = "Ký số văn bản",
    page: int = 0,
) -> bytes:
    """The PDF signed by the holder of `cert` (its key is in the training PKI), with a visible
    signature in `box` on `page`."""
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import TextStampStyle
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    signer = signers.SimpleSigner(
        signing_cert=_to_asn1(cert),
        signing_key=_to_asn1(key=pki.key_of(cert)),
        cert_registry=SimpleCertificateStore.from_certs([_to_asn1(pki.ca), _to_asn1(pki.root)]),
    )
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule

    size = 7  # the font engine's size must equal the text box's: pyHanko 0.29 lays the text out wrong otherwise
    style = TextStampStyle(
        stamp_text="%(co_quan)s\n%(thoi_gian)s",
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(_font_path(), font_size=size), font_size=size),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MAX,
            y_align=AxisAlignment.ALIGN_MIN,
            margins=Margins(left=0, right=2, top=0, bottom=1),
        ),
        background=PdfImage(stamp_image()),
        background_opacity=1.0,
        border_width=0,
    )
    when = datetime.now(VN_TZ).replace(microsecond=0)
    meta = signers.PdfSignatureMetadata(field_name=FIELD, reason=reason, location="Vĩnh Tường, Vĩnh Phúc")
    pdf_signer = signers.PdfSigner(
        meta,
        signer=signer,
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD, on_page=page, box=box),
    )

    def sign():
        with _quiet():
            return pdf_signer.sign_pdf(
                IncrementalPdfFileWriter(io.BytesIO(pdf)),
                appearance_text_params={"co_quan": agency, "thoi_gian": when.isoformat()},
            )

    return _outside_event_loop(sign).getvalue()


@dataclass
class Report:
    """What a clerk reads from one signature."""

    field: str
    signer: str
    issuer: str
    signed_at: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    revoked: bool
    expired: bool
    modified_after: bool
    verdict: str

    @property
    def explanation(self) -> str:
        return VERDICTS[self.verdict]


def _common_name(name) -> str:
    return name.native.get("common_name", "")


def check_pdf(pdf: bytes, pki: TrainingPKI | None = None, trust_roots=None, crls=None) -> list[Report]:
    """Validate every signature of a PDF against the training root (or `trust_roots`) and CRL."""

    def check():
        with _quiet():
            return _check_pdf(pdf, pki, trust_roots, crls)

    return _outside_event_loop(check)


def _check_pdf(pdf, pki, trust_roots, crls) -> list[Report]:
    from asn1crypto import crl as asn1_crl
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = trust_roots or [pki.root]
    crl_list = crls if crls is not None else ([pki.crl()] if pki else [])
    context = ValidationContext(
        trust_roots=[_to_asn1(r) for r in roots],
        other_certs=[_to_asn1(pki.ca)] if pki else [],
        crls=[asn1_crl.CertificateList.load(c.public_bytes(serialization.Encoding.DER)) for c in crl_list],
        allow_fetching=False,
        revocation_mode="hard-fail",
    )
    reports = []
    for sig in PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures:
        try:
            st = validate_pdf_signature(sig, context)
        except SignatureValidationError:
            reports.append(Report(sig.field_name, "", "", None, False, False, False, False, False, True, "chu_ky_sai"))
            continue
        cert = sig.signer_cert
        signed_at = st.signer_reported_dt
        not_before, not_after = (
            cert["tbs_certificate"]["validity"]["not_before"].native,
            cert["tbs_certificate"]["validity"]["not_after"].native,
        )
        expired = signed_at is not None and not (not_before <= signed_at <= not_after)
        revoked = bool(getattr(st, "revoked", False))
        modified = st.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
            st.modification_level is None or st.modification_level > ModificationLevel.LTA_UPDATES
        )
        if not st.intact or modified:
            verdict = "bi_sua"
        elif not st.valid:
            verdict = "chu_ky_sai"
        elif revoked:
            verdict = "bi_thu_hoi"
        elif expired:
            verdict = "het_han"
        elif not st.trusted:
            verdict = "khong_tin_cay"
        else:
            verdict = "hop_le"
        reports.append(
            Report(
                sig.field_name,
                _common_name(cert.subject),
                _common_name(cert.issuer),
                signed_at.astimezone(VN_TZ) if signed_at else None,
                st.intact,
                st.valid,
                st.trusted,
                revoked,
                expired,
                modified,
                verdict,
            )
        )
    return reports


def agency_name(official: dict) -> str:
    """The agency's full name for the stamp: "UBND xã An Tường" as it is; district agencies get the
    district's name ("UBND huyện" -> "UBND huyện Vĩnh Tường", "Phòng Tư pháp" -> "Phòng Tư pháp huyện Vĩnh Tường")."""
    agency = (official.get("co_quan") or "UBND huyện").strip()
    if official.get("ma_don_vi", "VT00") != "VT00" or agency.endswith("Vĩnh Tường"):
        return agency
    return "UBND huyện Vĩnh Tường" if agency == "UBND huyện" else f"{agency} huyện Vĩnh Tường"


# --- the `kynangso sign` verb, for instructors' demos ---------------------------------------------


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("input", type=Path, metavar=t("library.signing.metavar.pdf"), help=t("library.signing.arg.input"))
    p.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar=t("library.signing.metavar.signed"),
        help=t("library.signing.arg.out"),
    )
    p.add_argument(
        "--pki",
        type=Path,
        default=Path("cohorts") / "pki-thuc-hanh",
        metavar=t("library.signing.metavar.folder"),
        help=t("library.signing.arg.pki"),
    )
    p.add_argument(
        "--official",
        default=None,
        metavar=t("library.signing.metavar.official"),
        help=t("library.signing.arg.official"),
    )
    p.add_argument("--box", default="360,80,550,140", metavar="X1,Y1,X2,Y2", help=t("library.signing.arg.box"))
    p.add_argument(
        "--page", type=int, default=0, metavar=t("library.signing.metavar.page"), help=t("library.signing.arg.page")
    )


def run(args) -> int:
    from .data import load

    t = messages.text
    staff = load("can_bo")
    row = (
        staff[staff["ma_can_bo"] == args.official]
        if args.official
        else staff[staff["chuc_vu"] == "Chủ tịch UBND huyện"]
    )
    if row.empty:
        print(t("library.signing.no_official", official=args.official))
        return 2
    official = {k: (None if v is None else str(v)) for k, v in row.iloc[0].items()}
    pki = TrainingPKI.open_or_create(args.pki)
    cert = pki.issue(official)
    box = tuple(float(x) for x in args.box.split(","))
    signed = sign_pdf(args.input.read_bytes(), pki, cert, agency=agency_name(official), box=box, page=args.page)
    args.out.write_bytes(signed)
    [report] = check_pdf(signed, pki)[-1:]
    print(t("library.signing.signed", out=args.out, signer=report.signer, explanation=report.explanation))
    print(t("library.signing.root", path=pki.folder / "goc.pem"))
    return 0
