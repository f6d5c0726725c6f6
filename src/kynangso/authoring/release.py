"""The learner's side of a source notebook: the copy nbgrader releases, a learner's answer put in
place of a solution, and what of the solutions and hidden tests a released copy gives away.

`kynangso check` grades these copies (kynangso.grading.trial), `kynangso build` looks for leaks
in what nbgrader really released, and `kynangso simulate` writes answers with `variant`.
"""

from __future__ import annotations

import copy
import re

from .. import messages, paths
from . import notebook as nbm


def release_view(nb):
    """The notebook as a learner receives it, made by nbgrader's own preprocessors with the course's
    configuration (grading/nbgrader_config.py): solutions stubbed, hidden tests, outputs and the
    course's metadata removed."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(paths.grading_dir())).load_config()
    view = copy.deepcopy(nb)
    resources: dict = {}
    for pp in (ClearSolutions, ClearOutput, ClearHiddenTests, ClearMarkScheme):
        view, resources = pp(config=config).preprocess(view, resources)
    return view


def variant(nb, answer: int, code: str, stop: int, public_only: bool = False):
    """The notebook up to cell `stop`, with the answer cell holding `code` in place of the solution
    (every other answer solved); with public_only, test cells keep only what the release shows."""
    v = copy.deepcopy(nb)
    v.cells = v.cells[: stop + 1]
    for i, cell in enumerate(v.cells):
        if nbm.is_answer(cell):
            cell.source = nbm.fill_answer(cell.source, code) if i == answer else nbm.solution_code(cell.source)
        elif public_only and nbm.is_test(cell):
            cell.source = nbm.public_part(cell.source)
    return v


ASSIGNMENT = re.compile(r"^[A-Za-z_][\w.\[\]\"']*\s*=(?!=)\s*(?P<rhs>.+)$")
MIN_SECRET = 12  # shorter fragments ("x = 1") say nothing and match by chance


def secrets(nb) -> set[str]:
    """Fragments a learner must not see: lines of solutions, hidden tests and model answers, and the
    right-hand sides of their assignments; minus whatever the notebook shows openly in its setup and
    prompt cells."""
    secret: set[str] = set()
    open_text = "\n".join(c.source for c in nb.cells if not nbm.grade_id(c))
    for cell in nb.cells:
        hidden = solution = False
        for line in cell.source.splitlines():
            t = line.strip()
            if t in (nbm.BEGIN_HIDDEN, nbm.END_HIDDEN):
                hidden = t == nbm.BEGIN_HIDDEN
                continue
            if t in (nbm.BEGIN_SOLUTION, nbm.END_SOLUTION):
                solution = t == nbm.BEGIN_SOLUTION
                continue
            if not (hidden or solution or (nbm.is_manual(cell) and cell.cell_type == "markdown")):
                continue
            if t.startswith(("#", "import ", "from ", "def ", "class ")):
                continue  # imports and signatures give nothing away (prompts state them)
            m = ASSIGNMENT.match(t)
            secret.update(f for f in (t, m.group("rhs").strip() if m else "") if len(f) >= MIN_SECRET)
    return {f for f in secret if f not in open_text}


def leaked_text(source_nb, released_nb) -> list[tuple[int, str]]:
    """(cell index, fragment) for each secret of the source (see `secrets`) found in a released cell."""
    secret = sorted(secrets(source_nb))
    return [(i, f) for i, cell in enumerate(released_nb.cells) for f in secret if f in cell.source]


def leaked_metadata(released_nb) -> list[int]:
    """Indexes of released cells that still carry the course's metadata (the recorded mistakes)."""
    return [i for i, cell in enumerate(released_nb.cells) if "kynangso" in cell.get("metadata", {})]


def leaks(source_nb, released_nb) -> list[tuple[int, str]]:
    """(cell index, what) for solution or hidden-test text, or course metadata, in a released notebook;
    `what` is the fragment, or a Vietnamese note naming the metadata."""
    metadata = messages.text("authoring.release.mistakes_metadata")
    return leaked_text(source_nb, released_nb) + [(i, metadata) for i in leaked_metadata(released_nb)]
