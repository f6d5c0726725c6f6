"""`kynangso cohort`: create a cohort (an nbgrader course root) from a roster of officials, read as
district offices make it: a CSV saved by Excel in UTF-8, Windows-1258 or "Unicode Text" (UTF-16,
tabs), separated by commas, semicolons, tabs or bars, with Vietnamese headers, maybe under a title
line. Every wrong row is named with its line and nothing is imported until the file is right; the
officials then go into the gradebook in one transaction (their grades untouched)."""

# size: one verb, but reading files as offices make them is most of it: bytes to text (BOMs,
# UTF-8, Windows-1258, detection), text to rows (separator, header found and mapped), row checks

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .. import messages
from . import course

COLUMNS = ["ma_can_bo", "ho_ten", "ma_don_vi", "chuc_vu", "email"]
REQUIRED = ("ma_can_bo", "ho_ten")  # the others may be absent: left empty (reports: "unknown unit")
ROSTER_FILE = "roster.csv"

# Header names accepted for each column, best first, compared by _key (no case, accents, spaces or
# punctuation): the canonical names, English, and Vietnamese as people type them.
HEADERS = {
    "ma_can_bo": ["ma_can_bo", "Mã cán bộ", "Mã CB", "Mã số cán bộ", "Mã CBCC", "Mã học viên", "Mã HV"]
    + ["id", "student_id", "student"],
    "ho_ten": ["ho_ten", "Họ và tên", "Họ tên", "Họ tên cán bộ", "Họ và tên cán bộ", "Họ tên học viên"]
    + ["name", "full_name", "Tên"],  # "Tên" alone is the whole name, unless a "Họ đệm" column is there
    "ma_don_vi": ["ma_don_vi", "Mã đơn vị", "Mã ĐV", "Đơn vị", "don_vi", "Đơn vị công tác", "unit", "unit_code"],
    "chuc_vu": ["chuc_vu", "Chức vụ", "Chức danh", "Chức vụ/chức danh", "position"],
    "email": ["email", "E-mail", "e_mail", "mail", "Thư điện tử", "Địa chỉ thư", "Địa chỉ email"]
    + ["Địa chỉ thư điện tử", "Thư công vụ", "Email công vụ", "Địa chỉ thư công vụ"],
}
FAMILY = ["Họ đệm", "Họ và tên đệm", "Họ và đệm", "Họ lót", "Họ"]  # with a "Tên" column: two name columns
GIVEN_KEY = "ten"

STUDENT_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")
MAX_ID = 128  # nbgrader's Student.id is a String(128)
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{{0,61}}[A-Za-z0-9])?\.)+[A-Za-z]{{2,63}}")
MAX_EMAIL = 254

SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
HEADER_SEARCH = 10  # the header is one of the first non-blank rows (a title may stand above it)
MAX_BYTES = 20_000_000  # 10,000 officials are about 1 MB
SHOWN_PROBLEMS = 20
# Tried when a file is neither UTF-8 nor marked by a BOM: Vietnamese Windows, then what Excel writes
# on a Western Windows or a Mac (those lose the Vietnamese letters, which the name check then says).
LEGACY = ["cp1258", "cp1252", "mac_roman"]
ENCODING_NAMES = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-32": "UTF-32", "cp1258": "Windows-1258"}
ENCODING_NAMES |= {"cp1252": "Windows-1252", "mac_roman": "Mac Roman"}

_LINE_END = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")  # split after each line end, keeping it
_INVISIBLE = re.compile(r"[\u0000-\u0008\u000b-\u001f\u007f\u00ad\u200b-\u200d\u2060\ufeff]")
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯ\u1ea0-\u1ef9]")
_NUMBERING = re.compile(r"\(?\d{1,2}\)?")
_UNIT_CODE = re.compile(r"[A-Za-z]+\d+")  # "vt05" is VT05, the code the reports know


class RosterError(ValueError):
    """A roster the cohort cannot be made from; the message says what is wrong, in Vietnamese."""


def _key(header: str) -> str:
    """A header as compared: lower case, without accents, spaces or punctuation ("Mã CB" -> "macb")."""
    s = unicodedata.normalize("NFD", header.replace("đ", "d").replace("Đ", "D"))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in s if not unicodedata.combining(c)).lower())


ALIASES = {col: [_key(h) for h in names] for col, names in HEADERS.items()}
FAMILY_KEYS = [_key(h) for h in FAMILY]


def _clean(value: str) -> str:
    """A cell as stored: NFC, no invisible characters, whitespace collapsed to single spaces."""
    return unicodedata.normalize("NFC", " ".join(_INVISIBLE.sub("", value).split()))


@dataclass
class Parsed:
    """A roster file as read: its rows (every column, "" where absent) and how it was read."""

    rows: list[dict]
    present: set[str]  # columns the file has
    encoding: str
    separator: str
    header_line: int


# ---- bytes to text ---------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    path = Path(path)
    try:
        if path.is_dir():
            raise IsADirectoryError
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RosterError(messages.text("roster.too_big", path=path, size=size))
        return path.read_bytes()
    except RosterError:
        raise
    except IsADirectoryError:
        raise RosterError(messages.text("roster.is_dir", path=path)) from None
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the path
        raise RosterError(messages.text("roster.not_found", path=path)) from None
    except PermissionError:
        raise RosterError(messages.text("roster.no_permission", path=path)) from None
    except OSError as exc:
        raise RosterError(messages.text("roster.unreadable", path=path, errno=exc.errno or "?")) from None


def _refuse_non_text(data: bytes, path: Path) -> None:
    """Spreadsheets and other binary files are refused, saying what to do instead."""
    suffix = Path(path).suffix.lower()

    def spreadsheet(kind: str) -> RosterError:
        kind_text = messages.text(f"roster.kind.{kind}")
        return RosterError(messages.text("roster.spreadsheet", path=path, kind=kind_text))

    if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):  # a zip: most likely an .xlsx, maybe .ods or .docx
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                mimetype = z.read("mimetype") if "mimetype" in names else b""
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, NotImplementedError):
            names, mimetype = [], b""
        if b"spreadsheet" in mimetype or suffix == ".ods":
            raise spreadsheet("ods")
        if any(n.startswith(("word/", "ppt/")) for n in names) or (mimetype and b"spreadsheet" not in mimetype):
            raise RosterError(messages.text("roster.binary", path=path))
        raise spreadsheet("xlsx")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":  # OLE2: .xls (or an old .doc)
        if suffix in (".doc", ".ppt"):
            raise RosterError(messages.text("roster.binary", path=path))
        raise spreadsheet("xls")


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text whose BOM was lost: ASCII characters leave a zero in every other byte."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    half = len(data) // 2 or 1
    for zeros, other, encoding in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros > 0.3 * half and other < 0.01 * half and len(data) % 2 == 0:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def _looks_vietnamese(text: str) -> bool:
    """Vietnamese letters, every tone mark composed with its vowel (cp1258 writes them apart)."""
    text = unicodedata.normalize("NFC", text)
    letters = len(_VIETNAMESE.findall(text))
    return letters > 0 and sum(1 for c in text if unicodedata.combining(c)) <= letters // 20


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """The file's text and its encoding's name. A BOM decides; then strict UTF-8 (the most common,
    and detectors mis-guess short Vietnamese text); then Windows-1258 if it reads as Vietnamese;
    then charset-normalizer among the legacy encodings Excel writes. Text that is mostly UTF-8 with
    a few broken bytes is read as UTF-8: those bytes become U+FFFD, which the rows' checks name."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise RosterError(messages.text("roster.encoding", path=path)) from None
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", errors="replace"), "utf-8"
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise RosterError(messages.text("roster.binary", path=path))
        return text, "utf-16"
    controls = sum(data.count(bytes([b])) for b in (*range(1, 9), *range(14, 26), *range(27, 32)))
    if controls > 0.005 * len(data):
        raise RosterError(messages.text("roster.binary", path=path))
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lax = data.decode("utf-8", errors="replace")
    broken = lax.count("\ufffd")
    if sum(1 for c in lax if ord(c) > 127) - broken >= broken:
        return lax, "utf-8"
    try:
        text = data.decode("cp1258")
        if _looks_vietnamese(text):
            return text, "cp1258"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY).best()
    if best is None:
        raise RosterError(messages.text("roster.encoding", path=path))
    return str(best), best.encoding


# ---- text to rows ----------------------------------------------------------------------------


def _map_header(cells: list[str]) -> dict[str, int]:
    """Column -> index in `cells`, for the headers recognised (the best-ranked alias, then the
    leftmost); "_family" when the name is split into "Họ đệm" and "Tên"."""
    found: dict[str, tuple[int, int]] = {}
    for i, cell in enumerate(cells):
        k = _key(cell)
        for col, keys in [*ALIASES.items(), ("_family", FAMILY_KEYS)]:
            if k in keys and (col not in found or keys.index(k) < found[col][0]):
                found[col] = (keys.index(k), i)
    mapping = {c: i for c, (_, i) in found.items()}
    if "_family" in mapping and (mapping.get("ho_ten") is None or _key(cells[mapping["ho_ten"]]) != GIVEN_KEY):
        del mapping["_family"]  # a whole-name column is there: "Họ" is not needed
    return mapping


def _records(lines: list[str], sep: str, start: int = 0):
    """(physical line, cells) of each CSV record of lines[start:]; csv.Error ends it with cells None."""
    reader = csv.reader(iter(lines[start:]), delimiter=sep)
    before = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield start + before + 1, None
            return
        yield start + before + 1, cells
        before = reader.line_num


def _blank(cells: list[str]) -> bool:
    return not any(c.strip() for c in cells)


def _find_header(lines: list[str], seps) -> tuple[str, int, int, list[str], dict[str, int]] | None:
    """(separator, header line, lines it spans, its cells, its mapping) of the first of the first
    non-blank rows that names the required columns; the separator mapping most columns wins."""
    best = None
    for sep in seps:
        seen = 0
        records = _records(lines, sep)
        for line, cells in records:
            if cells is None:
                break
            if _blank(cells):
                continue
            mapping = _map_header(cells)
            if "ma_can_bo" in mapping and "ho_ten" in mapping:
                end = next(records, (len(lines) + 1, None))[0] - 1  # the header may span lines
                rank = (line, -len(mapping), -len(cells))
                if best is None or rank < best[0]:
                    best = (rank, (sep, line, end - line + 1, cells, mapping))
                break
            seen += 1
            if seen >= HEADER_SEARCH:
                break
    return best[1] if best else None


def _missing_columns(lines: list[str], seps, path: Path) -> RosterError:
    """What the first row holds and what is expected, when no header row names the required ones."""
    first, cells = 0, []
    for sep in seps:
        for line, row in _records(lines, sep):
            if row is not None and not _blank(row):
                if len(row) > len(cells):
                    first, cells = line, row
                break
    named = [_clean(c) for c in cells if _clean(c)]
    mapping = _map_header(cells)
    t = messages.text
    found = ", ".join(f'"{c}"' for c in named[:12]) + (", …" if len(named) > 12 else "")
    return RosterError(
        t(
            "roster.missing_columns",
            path=path,
            missing=", ".join(t(f"roster.column.{c}") for c in REQUIRED if c not in mapping),
            lines=HEADER_SEARCH,
            line=first,
            found=found or t("roster.no_columns"),
            required=", ".join(t(f"roster.column.{c}") for c in REQUIRED),
            optional=", ".join(t(f"roster.column.{c}") for c in COLUMNS if c not in REQUIRED),
        )
    )


def _numbering(cells: list[str]) -> bool:
    """The row of column numbers official forms put under the header: (1) (2) (3)..."""
    filled = [c.strip() for c in cells if c.strip()]
    if len(filled) < 3 or not all(_NUMBERING.fullmatch(c) for c in filled):
        return False
    numbers = [int(c.strip("()")) for c in filled]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers))) and numbers[0] in (0, 1)


def _cell(cells: list[str], mapping: dict[str, int], col: str) -> str:
    i = mapping.get(col)
    return _clean(cells[i]) if i is not None and i < len(cells) else ""


def _mojibake(name: str) -> str | None:
    """The name a UTF-8 file read as Windows-1252 once garbled ("Nguyá»…n" -> "Nguyễn"), if it is one."""
    if name.isascii():
        return None
    try:
        fixed = name.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return None
    return unicodedata.normalize("NFC", fixed) if fixed != name else None


def _problems(row: dict, line: int, first_line: dict[str, int], raw_id: str) -> list[tuple[int, str]]:
    """What is wrong with one row of an import (it is otherwise taken as it is)."""
    t, out = messages.text, []
    sid, name, email = row["ma_can_bo"], row["ho_ten"], row["email"]
    if not sid:
        out.append(t("roster.problem.no_id", name=name))
    elif len(sid) > MAX_ID:
        out.append(t("roster.problem.long_id", id=raw_id[:40] + "…", limit=MAX_ID))
    elif not STUDENT_ID.fullmatch(sid):
        out.append(t("roster.problem.bad_id", id=raw_id))
    elif sid in first_line:
        out.append(t("roster.problem.duplicate_id", id=raw_id, first=first_line[sid]))
    else:
        first_line[sid] = line
    if not name:
        out.append(t("roster.problem.no_name", id=raw_id or "?"))
    elif "?" in name:
        out.append(t("roster.problem.lost_marks", name=name))
    elif (fixed := _mojibake(name)) is not None:
        out.append(t("roster.problem.mojibake", name=name, fixed=fixed))
    if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        out.append(t("roster.problem.bad_email", email=email))
    for col in COLUMNS:
        if "\ufffd" in row[col]:
            out.append(t("roster.problem.broken_bytes", column=col))
    return [(line, p) for p in out]


def _width_problem(got: int, want: int, header_line: int, sep: str) -> str:
    kind = "short_row" if got < want else "long_row"
    sep_name = messages.text(f"roster.sep.{SEPARATORS[sep]}")
    return messages.text(f"roster.problem.{kind}", got=got, want=want, header=header_line, sep=sep_name)


def _too_many(problems: list[tuple[int, str]], path: Path) -> RosterError:
    t = messages.text
    problems.sort(key=lambda p: p[0])
    lines = [t("roster.problems", path=path, count=len(problems))]
    lines += [t("roster.problem_line", line=n, problem=p) for n, p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(t("roster.more_problems", count=len(problems) - SHOWN_PROBLEMS))
    return RosterError("\n".join(lines))


def _read(path: Path, strict: bool = True) -> Parsed:
    """The roster at `path`. `strict` (an instructor's import): IDs folded to lower case and every
    row checked, all problems raised together. Not strict (the cohort's own saved roster.csv):
    rows taken as saved, so a cohort made by an older version keeps its IDs and still opens."""
    path = Path(path)
    data = _read_bytes(path)
    _refuse_non_text(data, path)
    text, encoding = _decode(data, path)
    text = unicodedata.normalize("NFC", text.lstrip("\ufeff"))
    if not text.strip(" \t\r\n\x1a,;|"):
        raise RosterError(messages.text("roster.empty_file", path=path))
    head = text.lstrip()[:2000].lower()
    if head.startswith("<") and any(tag in head for tag in ("<html", "<table", "<?xml", "<!doctype")):
        raise RosterError(messages.text("roster.spreadsheet", path=path, kind=messages.text("roster.kind.html")))
    lines = _LINE_END.split(text)
    seps = list(SEPARATORS)
    first = re.fullmatch(r'"?sep=(.)"?\s*', lines[0])  # Excel's own hint line: sep=;
    if first and first.group(1) in SEPARATORS:
        seps, lines = [first.group(1)], ["\n", *lines[1:]]
    found = _find_header(lines, seps)
    if found is None:
        raise _missing_columns(lines, seps, path)
    sep, header_line, spans, header, mapping = found
    width = max(i for i, c in enumerate(header) if c.strip()) + 1

    rows, problems, first_line = [], [], {}
    numbering_checked = False
    for line, cells in _records(lines, sep, start=header_line - 1 + spans):
        if cells is None:
            problems.append((line, messages.text("roster.problem.not_csv")))
            break
        if _blank(cells):
            continue
        if not numbering_checked:
            numbering_checked = True
            if _numbering(cells):
                continue
        # Excel pads every row to the same number of cells: fewer than the header names, or more
        # than the header line has, is a missing or an unquoted separator (values shifted)
        if strict and (len(cells) < width or len(cells) > len(header)):
            short = len(cells) < width
            problems.append((line, _width_problem(len(cells), width if short else len(header), header_line, sep)))
            continue

        row = {col: _cell(cells, mapping, col) for col in COLUMNS}
        if _UNIT_CODE.fullmatch(row["ma_don_vi"]):
            row["ma_don_vi"] = row["ma_don_vi"].upper()
        if "_family" in mapping:
            row["ho_ten"] = _clean(f"{_cell(cells, mapping, '_family')} {row['ho_ten']}")
        raw_id = row["ma_can_bo"]
        if strict:
            row["ma_can_bo"] = raw_id.lower()
            problems += _problems(row, line, first_line, raw_id)
        elif not raw_id or raw_id in first_line:
            continue
        else:
            first_line[raw_id] = line
        rows.append(row)
    if problems:
        raise _too_many(problems, path)
    if strict and not rows:
        raise RosterError(messages.text("roster.empty", path=path, line=header_line))
    present = {c for c in COLUMNS if c in mapping}
    return Parsed(rows, present, encoding, sep, header_line)


def read_roster(path: Path) -> list[dict]:
    """Rows of a roster file with the canonical columns (IDs in lower case, text NFC, "" for an
    absent column); RosterError says, in Vietnamese, everything that is wrong with it."""
    return _read(path).rows


def split_name(full_name: str) -> tuple[str, str]:
    """Vietnamese order: family and middle names first, the given name last -> (last_name, first_name)."""
    words = full_name.split()
    return " ".join(words[:-1]), words[-1] if words else ""


def write_roster(path: Path, rows: list[dict]) -> None:
    """Write rows with the canonical columns (UTF-8, as read_roster reads them back), atomically."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    os.replace(tmp, path)


def roster(root: Path) -> list[dict]:
    """The cohort's saved roster (none yet: an empty list)."""
    path = root / ROSTER_FILE
    return _read(path, strict=False).rows if path.is_file() else []


@dataclass
class Imported:
    root: Path
    parsed: Parsed
    count: int  # officials of the cohort
    added: int
    updated: int


def store(root: Path, officials: list[dict], email_given: bool) -> tuple[int, int]:
    """Add or update `officials` as nbgrader students in one transaction -> (added, updated).
    Submissions and grades are other tables: untouched. Without an e-mail column in the file, an
    address the gradebook already has is kept."""
    from nbgrader.api import Student
    from sqlalchemy.exc import SQLAlchemyError

    added = 0
    try:
        with course.gradebook(root) as gb:
            try:
                existing = {s.id: s for s in gb.db.query(Student)}
                for r in officials:
                    last, first = split_name(r["ho_ten"])
                    student = existing.get(r["ma_can_bo"])
                    if student is None:
                        student = existing[r["ma_can_bo"]] = Student(id=r["ma_can_bo"])
                        gb.db.add(student)
                        added += 1
                    student.first_name, student.last_name = first, last
                    if email_given or r["email"]:
                        student.email = r["email"] or None
                    if gb.authenticator:
                        gb.authenticator.add_student_to_course(r["ma_can_bo"], gb.course_id)
                gb.db.commit()
            except SQLAlchemyError:
                gb.db.rollback()
                raise
    except SQLAlchemyError as exc:
        import sqlite3

        if isinstance(getattr(exc, "orig", None), sqlite3.DatabaseError):
            raise  # busy, damaged or read-only: the command says which (kynangso.cli)
        raise RosterError(messages.text("roster.gradebook_failed", path=root / "gradebook.db")) from None
    return added, len(officials) - added


def _import(name: str, roster_path: Path) -> Imported:
    parsed = _read(roster_path)
    root = course.course_root(name)
    saved = {r["ma_can_bo"].lower(): r for r in roster(root)}
    merged = dict(saved)
    officials = []
    for r in parsed.rows:
        old = saved.get(r["ma_can_bo"], {})
        # an official saved by an older version keeps the ID's case the gradebook knows them by;
        # a column this file lacks keeps the value saved before
        row = {c: (r[c] if c in parsed.present else old.get(c, "")) for c in COLUMNS}
        row["ma_can_bo"] = old.get("ma_can_bo", r["ma_can_bo"])
        merged[r["ma_can_bo"]] = row
        officials.append(row)
    added, updated = store(root, officials, "email" in parsed.present)
    write_roster(root / ROSTER_FILE, list(merged.values()))
    return Imported(root, parsed, len(merged), added, updated)


def create(name: str, roster_path: Path) -> Path:
    """Create or update the cohort: roster saved, officials added to the gradebook (grades untouched)."""
    return _import(name, roster_path).root


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument(
        "--roster",
        required=True,
        type=Path,
        metavar=t("roster.metavar.roster"),
        help=t("roster.arg.roster"),
    )


def run(args) -> int:
    t = messages.text
    try:
        done = _import(args.name, args.roster)
    except RosterError as exc:
        print(t("roster.failed", why=exc))
        return 2
    except course.BadCohortName as exc:
        print(exc)
        return 2
    p = done.parsed
    encoding = ENCODING_NAMES.get(p.encoding, p.encoding)
    sep = t(f"roster.sep.{SEPARATORS[p.separator]}")
    print(t("roster.read_as", path=args.roster, encoding=encoding, sep=sep, line=p.header_line))
    absent = [c for c in COLUMNS if c not in p.present]
    for col in absent:
        print(t("roster.column_absent", column=t(f"roster.column.{col}"), effect=t(f"roster.absent.{col}")))
    if absent and done.updated:
        print(t("roster.absent.kept"))
    print(t("roster.done", name=args.name, count=done.count, added=done.added, updated=done.updated))
    print(f"  {done.root / ROSTER_FILE}")
    print(f"  {done.root / 'gradebook.db'}")
    return 0
