"""Building blocks of the data generator: schemas, seeded randomness, synthetic people, rendering."""

from __future__ import annotations

import csv
import hashlib
import io
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

LICENCE = "CC0 1.0 (dữ liệu tổng hợp / synthetic data)"
SYNTHETIC_NOTE = (
    "Mọi người, mã số, số định danh, số điện thoại và địa chỉ thư trong tệp này là **giả định**, do máy "
    'sinh ra từ hạt giống; tên người dùng chữ cái thay tên riêng (kiểu "Nguyễn Văn A"), số định danh bắt '
    "đầu bằng 000 (không tỉnh nào có mã này), số điện thoại bắt đầu bằng 0000, tên miền `.example`/`.test` "
    "không tồn tại trên Internet. / Every person, ID, phone number and address here is synthetic."
)
DTYPES = ("str", "int", "float", "bool", "date", "datetime", "category")


@dataclass(frozen=True)
class Column:
    name: str  # Vietnamese snake_case without diacritics
    dtype: str  # one of DTYPES
    label: str  # Vietnamese label, with diacritics
    en: str  # English meaning
    unit: str = ""
    note: str = ""  # values, how generated
    nullable: bool = False

    def __post_init__(self):
        assert self.dtype in DTYPES, self.dtype


@dataclass
class Dataset:
    """One CSV file (datasets/<filename>) with its schema and generator.

    `generate(ctx)` returns rows as a list of dicts or as a dict of columns (name -> sequence);
    it may also add other files (e.g. .eml messages) with ctx.add_file(self.name, path, bytes).
    `generate` may also be "module:function", imported only when data are generated (a generator
    that knows the answer key lives where learners' kernels cannot import it).
    `scale(ctx, n)`, when given, returns an n-times larger table for `kynangso data --scale n`.
    """

    name: str
    title_vi: str
    title_en: str
    columns: list[Column]
    generate: Callable | str
    method: str
    notes: list[str] = field(default_factory=list)
    key: tuple[str, ...] = ()
    refs: dict[str, str] = field(default_factory=dict)  # column -> "dataset.column"
    filename: str | None = None
    scale: Callable | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def file(self) -> str:
        return self.filename or f"{self.name}.csv"

    @property
    def dictionary_file(self) -> str:
        return self.file[: -len(".csv")] + ".md"


@dataclass
class Context:
    seed: int
    scale: int = 1
    tables: dict[str, object] = field(default_factory=dict)
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A stream per data set, so adding or changing one data set never changes another."""
        return random.Random(f"kynangso:{self.seed}:{name}")

    def uniform(self, name: str) -> Uniform:
        return Uniform(f"kynangso:{self.seed}:{name}")

    def rows(self, name: str) -> list[dict]:
        t = self.tables[name]
        if isinstance(t, dict):
            keys = list(t)
            return [dict(zip(keys, vals, strict=True)) for vals in zip(*t.values(), strict=True)]
        return t

    def add_file(self, dataset: str, relpath: str, body: bytes) -> None:
        self.files.setdefault(dataset, {})[relpath] = body


class Uniform:
    """Uniform numbers in [0, 1) from PCG64's raw 64-bit stream, which NumPy keeps stable across
    versions (unlike its distribution methods): the same seed gives the same bytes everywhere."""

    def __init__(self, key: str):
        seed = int.from_bytes(hashlib.sha256(key.encode()).digest()[:16], "little")
        self._bits = np.random.PCG64(seed)

    def __call__(self, n: int) -> np.ndarray:
        return (self._bits.random_raw(n) >> np.uint64(11)).astype(np.float64) * (1.0 / 9007199254740992.0)

    def choice(self, n: int, weights) -> np.ndarray:
        """n indices drawn with the given (unnormalised) weights."""
        cum = np.cumsum(np.asarray(weights, dtype=np.float64))
        return np.minimum(np.searchsorted(cum / cum[-1], self(n), side="right"), len(cum) - 1)

    def integers(self, low: int, high: int, n: int) -> np.ndarray:
        """n integers in [low, high)."""
        return low + np.floor(self(n) * (high - low)).astype(np.int64)


def scale_plan(n: int) -> tuple[int, int]:
    """`--scale n` writes n blocks of a district-year: (years from 2022, copies of the 28 units)."""
    years = min(n, 8)
    return years, -(-n // years)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_slug(text: str) -> str:
    """'Nguyễn Văn Đ' -> 'nguyen van d'."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def split_total(total: int, weights) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    weights = list(weights)
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


# --- synthetic people -------------------------------------------------------------------

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Phan",
    "Vũ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Đào",
    "Đinh",
    "Trịnh",
    "Lưu",
    "Tạ",
    "Khổng",
    "Hà",
]
MIDDLE = {
    "nam": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Ngọc", "Thanh", "Công", "Mạnh"],
    "nu": ["Thị", "Thu", "Ngọc", "Minh", "Thanh", "Hồng", "Phương", "Thị"],
}
# Letters in place of given names, the Vietnamese convention for a made-up person ("Nguyễn Văn A"):
# nobody mistakes these for real people.
GIVEN = ["A", "B", "C", "D", "Đ", "E", "G", "H", "K", "L", "M", "N", "P", "Q", "S", "T", "U", "V", "X", "Y"]


@dataclass(frozen=True)
class Person:
    ho_ten: str
    gioi_tinh: str  # "nam" | "nu"
    nam_sinh: int
    so_dinh_danh: str
    dien_thoai: str


def person(rng: random.Random, born: tuple[int, int] = (1965, 2001)) -> Person:
    sex = rng.choice(["nam", "nu"])
    name = nfc(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN)}")
    year = rng.randint(*born)
    return Person(name, sex, year, personal_id(year, sex, rng), phone(rng))


def personal_id(year: int, sex: str, rng: random.Random) -> str:
    """12 digits like a citizen ID: place code 000 (no real province has it), then the century-and-sex
    digit (0/1 male/female born 1900-1999, 2/3 born 2000-2099), the last two digits of the birth
    year, and six random digits."""
    century = (year // 100 - 19) * 2 + (1 if sex == "nu" else 0)
    return f"000{century}{year % 100:02d}{rng.randrange(10**6):06d}"


def phone(rng: random.Random) -> str:
    """Ten digits starting with 0000: no Vietnamese network uses that prefix."""
    return f"0000{rng.randrange(10**6):06d}"


# --- rendering --------------------------------------------------------------------------


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return nfc(str(value))


def render_csv(ds: Dataset, table) -> tuple[bytes, int]:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ds.column_names)
    if isinstance(table, dict):
        missing = [c for c in ds.column_names if c not in table]
        assert not missing, f"{ds.name}: generator lacks columns {missing}"
        rows = zip(*[table[c] for c in ds.column_names], strict=True)
        n = len(table[ds.column_names[0]])
        # columns arrive already as text; only None needs mapping
        writer.writerows(["" if v is None else v for v in row] for row in rows)
    else:
        n = len(table)
        writer.writerows([_cell(row[c]) for c in ds.column_names] for row in table)
    return buf.getvalue().encode("utf-8"), n


def render_dictionary(ds: Dataset, body: bytes, n_rows: int, seed: int, extra: dict[str, bytes]) -> str:
    lines = [
        f"# `{ds.file}`: {ds.title_vi}",
        "",
        f"*{ds.title_en}.*",
        "",
        "Tệp này do máy sinh ra, không sửa tay / generated, do not edit: `kynangso data`.",
        "",
        f"- Số dòng / rows: {n_rows}",
        "- Mã hóa / encoding: UTF-8, Unicode NFC, dấu phân cách `,`; ngày `YYYY-MM-DD`, thời điểm "
        "`YYYY-MM-DD HH:MM:SS` giờ Việt Nam (UTC+07:00); ô trống = không có giá trị",
        f"- Hạt giống / seed: {seed} (`kynangso data --seed {seed}`)",
        f"- Giấy phép / licence: {LICENCE}",
        f"- SHA-256: `{hashlib.sha256(body).hexdigest()}`",
    ]
    if ds.key:
        lines.append(f"- Khóa / key: {', '.join(f'`{k}`' for k in ds.key)} (không trùng / unique)")
    for col, target in ds.refs.items():
        lines.append(f"- `{col}` tham chiếu / refers to `{target}`")
    lines += [
        "",
        "## Cột / columns",
        "",
        "| cột | nhãn | kiểu | đơn vị | meaning | ghi chú |",
        "|---|---|---|---|---|---|",
    ]
    for c in ds.columns:
        dtype = c.dtype + (" (có thể trống)" if c.nullable else "")
        cells = [f"`{c.name}`", c.label, dtype, c.unit, c.en, c.note]
        lines.append("| " + " | ".join(x.replace("|", "\\|") for x in cells) + " |")
    lines += ["", "## Cách sinh dữ liệu / how it is generated", "", ds.method, ""]
    lines += [f"- {n}" for n in ds.notes]
    if extra:
        lines += ["", "## Tệp đi kèm / other files", "", "| tệp | SHA-256 |", "|---|---|"]
        lines += [f"| `{p}` | `{hashlib.sha256(b).hexdigest()}` |" for p, b in sorted(extra.items())]
    return nfc("\n".join(lines).rstrip() + "\n")
