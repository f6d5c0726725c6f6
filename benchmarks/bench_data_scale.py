"""How long `kynangso data --scale N` takes to write about a million dossiers, side by side with
reading the same file back with pandas, in one run (shared machines are noisy: read the ratio).

    .venv/bin/python benchmarks/bench_data_scale.py [N]      (default N = 60: about 1.1 million dossiers)

The issue's target: one million dossiers in under 60 seconds on this machine.
"""

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from kynangso import data

BUDGET_S = 60.0


def main(n: int = 60) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        data.write_all(out, scale=n)
        generate = time.perf_counter() - t0
        t0 = time.perf_counter()
        rows = len(pd.read_csv(out / "ho_so.csv", dtype=str))
        read = time.perf_counter() - t0
    print(f"scale {n}: {rows:,} dossiers written in {generate:.1f} s ({rows / generate:,.0f} rows/s)")
    print(f"reading them back with pandas: {read:.1f} s; generate / read = {generate / read:.2f}")
    print(
        f"per million dossiers: {generate * 1e6 / rows:.1f} s = {generate * 1e6 / rows / BUDGET_S:.2f} of the 60 s budget"
    )
    return 0 if rows >= 1_000_000 and generate * 1e6 / rows < BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 60))
