"""Warm kernels: fork each grading kernel from a process that has already imported the heavy parts.

A fresh IPython kernel spends most of a small notebook's CPU time starting Python, importing
ipykernel, pandas and matplotlib. A grading run starts one *zygote*, shared by all its workers: a
process that imports those once and then, on request, forks a child that becomes an ordinary
ipykernel for one notebook (same code, same connection file, same messages as `python -m
ipykernel_launcher`), or the trusted runner (runner.py). Before any learner code runs, the child
starts a new session (so the whole process group can be killed), sets its limits (address space,
file size, no core files; processes when sandboxed), enters the sandbox when the run has one
(a PID namespace of its own, then sandbox.enter), makes the withheld modules unimportable, and takes
its working folder and environment from the request.

Protocol: workers connect to the zygote's Unix socket (mode 0600, in a private temporary folder) and
send one JSON object per line: {"args", "env", "cwd", "limits", "sandbox", "nfds", "mode",
"withheld"}; "nfds" descriptors (socket pairs to the notebook's other process, kernels.py and
judge.py) travel with the line's first byte (SCM_RIGHTS). Each request gets one JSON line back,
{"pid"} or {"error"}. The zygote exits when its owner closes its stdin. The workers' side of this
is kernels.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

# Imported once in the zygote. Not matplotlib.pyplot nor matplotlib_inline: those register IPython
# hooks at import time, which must happen inside the kernel, after its shell exists.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "debugpy",
    "IPython",
    "IPython.core.history",
    "sqlite3",
    "tornado.ioloop",
    "psutil",
    "pdb",
    "pydoc",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.backends.backend_agg",
    "matplotlib.pyplot",
    "openpyxl",
    "holidays",
    "holidays.countries.vietnam",
    "kynangso.data",
    "kynangso.grading.learner",
    "kynangso.grading.runner",
    "email.message",
    "email.policy",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
FILE_LIMIT = 512 << 20  # the largest file a learner's kernel may write
PROCESS_LIMIT = 256  # processes of the sandbox user (a fork bomb stops there)


def _reap(*_):
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _become_kernel(req: dict) -> None:
    """In the forked child: apply the request's limits and place, then run ipykernel (or the trusted
    runner). Never returns. Its stdout and stderr go to the request's log file, which the grader
    reads when a kernel does not start."""
    code = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        from . import sandbox

        sandbox.die_with_zygote(req["zygote_pid"])
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDWR)
        out = os.open(req["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600) if req.get("log") else devnull
        for fd, target in ((0, devnull), (1, out), (2, out)):
            os.dup2(target, fd)
        limits = req.get("limits") or {}
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))
        if limits.get("memory_bytes"):
            m = int(limits["memory_bytes"])
            resource.setrlimit(resource.RLIMIT_AS, (m, m))
        if limits.get("cpu_seconds"):
            cpu = int(limits["cpu_seconds"])
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
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
            from . import runner

            runner.run_cells(fds[1])
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
        import traceback

        traceback.print_exc()  # into the log: why this kernel did not start
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):  # what the kernel said about why it stopped, into the log
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a stream the kernel replaced or closed
                pass
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
                    req["zygote_pid"] = os.getpid()
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


class Zygote:
    """A running zygote (started by the grading command, shared by its workers)."""

    def __init__(self, env: dict | None = None):
        import tempfile

        self.dir = tempfile.mkdtemp(prefix="kynangso-zygote-")
        self.path = os.path.join(self.dir, "socket")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kynangso.grading.zygote", self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
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


if __name__ == "__main__":
    serve(sys.argv[1])
