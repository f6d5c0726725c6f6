"""District data sets: a seeded generator, their data dictionaries, and loaders for notebooks.

Every CSV in datasets/ is written by this module from a seed and never edited by hand:
`kynangso data` rewrites them byte for byte, `kynangso data --check` proves they are current.
Each data set has a dictionary (datasets/<name>.md) generated from the schemas below.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import paths

DEFAULT_SEED = 2022
LICENCE = "CC0 1.0 (dữ liệu tổng hợp / synthetic data)"
SYNTHETIC_NOTE = (
    "Mọi họ tên, mã cán bộ và địa chỉ thư trong tệp này là **giả định**, do máy sinh ra từ hạt giống "
    "(seed); tên miền `.example` không tồn tại trên Internet. / All names, IDs and e-mail addresses "
    "are synthetic, generated from a seed; the `.example` domain cannot exist on the Internet."
)


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # "str", "int", "float", "bool"
    unit: str
    vi: str
    en: str


@dataclass
class Dataset:
    name: str
    title_vi: str
    title_en: str
    columns: list[Column]
    generate: Callable[["Context"], list[dict]]
    method: str
    notes: list[str] = field(default_factory=list)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


@dataclass
class Context:
    seed: int
    tables: dict[str, list[dict]] = field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        # One stream per data set, so adding a data set never changes another one.
        return random.Random(f"kynangso:{self.seed}:{name}")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def ascii_slug(text: str) -> str:
    """'Nguyễn Văn Hòa' -> 'nguyen van hoa' (for e-mail addresses)."""
    text = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


# --- don_vi: the 28 commune-level units -------------------------------------------------

TOTAL_POPULATION_2019 = 205_345
TOTAL_AREA_KM2 = 144.0
# (name, kind, area km², population) — known figures from ../shared/DOMAIN.md [C]; None = estimate.
UNITS: list[tuple[str, str, float | None, int | None]] = [
    ("Vĩnh Tường", "thi_tran", None, None),
    ("Thổ Tang", "thi_tran", 5.3, 18_631),
    ("Tứ Trưng", "thi_tran", 4.97, 7_530),
    ("An Tường", "xa", None, None),
    ("Bình Dương", "xa", None, None),
    ("Bồ Sao", "xa", None, None),
    ("Cao Đại", "xa", None, None),
    ("Chấn Hưng", "xa", None, None),
    ("Đại Đồng", "xa", None, None),
    ("Kim Xá", "xa", None, None),
    ("Lũng Hòa", "xa", None, None),
    ("Lý Nhân", "xa", None, None),
    ("Nghĩa Hưng", "xa", None, None),
    ("Ngũ Kiên", "xa", None, None),
    ("Phú Đa", "xa", None, None),
    ("Tam Phúc", "xa", None, None),
    ("Tân Phú", "xa", None, None),
    ("Tân Tiến", "xa", None, None),
    ("Thượng Trưng", "xa", None, None),
    ("Tuân Chính", "xa", None, None),
    ("Vân Xuân", "xa", None, None),
    ("Việt Xuân", "xa", None, None),
    ("Vĩnh Ninh", "xa", None, None),
    ("Vĩnh Sơn", "xa", 3.3, 6_512),
    ("Vĩnh Thịnh", "xa", None, None),
    ("Vũ Di", "xa", None, None),
    ("Yên Bình", "xa", None, None),
    ("Yên Lập", "xa", None, None),
]
DISTRICT_UNIT = ("VT00", "UBND huyện Vĩnh Tường")


def _split_total(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to weights that add up to total exactly (largest remainder)."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[: total - sum(out)]:
        out[i] += 1
    return out


def _gen_don_vi(ctx: Context) -> list[dict]:
    rng = ctx.rng("don_vi")
    unknown = [i for i, u in enumerate(UNITS) if u[3] is None]
    # Plausible relative sizes: the district seat is larger, communes vary around the mean.
    weights = [rng.lognormvariate(0, 0.3) * (1.6 if UNITS[i][0] == "Vĩnh Tường" else 1.0) for i in unknown]
    known_pop = sum(u[3] for u in UNITS if u[3] is not None)
    pops = _split_total(TOTAL_POPULATION_2019 - known_pop, weights)
    known_area = sum(u[2] for u in UNITS if u[2] is not None)
    area_weights = [w * rng.uniform(0.8, 1.25) for w in weights]
    areas = _split_total(round((TOTAL_AREA_KM2 - known_area) * 100), area_weights)
    est = {i: (pops[k], areas[k] / 100) for k, i in enumerate(unknown)}
    rows = []
    for i, (name, kind, area, pop) in enumerate(UNITS):
        estimated = pop is None
        if estimated:
            pop, area = est[i]
        rows.append(
            {
                "ma_don_vi": f"VT{i + 1:02d}",
                "ten_don_vi": name,
                "loai": kind,
                "dan_so": pop,
                "dien_tich_km2": f"{area:.2f}",
                "uoc_tinh": estimated,
            }
        )
    return rows


# --- can_bo: officials ------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Đào", "Đinh", "Trịnh", "Lưu", "Tạ", "Khổng", "Hà"]
MIDDLE = {"nam": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Xuân", "Ngọc", "Thanh", "Công", "Mạnh"],
          "nu": ["Thị", "Thu", "Ngọc", "Minh", "Thanh", "Hồng", "Phương", "Thị"]}
GIVEN = {"nam": ["An", "Bình", "Cường", "Dũng", "Hùng", "Hải", "Hoàng", "Khánh", "Long", "Nam",
                 "Phong", "Quân", "Sơn", "Thắng", "Toàn", "Tuấn", "Việt", "Vinh", "Hòa", "Thành"],
         "nu": ["Anh", "Châu", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh",
                "Mai", "Nga", "Nhung", "Oanh", "Phương", "Thảo", "Trang", "Yến", "Hòa"]}
COMMUNE_LEADERS = ["Chủ tịch UBND", "Phó Chủ tịch UBND"]
COMMUNE_STAFF = ["Công chức Văn phòng - Thống kê", "Công chức Tư pháp - Hộ tịch",
                 "Công chức Địa chính - Xây dựng", "Công chức Tài chính - Kế toán",
                 "Công chức Văn hóa - Xã hội"]
DISTRICT_POSITIONS = [("Chánh Văn phòng HĐND và UBND huyện", True),
                      ("Trưởng phòng Văn hóa và Thông tin", True),
                      ("Chuyên viên Văn phòng HĐND và UBND huyện", False),
                      ("Chuyên viên Phòng Tư pháp", False),
                      ("Chuyên viên Phòng Tài nguyên và Môi trường", False),
                      ("Văn thư Văn phòng HĐND và UBND huyện", False)]
MAIL_DOMAIN = "vinhtuong.example"


def email_address(full_name: str, unit_code: str, taken: set[str]) -> str:
    """The course's mailbox convention: <given name><initials of family and middle names>.<unit code>
    @vinhtuong.example, ASCII lower case; a number is appended when the address is taken."""
    words = ascii_slug(full_name).split()
    local = words[-1] + "".join(w[0] for w in words[:-1]) + "." + unit_code.lower()
    candidate, n = local, 2
    while candidate in taken:
        candidate, n = f"{local}{n}", n + 1
    taken.add(candidate)
    return f"{candidate}@{MAIL_DOMAIN}"


def _person(rng: random.Random) -> str:
    sex = rng.choice(["nam", "nu"])
    return nfc(f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}")


def _gen_can_bo(ctx: Context) -> list[dict]:
    rng = ctx.rng("can_bo")
    staff: list[tuple[str, str, bool]] = [(DISTRICT_UNIT[0], p, lead) for p, lead in DISTRICT_POSITIONS]
    for unit in ctx.tables["don_vi"]:
        suffix = "thị trấn" if unit["loai"] == "thi_tran" else "xã"
        staff += [(unit["ma_don_vi"], f"{p} {suffix}", True) for p in COMMUNE_LEADERS]
        staff += [(unit["ma_don_vi"], p, False) for p in rng.sample(COMMUNE_STAFF, rng.randint(2, 3))]
    taken: set[str] = set()
    rows = []
    for n, (unit_code, position, leader) in enumerate(staff, start=1):
        name = _person(rng)
        rows.append({"ma_can_bo": f"cb{n:04d}", "ho_ten": name, "ma_don_vi": unit_code,
                     "chuc_vu": position, "email": email_address(name, unit_code, taken),
                     "co_chung_thu_so": leader})
    return rows


def _gen_lop_demo(ctx: Context) -> list[dict]:
    """The demo cohort: one clerk (not a leader) from each of the 28 units, in unit order."""
    rows, seen = [], set()
    for official in ctx.tables["can_bo"]:
        if official["ma_don_vi"] != DISTRICT_UNIT[0] and not official["co_chung_thu_so"] \
                and official["ma_don_vi"] not in seen:
            seen.add(official["ma_don_vi"])
            rows.append({k: official[k] for k in ("ma_can_bo", "ho_ten", "ma_don_vi", "chuc_vu", "email")})
    return rows


ROSTER_COLUMNS = [
    Column("ma_can_bo", "str", "", "Mã cán bộ (giả định), dùng làm mã học viên trong nbgrader",
           "Official's ID (synthetic), used as the nbgrader student id"),
    Column("ho_ten", "str", "", "Họ và tên (giả định)", "Full name (synthetic)"),
    Column("ma_don_vi", "str", "", "Mã đơn vị công tác (xem don_vi; VT00 = UBND huyện)",
           "Unit code (see don_vi; VT00 = the district People's Committee)"),
    Column("chuc_vu", "str", "", "Chức vụ", "Position"),
    Column("email", "str", "", "Địa chỉ thư công vụ theo quy ước của khóa học",
           "Official e-mail address, in the course's convention"),
]

DATASETS: list[Dataset] = [
    Dataset(
        name="don_vi",
        title_vi="28 đơn vị hành chính cấp xã của huyện Vĩnh Tường",
        title_en="The 28 commune-level units of Vĩnh Tường district",
        columns=[
            Column("ma_don_vi", "str", "", "Mã đơn vị của khóa học (giả định, không phải mã thống kê)",
                   "The course's unit code (synthetic, not the statistical code)"),
            Column("ten_don_vi", "str", "", "Tên đơn vị (Unicode NFC)", "Unit name (Unicode NFC)"),
            Column("loai", "str", "", "Loại: thi_tran (thị trấn) hoặc xa (xã)", "Kind: town or commune"),
            Column("dan_so", "int", "người", "Dân số (2019)", "Population (2019)"),
            Column("dien_tich_km2", "float", "km²", "Diện tích", "Area"),
            Column("uoc_tinh", "bool", "", "True: dân số và diện tích là số ước tính (giả định)",
                   "True: population and area are estimates (synthetic)"),
        ],
        generate=_gen_don_vi,
        method=(
            "Danh sách 28 đơn vị theo DOMAIN.md (3 thị trấn, 25 xã). Thổ Tang, Tứ Trưng, Vĩnh Sơn dùng số liệu "
            "công bố; các đơn vị khác chia phần còn lại của tổng dân số 205.345 người (2019) và diện tích "
            "144 km² theo trọng số ngẫu nhiên có hạt giống, nên tổng đúng bằng số công bố."
        ),
        notes=["Tên đơn vị ghi dạng NFC; khi so sánh tên, chuẩn hóa NFC (\"Hòa\"/\"Hoà\")."],
    ),
    Dataset(
        name="can_bo",
        title_vi="Cán bộ, công chức của huyện và các xã, thị trấn (giả định)",
        title_en="Officials of the district and its communes (synthetic)",
        columns=ROSTER_COLUMNS + [
            Column("co_chung_thu_so", "bool", "", "Có chứng thư số để ký (lãnh đạo: có)",
                   "Holds a signing certificate (leaders do)"),
        ],
        generate=_gen_can_bo,
        method=(
            "Mỗi xã, thị trấn: Chủ tịch, Phó Chủ tịch và 2–3 công chức chuyên môn; cấp huyện: 6 vị trí (mã đơn vị "
            "VT00). Họ tên ghép ngẫu nhiên từ danh sách họ, tên đệm, tên phổ biến. Thư công vụ theo quy ước: "
            "<tên><chữ cái đầu của họ và tên đệm>.<mã đơn vị>@vinhtuong.example, chữ thường không dấu, "
            "thêm số khi trùng."
        ),
        notes=[SYNTHETIC_NOTE],
    ),
    Dataset(
        name="lop_demo",
        title_vi="Danh sách lớp mẫu: mỗi đơn vị một công chức",
        title_en="The demo cohort's roster: one official from each unit",
        columns=ROSTER_COLUMNS,
        generate=_gen_lop_demo,
        method="Lấy từ can_bo: công chức (không phải lãnh đạo) đầu tiên của mỗi đơn vị trong 28 đơn vị.",
        notes=[SYNTHETIC_NOTE, "Dùng cho `kynangso demo` và làm mẫu cho tệp danh sách của giảng viên."],
    ),
]


def dataset(name: str) -> Dataset:
    for d in DATASETS:
        if d.name == name:
            return d
    raise KeyError(f"unknown data set {name!r}; known: {', '.join(d.name for d in DATASETS)}")


def _cell(value) -> str:
    return nfc(str(value))


def render_csv(ds: Dataset, rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(ds.column_names)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in ds.column_names])
    return buf.getvalue().encode("utf-8")


def render_dictionary(ds: Dataset, csv_bytes: bytes, n_rows: int, seed: int) -> str:
    lines = [
        f"# `{ds.name}.csv`: {ds.title_vi}",
        "",
        f"*{ds.title_en}.*",
        "",
        "Tệp này do máy sinh ra, không sửa tay / generated, do not edit: `kynangso data`.",
        "",
        f"- Số dòng / rows: {n_rows}",
        f"- Mã hóa / encoding: UTF-8, Unicode NFC, dấu phân cách `,`",
        f"- Hạt giống / seed: {seed} (`kynangso data --seed {seed}`)",
        f"- Giấy phép / licence: {LICENCE}",
        f"- SHA-256: `{hashlib.sha256(csv_bytes).hexdigest()}`",
        "",
        "## Cột / columns",
        "",
        "| cột | kiểu | đơn vị | ý nghĩa | meaning |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| `{c.name}` | {c.dtype} | {c.unit} | {c.vi} | {c.en} |" for c in ds.columns]
    lines += ["", "## Cách sinh dữ liệu / how it is generated", "", ds.method, ""]
    lines += [f"- {n}" for n in ds.notes]
    return nfc("\n".join(lines).rstrip() + "\n")


def render_all(seed: int = DEFAULT_SEED) -> dict[str, bytes]:
    """File name -> content for every data set and its dictionary."""
    ctx = Context(seed=seed)
    files: dict[str, bytes] = {}
    index = ["# Dữ liệu của khóa học / the course's data sets", "",
             "Sinh bằng `kynangso data` từ hạt giống; không sửa tay. Mỗi tệp có từ điển dữ liệu riêng.", "",
             "| tệp | nội dung | dòng |", "|---|---|---|"]
    for ds in DATASETS:
        rows = ds.generate(ctx)
        ctx.tables[ds.name] = rows
        body = render_csv(ds, rows)
        files[f"{ds.name}.csv"] = body
        files[f"{ds.name}.md"] = render_dictionary(ds, body, len(rows), seed).encode("utf-8")
        index.append(f"| [`{ds.name}.csv`]({ds.name}.md) | {ds.title_vi} | {len(rows)} |")
    files["README.md"] = nfc("\n".join(index) + "\n").encode("utf-8")
    return files


def write_all(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> list[Path]:
    out_dir = out_dir or paths.datasets_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in render_all(seed).items():
        target = out_dir / name
        target.write_bytes(body)
        written.append(target)
    return written


def stale_files(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> list[str]:
    """Names of files in out_dir that differ from what the generator writes."""
    out_dir = out_dir or paths.datasets_dir()
    return [name for name, body in render_all(seed).items()
            if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != body]


# --- for notebooks ----------------------------------------------------------------------

def path(name: str) -> Path:
    """The path of a course data set: `path("don_vi")` -> .../datasets/don_vi.csv."""
    dataset(name)
    return paths.datasets_dir() / f"{name}.csv"


def load(name: str):
    """Read a course data set as a pandas DataFrame with the types of its data dictionary."""
    import pandas as pd

    ds = dataset(name)
    dtypes = {c.name: {"str": "string", "int": "int64", "float": "float64", "bool": "bool"}[c.dtype]
              for c in ds.columns}
    return pd.read_csv(path(name), dtype=dtypes, encoding="utf-8")


# --- the `kynangso data` verb -----------------------------------------------------------

def add_arguments(p) -> None:
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=None, help="folder (default: the repository's datasets/)")
    p.add_argument("--check", action="store_true", help="only report files that differ from the generator")


def run(args) -> int:
    if args.check:
        stale = stale_files(args.out, args.seed)
        for name in stale:
            print(f"stale: {name} (run `kynangso data`)")
        print("datasets: up to date" if not stale else f"datasets: {len(stale)} stale file(s)")
        return 1 if stale else 0
    for target in write_all(args.out, args.seed):
        print(target)
    return 0
