"""How long `kynangso report` takes on a cohort of 1,000 officials x 5 modules.

    .venv/bin/python benchmarks/bench_report.py [OFFICIALS]      (default 1000)

The cohort is built by tests/fakecohort.py without running a notebook (modules released by
nbgrader, the gradebook filled with seeded grades, grading-report.csv, one autograded notebook per
graded submission); building it is not timed. Then `kynangso report` runs as the instructor runs it,
in its own process, and is timed (it calls `kynangso.reports.write`). The target: under 60 seconds on
this machine.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kynangso import paths

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the test fixture that builds cohorts
import fakecohort

BUDGET_S = 60.0


def main(officials: int = 1000) -> int:
    with tempfile.TemporaryDirectory(prefix="kynangso-bench-") as tmp:
        os.environ["KYNANGSO_COHORTS"] = tmp
        t0 = time.perf_counter()
        # nearly everyone submits every module: the most the report has to read
        root = fakecohort.build("bench", officials, empty_units=(), idle_units=(), engagement=(0.9, 1.0))
        built = time.perf_counter() - t0
        notebooks = sum(1 for _ in (root / "autograded").glob("*/*/*.ipynb"))
        print(f"cohort: {officials} officials x 5 modules, {notebooks} autograded notebooks, built in {built:.0f} s")
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "kynangso.cli", "report", "bench"],
            env=paths.tool_env(),
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - t0
        print(proc.stdout.strip() or proc.stderr.strip())
        if proc.returncode != 0:
            print(proc.stderr)
            return 1
        size = sum(p.stat().st_size for p in (root / "reports").iterdir())
    print(
        f"kynangso report, {officials} officials x 5 modules: {seconds:.1f} s "
        f"= {seconds / BUDGET_S:.2f} of the 60 s budget ({size / 1e6:.1f} MB written)"
    )
    return 0 if seconds < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
