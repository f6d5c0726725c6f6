"""Online meetings the district took part in during 2022 (hop_truc_tuyen)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .base import Column, Context, Dataset, nfc
from .registers import YEAR, months, working_days
from .topics import PROJECTS

N_UNITS = 28
# Until the end of April every meeting open to all communes reached all 28 (the district's
# published Jan–Apr 2022 figure); later a commune's connection occasionally failed.
FULL_REACH_UNTIL = date(2022, 4, 30)
DROPOUT = 0.06

LEVELS = {"trung_uong": "Trung ương", "tinh": "Tỉnh", "huyen": "Huyện"}
SCOPES = {
    "toan_huyen": "Mời cả 28 xã, thị trấn dự tại điểm cầu xã",
    "chuyen_de": "Chuyên đề: chỉ điểm cầu huyện hoặc một số xã liên quan",
}
PLATFORMS = {
    "he_thong_hop_truc_tuyen_chinh_phu": "Hệ thống hội nghị trực tuyến của Chính phủ",
    "he_thong_hop_truc_tuyen_tinh": "Hệ thống hội nghị trực tuyến của tỉnh (đến huyện và xã)",
    "phan_mem_hop_truc_tuyen_chung": "Phần mềm họp trực tuyến thông dụng trên máy tính",
}


@dataclass(frozen=True)
class Series:
    level: str
    title: str  # may use {m} (month) and {project}
    scope: str
    per_month: dict  # month -> meetings in that month
    minutes: tuple[int, int]  # duration range
    communes: tuple[int, int] = (N_UNITS, N_UNITS)  # communes connected, for chuyen_de
    weekend: float = 0.0  # chance of a weekend date (emergencies)


def every_month(n: int, months_: frozenset[int] = months(1, 12)) -> dict[int, int]:
    return {m: n for m in sorted(months_)}


def once(month: int) -> dict[int, int]:
    return {month: 1}


SERIES = [
    # --- the district -------------------------------------------------------------------
    Series(
        "huyen",
        "Giao ban trực tuyến UBND huyện với UBND các xã, thị trấn tháng {m}",
        "toan_huyen",
        every_month(1),
        (90, 150),
    ),
    Series(
        "huyen",
        "Họp Ban Chỉ đạo phòng, chống dịch COVID-19 huyện",
        "toan_huyen",
        {1: 4, 2: 4, 3: 4, 4: 2, 5: 2, 6: 2, 8: 1, 10: 1, 12: 1},
        (60, 120),
        weekend=0.1,
    ),
    Series(
        "huyen", "Hội nghị tổng kết công tác năm 2021, triển khai nhiệm vụ năm 2022", "toan_huyen", once(1), (150, 210)
    ),
    Series("huyen", "Tập huấn sử dụng chữ ký số cho lãnh đạo UBND các xã, thị trấn", "toan_huyen", once(1), (120, 180)),
    Series("huyen", "Hội nghị triển khai Kế hoạch chuyển đổi số huyện năm 2022", "toan_huyen", once(2), (120, 180)),
    Series("huyen", "Tập huấn sử dụng thư điện tử công vụ và nhận biết thư lừa đảo", "toan_huyen", once(3), (120, 180)),
    Series(
        "huyen",
        "Tập huấn tiếp nhận, giải quyết hồ sơ dịch vụ công trực tuyến mức độ 3, 4",
        "toan_huyen",
        once(3),
        (120, 240),
    ),
    Series(
        "huyen",
        "Hội nghị triển khai Chương trình mỗi xã một sản phẩm (OCOP) năm 2022",
        "toan_huyen",
        once(3),
        (120, 180),
    ),
    Series(
        "huyen",
        "Hội nghị triển khai công tác phòng, chống thiên tai và tìm kiếm cứu nạn năm 2022",
        "toan_huyen",
        once(4),
        (90, 150),
    ),
    Series("huyen", "Tập huấn phần mềm quản lý văn bản và điều hành", "toan_huyen", once(4), (120, 180)),
    Series("huyen", "Tập huấn số hóa hồ sơ, kết quả giải quyết thủ tục hành chính", "toan_huyen", once(5), (120, 180)),
    Series("huyen", "Hội nghị sơ kết 6 tháng đầu năm 2022", "toan_huyen", once(7), (150, 210)),
    Series(
        "huyen", "Tập huấn cung cấp dịch vụ công trực tuyến toàn trình và một phần", "toan_huyen", once(8), (120, 240)
    ),
    Series(
        "huyen", "Tập huấn bảo đảm an toàn thông tin cho cán bộ, công chức cấp xã", "toan_huyen", once(10), (120, 180)
    ),
    Series(
        "huyen", "Hội nghị tổng kết công tác năm 2022, triển khai nhiệm vụ năm 2023", "toan_huyen", once(12), (150, 210)
    ),
    Series("huyen", "Họp Ban Chỉ đạo chuyển đổi số huyện", "toan_huyen", {3: 1, 6: 1, 9: 1, 12: 1}, (90, 150)),
    Series(
        "huyen",
        "Họp trực tuyến Ban Chỉ đạo xây dựng nông thôn mới huyện",
        "toan_huyen",
        {2: 1, 5: 1, 8: 1, 11: 1},
        (90, 150),
    ),
    Series(
        "huyen",
        "Giao ban trực tuyến công tác cải cách hành chính quý",
        "toan_huyen",
        {3: 1, 6: 1, 9: 1, 12: 1},
        (60, 120),
    ),
    Series("huyen", "Hội nghị triển khai tiêm vắc xin phòng COVID-19", "toan_huyen", {1: 1, 4: 1}, (60, 120)),
    Series(
        "huyen",
        "Họp về công tác giải phóng mặt bằng dự án {project}",
        "chuyen_de",
        every_month(1),
        (60, 120),
        communes=(1, 3),
    ),
    Series(
        "huyen",
        "Họp giải quyết hồ sơ đất đai tồn đọng",
        "chuyen_de",
        {2: 1, 4: 1, 6: 1, 8: 1, 10: 1, 12: 1},
        (60, 120),
        communes=(2, 6),
    ),
    Series(
        "huyen",
        "Họp rà soát tiêu chí nông thôn mới nâng cao",
        "chuyen_de",
        {3: 1, 5: 1, 7: 1, 9: 1, 11: 1},
        (60, 120),
        communes=(4, 10),
    ),
    Series(
        "huyen",
        "Họp triển khai phòng, chống thiên tai tại các xã trọng điểm",
        "chuyen_de",
        {5: 1, 6: 1, 7: 1, 8: 1, 9: 1},
        (45, 90),
        communes=(6, 12),
    ),
    Series(
        "huyen",
        "Họp đánh giá hồ sơ trễ hạn tại bộ phận một cửa cấp xã",
        "chuyen_de",
        {3: 1, 6: 1, 9: 1, 12: 1},
        (45, 90),
        communes=(3, 8),
    ),
    Series("huyen", "Họp rà soát sản phẩm OCOP năm 2022", "chuyen_de", {4: 1, 6: 1, 9: 1}, (60, 120), communes=(4, 10)),
    Series(
        "huyen",
        "Họp về tiến độ giải ngân vốn đầu tư công",
        "chuyen_de",
        {3: 1, 6: 1, 9: 1, 11: 1},
        (60, 120),
        communes=(5, 15),
    ),
    # --- the province -------------------------------------------------------------------
    Series(
        "tinh",
        "Hội nghị trực tuyến UBND tỉnh về công tác phòng, chống dịch COVID-19",
        "toan_huyen",
        {1: 3, 2: 3, 3: 3, 4: 2, 6: 1, 9: 1, 12: 1},
        (90, 150),
        weekend=0.1,
    ),
    Series(
        "tinh",
        "Hội nghị trực tuyến đánh giá tình hình kinh tế - xã hội tháng {m}",
        "toan_huyen",
        every_month(1, months(2, 12)),
        (120, 180),
    ),
    Series("tinh", "Hội nghị trực tuyến tổng kết năm 2021 của UBND tỉnh", "toan_huyen", once(1), (180, 240)),
    Series(
        "tinh", "Hội nghị trực tuyến triển khai Kế hoạch chuyển đổi số tỉnh năm 2022", "toan_huyen", once(2), (120, 180)
    ),
    Series(
        "tinh",
        "Hội nghị trực tuyến về cải cách hành chính và nâng cao chỉ số PAR INDEX, SIPAS",
        "toan_huyen",
        {3: 1, 8: 1},
        (120, 180),
    ),
    Series(
        "tinh",
        "Hội nghị trực tuyến triển khai công tác phòng, chống thiên tai năm 2022",
        "toan_huyen",
        once(4),
        (90, 150),
    ),
    Series(
        "tinh",
        "Hội nghị trực tuyến về xây dựng nông thôn mới và Chương trình OCOP",
        "toan_huyen",
        {5: 1, 10: 1},
        (120, 180),
    ),
    Series(
        "tinh",
        "Hội nghị trực tuyến về cung cấp dịch vụ công trực tuyến toàn trình và một phần",
        "toan_huyen",
        once(8),
        (120, 180),
    ),
    Series(
        "tinh", "Hội nghị trực tuyến về công tác đất đai, giải phóng mặt bằng", "toan_huyen", {6: 1, 11: 1}, (120, 180)
    ),
    Series("tinh", "Hội nghị trực tuyến tổng kết năm 2022 của UBND tỉnh", "toan_huyen", once(12), (180, 240)),
    Series(
        "tinh",
        "Họp trực tuyến của Sở Thông tin và Truyền thông về chuyển đổi số cấp huyện",
        "chuyen_de",
        {1: 1, 3: 1, 5: 1, 7: 1, 9: 1, 11: 1},
        (60, 120),
        communes=(0, 0),
    ),
    Series(
        "tinh",
        "Tập huấn trực tuyến của Sở Nội vụ về cải cách hành chính",
        "chuyen_de",
        {4: 1, 9: 1},
        (120, 180),
        communes=(0, 0),
    ),
    Series(
        "tinh",
        "Họp trực tuyến của Sở Tài nguyên và Môi trường về cấp giấy chứng nhận quyền sử dụng đất",
        "chuyen_de",
        {3: 1, 6: 1, 10: 1},
        (60, 120),
        communes=(0, 5),
    ),
    Series(
        "tinh",
        "Họp trực tuyến của Sở Y tế về tiêm vắc xin phòng COVID-19",
        "chuyen_de",
        {1: 2, 2: 1, 3: 1, 4: 1, 7: 1, 10: 1},
        (60, 90),
        communes=(0, 0),
    ),
    Series(
        "tinh",
        "Tập huấn trực tuyến của Sở Công Thương về đưa sản phẩm OCOP lên sàn thương mại điện tử",
        "chuyen_de",
        {6: 1, 11: 1},
        (120, 180),
        communes=(3, 10),
    ),
    # --- central government ---------------------------------------------------------------
    Series(
        "trung_uong",
        "Hội nghị trực tuyến toàn quốc về công tác phòng, chống dịch COVID-19",
        "toan_huyen",
        {1: 2, 2: 2, 3: 1, 4: 1, 7: 1, 10: 1},
        (120, 180),
        weekend=0.1,
    ),
    Series(
        "trung_uong", "Hội nghị trực tuyến Chính phủ với các địa phương", "toan_huyen", {1: 1, 7: 1, 12: 1}, (180, 240)
    ),
    Series("trung_uong", "Hội nghị trực tuyến toàn quốc về chuyển đổi số", "toan_huyen", {3: 1, 10: 1}, (150, 210)),
    Series(
        "trung_uong",
        "Hội nghị trực tuyến toàn quốc về Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
        "toan_huyen",
        {4: 1, 9: 1},
        (150, 210),
    ),
    Series(
        "trung_uong",
        "Hội nghị trực tuyến toàn quốc về dịch vụ công trực tuyến và cải cách thủ tục hành chính",
        "toan_huyen",
        {5: 1, 11: 1},
        (150, 210),
    ),
    Series(
        "trung_uong",
        "Tập huấn trực tuyến của bộ, ngành trung ương",
        "chuyen_de",
        {2: 1, 3: 1, 5: 1, 6: 1, 8: 1, 9: 1, 11: 1, 12: 1},
        (90, 180),
        communes=(0, 0),
    ),
]


def _platform(rng: random.Random, s: Series) -> str:
    if s.level == "trung_uong":
        return "he_thong_hop_truc_tuyen_chinh_phu"
    if s.level == "tinh" and s.scope == "toan_huyen":
        return "he_thong_hop_truc_tuyen_tinh"
    if s.scope == "toan_huyen":
        return "he_thong_hop_truc_tuyen_tinh" if rng.random() < 0.85 else "phan_mem_hop_truc_tuyen_chung"
    return "phan_mem_hop_truc_tuyen_chung" if rng.random() < 0.8 else "he_thong_hop_truc_tuyen_tinh"


def _day(rng: random.Random, month: int, k: int, n: int, weekend: float) -> date:
    """The k-th of n meetings of a series in a month: spread over the month, a working day unless an
    emergency meeting falls on a weekend."""
    from .. import workdays as wd

    days = [
        d for d in working_days(date(YEAR, month, 1), date(YEAR, month, 28) + timedelta(days=3)) if d.month == month
    ]
    lo, hi = len(days) * k // n, max(len(days) * (k + 1) // n - 1, len(days) * k // n)
    d = days[rng.randint(lo, hi)]
    if rng.random() < weekend:
        d += timedelta(days=(5 - d.weekday()) % 7 or 7)  # the next Saturday
        if d.month != month or wd.holiday_name(d):
            d -= timedelta(days=7)
    return d


def _gen_hop_truc_tuyen(ctx: Context) -> list[dict]:
    rng = ctx.rng("hop_truc_tuyen")
    meetings = []
    for s in SERIES:
        for m, n in s.per_month.items():
            for k in range(n):
                d = _day(rng, m, k, n, s.weekend)
                if s.scope == "toan_huyen":
                    reached = N_UNITS
                    if d > FULL_REACH_UNTIL and rng.random() < DROPOUT:
                        reached -= rng.randint(1, 2)
                else:
                    reached = rng.randint(*s.communes)
                minutes = 5 * round(rng.randint(*s.minutes) / 5)
                title = s.title.format(m=m, project=rng.choice(PROJECTS))
                meetings.append(
                    {
                        "ngay": d,
                        "cap_chu_tri": s.level,
                        "chu_de": nfc(title),
                        "pham_vi": s.scope,
                        "so_diem_cau_xa": reached,
                        "thoi_luong_phut": minutes,
                        "nen_tang": _platform(rng, s),
                    }
                )
    meetings.sort(key=lambda r: (r["ngay"], list(LEVELS).index(r["cap_chu_tri"]), r["chu_de"]))
    return [{"ma_cuoc_hop": f"HTT-{YEAR}-{i:03d}", **r} for i, r in enumerate(meetings, start=1)]


def _note(values: dict) -> str:
    return " | ".join(f"{k} ({v})" for k, v in values.items())


DATASETS = [
    Dataset(
        name="hop_truc_tuyen",
        title_vi="Các cuộc họp trực tuyến huyện chủ trì hoặc dự năm 2022",
        title_en="Online meetings the district hosted or joined in 2022",
        columns=[
            Column("ma_cuoc_hop", "str", "Mã cuộc họp", "Meeting ID, in date order", note="HTT-2022-001, ..."),
            Column("ngay", "date", "Ngày họp", "Date (a working day, except a few emergency meetings at weekends)"),
            Column("cap_chu_tri", "category", "Cấp chủ trì", "Level that hosts the meeting", note=_note(LEVELS)),
            Column("chu_de", "str", "Chủ đề", "Topic"),
            Column("pham_vi", "category", "Phạm vi", "Who is invited", note=_note(SCOPES)),
            Column("so_diem_cau_xa", "int", "Số điểm cầu xã", "Commune-level units connected (0–28)", unit="điểm cầu"),
            Column("thoi_luong_phut", "int", "Thời lượng", "Duration", unit="phút"),
            Column(
                "nen_tang", "category", "Nền tảng", "Platform (generic kinds, no product names)", note=_note(PLATFORMS)
            ),
        ],
        generate=_gen_hop_truc_tuyen,
        key=("ma_cuoc_hop",),
        method=(
            "Lịch họp dựng từ các loạt họp điển hình của năm 2022: giao ban trực tuyến hằng tháng của huyện với các "
            "xã, họp Ban Chỉ đạo phòng chống dịch COVID-19 (dày trong quý I), các hội nghị tổng kết, sơ kết, tập huấn "
            "của huyện, hội nghị trực tuyến của tỉnh và của Chính phủ, cùng các cuộc họp chuyên đề. Mỗi cuộc họp "
            "rơi vào một ngày làm việc trong tháng của nó (vài cuộc họp khẩn về COVID-19 vào thứ Bảy, Chủ nhật). "
            "Cuộc họp toàn huyện đến đủ 28 điểm cầu xã trong tháng 1–4/2022 (số liệu huyện công bố: họp trực tuyến "
            "đến 100% xã, thị trấn); từ tháng 5 khoảng 6% cuộc họp toàn huyện có 1–2 điểm cầu không kết nối được "
            "(giả định). Cuộc họp chuyên đề chỉ nối điểm cầu huyện (0) hoặc một số xã liên quan."
        ),
        notes=[
            "Dữ liệu giả định, sinh bằng máy; chỉ tỉ lệ 100% xã kết nối trong tháng 1–4/2022 lấy từ số liệu công bố.",
            "Nền tảng ghi theo loại, không ghi tên sản phẩm thương mại.",
            "Tỉ lệ điểm cầu xã kết nối của cuộc họp toàn huyện = so_diem_cau_xa / 28.",
        ],
    ),
]
