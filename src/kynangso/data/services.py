"""Administrative procedures and the one-stop dossiers of the district and its communes.

`ho_so` is generated with arrays (one block per year and copy of the district), so that
`kynangso data --scale N` writes a million dossiers in seconds; the committed file is block 0:
the district in 2022, calibrated on what the district published for January–April 2022.
"""

# size: most lines are the schemas of thu_tuc and ho_so (a column per line) and the procedure list

from __future__ import annotations

from datetime import date

import numpy as np

from .base import Column, Context, Dataset, scale_plan, split_total
from .units import UNITS

# (code, name, level, field, working days, fee VND, fee note, online level, weight, illustrative)
# The time limits of the common procedures the lessons use (certified copies, birth and marriage
# registration, marital status, household businesses, building permits for a house) are the legal
# ones; the rows marked illustrative (True) have made-up limits and fees.
PROCEDURES = [
    (
        "X01",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "xa",
        "chung_thuc",
        0,
        2000,
        "2.000 đ/trang cho trang 1–2, từ trang 3 là 1.000 đ/trang, tối đa 200.000 đ/bản",
        3,
        40,
        False,
    ),
    ("X02", "Chứng thực chữ ký trong giấy tờ, văn bản", "xa", "chung_thuc", 0, 10000, "", 2, 8, True),
    ("X03", "Đăng ký khai sinh", "xa", "ho_tich", 0, 0, "miễn lệ phí khi đăng ký trong 60 ngày", 4, 10, False),
    ("X04", "Đăng ký kết hôn", "xa", "ho_tich", 0, 0, "", 3, 3, False),
    ("X05", "Cấp Giấy xác nhận tình trạng hôn nhân", "xa", "ho_tich", 3, 0, "", 4, 8, False),
    ("X06", "Đăng ký khai tử", "xa", "ho_tich", 0, 0, "", 4, 3, True),
    ("X07", "Cấp bản sao trích lục hộ tịch", "xa", "ho_tich", 0, 8000, "đ/bản", 4, 6, True),
    ("X08", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "xa", "ho_tich", 3, 15000, "", 3, 2, True),
    ("X09", "Giải quyết hỗ trợ chi phí mai táng", "xa", "lao_dong_xa_hoi", 5, 0, "", 3, 2, True),
    ("X10", "Xác nhận hợp đồng, giao dịch (chứng thực hợp đồng)", "xa", "chung_thuc", 2, 50000, "", 2, 4, True),
    (
        "H01",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản (cấp huyện)",
        "huyen",
        "chung_thuc",
        0,
        2000,
        "2.000 đ/trang cho trang 1–2, từ trang 3 là 1.000 đ/trang, tối đa 200.000 đ/bản",
        3,
        10,
        False,
    ),
    ("H02", "Đăng ký thành lập hộ kinh doanh", "huyen", "kinh_doanh", 3, 100000, "", 4, 10, False),
    ("H03", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "huyen", "kinh_doanh", 3, 50000, "", 4, 6, True),
    ("H04", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "huyen", "xay_dung", 15, 75000, "", 3, 8, False),
    ("H05", "Đăng ký, cấp Giấy chứng nhận quyền sử dụng đất lần đầu", "huyen", "dat_dai", 30, 100000, "", 3, 6, True),
    ("H06", "Đăng ký biến động quyền sử dụng đất do chuyển nhượng", "huyen", "dat_dai", 10, 50000, "", 3, 10, True),
    ("H07", "Cấp Giấy phép bán lẻ rượu", "huyen", "kinh_doanh", 10, 200000, "", 3, 1, True),
    ("H08", "Đăng ký kết hôn có yếu tố nước ngoài", "huyen", "ho_tich", 15, 1000000, "", 3, 0.5, True),
    ("H09", "Giải quyết trợ cấp xã hội hằng tháng", "huyen", "lao_dong_xa_hoi", 20, 0, "", 3, 3, True),
]
FIELDS = {
    "chung_thuc": "Chứng thực",
    "ho_tich": "Hộ tịch",
    "kinh_doanh": "Thành lập và hoạt động của hộ kinh doanh",
    "xay_dung": "Xây dựng",
    "dat_dai": "Đất đai",
    "lao_dong_xa_hoi": "Bảo trợ xã hội",
}


def _gen_thu_tuc(ctx: Context) -> list[dict]:
    return [
        {
            "ma_thu_tuc": c,
            "ten_thu_tuc": n,
            "cap": lvl,
            "linh_vuc": f,
            "thoi_han_ngay": days,
            "le_phi_vnd": fee,
            "ghi_chu_le_phi": note or None,
            "muc_do_truc_tuyen": online,
            "minh_hoa": illus,
        }
        for c, n, lvl, f, days, fee, note, online, _, illus in PROCEDURES
    ]


# --- ho_so ------------------------------------------------------------------------------

YEAR = 2022
# Dossiers received in January–April 2022 (the district published "over 1,100" at the district and
# "over 4,000" in the communes together), and in the whole year.
JAN_APR = {"huyen": 1_148, "xa": 4_163}
PER_YEAR = {"huyen": 3_720, "xa": 13_450}
# Relative volume by month (Tết 2022 fell on 1 February: a rush in January, a dip in February).
MONTH_WEIGHT = np.array([1.15, 0.70, 1.05, 1.0, 1.0, 1.05, 1.05, 0.95, 1.0, 1.05, 1.05, 1.15])
ONLINE_SHARE = np.linspace(0.24, 0.42, 12)  # of dossiers whose procedure is offered online, by month
POST_SHARE = 0.03
SUPPLEMENT_SHARE = 0.07
REFUSED_SHARE = 0.01
STUCK_SHARE = 0.002  # long procedures left unfinished, overdue: they need an apology (Mẫu 04)
OFFICE = ((450, 690), (810, 1020))  # 07:30–11:30 and 13:30–17:00, minutes since midnight
STATUSES = {
    "da_tra_ket_qua": "Đã trả kết quả",
    "tu_choi": "Từ chối",
    "dang_xu_ly": "Đang xử lý",
    "cho_bo_sung": "Chờ bổ sung",
}


def agency_id(unit_index: int, replica: int = 0) -> str:
    """Synthetic agency ids in the QCVN 102:2016 shape: 000.00.25.H62 for the district's one-stop
    unit, 000.<NN>.25.H62 for unit NN (the codes are the course's, not the real ones)."""
    return f"000.{unit_index:02d}.{25 + replica:02d}.H62"


def _office_minutes(u, n):
    morning = u(n) < 0.65
    start = np.where(morning, OFFICE[0][0], OFFICE[1][0])
    length = np.where(morning, OFFICE[0][1] - OFFICE[0][0], OFFICE[1][1] - OFFICE[1][0])
    return start + np.floor(u(n) * length).astype(np.int64)


def _online_minutes(u, n):
    hour_w = np.array([1, 0.5, 0.3, 0.3, 0.3, 0.5, 2, 5, 9, 10, 10, 9, 6, 7, 9, 10, 9, 8, 6, 6, 6, 5, 3, 2])
    return u.choice(n, hour_w) * 60 + u.integers(0, 60, n)


# long: every column is drawn from one uniform stream in a fixed order, so
# splitting it would hide the order that keeps the committed file byte for byte the same.
def _block(ctx: Context, year: int, replica: int, units: list[dict], procedures: list[dict]) -> dict[str, list]:
    """The dossiers of one copy of the district in one year, as text columns."""
    from .. import workdays

    u = ctx.uniform(f"ho_so:{year}:{replica}")
    cal = workdays.Calendar(date(year, 1, 1), date(year + 1, 6, 30))
    year_days = np.arange(cal.day(date(year, 12, 31)) + 1)
    month = np.array([cal.dates[d].month for d in year_days])
    working = cal.working[year_days]
    tet = next(
        d
        for d in year_days
        if cal.dates[d].month in (1, 2)
        and not working[d]
        and cal.dates[d].weekday() < 5
        and workdays.holiday_name(cal.dates[d])
        and "Tết Nguyên Đán" in workdays.holiday_name(cal.dates[d])
    )
    near_tet = np.where(
        (year_days < tet) & (year_days >= tet - 14),
        1.3,
        np.where((year_days > tet) & (year_days <= tet + 14), 0.6, 1.0),
    )
    unit_w = np.array([x["dan_so"] for x in units], dtype=float)
    snapshot_day = cal.day(date(year, 12, 31))

    parts = []
    for level in ("huyen", "xa"):
        procs = [p for p in procedures if p["cap"] == level]
        pw = np.array([next(x[8] for x in PROCEDURES if x[0] == p["ma_thu_tuc"]) for p in procs])
        total = PER_YEAR[level] if year == YEAR else int(PER_YEAR[level] * (1.03 ** (year - YEAR)))
        month_n = np.zeros(12, dtype=np.int64)
        if year == YEAR:  # exact calibration on the published January–April figures
            month_n[:4] = _split(JAN_APR[level], MONTH_WEIGHT[:4] * [working[month == m + 1].sum() for m in range(4)])
            month_n[4:] = _split(
                total - JAN_APR[level], MONTH_WEIGHT[4:] * [working[month == m + 1].sum() for m in range(4, 12)]
            )
        else:
            month_n[:] = _split(total, MONTH_WEIGHT * [working[month == m + 1].sum() for m in range(12)])
        for m in range(12):
            n = int(month_n[m])
            days_m = year_days[month == m + 1]
            proc = u.choice(n, pw)
            online_ok = np.array([procs[i]["muc_do_truc_tuyen"] >= 3 for i in range(len(procs))])[proc]
            online = online_ok & (u(n) < ONLINE_SHARE[m])
            # walk-in and post: working days in office hours; online: any day, any hour (fewer at weekends)
            w_off = (working[days_m] * near_tet[days_m]).astype(float)
            w_on = np.where(working[days_m], 1.0, 0.35) * near_tet[days_m]
            day = np.where(online, days_m[u.choice(n, w_on)], days_m[u.choice(n, w_off)])
            minute = np.where(online, _online_minutes(u, n), _office_minutes(u, n))
            channel = np.where(online, "truc_tuyen", np.where(u(n) < POST_SHARE, "buu_chinh", "truc_tiep"))
            parts.append((level, procs, proc, day, minute, channel, u.choice(n, unit_w)))

    # one table for the block, then deadlines and outcomes with arrays
    level = np.concatenate([np.full(len(p[2]), p[0]) for p in parts])
    code = np.concatenate([np.array([x["ma_thu_tuc"] for x in p[1]])[p[2]] for p in parts])
    limit = np.concatenate([np.array([x["thoi_han_ngay"] for x in p[1]])[p[2]] for p in parts])
    online_level = np.concatenate([np.array([x["muc_do_truc_tuyen"] for x in p[1]])[p[2]] for p in parts])
    day = np.concatenate([p[3] for p in parts])
    minute = np.concatenate([p[4] for p in parts])
    channel = np.concatenate([p[5] for p in parts])
    unit = np.concatenate([p[6] for p in parts])
    n = len(day)

    # supplement requests: the complete dossier arrives 2–15 days later; the clock restarts then
    supp = (limit > 0) & (u(n) < SUPPLEMENT_SHARE)
    supp_day_raw = day + u.integers(2, 16, n)
    supp_day = cal.workdays[cal._at_or_after[np.minimum(supp_day_raw, len(cal.dates) - 1)]]
    supp_min = _office_minutes(u, n)
    waiting = supp & (supp_day > snapshot_day)
    start_day = np.where(supp, supp_day, day)
    start_min = np.where(supp, supp_min, minute)
    eff = cal.effective(start_day, start_min)
    due_idx = eff + limit

    # outcome: early, on time or late; a unit's lateness varies, and rises around Tết
    unit_late = 0.005 + 0.075 * ctx.uniform(f"ho_so:late:{replica}")(len(units)) ** 2
    p_late = np.where(level == "huyen", 0.045, unit_late[unit])
    due_day = cal.workdays[due_idx]
    p_late = p_late * np.where(np.abs(due_day - tet) <= 20, 1.8, 1.0)
    r = u(n)
    late = r < p_late
    early = ~late & (limit > 0) & (r < p_late + (1 - p_late) * 0.72)
    early_idx = eff + np.floor(u(n) * np.maximum(limit, 1)).astype(np.int64)  # eff .. due-1
    late_idx = due_idx + 1 + np.minimum(np.floor(-np.log(1 - u(n)) * 2.5).astype(np.int64), 12)
    done_idx = np.where(late, late_idx, np.where(early, early_idx, due_idx))
    done_day = cal.workdays[done_idx]
    same_day = done_day == start_day
    done_min = np.where(
        same_day,
        np.minimum(start_min + 20 + np.floor(u(n) * np.maximum(1020 - start_min - 20, 1)), 1020),
        _office_minutes(u, n),
    ).astype(np.int64)
    stuck = (limit >= 10) & (u(n) < STUCK_SHARE * 10)
    finished = ~waiting & ~stuck & (done_day <= snapshot_day)
    refused = finished & (u(n) < REFUSED_SHARE)
    status = np.where(
        waiting, "cho_bo_sung", np.where(~finished, "dang_xu_ly", np.where(refused, "tu_choi", "da_tra_ket_qua"))
    )

    # dossier codes: <agency id>-YYMMDD-XXXX, XXXX the sequence within that day at that agency
    agency = np.where(level == "huyen", 0, unit + 1)
    order = np.lexsort((minute, day, agency))
    key = agency[order] * 100000 + day[order]
    first = np.r_[0, np.flatnonzero(np.diff(key)) + 1]
    seq_sorted = np.arange(n) - np.repeat(first, np.diff(np.r_[first, n]))
    seq = np.empty(n, dtype=np.int64)
    seq[order] = seq_sorted + 1
    dates = np.array(cal.dates, dtype="datetime64[D]")

    def stamp(d, m):
        return np.datetime_as_string(dates[d] + m.astype("timedelta64[m]"), unit="s")

    unit_codes = np.array([x["ma_don_vi"] for x in units])
    agencies = np.array([agency_id(i, replica) for i in range(len(units) + 1)])
    yymmdd = np.char.replace(np.datetime_as_string(dates[day], unit="D"), "-", "")
    ma = [f"{a}-{ymd[2:]}-{s:04d}" for a, ymd, s in zip(agencies[agency], yymmdd, seq, strict=True)]
    received = np.char.replace(stamp(day, minute), "T", " ")
    complete = np.char.replace(stamp(supp_day, supp_min), "T", " ")
    done = np.char.replace(stamp(done_day, done_min), "T", " ")
    due_txt = np.datetime_as_string(dates[due_day], unit="D")
    rows_order = np.lexsort((seq, agency, minute, day))
    cols = {
        "ma_ho_so": ma,
        "ma_thu_tuc": code,
        "cap": level,
        "ma_don_vi": unit_codes[unit],
        "kenh": channel,
        "muc_do": np.where(channel == "truc_tuyen", online_level.astype(str), ""),
        "thoi_diem_tiep_nhan": received,
        "so_lan_bo_sung": supp.astype(np.int64).astype(str),
        "thoi_diem_bo_sung": np.where(supp & ~waiting, complete, ""),
        "han_xu_ly": np.where(waiting, "", due_txt),
        "thoi_diem_hoan_thanh": np.where(finished, done, ""),
        "trang_thai": status,
    }
    return {k: [v[i] for i in rows_order] if isinstance(v, list) else v[rows_order].tolist() for k, v in cols.items()}


def _split(total: int, weights) -> np.ndarray:
    return np.array(split_total(int(total), [float(w) for w in weights]), dtype=np.int64)


def _gen_ho_so(ctx: Context) -> dict[str, list]:
    return _block(ctx, YEAR, 0, ctx.rows("don_vi"), ctx.rows("thu_tuc"))


def _scale_ho_so(ctx: Context, n: int) -> dict[str, list]:
    """n blocks: years 2022 onward (at most 8), then more copies of the district's 28 units."""
    all_units = ctx.rows("don_vi")  # the copies written by units.scale_don_vi, 28 per copy
    procedures = ctx.rows("thu_tuc")
    years, _ = scale_plan(n)
    out: dict[str, list] = {}
    for k in range(n):
        year, replica = YEAR + k % years, k // years
        units = all_units[replica * len(UNITS) : (replica + 1) * len(UNITS)]
        for c, v in _block(ctx, year, replica, units, procedures).items():
            out.setdefault(c, []).extend(v)
    return out


DATASETS = [
    Dataset(
        name="thu_tuc",
        title_vi="Danh mục thủ tục hành chính cấp huyện và cấp xã",
        title_en="Catalogue of administrative procedures at district and commune level",
        columns=[
            Column(
                "ma_thu_tuc", "str", "Mã thủ tục", "Procedure code (the course's)", note="X.. cấp xã, H.. cấp huyện"
            ),
            Column("ten_thu_tuc", "str", "Tên thủ tục", "Procedure name"),
            Column("cap", "category", "Cấp thực hiện", "Level", note="huyen | xa"),
            Column(
                "linh_vuc", "category", "Lĩnh vực", "Field", note="; ".join(f"{k} = {v}" for k, v in FIELDS.items())
            ),
            Column(
                "thoi_han_ngay",
                "int",
                "Thời hạn giải quyết",
                "Legal time limit",
                unit="ngày làm việc",
                note="0 = trong ngày (nhận sau 15:00 thì trả trong ngày làm việc tiếp theo)",
            ),
            Column("le_phi_vnd", "int", "Lệ phí", "Fee", unit="đồng"),
            Column("ghi_chu_le_phi", "str", "Ghi chú lệ phí", "Fee details", nullable=True),
            Column(
                "muc_do_truc_tuyen",
                "int",
                "Mức độ dịch vụ công trực tuyến",
                "Online service level offered",
                note="2, 3 hoặc 4 theo Nghị định 43/2011/NĐ-CP (áp dụng đầu năm 2022)",
            ),
            Column("minh_hoa", "bool", "Số liệu minh họa", "True: time limit or fee is illustrative only"),
        ],
        generate=_gen_thu_tuc,
        key=("ma_thu_tuc",),
        method=(
            "Danh mục chọn lọc các thủ tục thường gặp ở bộ phận một cửa cấp xã và cấp huyện. Thời hạn của chứng "
            "thực bản sao, khai sinh, kết hôn, xác nhận tình trạng hôn nhân, đăng ký hộ kinh doanh, giấy phép xây "
            "dựng nhà ở riêng lẻ theo các quy định khóa học dùng (xem từ điển dữ liệu này); thời hạn và lệ phí các thủ tục có minh_hoa = True chỉ để minh "
            "họa, không dùng để trả lời công dân."
        ),
    ),
    Dataset(
        name="ho_so",
        title_vi="Hồ sơ thủ tục hành chính tại bộ phận một cửa cấp huyện và cấp xã năm 2022",
        title_en="One-stop dossiers at district and commune level, 2022",
        columns=[
            Column(
                "ma_ho_so",
                "str",
                "Mã hồ sơ",
                "Dossier code",
                note="<mã cơ quan>-YYMMDD-XXXX (Thông tư 01/2018/TT-VPCP); mã cơ quan giả định dạng QCVN 102:2016: "
                "000.00.25.H62 = một cửa huyện, 000.NN.25.H62 = đơn vị VTNN; XXXX = số thứ tự trong ngày",
            ),
            Column("ma_thu_tuc", "str", "Mã thủ tục", "Procedure (thu_tuc)"),
            Column("cap", "category", "Cấp tiếp nhận", "Level of the one-stop unit", note="huyen | xa"),
            Column("ma_don_vi", "str", "Mã đơn vị", "Unit: where filed (xa) or where the applicant lives (huyen)"),
            Column("kenh", "category", "Kênh tiếp nhận", "Channel", note="truc_tiep | truc_tuyen | buu_chinh"),
            Column(
                "muc_do",
                "int",
                "Mức độ trực tuyến",
                "Online level of an online submission",
                nullable=True,
                note="3 | 4 khi nộp trực tuyến, trống khi nộp trực tiếp hoặc qua bưu chính",
            ),
            Column(
                "thoi_diem_tiep_nhan",
                "datetime",
                "Thời điểm tiếp nhận",
                "Received at",
                note="trực tiếp, bưu chính: giờ hành chính ngày làm việc (07:30–11:30, 13:30–17:00); trực tuyến: mọi lúc",
            ),
            Column("so_lan_bo_sung", "int", "Số lần yêu cầu bổ sung", "Supplement requests", note="0 | 1"),
            Column(
                "thoi_diem_bo_sung",
                "datetime",
                "Thời điểm nhận đủ hồ sơ bổ sung",
                "Complete dossier received at",
                nullable=True,
                note="trống nếu không phải bổ sung hoặc chưa nhận đủ",
            ),
            Column(
                "han_xu_ly",
                "date",
                "Hạn giải quyết",
                "Due date",
                nullable=True,
                note="theo quy tắc của khóa học (kynangso.workdays); trống khi đang chờ bổ sung (dừng tính thời hạn)",
            ),
            Column(
                "thoi_diem_hoan_thanh",
                "datetime",
                "Thời điểm hoàn thành",
                "Finished at",
                nullable=True,
                note="trống khi chưa giải quyết xong",
            ),
            Column(
                "trang_thai",
                "category",
                "Trạng thái",
                "Status",
                note="; ".join(f"{k} = {v}" for k, v in STATUSES.items()),
            ),
        ],
        generate=_gen_ho_so,
        scale=_scale_ho_so,
        key=("ma_ho_so",),
        refs={"ma_thu_tuc": "thu_tuc.ma_thu_tuc", "ma_don_vi": "don_vi.ma_don_vi"},
        method=(
            'Số hồ sơ tiếp nhận từ 1/1 đến 30/4/2022 đặt đúng theo báo cáo của huyện: cấp huyện 1.148 ("trên 1.100"), '
            'cấp xã cộng lại 4.163 ("trên 4.000"); các tháng còn lại theo mùa (đông trước Tết, giảm sau Tết 2022, '
            "1/2). Đơn vị nộp chọn theo dân số; thủ tục theo mức phổ biến; tỷ lệ nộp trực tuyến tăng dần trong năm "
            "(chỉ với thủ tục mức 3, 4). Khoảng 7% hồ sơ có một lần yêu cầu bổ sung; thời hạn tính lại từ lúc nhận đủ. "
            "Hạn giải quyết theo quy tắc của khóa học: ngày tiếp nhận, hoặc ngày làm việc tiếp theo nếu nhận từ 15:00 "
            "hoặc vào ngày nghỉ, cộng N ngày làm việc theo lịch nghỉ chính thức (gói holidays, có ngày nghỉ bù). "
            "Mỗi đơn vị có tỷ lệ trễ hạn riêng (cao hơn quanh Tết); tỷ lệ giải quyết trước hạn và đúng hạn của hồ sơ "
            "đã xong trong 4 tháng đầu năm trên 94%. Dữ liệu chốt cuối ngày 31/12/2022: hồ sơ chưa xong để trống thời "
            "điểm hoàn thành; một ít hồ sơ đất đai, xây dựng tồn đọng quá hạn (cần thư xin lỗi, Mẫu 04)."
        ),
        notes=[
            "Mã cơ quan và mã hồ sơ là giả định; mã thủ tục là mã riêng của khóa học.",
            "`kynangso data --scale N --out DIR` sinh bản lớn gấp N lần (thêm năm 2023–2029 và các bản sao của "
            "28 đơn vị) để học xử lý dữ liệu lớn; bản này không đưa vào kho mã.",
        ],
    ),
]
