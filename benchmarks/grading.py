"""Grading benchmark: stock `nbgrader autograde` against `kynangso grade`, side by side.

Simulates a cohort of officials on the data-analysis module (the heaviest), makes two identical
copies of it, and grades one with stock nbgrader and the other with kynangso, alternately, in one
run (this machine is shared and noisy: only the ratio within a pair means something). Each side
is timed as the instructor would run it, as a fresh command. Scores are compared cell by cell
from the two gradebooks after every pair.

    .venv/bin/python benchmarks/grading.py [--officials 24] [--pairs 3] [--workers N] [--module ID]

`--module` picks another module (or several, repeated): with `--pairs 1` it is the check that
every module's simulated answers, right, wrong and blank, score exactly as stock nbgrader scores them.

The last two lines are `speedup: X.XX` (stock wall time / ours, median of the pairs) and
`scores identical: yes|no`.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULE = "04-phan-tich-du-lieu"


def per_cell_scores(root: Path, modules: list[str]) -> dict:
    from kynangso.cohorts import course

    with course.gradebook(root) as gb:
        out = {}
        for module in modules:
            for sub in gb.assignment_submissions(module):
                for nb in sub.notebooks:
                    for g in nb.grades:
                        out[(module, sub.student.id, nb.name, g.name)] = g.auto_score
        return out


def timed(cmd: list[str], cwd: Path, env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--officials", type=int, default=24)
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--workers", type=int, default=None, help="kynangso grade --workers (default: one per core)")
    ap.add_argument("--module", action="append", help=f"module id (repeatable; default {MODULE})")
    ap.add_argument("--keep", action="store_true", help="keep the temporary cohorts and print where")
    args = ap.parse_args()
    modules = args.module or [MODULE]

    tmp = Path(tempfile.mkdtemp(prefix="kynangso-bench-grading-"))
    os.environ["KYNANGSO_COHORTS"] = str(tmp / "cohorts")
    from kynangso import data, paths
    from kynangso.authoring import manifest
    from kynangso.cohorts import course, roster, simulate

    env = paths.tool_env()
    try:
        rows = data.path("lop_demo").read_text(encoding="utf-8").splitlines()
        if args.officials > len(rows) - 1:
            sys.exit(f"the demo roster has {len(rows) - 1} officials; ask for at most that many")
        roster = tmp / "roster.csv"
        roster.write_text("\n".join(rows[: args.officials + 1]) + "\n", encoding="utf-8")
        stock = roster.create("stock", roster)
        for module in modules:
            proc = course.run(stock, "generate_assignment", module, "--force")
            if proc.returncode != 0:
                sys.exit(course.tail(proc))
        simulate.simulate(stock, [manifest.load().module(m) for m in modules])
        ours = stock.parent / "ours"
        shutil.copytree(stock, ours)
        course.course_root("ours")  # the copy's config must point at the copy
        print(f"{args.officials} officials, module {', '.join(modules)}, {os.cpu_count()} cores")

        stock_cmds = [[sys.executable, "-m", "nbgrader", "autograde", m, "--force"] for m in modules]
        ours_cmd = [sys.executable, "-m", "kynangso.cli", "grade", "ours", "--no-progress"]
        for module in modules:
            ours_cmd += ["--module", module]
        if args.workers:
            ours_cmd += ["--workers", str(args.workers)]
        ratios, identical = [], True
        for n in range(1, args.pairs + 1):
            order = [("stock", stock_cmds, stock), ("ours", [ours_cmd], tmp)]
            if n % 2 == 0:
                order.reverse()
            t = {name: sum(timed(cmd, cwd, env) for cmd in cmds) for name, cmds, cwd in order}
            a, b = per_cell_scores(stock, modules), per_cell_scores(ours, modules)
            same = a == b and len(a) > 0
            identical &= same
            ratios.append(t["stock"] / t["ours"])
            print(
                f"pair {n}: stock {t['stock']:.1f} s, kynangso {t['ours']:.1f} s, ratio {ratios[-1]:.2f}, "
                f"cells compared {len(a)}, identical {'yes' if same else 'no'}"
            )
            if not same:
                diff = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                print(
                    f"  differing cells ({len(diff)}): " + ", ".join(f"{k}: {a.get(k)} vs {b.get(k)}" for k in diff[:8])
                )
        print(f"speedup: {statistics.median(ratios):.2f}")
        print(f"scores identical: {'yes' if identical else 'no'}")
    finally:
        if args.keep:
            print(f"cohorts kept in {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
