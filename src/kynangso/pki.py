"""The course's training PKI: a root and an issuing CA that say plainly they are for training,
certificates for officials from `can_bo` (Vietnamese names in the subject), and a revocation list.

Everything is made at run time into a folder (a cohort's or a temporary one); no key or certificate
is ever committed. Validity is short and the path length limited, so nothing made here can pass
for a real certificate.

    pki = TrainingPKI.create(folder)
    cert = pki.issue(official)            # a row of load("can_bo"), or a dict with its columns
    pki.revoke(cert, when)                # then pki.crl() is the signed revocation list

The certificates' names (ORGANIZATION, ROOT_NAME, ISSUER_NAME) are Vietnamese and say "THỰC HÀNH";
the error a learner may meet is in the message catalogue (`library.pki.*`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from . import messages

VN_TZ = timezone(timedelta(hours=7))
ORGANIZATION = "Khóa học Kỹ năng số - CHỈ ĐỂ THỰC HÀNH"
ROOT_NAME = "CA gốc THỰC HÀNH Kỹ năng số"
ISSUER_NAME = "CA cấp chứng thư THỰC HÀNH Kỹ năng số"
DOCUMENT_SIGNING = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")  # id-kp-documentSigning (RFC 9336)
# Where the revocation list would be published: a reserved name, never fetched (checks are given the CRL).
CRL_URL = "http://pki.kynangso.example/ca-cap.crl"


def _name(common_name: str, unit: str | None = None, email: str | None = None) -> x509.Name:
    attrs = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Vĩnh Phúc"),
        x509.NameAttribute(NameOID.LOCALITY_NAME, "Vĩnh Tường"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANIZATION),
    ]
    if unit:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if email:
        attrs.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attrs)


KEY_POOL_ENV = "KYNANGSO_KEY_POOL"
_pool_used = [0]


def _key() -> rsa.RSAPrivateKey:
    """A new RSA key; while a submission is graded, the next key of the grading run's pool instead.

    The grader makes the pool at run time (`make_key_pool`) and both kernels of a notebook (the
    learner's and the trusted one, trusted.py) read it, so the course's setup cells give the same
    CA in both: a PDF the learner signed validates where the tests run. Keys are never committed."""
    pool = os.environ.get(KEY_POOL_ENV)
    if pool:
        path = Path(pool) / f"{_pool_used[0]:03d}.pem"
        _pool_used[0] += 1
        if path.is_file():
            return serialization.load_pem_private_key(path.read_bytes(), None)
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_key_pool(folder: Path, count: int = 32) -> Path:
    """`count` fresh RSA keys in `folder` (readable by the sandboxed kernels), for one grading run."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    for i in range(count):
        path = folder / f"{i:03d}.pem"
        path.write_bytes(_key_pem(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
        path.chmod(0o644)
    return folder


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _ca_cert(
    subject: x509.Name, key, issuer: x509.Name, issuer_key, start: datetime, days: int, path_length: int
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


@dataclass
class Revoked:
    serial: int
    when: datetime


class TrainingPKI:
    """Root CA -> issuing CA -> officials. Files in `folder`: goc.pem (the root, to trust),
    ca-cap.pem, crl.pem, and can-bo/<ma_can_bo>.pem and .key for each certificate issued."""

    def __init__(
        self,
        folder: Path,
        root_key,
        root: x509.Certificate,
        ca_key,
        ca: x509.Certificate,
        revoked: list[Revoked] | None = None,
    ):
        self.folder, self.root_key, self.root, self.ca_key, self.ca = folder, root_key, root, ca_key, ca
        self.revoked = revoked or []

    # --- making ---------------------------------------------------------------------------------
    @classmethod
    def create(cls, folder: Path, start: datetime | None = None) -> TrainingPKI:
        """A new root (2 years) and issuing CA (1 year, path length 0), starting a day before `start`."""
        start = (start or datetime.now(VN_TZ)) - timedelta(days=1)
        root_key, ca_key = _key(), _key()
        root_name, ca_name = _name(ROOT_NAME), _name(ISSUER_NAME)
        root = _ca_cert(root_name, root_key, root_name, root_key, start, 730, path_length=1)
        ca = _ca_cert(ca_name, ca_key, root_name, root_key, start, 365, path_length=0)
        pki = cls(Path(folder), root_key, root, ca_key, ca)
        pki.save()
        return pki

    def issue(self, official, days: int = 180, start: datetime | None = None) -> x509.Certificate:
        """A signing certificate for an official (a row of can_bo: ma_can_bo, ho_ten, co_quan, email)."""
        start = start or (datetime.now(VN_TZ) - timedelta(hours=1))
        key = _key()
        subject = _name(official["ho_ten"], official.get("co_quan"), official.get("email"))
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.ca.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            )
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                            relative_name=None,
                            reasons=None,
                            crl_issuer=None,
                        )
                    ]
                ),
                critical=False,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), critical=False)
        )
        if official.get("email"):
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.RFC822Name(official["email"])]), critical=False
            )
        cert = builder.sign(self.ca_key, hashes.SHA256())
        folder = self.folder / "can-bo"
        folder.mkdir(parents=True, exist_ok=True)
        stem = official.get("ma_can_bo") or f"{cert.serial_number:x}"[:12]
        (folder / f"{stem}.pem").write_bytes(_pem(cert))
        (folder / f"{stem}.key").write_bytes(_key_pem(key))
        (folder / f"{stem}.key").chmod(0o600)
        return cert

    def key_of(self, cert: x509.Certificate):
        for pem in (self.folder / "can-bo").glob("*.pem"):
            if x509.load_pem_x509_certificate(pem.read_bytes()) == cert:
                return serialization.load_pem_private_key(pem.with_suffix(".key").read_bytes(), None)
        raise KeyError(messages.text("library.pki.no_key"))

    def revoke(self, cert: x509.Certificate, when: datetime | None = None) -> x509.CertificateRevocationList:
        self.revoked.append(Revoked(cert.serial_number, when or datetime.now(VN_TZ)))
        self.save()
        return self.crl()

    def crl(self, now: datetime | None = None) -> x509.CertificateRevocationList:
        now = now or datetime.now(VN_TZ)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.ca.subject)
            .last_update(now - timedelta(minutes=5))
            .next_update(now + timedelta(days=7))
            .add_extension(x509.CRLNumber(len(self.revoked) + 1), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()), critical=False)
        )
        for r in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(r.serial).revocation_date(r.when).build()
            )
        return builder.sign(self.ca_key, hashes.SHA256())

    # --- files ----------------------------------------------------------------------------------
    def save(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "goc.pem").write_bytes(_pem(self.root))
        (self.folder / "ca-cap.pem").write_bytes(_pem(self.ca))
        for name, key in (("goc.key", self.root_key), ("ca-cap.key", self.ca_key)):
            # made 0600 from the start: on a shared server no other user can read it even for a moment
            fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(_key_pem(key))
            (self.folder / name).chmod(0o600)  # a file that was already there keeps its old mode otherwise
        (self.folder / "thu-hoi.json").write_text(
            json.dumps([{"serial": r.serial, "when": r.when.isoformat()} for r in self.revoked]), encoding="utf-8"
        )
        (self.folder / "crl.pem").write_bytes(self.crl().public_bytes(serialization.Encoding.PEM))

    @classmethod
    def load(cls, folder: Path) -> TrainingPKI:
        folder = Path(folder)

        def cert(name):
            return x509.load_pem_x509_certificate((folder / name).read_bytes())

        def key(name):
            return serialization.load_pem_private_key((folder / name).read_bytes(), None)

        revoked = [
            Revoked(r["serial"], datetime.fromisoformat(r["when"]))
            for r in json.loads((folder / "thu-hoi.json").read_text(encoding="utf-8"))
        ]
        return cls(folder, key("goc.key"), cert("goc.pem"), key("ca-cap.key"), cert("ca-cap.pem"), revoked)

    @classmethod
    def open_or_create(cls, folder: Path) -> TrainingPKI:
        return cls.load(folder) if (Path(folder) / "goc.pem").is_file() else cls.create(folder)
