"""`kynangso tidy`: keep committed notebooks free of volatile metadata, so that diffs stay reviewable.

Keeps, per notebook, only the kernel's name and language; per cell, only the course's metadata
(nbgrader, kynangso, tags). Execution counts must run 1, 2, 3… (a notebook run top to bottom on a
fresh kernel): tidy cannot make that true, it reports it. `--check` changes nothing and exits 1 when
a notebook needs tidying, for tests and CI.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from . import paths

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
CELL_KEYS = {"nbgrader", "kynangso", "tags"}


def tidied(nb) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)
    nb.metadata = nbformat.from_dict({"kernelspec": KERNELSPEC, "language_info": {"name": "python"}})
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict({k: v for k, v in cell.metadata.items() if k in CELL_KEYS})
    return nb


def out_of_order(nb) -> bool:
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    return counts != list(range(1, len(counts) + 1))


def needs_tidy(path: Path) -> bool:
    nb = nbformat.read(str(path), as_version=4)
    # nbformat.write ends the file with a newline that writes() does not return
    return nbformat.writes(tidied(nb)).rstrip("\n") != path.read_text(encoding="utf-8").rstrip("\n")


def tidy(path: Path) -> bool:
    """Rewrite the notebook tidied; True when it changed."""
    if not needs_tidy(path):
        return False
    nbformat.write(tidied(nbformat.read(str(path), as_version=4)), str(path))
    return True


def default_notebooks() -> list[Path]:
    return sorted(paths.notebooks_dir().glob("*/*.ipynb"))


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every notebook in notebooks/)")
    p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook needs tidying")


def run(args) -> int:
    bad = 0
    for path in args.paths or default_notebooks():
        if out_of_order(nbformat.read(str(path), as_version=4)):
            print(f"{path}: chưa chạy theo thứ tự từ đầu (Restart Kernel and Run All Cells rồi lưu lại)")
            bad += 1
        if args.check and needs_tidy(path):
            print(f"{path}: còn metadata thừa (chạy `kynangso tidy`)")
            bad += 1
        elif not args.check and tidy(path):
            print(f"{path}: đã dọn")
    return 1 if bad else 0
