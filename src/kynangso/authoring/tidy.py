"""`kynangso tidy`: keep committed notebooks free of volatile metadata, so that diffs stay reviewable.

Keeps, per notebook, only the course's kernel (python3) and language as metadata; per cell, only
the course's metadata (nbgrader, kynangso, tags). Execution counts must run 1, 2, 3… (a notebook
run top to bottom on a fresh kernel): tidy cannot make that true, it reports it. `--check` changes
nothing and exits 1 when a notebook needs tidying, for tests and CI. What it prints is Vietnamese.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from .. import messages, paths

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
CELL_KEYS = {"nbgrader", "kynangso", "tags"}


def tidied(nb) -> nbformat.NotebookNode:
    """A copy of `nb` with only the metadata the course keeps (see the module's docstring)."""
    nb = nbformat.from_dict(nb)
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k in CELL_KEYS})
    return nb


def out_of_order(nb) -> bool:
    """The code cells' execution counts are not 1, 2, 3… (not run top to bottom on a fresh kernel)."""
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    return counts != list(range(1, len(counts) + 1))


def _texts(path: Path) -> tuple[str, str, nbformat.NotebookNode]:
    """(text on disk, text once tidied, the notebook as read)."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=4)
    # nbformat.write ends the file with a newline that writes() does not return
    return text.rstrip("\n"), nbformat.writes(tidied(nb)).rstrip("\n"), nb


def needs_tidy(path: Path) -> bool:
    """The file on disk differs from its tidied text."""
    now, clean, _ = _texts(path)
    return now != clean


def default_notebooks() -> list[Path]:
    return sorted(paths.notebooks_dir().glob("*/*.ipynb"))


def add_arguments(p) -> None:
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar=messages.text("authoring.tidy.metavar.paths"),
        help=messages.text("authoring.tidy.arg.paths"),
    )
    p.add_argument("--check", action="store_true", help=messages.text("authoring.tidy.arg.check"))


def run(args) -> int:
    bad = 0
    for path in args.paths or default_notebooks():
        now, clean, nb = _texts(path)
        if out_of_order(nb):
            print(messages.text("authoring.tidy.out_of_order", path=path))
            bad += 1
        if now != clean and args.check:
            print(messages.text("authoring.tidy.untidy", path=path))
            bad += 1
        elif now != clean:
            path.write_text(clean + "\n", encoding="utf-8")
            print(messages.text("authoring.tidy.tidied", path=path))
    return 1 if bad else 0
