"""A learner's slips with cells, repaired from the released notebook by grade id before nbgrader
sees the submission, the way a teacher would:

- a duplicated answer cell (copy-paste in JupyterLab): the first copy is graded, later ones dropped;
- a duplicated test or read-only cell: the copy is dropped (those cells always come from the course);
- an answer cell whose grade id was edited: it takes back the id of the answer missing at its place;
  a cell with an id the course does not know anywhere else becomes an ordinary cell;
- a changed cell type or nbgrader metadata (an answer marked as graded, points or locking edited):
  restored from the release; the learner's text of an answer is kept.

Left as it was, nbgrader raises on such a notebook (`KeyError: 'grade_id'` in OverwriteCells) and
the whole submission scores 0. Every repair is a note (kind, grade id, detail) that the report and
the feedback say in Vietnamese (`describe`).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

from nbgrader.preprocessors import NbGraderPreprocessor

from .. import messages

NOTES_FILE = "repairs.json"  # in autograded/<official>/<module>/: {notebook: [note, ...]}
KEYS = ("grade", "solution", "locked", "points", "task")


def _meta(cell) -> dict | None:
    """The cell's nbgrader metadata when it is a dict, else None (absent or of the wrong type)."""
    md = cell.get("metadata")
    meta = md.get("nbgrader") if isinstance(md, dict) else None
    return meta if isinstance(meta, dict) else None


def _gid(cell) -> str | None:
    meta = _meta(cell)
    gid = meta.get("grade_id") if meta else None
    return gid if isinstance(gid, str) and gid else None


def _answer(meta: dict) -> bool:
    return bool(meta.get("solution"))


def _restored(cell, model) -> tuple[dict, list[tuple[str, dict]]]:
    """`cell` as the release's `model` cell says it must be; the learner's text stays in answers."""
    notes = []
    gid = _gid(model)
    want = model["metadata"]["nbgrader"]
    have = _meta(cell) or {}
    if cell.get("cell_type") != model["cell_type"]:
        notes.append(("type_changed", {"grade_id": gid, "old": cell.get("cell_type"), "new": model["cell_type"]}))
    if any(bool(have.get(k)) != bool(want.get(k)) for k in ("grade", "solution", "locked", "task")) or (
        want.get("grade") and have.get("points") != want.get("points")
    ):
        notes.append(("metadata_changed", {"grade_id": gid}))
    out = copy.deepcopy(model)
    if _answer(want):
        src = cell.get("source", "")
        out["source"] = "".join(src) if isinstance(src, list) else str(src)
        other = {k: v for k, v in (cell.get("metadata") or {}).items() if k != "nbgrader"}
        out["metadata"] = {**other, "nbgrader": copy.deepcopy(want)}
        if "id" in cell and isinstance(cell.get("id"), str):
            out["id"] = cell["id"]
    if out["cell_type"] == "code":
        out["outputs"], out["execution_count"] = [], None
    else:
        out.pop("outputs", None)
        out.pop("execution_count", None)
    return out, notes


def repair(nb, release) -> list[tuple[str, dict]]:
    """Repair the submitted notebook `nb` in place from the `release` notebook; the notes say what
    was done ([] when nothing was wrong)."""
    models = {g: c for c in release.cells if (g := _gid(c))}
    order = [g for c in release.cells if (g := _gid(c))]
    rank = {g: i for i, g in enumerate(order)}
    seen: set[str] = set()
    out: list = []
    unknown: list[int] = []  # positions in `out` of cells with nbgrader ids the release does not have
    notes: list[tuple[str, dict]] = []
    for cell in nb.cells:
        gid = _gid(cell)
        if gid in models:
            if gid in seen:
                kind = "duplicate_answer" if _answer(models[gid]["metadata"]["nbgrader"]) else "duplicate_cell"
                notes.append((kind, {"grade_id": gid}))
                continue
            seen.add(gid)
            fixed, why = _restored(cell, models[gid])
            notes += why
            out.append(fixed)
        elif _meta(cell) is not None or "nbgrader" in (cell.get("metadata") or {}):
            unknown.append(len(out))
            out.append(cell)
        else:
            out.append(cell)
    for pos in unknown:
        cell = out[pos]
        before = [rank[g] for c in out[:pos] if (g := _gid(c)) in rank]
        after = [rank[g] for c in out[pos + 1 :] if (g := _gid(c)) in rank]
        lo, hi = (max(before) if before else -1), (min(after) if after else len(order))
        free = [g for g in order[lo + 1 : hi] if g not in seen and _answer(models[g]["metadata"]["nbgrader"])]
        old = _gid(cell) or ""
        if free and (_answer(_meta(cell) or {}) or len(free) == 1):
            gid = free[0]
            seen.add(gid)
            out[pos], why = _restored(cell, models[gid])
            notes.append(("renamed", {"grade_id": gid, "old": old}))
            notes += [n for n in why if n[0] == "type_changed"]
        else:
            plain = copy.deepcopy(cell)
            if isinstance(plain.get("metadata"), dict):
                plain["metadata"].pop("nbgrader", None)
            out[pos] = plain
            notes.append(("unknown_id", {"old": old}))
    for g in order:
        if g not in seen and _answer(models[g]["metadata"]["nbgrader"]):
            notes.append(("missing_answer", {"grade_id": g}))
    from nbformat import from_dict

    nb.cells = [from_dict(c) for c in out]
    return notes


def describe(note: tuple[str, dict] | list) -> str:
    """One note in Vietnamese ("Ô trả lời q1_dap_an bị nhân đôi: đã chấm bản đầu tiên.")."""
    kind, detail = note
    return messages.text(f"grading.repair.{kind}", **detail)


def read_notes(folder: Path, notebook: str | None = None) -> list[str]:
    """The repairs of an autograded submission (of one `notebook` only, when given), in Vietnamese
    ([] when nothing was repaired)."""
    path = folder / NOTES_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [describe(n) for name, notes in data.items() if notebook in (None, name) for n in notes]


class RepairCells(NbGraderPreprocessor):
    """The sanitising step before nbgrader's own (DeduplicateIds, OverwriteCells): `repair` from the
    cohort's release. The worker sets `release_dir` and reads `notes` (per notebook) after a job."""

    release_dir: Path | None = None
    notes: dict[str, list] = {}

    def preprocess(self, nb, resources):
        import nbformat

        info = resources["nbgrader"]
        path = Path(self.release_dir or ".") / info["assignment"] / f"{info['notebook']}.ipynb"
        if path.is_file():
            release = nbformat.read(str(path), as_version=4)
            found = repair(nb, release)
            RepairCells.notes[info["notebook"]] = found
            for kind, detail in found:
                self.log.warning("repaired %s: %s", kind, detail)
        return nb, resources
