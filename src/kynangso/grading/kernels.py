"""Kernels for nbclient and nbgrader, forked from the zygote (zygote.py) instead of started cold.

`ZygoteKernelManager` plugs into jupyter_client, so nbclient and nbgrader's Execute use it
unchanged: each kernel gets a folder of its own (connection file, Unix sockets, the working folder
`work/`), is forked by the zygote over a worker's `ZygoteClient`, sandboxed when the run is
(sandbox.py), and cannot import the answer key nor its module's withheld library modules.
`ForkedKernel` is the Popen-like handle jupyter_client expects. Linux only (fork, pidfd).
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import threading
import time
import uuid
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.local_provisioner import LocalProvisioner
from traitlets import Type


class ZygoteClient:
    """One worker's connection to the zygote."""

    def __init__(self, path: str, wait: float = 120.0):
        self._lock = threading.Lock()
        self.path, self.wait = path, wait
        self.sock = None

    def _connect(self) -> None:
        import socket

        end = time.monotonic() + self.wait
        while True:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.connect(self.path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                sock.close()
                if time.monotonic() > end:
                    raise RuntimeError("the kernel zygote did not start") from None
                time.sleep(0.05)
        self.sock, self.reader = sock, sock.makefile("rb")

    def spawn(
        self,
        args: list[str],
        env: dict,
        cwd: str | None,
        limits: dict,
        sandbox: dict | None = None,
        fds: list[int] | tuple = (),
        mode: str = "kernel",
        withheld: list[str] | tuple = (),
        log: str | None = None,
    ) -> int:
        """Fork a kernel (or, with mode "runner", the trusted runner). `fds` (sockets) are passed to
        the child: the first as the environment's KYNANGSO_PEER_FD (learner.py). A kernel cannot
        import the `withheld` modules; its stdout and stderr go to `log`."""
        import socket

        with self._lock:
            if self.sock is None:
                self._connect()
            req = {
                "args": args,
                "env": env,
                "cwd": cwd,
                "limits": limits,
                "sandbox": sandbox,
                "nfds": len(fds),
                "mode": mode,
                "withheld": list(withheld),
                "log": log,
            }
            line = (json.dumps(req) + "\n").encode()
            if not fds:
                self.sock.sendall(line)
            else:
                socket.send_fds(self.sock, [line[:1]], list(fds))
                self.sock.sendall(line[1:])
            reply = json.loads(self.reader.readline() or b'{"error": "the zygote exited"}')
        if "error" in reply:
            raise RuntimeError(f"kernel zygote: {reply['error']}")
        return int(reply["pid"])


def readable(fd, timeout: float | None) -> bool:
    """Whether `fd` (a descriptor or an object with fileno()) becomes readable within `timeout`
    seconds (None: wait). poll(), not select(): descriptors past 1,023 are fine."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    return bool(poller.poll(None if timeout is None else max(0, int(timeout * 1000))))


class ForkedKernel:
    """The Popen-like handle jupyter_client expects, for a kernel that is the zygote's child. It
    holds one pidfd, closed as soon as the process is seen gone (or by close())."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd = os.pidfd_open(pid)
        except ProcessLookupError:
            self._fd = None
            self.returncode = -1

    def poll(self) -> int | None:
        if self.returncode is None and readable(self._fd, 0):
            self.returncode = -1  # exited; its status belongs to the zygote
            self.close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired("kernel", timeout)
            readable(self._fd, 0.05)
        return self.returncode

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self):
        self.close()

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


ALWAYS_WITHHELD = ("kynangso.key",)  # the answer key: never importable by a learner's kernel


def withheld_files(names) -> list[str]:
    """The files of withheld modules, for the sandbox to cover (a module the grader cannot find is
    skipped: the import hook still refuses it)."""
    import importlib.util

    files = []
    for name in names:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        if spec is not None and spec.origin and os.path.isfile(spec.origin):
            files.append(spec.origin)
    return files


KERNEL_LOG = "kernel.log"  # in a kernel's folder: what the kernel wrote to stdout and stderr
LOG_TAIL = 4000  # characters of it kept for the grader's log when a kernel fails


def log_tail(path: str) -> str:
    """The end of a kernel's log, or "" (the kernel is gone: its folder may be too)."""
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - LOG_TAIL))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


class ZygoteProvisioner(LocalProvisioner):
    zygote: ZygoteClient | None = None  # set by the worker before kernels start
    limits: dict = {}
    sandbox: dict | None = None  # {"hide": [...], "keep": [...]} when kernels are isolated
    env: dict = {}  # added to every kernel's environment (the training key pool)

    async def launch_kernel(self, cmd, **kwargs):
        zygote = type(self).zygote
        if zygote is None or "ipykernel_launcher" not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        args = cmd[cmd.index("ipykernel_launcher") + 1 :]
        env = dict(kwargs.get("env") or os.environ)
        # the kernel works in a fresh, empty folder of its own, never in the grader's folders
        kernel_dir = self.parent.kernel_dir
        cwd = os.path.join(kernel_dir, "work")
        box = None
        if type(self).sandbox is not None:
            from . import sandbox

            user = sandbox.kernel_user()
            box = {"kernel_dir": kernel_dir, "user": user, **type(self).sandbox}
            box["private"] = [*box.get("private", ()), *withheld_files(self.parent.withheld)]
            sandbox.prepare_dir(kernel_dir, *(user or (None, None)))
        env.update(type(self).env)
        peer = getattr(self.parent, "peer_fd", None)
        pid = await asyncio.to_thread(
            zygote.spawn,
            args,
            env,
            cwd,
            type(self).limits,
            box,
            [] if peer is None else [peer],
            "kernel",
            [*ALWAYS_WITHHELD, *self.parent.withheld],
            os.path.join(kernel_dir, KERNEL_LOG),
        )
        self.process = ForkedKernel(pid)
        self.pid = self.pgid = pid  # the child called setsid(): its group is its pid
        self.cwd = cwd
        return self.connection_info


MAX_MESSAGE = 64 << 20  # the largest message the grader accepts from a learner's kernel


class QuickReadyClient(AsyncKernelClient):
    """jupyter_client's readiness handshake waits 0.2 s on IOPub twice per kernel (for the slow
    joiner, then to drain it): a third of a small notebook's time. Same handshake, shorter waits.
    Its sockets refuse any message over MAX_MESSAGE bytes (ZeroMQ drops it), so one output, however
    large, never reaches the grader's memory whole; what is received is then cut (outputs.py)."""

    def _context_default(self):
        import zmq
        import zmq.asyncio

        self._created_context = True
        ctx = zmq.asyncio.Context()
        ctx.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE)
        return ctx

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        end = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.02)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    break
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > end:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
        while True:  # drain IOPub
            try:
                await self.iopub_channel.get_msg(timeout=0.02)
            except Empty:
                break


class ZygoteKernelManager(AsyncKernelManager):
    """Kernels from the zygote, each with a folder of its own (connection file, Unix sockets, and
    the working folder `work/`) under `base_dir`; the folder is removed when the kernel is gone."""

    client_factory = Type(klass=AsyncKernelClient, default_value=QuickReadyClient)
    base_dir: str | None = None  # set by the worker
    kernel_dir: str = ""
    peer_fd: int | None = None  # a socket to the notebook's other kernel (judge.py)
    withheld: tuple[str, ...] = ()  # library modules this notebook's learner may not import (manifest)
    kernel_log: str = ""  # the end of what the kernel wrote to stdout and stderr, once it is gone

    async def _async_pre_start_kernel(self, **kw):
        import tempfile

        if self.provisioner is None:
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", None) or str(uuid.uuid4())
            self.kernel_dir = tempfile.mkdtemp(prefix="k-", dir=type(self).base_dir)
            os.mkdir(os.path.join(self.kernel_dir, "work"))
            # Unix sockets: no ports to race for, and they work across the sandbox's network namespace
            self.transport = "ipc"
            self.connection_file = os.path.join(self.kernel_dir, "kernel.json")
            self.ip = os.path.join(self.kernel_dir, "ipc")
            self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.kernel_dir and not restart:
            import shutil

            self.kernel_log = log_tail(os.path.join(self.kernel_dir, KERNEL_LOG))  # kept: the folder goes
            shutil.rmtree(self.kernel_dir, ignore_errors=True)

    cleanup_resources = _async_cleanup_resources  # nbclient calls it by this name when a kernel did not start

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=0.01)  # a forked kernel exits in milliseconds
