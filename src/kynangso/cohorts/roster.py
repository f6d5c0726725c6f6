"""`kynangso cohort`: create a cohort (an nbgrader course root) from a roster CSV of officials."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from . import course

COLUMNS = ["ma_can_bo", "ho_ten", "ma_don_vi", "chuc_vu", "email"]
# Header names accepted for each column (Vietnamese snake_case first, English as instructors may write).
ALIASES = {
    "ma_can_bo": {"ma_can_bo", "id", "student_id"},
    "ho_ten": {"ho_ten", "name", "full_name"},
    "ma_don_vi": {"ma_don_vi", "don_vi", "unit"},
    "chuc_vu": {"chuc_vu", "position"},
    "email": {"email", "e-mail", "e_mail"},
}
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
ROSTER_FILE = "roster.csv"


class RosterError(ValueError):
    pass


def read_roster(path: Path) -> list[dict]:
    """Rows of a roster CSV with the canonical columns, NFC text; RosterError says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"Không tìm thấy tệp danh sách {path}.") from None
    except UnicodeDecodeError:
        raise RosterError(f"Tệp {path} không phải UTF-8; hãy lưu lại dạng \"CSV UTF-8\".") from None
    reader = csv.DictReader(text.splitlines())
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    mapping, missing = {}, []
    for col in COLUMNS:
        found = next((headers[a] for a in ALIASES[col] if a in headers), None)
        if found is None:
            missing.append(col)
        mapping[col] = found
    if missing:
        raise RosterError(f"Tệp {path} thiếu cột: {', '.join(missing)}. Cần các cột: {', '.join(COLUMNS)}.")
    rows, seen = [], set()
    for n, raw in enumerate(reader, start=2):
        row = {c: unicodedata.normalize("NFC", (raw.get(mapping[c]) or "").strip()) for c in COLUMNS}
        if not any(row.values()):
            continue
        sid = row["ma_can_bo"]
        if not STUDENT_ID.match(sid):
            raise RosterError(f"{path}, dòng {n}: mã cán bộ \"{sid}\" chỉ được gồm chữ không dấu, số, - và _.")
        if sid in seen:
            raise RosterError(f"{path}, dòng {n}: mã cán bộ \"{sid}\" bị trùng.")
        if not row["ho_ten"]:
            raise RosterError(f"{path}, dòng {n}: thiếu họ tên của {sid}.")
        seen.add(sid)
        rows.append(row)
    if not rows:
        raise RosterError(f"Tệp {path} không có học viên nào.")
    return rows


def split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family and middle names first, the given name last -> (last_name, first_name)."""
    words = full_name.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def write_roster(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def roster(root: Path) -> list[dict]:
    path = root / ROSTER_FILE
    return read_roster(path) if path.is_file() else []


def create(name: str, roster_path: Path) -> Path:
    """Create or update the cohort: roster saved, officials added to the gradebook (grades untouched)."""
    rows = read_roster(roster_path)
    root = course.course_root(name)
    old = {r["ma_can_bo"]: r for r in roster(root)}
    old.update({r["ma_can_bo"]: r for r in rows})
    write_roster(root / ROSTER_FILE, list(old.values()))
    with course.gradebook(root) as gb:
        for r in rows:
            last, first = split_name(r["ho_ten"])
            gb.update_or_create_student(r["ma_can_bo"], first_name=first, last_name=last, email=r["email"] or None)
    return root


def add_arguments(p) -> None:
    p.add_argument("name", help="cohort name (folder cohorts/<name>/)")
    p.add_argument("--roster", required=True, type=Path,
                   help="CSV of officials: ma_can_bo, ho_ten, ma_don_vi, chuc_vu, email")


def run(args) -> int:
    try:
        root = create(args.name, args.roster)
    except RosterError as exc:
        print(f"Lỗi danh sách học viên: {exc}")
        return 2
    n = len(roster(root))
    print(f"Lớp {args.name}: {n} học viên.")
    print(f"  {root / ROSTER_FILE}")
    print(f"  {root / 'gradebook.db'}")
    return 0
