"""The 28 commune-level units, the officials of the district and of each unit, the demo roster."""

from __future__ import annotations

from .base import SYNTHETIC_NOTE, Column, Context, Dataset, ascii_slug, person, scale_plan, split_total

TOTAL_POPULATION_2019 = 205_345
TOTAL_AREA_KM2 = 144.0
# (name, kind, area km², population): figures the units published (population of the 2019 census);
# None = not published, estimated by the generator.
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
DISTRICT_CODE = "VT00"
DISTRICT_NAME = "UBND huyện Vĩnh Tường"
MAIL_DOMAIN = "vinhtuong.example"


def unit_code(i: int) -> str:
    return f"VT{i + 1:02d}"


def _gen_don_vi(ctx: Context) -> list[dict]:
    rng = ctx.rng("don_vi")
    unknown = [i for i, u in enumerate(UNITS) if u[3] is None]
    # Plausible relative sizes: the district seat is larger, communes vary around the mean.
    weights = [rng.lognormvariate(0, 0.3) * (1.6 if UNITS[i][0] == "Vĩnh Tường" else 1.0) for i in unknown]
    known_pop = sum(u[3] for u in UNITS if u[3] is not None)
    pops = split_total(TOTAL_POPULATION_2019 - known_pop, weights)
    known_area = sum(u[2] for u in UNITS if u[2] is not None)
    areas = split_total(round((TOTAL_AREA_KM2 - known_area) * 100), [w * rng.uniform(0.8, 1.25) for w in weights])
    est = {i: (pops[k], areas[k] / 100) for k, i in enumerate(unknown)}
    rows = []
    for i, (name, kind, area, pop) in enumerate(UNITS):
        estimated = pop is None
        if estimated:
            pop, area = est[i]
        rows.append(
            {
                "ma_don_vi": unit_code(i),
                "ten_don_vi": name,
                "loai": kind,
                "dan_so": pop,
                "dien_tich_km2": f"{area:.2f}",
                "uoc_tinh": estimated,
            }
        )
    return rows


def _scale_don_vi(ctx: Context, n: int) -> list[dict]:
    """For `--scale n`: copies of the 28 units make a larger simulated district (copy 1 is the real list)."""
    real = _gen_don_vi(ctx)
    _, copies = scale_plan(n)
    return real + [
        {**x, "ma_don_vi": f"{x['ma_don_vi']}-{r}", "ten_don_vi": f"{x['ten_don_vi']} (mô phỏng {r})", "uoc_tinh": True}
        for r in range(2, copies + 1)
        for x in real
    ]


# District departments of a district People's Committee in 2022: (agency, staff positions).
DEPARTMENTS = [
    (
        "UBND huyện",
        [("Chủ tịch UBND huyện", True), ("Phó Chủ tịch UBND huyện", True), ("Phó Chủ tịch UBND huyện", True)],
    ),
    (
        "Văn phòng HĐND và UBND huyện",
        [
            ("Chánh Văn phòng", True),
            ("Phó Chánh Văn phòng", True),
            ("Văn thư", False),
            ("Chuyên viên", False),
            ("Chuyên viên", False),
        ],
    ),
    ("Bộ phận Một cửa huyện", [("Công chức tiếp nhận và trả kết quả", False)] * 3),
]
DEPARTMENTS += [
    (d, [("Trưởng phòng", True), ("Phó Trưởng phòng", True), ("Chuyên viên", False), ("Chuyên viên", False)])
    for d in [
        "Phòng Nội vụ",
        "Phòng Tư pháp",
        "Phòng Tài chính - Kế hoạch",
        "Phòng Tài nguyên và Môi trường",
        "Phòng Lao động - Thương binh và Xã hội",
        "Phòng Văn hóa và Thông tin",
        "Phòng Giáo dục và Đào tạo",
        "Phòng Y tế",
        "Phòng Kinh tế và Hạ tầng",
        "Phòng Nông nghiệp và Phát triển nông thôn",
        "Thanh tra huyện",
    ]
]
COMMUNE_LEADERS = ["Chủ tịch UBND", "Phó Chủ tịch UBND"]
COMMUNE_STAFF = [
    "Công chức Văn phòng - Thống kê",
    "Công chức Tư pháp - Hộ tịch",
    "Công chức Địa chính - Xây dựng",
    "Công chức Tài chính - Kế toán",
    "Công chức Văn hóa - Xã hội",
]


def email_address(full_name: str, code: str, taken: set[str]) -> str:
    """The course's mailbox convention: <given name><initials of family and middle names>.<unit code>
    @vinhtuong.example, ASCII lower case; a number is appended when the address is taken."""
    words = ascii_slug(full_name).split()
    local = words[-1] + "".join(w[0] for w in words[:-1]) + "." + code.lower()
    candidate, n = local, 2
    while candidate in taken:
        candidate, n = f"{local}{n}", n + 1
    taken.add(candidate)
    return f"{candidate}@{MAIL_DOMAIN}"


def _gen_can_bo(ctx: Context) -> list[dict]:
    rng = ctx.rng("can_bo")
    staff: list[tuple[str, str, str, bool]] = []  # unit code, agency, position, leader
    for agency, positions in DEPARTMENTS:
        staff += [(DISTRICT_CODE, agency, p, lead) for p, lead in positions]
    for unit in ctx.rows("don_vi"):
        level = "thị trấn" if unit["loai"] == "thi_tran" else "xã"
        agency = f"UBND {level} {unit['ten_don_vi']}"
        staff += [
            (unit["ma_don_vi"], agency, f"{p} {level}", True)
            for p in COMMUNE_LEADERS + COMMUNE_LEADERS[1:] * rng.randint(0, 1)
        ]
        staff += [(unit["ma_don_vi"], agency, p, False) for p in COMMUNE_STAFF]
    taken: set[str] = set()
    rows = []
    for n, (code, agency, position, leader) in enumerate(staff, start=1):
        p = person(rng, born=(1966, 1986) if leader else (1970, 2000))
        rows.append(
            {
                "ma_can_bo": f"cb{n:04d}",
                "ho_ten": p.ho_ten,
                "gioi_tinh": p.gioi_tinh,
                "nam_sinh": p.nam_sinh,
                "so_dinh_danh": p.so_dinh_danh,
                "dien_thoai": p.dien_thoai,
                "ma_don_vi": code,
                "co_quan": agency,
                "chuc_vu": position,
                "la_lanh_dao": leader,
                "email": email_address(p.ho_ten, code, taken),
                "co_chung_thu_so": leader,
            }
        )
    return rows


def _gen_lop_demo(ctx: Context) -> list[dict]:
    """The demo cohort: one commune official (not a leader) from each of the 28 units, in unit order."""
    rows, seen = [], set()
    for o in ctx.rows("can_bo"):
        if o["ma_don_vi"] != DISTRICT_CODE and not o["la_lanh_dao"] and o["ma_don_vi"] not in seen:
            seen.add(o["ma_don_vi"])
            rows.append({k: o[k] for k in ("ma_can_bo", "ho_ten", "ma_don_vi", "chuc_vu", "email")})
    return rows


ROSTER_COLUMNS = [
    Column("ma_can_bo", "str", "Mã cán bộ", "Official's ID (synthetic); the nbgrader student id"),
    Column("ho_ten", "str", "Họ và tên", "Full name (synthetic: a letter for the given name)"),
    Column("ma_don_vi", "str", "Mã đơn vị", "Unit code (don_vi), VT00 = the district"),
    Column("chuc_vu", "str", "Chức vụ", "Position"),
    Column(
        "email",
        "str",
        "Thư công vụ",
        "Official e-mail, in the course's convention",
        note="<tên><chữ đầu của họ và tên đệm>.<mã đơn vị>@vinhtuong.example",
    ),
]

DATASETS = [
    Dataset(
        name="don_vi",
        title_vi="28 đơn vị hành chính cấp xã của huyện Vĩnh Tường",
        title_en="The 28 commune-level units of Vĩnh Tường district",
        columns=[
            Column(
                "ma_don_vi", "str", "Mã đơn vị", "The course's unit code (not the statistical code)", note="VT01–VT28"
            ),
            Column("ten_don_vi", "str", "Tên đơn vị", "Unit name (Unicode NFC)"),
            Column("loai", "category", "Loại đơn vị", "Kind of unit", note="thi_tran (thị trấn) | xa (xã)"),
            Column("dan_so", "int", "Dân số", "Population (2019)", unit="người"),
            Column("dien_tich_km2", "float", "Diện tích", "Area", unit="km²"),
            Column("uoc_tinh", "bool", "Số liệu ước tính", "True: population and area are synthetic estimates"),
        ],
        generate=_gen_don_vi,
        scale=_scale_don_vi,
        key=("ma_don_vi",),
        method=(
            "Danh sách 28 đơn vị hành chính cấp xã của huyện năm 2022 (3 thị trấn, 25 xã). Thổ Tang, Tứ Trưng, Vĩnh Sơn dùng số liệu "
            "công bố; các đơn vị khác chia phần còn lại của tổng dân số 205.345 người (2019) và diện tích 144 km² "
            "theo trọng số ngẫu nhiên có hạt giống, nên tổng đúng bằng số công bố."
        ),
        notes=['Tên đơn vị ghi dạng NFC. Nguồn khác có thể viết "Hoà" thay "Hòa": chuẩn hóa trước khi so sánh.'],
    ),
    Dataset(
        name="can_bo",
        title_vi="Cán bộ, công chức của huyện và các xã, thị trấn",
        title_en="Officials of the district departments and of the communes",
        columns=ROSTER_COLUMNS[:2]
        + [
            Column("gioi_tinh", "category", "Giới tính", "Sex", note="nam | nu"),
            Column("nam_sinh", "int", "Năm sinh", "Year of birth"),
            Column(
                "so_dinh_danh",
                "str",
                "Số định danh cá nhân",
                "Personal ID (synthetic)",
                note="12 chữ số: 000 + mã thế kỷ và giới tính + 2 số cuối năm sinh + 6 số",
            ),
            Column("dien_thoai", "str", "Điện thoại", "Phone (synthetic)", note="bắt đầu bằng 0000"),
            Column("ma_don_vi", "str", "Mã đơn vị", "Unit code (don_vi); VT00 = the district"),
            Column("co_quan", "str", "Cơ quan", "Agency or department"),
            Column("chuc_vu", "str", "Chức vụ", "Position"),
            Column("la_lanh_dao", "bool", "Lãnh đạo", "Leader of the agency or unit"),
            ROSTER_COLUMNS[4],
            Column("co_chung_thu_so", "bool", "Có chứng thư số", "Holds a personal signing certificate (leaders do)"),
        ],
        generate=_gen_can_bo,
        key=("ma_can_bo",),
        refs={"ma_don_vi": "don_vi.ma_don_vi (hoặc VT00)"},
        method=(
            "Cấp huyện: lãnh đạo UBND, Văn phòng HĐND và UBND, Bộ phận Một cửa và 11 phòng chuyên môn (mã đơn vị "
            "VT00). Mỗi xã, thị trấn: Chủ tịch, 1–2 Phó Chủ tịch và 5 công chức chuyên môn. Họ và tên đệm ghép ngẫu "
            "nhiên, tên là một chữ cái; năm sinh, giới tính, số định danh khớp nhau."
        ),
        notes=[SYNTHETIC_NOTE],
    ),
    Dataset(
        name="lop_demo",
        title_vi="Danh sách lớp mẫu: mỗi đơn vị một công chức",
        title_en="The demo cohort's roster: one official from each unit",
        columns=ROSTER_COLUMNS,
        generate=_gen_lop_demo,
        key=("ma_can_bo",),
        refs={"ma_can_bo": "can_bo.ma_can_bo"},
        method="Lấy từ can_bo: công chức (không phải lãnh đạo) đầu tiên của mỗi đơn vị trong 28 đơn vị.",
        notes=[SYNTHETIC_NOTE, "Dùng cho `kynangso demo` và làm mẫu cho tệp danh sách lớp của giảng viên."],
    ),
]
