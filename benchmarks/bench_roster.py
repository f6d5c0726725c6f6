"""How long `kynangso cohort NAME --roster FILE` takes to import a roster, the old way and the new.

    .venv/bin/python benchmarks/bench_roster.py [OLD_ROWS] [NEW_ROWS]      (default 1000 10000)

The old way is what roster.create did before: nbgrader's Gradebook.update_or_create_student once
per official, each a query and a commit. The new way is roster.create now: the file read and
checked, the gradebook's students read once, every official added or updated in one transaction.
Both run on the same synthetic roster (written as Excel writes "CSV UTF-8": a BOM, semicolons) and
on a cohort whose course root and empty gradebook are made beforehand, untimed, so only the import
is timed. The target: 10,000 officials in under 5 seconds on this machine.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

from kynangso.cohorts import course, roster

BUDGET_S = 5.0


def write_file(path: Path, rows: int, suffix: str = "") -> Path:
    lines = ["Mã cán bộ;Họ và tên;Mã đơn vị;Chức vụ;Email"]
    lines += [
        f"CB{i:05d};Học Viên Mẫu {i}{suffix};VT{i % 28 + 1:02d};Công chức thử nghiệm;hv{i}.vt{i % 28 + 1:02d}@vinhtuong.example"
        for i in range(1, rows + 1)
    ]
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def empty_cohort(name: str) -> Path:
    root = course.course_root(name)
    with course.gradebook(root):  # creating the gradebook (alembic) is not part of an import
        pass
    return root


def old_create(name: str, roster_path: Path) -> Path:
    """roster.create as it was: one update_or_create_student (a commit) per official."""
    rows = roster.read_roster(roster_path)
    root = course.course_root(name)
    old = {r["ma_can_bo"]: r for r in roster.roster(root)}
    old.update({r["ma_can_bo"]: r for r in rows})
    roster.write_roster(root / roster.ROSTER_FILE, list(old.values()))
    with course.gradebook(root) as gb:
        for r in rows:
            last, first = roster.split_name(r["ho_ten"])
            gb.update_or_create_student(r["ma_can_bo"], first_name=first, last_name=last, email=r["email"] or None)
    return root


def timed(create, name: str, path: Path) -> float:
    t0 = time.perf_counter()
    create(name, path)
    return time.perf_counter() - t0


def students(root: Path) -> int:
    with course.gradebook(root) as gb:
        return len(gb.students)


def main(old_rows: int = 1000, new_rows: int = 10000) -> int:
    with tempfile.TemporaryDirectory(prefix="kynangso-bench-") as tmp:
        tmp = Path(tmp)
        os.environ["KYNANGSO_COHORTS"] = str(tmp / "cohorts")
        small = write_file(tmp / "small.csv", old_rows)
        big = write_file(tmp / "big.csv", new_rows)
        renamed = write_file(tmp / "big-renamed.csv", new_rows, suffix=" Mới")

        empty_cohort("old")
        empty_cohort("new")
        empty_cohort("big")
        old_s = timed(old_create, "old", small)
        new_s = timed(roster.create, "new", small)
        big_s = timed(roster.create, "big", big)
        again_s = timed(roster.create, "big", renamed)  # every official already there: all updated
        counts = students(tmp / "cohorts" / "old"), students(tmp / "cohorts" / "new"), students(tmp / "cohorts" / "big")
    print(f"{old_rows:>6,} officials, old way (a commit per official): {old_s:7.2f} s  ({counts[0]:,} students)")
    print(f"{old_rows:>6,} officials, new way (one transaction):       {new_s:7.2f} s  ({counts[1]:,} students)")
    print(f"ratio old/new at {old_rows:,} officials: {old_s / new_s:.0f}x")
    print(f"old way extrapolated to {new_rows:,} officials: about {old_s * new_rows / old_rows:.0f} s")
    print(f"{new_rows:>6,} officials, new way, new cohort:          {big_s:7.2f} s  ({counts[2]:,} students)")
    print(f"{new_rows:>6,} officials, new way, all updated:         {again_s:7.2f} s")
    print(f"{new_rows:,} officials: {big_s:.2f} s = {big_s / BUDGET_S:.2f} of the {BUDGET_S:.0f} s budget")
    return 0 if big_s < BUDGET_S and counts == (old_rows, old_rows, new_rows) else 1


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
