"""`kynangso doctor`: check a cohort's folder and repair what can be repaired.

It reads the gradebook (does it open, is it whole, are nbgrader's tables there), compares it with
autograded/ and submitted/, the roster and the released modules, looks for what an interrupted
grading run left (the journal, kept/), and reads grades.csv and grading-report.csv. Each finding is
one Vietnamese line with its severity (error, warning, information); the exit status is 1 while an
error remains. It all runs under the cohort's grading lock: when a grading run holds it, doctor says
so and reads nothing that a run writes.

`--repair` restores a damaged gradebook from its newest intact backup (the damaged file is kept
beside it as gradebook.damaged-<UTC>.db), adds the roster's officials back and says which
submissions to grade again, with the command; it moves an unreadable grading-report.csv aside. It
never erases a grade nor deletes a file. Without `--repair` nothing is written but the lock file.
"""

# size: one verb's checks (each a short function) and the three repairs that act on what they find

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .. import messages
from . import course, outcomes, roster, safety

BUSY_TIMEOUT = 2.0  # seconds a connection waits for another program's lock on the gradebook
TABLES = {"student", "assignment", "notebook", "base_cell", "grade_cells", "grade", "comment"}
TABLES |= {"submitted_assignment", "submitted_notebook"}
# the header of nbgrader's CSV export (nbgrader.plugins.export.CsvExportPlugin)
GRADES_COLUMNS = ["assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email"]
GRADES_COLUMNS += ["raw_score", "late_submission_penalty", "score", "max_score"]
SEVERITIES = ("error", "warning", "info")
EXAMPLES = 5  # how many (official, module) pairs a grouped finding names
BROKEN = ("missing", "damaged", "incomplete")  # gradebook states --repair restores from a backup


@dataclass
class Finding:
    severity: str  # one of SEVERITIES
    text: str


@dataclass
class Book:
    """What the gradebook holds, keyed by (official, module)."""

    students: set[str]
    assignments: set[str]
    graded: dict[tuple[str, str], bool]  # submission -> it has its grades (or needs none)
    zeroed: set[tuple[str, str]]  # submissions `grade` recorded as ungradable (every grade 0)


@dataclass
class Health:
    findings: list[Finding] = field(default_factory=list)
    gradebook: str = "ok"  # ok | missing | locked | unreadable | damaged | incomplete
    book: Book | None = None
    failed: set[tuple[str, str]] = field(default_factory=set)  # report rows with status "failed"
    missing_students: list[str] = field(default_factory=list)
    report_bad: bool = False

    def add(self, severity: str, text: str) -> None:
        self.findings.append(Finding(severity, text))

    def errors(self) -> int:
        return sum(f.severity == "error" for f in self.findings)

    def repairable(self) -> bool:
        return self.gradebook in BROKEN or bool(self.missing_students) or self.report_bad


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")  # as safety's backups: two repairs never collide


def _examples(pairs) -> str:
    pairs = sorted(pairs)
    more = len(pairs) - EXAMPLES
    text = ", ".join(f"{s}/{m}" for s, m in pairs[:EXAMPLES])
    return text + (messages.text("doctor.and_more", count=more) if more > 0 else "")


def _code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _locked(exc: sqlite3.Error) -> bool:
    return _code(exc) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(exc)


def _why(exc: sqlite3.Error) -> str:
    """What SQLite said, in Vietnamese."""
    t = messages.text
    if _code(exc) == sqlite3.SQLITE_NOTADB:
        return t("doctor.why.notadb")
    if _code(exc) == sqlite3.SQLITE_CORRUPT:
        return t("doctor.why.corrupt")
    if _locked(exc):
        return t("doctor.why.locked")
    return t("doctor.why.other", code=getattr(exc, "sqlite_errorname", None) or type(exc).__name__)


def _connect(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=BUSY_TIMEOUT)


def gradebook_state(db: Path) -> tuple[str, str]:
    """The state of an SQLite gradebook file and, when it is not "ok", why (in Vietnamese)."""
    if not db.is_file():
        return "missing", ""
    try:
        con = _connect(db)
        try:
            problems = [r[0] for r in con.execute("PRAGMA integrity_check(100)")]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.Error as exc:
        if _locked(exc):
            return "locked", ""
        if _code(exc) == sqlite3.SQLITE_CANTOPEN:
            return "unreadable", ""
        return "damaged", _why(exc)
    if problems != ["ok"]:
        return "damaged", messages.text("doctor.why.integrity", count=len(problems))
    if TABLES - tables:
        return "incomplete", ", ".join(sorted(TABLES - tables))
    return "ok", ""


def read_book(db: Path) -> Book:
    con = _connect(db)
    try:
        students = {r[0] for r in con.execute("SELECT id FROM student")}
        assignments = {r[0] for r in con.execute("SELECT name FROM assignment")}
        cells = dict(
            con.execute(
                "SELECT n.assignment_id, COUNT(*) FROM grade_cells gc JOIN base_cell bc ON bc.id = gc.id"
                " JOIN notebook n ON n.id = bc.notebook_id GROUP BY n.assignment_id"
            )
        )
        rows = con.execute(
            "SELECT sa.student_id, a.name, a.id, COUNT(g.id),"
            " SUM(g.auto_score IS NULL AND g.manual_score IS NULL),"
            " SUM(COALESCE(g.manual_score, g.auto_score, 0) + COALESCE(g.extra_credit, 0))"
            " FROM submitted_assignment sa JOIN assignment a ON a.id = sa.assignment_id"
            " LEFT JOIN submitted_notebook sn ON sn.assignment_id = sa.id"
            " LEFT JOIN grade g ON g.notebook_id = sn.id GROUP BY sa.id"
        ).fetchall()
    finally:
        con.close()
    graded = {(s, m): n > 0 or not cells.get(aid) for s, m, aid, n, _, _ in rows}
    zeroed = {(s, m) for s, m, _, n, blank, total in rows if n and not blank and not total}
    return Book(students, assignments, graded, zeroed)


def good_backup(root: Path) -> Path | None:
    """The newest backup that passes the integrity check and has nbgrader's tables."""
    for path in safety.backups(root):
        if safety.intact(path) and gradebook_state(path)[0] == "ok":
            return path
    return None


def _pairs(folder: Path) -> set[tuple[str, str]]:
    """(official, module) of folder/<official>/<module>/."""
    if not folder.is_dir():
        return set()
    return {
        (s.name, m.name)
        for s in folder.iterdir()
        if s.is_dir() and not s.name.startswith(".")
        for m in s.iterdir()
        if m.is_dir() and not m.name.startswith(".")
    }


def check_gradebook(root: Path, h: Health) -> None:
    t = messages.text
    db = root / "gradebook.db"
    h.gradebook, why = gradebook_state(db)
    if h.gradebook == "ok":
        h.book = read_book(db)
        return
    if h.gradebook == "locked":
        h.add("error", t("doctor.gradebook.locked", name=root.name))
        return
    if h.gradebook == "unreadable":
        h.add("error", t("doctor.gradebook.unreadable", path=root))
        return
    if h.gradebook == "missing":
        h.add("error", t("doctor.gradebook.missing"))
    elif h.gradebook == "damaged":
        h.add("error", t("doctor.gradebook.damaged", why=why))
    else:
        h.add("error", t("doctor.gradebook.incomplete", tables=why))
    backup = good_backup(root)
    if backup:
        h.add("info", t("doctor.gradebook.backup_available", backup=backup.relative_to(root), name=root.name))
    else:
        first = "" if h.gradebook == "missing" else " " + t("doctor.gradebook.rebuild_first", name=root.name)
        h.add("warning", t("doctor.gradebook.no_backup") + " " + rebuild_hint(root) + first)


def rebuild_hint(root: Path) -> str:
    saved = root / roster.ROSTER_FILE
    return messages.text(
        "doctor.gradebook.rebuild", name=root.name, roster=saved if saved.is_file() else "TỆP_DANH_SÁCH"
    )


def _read_csv(path: Path, columns: list[str] | None, check_row) -> tuple[list[dict], str | None]:
    """The rows of a CSV file, or why it cannot be read (in Vietnamese)."""
    t = messages.text
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [], t("doctor.csv.not_utf8")
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if columns and reader.fieldnames != columns:
            return [], t("doctor.csv.bad_header", columns=",".join(columns))
        rows = list(reader)
    except csv.Error:
        return [], t("doctor.csv.syntax")
    for n, row in enumerate(rows, start=2):
        if None in row or None in row.values():
            return [], t("doctor.csv.bad_line", line=n, what=t("doctor.csv.columns"))
        if what := check_row(row):
            return [], t("doctor.csv.bad_line", line=n, what=what)
    return rows, None


def _report_row(row: dict) -> str | None:
    if row["status"] not in ("graded", "failed"):
        return messages.text("doctor.csv.status", status=row["status"])
    try:
        float(row["score"] or 0), float(row["max_score"] or 0)
    except ValueError:
        return messages.text("doctor.csv.score")
    return None


def check_report(root: Path, h: Health) -> None:
    t = messages.text
    path = root / outcomes.REPORT_FILE
    if not path.is_file():
        return
    rows, why = _read_csv(path, outcomes.REPORT_COLUMNS, _report_row)
    if why:
        h.report_bad = True
        h.add("error", t("doctor.csv.report_unreadable", why=why, name=root.name))
        return
    h.failed = {(r["student"], r["assignment"]) for r in rows if r["status"] == "failed"}
    if h.book:
        unknown = {(r["student"], r["assignment"]) for r in rows if r["status"] == "graded"} - set(h.book.graded)
        if unknown:
            h.add(
                "warning",
                t(
                    "doctor.csv.unknown_rows",
                    file=outcomes.REPORT_FILE,
                    count=len(unknown),
                    examples=_examples(unknown),
                ),
            )


def check_grades(root: Path, h: Health) -> None:
    t = messages.text
    path = root / outcomes.GRADES_FILE
    if not path.is_file():
        return
    rows, why = _read_csv(path, GRADES_COLUMNS, lambda row: None)
    if why:
        h.add("warning", t("doctor.csv.grades_unreadable", why=why, name=root.name))
        return
    if not h.book:
        return
    book = h.book
    listed = {(r["student_id"], r["assignment"]) for r in rows}
    unknown = {(s, m) for s, m in listed if s not in book.students or m not in book.assignments}
    unknown |= {(r["student_id"], r["assignment"]) for r in rows if r["timestamp"]} - set(book.graded)
    if unknown:
        h.add(
            "warning",
            t("doctor.csv.unknown_rows", file=outcomes.GRADES_FILE, count=len(unknown), examples=_examples(unknown)),
        )
    stale = {(s, m) for s in book.students for m in book.assignments} - listed  # the export lists every pair
    if stale:
        h.add("warning", t("doctor.csv.grades_stale", count=len(stale), examples=_examples(stale), name=root.name))


def _people(root: Path, h: Health) -> set[str] | None:
    try:
        return {r["ma_can_bo"] for r in roster.roster(root)}
    except roster.RosterError as exc:
        h.add("warning", messages.text("doctor.folders.roster_unreadable", why=exc))
        return None


def check_folders(root: Path, h: Health) -> None:
    t = messages.text
    name = root.name
    autograded, submitted = _pairs(root / "autograded"), _pairs(root / "submitted")
    people = _people(root, h)
    book = h.book
    if book:
        for s, m in sorted(autograded):
            if not book.graded.get((s, m)):
                h.add("warning", t("doctor.folders.autograded_no_grades", student=s, module=m, name=name))
        for s, m in sorted(book.graded):
            if (s, m) not in autograded and (s, m) not in h.failed and (s, m) not in book.zeroed:
                h.add("warning", t("doctor.folders.grades_no_autograded", student=s, module=m, name=name))
        waiting: dict[str, int] = {}
        for _, m in submitted - set(book.graded) - autograded:
            waiting[m] = waiting.get(m, 0) + 1
        for m, count in sorted(waiting.items()):
            if (root / "release" / m).is_dir():
                h.add("info", t("doctor.folders.ungraded", count=count, module=m, name=name))
        if people is not None:
            h.missing_students = sorted(people - book.students)
            if h.missing_students:
                h.add("warning", t("doctor.folders.not_in_gradebook", students=", ".join(h.missing_students)))
    known = (people or set()) | (book.students if book else set())
    for s in sorted({s for s, _ in submitted | autograded} - known):
        where = ", ".join(f"{d}/{s}/" for d in ("submitted", "autograded") if (root / d / s).is_dir())
        h.add("warning", t("doctor.folders.orphan", student=s, where=where, name=name))
    for m in sorted({m for _, m in submitted} - {p.name for p in (root / "release").glob("*") if p.is_dir()}):
        h.add("warning", t("doctor.folders.unreleased", module=m, name=name))


def check_run(root: Path, h: Health) -> None:
    t = messages.text
    pending = safety.Journal(root).pending()
    if pending is not None:
        jobs, done = pending
        left = len(set(jobs) - set(done))
        h.add("warning", t("doctor.run.interrupted", left=left, total=len(set(jobs)), name=root.name))
    kept = _pairs(root / safety.KEPT)
    if kept:
        h.add("warning", t("doctor.run.kept", count=len(kept), examples=_examples(kept), name=root.name))


def diagnose(root: Path) -> Health:
    """Every finding about the cohort folder `root` (the caller holds its grading lock)."""
    h = Health()
    try:
        check_gradebook(root, h)
    except sqlite3.Error as exc:  # it opened, then a read failed: as if it did not open
        h.gradebook = "locked" if _locked(exc) else "damaged"
        h.add("error", messages.text("doctor.gradebook.damaged", why=_why(exc)))
    check_report(root, h)
    check_folders(root, h)
    check_grades(root, h)
    check_run(root, h)
    return h


def _backup_time(path: Path) -> float:
    try:
        when = datetime.strptime(path.stem.removeprefix("gradebook-"), "%Y%m%dT%H%M%S%fZ")
        return when.replace(tzinfo=UTC).timestamp()
    except ValueError:
        return path.stat().st_mtime


def _newest(folder: Path) -> float:
    return max([folder.stat().st_mtime, *(p.stat().st_mtime for p in folder.rglob("*"))])


def add_students(root: Path, only: list[str] | None = None) -> int:
    """The roster's officials (of `only`, when given) put into the gradebook as `kynangso cohort`
    does, in one transaction; grades untouched."""
    rows = [r for r in roster.roster(root) if only is None or r["ma_can_bo"] in only]
    roster.store(root, rows, email_given=False)
    return len(rows)


def forget_done(root: Path) -> bool:
    """After a restore, what the journal of an interrupted run says it finished is not in the
    gradebook any more: keep only its jobs, so the next run grades them all again."""
    path = root / safety.JOURNAL_FILE
    if not path.is_file():
        return False
    kept = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        with contextlib.suppress(ValueError):
            if json.loads(line).get("kind") == "start":
                kept.append(line + "\n")
    safety.write_whole(path, "".join(kept))
    return True


def restore(root: Path, state: str) -> list[str]:
    """Keep the broken gradebook aside, put the newest intact backup in its place, add the roster's
    officials back; what was done, and which submissions to grade again (with the command)."""
    t = messages.text
    db, backup, done = root / "gradebook.db", good_backup(root), []
    damaged = root / f"gradebook.damaged-{_stamp()}.db"
    if state != "missing":
        for suffix in ("", "-journal", "-wal", "-shm"):  # a hot journal must not be replayed on the backup
            if Path(f"{db}{suffix}").exists():
                os.replace(f"{db}{suffix}", f"{damaged}{suffix}")
        done.append(t("doctor.repair.moved_aside", damaged=damaged.name))
    if backup is None:
        return [*done, t("doctor.repair.no_backup")]  # what to run next: the check after the repair says
    safety.copy_db(backup, db, timeout=BUSY_TIMEOUT)
    when = datetime.fromtimestamp(_backup_time(backup), UTC).strftime("%Y-%m-%d %H:%M:%S")
    done.append(t("doctor.repair.restored", backup=backup.relative_to(root), when=when))
    try:
        done.append(t("doctor.repair.students", count=add_students(root)))
    except roster.RosterError as exc:
        done.append(t("doctor.folders.roster_unreadable", why=exc))
    if forget_done(root):
        done.append(t("doctor.repair.journal", name=root.name))
    book, since = read_book(db), _backup_time(backup)
    again = sorted(
        (s, m)
        for s, m in _pairs(root / "autograded")
        if _newest(root / "autograded" / s / m) > since or not book.graded.get((s, m))
    )
    if not again:
        return [*done, t("doctor.repair.nothing_to_regrade")]
    done.append(t("doctor.repair.regrade", count=len(again)))
    for module in sorted({m for _, m in again}):
        students = " ".join(f"--student {s}" for s, m in again if m == module)
        done.append(t("doctor.repair.regrade_command", name=root.name, module=module, students=students))
    return done


def repair(root: Path, h: Health) -> list[str]:
    """Repair what `h` found that can be repaired; one Vietnamese line per thing done."""
    t = messages.text
    done = []
    if h.gradebook in BROKEN:
        done += restore(root, h.gradebook)
    elif h.gradebook == "ok" and h.missing_students:
        done.append(t("doctor.repair.students", count=add_students(root, h.missing_students)))
    if h.report_bad:
        path = root / outcomes.REPORT_FILE
        aside = path.with_name(f"{path.stem}.damaged-{_stamp()}.csv")
        os.replace(path, aside)
        done.append(t("doctor.repair.report_moved", path=aside.name, name=root.name))
    return done


def show(h: Health, name: str) -> None:
    t = messages.text
    for f in sorted(h.findings, key=lambda f: SEVERITIES.index(f.severity)):
        print(t("doctor.line", severity=t(f"doctor.severity.{f.severity}"), text=f.text))
    if not h.findings:
        print(t("doctor.healthy", name=name))
        return
    counts = {s: sum(f.severity == s for f in h.findings) for s in SEVERITIES}
    print(t("doctor.summary", errors=counts["error"], warnings=counts["warning"], infos=counts["info"]))


def examine(root: Path, repairing: bool) -> int:
    """Check the cohort (and repair it, when asked), printing what is found and done."""
    t = messages.text
    h = diagnose(root)
    show(h, root.name)
    if not repairing:
        if h.repairable():
            print(t("doctor.hint_repair", name=root.name))
        return 1 if h.errors() else 0
    print(t("doctor.repairing"))
    for line in repair(root, h) or [t("doctor.repair.none")]:
        print(line if line.startswith(" ") else t("doctor.repaired", text=line))  # a command: as it is
    print(t("doctor.after"))
    h = diagnose(root)
    show(h, root.name)
    return 1 if h.errors() else 0


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument("--repair", action="store_true", help=t("doctor.arg.repair"))


def run(args) -> int:
    t = messages.text
    root = course.existing(args.name)
    print(t("doctor.title", name=root.name, path=root))
    try:
        with safety.grading_lock(root, "doctor"):
            return examine(root, args.repair)
    except safety.Busy as exc:
        print(t("doctor.line", severity=t("doctor.severity.error"), text=exc))
        print(t("doctor.line", severity=t("doctor.severity.error"), text=t("doctor.busy", name=root.name)))
        return 1
    except sqlite3.Error as exc:
        print(t("doctor.failed", name=root.name, why=_why(exc)))
        return 1
    except OSError as exc:
        code = errno.errorcode.get(exc.errno or 0, "?")
        print(t("doctor.failed", name=root.name, why=t("doctor.why.os", path=exc.filename or root, code=code)))
        return 1
