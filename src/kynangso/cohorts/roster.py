"""`kynangso cohort`: create a cohort (an nbgrader course root) from a roster CSV of officials."""

from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

from .. import messages
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
    """A roster the cohort cannot be made from; the message says what is wrong, in Vietnamese."""


def read_roster(path: Path) -> list[dict]:
    """Rows of a roster CSV with the canonical columns, NFC text; RosterError says what is wrong."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(messages.text("cohorts.roster.not_found", path=path)) from None
    except UnicodeDecodeError:
        raise RosterError(messages.text("cohorts.roster.not_utf8", path=path)) from None
    reader = csv.DictReader(text.splitlines())
    headers = {(h or "").strip().lower(): h for h in reader.fieldnames or []}
    mapping, missing = {}, []
    for col in COLUMNS:
        found = next((headers[a] for a in ALIASES[col] if a in headers), None)
        if found is None:
            missing.append(col)
        mapping[col] = found
    if missing:
        raise RosterError(
            messages.text(
                "cohorts.roster.missing_columns", path=path, missing=", ".join(missing), columns=", ".join(COLUMNS)
            )
        )
    rows, seen = [], set()
    for n, raw in enumerate(reader, start=2):
        row = {c: unicodedata.normalize("NFC", (raw.get(mapping[c]) or "").strip()) for c in COLUMNS}
        if not any(row.values()):
            continue
        sid = row["ma_can_bo"]
        if not STUDENT_ID.match(sid):
            raise RosterError(messages.text("cohorts.roster.bad_id", path=path, line=n, id=sid))
        if sid in seen:
            raise RosterError(messages.text("cohorts.roster.duplicate_id", path=path, line=n, id=sid))
        if not row["ho_ten"]:
            raise RosterError(messages.text("cohorts.roster.no_name", path=path, line=n, id=sid))
        seen.add(sid)
        rows.append(row)
    if not rows:
        raise RosterError(messages.text("cohorts.roster.empty", path=path))
    return rows


def split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family and middle names first, the given name last -> (last_name, first_name)."""
    words = full_name.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def write_roster(path: Path, rows: list[dict]) -> None:
    """Write rows with the canonical columns (UTF-8, as read_roster reads them back)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def roster(root: Path) -> list[dict]:
    """The cohort's saved roster (none yet: an empty list)."""
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
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument(
        "--roster",
        required=True,
        type=Path,
        metavar=t("cohorts.roster.metavar.roster"),
        help=t("cohorts.roster.arg.roster"),
    )


def run(args) -> int:
    try:
        root = create(args.name, args.roster)
    except RosterError as exc:
        print(messages.text("cohorts.roster.failed", why=exc))
        return 2
    except course.BadCohortName as exc:
        print(exc)
        return 2
    print(messages.text("cohorts.roster.done", name=args.name, count=len(roster(root))))
    print(f"  {root / ROSTER_FILE}")
    print(f"  {root / 'gradebook.db'}")
    return 0
