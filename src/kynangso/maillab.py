"""The mail lab: a real SMTP server (aiosmtpd) on the learner's own machine, so nothing can leave it.

    from kynangso.maillab import MailLab
    with MailLab() as lab:                      # 127.0.0.1, a free port
        with smtplib.SMTP(lab.host, lab.port) as smtp:
            smtp.send_message(thu)
    lab.mailbox[0].message["Subject"]           # what actually arrived, kept after the server stops

It listens on 127.0.0.1 only and refuses to bind anywhere else. It never relays: it keeps what it
receives in memory (and, if asked, as .eml files in a folder), and refuses recipients outside the
reserved names the course uses (.example, .test, .invalid), as a real server refuses to relay.
On a shared server (the district hub, where every official's kernel shares 127.0.0.1) it serves
only its own user: a connection from another system user's program is refused, so nobody drops
mail into a colleague's mailbox.
Also the `kynangso mail-server` verb, for an instructor's demo. What learners and instructors read
(errors, the server's replies, the verb's help and output) is in the message catalogue
(`library.maillab.*`).
"""

from __future__ import annotations

import email
import email.policy
import os
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from . import messages

LOOPBACK = "127.0.0.1"
LOCAL_SUFFIXES = (".example", ".test", ".invalid")


class LabError(RuntimeError):
    """A misuse of the lab, explained in Vietnamese."""


@dataclass
class Received:
    """One message as the server received it."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes  # exactly the bytes of the DATA command, after the SMTP dot-unstuffing
    received_at: datetime
    message: EmailMessage = field(init=False)

    def __post_init__(self):
        self.message = email.message_from_bytes(self.raw, policy=email.policy.default)


class Mailbox:
    """What the lab server received, in arrival order; safe to read while the server runs."""

    def __init__(self, folder: Path | None = None):
        self._items: list[Received] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self.folder = folder

    def add(self, item: Received) -> None:
        with self._arrived:
            self._items.append(item)
            n = len(self._items)
            self._arrived.notify_all()
        if self.folder is not None:
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / f"{n:04d}.eml").write_bytes(item.raw)

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> bool:
        """Wait until at least `count` messages have arrived; False on timeout."""
        with self._arrived:
            return self._arrived.wait_for(lambda: len(self._items) >= count, timeout)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def __getitem__(self, i) -> Received:
        with self._lock:
            return self._items[i]

    def __iter__(self):
        with self._lock:
            return iter(list(self._items))

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self]


def _is_local(address: str) -> bool:
    domain = address.rpartition("@")[2].strip().lower().rstrip(">")
    return domain.endswith(LOCAL_SUFFIXES)


def peer_uid(peer: tuple, server: tuple) -> int | None:
    """The system user owning the client end of a loopback TCP connection (Linux: the kernel's
    socket table, /proc/net/tcp, which every user can read); None where that cannot be known."""

    def key(address):
        host, port = address[0], address[1]
        return f"{struct.unpack('<I', socket.inet_aton(host))[0]:08X}:{port:04X}"

    try:
        with open("/proc/net/tcp", encoding="ascii") as f:
            next(f)
            rows = [line.split() for line in f]
        client, ours = key(peer), key(server)
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    for row in rows:
        if len(row) > 7 and row[1] == client and row[2] == ours:
            return int(row[7])
    return None


class _Handler:
    def __init__(self, mailbox: Mailbox, host: str, port: int):
        self.mailbox = mailbox
        self.address = (host, port)

    # aiosmtpd's hooks: it passes the server and the session first, positionally
    async def handle_MAIL(self, _server, session, envelope, address, mail_options):
        uid = peer_uid(session.peer, self.address) if isinstance(session.peer, tuple) else None
        if uid is not None and uid != os.getuid():
            return "550 5.7.1 " + messages.text("library.maillab.other_user")
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, _server, _session, envelope, address, _rcpt_options):
        if not _is_local(address):
            return "550 5.7.1 " + messages.text("library.maillab.relay_denied")
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope):
        self.mailbox.add(
            Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                bytes(envelope.original_content),
                datetime.now().astimezone(),
            )
        )
        return "250 OK: " + messages.text("library.maillab.accepted")


def free_port(host: str = LOOPBACK) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


class MailLab:
    """A context manager around an aiosmtpd server on 127.0.0.1; the server is stopped on exit,
    whatever happens inside the block."""

    def __init__(self, port: int = 0, host: str = LOOPBACK, folder: Path | None = None):
        if host != LOOPBACK:
            raise LabError(messages.text("library.maillab.loopback_only", loopback=LOOPBACK, host=host))
        self.host = host
        self.port = port or free_port(host)
        self.mailbox = Mailbox(folder)
        self._controller = None

    def start(self) -> MailLab:
        from aiosmtpd.controller import Controller

        if _port_open(self.host, self.port):
            raise LabError(messages.text("library.maillab.port_taken", port=self.port))
        self._controller = Controller(
            _Handler(self.mailbox, self.host, self.port),
            hostname=self.host,
            port=self.port,
            server_hostname="thuc-hanh.vinhtuong.example",
            ready_timeout=10,
        )
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            try:
                self._controller.stop()
            finally:
                self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def __enter__(self) -> MailLab:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- the `kynangso mail-server` verb, for an instructor's demo --------------------------------


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument(
        "--port",
        type=int,
        default=8025,
        metavar=t("library.maillab.metavar.port"),
        help=t("library.maillab.arg.port", default=8025),
    )
    p.add_argument(
        "--host",
        default=LOOPBACK,
        metavar=t("library.maillab.metavar.host"),
        help=t("library.maillab.arg.host", loopback=LOOPBACK),
    )
    p.add_argument(
        "--out", type=Path, default=None, metavar=t("library.maillab.metavar.folder"), help=t("library.maillab.arg.out")
    )
    p.add_argument(
        "--seconds",
        type=float,
        default=None,
        metavar=t("library.maillab.metavar.seconds"),
        help=t("library.maillab.arg.seconds"),
    )


def run(args) -> int:
    t = messages.text
    try:
        lab = MailLab(port=args.port, host=args.host, folder=args.out)
        lab.start()
    except LabError as exc:
        print(exc)
        return 2
    try:
        print(t("library.maillab.listening", host=lab.host, port=lab.port), flush=True)
        if args.out:
            print(t("library.maillab.saving", folder=args.out), flush=True)
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        seen = 0
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.2)
            for item in list(lab.mailbox)[seen:]:
                print(
                    t(
                        "library.maillab.received",
                        sender=item.mail_from,
                        recipients=", ".join(item.rcpt_tos),
                        subject=item.message["Subject"],
                    ),
                    flush=True,
                )
            seen = len(lab.mailbox)
    except KeyboardInterrupt:
        pass
    finally:
        lab.stop()
        print(t("library.maillab.stopped"), flush=True)
    return 0
