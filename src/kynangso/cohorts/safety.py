"""What keeps a cohort's records whole when people and machines misbehave: the cohort's grading lock
(two `grade` runs on one cohort never race), the gradebook's backups (SQLite's online backup before
each grading run), the grading journal (what a run set out to do and what it finished, so an
interrupted or killed run is resumed, not half-counted), and files written whole (a temporary file,
then a rename).

The journal (`grading-journal.jsonl` in the cohort) is JSON lines: a "start" line with the run's
jobs, then one "done" line per finished job with its report row. A run that ends normally removes
it; one that finds it at start resumes: the done jobs are kept, the others are graded again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from .. import messages

LOCK_FILE = ".grading.lock"
JOURNAL_FILE = "grading-journal.jsonl"
BACKUPS = "backups"  # root/backups/gradebook-<UTC time>.db
KEEP_BACKUPS = 10
KEPT = "kept"  # root/kept/<official>/<module>/: the autograded files of the last good grading, while a new one runs


class Busy(RuntimeError):
    """Another run holds the cohort (the message says who and since when, in Vietnamese)."""


@contextlib.contextmanager
def grading_lock(root: Path, verb: str = "grade"):
    """Hold the cohort's grading lock for the block, or raise Busy at once. The lock is the kernel's
    (flock): a killed run leaves no stale lock behind."""
    path = root / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 512, 0).decode("utf-8", "replace").strip() or "?"
            raise Busy(messages.text("cohorts.safety.busy", name=root.name, holder=holder)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{verb} pid {os.getpid()} {datetime.now(UTC).isoformat(timespec='seconds')}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_whole(path: Path, data: str | bytes) -> None:
    """Write `path` (text as UTF-8) so that a reader, or a crash, sees the old file or the new one,
    never half of it: a temporary file beside it, flushed to disk, then renamed."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def copy_db(source: Path, target: Path, timeout: float = 60) -> None:
    """Copy an SQLite database with SQLite's online backup (consistent even while another process
    uses it), through a temporary file renamed into place."""
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    src = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    os.replace(tmp, target)


def backup(root: Path) -> Path | None:
    """A copy of the gradebook taken with SQLite's online backup (consistent even while another
    process reads it) in root/backups/; the newest KEEP_BACKUPS are kept. None: no gradebook yet."""
    db = root / "gradebook.db"
    if not db.is_file():
        return None
    folder = root / BACKUPS
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    out = folder / f"gradebook-{stamp}.db"
    copy_db(db, out)
    for old in backups(root)[KEEP_BACKUPS:]:
        old.unlink(missing_ok=True)
    return out


def backups(root: Path) -> list[Path]:
    """The gradebook's backups, newest first."""
    return sorted((root / BACKUPS).glob("gradebook-*.db"), reverse=True)


def intact(db: Path) -> bool:
    """Whether an SQLite file opens and passes `PRAGMA integrity_check`."""
    try:
        con = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=60)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return False


class Journal:
    """The grading journal of one cohort (see the module's docstring)."""

    def __init__(self, root: Path):
        self.path = root / JOURNAL_FILE

    def pending(self) -> tuple[list[tuple[str, str]], dict[tuple[str, str], dict]] | None:
        """An interrupted run's jobs and the rows of those it finished; None when there is none."""
        if not self.path.is_file():
            return None
        jobs, done = [], {}
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # a line a kill cut short: that job is simply graded again
            if entry.get("kind") == "start":
                jobs += [tuple(j) for j in entry.get("jobs", [])]
            elif entry.get("kind") == "done":
                done[(entry["module"], entry["student"])] = entry["row"]
        return jobs, done

    def start(self, jobs: list[tuple[str, str]]) -> None:
        self._append({"kind": "start", "jobs": [list(j) for j in jobs], "at": datetime.now(UTC).isoformat()})

    def done(self, module: str, student: str, row: dict) -> None:
        self._append({"kind": "done", "module": module, "student": student, "row": row})

    def close(self) -> None:
        self.path.unlink(missing_ok=True)

    def _append(self, entry: dict) -> None:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
