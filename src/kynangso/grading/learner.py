"""The learner's side of trusted test cells: runs in the learner's kernel (untrusted), answers the
trusted runner's requests for the values of answers, calls of the learner's functions, and the
files the learner's code wrote. Nothing it sends is trusted: values cross as codec nodes only.

The grader starts it in each learner's kernel before any test cell (judge.Judge.attach), on the
socket whose descriptor the zygote passed in the environment (PEER_FD_ENV).
"""

from __future__ import annotations

import base64
import os
import socket
import threading

from .codec import Decoder, Encoder
from .wire import recv, send

PEER_FD_ENV = "KYNANGSO_PEER_FD"
MAX_FILES_BYTES = 64 << 20  # files copied from the learner's working folder, in all
NOT_COPIED = (".py", ".pyc", ".pyo", ".so", ".pth", ".pyd")


def serve(namespace: dict, fd: int | None = None) -> None:
    """Start answering the trusted runner's requests in a thread of the learner's kernel."""
    fd = int(os.environ.pop(PEER_FD_ENV)) if fd is None else fd
    sock = socket.socket(fileno=fd)
    functions: list = []
    caller = _Caller(sock)

    def handle(req):
        op = req.get("op")
        if op == "get":
            enc = Encoder(functions)
            values, missing = {}, []
            for name in req["names"]:
                if name not in namespace:
                    missing.append(name)
                    continue
                try:
                    values[name] = enc(namespace[name])
                except Exception:  # noqa: BLE001 - a value that cannot be read as data
                    values[name] = ["?", type(namespace[name]).__name__]
            return {"values": values, "missing": missing}
        if op == "call":
            dec = Decoder()
            args, kwargs = dec(req["args"]), dec(req["kwargs"])
            result = caller.call(functions[int(req["fn"])], args, kwargs)
            if "error" in result:
                exc = result["error"]
                return {"error": [type(exc).__name__, _message(exc)], "cancelled": result.get("cancelled")}
            return {"value": Encoder(functions)(result["value"])}
        if op == "files":
            return {"files": _work_files(req.get("known") or {})}
        return {"error": ["ValueError", f"unknown request {op!r}"]}

    def loop():
        while True:
            try:
                req = recv(sock)
            except (ConnectionError, OSError, ValueError):
                return
            try:
                reply = handle(req)
            except BaseException as exc:  # noqa: BLE001
                reply = {"error": [type(exc).__name__, _message(exc)]}
            try:
                send(sock, reply)
                if reply.get("cancelled"):
                    send(sock, {"cancelled": True})
            except OSError:
                return

    threading.Thread(target=loop, name="kynangso-peer", daemon=True).start()


MAX_ERROR_CHARS = 2000  # of a learner's exception message sent back to the runner


def _message(exc: BaseException) -> str:
    try:
        return str(exc)[:MAX_ERROR_CHARS]
    except Exception:  # noqa: BLE001 - a learner's __str__ may raise
        return ""


class _Caller:
    """Runs the learner's functions for the trusted runner, one call at a time, in a thread of its
    own, while the serving thread watches the socket for a cancellation. If the trusted runner gives
    up on a call (its cell passed the time limit: {"op": "cancel"} arrives meanwhile),
    KeyboardInterrupt is raised in that thread, as nbgrader's interrupt would in the kernel, and the
    thread is retired: a call that ignores the interrupt keeps only its own thread, and later calls
    get a fresh one. Everything is made once per kernel (one pipe, one selector), so nothing grows
    with the number of calls."""

    CANCEL_GRACE = 2.0

    def __init__(self, sock):
        import queue
        import selectors

        self.sock = sock
        self.done_r, self.done_w = os.pipe()
        os.set_blocking(self.done_r, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.done_r, selectors.EVENT_READ, "done")
        self.selector.register(sock, selectors.EVENT_READ, "sock")
        self.results: dict = {}
        self.lock = threading.Lock()
        self.seq = 0
        self._queue = queue.SimpleQueue
        self.jobs = None
        self.thread = None

    def _start(self) -> None:
        self.jobs = self._queue()
        self.thread = threading.Thread(target=self._work, args=(self.jobs,), name="kynangso-call", daemon=True)
        self.thread.start()

    def _work(self, jobs) -> None:
        while True:
            try:
                job = jobs.get()
                if job is None:
                    return
                seq, fn, args, kwargs = job
            except BaseException:  # noqa: BLE001 - a late interrupt between calls
                continue
            try:
                result = {"value": fn(*args, **kwargs)}
            except BaseException as exc:  # noqa: BLE001 - the learner's function may raise anything
                result = {"error": exc}
            with self.lock:
                self.results[seq] = result
            os.write(self.done_w, b"x")

    def _take(self, seq: int):
        try:
            os.read(self.done_r, 4096)
        except BlockingIOError:
            pass
        with self.lock:
            result = self.results.pop(seq, None)
            self.results.clear()  # results of retired calls nobody waits for
        return result

    def call(self, fn, args, kwargs) -> dict:
        if self.thread is None:
            self._start()
        self.seq += 1
        seq = self.seq
        self.jobs.put((seq, fn, args, kwargs))
        while True:
            for key, _ in self.selector.select():
                if key.data == "done":
                    result = self._take(seq)
                    if result is not None:
                        return result
                elif recv(self.sock).get("op") == "cancel":
                    return self._cancel(seq)

    def _cancel(self, seq: int) -> dict:
        import ctypes
        import time

        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(self.thread.ident), ctypes.py_object(KeyboardInterrupt)
        )
        end = time.monotonic() + self.CANCEL_GRACE
        result = None
        while result is None and time.monotonic() < end:
            if self.selector.select(max(0.0, end - time.monotonic())):
                result = self._take(seq)
        # the interrupt may still be pending in that thread: it never runs another call
        self.jobs.put(None)
        self.thread = None
        error = (result or {}).get("error") or KeyboardInterrupt()
        return {"error": error, "cancelled": True}


def _work_files(known: dict) -> dict:
    """Regular files of the working folder (top level), with their bytes when the trusted runner
    does not already have this version."""
    out, total = {}, 0
    for entry in sorted(os.scandir("."), key=lambda e: e.name):
        if not entry.is_file(follow_symlinks=False) or entry.name.startswith(".") or entry.name.endswith(NOT_COPIED):
            continue
        st = entry.stat(follow_symlinks=False)
        stamp = [st.st_size, st.st_mtime_ns]
        if known.get(entry.name) == stamp:
            out[entry.name] = [stamp, None]
            continue
        total += st.st_size
        if total > MAX_FILES_BYTES:
            break
        with open(entry.name, "rb") as f:
            out[entry.name] = [stamp, base64.b64encode(f.read()).decode()]
    return out
