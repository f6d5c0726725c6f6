"""One grading worker: a long-lived process (forked by the pool) that runs nbgrader's own
`Autograde` or `GenerateFeedback` converter for one (module, official) at a time, with the cohort's
configuration and the course's bounded preprocessors, so the gradebook, autograded/ and feedback/
are exactly nbgrader's. A job never raises: a submission must never stop the worker; its result
(a plain dict) says what happened, with its own log in logs/<step>/<module>/<official>.log.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import os
import signal
import threading
import time
import warnings
from pathlib import Path

from .. import paths
from ..authoring.settings import CONFIG_FILE, Limits, settings
from . import kernels, outputs
from .preprocessors import CharLimitOutput, GuardedExecute, LearnerFeedback, LenientSaveAutoGrades, strip_scripts
from .repair import NOTES_FILE, RepairCells
from .resources import source_dir

_WORKER: dict = {}


def _base_config(root: Path, limits: Limits):
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        ClearOutput,
        DeduplicateIds,
        GetGrades,
        IgnorePattern,
        OverwriteCells,
        OverwriteKernelspec,
    )
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    cfg.CourseDirectory.db_url = settings().gradebook_url(root)
    cfg.BaseConverter.force = True
    cfg.GuardedExecute.timeout = limits.cell_timeout
    cfg.GenerateFeedback.preprocessors = [GetGrades, LearnerFeedback, CSSHTMLHeaderPreprocessor]
    # a learner's slips with cells (a copied answer, an edited grade id) are repaired first (repair.py)
    cfg.Autograde.sanitize_preprocessors = [
        ClearOutput,
        RepairCells,
        DeduplicateIds,
        OverwriteKernelspec,
        OverwriteCells,
        CheckCellMetadata,
    ]
    cfg.Autograde.autograde_preprocessors = [
        GuardedExecute,
        IgnorePattern,
        ClearMetadataPreprocessor,
        CharLimitOutput,
        LenientSaveAutoGrades,
        AssignLatePenalties,
        CheckCellMetadata,
    ]
    return cfg


def init_worker(
    root: str,
    limits: dict,
    zygote_path: str | None,
    kernels_dir: str | None = None,
    box: dict | None = None,
    kernel_env: dict | None = None,
) -> None:
    """Runs once in each worker: read the configuration, connect to the zygote (when kernels run)."""
    # Ctrl-C is the grading command's to handle (it lets running jobs finish): not the workers'
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warnings.filterwarnings("ignore")  # nbgrader with SQLAlchemy 2 warns (SAWarning) on every run; grades are right
    os.environ["PATH"] = paths.tool_env()["PATH"]
    lim = Limits(**limits)
    GuardedExecute.notebook_timeout = lim.notebook_timeout
    CharLimitOutput.max_chars = lim.output_chars
    # a kernel's CPU time is bounded too: a notebook never needs more CPU than its wall clock allows
    kernels.ZygoteProvisioner.limits = {"memory_bytes": lim.memory_mb << 20, "cpu_seconds": lim.notebook_timeout + 30}
    kernels.ZygoteProvisioner.zygote = kernels.ZygoteClient(zygote_path) if zygote_path else None
    kernels.ZygoteProvisioner.sandbox = box
    kernels.ZygoteProvisioner.env = dict(kernel_env or {})
    kernels.ZygoteKernelManager.base_dir = kernels_dir
    GuardedExecute.source_dir = source_dir(Path(root))
    RepairCells.release_dir = Path(root) / "release"
    _WORKER.update(root=Path(root), limits=lim, config=_base_config(Path(root), lim))


def _job_log(module_id: str, student: str):
    """The log of one job: one logger per worker, given a fresh buffer for each job (a logger per
    submission would stay in logging's registry for the life of the worker)."""
    buf = io.StringIO()
    log = logging.getLogger("kynangso.job")
    for old in log.handlers:
        old.close()
    log.handlers[:] = [logging.StreamHandler(buf)]
    log.propagate = False
    log.setLevel(logging.INFO)
    return buf, log


def _coursedir(module_id: str, student: str, log):
    from nbgrader.coursedir import CourseDirectory

    cfg = copy.deepcopy(_WORKER["config"])
    cfg.CourseDirectory.assignment_id = module_id
    cfg.CourseDirectory.student_id = student
    return cfg, CourseDirectory(config=cfg, log=log)


def _save_log(step: str, module_id: str, student: str, buf: io.StringIO) -> str:
    rel = Path("logs") / step / module_id / f"{student}.log"
    (_WORKER["root"] / rel).parent.mkdir(parents=True, exist_ok=True)
    (_WORKER["root"] / rel).write_text(buf.getvalue(), encoding="utf-8")
    return str(rel)


def _job(step: str, module_id: str, student: str, work, failure) -> dict:
    """Run one nbgrader step for one submission with its own log (logs/<step>/<module>/<student>.log).
    Never raises: a submission must never stop the worker; the result says what happened."""
    buf, log = _job_log(module_id, student)
    start = time.perf_counter()
    result = {"module": module_id, "student": student, "ok": False, "failure": None}
    try:
        cfg, coursedir = _coursedir(module_id, student, log)
        work(cfg, coursedir, log)
        result["ok"] = True
    except BaseException as exc:  # noqa: BLE001
        log.error("%s failed: %s: %s", step, type(exc).__name__, exc)
        result["failure"] = failure(buf.getvalue())
    result["seconds"] = round(time.perf_counter() - start, 3)
    result["worker"] = worker_usage()
    log.info("worker after this job: %s", " ".join(f"{k}={v}" for k, v in result["worker"].items()))
    result["log"] = _save_log(step, module_id, student, buf)
    return result


def worker_usage() -> dict:
    """What this worker holds after a job (open descriptors, threads, memory): none of it may grow
    with the number of submissions a worker grades (tests and the benchmark read it)."""
    import resource

    with open("/proc/self/statm", encoding="ascii") as f:
        rss_pages = int(f.read().split()[1])
    return {
        "pid": os.getpid(),
        "fds": len(os.listdir("/proc/self/fd")),
        "threads": threading.active_count(),
        "rss_mb": round(rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def grade_one(module_id: str, student: str) -> dict:
    """Autograde one submission."""
    from nbgrader.converters import Autograde

    def work(cfg, coursedir, log):
        RepairCells.notes = {}
        Autograde(coursedir=coursedir, config=cfg, log=log).start()
        notes = {name: found for name, found in RepairCells.notes.items() if found}
        if notes:
            out = _WORKER["root"] / "autograded" / student / module_id / NOTES_FILE
            out.write_text(json.dumps(notes, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    return _job("grade", module_id, student, work, failure)


def feedback_one(module_id: str, student: str) -> dict:
    """nbgrader's feedback HTML for one autograded (and maybe hand-graded) submission."""
    from nbgrader.converters import GenerateFeedback

    def work(cfg, coursedir, log):
        GenerateFeedback(coursedir=coursedir, config=cfg, log=log).start()
        for page in (_WORKER["root"] / "feedback" / student / module_id).glob("*.html"):
            strip_scripts(page)

    return _job("feedback", module_id, student, work, lambda text: "grader_error")


def trial_one(module_id: str, key: str) -> dict:
    """Grade one variant of a trainer's notebook (trial.py: the solution, the learner's copy, or a
    recorded mistake) with the same preprocessor as a submission, without the gradebook: the graded
    notebook replaces the variant in its folder."""
    import nbformat

    def work(cfg, coursedir, log):
        folder = _WORKER["root"] / "trial" / module_id / key
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            resources = {
                "nbgrader": {"assignment": module_id, "notebook": path.stem},
                "metadata": {"path": str(folder)},
            }
            nb, _ = GuardedExecute(config=cfg, log=log).preprocess(nb, resources)
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.outputs = outputs.bound(cell.outputs, CharLimitOutput.max_chars)
            nbformat.write(nb, str(path))

    result = _job("trial", module_id, key, work, failure)
    if not result["ok"]:
        text = (_WORKER["root"] / result["log"]).read_text(encoding="utf-8", errors="replace")
        result["log_tail"] = "\n".join(line for line in text.splitlines()[-12:] if line.strip())
    return result


def failure(text: str) -> str:
    """The kind of failure of a grading job, from its log (the wall clock says it first)."""
    return "notebook_timeout" if GuardedExecute.expired else classify(text)


def classify(log: str) -> str:
    """What kind of failure a converter's log shows."""
    if "KernelDidNotStart" in log:
        return "kernel_start"
    if "DeadKernelError" in log or "Kernel died" in log:
        return "kernel_died"
    if "CellTimeoutError" in log or "TimeoutError" in log:
        return "cell_timeout"
    if "MemoryError" in log:
        return "memory"
    return "grader_error"
