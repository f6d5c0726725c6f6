"""`kynangso simulate`: seeded submissions for a cohort, written from the released notebooks.

For each official and question the answer is, deterministically from the seed, the solution, one
of the question's recorded mistakes, or left blank; each official has an "ability" so that grades
spread like a real class.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta
from pathlib import Path

import nbformat

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from . import course, roster

DEFAULT_SEED = 2022
MARKER = ".simulated"  # a submission folder written by simulate (may be overwritten by it)


def fill(release_nb, source_nb, answers: dict[str, str | None]):
    """The released notebook with the given answers (grade id -> learner's code or text; None or
    absent = left as released)."""
    sources = {nbm.grade_id(c): c for c in source_nb.cells if nbm.grade_id(c)}
    nb = copy.deepcopy(release_nb)
    for cell in nb.cells:
        gid = nbm.grade_id(cell)
        code = answers.get(gid) if gid else None
        if code is None:
            continue
        if nbm.is_answer(cell):
            cell.source = nbm.fill_answer(sources[gid].source, code)
        else:
            cell.source = code
    return nb


def solutions(source_nb) -> dict[str, str]:
    """Every answer filled with the solution (manual answers with the model answer)."""
    out = {}
    for cell in source_nb.cells:
        if nbm.is_answer(cell):
            out[nbm.grade_id(cell)] = nbm.split_solution(cell.source)[1]
        elif nbm.is_manual(cell):
            out[nbm.grade_id(cell)] = cell.source
    return out


def seeded_answers(source_nb, rng: random.Random) -> dict[str, str | None]:
    """One official's answers, drawn from `rng`: the solution, a recorded mistake, or blank."""
    ability = rng.betavariate(5, 2)  # mean about 0.7: most officials do well, a few struggle
    best = solutions(source_nb)
    out: dict[str, str | None] = {}
    for cell in source_nb.cells:
        gid = nbm.grade_id(cell)
        r = rng.random()
        if nbm.is_answer(cell):
            if r < ability:
                out[gid] = best[gid]
            elif r < ability + (1 - ability) * 0.7 and nbm.mistakes(cell):
                out[gid] = rng.choice(nbm.mistakes(cell))
            else:
                out[gid] = None
        elif nbm.is_manual(cell):
            out[gid] = best[gid] if r < ability else None
    return out


def write_submission(
    root: Path,
    student: str,
    module_id: str,
    notebooks: dict[str, object],
    timestamp: datetime,
    raw: dict[str, bytes] | None = None,
) -> Path:
    """Write a submission as nbgrader expects it: submitted/<student>/<module>/ with timestamp.txt."""
    folder = root / "submitted" / student / module_id
    folder.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks.items():
        nbformat.write(nb, str(folder / name))
    for name, body in (raw or {}).items():
        (folder / name).write_bytes(body)
    (folder / "timestamp.txt").write_text(timestamp.isoformat(" "), encoding="utf-8")
    return folder


def simulate(root: Path, modules, seed: int = DEFAULT_SEED, overwrite: bool = False) -> list[Path]:
    """Write every official's seeded submission of each module (a real submission is kept unless
    `overwrite`); a cohort without officials or an unreleased module stops with the reason."""
    students = [r["ma_can_bo"] for r in roster.roster(root)]
    if not students:
        raise messages.Refusal(messages.text("cohorts.simulate.no_officials", name=root.name))
    written = []
    for module in modules:
        release = root / "release" / module.id
        if not release.is_dir():
            raise messages.Refusal(messages.text("cohorts.not_released", module=module.id, name=root.name))
        names = [p.name for p in nbm.graded_notebooks(module.source)]
        pairs = [(nbm.read(module.source / name), nbm.read(release / name)) for name in names]
        base = datetime.fromisoformat("2022-05-09T08:00:00+07:00")
        for n, student in enumerate(students):
            folder = root / "submitted" / student / module.id
            if folder.exists() and not (folder / MARKER).exists() and not overwrite:
                print("  " + messages.text("cohorts.simulate.skip_real", student=student, folder=folder))
                continue
            rng = random.Random(f"kynangso:{seed}:{student}:{module.id}")
            nbs = {
                name: fill(rel, src, seeded_answers(src, rng)) for name, (src, rel) in zip(names, pairs, strict=True)
            }
            folder = write_submission(root, student, module.id, nbs, base + timedelta(minutes=7 * n))
            (folder / MARKER).write_text("written by kynangso simulate\n", encoding="utf-8")
            written.append(folder)
    return written


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument("--module", action="append", metavar=t("cohorts.metavar.module"), help=t("cohorts.arg.module"))
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar=t("cohorts.simulate.metavar.seed"),
        help=t("cohorts.simulate.arg.seed", default=DEFAULT_SEED),
    )
    p.add_argument("--overwrite", action="store_true", help=t("cohorts.simulate.arg.overwrite"))


def run(args) -> int:
    root = course.existing(args.name)
    written = simulate(root, manifest.selected(args.module), seed=args.seed, overwrite=args.overwrite)
    print(messages.text("cohorts.simulate.done", count=len(written)))
    print(f"  {root / 'submitted'}")
    return 0
