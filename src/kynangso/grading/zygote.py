"""Warm kernels: fork each grading kernel from a process that has already imported the heavy parts.

A fresh IPython kernel spends most of a small notebook's CPU time starting Python, importing
ipykernel, pandas and matplotlib. The grader starts one *zygote* per worker: a process that imports
those once and then, on request, forks a child that becomes an ordinary ipykernel for one notebook
(same code, same connection file, same messages as `python -m ipykernel_launcher`). The child sets
its own limits before any learner code runs: a new session (so the whole process group can be
killed), an address-space limit, no core files, a working folder and environment from the request.

`ZygoteKernelManager` plugs this into jupyter_client, so nbclient and nbgrader's Execute use it
unchanged. Linux only (fork, pidfd).

Protocol: workers connect to the zygote's Unix socket (mode 0600, in a private temporary folder) and
send one JSON object per line ({"args", "env", "cwd", "limits"}); each gets one JSON line back
({"pid"} or {"error"}). The zygote exits when its owner closes its stdin.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import uuid

from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from traitlets import Type
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

# Imported once in the zygote. Not matplotlib.pyplot nor matplotlib_inline: those register IPython
# hooks at import time, which must happen inside the kernel, after its shell exists.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger", "debugpy",
           "IPython", "IPython.core.history", "sqlite3", "tornado.ioloop", "psutil", "pdb", "pydoc", "numpy", "pandas", "matplotlib",
           "matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.pyplot", "openpyxl",
           "holidays", "holidays.countries.vietnam", "kynangso.data", "kynangso.grading.trusted", "email.message", "email.policy")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
FILE_LIMIT = 512 << 20  # the largest file a learner's kernel may write
PROCESS_LIMIT = 256  # processes of the sandbox user (a fork bomb stops there)


# ---------------------------------------------------------------- the zygote process

def _reap(*_):
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(req: dict) -> None:
    """In the forked child: apply the request's limits and place, then run ipykernel. Never returns."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        limits = req.get("limits") or {}
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        if limits.get("memory_bytes"):
            m = int(limits["memory_bytes"])
            resource.setrlimit(resource.RLIMIT_AS, (m, m))
        box = req.get("sandbox")
        fds = req.get("fd_list") or []
        if box:
            from . import sandbox

            # only the child returns: process 1 of a PID namespace that dies with it
            alive = sandbox.own_pid_namespace(close_fds=fds)
            sandbox.enter(box["kernel_dir"], box["hide"], box["keep"], box.get("user"), box.get("private", ()))
            sandbox.die_with_parent(alive)  # after the change of user, which clears it
            resource.setrlimit(resource.RLIMIT_NPROC, (PROCESS_LIMIT, PROCESS_LIMIT))
        os.environ.clear()
        os.environ.update(req.get("env") or {})
        if fds:  # the socket to the other kernel of this notebook, then the trusted runner's own (trusted.py)
            os.environ["KYNANGSO_PEER_FD"] = str(fds[0])
        if req.get("cwd"):
            os.chdir(req["cwd"])
            os.environ["HOME"] = req["cwd"]
        if req.get("mode") == "runner":  # the trusted runner: no kernel, only the course's cells
            from . import trusted

            trusted.run_cells(fds[1])
            code = 0
            return
        if req.get("withheld"):
            from . import sandbox

            sandbox.withhold(req["withheld"])
        sys.argv = ["ipykernel_launcher", *req["args"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:  # noqa: BLE001 - nothing may escape into the zygote's loop
        code = 1
    finally:
        os._exit(code)


def serve(path: str) -> None:
    """The zygote's main loop (run as `python -m kynangso.grading.zygote SOCKET`): one Unix socket, any
    number of grading workers connected to it, one kernel forked per request line."""
    import selectors
    import socket

    os.environ.setdefault("MPLBACKEND", INLINE_BACKEND)  # as ipykernel sets it, before matplotlib loads
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # as ipykernel_launcher does; IPython puts '' back for learner code
    for name in PRELOAD:
        try:
            __import__(name)
        except Exception:  # noqa: BLE001 - a missing optional part only costs speed
            pass
    signal.signal(signal.SIGCHLD, _reap)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o600)
    listener.listen()
    sel = selectors.DefaultSelector()
    sel.register(listener, selectors.EVENT_READ)
    sel.register(0, selectors.EVENT_READ)  # the owner's pipe: EOF means the owner is gone
    buffers: dict = {}
    fds: dict = {}  # connection -> file descriptors received with its requests, in order
    while True:
        for key, _ in sel.select():
            if key.fileobj is listener:
                conn, _ = listener.accept()
                sel.register(conn, selectors.EVENT_READ)
                buffers[conn] = b""
                continue
            if key.fileobj == 0:
                if not os.read(0, 4096):
                    return
                continue
            conn = key.fileobj
            data, got, _flags, _addr = socket.recv_fds(conn, 1 << 16, 4)
            fds.setdefault(conn, []).extend(got)
            if not data:
                sel.unregister(conn)
                conn.close()
                buffers.pop(conn, None)
                for fd in fds.pop(conn, []):
                    os.close(fd)
                continue
            buffers[conn] += data
            while b"\n" in buffers[conn]:
                line, buffers[conn] = buffers[conn].split(b"\n", 1)
                mine: list = []
                try:
                    req = json.loads(line)
                    for _ in range(int(req.get("nfds") or 0)):
                        mine.append(fds[conn].pop(0))
                    req["fd_list"] = mine
                    pid = os.fork()
                except Exception as exc:  # noqa: BLE001
                    for fd in mine:
                        os.close(fd)
                    conn.sendall((json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n").encode())
                    continue
                if pid == 0:
                    for other in [listener, *buffers]:
                        other.close()
                    for other in (fd for queue in fds.values() for fd in queue):
                        os.close(other)
                    _become_kernel(req)
                for fd in mine:
                    os.close(fd)
                conn.sendall((json.dumps({"pid": pid}) + "\n").encode())


# ---------------------------------------------------------------- the owner's and workers' side

class Zygote:
    """A running zygote (started by the grading command, shared by its workers)."""

    def __init__(self, env: dict | None = None):
        import tempfile

        self.dir = tempfile.mkdtemp(prefix="kynangso-zygote-")
        self.path = os.path.join(self.dir, "socket")
        self.proc = subprocess.Popen([sys.executable, "-m", "kynangso.grading.zygote", self.path], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        # not waited for here: workers start while the zygote imports, and connect when it listens

    def close(self) -> None:
        import shutil

        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


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

    def spawn(self, args: list[str], env: dict, cwd: str | None, limits: dict, sandbox: dict | None = None,
              fds: list[int] | tuple = (), mode: str = "kernel", withheld: list[str] | tuple = ()) -> int:
        """Fork a kernel (or, with mode "runner", the trusted runner). `fds` (sockets) are passed to
        the child: the first as the environment's KYNANGSO_PEER_FD (trusted.py). A kernel cannot
        import the `withheld` modules."""
        import socket

        with self._lock:
            if self.sock is None:
                self._connect()
            req = {"args": args, "env": env, "cwd": cwd, "limits": limits, "sandbox": sandbox,
                   "nfds": len(fds), "mode": mode, "withheld": list(withheld)}
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


class ZygoteProvisioner(LocalProvisioner):
    zygote: ZygoteClient | None = None  # set by the worker before kernels start
    limits: dict = {}
    sandbox: dict | None = None  # {"hide": [...], "keep": [...]} when kernels are isolated
    env: dict = {}  # added to every kernel's environment (the training key pool)

    async def launch_kernel(self, cmd, **kwargs):
        zygote = type(self).zygote
        if zygote is None or "ipykernel_launcher" not in cmd:
            return await super().launch_kernel(cmd, **kwargs)
        args = cmd[cmd.index("ipykernel_launcher") + 1:]
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
        pid = await asyncio.to_thread(zygote.spawn, args, env, cwd, type(self).limits, box,
                                      [] if peer is None else [peer], "kernel", [*ALWAYS_WITHHELD, *self.parent.withheld])
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
            self.provisioner = ZygoteProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec,
                                                 parent=self)
        return await super()._async_pre_start_kernel(**kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self.kernel_dir and not restart:
            import shutil

            shutil.rmtree(self.kernel_dir, ignore_errors=True)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=0.01)  # a forked kernel exits in milliseconds



if __name__ == "__main__":
    serve(sys.argv[1])
