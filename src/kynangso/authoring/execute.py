"""Run notebooks on fresh kernels (nbclient), a few at a time, each in its own empty temporary
folder, as a learner's copy would: `kynangso new` stores the outputs of the notebooks it makes.
Grading, and the trainers' check, run notebooks on the grader instead (kynangso.grading).
"""

from __future__ import annotations

import asyncio
import copy
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .. import messages
from . import notebook as nbm


@dataclass
class Run:
    nb: nbformat.NotebookNode  # the executed copy
    seconds: float
    failure: str | None = None  # why the run itself broke (a cell's timeout, a dead kernel), in Vietnamese


async def _run_one(nb, timeout: int) -> Run:
    """Run a copy of `nb` on a fresh kernel in an empty folder. The kernel talks over Unix sockets
    (no TCP ports to race for when several start at once) and writes its stderr to a file; a kernel
    that does not answer kernel_info is started once more, then the run says why, with what the
    kernel wrote."""
    start = time.perf_counter()
    for attempt in (1, 2):
        run = copy.deepcopy(nb)
        with tempfile.TemporaryDirectory(prefix="kynangso-run-") as cwd:
            from jupyter_client.manager import AsyncKernelManager

            km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(Path(cwd) / ".kernel"))
            client = NotebookClient(
                run, km=km, timeout=timeout, allow_errors=True, resources={"metadata": {"path": cwd}}
            )
            log = Path(cwd) / ".kernel.log"
            try:
                with log.open("wb") as err:
                    await client.async_execute(stderr=err)
                return Run(nb=run, seconds=time.perf_counter() - start)
            except CellTimeoutError:
                return Run(
                    run, time.perf_counter() - start, messages.text("authoring.execute.cell_timeout", seconds=timeout)
                )
            except DeadKernelError:
                return Run(run, time.perf_counter() - start, messages.text("authoring.execute.kernel_died"))
            except RuntimeError as exc:  # the kernel never answered kernel_info
                said = log.read_text(encoding="utf-8", errors="replace").strip()[-2000:] if log.exists() else ""
                if attempt == 2:
                    why = messages.text("authoring.execute.kernel_start", error=str(exc), said=said or "—")
                    return Run(run, time.perf_counter() - start, why)
    raise AssertionError("unreachable")


def run_all(notebooks: list, workers: int | None = None, timeout: int | None = None) -> list[Run]:
    """Execute each notebook on its own fresh kernel, a few at a time; results in input order.
    By default, as many at a time as grading workers, each cell within the grading cell limit."""
    from .settings import settings

    timeout = timeout or settings().limits.cell_timeout
    sem = asyncio.Semaphore(workers or settings().workers)

    async def bounded(nb):
        async with sem:
            return await _run_one(nb, timeout)

    async def main():
        return await asyncio.gather(*(bounded(nb) for nb in notebooks))

    return asyncio.run(main())


# what each cell did: the notebook model's (one rule for a test cell, `passed`, used by check and grade)
error_of, stderr_of, passed = nbm.error_of, nbm.stderr_of, nbm.passed
