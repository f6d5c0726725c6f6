"""The grading engine: a pool of long-lived workers, each grading one submission at a time with
nbgrader's own converters, on kernels forked from a warm zygote (see zygote.py).

Why not `nbgrader autograde`: it grades one notebook at a time in one process (nbgrader #174),
starts a cold kernel per notebook, shows no progress (#1456), keeps a stale grade when a kernel dies
and scores a test cell 0 when a correct answer prints a warning. Here each worker builds nbgrader's
`Autograde` and `GenerateFeedback` converters for one (module, student) with the cohort's own
configuration, so the gradebook, the autograded and feedback folders are exactly nbgrader's and the
scores are the ones nbgrader computes, with three preprocessors swapped for bounded versions:

- `GuardedExecute`: nbgrader's Execute on a forked kernel with an address-space limit, plus a
  wall-clock limit for the whole notebook (the kernel's process group is killed when it passes);
  its test cells run in a trusted runner instead of the learner's kernel (judge.py, trusted.py);
- `CharLimitOutput`: caps each cell's output in characters (nbgrader caps lines only), error
  messages and tracebacks included, as the output arrives (outputs.py);
- `LenientSaveAutoGrades`: a test cell fails when it raises, not when something wrote to stderr.

The workers write to the cohort's SQLite gradebook themselves (short transactions; a busy timeout
lets two writers wait for each other). Jobs, results and failures travel as plain dicts.
"""

from __future__ import annotations

import copy
import io
import logging
import os
import signal
import sys
import tempfile
import threading
import time
import warnings
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import asdict
from functools import lru_cache
from multiprocessing import get_context
from pathlib import Path

from jupyter_core.utils import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor, SaveAutoGrades

from ..authoring import notebook as nbm
from ..authoring.settings import CONFIG_FILE, Limits, settings
from . import outputs, zygote
from .. import paths


# ---------------------------------------------------------------- bounded preprocessors

class GuardedExecute(Execute):
    """nbgrader's Execute on a zygote kernel, with a wall-clock limit for the whole notebook. With
    `trusted_tests` (the default), test cells do not run in the learner's kernel: a `Judge` runs
    them, from the source notebook, in a trusted runner fed with the learner's answers as data."""

    notebook_timeout: float = 300.0
    trusted_tests: bool = True
    expired = False  # set when the last notebook was stopped by the wall clock

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = zygote.ZygoteKernelManager
        super().__init__(*args, **kwargs)
        self._judge = None

    def _expire(self):
        type(self).expired = True
        prov = getattr(getattr(self, "km", None), "provisioner", None)
        pid = getattr(prov, "pid", None)
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        if self._judge is not None:
            self._judge.kill()

    def preprocess(self, nb, resources=None, km=None):
        type(self).expired = False
        self._output_chars = {}
        self._judge = None
        meta = (resources or {}).get("nbgrader", {})
        self._withheld = _withheld(str(meta.get("assignment")))
        if type(self).trusted_tests and _WORKER.get("root") is not None:
            from .judge import Judge

            source = _source_dir() / str(meta.get("assignment")) / f"{meta.get('notebook')}.ipynb"
            if not source.is_file():  # never fall back to running test cells in the learner's kernel
                raise FileNotFoundError(f"no source notebook {source} for the trusted test cells")
            self._judge = Judge(source, self.timeout, CharLimitOutput.max_chars)
        timer = threading.Timer(type(self).notebook_timeout, self._expire)
        timer.daemon = True
        timer.start()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            timer.cancel()
            if self._judge is not None:
                run_sync(self._judge.close)()
                self._judge = None

    def create_kernel_manager(self):
        km = super().create_kernel_manager()
        if self._judge is not None:
            km.peer_fd = self._judge.learner_fd
        km.withheld = getattr(self, "_withheld", ())
        return km

    async def async_start_new_kernel(self, **kwargs):
        if self._judge is None:
            return await super().async_start_new_kernel(**kwargs)
        import asyncio

        # the trusted runner starts while the learner's kernel does
        await asyncio.gather(super().async_start_new_kernel(**kwargs), self._judge.launch())

    async def async_start_new_kernel_client(self):
        kc = await super().async_start_new_kernel_client()
        if self._judge is not None:
            await self._judge.attach(kc)
        return kc

    # nbclient's sync wrappers are bound to its own coroutines
    start_new_kernel = run_sync(async_start_new_kernel)
    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def preprocess_cell(self, cell, resources, index):
        if self._judge is not None and nbm.is_test(cell):
            run_sync(self._judge.run_test)(cell)
            return cell, self.resources
        return super().preprocess_cell(cell, resources, index)

    def output(self, outs, msg, display_id, cell_index):
        out = super().output(outs, msg, display_id, cell_index)
        if out is None:
            return out
        if out.get("output_type") == "error":  # errors decide the grade: always kept, but bounded
            if outputs.chars(out) > outputs.ERROR_CHARS:
                bounded = outputs.bound_error(out)
                if outs and outs[-1] is out:
                    outs[-1] = bounded
                out = bounded
            return out
        limit = CharLimitOutput.max_chars
        used = self._output_chars.get(cell_index, 0)
        size = outputs.chars(out)
        self._output_chars[cell_index] = used + size
        if used + size <= limit:
            return out
        if outs and outs[-1] is out:
            outs.pop()
        if used <= limit:  # the first output past the limit: keep what fits, say it was cut
            outs.append(outputs.cut(out, limit - used, limit))
        return None


@lru_cache(maxsize=64)
def _withheld(module_id: str) -> tuple[str, ...]:
    from ..authoring import manifest

    try:
        return manifest.load().module(module_id).withheld
    except KeyError:
        return ()


def _source_dir(config=None, root: Path | None = None) -> Path:
    """The course's source notebooks (with the hidden tests), as the cohort's configuration says."""
    cfg = (config or _WORKER["config"]).CourseDirectory
    src = Path(str(cfg.get("source_directory", "source")))
    return src if src.is_absolute() else (root or _WORKER["root"]) / src


def kernel_resources(root: Path, modules, folder: Path) -> tuple[dict, list[str]]:
    """What the kernels of these modules share, made once per grading run in `folder`: the
    environment that points at it and the folders the sandbox must show them (read-only).

    - a module whose setup makes a training PKI (module 02) gets a pool of keys, so the course's CA
      is the same in the learner's kernel and the trusted one (pki.make_key_pool);
    - a module that signs PDFs gets the rescaled font made here, not once per kernel (each
      sandboxed kernel has an empty /tmp)."""
    src = _source_dir(_base_config(root, settings().limits), root)
    text = "".join(p.read_text(encoding="utf-8") for m in set(modules) for p in (src / m).glob("*.ipynb"))
    env, keep = {}, []
    if "TrainingPKI" in text:
        from .. import pki

        env[pki.KEY_POOL_ENV] = str(pki.make_key_pool(folder / "keys"))
        keep.append(env[pki.KEY_POOL_ENV])
    if "kynangso.signing" in text or "sign_pdf" in text:
        from .. import signing

        fonts = folder / "fonts"
        fonts.mkdir(mode=0o755, exist_ok=True)
        signing.make_font(fonts).chmod(0o644)
        env[signing.FONT_DIR_ENV] = str(fonts)
        keep.append(str(fonts))
    return env, keep


class CharLimitOutput(LimitOutput):
    """LimitOutput, but the size limit is in characters (GuardedExecute cuts as output arrives;
    this pass also cuts notebooks that arrive with huge stored outputs)."""

    max_chars = 100_000

    def _limit_stream_output(self, cell):
        if cell.cell_type == "code":
            cell.outputs = outputs.bound(cell.outputs, self.max_chars)
        return cell


class LenientSaveAutoGrades(SaveAutoGrades):
    """SaveAutoGrades where only an error fails a test cell: a warning on stderr (a pandas
    FutureWarning printed while a correct answer runs) does not cost the learner the points."""

    def _add_score(self, cell, resources):
        if cell.cell_type == "code" and any(o.get("output_type") == "stream" and o.get("name") == "stderr"
                                            for o in cell.get("outputs", [])):
            judged = copy.deepcopy(cell)
            judged.outputs = [o for o in judged.outputs
                              if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
            return super()._add_score(judged, resources)
        return super()._add_score(cell, resources)


class LearnerFeedback(NbGraderPreprocessor):
    """What the learner receives must not teach them the hidden tests (nbgrader shows them in
    feedback by design, #917) nor carry anything a kernel printed: a learner's code can record the
    hidden tests while they run and print them later. So a test cell shows its public part and its
    verdict, with the failure message only when that message is written in the public part; answer
    cells show the learner's code without outputs. Scores come from the gradebook (GetGrades)."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            public = nbm.public_part(cell.source)
            message = next((o.get("evalue", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)
            cell.source = public.rstrip() + ("\n# (Phần kiểm tra ẩn không hiển thị.)" if public != cell.source else "")
            if message is None:
                verdict = "Đạt."
            elif message and public_message(message, public):
                verdict = f"Chưa đạt: {public_message(message, public)}"
            else:
                verdict = "Chưa đạt (kiểm tra ẩn, hoặc ô báo lỗi: hãy chạy lại bài trên máy của bạn để xem)."
            cell.outputs = [new_output("stream", name="stdout", text=verdict + "\n")]
        else:
            cell.outputs = []
        cell.execution_count = None
        return cell, resources


def public_message(message: str, source: str) -> str | None:
    """The failure message as the public test writes it, or None when the public part has no such
    message. An f-string's values are shown as "…": they come from the learner's kernel, which could
    fill them with anything, the hidden tests included."""
    import ast
    import re

    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.strip() == message.strip():
                return node.value.strip()
        elif isinstance(node, ast.JoinedStr):
            parts = [(v.value if isinstance(v, ast.Constant) else None) for v in node.values]
            pattern = "".join(re.escape(p) if p is not None else ".*?" for p in parts)
            if re.fullmatch(pattern, message.strip(), flags=re.S):
                return "".join(p if p is not None else "…" for p in parts).strip()
    return None


def strip_scripts(html_path: Path) -> None:
    """No script runs in a feedback page: nbconvert's template loads MathJax from a CDN, and a
    learner's output must never bring its own (HTMLExporter.sanitize_html removes those first)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup.find_all(["script", "iframe", "object", "embed"]):
        tag.decompose()
    for tag in soup.find_all(True):
        for attr in [a for a in tag.attrs if a.lower().startswith("on")]:
            del tag[attr]
    html_path.write_text(str(soup), encoding="utf-8")


# ---------------------------------------------------------------- the worker process

_WORKER: dict = {}


def _base_config(root: Path, limits: Limits):
    from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import AssignLatePenalties, CheckCellMetadata, GetGrades, IgnorePattern
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    cfg.CourseDirectory.db_url = settings().gradebook_url(root)
    cfg.BaseConverter.force = True
    cfg.GuardedExecute.timeout = limits.cell_timeout
    cfg.GenerateFeedback.preprocessors = [GetGrades, LearnerFeedback, CSSHTMLHeaderPreprocessor]
    cfg.Autograde.autograde_preprocessors = [
        GuardedExecute, IgnorePattern, ClearMetadataPreprocessor, CharLimitOutput,
        LenientSaveAutoGrades, AssignLatePenalties, CheckCellMetadata,
    ]
    return cfg


def sandbox_policy(root: Path) -> dict:
    """What a sandboxed kernel must not see (the course's sources with solutions and hidden tests,
    every cohort) and what it needs back from under those folders (the package, the data)."""
    hide = [paths.project_root(), paths.cohorts_dir(), root]
    keep = [Path(__file__).resolve().parents[1], paths.datasets_dir(), paths.course_dir(), Path(sys.prefix)]
    return {"hide": [str(p) for p in hide], "keep": [str(p) for p in keep]}


def learner_private() -> list[str]:
    """What only the trusted runner may see of the package and the data: the answer key."""
    return [str(Path(__file__).resolve().parent / "key"), str(paths.datasets_dir() / "dap-an")]


def init_worker(root: str, limits: dict, zygote_path: str | None, kernels_dir: str | None = None,
                box: dict | None = None, kernel_env: dict | None = None) -> None:
    """Runs once in each worker: read the configuration, connect to the zygote (when kernels run)."""
    warnings.filterwarnings("ignore")  # SQLAlchemy's SAWarning noise (NBGRADER-NOTES.md)
    os.environ["PATH"] = paths.tool_env()["PATH"]
    lim = Limits(**limits)
    GuardedExecute.notebook_timeout = lim.notebook_timeout
    CharLimitOutput.max_chars = lim.output_chars
    zygote.ZygoteProvisioner.limits = {"memory_bytes": lim.memory_mb << 20}
    zygote.ZygoteProvisioner.zygote = zygote.ZygoteClient(zygote_path) if zygote_path else None
    zygote.ZygoteProvisioner.sandbox = box
    zygote.ZygoteProvisioner.env = dict(kernel_env or {})
    zygote.ZygoteKernelManager.base_dir = kernels_dir
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
    return {"pid": os.getpid(), "fds": len(os.listdir("/proc/self/fd")), "threads": threading.active_count(),
            "rss_mb": round(rss_pages * os.sysconf("SC_PAGE_SIZE") / 2**20, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def grade_one(module_id: str, student: str) -> dict:
    """Autograde one submission."""
    from nbgrader.converters import Autograde

    def work(cfg, coursedir, log):
        Autograde(coursedir=coursedir, config=cfg, log=log).start()

    return _job("grade", module_id, student, work,
                lambda text: "notebook_timeout" if GuardedExecute.expired else classify(text))


def feedback_one(module_id: str, student: str) -> dict:
    """nbgrader's feedback HTML for one autograded (and maybe hand-graded) submission."""
    from nbgrader.converters import GenerateFeedback

    def work(cfg, coursedir, log):
        GenerateFeedback(coursedir=coursedir, config=cfg, log=log).start()
        for page in (_WORKER["root"] / "feedback" / student / module_id).glob("*.html"):
            strip_scripts(page)

    return _job("feedback", module_id, student, work, lambda text: "grader_error")


def classify(log: str) -> str:
    """What kind of failure a converter's log shows."""
    if "DeadKernelError" in log or "Kernel died" in log:
        return "kernel_died"
    if "CellTimeoutError" in log or "TimeoutError" in log:
        return "cell_timeout"
    if "MemoryError" in log:
        return "memory"
    return "grader_error"


# ---------------------------------------------------------------- the pool

def run(root: Path, jobs: list[tuple[str, str]], workers: int, limits: Limits,
        on_result=None, max_attempts: int = 2, task=grade_one, isolate: bool = True) -> list[dict]:
    """Run `task` on every (module, student) job on `workers` long-lived processes. A worker that
    dies is replaced and its jobs retried; a job that breaks workers `max_attempts` times is
    reported as failed. Workers are forked from this process (nbgrader already imported) and share
    one kernel zygote."""
    if not jobs:
        return []
    import nbgrader.converters  # noqa: F401 - imported once here, inherited by the forked workers

    results: list[dict] = []
    todo = list(jobs)
    attempts = {j: 0 for j in jobs}
    ctx = get_context("fork")
    from . import sandbox

    box = sandbox_policy(root) if isolate and task is grade_one and sandbox.available() is None else None
    if box is not None:
        box["private"] = learner_private()
    kernels = tempfile.TemporaryDirectory(prefix="kynangso-kernels-")
    kernel_env: dict = {}
    if task is grade_one:
        kernel_env, shared = kernel_resources(root, [m for m, _ in jobs], Path(kernels.name))
        if box is not None:
            box = {**box, "keep": [*box["keep"], *shared]}
    with kernels, zygote.Zygote(env=paths.tool_env()) if task is grade_one else nullcontext() as z:
        while todo:
            pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(todo))), mp_context=ctx,
                                       initializer=init_worker,
                                       initargs=(str(root), asdict(limits), z.path if z else None, kernels.name, box,
                                                 kernel_env))
            futures = {pool.submit(task, *job): job for job in todo}
            todo = []
            broken = False
            try:
                pending = set(futures)
                while pending:
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job = futures[fut]
                        try:
                            res = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            attempts[job] += 1
                            if attempts[job] < max_attempts:
                                todo.append(job)
                                continue
                            res = {"module": job[0], "student": job[1], "ok": False,
                                   "failure": "worker_died", "seconds": 0.0, "log": ""}
                        results.append(res)
                        if on_result:
                            on_result(res)
            finally:
                pool.shutdown(wait=not broken, cancel_futures=True)
    return results


class Progress:
    """done / total, failures and ETA: a tqdm bar on a terminal, a line every tenth otherwise."""

    def __init__(self, total: int, enabled: bool = True, stream=None, desc: str = "Chấm bài",
                 failed_label: str = "không chấm được"):
        self.total, self.done, self.failed, self.desc, self.failed_label = total, 0, 0, desc, failed_label
        self.stream = stream or sys.stderr
        self.start = time.perf_counter()
        self.bar = None
        self.enabled = enabled and total > 0
        if self.enabled and getattr(self.stream, "isatty", lambda: False)():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="bài", desc=desc, file=self.stream, dynamic_ncols=True)
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
            print(f"  {self.desc.lower()}: {self.done}/{self.total}, {self.failed_label}: {self.failed}, "
                  f"đã chạy {elapsed:.0f} s, còn khoảng {eta:.0f} s", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
