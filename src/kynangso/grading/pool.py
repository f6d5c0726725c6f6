"""The grading pool: long-lived workers (worker.py), forked from the grading command, each running
one job at a time; the kernels of a run are forked from one warm zygote (zygote.py). A worker that
dies is replaced and its jobs are retried; progress is shown as results arrive.

Why not `nbgrader autograde`: it grades one notebook at a time in one process, starts a cold kernel
per notebook, shows no progress, keeps a stale grade when a kernel dies and scores a test cell 0
when a correct answer prints a warning.

The workers write to the cohort's SQLite gradebook themselves (short transactions; a busy timeout
lets two writers wait for each other). Jobs, results and failures travel as plain dicts.
"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from multiprocessing import get_context
from pathlib import Path

from .. import messages, paths
from ..authoring.settings import Limits
from . import zygote
from .resources import kernel_resources, learner_private, sandbox_policy
from .worker import feedback_one, grade_one, init_worker, trial_one


@dataclass(frozen=True)
class Task:
    """A step the pool runs on each (module, official): its job function, and whether it runs
    learners' notebooks (then kernels are forked from a zygote, sandboxed, with the run's shared
    resources)."""

    name: str
    job: object
    runs_notebooks: bool


TASKS = {
    "grade": Task("grade", grade_one, True),
    "feedback": Task("feedback", feedback_one, False),
    "trial": Task("trial", trial_one, True),  # the trainers' check (trial.py)
}


def run(
    root: Path,
    jobs: list[tuple[str, str]],
    workers: int,
    limits: Limits,
    on_result=None,
    max_attempts: int = 2,
    task: str = "grade",
    isolate: bool = True,
    stopping=None,
) -> list[dict]:
    """Run the task named `task` (TASKS) on every (module, student) job on `workers` long-lived processes. A worker that
    dies is replaced and its jobs retried; a job that breaks workers `max_attempts` times is
    reported as failed. Workers are forked from this process (nbgrader already imported) and share
    one kernel zygote. `stopping()` (when given) is asked as jobs run: once it says yes, jobs not
    started are dropped (they are not in the results) and those running finish."""
    if not jobs:
        return []
    import nbgrader.converters  # noqa: F401 - imported once here, inherited by the forked workers

    results: list[dict] = []
    todo = list(jobs)
    attempts = {j: 0 for j in jobs}
    ctx = get_context("fork")
    from . import sandbox

    step = TASKS[task]
    box = sandbox_policy(root) if isolate and step.runs_notebooks and sandbox.available() is None else None
    if box is not None:
        box["private"] = learner_private()
    kernels = tempfile.TemporaryDirectory(prefix="kynangso-kernels-")
    kernel_env: dict = {}
    if step.runs_notebooks:
        kernel_env, shared = kernel_resources([m for m, _ in jobs], Path(kernels.name))
        if box is not None:
            box = {**box, "keep": [*box["keep"], *shared]}
    with kernels, zygote.Zygote(env=paths.tool_env()) if step.runs_notebooks else nullcontext() as z:
        while todo:
            pool = ProcessPoolExecutor(
                max_workers=max(1, min(workers, len(todo))),
                mp_context=ctx,
                initializer=init_worker,
                initargs=(str(root), asdict(limits), z.path if z else None, kernels.name, box, kernel_env),
            )
            futures = {pool.submit(step.job, *job): job for job in todo}
            todo, broken = [], False
            try:
                todo, broken = _drain(futures, attempts, max_attempts, stopping, on_result, results)
            except BaseException:  # a second Ctrl-C: the jobs running are abandoned, their workers killed
                broken = True
                for proc in list((getattr(pool, "_processes", None) or {}).values()):
                    proc.kill()
                raise
            finally:
                pool.shutdown(wait=not broken, cancel_futures=True)
    return results


def _drain(futures: dict, attempts: dict, max_attempts: int, stopping, on_result, results: list):
    """Collect one pool's results as they come (into `results`, each passed to `on_result`); returns
    the jobs to run again on a new pool (their worker died) and whether this pool broke."""
    again, broken = [], False
    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
        if stopping is not None and stopping():
            for fut in list(pending):
                if fut.cancel():
                    pending.discard(fut)
        for fut in done:
            job = futures[fut]
            if fut.cancelled():
                continue
            try:
                res = fut.result()
            except BrokenProcessPool:
                broken = True
                attempts[job] += 1
                if stopping is not None and stopping():
                    continue  # not graded: the next run resumes it
                if attempts[job] < max_attempts:
                    again.append(job)
                    continue
                res = {
                    "module": job[0],
                    "student": job[1],
                    "ok": False,
                    "failure": "worker_died",
                    "seconds": 0.0,
                    "log": "",
                }
            results.append(res)
            if on_result:
                on_result(res)
    return again, broken


class Progress:
    """done / total, failures and ETA: a tqdm bar on a terminal, a line every tenth otherwise."""

    def __init__(
        self, total: int, enabled: bool = True, stream=None, desc: str | None = None, failed_label: str | None = None
    ):
        desc = desc or messages.text("grading.progress.desc")
        failed_label = failed_label or messages.text("grading.progress.failed")
        self.total, self.done, self.failed, self.desc, self.failed_label = total, 0, 0, desc, failed_label
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.bar = None
        self.enabled = enabled and total > 0
        if self.enabled and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                unit=messages.text("grading.progress.unit"),
                desc=desc,
                file=self.stream,
                dynamic_ncols=True,
            )
        self._next_line = 0

    def update(self, result: dict) -> None:
        self.done += 1
        self.failed += 0 if result.get("ok") else 1
        if self.bar is not None:
            self.bar.set_postfix_str(f"{self.failed_label}: {self.failed}", refresh=False)
            self.bar.update(1)
        elif self.enabled and (self.done >= self._next_line or self.done == self.total):
            self._next_line = self.done + max(1, self.total // 10)
            elapsed = time.perf_counter() - self.start
            eta = elapsed / self.done * (self.total - self.done)
            print(
                messages.text(
                    "grading.progress.line",
                    desc=self.desc.lower(),
                    done=self.done,
                    total=self.total,
                    failed_label=self.failed_label,
                    failed=self.failed,
                    elapsed=elapsed,
                    eta=eta,
                ),
                file=self.stream,
                flush=True,
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
