"""nbgrader's preprocessors as the course grades with them: bounded, and with test cells judged
where a learner's code cannot reach.

- `GuardedExecute`: nbgrader's Execute on a kernel forked from the zygote (kernels.py), with an
  address-space limit and a wall-clock limit for the whole notebook (its process group is killed
  when it passes); its test cells run in a trusted runner, not in the learner's kernel (judge.py);
- `CharLimitOutput`: caps each cell's output in characters, error messages and tracebacks
  included, as the output arrives (outputs.py); nbgrader caps lines only;
- `LenientSaveAutoGrades`: a test cell fails when it raises, not when something wrote to stderr;
- `LearnerFeedback`: what a learner's feedback page may show (no hidden test, no kernel output).

The worker (worker.py) sets the class attributes below once, from the run's settings.
"""

from __future__ import annotations

import copy
import os
import signal
import threading
from pathlib import Path

from jupyter_core.utils import run_sync
from nbformat.v4 import new_output
from nbgrader.preprocessors import Execute, LimitOutput, NbGraderPreprocessor, SaveAutoGrades

from .. import messages
from ..authoring import notebook as nbm
from . import kernels, outputs
from .resources import withheld


class KernelDidNotStart(RuntimeError):
    """A learner's kernel (or a trainer's notebook's) did not answer kernel_info, twice."""


class GuardedExecute(Execute):
    """nbgrader's Execute on a zygote kernel, with a wall-clock limit for the whole notebook. With
    `trusted_tests` (the default), test cells do not run in the learner's kernel: a `Judge` runs
    them, from the source notebook, in a trusted runner fed with the learner's answers as data."""

    notebook_timeout: float = 300.0
    trusted_tests: bool = True
    source_dir: Path | None = None  # the course's source notebooks (set by the worker)
    expired = False  # set when the last notebook was stopped by the wall clock

    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = kernels.ZygoteKernelManager
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
        self._withheld = withheld(str(meta.get("assignment")))
        if type(self).trusted_tests and type(self).source_dir is not None:
            from .judge import Judge

            source = type(self).source_dir / str(meta.get("assignment")) / f"{meta.get('notebook')}.ipynb"
            if not source.is_file():  # never fall back to running test cells in the learner's kernel
                raise FileNotFoundError(f"no source notebook {source} for the trusted test cells")
            judge = Judge(source, self.timeout, CharLimitOutput.max_chars)
            self._judge = judge if judge.has_tests else None  # a lesson has no test cell: no runner
            if self._judge is None:
                judge.discard()
                self._withheld = ()  # a lesson teaches with the library its assignment withholds
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

    def _start_budget(self) -> float:
        """The longest a kernel's start may take, whatever it waits on (a start that hangs, seen
        under heavy load, must end as a failure to start, never as a grader that waits forever)."""
        return 2 * float(self.startup_timeout or 60) + 30

    async def async_start_new_kernel(self, **kwargs):
        import asyncio

        start = super().async_start_new_kernel(**kwargs)
        if self._judge is not None:  # the trusted runner starts while the learner's kernel does
            start = asyncio.gather(start, self._judge.launch())
        try:
            return await asyncio.wait_for(start, self._start_budget())
        except TimeoutError as exc:
            raise KernelDidNotStart(f"no kernel within {self._start_budget():.0f} s") from exc

    async def async_start_new_kernel_client(self):
        """The client of a kernel that answered kernel_info. A kernel that died or never answered is
        started once more; why it failed (the end of its own stderr) goes to the job's log."""
        import asyncio

        for attempt in (1, 2):
            km = self.km
            try:
                kc = await asyncio.wait_for(super().async_start_new_kernel_client(), self._start_budget())
                break
            except TimeoutError as exc:
                raise KernelDidNotStart(f"no kernel client within {self._start_budget():.0f} s") from exc
            except RuntimeError as exc:  # "Kernel died before replying to kernel_info", or no reply
                # nbclient has cleaned the kernel up and dropped its manager: take a fresh one (its own
                # cleanup, when the notebook ends, needs one), and keep what the kernel wrote
                self.log.warning(
                    "kernel did not start (attempt %d): %s\n%s",
                    attempt,
                    exc,
                    getattr(km, "kernel_log", "") or "(the kernel wrote nothing)",
                )
                self.km = self.create_kernel_manager()
                if attempt == 2:
                    raise KernelDidNotStart(str(exc)) from exc
                await super().async_start_new_kernel()
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


class CharLimitOutput(LimitOutput):
    """LimitOutput, but the size limit is in characters (GuardedExecute cuts as output arrives;
    this pass also cuts notebooks that arrive with huge stored outputs)."""

    max_chars = 100_000

    def _limit_stream_output(self, cell):
        if cell.cell_type == "code":
            cell.outputs = outputs.bound(cell.outputs, self.max_chars)
        return cell


passed = nbm.passed  # the course's one rule for a test cell (the notebook model states it)


class LenientSaveAutoGrades(SaveAutoGrades):
    """SaveAutoGrades with the course's rule (`passed`): only an error fails a test cell. nbgrader
    also fails one that wrote to stderr; it is given the cell without its stderr."""

    def _add_score(self, cell, resources):
        if cell.cell_type == "code" and any(
            o.get("output_type") == "stream" and o.get("name") == "stderr" for o in cell.get("outputs", [])
        ):
            judged = copy.deepcopy(cell)
            judged.outputs = [
                o for o in judged.outputs if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
            return super()._add_score(judged, resources)
        return super()._add_score(cell, resources)


class LearnerFeedback(NbGraderPreprocessor):
    """What the learner receives must not teach them the hidden tests (nbgrader shows them in
    feedback by design, #917) nor carry anything a kernel printed: a learner's code can record the
    hidden tests while they run and print them later. So a test cell shows its public part and its
    verdict, with the failure message only when that message is written in the public part; answer
    cells show the learner's code without outputs. Scores come from the gradebook (GetGrades)."""

    def preprocess(self, nb, resources):
        from nbformat.v4 import new_markdown_cell

        from .repair import read_notes

        nb, resources = super().preprocess(nb, resources)
        folder = (resources.get("metadata") or {}).get("path")
        notes = read_notes(Path(folder), resources.get("nbgrader", {}).get("notebook")) if folder else []
        if notes:
            text = "\n".join([messages.text("grading.repair.feedback_title"), *(f"- {n}" for n in notes)])
            nb.cells.insert(0, new_markdown_cell(text))
        return nb, resources

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            public = nbm.public_part(cell.source)
            message = next(
                (o.get("evalue", "") for o in cell.get("outputs", []) if o.get("output_type") == "error"), None
            )
            cell.source = public.rstrip() + (
                "\n" + messages.text("grading.feedback.hidden_part") if public != cell.source else ""
            )
            if message is None:
                verdict = messages.text("grading.feedback.passed")
            elif message and public_message(message, public):
                verdict = messages.text("grading.feedback.failed", message=public_message(message, public))
            else:
                verdict = messages.text("grading.feedback.failed_unseen")
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
