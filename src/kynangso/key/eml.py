"""One message of the sample mailbox as an .eml file, byte for byte the same on every run. Part of the
answer key (kynangso.key): `Mail` carries the message's labels as well as its content.

Dates, Message-IDs and MIME boundaries come from the seed; top-level headers are encoded with
email.header (the default policy's folder drops spaces in long Vietnamese subjects); display names
are RFC 2047 encoded words, attachment names RFC 2231 parameters.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email import policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from ..data.base import ascii_slug, nfc

VN_TZ = timezone(timedelta(hours=7))


@dataclass
class Mail:
    key: str  # stable ASCII id of the template (Message-ID, boundaries)
    nhom: str
    signs: tuple[str, ...]
    sender: tuple[str, str]  # (display name, address)
    to: list[tuple[str, str]]  # empty: "undisclosed-recipients:;"
    subject: str
    paragraphs: list[str]  # plain text; "{L1}" marks a link
    when: datetime
    giai_thich: str
    cc: list[tuple[str, str]] = field(default_factory=list)
    reply_to: tuple[str, str] | None = None
    links: dict[str, tuple[str, str]] = field(default_factory=dict)  # mark -> (visible text, href)
    attachments: list[tuple[str, str, str, bytes]] = field(default_factory=list)  # name, maintype, subtype, bytes
    de_nham: bool = False
    in_reply_to: str | None = None
    quote: str = ""


def digest(*parts) -> str:
    return hashlib.sha256(":".join(map(str, ("kynangso", "hop_thu", *parts))).encode()).hexdigest()


def message_id(seed: int, key: str, when: datetime, domain: str) -> str:
    return f"<{when:%Y%m%d%H%M%S}.{digest(seed, key)[:12]}@{domain}>"


def _encoded(name: str, value: str) -> str:
    """One header line, RFC 2047 encoded when not ASCII. email.header's encoder keeps every space;
    the default policy's folder drops the space after an encoded word in long subjects."""
    if value.isascii():
        return f"{name}: {value}"
    return f"{name}: " + Header(value, "utf-8", maxlinelen=76, header_name=name).encode(linesep="\n")


_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")


def _encoded_word(text: str) -> str:
    word = "=?utf-8?b?" + base64.b64encode(text.encode("utf-8")).decode("ascii") + "?="
    assert len(word) <= 75, f"display name part too long for one encoded word (RFC 2047): {text!r}"
    return word


def _mailbox(display: str, address: str) -> list[str]:
    """A mailbox as tokens to be joined by single spaces. No two encoded words are ever adjacent:
    RFC 2047 says the space between them vanishes, Python's address parser keeps it, so a name
    split over two encoded words comes back wrong in one or the other. ASCII words stay plain
    atoms and each run of non-ASCII words becomes one encoded word."""
    if not display:
        return [f"<{address}>"]
    if display.isascii():
        return [formataddr((display, address))]
    tokens: list[str] = []
    run: list[str] = []
    for word in display.split(" "):
        if word.isascii() and _ATEXT.fullmatch(word):
            if run:
                tokens.append(_encoded_word(" ".join(run)))
                run = []
            tokens.append(word)
        else:
            run.append(word)
    if run:
        tokens.append(_encoded_word(" ".join(run)))
    return tokens + [f"<{address}>"]


def _fold(name: str, items: list[list[str]]) -> str:
    """Header name, then the items (lists of tokens) separated by commas, folded at spaces at 78."""
    lines, line = [], f"{name}:"
    for k, tokens in enumerate(items):
        tokens = tokens[:-1] + [tokens[-1] + ("," if k < len(items) - 1 else "")]
        for n, token in enumerate(tokens):
            starts_item = n == 0 and k > 0
            if len(line) + 1 + len(token) > 78 or (starts_item and len(items) > 1):
                lines.append(line)
                line = " " + token
            else:
                line += " " + token
    return "\n".join(lines + [line])


def _address_header(name: str, people: list[tuple[str, str]]) -> str:
    if not people:
        return f"{name}: undisclosed-recipients:;"
    return _fold(name, [_mailbox(d, a) for d, a in people])


def _link_text(visible: str, href: str) -> str:
    return visible if visible == href else f"{visible} <{href}>"


def _body(m: Mail, seed: int) -> EmailMessage:
    """The MIME tree: plain text, an HTML alternative when there are links, the attachments."""
    text = "\n\n".join(m.paragraphs)
    for mark, (visible, href) in m.links.items():
        text = text.replace(mark, _link_text(visible, href))
    if m.quote:
        text += "\n\n" + m.quote
    body = EmailMessage(policy=policy.default)
    body.set_content(nfc(text) + "\n", cte="quoted-printable")
    if m.links:
        paras = []
        for p in m.paragraphs:
            p = html.escape(nfc(p), quote=False).replace("\n", "<br>\n")
            for mark, (visible, href) in m.links.items():
                p = p.replace(mark, f'<a href="{html.escape(href)}">{html.escape(visible)}</a>')
            paras.append(f"<p>{p}</p>")
        page = (
            '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8"></head>\n<body>\n'
            + "\n".join(paras)
            + "\n</body></html>\n"
        )
        body.add_alternative(page, subtype="html", cte="quoted-printable")
    for name, maintype, subtype, data in m.attachments:
        if maintype == "text":  # as str, so that the part says charset="utf-8"
            body.add_attachment(data.decode("utf-8"), subtype=subtype, filename=nfc(name), cte="base64")
        else:
            body.add_attachment(data, maintype=maintype, subtype=subtype, filename=nfc(name))
    for k, part in enumerate(p for p in body.walk() if p.is_multipart()):
        part.set_boundary(f"kns-{digest(seed, m.key, 'boundary', k)[:24]}-{k}")
    for part in body.walk():
        del part["MIME-Version"]  # EmailMessage repeats it in sub-parts; it belongs to the top only
    return body


def render(m: Mail, seed: int) -> bytes:
    body = _body(m, seed)
    domain = m.sender[1].rsplit("@", 1)[1]
    headers = [_address_header("From", [m.sender]), _address_header("To", m.to)]
    if m.cc:
        headers.append(_address_header("Cc", m.cc))
    if m.reply_to:
        headers.append(_address_header("Reply-To", [m.reply_to]))
    headers += [
        _encoded("Subject", nfc(m.subject)),
        f"Date: {format_datetime(m.when.replace(tzinfo=VN_TZ))}",
        f"Message-ID: {message_id(seed, m.key, m.when, domain)}",
    ]
    if m.in_reply_to:
        headers += [f"In-Reply-To: {m.in_reply_to}", f"References: {m.in_reply_to}"]
    headers.append("MIME-Version: 1.0")
    return ("\n".join(headers) + "\n").encode("ascii") + body.as_bytes()


def file_name(number: int, subject: str) -> str:
    """`NNN-tieu-de-khong-dau.eml`: the number, then the subject in ASCII, at most 40 characters."""
    words = re.sub(r"[^a-z0-9]+", " ", ascii_slug(subject)).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}-{word}" if slug else word
    return f"{number:03d}-{slug}.eml"
