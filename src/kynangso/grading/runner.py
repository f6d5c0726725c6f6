"""The trusted runner: a process the zygote forks (sandboxed, as a user of its own, never a kernel)
that runs only the course's own code from the source notebook, setup cells and test cells, in
order, and never a line the learner wrote. Before a cell, it fetches the learner's answers that
cell reads (`prepare`), as plain data from the learner's kernel (learner.py), and copies the files
the learner's code wrote into its own working folder (never over a file the course's code wrote,
never anything Python could import).
"""

from __future__ import annotations

import base64
import io
import os
import socket
import sys
import threading

from .. import messages
from .codec import Decoder, Encoder, builtin_error, placeholder
from .learner import NOT_COPIED, PEER_FD_ENV
from .outputs import CUT_NOTE, ERROR_VALUE_CHARS, bound_error, cut_text
from .wire import recv, send

MAX_PRINTED = 1_000_000  # characters of one trusted cell's stdout, and of its stderr


class Peer:
    """The trusted runner's side: fetch answers, call learners' functions, copy files."""

    def __init__(self, fd: int | None = None):
        fd = int(os.environ.pop(PEER_FD_ENV)) if fd is None else fd
        self.sock = socket.socket(fileno=fd)
        self.lock = threading.Lock()
        self.decoder = Decoder(self.call)
        self.copied: dict[str, list] = {}  # file name -> the learner's (size, mtime) we copied
        self.uncarried: list[str] = []  # what arrived only as placeholders since the last cell

    def _ask(self, req):
        with self.lock:
            send(self.sock, req)
            try:
                return recv(self.sock)
            except KeyboardInterrupt:  # the grader's cell timeout, while a learner's function runs
                if req.get("op") == "call":
                    try:
                        send(self.sock, {"op": "cancel"})
                        self.sock.settimeout(5)
                        recv(self.sock)  # the call's reply
                        recv(self.sock)  # the cancel's
                        self.sock.settimeout(None)
                    except Exception:  # noqa: BLE001 - out of step: no more answers from this kernel
                        self.sock.close()
                raise

    def fetch(self, names, namespace: dict) -> None:
        """Put the learner's current values of `names` into `namespace` (remove those they lack)."""
        try:
            reply = self._ask({"op": "get", "names": list(names)})
        except BaseException:
            for name in names:  # never leave an older answer where this one could not be fetched
                namespace.pop(name, None)
            raise
        missing = set(reply.get("missing") or []) if isinstance(reply, dict) else set()
        values = reply.get("values") if isinstance(reply, dict) else None
        values = values if isinstance(values, dict) else {}
        for name in names:
            if name in missing:
                namespace.pop(name, None)
                continue
            try:
                namespace[name] = self._decoded(values[name], name)
            except Exception:  # noqa: BLE001 - absent or malformed: never keep an older value
                namespace[name] = placeholder("KhongDocDuoc")

    def call(self, fn_id: int, args, kwargs):
        enc = Encoder()
        reply = self._ask({"op": "call", "fn": fn_id, "args": enc(list(args)), "kwargs": enc(dict(kwargs))})
        if "error" in reply:
            name, message = (list(reply["error"]) + ["", ""])[:2]
            raise builtin_error(name, message)
        return self._decoded(reply["value"], f"{self.decoder.names.get(fn_id, 'ham')}(...)")

    def _decoded(self, node, what: str):
        """A value from the learner's side; what of it arrived only as a placeholder (a type no kind
        carries) is noted for the grader ("name: type"), which `kynangso check` reports."""
        self.decoder.uncarried = []
        value = self.decoder(node)
        if self.decoder.uncarried:
            self.uncarried.append(f"{what}: {', '.join(sorted(set(self.decoder.uncarried)))}")
        return value

    def take_uncarried(self) -> list[str]:
        taken, self.uncarried = self.uncarried, []
        return taken

    def sync_files(self) -> None:
        """Copy the files the learner's code wrote (new or changed) into this kernel's working
        folder; remove copies whose original is gone. A file this kernel's own code wrote is never
        replaced."""
        reply = self._ask({"op": "files", "known": self.copied})
        files = reply.get("files", {})
        for name in list(self.copied):
            if name not in files and os.path.lexists(name):
                os.remove(name)
                del self.copied[name]
        for name, (stamp, body) in files.items():
            name = str(name)
            if "/" in name or name.startswith(".") or name.endswith(NOT_COPIED) or body is None:
                continue
            if os.path.lexists(name) and name not in self.copied:
                continue  # written by the course's own code here
            with open(name, "wb") as f:
                f.write(base64.b64decode(body))
            self.copied[name] = stamp


_PEER: Peer | None = None


def connect() -> None:
    """Run once in the trusted runner before any cell: connect to the learner's kernel, and make
    sure nothing in the working folder can ever be imported here."""
    global _PEER
    _PEER = Peer()
    sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]


def run_cells(control_fd: int) -> None:
    """The trusted runner (a process the zygote forks, sandboxed, never a kernel): run each cell the
    grader sends, in one namespace, and send back its outputs as nbformat outputs. It ends when the
    grader closes the socket. SIGINT (the grader's cell timeout) raises KeyboardInterrupt here."""
    import builtins
    import contextlib
    import traceback

    import __main__

    try:
        import matplotlib

        matplotlib.use("agg", force=True)  # nothing is shown here
    except Exception:  # noqa: BLE001
        pass
    connect()
    ctl = socket.socket(fileno=control_fd)
    ns = __main__.__dict__
    ns.update({"__name__": "__main__", "__builtins__": builtins})
    count = 0
    while True:
        try:
            req = recv(ctl)
        except (ConnectionError, OSError, ValueError):
            return
        out, err = _CappedText(), _CappedText()
        outputs = []
        if not req.get("silent"):
            count += 1
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                exec(
                    compile(
                        req["code"],
                        messages.text("grading.cell_name", name=req.get("name") or messages.text("grading.setup_cell")),
                        "exec",
                    ),
                    ns,
                )
        except BaseException as exc:  # noqa: BLE001 - a failing test is an exception of any kind
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__.tb_next if exc.__traceback__ else None)
            error = bound_error(
                {
                    "output_type": "error",
                    "ename": type(exc).__name__,
                    "evalue": _message_of(exc),
                    "traceback": [line.rstrip("\n") for line in tb],
                }
            )
        else:
            error = None
        for name, buf in (("stdout", out), ("stderr", err)):
            if buf.getvalue():
                outputs.append({"output_type": "stream", "name": name, "text": buf.getvalue()})
        if error:
            outputs.append(dict(error))
        try:
            send(
                ctl,
                {
                    "outputs": outputs,
                    "count": None if req.get("silent") else count,
                    "uncarried": _PEER.take_uncarried() if _PEER is not None else [],
                },
            )
        except OSError:
            return


class _CappedText(io.StringIO):
    """What a trusted cell prints, kept up to MAX_PRINTED characters (the rest is counted, not kept)."""

    def write(self, text):
        room = MAX_PRINTED - self.tell()
        if room > 0:
            super().write(text[:room] + (CUT_NOTE if len(text) > room else ""))
        return len(text)


def _message_of(exc: BaseException) -> str:
    """An exception's message, cut before it is built into a traceback: a test's message may quote
    a learner's value of any size."""
    try:
        return cut_text(str(exc), ERROR_VALUE_CHARS)
    except Exception:  # noqa: BLE001 - str() of a strange value
        return ""


def prepare(names: list[str], files: bool) -> None:
    """Before a trusted cell: fetch the learner's values it reads, and copy their files."""
    import __main__

    ns = __main__.__dict__
    try:
        from IPython import get_ipython

        ns = get_ipython().user_ns
    except Exception:  # noqa: BLE001
        pass
    if names:
        _PEER.fetch(names, ns)
    if files:
        _PEER.sync_files()
