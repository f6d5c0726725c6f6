"""The rules and the parties of the district's document registers (Decree 30/2020/NĐ-CP): document
types and their abbreviations, numbers and symbols, urgency and the working days allowed to handle
a document, the district's drafting departments, and who writes to the district People's Committee
(`ISSUERS`, the communes' committees, the departments). Also the registers' year and the small
helpers of their generators (working days, weighted choices, counts, a share that moves through
the year), which meetings and ocop use too.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from .base import Context
from .units import DEPARTMENTS

YEAR = 2022
# The registers are read at the close of the last working day of 2022 (31 Dec is a Saturday):
# documents not handled by then are pending.
SNAPSHOT = date(2022, 12, 30)

# Decree 30/2020/NĐ-CP, Appendix III: document types and their abbreviations. Công văn has none.
TYPES: dict[str, tuple[str, str]] = {
    "nghi_quyet": ("NQ", "Nghị quyết"),
    "quyet_dinh": ("QĐ", "Quyết định"),
    "chi_thi": ("CT", "Chỉ thị"),
    "quy_che": ("QC", "Quy chế"),
    "quy_dinh": ("QyĐ", "Quy định"),
    "thong_cao": ("TC", "Thông cáo"),
    "thong_bao": ("TB", "Thông báo"),
    "huong_dan": ("HD", "Hướng dẫn"),
    "chuong_trinh": ("CTr", "Chương trình"),
    "ke_hoach": ("KH", "Kế hoạch"),
    "phuong_an": ("PA", "Phương án"),
    "de_an": ("ĐA", "Đề án"),
    "du_an": ("DA", "Dự án"),
    "bao_cao": ("BC", "Báo cáo"),
    "bien_ban": ("BB", "Biên bản"),
    "to_trinh": ("TTr", "Tờ trình"),
    "hop_dong": ("HĐ", "Hợp đồng"),
    "cong_dien": ("CĐ", "Công điện"),
    "ban_ghi_nho": ("BGN", "Bản ghi nhớ"),
    "ban_thoa_thuan": ("BTT", "Bản thỏa thuận"),
    "giay_uy_quyen": ("GUQ", "Giấy ủy quyền"),
    "giay_moi": ("GM", "Giấy mời"),
    "giay_gioi_thieu": ("GGT", "Giấy giới thiệu"),
    "giay_nghi_phep": ("GNP", "Giấy nghỉ phép"),
    "phieu_gui": ("PG", "Phiếu gửi"),
    "phieu_chuyen": ("PC", "Phiếu chuyển"),
    "phieu_bao": ("PB", "Phiếu báo"),
    "cong_van": ("", "Công văn"),
}
URGENCY = {"thuong": "Thường", "khan": "Khẩn", "thuong_khan": "Thượng khẩn", "hoa_toc": "Hỏa tốc"}
# Working days allowed to handle an incoming document, counted from its arrival day. Urgent ones
# are fixed; for ordinary ones the leader sets one of these when assigning the document.
URGENT_DAYS = {"hoa_toc": 1, "thuong_khan": 2, "khan": 3}
ORDINARY_DAYS = ((5, 0.3), (7, 0.25), (10, 0.3), (15, 0.15))

# Drafting units of the district and their abbreviations in the number/symbol of a công văn.
DEPT_ABBR = {
    "Văn phòng HĐND và UBND huyện": "VP",
    "Phòng Nội vụ": "NV",
    "Phòng Tư pháp": "TP",
    "Phòng Tài chính - Kế hoạch": "TCKH",
    "Phòng Tài nguyên và Môi trường": "TNMT",
    "Phòng Lao động - Thương binh và Xã hội": "LĐTBXH",
    "Phòng Văn hóa và Thông tin": "VHTT",
    "Phòng Giáo dục và Đào tạo": "GDĐT",
    "Phòng Y tế": "YT",
    "Phòng Kinh tế và Hạ tầng": "KTHT",
    "Phòng Nông nghiệp và Phát triển nông thôn": "NNPTNT",
    "Thanh tra huyện": "TTH",
}
assert set(DEPT_ABBR) <= {agency for agency, _ in DEPARTMENTS}, "department names must match units.DEPARTMENTS"
VP = "Văn phòng HĐND và UBND huyện"
N_DEPARTMENTS = sum(1 for d in DEPT_ABBR if d != VP)  # "các phòng chuyên môn": 10 phòng and Thanh tra


def type_note(codes) -> str:
    return " | ".join(
        f"{c} ({TYPES[c][1]}{', ' + TYPES[c][0] if TYPES[c][0] else ', không có chữ viết tắt'})" for c in codes
    )


def symbol(number: int, kind: str, agency: str, unit: str = "") -> str:
    """Number and symbol (Decree 30/2020/NĐ-CP): `05/QĐ-UBND`; a công văn `45/UBND-VP` (agency, then the
    drafting unit; no type abbreviation). Numbers below 10 get a leading zero."""
    if number < 1:
        raise ValueError("document numbers start at 1")
    if kind == "cong_van":
        return f"{number:02d}/{agency}-{unit}" if unit else f"{number:02d}/{agency}"
    return f"{number:02d}/{TYPES[kind][0]}-{agency}"


def number_register(docs: list[tuple[date, str]]) -> list[int]:
    """The numbers an agency gives its documents, listed in order of issue as (date, type): one
    sequence per type (all công văn share one, whatever the drafting unit), from 1 each 1 January."""
    counters: dict[tuple[int, str], int] = {}
    numbers, last = [], None
    for d, kind in docs:
        if last is not None and d < last:
            raise ValueError("documents must be listed in order of issue")
        last = d
        counters[(d.year, kind)] = counters.get((d.year, kind), 0) + 1
        numbers.append(counters[(d.year, kind)])
    return numbers


@cache
def working_days(start: date, end: date) -> tuple[date, ...]:
    from .. import workdays as wd

    return tuple(
        start + timedelta(days=k) for k in range((end - start).days + 1) if wd.is_working_day(start + timedelta(days=k))
    )


def weighted(rng: random.Random, pairs):
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def count(rng: random.Random, mean: float) -> int:
    """A Poisson-like count (normal approximation) from the data set's own stream."""
    return max(0, round(rng.gauss(mean, mean**0.5)))


def months(a: int, b: int) -> frozenset[int]:
    return frozenset(range(a, b + 1))


def ramp(month: int, jan: float, dec: float) -> float:
    return jan + (dec - jan) * (month - 1) / 11


# --- who writes to the district -----------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    name: str  # tác giả, as registered
    abbr: str  # agency abbreviation in the number/symbol
    level: str  # trung_uong | tinh | huyen | xa
    kinds: tuple[tuple[str, float, int], ...]  # (type, share of what it sends us, its numbers a year)
    units: tuple[str, ...] = ()  # drafting units that appear after a công văn's agency


PROVINCE = "tỉnh Vĩnh Phúc"
SO_KINDS = (
    ("cong_van", 0.60, 2600),
    ("ke_hoach", 0.10, 220),
    ("huong_dan", 0.08, 60),
    ("giay_moi", 0.10, 300),
    ("quyet_dinh", 0.05, 400),
    ("thong_bao", 0.05, 150),
    ("bao_cao", 0.02, 350),
)
BO_KINDS = (("cong_van", 0.65, 6000), ("quyet_dinh", 0.20, 2200), ("huong_dan", 0.08, 90), ("ke_hoach", 0.07, 250))
# Abbreviations follow the usual pattern of each agency's name; they are the course's assumption.
ISSUERS: dict[str, Issuer] = {
    "TTg": Issuer(
        "Thủ tướng Chính phủ",
        "TTg",
        "trung_uong",
        (("quyet_dinh", 0.6, 1700), ("cong_dien", 0.3, 40), ("chi_thi", 0.1, 25)),
    ),
    "VPCP": Issuer(
        "Văn phòng Chính phủ",
        "VPCP",
        "trung_uong",
        (("cong_van", 0.8, 8000), ("thong_bao", 0.2, 400)),
        ("KGVX", "KTTH", "NN", "KSTT"),
    ),
    "BTTTT": Issuer("Bộ Thông tin và Truyền thông", "BTTTT", "trung_uong", BO_KINDS, ("THH", "CATTT")),
    "BNV": Issuer("Bộ Nội vụ", "BNV", "trung_uong", BO_KINDS, ("CCHC", "CQĐP")),
    "BYT": Issuer("Bộ Y tế", "BYT", "trung_uong", BO_KINDS, ("DP", "KCB")),
    "BNN": Issuer("Bộ Nông nghiệp và Phát triển nông thôn", "BNN", "trung_uong", BO_KINDS, ("VPĐP", "KTHT")),
    "BGDĐT": Issuer("Bộ Giáo dục và Đào tạo", "BGDĐT", "trung_uong", BO_KINDS, ("GDTH", "GDTrH")),
    "BTNMT": Issuer("Bộ Tài nguyên và Môi trường", "BTNMT", "trung_uong", BO_KINDS, ("QLĐĐ",)),
    "UBND_TINH": Issuer(
        f"UBND {PROVINCE}",
        "UBND",
        "tinh",
        (
            ("cong_van", 0.55, 11000),
            ("quyet_dinh", 0.16, 3200),
            ("ke_hoach", 0.09, 320),
            ("thong_bao", 0.07, 450),
            ("giay_moi", 0.05, 500),
            ("chi_thi", 0.02, 25),
            ("cong_dien", 0.02, 30),
            ("huong_dan", 0.02, 40),
            ("bao_cao", 0.02, 600),
        ),
        ("TH", "KT", "NN", "VX", "NC", "CN"),
    ),
    "VPUBND": Issuer(
        f"Văn phòng UBND {PROVINCE}",
        "VPUBND",
        "tinh",
        (("cong_van", 0.7, 5000), ("thong_bao", 0.2, 700), ("giay_moi", 0.1, 900)),
        ("TH", "NC", "KSTTHC"),
    ),
    "HĐND_TINH": Issuer(
        f"HĐND {PROVINCE}", "HĐND", "tinh", (("nghi_quyet", 0.3, 90), ("giay_moi", 0.4, 120), ("thong_bao", 0.3, 80))
    ),
    "HĐND_HUYEN": Issuer(
        "HĐND huyện Vĩnh Tường",
        "HĐND",
        "huyen",
        (("nghi_quyet", 0.3, 40), ("giay_moi", 0.4, 80), ("thong_bao", 0.3, 40)),
    ),
}
for _abbr, _name, _units in [
    ("STTTT", "Sở Thông tin và Truyền thông", ("CNTT", "BCVT", "TTBCXB")),
    ("SNV", "Sở Nội vụ", ("CCHC", "XDCQ", "VP")),
    ("SYT", "Sở Y tế", ("NVY", "KHTC", "VP")),
    ("SNN", "Sở Nông nghiệp và Phát triển nông thôn", ("KHTC", "PTNT", "VP")),
    ("STNMT", "Sở Tài nguyên và Môi trường", ("ĐĐ", "MT", "VP")),
    ("SGDĐT", "Sở Giáo dục và Đào tạo", ("GDPT", "KHTC", "VP")),
    ("STC", "Sở Tài chính", ("QLNS", "TCĐT")),
    ("SKHĐT", "Sở Kế hoạch và Đầu tư", ("TH", "ĐKKD")),
    ("STP", "Sở Tư pháp", ("HCTP", "PBGDPL")),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ("QLVH", "NVDL")),
    ("SLĐTBXH", "Sở Lao động - Thương binh và Xã hội", ("BTXH", "LĐVL", "NCC")),
    ("SXD", "Sở Xây dựng", ("QLXD", "QHKT")),
    ("SCT", "Sở Công Thương", ("QLTM", "QLCN")),
]:
    ISSUERS[_abbr] = Issuer(_name, _abbr, "tinh", SO_KINDS, _units)
COMMUNE_KINDS = (("bao_cao", 0.45, 180), ("to_trinh", 0.25, 90), ("cong_van", 0.25, 150), ("ke_hoach", 0.05, 60))
DEPT_KINDS = (("to_trinh", 0.55, 150), ("bao_cao", 0.45, 160))


def commune_issuers(ctx: Context) -> list[tuple[str, Issuer]]:
    """(unit code, issuer) for the 28 commune-level People's Committees."""
    return [(u["ma_don_vi"], Issuer(commune_name(u), "UBND", "xa", COMMUNE_KINDS, ("VP",))) for u in ctx.rows("don_vi")]


def commune_name(unit: dict) -> str:
    return f"UBND {'thị trấn' if unit['loai'] == 'thi_tran' else 'xã'} {unit['ten_don_vi']}"


def place(committee: str) -> str:
    """'UBND xã Kim Xá' -> 'xã Kim Xá'."""
    return committee.removeprefix("UBND ")


def dept_issuer(dept: str) -> Issuer:
    return Issuer(dept, DEPT_ABBR[dept], "huyen", DEPT_KINDS)
