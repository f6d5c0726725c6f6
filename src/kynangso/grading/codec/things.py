"""Kinds for the other things officials' answers are: dates and times (with their time zones),
paths, e-mail messages and addresses, X.509 certificates, revocation lists and keys, the mail lab's record of
what it received, and a matplotlib Axes (its bars, lines, title and labels)."""

from __future__ import annotations

import base64

from .core import Kind, register

# ------------------------------------------------------------------ dates and times


def encode_tz(tz):
    import datetime as dt

    if tz is None:
        return None
    if type(tz) is dt.timezone:
        off = tz.utcoffset(None)
        return ["fixed", off.days * 86400 + off.seconds, tz.tzname(None)]
    key = getattr(tz, "key", None) or getattr(tz, "zone", None)
    return ["zone", str(key)] if key else ["?", type(tz).__name__]


def decode_tz(node):
    import datetime as dt

    if node is None:
        return None
    if node[0] == "fixed":
        offset = dt.timedelta(seconds=int(node[1]))
        return dt.timezone(offset, node[2]) if node[2] else dt.timezone(offset)
    if node[0] == "zone":
        from zoneinfo import ZoneInfo

        return ZoneInfo(str(node[1]))
    raise ValueError("unknown time zone")


def _decode_datetime(dec, a, d):
    import datetime as dt

    return dt.datetime.fromisoformat(a[0]).replace(tzinfo=decode_tz(a[1]))


def _decode_time(dec, a, d):
    import datetime as dt

    return dt.time.fromisoformat(a[0]).replace(tzinfo=decode_tz(a[1]))


def _decode_date(dec, a, d):
    import datetime as dt

    return dt.date.fromisoformat(a[0])


def _decode_timedelta(dec, a, d):
    import datetime as dt

    return dt.timedelta(days=a[0], seconds=a[1], microseconds=a[2])


register(
    Kind(
        "dt",
        lambda enc, x, d: [x.replace(tzinfo=None).isoformat(), encode_tz(x.tzinfo)],
        _decode_datetime,
        types=("datetime:datetime",),
    )
)
register(Kind("date", lambda enc, x, d: [x.isoformat()], _decode_date, types=("datetime:date",)))
register(
    Kind(
        "time",
        lambda enc, x, d: [x.replace(tzinfo=None).isoformat(), encode_tz(x.tzinfo)],
        _decode_time,
        types=("datetime:time",),
    )
)
register(
    Kind("td", lambda enc, x, d: [x.days, x.seconds, x.microseconds], _decode_timedelta, types=("datetime:timedelta",))
)


# ------------------------------------------------------------------ paths and documents


def _decode_path(dec, a, d):
    from pathlib import Path

    return Path(a[0])


def _decode_email(dec, a, d):
    import email
    from email import policy

    return email.message_from_bytes(base64.b64decode(a[0]), policy=policy.default)


register(Kind("path", lambda enc, x, d: [str(x)], _decode_path, types=("pathlib:PosixPath", "pathlib:PurePosixPath")))


def _decode_address(dec, a, d):
    from email.headerregistry import Address

    return Address(display_name=str(a[0]), username=str(a[1]), domain=str(a[2]))


register(
    Kind(
        "addr",
        lambda enc, x, d: [x.display_name, x.username, x.domain],
        _decode_address,
        types=("email.headerregistry:Address",),
    )
)
register(
    Kind(
        "email",
        lambda enc, x, d: [base64.b64encode(x.as_bytes()).decode()],
        _decode_email,
        types=("email.message:EmailMessage",),
    )
)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _is_crypto(x) -> bool:
    return (type(x).__module__ or "").startswith("cryptography.")


def _x509(x, wanted: str):
    """The DER bytes of an X.509 object of the `wanted` sort, or None."""
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

    if wanted == "x509" and isinstance(x, x509.Certificate):
        return [_b64(x.public_bytes(Encoding.DER))]
    if wanted == "crl" and isinstance(x, x509.CertificateRevocationList):
        return [_b64(x.public_bytes(Encoding.DER))]
    if wanted == "pubkey" and isinstance(x, PublicKeyTypes.__args__):
        return [_b64(x.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))]
    if wanted == "privkey" and isinstance(x, PrivateKeyTypes.__args__):
        return [_b64(x.private_bytes(Encoding.DER, PrivateFormat.PKCS8, NoEncryption()))]
    return None


def _decode_x509(tag):
    def decode(dec, a, d):
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import load_der_private_key, load_der_public_key

        data = base64.b64decode(a[0])
        return {
            "x509": x509.load_der_x509_certificate,
            "crl": x509.load_der_x509_crl,
            "pubkey": load_der_public_key,
            "privkey": lambda b: load_der_private_key(b, None),
        }[tag](data)

    return decode


for _tag in ("x509", "crl", "pubkey", "privkey"):
    register(
        Kind(
            _tag,
            lambda enc, x, d, _t=_tag: _x509(x, _t),
            _decode_x509(_tag),
            test=lambda x, _t=_tag: _is_crypto(x) and _x509(x, _t) is not None,
        )
    )


# ------------------------------------------------------------------ the mail lab and charts


def _encode_maillab(enc, x, d):
    return [
        int(x.port),
        [
            [
                i.mail_from,
                i.rcpt_tos and [str(r) for r in i.rcpt_tos],
                base64.b64encode(bytes(i.raw)).decode(),
                i.received_at.isoformat(),
            ]
            for i in list(x.mailbox)
        ],
    ]


def _decode_maillab(dec, a, d):
    """A record of what the lab's server received; no server runs on the trusted side."""
    from datetime import datetime

    from ...maillab import MailLab, Received

    lab = MailLab(port=int(a[0]) or 1)
    for mail_from, rcpt_tos, raw, when in a[1]:
        lab.mailbox._items.append(
            Received(
                str(mail_from), [str(r) for r in rcpt_tos or []], base64.b64decode(raw), datetime.fromisoformat(when)
            )
        )
    return lab


register(Kind("maillab", _encode_maillab, _decode_maillab, types=("kynangso.maillab:MailLab",)))


def _num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return str(v)


def _encode_axes(enc, ax, d):
    from matplotlib.patches import Rectangle

    rects = [
        [float(p.get_x()), float(p.get_y()), float(p.get_width()), float(p.get_height())]
        for p in ax.patches
        if type(p) is Rectangle
    ]
    others = [type(p).__name__ for p in ax.patches if type(p) is not Rectangle]
    lines = [[[_num(v) for v in ln.get_xdata()], [_num(v) for v in ln.get_ydata()]] for ln in ax.lines]
    return [
        str(ax.get_title()),
        str(ax.get_xlabel()),
        str(ax.get_ylabel()),
        rects,
        others,
        lines,
        [_num(v) for v in ax.get_xticks()],
    ]


def _other_patch(name: str):
    """A patch that is not a bar (a pie wedge, a polygon): kept as a shape of its kind, size zero."""
    from matplotlib import patches

    cls = getattr(patches, name, None)
    if cls is patches.Wedge:
        return patches.Wedge((0, 0), 0, 0, 0)
    if cls is patches.Circle:
        return patches.Circle((0, 0), 0)
    return patches.Polygon([[0, 0]], closed=True)


def _decode_axes(dec, a, d):
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    title, xlabel, ylabel, rects, others, lines, xticks = a
    ax = Figure().add_subplot()
    for x, y, w, h in rects:
        ax.add_patch(Rectangle((float(x), float(y)), float(w), float(h)))
    for name in others:
        ax.add_patch(_other_patch(str(name)))
    for xs, ys in lines:
        ax.plot(xs, ys)
    ax.set_title(str(title))
    ax.set_xlabel(str(xlabel))
    ax.set_ylabel(str(ylabel))
    try:
        ax.set_xticks([float(v) for v in xticks])
    except (TypeError, ValueError):
        pass
    return ax


register(
    Kind(
        "axes",
        _encode_axes,
        _decode_axes,
        test=lambda x: type(x).__name__ == "Axes" and (type(x).__module__ or "").startswith("matplotlib."),
    )
)
