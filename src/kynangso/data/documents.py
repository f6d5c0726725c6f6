"""The 2022 document registers of the district People's Committee (Decree 30/2020/NĐ-CP):
incoming documents (van_ban_den) and outgoing documents (van_ban_di)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from .base import Column, Context, Dataset, nfc
from .units import DEPARTMENTS, DISTRICT_CODE

YEAR = 2022
# The registers are read at the close of the last working day of 2022 (31 Dec is a Saturday):
# documents not handled by then are pending.
SNAPSHOT = date(2022, 12, 30)

# Decree 30/2020/NĐ-CP, Appendix III: document types and their abbreviations. Công văn has none.
TYPES: dict[str, tuple[str, str]] = {
    "nghi_quyet": ("NQ", "Nghị quyết"), "quyet_dinh": ("QĐ", "Quyết định"), "chi_thi": ("CT", "Chỉ thị"),
    "quy_che": ("QC", "Quy chế"), "quy_dinh": ("QyĐ", "Quy định"), "thong_cao": ("TC", "Thông cáo"),
    "thong_bao": ("TB", "Thông báo"), "huong_dan": ("HD", "Hướng dẫn"), "chuong_trinh": ("CTr", "Chương trình"),
    "ke_hoach": ("KH", "Kế hoạch"), "phuong_an": ("PA", "Phương án"), "de_an": ("ĐA", "Đề án"),
    "du_an": ("DA", "Dự án"), "bao_cao": ("BC", "Báo cáo"), "bien_ban": ("BB", "Biên bản"),
    "to_trinh": ("TTr", "Tờ trình"), "hop_dong": ("HĐ", "Hợp đồng"), "cong_dien": ("CĐ", "Công điện"),
    "ban_ghi_nho": ("BGN", "Bản ghi nhớ"), "ban_thoa_thuan": ("BTT", "Bản thỏa thuận"),
    "giay_uy_quyen": ("GUQ", "Giấy ủy quyền"), "giay_moi": ("GM", "Giấy mời"),
    "giay_gioi_thieu": ("GGT", "Giấy giới thiệu"), "giay_nghi_phep": ("GNP", "Giấy nghỉ phép"),
    "phieu_gui": ("PG", "Phiếu gửi"), "phieu_chuyen": ("PC", "Phiếu chuyển"), "phieu_bao": ("PB", "Phiếu báo"),
    "cong_van": ("", "Công văn"),
}
URGENCY = {"thuong": "Thường", "khan": "Khẩn", "thuong_khan": "Thượng khẩn", "hoa_toc": "Hỏa tốc"}
# Working days allowed to handle an incoming document, counted from its arrival day. Urgent ones
# are fixed; for ordinary ones the leader sets one of these when assigning the document.
URGENT_DAYS = {"hoa_toc": 1, "thuong_khan": 2, "khan": 3}
ORDINARY_DAYS = ((5, 0.3), (7, 0.25), (10, 0.3), (15, 0.15))

# Drafting units of the district and their abbreviations in the number/symbol of a công văn.
DEPT_ABBR = {
    "Văn phòng HĐND và UBND huyện": "VP", "Phòng Nội vụ": "NV", "Phòng Tư pháp": "TP",
    "Phòng Tài chính - Kế hoạch": "TCKH", "Phòng Tài nguyên và Môi trường": "TNMT",
    "Phòng Lao động - Thương binh và Xã hội": "LĐTBXH", "Phòng Văn hóa và Thông tin": "VHTT",
    "Phòng Giáo dục và Đào tạo": "GDĐT", "Phòng Y tế": "YT", "Phòng Kinh tế và Hạ tầng": "KTHT",
    "Phòng Nông nghiệp và Phát triển nông thôn": "NNPTNT", "Thanh tra huyện": "TTH",
}
assert set(DEPT_ABBR) <= {agency for agency, _ in DEPARTMENTS}, "department names must match units.DEPARTMENTS"
VP = "Văn phòng HĐND và UBND huyện"
N_DEPARTMENTS = sum(1 for d in DEPT_ABBR if d != VP)  # "các phòng chuyên môn": 10 phòng and Thanh tra


def type_note(codes) -> str:
    return " | ".join(f"{c} ({TYPES[c][1]}{', ' + TYPES[c][0] if TYPES[c][0] else ', không có chữ viết tắt'})"
                      for c in codes)


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


@lru_cache(maxsize=None)
def working_days(start: date, end: date) -> tuple[date, ...]:
    from .. import workdays as wd
    return tuple(start + timedelta(days=k) for k in range((end - start).days + 1)
                 if wd.is_working_day(start + timedelta(days=k)))


def weighted(rng: random.Random, pairs):
    items = list(pairs)
    return rng.choices([k for k, _ in items], weights=[w for _, w in items])[0]


def count(rng: random.Random, mean: float) -> int:
    """A Poisson-like count (normal approximation) from the data set's own stream."""
    return max(0, round(rng.gauss(mean, mean ** 0.5)))


# --- who writes to the district -----------------------------------------------------------

@dataclass(frozen=True)
class Issuer:
    name: str                                    # tác giả, as registered
    abbr: str                                    # agency abbreviation in the number/symbol
    level: str                                   # trung_uong | tinh | huyen | xa
    kinds: tuple[tuple[str, float, int], ...]    # (type, share of what it sends us, its numbers a year)
    units: tuple[str, ...] = ()                  # drafting units that appear after a công văn's agency


PROVINCE = "tỉnh Vĩnh Phúc"
SO_KINDS = (("cong_van", 0.60, 2600), ("ke_hoach", 0.10, 220), ("huong_dan", 0.08, 60), ("giay_moi", 0.10, 300),
            ("quyet_dinh", 0.05, 400), ("thong_bao", 0.05, 150), ("bao_cao", 0.02, 350))
BO_KINDS = (("cong_van", 0.65, 6000), ("quyet_dinh", 0.20, 2200), ("huong_dan", 0.08, 90), ("ke_hoach", 0.07, 250))
# Abbreviations follow the usual pattern of each agency's name; they are the course's assumption.
ISSUERS: dict[str, Issuer] = {
    "TTg": Issuer("Thủ tướng Chính phủ", "TTg", "trung_uong",
                  (("quyet_dinh", 0.6, 1700), ("cong_dien", 0.3, 40), ("chi_thi", 0.1, 25))),
    "VPCP": Issuer("Văn phòng Chính phủ", "VPCP", "trung_uong",
                   (("cong_van", 0.8, 8000), ("thong_bao", 0.2, 400)), ("KGVX", "KTTH", "NN", "KSTT")),
    "BTTTT": Issuer("Bộ Thông tin và Truyền thông", "BTTTT", "trung_uong", BO_KINDS, ("THH", "CATTT")),
    "BNV": Issuer("Bộ Nội vụ", "BNV", "trung_uong", BO_KINDS, ("CCHC", "CQĐP")),
    "BYT": Issuer("Bộ Y tế", "BYT", "trung_uong", BO_KINDS, ("DP", "KCB")),
    "BNN": Issuer("Bộ Nông nghiệp và Phát triển nông thôn", "BNN", "trung_uong", BO_KINDS, ("VPĐP", "KTHT")),
    "BGDĐT": Issuer("Bộ Giáo dục và Đào tạo", "BGDĐT", "trung_uong", BO_KINDS, ("GDTH", "GDTrH")),
    "BTNMT": Issuer("Bộ Tài nguyên và Môi trường", "BTNMT", "trung_uong", BO_KINDS, ("QLĐĐ",)),
    "UBND_TINH": Issuer(f"UBND {PROVINCE}", "UBND", "tinh",
                        (("cong_van", 0.55, 11000), ("quyet_dinh", 0.16, 3200), ("ke_hoach", 0.09, 320),
                         ("thong_bao", 0.07, 450), ("giay_moi", 0.05, 500), ("chi_thi", 0.02, 25),
                         ("cong_dien", 0.02, 30), ("huong_dan", 0.02, 40), ("bao_cao", 0.02, 600)),
                        ("TH", "KT", "NN", "VX", "NC", "CN")),
    "VPUBND": Issuer(f"Văn phòng UBND {PROVINCE}", "VPUBND", "tinh",
                     (("cong_van", 0.7, 5000), ("thong_bao", 0.2, 700), ("giay_moi", 0.1, 900)),
                     ("TH", "NC", "KSTTHC")),
    "HĐND_TINH": Issuer(f"HĐND {PROVINCE}", "HĐND", "tinh",
                        (("nghi_quyet", 0.3, 90), ("giay_moi", 0.4, 120), ("thong_bao", 0.3, 80))),
    "HĐND_HUYEN": Issuer("HĐND huyện Vĩnh Tường", "HĐND", "huyen",
                         (("nghi_quyet", 0.3, 40), ("giay_moi", 0.4, 80), ("thong_bao", 0.3, 40))),
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
    return [(u["ma_don_vi"], Issuer(commune_name(u), "UBND", "xa", COMMUNE_KINDS, ("VP",)))
            for u in ctx.rows("don_vi")]


def commune_name(unit: dict) -> str:
    return f"UBND {'thị trấn' if unit['loai'] == 'thi_tran' else 'xã'} {unit['ten_don_vi']}"


def place(committee: str) -> str:
    """'UBND xã Kim Xá' -> 'xã Kim Xá'."""
    return committee.removeprefix("UBND ")


def dept_issuer(dept: str) -> Issuer:
    return Issuer(dept, DEPT_ABBR[dept], "huyen", DEPT_KINDS)


# --- what the documents are about ---------------------------------------------------------

ALL_YEAR = frozenset(range(1, 13))


def months(a: int, b: int) -> frozenset[int]:
    return frozenset(range(a, b + 1))


@dataclass(frozen=True)
class Topic:
    key: str
    dept: str                      # district department that handles or drafts it
    weight: float
    subjects: tuple                # "phrase" or ("phrase", months); phrases read after "V/v triển khai"
    prov: tuple[str, ...] = ()     # province issuers (ISSUERS keys) that write about it
    central: tuple[str, ...] = ()  # central issuers
    season: dict | None = None     # month -> factor on weight
    leader: str = ""               # committee the district chairs: "Ban Chỉ đạo ..." (for decisions)

    def phrases(self, month: int) -> list[str]:
        out = [s for s in self.subjects if isinstance(s, str)]
        out += [s[0] for s in self.subjects if not isinstance(s, str) and month in s[1]]
        return out

    def factor(self, month: int) -> float:
        return (self.season or {}).get(month, 1.0)


TOPICS = [
    Topic("chuyen_doi_so", "Phòng Văn hóa và Thông tin", 10, (
        "công tác chuyển đổi số", "xây dựng chính quyền số", "việc sử dụng thư điện tử công vụ",
        "việc sử dụng chữ ký số trong gửi, nhận văn bản điện tử", "công tác bảo đảm an toàn thông tin mạng",
        "phát triển kinh tế số, xã hội số", "việc đánh giá chỉ số chuyển đổi số (DTI)",
        "việc bồi dưỡng kỹ năng số cho cán bộ, công chức", "công tác phòng, chống lừa đảo trực tuyến",
        ("việc chuẩn bị phòng họp không giấy", months(3, 12))),
        prov=("STTTT", "VPUBND"), central=("BTTTT",), leader="chuyển đổi số"),
    Topic("dich_vu_cong", VP, 8, (
        "việc thực hiện cơ chế một cửa, một cửa liên thông", "công tác kiểm soát thủ tục hành chính",
        ("việc cung cấp dịch vụ công trực tuyến mức độ 3, 4", months(1, 7)),
        ("việc cung cấp dịch vụ công trực tuyến toàn trình và một phần", months(8, 12)),
        "việc số hóa hồ sơ, kết quả giải quyết thủ tục hành chính",
        "việc đánh giá mức độ hài lòng của người dân (SIPAS)",
        "việc thanh toán trực tuyến phí, lệ phí giải quyết thủ tục hành chính"),
        prov=("VPUBND", "SNV"), central=("VPCP",)),
    Topic("cai_cach_hanh_chinh", "Phòng Nội vụ", 5, (
        "công tác cải cách hành chính", "việc nâng cao chỉ số cải cách hành chính (PAR INDEX)",
        "công tác kiểm tra cải cách hành chính", "việc thực hiện văn hóa công vụ"),
        prov=("SNV",), central=("BNV",), leader="cải cách hành chính"),
    Topic("noi_vu", "Phòng Nội vụ", 5, (
        "công tác thi đua, khen thưởng", "công tác tuyển dụng công chức cấp xã", "công tác quản lý biên chế",
        ("việc đánh giá, xếp loại cán bộ, công chức năm 2022", months(11, 12))),
        prov=("SNV",), central=("BNV",)),
    Topic("covid", "Phòng Y tế", 8, (
        "công tác phòng, chống dịch COVID-19", "việc tiêm mũi nhắc lại vắc xin phòng COVID-19",
        ("việc tiêm vắc xin phòng COVID-19 cho trẻ em từ 5 đến dưới 12 tuổi", months(4, 12)),
        "việc thích ứng an toàn, linh hoạt, kiểm soát hiệu quả dịch COVID-19",
        ("việc phục hồi và phát triển kinh tế - xã hội sau dịch COVID-19", months(3, 12))),
        prov=("SYT",), central=("BYT", "TTg"), leader="phòng, chống dịch COVID-19",
        season={1: 3.0, 2: 3.0, 3: 2.8, 4: 2.0, 5: 1.0, 6: 0.6, 7: 0.5, 8: 0.5, 9: 0.4, 10: 0.4, 11: 0.4, 12: 0.4}),
    Topic("ocop", "Phòng Nông nghiệp và Phát triển nông thôn", 5, (
        "việc thực hiện Chương trình mỗi xã một sản phẩm (OCOP)", "việc đánh giá, phân hạng sản phẩm OCOP",
        "việc đưa sản phẩm OCOP lên sàn thương mại điện tử", "công tác xúc tiến thương mại sản phẩm OCOP"),
        prov=("SNN", "SCT"), central=("BNN",), leader="Chương trình mỗi xã một sản phẩm (OCOP)"),
    Topic("nong_thon_moi", "Phòng Nông nghiệp và Phát triển nông thôn", 7, (
        "việc xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu",
        "việc thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021-2025",
        "việc thẩm định, xét công nhận xã đạt chuẩn nông thôn mới nâng cao",
        "việc huy động nguồn lực xây dựng nông thôn mới"),
        prov=("SNN",), central=("BNN", "TTg"), leader="Chương trình mục tiêu quốc gia xây dựng nông thôn mới"),
    Topic("thien_tai", "Phòng Nông nghiệp và Phát triển nông thôn", 4, (
        "công tác phòng, chống thiên tai và tìm kiếm cứu nạn",
        ("việc chủ động ứng phó với mưa lớn, lũ", months(6, 10)),
        ("công tác bảo đảm an toàn đê điều trong mùa mưa lũ", months(5, 10)),
        "công tác phòng, chống dịch bệnh trên gia súc, gia cầm"),
        prov=("SNN",), central=("TTg",), leader="phòng, chống thiên tai và tìm kiếm cứu nạn",
        season={1: 0.3, 2: 0.3, 3: 0.5, 4: 1.2, 5: 2.0, 6: 2.5, 7: 2.5, 8: 2.5, 9: 2.0, 10: 1.0, 11: 0.4, 12: 0.3}),
    Topic("dat_dai", "Phòng Tài nguyên và Môi trường", 9, (
        "công tác quản lý nhà nước về đất đai", "việc cấp giấy chứng nhận quyền sử dụng đất lần đầu",
        "công tác bồi thường, hỗ trợ, giải phóng mặt bằng", "việc đấu giá quyền sử dụng đất",
        "việc xử lý vi phạm pháp luật về đất đai", "công tác thống kê đất đai",
        ("việc lập kế hoạch sử dụng đất năm 2023", months(8, 12))),
        prov=("STNMT",), central=("BTNMT",)),
    Topic("moi_truong", "Phòng Tài nguyên và Môi trường", 4, (
        "công tác thu gom, xử lý rác thải sinh hoạt", "công tác bảo vệ môi trường làng nghề",
        "công tác bảo vệ môi trường nông thôn"),
        prov=("STNMT",)),
    Topic("giao_duc", "Phòng Giáo dục và Đào tạo", 6, (
        ("việc tổ chức dạy học trực tiếp sau thời gian học trực tuyến", months(2, 3)),
        ("công tác tuyển sinh vào lớp 1, lớp 6 năm học 2022-2023", months(4, 7)),
        ("việc tổng kết năm học 2021-2022", months(5, 6)),
        ("việc chuẩn bị các điều kiện cho năm học 2022-2023", months(7, 8)),
        ("việc triển khai nhiệm vụ năm học 2022-2023", months(8, 10)),
        "công tác xây dựng trường học đạt chuẩn quốc gia", "công tác bảo đảm an toàn trường học"),
        prov=("SGDĐT",), central=("BGDĐT",)),
    Topic("y_te", "Phòng Y tế", 3, (
        "việc thực hiện bảo hiểm y tế toàn dân", "công tác quản lý hành nghề y, dược tư nhân",
        ("công tác bảo đảm an toàn thực phẩm dịp Tết Nguyên đán Nhâm Dần 2022", months(1, 1)),
        ("công tác bảo đảm an toàn thực phẩm dịp Tết Nguyên đán Quý Mão 2023", months(12, 12)),
        ("công tác phòng, chống sốt xuất huyết", months(6, 11))),
        prov=("SYT",), central=("BYT",)),
    Topic("an_sinh", "Phòng Lao động - Thương binh và Xã hội", 5, (
        ("việc thăm, tặng quà các gia đình chính sách dịp Tết Nguyên đán Nhâm Dần 2022", months(1, 1)),
        ("việc thăm, tặng quà các gia đình chính sách dịp Tết Nguyên đán Quý Mão 2023", months(12, 12)),
        ("việc kỷ niệm 75 năm Ngày Thương binh - Liệt sĩ (27/7/1947 - 27/7/2022)", months(6, 7)),
        ("việc rà soát hộ nghèo, hộ cận nghèo năm 2022", months(9, 12)),
        ("việc hỗ trợ người lao động gặp khó khăn do đại dịch COVID-19", months(1, 6)),
        "công tác giải quyết việc làm, đào tạo nghề cho lao động nông thôn",
        "việc chi trả trợ cấp xã hội không dùng tiền mặt"),
        prov=("SLĐTBXH",)),
    Topic("tai_chinh", "Phòng Tài chính - Kế hoạch", 6, (
        ("việc xây dựng dự toán ngân sách nhà nước năm 2023", months(7, 12)),
        ("việc quyết toán ngân sách nhà nước năm 2021", months(3, 7)),
        "việc giải ngân vốn đầu tư công", "công tác thực hành tiết kiệm, chống lãng phí",
        "việc đăng ký hộ kinh doanh qua mạng"),
        prov=("STC", "SKHĐT")),
    Topic("ha_tang", "Phòng Kinh tế và Hạ tầng", 4, (
        "công tác quản lý trật tự xây dựng", "việc cấp giấy phép xây dựng nhà ở riêng lẻ",
        "việc đầu tư xây dựng đường giao thông nông thôn", "công tác bảo đảm trật tự an toàn giao thông",
        "công tác quản lý cụm công nghiệp"),
        prov=("SXD", "SCT")),
    Topic("tu_phap", "Phòng Tư pháp", 4, (
        "công tác phổ biến, giáo dục pháp luật", "việc chứng thực bản sao điện tử từ bản chính",
        "công tác đăng ký và quản lý hộ tịch", "công tác hòa giải ở cơ sở",
        ("việc hưởng ứng Ngày Pháp luật Việt Nam năm 2022", months(10, 11))),
        prov=("STP",)),
    Topic("van_hoa", "Phòng Văn hóa và Thông tin", 4, (
        ("việc tổ chức đón Tết Nguyên đán Nhâm Dần 2022", months(1, 1)),
        ("công tác quản lý lễ hội đầu xuân năm 2022", months(1, 3)),
        ("việc tổ chức đón Tết Nguyên đán Quý Mão 2023", months(12, 12)),
        "phong trào Toàn dân đoàn kết xây dựng đời sống văn hóa",
        "công tác thông tin, tuyên truyền trên cổng thông tin điện tử huyện"),
        prov=("SVHTTDL",)),
    Topic("thanh_tra", "Thanh tra huyện", 3, (
        "công tác tiếp công dân, giải quyết khiếu nại, tố cáo", "công tác phòng, chống tham nhũng",
        ("việc kê khai tài sản, thu nhập năm 2022", months(10, 12)))),
    Topic("tong_hop", VP, 6, (
        ("công tác tổng kết năm 2021 và xây dựng kế hoạch năm 2022", months(1, 1)),
        ("công tác sơ kết 6 tháng đầu năm 2022", months(6, 7)),
        ("công tác tổng kết năm 2022 và xây dựng kế hoạch năm 2023", months(11, 12)),
        "việc thực hiện nhiệm vụ phát triển kinh tế - xã hội", "việc thực hiện chế độ thông tin, báo cáo"),
        prov=("VPUBND", "SKHĐT")),
]
TOPIC = {t.key: t for t in TOPICS}
# Công điện are for emergencies only.
CONG_DIEN = {"covid": ("tăng cường các biện pháp phòng, chống dịch COVID-19", months(1, 4)),
             "thien_tai": ("chủ động ứng phó với mưa lớn, lũ", months(6, 9))}
# Resolutions of the People's Councils, passed at their mid-year and year-end sessions.
RESOLUTIONS = (("Về phê chuẩn quyết toán ngân sách nhà nước năm 2021", months(7, 8)),
               ("Về điều chỉnh kế hoạch đầu tư công năm 2022", months(7, 8)),
               ("Về dự toán ngân sách nhà nước năm 2023", months(12, 12)),
               ("Về kế hoạch đầu tư công năm 2023", months(12, 12)),
               ("Về nhiệm vụ phát triển kinh tế - xã hội năm 2023", months(12, 12)))
PROJECTS = ("đường giao thông nông thôn", "cải tạo, nâng cấp kênh tiêu", "xây dựng trường mầm non",
            "mở rộng nghĩa trang nhân dân", "khu đấu giá quyền sử dụng đất", "nhà văn hóa thôn",
            "cải tạo chợ trung tâm", "điểm tập kết rác thải")
YEAR_RE = re.compile(r"20\d\d")
# Requests (tờ trình) for money: for a building project, or for the work itself.
BUILDS = {"ha_tang", "nong_thon_moi", "tai_chinh"}
FUNDED = {"covid", "thien_tai", "moi_truong", "giao_duc", "van_hoa", "an_sinh", "chuyen_doi_so", "y_te", "ocop"}


def bare(s: str) -> str:
    return s.removeprefix("việc ")


def with_year(s: str, d: date) -> str:
    """A plan's year: plans written in December are for the next year."""
    return s if YEAR_RE.search(s) else f"{s} năm {d.year + (d.month == 12)}"


def period(month: int) -> str:
    """What a report written in that month usually covers."""
    return {1: "năm 2021", 2: "tháng 01 năm 2022", 3: "quý I năm 2022", 4: "quý I năm 2022",
            5: "tháng 4 năm 2022", 6: "6 tháng đầu năm 2022", 7: "6 tháng đầu năm 2022", 8: "tháng 7 năm 2022",
            9: "9 tháng năm 2022", 10: "9 tháng năm 2022", 11: "tháng 10 năm 2022", 12: "năm 2022"}[month]


def with_period(s: str, month: int) -> str:
    return s if YEAR_RE.search(s) else f"{s} {period(month)}"


def summary(rng: random.Random, kind: str, topic: Topic, d: date, level: str = "", outgoing: bool = False,
            commune: str = "", abbr: str = "", upward: bool = False) -> str:
    """Trích yếu: what the document is about, in the usual wording of its type."""
    s = rng.choice(topic.phrases(d.month))
    b = bare(s)
    if kind == "cong_van":
        if outgoing and commune:
            verb = rng.choice(["đôn đốc", "hướng dẫn", "đề nghị báo cáo kết quả"])
            return f"V/v {verb} {b} tại {place(commune)}"
        verbs = ["triển khai", "tăng cường", "đẩy mạnh", "đôn đốc", "hướng dẫn",
                 "đề nghị báo cáo kết quả" if outgoing else "báo cáo kết quả"]
        if level in ("xa", "huyen") or upward:
            verbs = ["báo cáo kết quả", "đề nghị hướng dẫn", "góp ý dự thảo văn bản về"]
        return f"V/v {rng.choice(verbs)} {b}"
    if kind == "quyet_dinh":
        if topic.leader and (outgoing or level == "tinh" and abbr == "UBND") and rng.random() < 0.3:
            who = "huyện Vĩnh Tường" if outgoing else PROVINCE
            return f"Về việc kiện toàn Ban Chỉ đạo {topic.leader} {who}"
        return f"Về việc ban hành Kế hoạch {with_year(b, d)}"
    if kind == "ke_hoach":
        return f"Triển khai {with_year(b, d)}" + (" trên địa bàn huyện" if outgoing else "")
    if kind == "bao_cao":
        return f"Kết quả {with_period(b, d.month)}"
    if kind == "huong_dan":
        return f"Hướng dẫn {b}"
    if kind == "giay_moi":
        return f"Mời dự hội nghị {rng.choice(['', 'trực tuyến '])}về {b}"
    if kind == "thong_bao":
        return f"Kết luận của lãnh đạo {'UBND huyện ' if outgoing else ''}tại cuộc họp về {b}"
    if kind == "chi_thi":
        return f"Về việc tăng cường {b}"
    if kind == "to_trinh":
        project = rng.choice(PROJECTS)
        if topic.key == "dat_dai" and level == "xa":
            return f"Về việc đề nghị thu hồi đất để thực hiện dự án {project}"
        if topic.key in BUILDS:
            return f"Về việc đề nghị hỗ trợ kinh phí thực hiện dự án {project}"
        if topic.key in FUNDED:
            return f"Về việc đề nghị hỗ trợ kinh phí {b}"
        return f"Về việc đề nghị phê duyệt Kế hoạch {with_year(b, d)}"
    if kind == "cong_dien":
        return f"Về việc {CONG_DIEN[topic.key][0]}"
    if kind == "nghi_quyet":
        return rng.choice([r for r, m in RESOLUTIONS if d.month in m])
    raise ValueError(kind)


def allowed(kind: str, topic: Topic, d: date) -> bool:
    if kind == "cong_dien":
        return topic.key in CONG_DIEN and d.month in CONG_DIEN[topic.key][1]
    if kind == "nghi_quyet":
        return any(d.month in m for _, m in RESOLUTIONS)
    return True


def pick_topic(rng: random.Random, month: int, boost: dict | None = None) -> Topic:
    return weighted(rng, ((t, t.weight * t.factor(month) * (boost or {}).get(t.key, 1.0)) for t in TOPICS))


def urgency(rng: random.Random, kind: str, topic: Topic, d: date) -> str:
    if kind == "cong_dien":
        return weighted(rng, (("hoa_toc", 0.6), ("thuong_khan", 0.4)))
    hurry = 2.0 if topic.key in ("covid", "thien_tai") and topic.factor(d.month) >= 2 else 1.0
    if kind == "giay_moi":
        hurry *= 2.0
    return weighted(rng, (("hoa_toc", 0.012 * hurry), ("thuong_khan", 0.03 * hurry), ("khan", 0.10 * hurry),
                          ("thuong", 1.0)))


def ramp(month: int, jan: float, dec: float) -> float:
    return jan + (dec - jan) * (month - 1) / 11


# --- van_ban_den --------------------------------------------------------------------------

IN_PER_DAY = 12.0
IN_MONTH = {1: 1.3, 2: 0.8, 3: 1.05, 4: 1.0, 5: 1.0, 6: 1.05, 7: 1.0, 8: 0.95, 9: 1.0, 10: 1.0, 11: 1.05, 12: 1.25}
# Share of incoming documents that arrive digitally signed, January -> December, by the sender's level.
IN_SIGNED = {"trung_uong": (0.92, 0.99), "tinh": (0.88, 0.99), "huyen": (0.80, 0.97), "xa": (0.62, 0.95)}
# Share handled late, January -> December, for ordinary documents (urgent ones: URGENT_LATE).
LATE = (0.12, 0.04)
URGENT_LATE = 0.03
STUCK = 0.01  # share of documents from September on still pending, overdue, at the snapshot


def pick_issuer(rng: random.Random, topic: Topic, d: date, communes) -> tuple[str, Issuer]:
    """(unit code of a commune or "", issuer)."""
    options: list[tuple[str, float]] = [("UBND_TINH", 0.24), ("VPUBND", 0.05)]
    options += [(k, 0.26 / len(topic.prov)) for k in topic.prov]
    options += [(k, (0.05 if k != "TTg" else 0.01) / len(topic.central)) for k in topic.central]
    if topic.key in ("tai_chinh", "tong_hop", "dat_dai") and d.month in (6, 7, 11, 12):
        options += [("HĐND_TINH", 0.03), ("HĐND_HUYEN", 0.04)]
    options += [("XA", 0.26)]
    if topic.dept != VP:
        options += [("PHONG", 0.12)]
    key = weighted(rng, options)
    if key == "XA":
        return rng.choice(communes)
    if key == "PHONG":
        return "", dept_issuer(topic.dept)
    return "", ISSUERS[key]


def _incoming(rng: random.Random, day_index: int, days, communes) -> dict:
    from .. import workdays as wd
    d = days[day_index]
    topic = pick_topic(rng, d.month)
    _, issuer = pick_issuer(rng, topic, d, communes)
    kinds = [(k, share) for k, share, _ in issuer.kinds if allowed(k, topic, d)]
    kind = weighted(rng, kinds)
    do_khan = urgency(rng, kind, topic, d)
    signed = rng.random() < ramp(d.month, *IN_SIGNED[issuer.level])
    # Days between the document's date and its arrival: electronic documents come the same day or the
    # next, paper ones by post or by hand take longer.
    if signed:
        lag = weighted(rng, ((0, 0.6), (1, 0.3), (2, 0.1)))
    else:
        lag = rng.randint(0, 2) if issuer.level in ("xa", "huyen") else rng.randint(1, 5)
    if do_khan != "thuong":
        lag = min(lag, 1)
    issued = days[day_index - lag]
    presented_after = 0 if do_khan != "thuong" else weighted(rng, ((0, 0.8), (1, 0.2)))
    allowed_days = URGENT_DAYS.get(do_khan) or weighted(rng, ORDINARY_DAYS)
    late_p = URGENT_LATE if do_khan != "thuong" else ramp(d.month, *LATE)
    if rng.random() < late_p:
        taken = allowed_days + (rng.randint(1, 2) if do_khan != "thuong" else rng.randint(1, 10))
    else:
        lo = presented_after if do_khan == "thuong" else 0
        taken = round(rng.triangular(lo, allowed_days, lo + 0.6 * (allowed_days - lo)))
    taken = max(taken, presented_after)
    handled = days[day_index + taken]
    if handled > SNAPSHOT or (d.month >= 9 and rng.random() < STUCK):
        handled = None
    dept = VP if issuer.level == "huyen" and issuer.abbr in DEPT_ABBR.values() else topic.dept
    unit = rng.choice(issuer.units) if kind == "cong_van" and issuer.units else ""
    return {"ngay_den": d, "tac_gia": issuer.name, "_issuer": issuer, "_kind": kind, "_unit": unit,
            "ngay_van_ban": issued, "loai_van_ban": kind,
            "trich_yeu": nfc(summary(rng, kind, topic, issued, issuer.level, abbr=issuer.abbr)), "do_khan": do_khan,
            "don_vi_xu_ly": dept, "ngay_chuyen": days[day_index + presented_after],
            "thoi_han_ngay": allowed_days, "han_xu_ly": wd.add_working_days(d, allowed_days),
            "ngay_xu_ly": handled, "ky_so": signed}


def _issuer_numbers(rng: random.Random, rows: list[dict]) -> None:
    """Numbers the senders gave their documents: each sender numbers each type from 1 every
    1 January, so a number grows with the date at the sender's yearly pace (plus noise), and two
    documents of one sender, type and year never share a number."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["tac_gia"], r["_kind"], r["ngay_van_ban"].year), []).append(r)
    for (_, kind, year), docs in groups.items():
        per_year = dict((k, n) for k, _, n in docs[0]["_issuer"].kinds)[kind]
        start = date(year, 1, 1)
        prev = 0
        for r in sorted(docs, key=lambda r: (r["ngay_van_ban"], r["so_den"])):
            share = ((r["ngay_van_ban"] - start).days + 1) / 365
            target = round(per_year * share * rng.uniform(0.95, 1.05))
            prev = max(prev + 1, target)
            r["so_ky_hieu"] = symbol(prev, kind, r["_issuer"].abbr, r["_unit"])


def _gen_van_ban_den(ctx: Context) -> list[dict]:
    rng = ctx.rng("van_ban_den")
    communes = commune_issuers(ctx)
    days = working_days(date(YEAR - 1, 12, 1), date(YEAR + 1, 3, 31))
    first = days.index(working_days(date(YEAR, 1, 1), date(YEAR, 1, 31))[0])
    rows = []
    for i in range(first, len(days)):
        if days[i].year != YEAR:
            break
        rows += [_incoming(rng, i, days, communes) for _ in range(count(rng, IN_PER_DAY * IN_MONTH[days[i].month]))]
    for n, r in enumerate(rows, start=1):
        r["so_den"] = n
    _issuer_numbers(rng, rows)
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]


# --- van_ban_di ---------------------------------------------------------------------------

OUT_PER_DAY = 8.0
OUT_MONTH = {1: 1.25, 2: 0.75, 3: 1.0, 4: 1.0, 5: 1.0, 6: 1.05, 7: 1.05, 8: 0.95, 9: 0.95, 10: 1.0, 11: 1.05, 12: 1.3}
OUT_KINDS = (("cong_van", 0.46), ("quyet_dinh", 0.22), ("bao_cao", 0.09), ("giay_moi", 0.07), ("ke_hoach", 0.06),
             ("thong_bao", 0.05), ("to_trinh", 0.025), ("huong_dan", 0.008), ("chi_thi", 0.004), ("cong_dien", 0.01))
# Share of outgoing documents signed digitally, January -> December 2022.
OUT_SIGNED = (0.70, 0.98)
# The few documents of a kind issued once a year (date, type, topic, trích yếu).
ONCE = [
    (date(2022, 1, 14), "chuong_trinh", "tong_hop", "Công tác năm 2022 của UBND huyện Vĩnh Tường"),
    (date(2022, 3, 15), "de_an", "chuyen_doi_so",
     "Chuyển đổi số huyện Vĩnh Tường giai đoạn 2022-2025, định hướng đến năm 2030"),
    (date(2022, 4, 20), "phuong_an", "thien_tai",
     "Phòng, chống thiên tai và tìm kiếm cứu nạn năm 2022 trên địa bàn huyện Vĩnh Tường"),
    (date(2022, 6, 8), "quy_che", "chuyen_doi_so",
     "Quản lý, sử dụng chữ ký số trong gửi, nhận văn bản điện tử của các cơ quan hành chính huyện"),
]
# Economic fields go to one Vice-Chair, social ones to the other, the rest to the Chair.
ECONOMY = {"Phòng Tài nguyên và Môi trường", "Phòng Kinh tế và Hạ tầng", "Phòng Nông nghiệp và Phát triển nông thôn",
           "Phòng Tài chính - Kế hoạch"}
SOCIETY = {"Phòng Giáo dục và Đào tạo", "Phòng Y tế", "Phòng Văn hóa và Thông tin",
           "Phòng Lao động - Thương binh và Xã hội", "Phòng Tư pháp"}


def district_signers(ctx: Context) -> dict[str, str]:
    """ma_can_bo of the Chair, the two Vice-Chairs and the Chief of Office (who signs 'TL. Chủ tịch')."""
    staff = [o for o in ctx.rows("can_bo") if o["ma_don_vi"] == DISTRICT_CODE and o["la_lanh_dao"]]
    chair = [o["ma_can_bo"] for o in staff if o["chuc_vu"] == "Chủ tịch UBND huyện"]
    vice = [o["ma_can_bo"] for o in staff if o["chuc_vu"] == "Phó Chủ tịch UBND huyện"]
    office = [o["ma_can_bo"] for o in staff if o["co_quan"] == VP and o["chuc_vu"] == "Chánh Văn phòng"]
    assert len(chair) == 1 and len(vice) >= 2 and len(office) == 1, "can_bo lacks the district's leaders"
    return {"chair": chair[0], "economy": vice[0], "society": vice[1], "office": office[0]}


def signer(rng: random.Random, signers: dict[str, str], kind: str, dept: str) -> str:
    if kind in ("giay_moi", "thong_bao") and rng.random() < 0.7:
        return signers["office"]
    if kind in ("chi_thi", "cong_dien", "chuong_trinh", "de_an", "quy_che"):
        return signers["chair"]
    owner = "economy" if dept in ECONOMY else "society" if dept in SOCIETY else "chair"
    if rng.random() < 0.15:  # signs for a colleague who is away
        owner = rng.choice([k for k in ("chair", "economy", "society") if k != owner])
    return signers[owner]


def recipients(rng: random.Random, kind: str, topic: Topic, commune: str, upward: bool) -> list[tuple[str, int]]:
    """(recipient, copies) for the 'Nơi nhận' summary."""
    so = [ISSUERS[k].name for k in topic.prov if k.startswith("S")]
    up = [(f"UBND {PROVINCE}", 1)] + [(s, 1) for s in so[:1]]
    party = [("Thường trực Huyện ủy", 1), ("Thường trực HĐND huyện", 1)]
    leaders = [("Chủ tịch, các Phó Chủ tịch UBND huyện", 3)]
    depts = [("các phòng chuyên môn", N_DEPARTMENTS)]
    all_communes = [("UBND 28 xã, thị trấn", 28)]
    if kind in ("bao_cao", "to_trinh"):
        return up + (party if rng.random() < 0.5 else [])
    if kind == "cong_van":
        if commune:
            return [(commune, 1)] + leaders
        if upward:
            return up[-1:]
        return all_communes + (depts if rng.random() < 0.6 else [])
    if kind == "quyet_dinh":
        if commune:
            return [(topic.dept, 1), (commune, 1)] + up[1:]
        return leaders + depts + all_communes
    if kind == "giay_moi":
        return [("Lãnh đạo UBND 28 xã, thị trấn", 28), ("các phòng chuyên môn", N_DEPARTMENTS)]
    if kind == "thong_bao":
        return leaders + depts + ([] if commune else all_communes) + ([(commune, 1)] if commune else [])
    return up[:1] + party + leaders + depts + all_communes


def _outgoing_decision(rng: random.Random, topic: Topic, d: date, commune: str) -> str:
    project, commune = rng.choice(PROJECTS), place(commune)
    if topic.key == "dat_dai":
        return rng.choice([
            f"Về việc thu hồi đất để thực hiện dự án {project} tại {commune}",
            f"Về việc phê duyệt phương án bồi thường, hỗ trợ giải phóng mặt bằng dự án {project} tại {commune}",
            f"Về việc phê duyệt giá khởi điểm đấu giá quyền sử dụng đất tại {commune}",
            f"Về việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân tại {commune}"])
    if topic.key in ("ha_tang", "nong_thon_moi", "tai_chinh"):
        return rng.choice([
            f"Về việc phê duyệt báo cáo kinh tế - kỹ thuật công trình {project} tại {commune}",
            f"Về việc phân bổ kinh phí thực hiện {bare(rng.choice(topic.phrases(d.month)))} cho {commune}"])
    work = bare(rng.choice(topic.phrases(d.month)))
    return f"Về việc tặng Giấy khen cho các tập thể, cá nhân có thành tích trong {work}"


def _outgoing(rng: random.Random, d: date, communes, signers, kind: str | None = None,
              topic: Topic | None = None, text: str | None = None) -> dict:
    if kind is None:
        kind = weighted(rng, OUT_KINDS)
        boost = {"dat_dai": 3.0} if kind == "quyet_dinh" else None
        topic = pick_topic(rng, d.month, boost)
        while not allowed(kind, topic, d):
            kind = weighted(rng, OUT_KINDS)
    commune = ""
    if kind in ("cong_van", "thong_bao") and rng.random() < 0.2 or kind == "quyet_dinh" and rng.random() < 0.6:
        commune = rng.choice(communes)
    upward = kind == "cong_van" and not commune and rng.random() < 0.25  # to a province department
    if text is None:
        if kind == "quyet_dinh" and commune:
            text = _outgoing_decision(rng, topic, d, commune)
        else:
            text = summary(rng, kind, topic, d, outgoing=True, commune=commune if kind == "cong_van" else "",
                           upward=upward)
    if kind == "thong_bao" or kind == "giay_moi" and rng.random() < 0.5:
        dept = VP
    else:
        dept = topic.dept
    sent_to = recipients(rng, kind, topic, commune, upward)
    return {"ngay_ban_hanh": d, "loai_van_ban": kind, "trich_yeu": nfc(text),
            "nguoi_ky": signer(rng, signers, kind, dept), "don_vi_soan": dept,
            "noi_nhan": "; ".join(name for name, _ in sent_to),
            "so_ban": sum(n for _, n in sent_to) + 2,  # plus the two kept: Lưu: VT, drafting unit
            "do_khan": urgency(rng, kind, topic, d)}


def _gen_van_ban_di(ctx: Context) -> list[dict]:
    rng = ctx.rng("van_ban_di")
    communes = [commune_name(u) for u in ctx.rows("don_vi")]  # "UBND xã X": place is the name without "UBND "
    signers = district_signers(ctx)
    once = {d: (kind, TOPIC[t], text) for d, kind, t, text in ONCE}
    rows = []
    for d in working_days(date(YEAR, 1, 1), date(YEAR, 12, 31)):
        day = [_outgoing(rng, d, communes, signers) for _ in range(count(rng, OUT_PER_DAY * OUT_MONTH[d.month]))]
        if d in once:
            kind, topic, text = once[d]
            day.insert(rng.randint(0, len(day)), _outgoing(rng, d, communes, signers, kind, topic, text))
        rows += day
    numbers = number_register([(r["ngay_ban_hanh"], r["loai_van_ban"]) for r in rows])
    for r, n in zip(rows, numbers):
        r["so_ky_hieu"] = symbol(n, r["loai_van_ban"], "UBND", DEPT_ABBR[r["don_vi_soan"]])
    # Exactly the month's share signed digitally, so the monthly trend is the designed one.
    by_month: dict[int, list[dict]] = {}
    for r in rows:
        by_month.setdefault(r["ngay_ban_hanh"].month, []).append(r)
    for m, docs in by_month.items():
        signed = set(rng.sample(range(len(docs)), round(ramp(m, *OUT_SIGNED) * len(docs))))
        for i, r in enumerate(docs):
            r["ky_so"] = i in signed
    return rows


# --- schemas ------------------------------------------------------------------------------

IN_KINDS = ("cong_van", "quyet_dinh", "ke_hoach", "bao_cao", "thong_bao", "giay_moi", "to_trinh", "huong_dan",
            "chi_thi", "cong_dien", "nghi_quyet")
OUT_KIND_CODES = tuple(k for k, _ in OUT_KINDS) + tuple(k for _, k, _, _ in ONCE)
URGENCY_NOTE = " | ".join(f"{k} ({v})" for k, v in URGENCY.items())
SYMBOL_NOTE = ("`<số>/<chữ viết tắt loại>-<cơ quan>`, ví dụ `125/QĐ-UBND`; công văn không có chữ viết tắt loại: "
               "`<số>/<cơ quan>-<đơn vị soạn>`, ví dụ `45/UBND-VP`; số dưới 10 có số 0 ở trước (`05`)")

DATASETS = [
    Dataset(
        name="van_ban_den",
        title_vi="Sổ đăng ký văn bản đến của UBND huyện năm 2022",
        title_en="Register of incoming documents of the district People's Committee, 2022",
        columns=[
            Column("so_den", "int", "Số đến", "Arrival number, from 1 on the first working day of 2022",
                   note="liên tục theo thứ tự đến"),
            Column("ngay_den", "date", "Ngày đến", "Arrival date (a working day)"),
            Column("tac_gia", "str", "Tác giả", "Issuing agency",
                   note="bộ, ngành trung ương; UBND, HĐND tỉnh Vĩnh Phúc và các sở; HĐND huyện; các phòng "
                        "chuyên môn của huyện; UBND 28 xã, thị trấn"),
            Column("so_ky_hieu", "str", "Số, ký hiệu", "Number and symbol given by the sender", note=SYMBOL_NOTE),
            Column("ngay_van_ban", "date", "Ngày văn bản",
                   "Date of the document (a working day, on or before arrival)"),
            Column("loai_van_ban", "category", "Tên loại văn bản", "Document type (Decree 30/2020/NĐ-CP)",
                   note=type_note(IN_KINDS)),
            Column("trich_yeu", "str", "Trích yếu nội dung", "Summary of the content"),
            Column("do_khan", "category", "Độ khẩn", "Urgency", note=URGENCY_NOTE),
            Column("don_vi_xu_ly", "str", "Đơn vị xử lý", "Department assigned to handle it",
                   note="tên như cột co_quan của can_bo"),
            Column("ngay_chuyen", "date", "Ngày chuyển", "Date presented to the leader and passed to the department",
                   note="cùng ngày đến hoặc ngày làm việc kế tiếp; văn bản khẩn: ngay trong ngày"),
            Column("thoi_han_ngay", "int", "Thời hạn giải quyết", "Working days allowed", unit="ngày làm việc",
                   note="hoa_toc 1, thuong_khan 2, khan 3; văn bản thường 5, 7, 10 hoặc 15 do lãnh đạo giao"),
            Column("han_xu_ly", "date", "Hạn xử lý", "Deadline: the thoi_han_ngay-th working day after arrival",
                   note="= add_working_days(ngay_den, thoi_han_ngay) (kynangso.workdays); có thể sang năm 2023"),
            Column("ngay_xu_ly", "date", "Ngày xử lý xong", "Date handled (a working day); empty while pending",
                   nullable=True),
            Column("ky_so", "bool", "Có chữ ký số", "Received as a digitally signed electronic document"),
        ],
        generate=_gen_van_ban_den,
        key=("so_den",),
        method=(
            "Mỗi ngày làm việc năm 2022 (lịch nghỉ lễ, nghỉ bù theo `kynangso.workdays`) có khoảng 12 văn bản đến, "
            "nhiều hơn trong tháng 1 và tháng 12, ít hơn tháng 2 (Tết). Mỗi văn bản chọn một chủ đề công việc của "
            "huyện năm 2022 (chuyển đổi số, một cửa và dịch vụ công trực tuyến, COVID-19, OCOP, nông thôn mới, đất "
            "đai, giáo dục...; chủ đề theo mùa: COVID-19 nhiều ở quý I, phòng chống thiên tai tháng 5–9, tuyển sinh "
            "tháng 4–7, Tết ở tháng 1 và 12), rồi cơ quan gửi, loại văn bản, độ khẩn. Số của văn bản do cơ quan gửi "
            "đánh theo từng loại, bắt đầu lại từ 01 mỗi ngày 1/1, tăng dần theo ngày văn bản. Văn bản điện tử đến "
            "trong 0–2 ngày làm việc, văn bản giấy 1–5 ngày. Văn bản thường được trình và chuyển trong ngày (80%) "
            "hoặc ngày làm việc kế tiếp, văn bản khẩn chuyển ngay. Hạn xử lý tính bằng ngày làm việc từ ngày đến. "
            "Phần lớn xử lý trong hạn; tỉ lệ văn bản thường quá hạn giảm từ khoảng 12% (tháng 1) xuống 4% (tháng "
            "12), văn bản khẩn khoảng 3%. Sổ chốt cuối ngày 30/12/2022: văn bản chưa xử lý xong để trống ngay_xu_ly. "
            "Tỉ lệ văn bản đến có chữ ký số tăng dần trong năm (văn bản của xã, thị trấn từ khoảng 62% lên 95%)."),
        notes=[
            "Dữ liệu giả định, sinh bằng máy: số, ký hiệu, ngày và trích yếu không phải văn bản có thật; chữ viết "
            "tắt tên cơ quan gửi theo cách viết thông thường và là giả định của khóa học.",
            "Số đến bắt đầu lại từ 1 mỗi năm; trong một năm, một cơ quan gửi không có hai văn bản cùng loại trùng số.",
            "Văn bản đến đầu tháng 1 có thể mang ngày văn bản cuối tháng 12/2021 (số theo năm 2021).",
            "Đúng hạn: ngay_xu_ly <= han_xu_ly; quá hạn: ngay_xu_ly > han_xu_ly; chưa xử lý: ngay_xu_ly trống "
            "(quá hạn nếu han_xu_ly < 30/12/2022).",
        ],
    ),
    Dataset(
        name="van_ban_di",
        title_vi="Sổ đăng ký văn bản đi của UBND huyện năm 2022",
        title_en="Register of outgoing documents of the district People's Committee, 2022",
        columns=[
            Column("so_ky_hieu", "str", "Số, ký hiệu", "Number and symbol",
                   note="`<số>/<loại>-UBND`, công văn `<số>/UBND-<đơn vị soạn>` (VP, NV, TP, TCKH, TNMT, LĐTBXH, "
                        "VHTT, GDĐT, YT, KTHT, NNPTNT, TTH); số đánh riêng cho từng loại (mọi công văn chung một "
                        "dãy số), từ 01 ngày 1/1, liên tục theo thứ tự ban hành; số dưới 10 có số 0 ở trước"),
            Column("ngay_ban_hanh", "date", "Ngày ban hành", "Date of issue (a working day)"),
            Column("loai_van_ban", "category", "Tên loại văn bản", "Document type (Decree 30/2020/NĐ-CP)",
                   note=type_note(OUT_KIND_CODES)),
            Column("trich_yeu", "str", "Trích yếu nội dung", "Summary of the content"),
            Column("nguoi_ky", "str", "Người ký", "Signer: ma_can_bo of the Chair, a Vice-Chair, or the Chief of "
                   "Office signing on the Chair's behalf (TL. Chủ tịch)", note="tham chiếu can_bo.ma_can_bo"),
            Column("don_vi_soan", "str", "Đơn vị soạn thảo", "Drafting department",
                   note="tên như cột co_quan của can_bo"),
            Column("noi_nhan", "str", "Nơi nhận", "Recipients (summary)"),
            Column("so_ban", "int", "Số lượng bản", "Copies: one per recipient plus two kept (Lưu: VT, drafting unit)",
                   unit="bản"),
            Column("do_khan", "category", "Độ khẩn", "Urgency", note=URGENCY_NOTE),
            Column("ky_so", "bool", "Ký số", "Issued as a digitally signed electronic document"),
        ],
        generate=_gen_van_ban_di,
        key=("so_ky_hieu",),
        refs={"nguoi_ky": "can_bo.ma_can_bo"},
        method=(
            "Mỗi ngày làm việc năm 2022 có khoảng 8 văn bản đi (nhiều hơn tháng 1 và 12, ít hơn tháng 2), cộng vài "
            "văn bản ban hành một lần trong năm (chương trình công tác, đề án chuyển đổi số, phương án phòng chống "
            "thiên tai, quy chế chữ ký số). Loại văn bản: khoảng 46% công văn, 22% quyết định (phần lớn về đất đai, "
            "dự án tại từng xã), còn lại báo cáo, giấy mời, kế hoạch, thông báo, tờ trình... Số được đánh theo từng "
            "loại theo thứ tự ban hành (`number_register`), bắt đầu từ 01. Người ký: Chủ tịch (nội vụ, thanh tra, "
            "tổng hợp), Phó Chủ tịch phụ trách kinh tế hoặc văn hóa - xã hội theo đơn vị soạn, đôi khi ký thay nhau; "
            "Chánh Văn phòng ký thừa lệnh phần lớn giấy mời, thông báo. Tỉ lệ văn bản ký số theo tháng đặt đúng "
            "bằng 70% (tháng 1) tăng đều đến 98% (tháng 12)."),
        notes=[
            "Dữ liệu giả định, sinh bằng máy: văn bản, số, ký hiệu và trích yếu không phải văn bản có thật.",
            "Người ký là cán bộ giả định trong can_bo (nối bảng theo ma_can_bo để lấy họ tên, chức vụ).",
        ],
    ),
]
