"""`kynangso collect`: take notebooks sent by e-mail or on a USB stick (a folder or a .zip) into a
cohort's submitted/ folder, matched to officials of the roster.

An official is recognised by their code (ma_can_bo, e.g. cb0059) or e-mail address written in the
file's name or in a folder of its path (e-mail clients save attachments per sender), by the sender
of a saved e-mail (.eml) that carries the notebook as an attachment, or by the notebook's metadata
(`kynangso.ma_can_bo`). The module is the one given with --module or, when
absent, the one whose graded cells the notebook carries. A file that matches nobody, several
officials, or no module, and two files for the same official and module, are reported and not
written: the instructor decides, the tool never guesses. A learner's file is written byte for byte
(a broken one too: grading then says why it cannot be graded).
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from .. import messages
from ..authoring import manifest
from ..authoring import notebook as nbm
from . import course, roster, simulate

MAX_BYTES = 50 * 1024 * 1024  # a notebook larger than this is not a course notebook


@dataclass
class Item:
    """One notebook found in the source, and what matching made of it (problem: why it is not taken)."""

    name: str  # where it came from (path inside the folder or the zip; an e-mail's attachment: mail/file)
    body: bytes
    mtime: datetime
    sender: str = ""  # the From address of the e-mail that carried it
    student: str | None = None
    module: str | None = None
    notebook: str | None = None
    problem: str | None = None


@dataclass
class Result:
    """The notebooks to write, the ones the instructor must look at, and the other files' names."""

    written: list[Item] = field(default_factory=list)
    problems: list[Item] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _from_mail(name: str, body: bytes, ignored: list[str]) -> list[Item]:
    """The notebooks attached to a saved e-mail (.eml), with the sender's address and the date sent."""
    from email import message_from_bytes, policy
    from email.utils import parseaddr

    msg = message_from_bytes(body, policy=policy.default)
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    try:
        sent = msg["Date"].datetime if msg["Date"] else None
    except (TypeError, ValueError, AttributeError):
        sent = None
    out = []
    for part in msg.iter_attachments():
        filename = part.get_filename() or ""
        if filename.lower().endswith(".ipynb"):
            out.append(
                Item(f"{name}/{filename}", part.get_payload(decode=True) or b"", sent or datetime.now(UTC), sender)
            )
        elif filename:
            ignored.append(f"{name}/{filename}")
    if not out:
        ignored.append(name)
    return out


def _add(out: list[Item], ignored: list[str], name: str, read, size: int, mtime: datetime) -> None:
    """Take one file of the source: a notebook, the notebooks of a saved e-mail, or an ignored name."""
    low = name.lower()
    if not low.endswith((".ipynb", ".eml")):
        ignored.append(name)
    elif size > MAX_BYTES:
        out.append(Item(name, b"", mtime, problem=messages.text("cohorts.collect.too_big", size=size)))
    elif low.endswith(".eml"):
        out.extend(_from_mail(name, read(), ignored))
    else:
        out.append(Item(name, read(), mtime))


def _items(source: Path, ignored: list[str]) -> list[Item]:
    """Every .ipynb in a folder or a zip, and every .ipynb attached to a saved e-mail (.eml) there,
    with its bytes and time; other files are listed as ignored."""
    out: list[Item] = []
    if source.is_file() and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as z:
            for info in z.infolist():
                name = info.filename
                if info.is_dir() or "__MACOSX" in name or ".ipynb_checkpoints" in name:
                    continue
                _add(
                    out,
                    ignored,
                    name,
                    lambda info=info: z.read(info),
                    info.file_size,
                    datetime(*info.date_time).astimezone(),
                )
    elif source.is_dir():
        for p in sorted(source.rglob("*")):
            if not p.is_file() or ".ipynb_checkpoints" in p.parts:
                continue
            _add(
                out,
                ignored,
                p.relative_to(source).as_posix(),
                p.read_bytes,
                p.stat().st_size,
                datetime.fromtimestamp(p.stat().st_mtime).astimezone(),
            )
    else:
        raise SystemExit(messages.text("cohorts.collect.no_source", source=source))
    return out


def _grade_ids(body: bytes) -> tuple[dict | None, set[str]]:
    """The notebook's JSON (None when it is not readable) and the grade ids of its cells."""
    try:
        nb = json.loads(body.decode("utf-8-sig"))
        cells = nb.get("cells", [])
        ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in cells if isinstance(c, dict)}
        return nb, {i for i in ids if i}
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None, set()


def _students(item: Item, nb: dict | None, people: list[dict]) -> set[str]:
    """The officials the item names (by code or e-mail in its path or sender, or in the notebook's
    metadata); a code in the metadata that is not on the roster comes back as "?<code>"."""
    found = set()
    path = f"{item.name} {item.sender}".lower()
    for p in people:
        sid, email = p["ma_can_bo"], (p.get("email") or "").lower()
        by_code = re.search(rf"(?<![a-z0-9]){re.escape(sid.lower())}(?![a-z0-9])", path)
        if by_code or (email and email in path):
            found.add(sid)
    meta = ((nb or {}).get("metadata") or {}).get("kynangso") or {}
    if isinstance(meta, dict) and meta.get("ma_can_bo"):
        known = {p["ma_can_bo"] for p in people}
        found.add(meta["ma_can_bo"] if meta["ma_can_bo"] in known else f"?{meta['ma_can_bo']}")
    return found


def match(root: Path, source: Path, modules, module_id: str | None = None) -> Result:
    """Match every notebook of `source` to one official, module and notebook, or say why not."""
    people = roster.roster(root)
    res = Result()
    expected = {
        m.id: {
            p.name: {nbm.grade_id(c) for c in nbm.read(p).cells if nbm.grade_id(c)}
            for p in nbm.graded_notebooks(m.source)
        }
        for m in modules
    }
    items = _items(source, res.ignored)
    for item in items:
        if item.problem:
            continue
        nb, ids = _grade_ids(item.body)
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
        elif nb is None:
            item.problem = messages.text("cohorts.collect.broken_no_module")
            continue
        else:
            item.problem = messages.text("cohorts.collect.no_module")
            continue
        who = _students(item, nb, people)
        unknown = sorted(w[1:] for w in who if w.startswith("?"))
        who = {w for w in who if not w.startswith("?")}
        if unknown:
            item.problem = messages.text("cohorts.collect.unknown_ids", ids=", ".join(unknown))
        elif len(who) == 1:
            item.student = who.pop()
        elif len(who) > 1:
            item.problem = messages.text("cohorts.collect.several_officials", ids=", ".join(sorted(who)))
        else:
            item.problem = messages.text("cohorts.collect.no_official")
    claimed: dict[tuple, list[Item]] = {}
    for item in items:
        if item.problem:
            res.problems.append(item)
        else:
            claimed.setdefault((item.student, item.module, item.notebook), []).append(item)
    for key, group in claimed.items():
        if len(group) > 1:
            for item in group:
                others = ", ".join(i.name for i in group if i is not item)
                item.problem = messages.text("cohorts.collect.duplicate", student=key[0], module=key[1], others=others)
                res.problems.append(item)
        else:
            res.written.append(group[0])
    return res


def write(root: Path, items: list[Item]) -> None:
    """Write matched files as nbgrader submissions (a newer file replaces the official's earlier one)."""
    by_folder: dict[Path, list[Item]] = {}
    for item in items:
        by_folder.setdefault(root / "submitted" / item.student / item.module, []).append(item)
    for folder, group in by_folder.items():
        if (folder / simulate.MARKER).exists():
            shutil.rmtree(folder)  # a simulated submission gives way to a real one
        folder.mkdir(parents=True, exist_ok=True)
        for item in group:
            (folder / item.notebook).write_bytes(item.body)
        newest = max(i.mtime for i in group)
        (folder / "timestamp.txt").write_text(newest.isoformat(" "), encoding="utf-8")


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument(
        "source", type=Path, metavar=t("cohorts.collect.metavar.source"), help=t("cohorts.collect.arg.source")
    )
    p.add_argument("--module", metavar=t("cohorts.metavar.module"), help=t("cohorts.collect.arg.module"))
    p.add_argument("--dry-run", action="store_true", help=t("cohorts.collect.arg.dry_run"))


def run(args) -> int:
    t = messages.text
    root = course.existing(args.name)
    modules = manifest.selected([args.module] if args.module else None)
    res = match(root, args.source, modules, args.module)
    if not args.dry_run:
        write(root, res.written)
    summary = "cohorts.collect.would_take" if args.dry_run else "cohorts.collect.taken"
    print(t(summary, count=len(res.written), folder=root / "submitted"))
    for item in res.written:
        print(f"  {item.name} -> {item.student} / {item.module} / {item.notebook}")
    if res.problems:
        print(t("cohorts.collect.refused", count=len(res.problems)))
        for item in res.problems:
            print(f"  {item.name}: {item.problem}")
    if res.ignored:
        names = ", ".join(res.ignored[:10]) + (" …" if len(res.ignored) > 10 else "")
        print(t("cohorts.collect.ignored", count=len(res.ignored), names=names))
    return 1 if res.problems else 0
