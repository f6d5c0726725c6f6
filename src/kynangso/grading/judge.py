"""The grader's side of trusted test cells (see trusted.py): per notebook, a trusted runner that
runs the source notebook's setup and test cells, fed with the learner's answers as data.

`Judge` is created by `preprocessors.GuardedExecute` for each notebook it grades. The learner's kernel is
started with one end of a socket pair, the runner with the other; the grader itself only tells the
runner which cell to run next and reads that cell's outputs, which become the outputs of the
submitted notebook's test cell (so nbgrader's SaveAutoGrades scores them as usual).
"""

from __future__ import annotations

import os
import signal
import socket
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from nbformat.v4 import new_output

from .. import messages
from ..authoring import notebook as nbm
from . import outputs, wire
from .names import assigned_names, read_names

MAX_REPLY = 8 << 20  # one reply of the runner (its outputs are cut to fit before they are sent)
TIMEOUT_ERROR = {
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["CellTimeoutError: No reply from kernel before timeout"],
}


@dataclass(frozen=True)
class TrustedCell:
    kind: str  # "setup" or "test"
    grade_id: str | None
    source: str
    reads: tuple[str, ...]  # the learner's answers this cell reads


@lru_cache(maxsize=32)
def plan(source_path: str, mtime_ns: int) -> tuple[TrustedCell, ...]:
    """The cells the trusted runner runs for one source notebook, in order, each with the learner's
    answers it must fetch first: the names it reads that the model solutions of its own question,
    or of an earlier one, bind at module scope. A name the course's own cells bind (a setup cell's
    table, an imported tool such as `datetime`) is never fetched, so a learner's value can never
    replace what a hidden test computes its expectation with; nor is an import in a solution."""
    nb = nbm.read(Path(source_path))
    course = set()
    for cell in nb.cells:
        if cell.cell_type == "code" and not nbm.nbgrader(cell).get("solution") and not nbm.is_test(cell):
            course |= assigned_names(cell.source)
    answers: set[str] = set()  # answers of the questions so far, in notebook order
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if nbm.nbgrader(cell).get("solution"):
            answers |= assigned_names(cell.source, imports=False) - course
            continue
        kind = "test" if nbm.is_test(cell) else "setup"
        reads = tuple(sorted(read_names(cell.source) & answers))
        cells.append(TrustedCell(kind, nbm.grade_id(cell), cell.source, reads))
    return tuple(cells)


class Judge:
    """One notebook's trusted runner: a process forked from the zygote (sandboxed, as a user of its
    own) that runs cells and nothing else; no kernel, so it starts in milliseconds. Requests are
    pipelined: it runs them in order, so setup cells are sent as soon as they can run and only a
    test cell's outputs are waited for."""

    def __init__(self, source_path: Path, timeout: float | None, output_chars: int = 100_000):
        self.cells = plan(str(source_path), source_path.stat().st_mtime_ns)
        self.has_tests = any(c.kind == "test" for c in self.cells)
        self.timeout, self.output_chars = timeout, output_chars
        self.sent = 0  # cells before this index have been sent (test cells excepted)
        self.unread = 0  # replies not read yet (setup cells)
        self.learner_fd, self.trusted_fd = (s.detach() for s in socket.socketpair())
        self.ctl = self.proc = self.dir = None
        self.dead: str | None = None

    # ------------------------------------------------------------ lifecycle (async, in nbclient's loop)

    async def launch(self) -> None:
        """Fork the trusted runner (while the learner's kernel starts)."""
        import asyncio
        import tempfile

        from . import kernels, sandbox

        z = kernels.ZygoteProvisioner.zygote
        if z is None:
            raise RuntimeError("trusted test cells need the kernel zygote")
        self.dir = tempfile.mkdtemp(prefix="t-", dir=kernels.ZygoteKernelManager.base_dir)
        work = os.path.join(self.dir, "work")
        os.mkdir(work)
        box = None
        if kernels.ZygoteProvisioner.sandbox is not None:
            user = sandbox.kernel_user(role="trusted")
            # the runner sees the answer key: nothing is private from it
            box = {"kernel_dir": self.dir, "user": user, **kernels.ZygoteProvisioner.sandbox, "private": []}
            sandbox.prepare_dir(self.dir, *(user or (None, None)))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "KYNANGSO_PEER"))}
        env.update(kernels.ZygoteProvisioner.env)
        env["MPLBACKEND"] = "agg"
        ctl, child = socket.socketpair()
        try:
            pid = await asyncio.to_thread(
                z.spawn,
                [],
                env,
                work,
                kernels.ZygoteProvisioner.limits,
                box,
                [self.trusted_fd, child.fileno()],
                "runner",
            )
        finally:
            os.close(self.trusted_fd)
            self.trusted_fd = None
            child.close()
        self.ctl, self.proc = ctl, kernels.ForkedKernel(pid)
        self._send_setup(self._first_test())  # the setup before the first test needs no answers

    async def attach(self, learner_kc) -> None:
        """Once the learner's kernel is up: make it answer the trusted runner's requests."""
        msg_id = learner_kc.execute(
            "import kynangso.grading.learner as __kl\n__kl.serve(get_ipython().user_ns)\ndel __kl",
            silent=True,
            store_history=False,
        )
        await self._reply(learner_kc, msg_id, 30)
        os.close(self.learner_fd)
        self.learner_fd = None

    def discard(self) -> None:
        """Never launched (a notebook without test cells): close the socket pair."""
        for fd in (self.learner_fd, self.trusted_fd):
            if fd is not None:
                os.close(fd)
        self.learner_fd = self.trusted_fd = None

    async def close(self) -> None:
        import shutil

        for fd in (self.learner_fd, self.trusted_fd):
            if fd is not None:
                os.close(fd)
        self.learner_fd = self.trusted_fd = None
        if self.ctl is not None:
            self.ctl.close()  # the runner sees the end of its requests and exits
            self.ctl = None
        if self.proc is not None:
            try:
                self.proc.wait(timeout=2)
            except Exception:  # noqa: BLE001 - subprocess.TimeoutExpired
                self.kill()
                self.proc.wait(timeout=5)
            self.proc = None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def kill(self) -> None:
        """Stop the trusted runner's process group at once (the wall clock, or a runner that hangs)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass

    # ------------------------------------------------------------ running cells

    def _first_test(self) -> int:
        return next((i for i, c in enumerate(self.cells) if c.kind == "test"), len(self.cells))

    def _send(self, code: str, silent: bool = False, name: str | None = None) -> None:
        if self.dead is None:
            try:
                wire.send(self.ctl, {"code": code, "silent": silent, "name": name})
            except OSError as exc:
                self.dead = f"{type(exc).__name__}: {exc}"

    def _send_setup(self, upto: int) -> None:
        """Send the setup cells before index `upto` not sent yet, each after fetching what it reads."""
        for i in range(self.sent, upto):
            c = self.cells[i]
            if c.kind == "setup":
                if c.reads:
                    self._send(_prepare_code(c.reads, files=False), silent=True)
                    self.unread += 1
                self._send(c.source)
                self.unread += 1
        self.sent = max(self.sent, upto)

    async def run_test(self, cell) -> None:
        """Run the source's test cell with this grade id in the trusted runner (after the setup
        cells before it) and give its outputs to `cell`, the submitted notebook's test cell."""
        gid = nbm.grade_id(cell)
        where = next((i for i, c in enumerate(self.cells) if c.kind == "test" and c.grade_id == gid), None)
        if where is None or self.ctl is None:
            cell.outputs = [
                new_output(
                    "error", ename="GradingError", traceback=[], evalue=messages.text("grading.test_not_in_source")
                )
            ]
            return
        self._send_setup(where)
        test = self.cells[where]
        self._send(_prepare_code(test.reads, files=True), silent=True)
        self._send(test.source, name=gid)
        budget = None if self.timeout is None else self.timeout * (2 + self.unread)
        deadline = None if budget is None else time.monotonic() + budget
        for _ in range(self.unread):
            self._next(deadline)
        self.unread = 0
        prep = self._next(deadline)
        result = self._next(deadline)
        errors = [o for o in prep["outputs"] if o.get("output_type") == "error"]
        kept = [new_output(**o) for o in (errors or result["outputs"])]  # no answers, no pass
        cell.outputs = outputs.bound(kept, self.output_chars)
        lost = [*prep.get("uncarried", []), *result.get("uncarried", [])]
        if lost:  # answers that crossed only as placeholders: `kynangso check` names them
            cell.metadata.setdefault("kynangso", {})["uncarried"] = lost[:20]
        cell.execution_count = result.get("count")

    def _next(self, deadline: float | None) -> dict:
        """The runner's next reply. Past the deadline the runner is interrupted (SIGINT) and the cell
        gets nbgrader's timeout error; a runner that is gone or stuck fails every cell after."""
        from .kernels import readable

        if self.dead is None and deadline is not None and not readable(self.ctl, deadline - time.monotonic()):
            try:
                os.killpg(self.proc.pid, signal.SIGINT)  # the runner, not its PID namespace's holder
            except OSError:
                pass
            if not readable(self.ctl, 10):
                self.kill()
                self.dead = "the trusted runner did not stop"
            else:
                try:
                    wire.recv(self.ctl, MAX_REPLY)  # the interrupted cell's reply
                except (OSError, ValueError, ConnectionError):
                    pass
            return {"outputs": [dict(output_type="error", **TIMEOUT_ERROR)], "count": None}
        if self.dead is None:
            try:
                return wire.recv(self.ctl, MAX_REPLY)
            except (OSError, ValueError, ConnectionError) as exc:
                self.dead = f"{type(exc).__name__}: {exc}"
        return {
            "outputs": [
                dict(
                    output_type="error",
                    ename="DeadKernelError",
                    traceback=[],
                    evalue=messages.text("grading.runner_stopped"),
                )
            ],
            "count": None,
        }

    @staticmethod
    async def _reply(kc, msg_id: str, seconds: float):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                msg = await kc.get_shell_msg(timeout=max(0.01, end - time.monotonic()))
            except Exception:  # noqa: BLE001
                return None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
        return None


def _prepare_code(reads, files: bool) -> str:
    return f"__import__('kynangso.grading.runner', fromlist=['prepare']).prepare({list(reads)!r}, {files!r})"
