"""`kynangso collect`: take notebooks sent by e-mail or on a USB stick (a folder, a .zip, one saved
e-mail or one notebook) into a cohort's submitted/ folder, matched to officials of the roster.

An official is recognised by their code (ma_can_bo, e.g. cb0059) or e-mail address written in the
file's name or in a folder of its path (e-mail clients save attachments per sender), by the sender
of a saved e-mail (.eml) that carries the notebook as an attachment, or by the notebook's metadata
(`kynangso.ma_can_bo`). The module is the one given with --module or, when absent, the one whose
graded cells the notebook carries. A file that matches nobody, several officials, or no module is
reported and not written: the instructor decides, the tool never guesses. A learner's file is
written byte for byte (a broken one too: grading then says why it cannot be graded).

Every file is judged on its own: whatever is wrong with one (a damaged or password-protected zip
entry, a symlink, a notebook of the wrong shape) becomes that file's reason and the others are
still taken. Only a source that cannot be read at all stops the command (`SourceError`, exit 2).
Zips and saved e-mails inside the source are opened, two levels deep at most (a zip in a zip in
the source is opened, one more level down is refused with its reason).

Every version is kept. The submission of an official for a module is the newest file by the file's
own time (its mtime in a folder, its date in a zip, the date an e-mail was sent); an earlier
submission it replaces, a file older than the submission, and the older files of one source are
archived in collected/<student>/<module>/<UTC time>-<sha256[:8]>-<notebook> with index.csv saying
where each came from (outside submitted/: nbgrader never sees them). A file identical to the
submission, or already archived, is skipped. A simulated submission simply gives way. Two
different files of the same time for one official and module are refused: nothing says which is
newer. Nothing is ever written outside the cohort's submitted/ and collected/, under a name from
the source, or as a half-written file.
"""

# size: one verb, but reading what offices send is most of it: folders without following links,
# zips from Windows tools (names, dates, passwords, damage), saved e-mails; then versions, atomic writes

from __future__ import annotations

import contextlib
import csv
import email.policy
import hashlib
import io
import json
import logging
import os
import re
import shutil
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path, PurePosixPath

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from . import course, roster, safety, simulate

log = logging.getLogger(__name__)

MAX_BYTES = 50 * 1024 * 1024  # a notebook (or a zip inside the source) larger than this is not a course notebook
MAX_TOTAL = 2 * 1024 * 1024 * 1024  # bytes read from one source, all files together (nested zip bombs)
MAX_ENTRIES = 20_000  # files in one zip
MAX_DEPTH = 2  # zips and e-mails opened inside the source, one in another
ARCHIVE = "collected"  # the cohort's folder of kept versions, beside submitted/
INDEX = "index.csv"
INDEX_COLUMNS = [
    "collected_at",
    "student",
    "module",
    "notebook",
    "file",
    "file_time",
    "sha256",
    "role",
    "source",
    "entry",
]
OTHER_ARCHIVES = (".rar", ".7z", ".tar", ".tgz", ".gz", ".bz2", ".xz")
SKIPPED_DIRS = {"__MACOSX", ".ipynb_checkpoints", ".Trash-1000", ".Trashes", ".Spotlight-V100", ".fseventsd"}
SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # a roster id, a module id, a course notebook name
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SourceError(Exception):
    """The whole source cannot be read (missing, of an unknown kind, a zip that does not open): the
    Vietnamese reason is the message."""


class _Refused(Exception):
    """One file of the source is not taken: the Vietnamese reason is the message."""


@dataclass
class Item:
    """One notebook found in the source, and what matching made of it (problem: why it is not taken;
    note: what taking it did, e.g. the submission it replaces)."""

    name: str  # where it came from (path inside the folder or the zip; an e-mail's attachment: mail/file)
    body: bytes
    mtime: datetime  # the file's own time (aware)
    sender: str = ""  # the From address of the e-mail that carried it
    student: str | None = None
    module: str | None = None
    notebook: str | None = None
    problem: str | None = None
    note: str | None = None
    role: str = ""  # for collected/index.csv: submitted, superseded (a newer came in the same source), older
    source: str = ""  # the source it was read from (the folder, the zip)

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()


@dataclass
class Result:
    """The notebooks to write as submissions, the other versions to archive, the ones already there,
    the ones the instructor must look at, and the names of other files."""

    written: list[Item] = field(default_factory=list)
    archived: list[Item] = field(default_factory=list)
    skipped: list[Item] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


# Reading the source: every file on its own ------------------------------------------------------


@dataclass
class _Found:
    items: list[Item] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    total: int = 0  # bytes read so far

    def refuse(self, name: str, mtime: datetime, reason: str, sender: str = "") -> None:
        self.items.append(Item(name, b"", mtime, sender, problem=reason))


def _text(key: str, **values) -> str:
    return messages.text(f"collect.{key}", **values)


def _now() -> datetime:
    return datetime.now(UTC).astimezone()


def _from_timestamp(ts: float) -> datetime:
    try:
        return datetime.fromtimestamp(ts).astimezone()
    except (ValueError, OverflowError, OSError):
        return _now()


def _clean(name: str) -> str:
    """A name as people read it: NFC, no control characters nor undecodable ones, / between folders."""
    name = name.encode("utf-8", "replace").decode("utf-8")
    return CONTROL.sub("?", unicodedata.normalize("NFC", name.replace("\\", "/")))


def _decode(raw: bytes) -> str:
    """A file name's bytes: UTF-8, else Windows' Vietnamese code page (cp1258), else cp437."""
    for encoding in ("utf-8", "cp1258"):
        try:
            return _clean(raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return _clean(raw.decode("cp437"))


def _zip_name(info: zipfile.ZipInfo) -> str:
    """The entry's name: Python reads names without the UTF-8 flag as cp437, which Windows tools
    mostly did not mean (they write UTF-8 or the local code page): decoded again from the bytes."""
    if info.flag_bits & 0x800:
        return _clean(info.filename)
    try:
        return _decode(info.filename.encode("cp437"))
    except UnicodeEncodeError:
        return _clean(info.filename)


def _os_reason(exc: OSError) -> str:
    import errno

    if isinstance(exc, PermissionError):
        return _text("why.permission")
    return _text("why.os", code=errno.errorcode.get(exc.errno or 0, str(exc.errno)))


def _read_problem(exc: Exception) -> str:
    """Why a file of the source could not be read, in Vietnamese."""
    if isinstance(exc, _Refused):
        return str(exc)
    if isinstance(exc, RuntimeError) and ("encrypt" in str(exc).lower() or "password" in str(exc).lower()):
        return _text("encrypted")
    if isinstance(exc, NotImplementedError):
        return _text("zip_method")
    if isinstance(exc, zipfile.BadZipFile | EOFError | ValueError) or type(exc).__module__ in (
        "zlib",
        "_lzma",
        "_bz2",
        "struct",
    ):
        return _text("zip_damaged")
    if isinstance(exc, OSError):
        return _text("unreadable", why=_os_reason(exc))
    log.debug("unexpected error reading a file of the source", exc_info=exc)
    return _text("unexpected")


def _take(found: _Found, name: str, read, size: int, mtime: datetime, depth: int, sender: str = "") -> None:
    """One file of the source: a notebook, a saved e-mail or a zip to open, a refused archive, or an
    ignored name. `read()` gives the bytes (at most MAX_BYTES + 1 of them)."""
    low = PurePosixPath(name).name.lower()
    container = low.endswith((".eml", ".zip"))
    if low.startswith("._") or not (low.endswith(".ipynb") or container or low.endswith(OTHER_ARCHIVES)):
        found.ignored.append(name)  # ._name: macOS's shadow of a file, not the file
        return
    try:
        if low.endswith(OTHER_ARCHIVES):
            raise _Refused(_text("other_archive_entry", kind=PurePosixPath(low).suffix))
        if size > MAX_BYTES:
            raise _Refused(_text("too_big", size=size))
        if container and depth >= MAX_DEPTH:
            raise _Refused(_text("nested_too_deep"))
        if found.total > MAX_TOTAL:
            raise _Refused(_text("source_too_big", limit=MAX_TOTAL))
        body = read()
        found.total += len(body)
        if len(body) > MAX_BYTES:
            raise _Refused(_text("too_big_unpacked", limit=MAX_BYTES))
    except Exception as exc:  # noqa: BLE001 - whatever it is, it is this file's reason
        found.refuse(name, mtime, _read_problem(exc), sender)
        return
    if low.endswith(".ipynb"):
        found.items.append(Item(name, body, mtime, sender))
    elif low.endswith(".eml"):
        _mail(found, name, body, mtime, depth + 1)
    else:
        try:
            archive = zipfile.ZipFile(io.BytesIO(body))
        except Exception:  # noqa: BLE001 - a zip that does not open is this file's reason
            found.refuse(name, mtime, _text("bad_inner_zip"), sender)
            return
        with archive:
            if len(archive.infolist()) > MAX_ENTRIES:
                found.refuse(name, mtime, _text("too_many_entries", limit=MAX_ENTRIES), sender)
            else:
                _zip(found, archive, f"{name}/", mtime, depth + 1, sender)


def _limited(opener) -> bytes:
    with opener() as f:
        return f.read(MAX_BYTES + 1)


def _mail(found: _Found, name: str, body: bytes, mtime: datetime, depth: int) -> None:
    """The notebooks (and zips, and forwarded e-mails) attached to a saved e-mail, with the sender's
    address and the date sent (the .eml's own time when it has none)."""
    from email import message_from_bytes
    from email.utils import parseaddr

    before = len(found.items), len(found.ignored)
    try:
        msg = message_from_bytes(body, policy=email.policy.default)
        sender = parseaddr(str(msg.get("From", "")))[1].lower()
        try:
            sent = msg["Date"].datetime if msg["Date"] else None
            sent = sent.astimezone() if sent and sent.tzinfo is None else sent
        except (TypeError, ValueError, AttributeError, OverflowError, OSError):
            sent = None
        sent = sent or mtime
        parts = list(msg.iter_attachments())
    except Exception:  # noqa: BLE001 - an e-mail that does not parse is this file's reason
        found.refuse(name, mtime, _text("bad_mail"))
        return
    for part in parts:
        filename = ""
        try:
            filename = _clean(part.get_filename() or "")
            if part.get_content_type() == "message/rfc822":
                inner = part.get_payload()
                payload = (inner[0] if isinstance(inner, list) else inner).as_bytes()
                filename = filename if filename.lower().endswith(".eml") else f"{filename or 'thu'}.eml"
            else:
                payload = part.get_payload(decode=True) or b""
        except Exception:  # noqa: BLE001
            found.refuse(f"{name}/{filename or '?'}", sent, _text("bad_mail"), sender)
            continue
        if filename:
            _take(found, f"{name}/{filename}", lambda p=payload: p, len(payload), sent, depth, sender)
    if (len(found.items), len(found.ignored)) == before:
        found.ignored.append(name)  # an e-mail without attachments


def _zip(found: _Found, archive: zipfile.ZipFile, prefix: str, fallback: datetime, depth: int, sender="") -> None:
    """Every file of an open zip, each on its own; a zero or invalid date is the zip's own time."""
    for info in archive.infolist():
        name = prefix + _zip_name(info)
        try:
            mtime = datetime(*info.date_time).astimezone()
        except (ValueError, TypeError, OverflowError, OSError):
            mtime = fallback
        parts = PurePosixPath(name).parts
        if info.is_dir() or any(p in SKIPPED_DIRS for p in parts):
            continue
        low = name.lower()
        wanted = low.endswith((".ipynb", ".eml", ".zip", *OTHER_ARCHIVES))
        if wanted and stat.S_ISLNK(info.external_attr >> 16):
            found.refuse(name, mtime, _text("symlink_entry"), sender)
        elif wanted and info.flag_bits & 0x41:  # 0x1 encrypted, 0x40 strong encryption
            found.refuse(name, mtime, _text("encrypted"), sender)
        else:
            _take(
                found,
                name,
                lambda info=info: _limited(lambda: archive.open(info)),
                info.file_size,
                mtime,
                depth,
                sender,
            )


def _folder(found: _Found, source: Path) -> None:
    """Every file of a folder (a USB stick), never following a symbolic link."""
    for top, dirs, files in os.walk(source, followlinks=False, onerror=lambda exc: _walk_error(found, source, exc)):
        here = Path(top)
        rel = here.relative_to(source)
        for d in sorted(dirs):
            if d in SKIPPED_DIRS:
                dirs.remove(d)
            elif (here / d).is_symlink():
                found.refuse(_display(rel / d) + "/", _now(), _text("symlink_folder"))
                dirs.remove(d)
        dirs.sort()
        for f in sorted(files):
            path = here / f
            name = _display(rel / f)
            try:
                st = path.lstat()
            except OSError as exc:
                found.refuse(name, _now(), _text("unreadable", why=_os_reason(exc)))
                continue
            mtime = _from_timestamp(st.st_mtime)
            low = f.lower()
            wanted = low.endswith((".ipynb", ".eml", ".zip", *OTHER_ARCHIVES))
            if wanted and stat.S_ISLNK(st.st_mode):
                found.refuse(name, mtime, _text("symlink"))
            elif wanted and not stat.S_ISREG(st.st_mode):
                found.refuse(name, mtime, _text("not_regular"))
            else:
                _take(found, name, lambda path=path: _read_no_follow(path), st.st_size, mtime, 0)


def _walk_error(found: _Found, source: Path, exc: OSError) -> None:
    where = Path(exc.filename) if exc.filename else source
    with contextlib.suppress(ValueError):
        where = where.relative_to(source)
    found.refuse(_display(where) + "/", _now(), _text("unreadable_folder", why=_os_reason(exc)))


def _display(rel: Path) -> str:
    return _decode(os.fsencode(rel.as_posix()))


def _read_no_follow(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        import errno

        if exc.errno == errno.ELOOP:
            raise _Refused(_text("symlink")) from None
        raise
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _Refused(_text("not_regular"))
        return f.read(MAX_BYTES + 1)


def _items(source: Path, ignored: list[str]) -> list[Item]:
    """Every .ipynb of the source (a folder, a zip, a saved e-mail, a notebook), with zips and saved
    e-mails inside it opened; other files are listed as ignored. A source that cannot be read at all
    raises SourceError."""
    found = _Found()
    try:
        is_dir, is_file = source.is_dir(), source.is_file()
    except OSError as exc:
        raise SourceError(_text("unreadable_source", source=_clean(str(source)), why=_os_reason(exc))) from None
    if is_dir:
        _folder(found, source)
    elif not is_file:
        raise SourceError(_text("no_source", source=_clean(str(source))))
    else:
        _source_file(found, source)
    ignored.extend(found.ignored)
    return found.items


def _source_file(found: _Found, source: Path) -> None:
    low, shown = source.name.lower(), _clean(str(source))
    try:
        st = source.stat()  # the source itself is what the instructor named: a link to it is followed
        with source.open("rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise SourceError(_text("unreadable_source", source=shown, why=_os_reason(exc))) from None
    mtime = _from_timestamp(st.st_mtime)
    if low.endswith((".ipynb", ".eml")):
        _take(found, _clean(source.name), lambda: _limited(lambda: source.open("rb")), st.st_size, mtime, 0)
        return
    kind = next((k for k in OTHER_ARCHIVES if low.endswith(k)), None)
    kind = kind or (".rar" if head.startswith(b"Rar!") else ".7z" if head.startswith(b"7z\xbc\xaf") else None)
    if kind:
        raise SourceError(_text("other_archive", source=shown, kind=kind))
    try:
        archive = zipfile.ZipFile(source)
    except OSError as exc:
        raise SourceError(_text("unreadable_source", source=shown, why=_os_reason(exc))) from None
    except Exception:  # noqa: BLE001 - whatever zipfile says, the zip does not open
        key = "bad_zip" if low.endswith(".zip") or head.startswith(b"PK") else "not_a_source"
        raise SourceError(_text(key, source=shown)) from None
    with archive:
        if len(archive.infolist()) > MAX_ENTRIES:
            raise SourceError(_text("too_many_entries_source", source=shown, limit=MAX_ENTRIES))
        _zip(found, archive, "", mtime, 0)


# Matching: which official, module and notebook ----------------------------------------------------


def _notebook(body: bytes) -> dict | None:
    """The notebook's JSON when it has a notebook's shape (an object with a list of cells), else None."""
    try:
        nb = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None
    if not isinstance(nb.get("metadata", {}), dict):
        return None
    return nb


def _grade_ids(nb: dict | None) -> set[str]:
    """The grade ids of the notebook's cells (a cell of the wrong shape has none)."""
    ids = set()
    for cell in (nb or {}).get("cells", []):
        meta = cell.get("metadata") if isinstance(cell, dict) else None
        grader = meta.get("nbgrader") if isinstance(meta, dict) else None
        gid = grader.get("grade_id") if isinstance(grader, dict) else None
        if isinstance(gid, str) and gid:
            ids.add(gid)
    return ids


def _students(item: Item, nb: dict | None, people: list[dict]) -> set[str]:
    """The officials the item names (by code or e-mail in its path or sender, or in the notebook's
    metadata); a code in the metadata that is not on the roster comes back as "?<code>". A code of
    the wrong type in the metadata is refused."""
    found = set()
    path = f"{item.name} {item.sender}".lower()
    for p in people:
        sid, email = p["ma_can_bo"], (p.get("email") or "").lower()
        by_code = re.search(rf"(?<![a-z0-9]){re.escape(sid.lower())}(?![a-z0-9])", path)
        if by_code or (email and email in path):
            found.add(sid)
    meta = ((nb or {}).get("metadata") or {}).get("kynangso") or {}
    code = meta.get("ma_can_bo") if isinstance(meta, dict) else None
    if code is None or code == "":
        return found
    if not isinstance(code, str):
        raise _Refused(_text("bad_meta_id", value=_short(json.dumps(code, ensure_ascii=False, default=str))))
    known = {p["ma_can_bo"].casefold(): p["ma_can_bo"] for p in people}  # IDs are matched without case
    code = code.strip()
    found.add(known.get(code.casefold(), f"?{_short(code)}"))
    return found


def _short(text: str, limit: int = 40) -> str:
    text = CONTROL.sub("?", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _identify(item: Item, expected: dict, people: list[dict], module_id: str | None) -> None:
    """Set the item's module, notebook and official, or its problem."""
    nb = _notebook(item.body)
    ids = _grade_ids(nb)
    # the module and the notebook: given, or the one whose graded cells the file carries
    if module_id:
        candidates = {(module_id, n): len(ids & g) for n, g in expected[module_id].items()}
    else:
        candidates = {(m, n): len(ids & g) for m, nbs in expected.items() for n, g in nbs.items()}
    best = max(candidates.values(), default=0)
    top = [k for k, v in candidates.items() if v == best]
    stem = PurePosixPath(item.name).name
    if len(top) > 1 and best > 0:
        by_name = [k for k in top if k[1] == stem or k[1].removesuffix(".ipynb") in stem]
        top = by_name if len(by_name) == 1 else top
    if len(top) == 1 and (best > 0 or module_id):
        item.module, item.notebook = top[0]
    else:
        item.problem = _text("broken_no_module" if nb is None else "no_module")
        return
    try:
        who = _students(item, nb, people)
    except _Refused as exc:
        item.problem = str(exc)
        return
    unknown = sorted(w[1:] for w in who if w.startswith("?"))
    who = {w for w in who if not w.startswith("?")}
    if unknown:
        item.problem = _text("unknown_ids", ids=", ".join(unknown))
    elif len(who) == 1:
        item.student = who.pop()
    elif len(who) > 1:
        item.problem = _text("several_officials", ids=", ".join(sorted(who)))
    else:
        item.problem = _text("no_official")


def _when(t: datetime) -> str:
    return t.isoformat(" ", "seconds")


def _submission_time(folder: Path, target: Path) -> datetime:
    """The time of the submission in `folder`: its timestamp.txt (as nbgrader reads it), else the
    notebook's mtime."""
    from nbgrader.utils import parse_utc

    with contextlib.suppress(OSError, ValueError, OverflowError, TypeError):
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
        if text:
            return parse_utc(text).replace(tzinfo=UTC)
    return _from_timestamp(target.lstat().st_mtime)


def _current(root: Path, key: tuple) -> tuple[bytes, datetime] | None:
    """The real submission already there for (student, module, notebook): its bytes and time (a
    simulated one does not count: it gives way)."""
    folder = root / "submitted" / key[0] / key[1]
    target = folder / key[2]
    try:
        if (folder / simulate.MARKER).exists() or not stat.S_ISREG(target.lstat().st_mode):
            return None
        return target.read_bytes(), _submission_time(folder, target)
    except OSError:
        return None


def _archive_path(root: Path, student: str, module: str, notebook: str, when: datetime, sha: str) -> Path:
    stamp = when.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return root / ARCHIVE / student / module / f"{stamp}-{sha[:8]}-{notebook}"


def _versions(root: Path, key: tuple, group: list[Item], res: Result) -> None:
    """Decide for the files of one official, module and notebook: the newest becomes the submission
    (when newer than the one there), the others are archived, copies are skipped."""
    current = _current(root, key)
    current_sha = hashlib.sha256(current[0]).hexdigest() if current else None
    distinct: dict[str, Item] = {}
    for item in sorted(group, key=lambda i: (i.mtime, i.name)):  # of identical copies, the first sent counts
        if item.sha256 == current_sha:
            item.note = _text("same_as_submitted")
        elif item.sha256 in distinct:
            item.note = _text("same_in_source", other=distinct[item.sha256].name)
        elif _archive_path(root, *key, item.mtime, item.sha256).exists():
            item.note = _text("already_archived")
        else:
            distinct[item.sha256] = item
            continue
        res.skipped.append(item)
    if not distinct:
        return
    versions = list(distinct.values())
    newest = max(i.mtime for i in versions)
    top = [] if current and newest <= current[1] else [i for i in versions if i.mtime == newest]
    winner = top[0] if len(top) == 1 else None
    tied = top if len(top) > 1 else []  # different files of the same time: nothing says which is newer
    for item in versions:
        if any(item is i for i in tied):
            others = ", ".join(i.name for i in tied if i is not item)
            item.problem = _text("duplicate", student=key[0], module=key[1], others=others)
            res.problems.append(item)
            continue
        if item is winner:
            item.role = "submitted"
            if current:
                item.note = _text("replaces", previous=_when(current[1]))
            res.written.append(item)
            continue
        if current and item.mtime <= current[1]:
            item.role, item.note = "older", _text("older_than_submitted", current=_when(current[1]))
        else:
            newer = winner.name if winner else ", ".join(i.name for i in tied)
            item.role, item.note = "superseded", _text("superseded", newer=newer)
        res.archived.append(item)


def match(root: Path, source: Path, modules, module_id: str | None = None) -> Result:
    """Match every notebook of `source` to one official, module and notebook, or say why not, and
    decide what becomes a submission and what is archived. Writes nothing. A source that cannot be
    read at all raises SourceError."""
    people = roster.roster(root)
    res = Result()
    expected = {
        m.id: {
            p.name: {nbm.grade_id(c) for c in nbm.read(p).cells if nbm.grade_id(c)}
            for p in nbm.graded_notebooks(m.source)
        }
        for m in modules
    }
    items = _items(Path(source), res.ignored)
    claimed: dict[tuple, list[Item]] = {}
    for item in items:
        item.source = os.path.abspath(source)
        if not item.problem:
            _identify(item, expected, people, module_id)
        if item.problem:
            res.problems.append(item)
        else:
            claimed.setdefault((item.student, item.module, item.notebook), []).append(item)
    for key, group in claimed.items():
        _versions(root, key, group, res)
    return res


# Writing: atomically, only inside the cohort ----------------------------------------------------------


def _inside(root: Path, *parts: str) -> Path:
    """root/parts..., refused (_Refused) when a part is not a plain name or the resolved path leaves root."""
    for part in parts:
        if not isinstance(part, str) or not SAFE_PART.match(part) or part in (".", ".."):
            raise _Refused(_text("unsafe_destination", path="/".join(map(str, parts))))
    path = root.joinpath(*parts)
    if not path.resolve().is_relative_to(root.resolve() / parts[0]):
        raise _Refused(_text("unsafe_destination", path="/".join(parts)))
    return path


def _not_written(item: Item, exc: Exception) -> Item:
    """The item, with why it could not be written (a refusal's own words, or the disk's)."""
    item.problem = str(exc) if isinstance(exc, _Refused) else _text("write_failed", why=_os_reason(exc))
    return item


def _index_rows(root: Path) -> list[dict]:
    try:
        with (root / ARCHIVE / INDEX).open(encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))
    except (OSError, csv.Error, UnicodeDecodeError):
        return []


def _save_index(root: Path, rows: list[dict]) -> None:
    if not rows:
        return
    _inside(root, ARCHIVE)
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=INDEX_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(_index_rows(root) + rows)
    safety.write_whole(root / ARCHIVE / INDEX, out.getvalue().encode("utf-8"))


def _row(root: Path, item: Item, path: Path, collected_at: datetime, role: str, **origin) -> dict:
    return {
        "collected_at": collected_at.isoformat(" ", "seconds"),
        "student": item.student,
        "module": item.module,
        "notebook": item.notebook,
        "file": path.relative_to(root).as_posix(),
        "file_time": item.mtime.isoformat(" "),
        "sha256": item.sha256,
        "role": role,
        "source": origin.get("source", item.source),
        "entry": origin.get("entry", item.name),
    }


def _archive(root: Path, item: Item, rows: list[dict], now: datetime, role: str, **origin) -> None:
    path = _inside(
        root, ARCHIVE, item.student, item.module, _archive_path(root, *_key(item), item.mtime, item.sha256).name
    )
    if not path.exists():
        safety.write_whole(path, item.body)
        rows.append(_row(root, item, path, now, role, **origin))


def _key(item: Item) -> tuple[str, str, str]:
    return item.student, item.module, item.notebook


def _previous_origin(root: Path, key: tuple, sha: str, known: list[dict]) -> dict:
    """Where the submission being replaced came from, by the index (else: its place in submitted/)."""
    for row in reversed(known):
        same = (row.get("student"), row.get("module"), row.get("notebook")) == key and row.get("sha256") == sha
        if same and row.get("role") == "submitted":
            return {"source": row.get("source", ""), "entry": row.get("entry", "")}
    return {"source": "submitted", "entry": "/".join(key)}


def write(root: Path, items: list[Item], archived: list[Item] = ()) -> list[Item]:
    """Write matched files as nbgrader submissions and keep the other versions in collected/: the
    submission a file replaces is archived first, a simulated one is removed. Returns the items that
    could not be written, their problem set (nothing is ever written outside root)."""
    now = datetime.now(UTC)
    known = _index_rows(root)
    rows: list[dict] = []
    failed: list[Item] = []
    cleared: set[Path] = set()
    for item in items:
        try:
            folder = _inside(root, "submitted", item.student, item.module)
            target = _inside(root, "submitted", item.student, item.module, item.notebook)
            if folder not in cleared and (folder / simulate.MARKER).exists():
                shutil.rmtree(folder)  # a simulated submission gives way to a real one
            cleared.add(folder)
            others = False
            if target.is_symlink():
                target.unlink()  # not the learner's file: a link somebody made
            elif target.is_file():
                previous = target.read_bytes()
                if previous != item.body:  # the earlier submission is kept before it is replaced
                    when = _submission_time(folder, target)
                    old = Item(target.name, previous, when, student=item.student, module=item.module)
                    old.notebook = item.notebook
                    origin = _previous_origin(root, _key(item), old.sha256, known + rows)
                    _archive(root, old, rows, now, "replaced", **origin)
            with contextlib.suppress(OSError):
                others = any(p.name != item.notebook for p in folder.glob("*.ipynb"))
            stamp = item.mtime
            if others:  # a module of several notebooks: the submission's time is its newest file's
                with contextlib.suppress(OSError):
                    stamp = max(stamp, _submission_time(folder, target))
            safety.write_whole(target, item.body)
            safety.write_whole(folder / "timestamp.txt", stamp.isoformat(" ").encode("utf-8"))
            rows.append(_row(root, item, target, now, "submitted"))
        except (_Refused, OSError) as exc:
            failed.append(_not_written(item, exc))
    for item in archived:
        try:
            _archive(root, item, rows, now, item.role or "older")
        except (_Refused, OSError) as exc:
            failed.append(_not_written(item, exc))
    with contextlib.suppress(OSError, _Refused):
        _save_index(root, rows)
    return failed


# The verb ------------------------------------------------------------------------------------------


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument("source", type=Path, metavar=t("collect.metavar.source"), help=t("collect.arg.source"))
    p.add_argument("--module", metavar=t("cohorts.metavar.module"), help=t("collect.arg.module"))
    p.add_argument("--dry-run", action="store_true", help=t("collect.arg.dry_run"))


def _line(item: Item) -> str:
    """One file in the output: where it goes and what was done, or why it is not taken."""
    if item.problem:
        return f"  {item.name}: {item.problem}"
    note = f": {item.note}" if item.note else ""
    return f"  {item.name} -> {item.student} / {item.module} / {item.notebook}{note}"


def run(args) -> int:
    root = course.existing(args.name)
    modules = manifest.selected([args.module] if args.module else None)
    try:
        res = match(root, args.source, modules, args.module)
    except SourceError as exc:
        print(exc, file=sys.stderr)
        return 2
    if not args.dry_run:
        failed = write(root, res.written, res.archived)
        gone = {id(i) for i in failed}
        res.written = [i for i in res.written if id(i) not in gone]
        res.archived = [i for i in res.archived if id(i) not in gone]
        res.problems.extend(failed)
    dry = args.dry_run
    print(_text("would_take" if dry else "taken", count=len(res.written), folder=root / "submitted"))
    for item in res.written:
        print(_line(item))
    if res.archived:
        print(_text("would_archive" if dry else "archived", count=len(res.archived), folder=root / ARCHIVE))
        for item in res.archived:
            print(_line(item))
    if res.skipped:
        print(_text("skipped", count=len(res.skipped)))
        for item in res.skipped:
            print(_line(item))
    if res.problems:
        print(_text("refused", count=len(res.problems)))
        for item in res.problems:
            print(_line(item))
    if res.ignored:
        names = ", ".join(res.ignored[:10]) + (" …" if len(res.ignored) > 10 else "")
        print(_text("ignored", count=len(res.ignored), names=names))
    return 1 if res.problems else 0
