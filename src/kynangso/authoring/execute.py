"""Run notebooks on fresh kernels (nbclient), a few at a time, and read what each cell did: the
error it raised, what it printed to stderr, and whether nbgrader would give a test cell its points.
Each notebook runs in its own empty temporary folder, as a learner's copy would.
"""

from __future__ import annotations

import asyncio
import copy
import subprocess
import tempfile
import time
from dataclasses import dataclass

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from .. import messages


@dataclass
class Run:
    nb: nbformat.NotebookNode  # the executed copy
    seconds: float
    failure: str | None = None  # why the run itself broke (a cell's timeout, a dead kernel), in Vietnamese


async def _run_one(nb, timeout: int) -> Run:
    nb = copy.deepcopy(nb)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kynangso-run-") as cwd:
        client = NotebookClient(
            nb, timeout=timeout, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": cwd}}
        )
        failure = None
        try:
            # the kernel's own log (an ipykernel 7 TCP notice) is noise here; cell outputs are kept
            await client.async_execute(stderr=subprocess.DEVNULL)
        except CellTimeoutError:
            failure = messages.text("authoring.execute.cell_timeout", seconds=timeout)
        except DeadKernelError:
            failure = messages.text("authoring.execute.kernel_died")
    return Run(nb=nb, seconds=time.perf_counter() - start, failure=failure)


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


def error_of(cell) -> str | None:
    """'ename: evalue' of the error a code cell raised, or None."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return f"{out.get('ename')}: {out.get('evalue')}"
    return None


def stderr_of(cell) -> str:
    """What a code cell printed to stderr."""
    return "".join(
        o.get("text", "")
        for o in cell.get("outputs", [])
        if o.get("output_type") == "stream" and o.get("name") == "stderr"
    )


def passed(cell) -> bool:
    """How nbgrader scores a test cell: full points only with no error and nothing on stderr."""
    return cell.cell_type == "code" and error_of(cell) is None and not stderr_of(cell)
