"""OCOP products of the district (QĐ 1048/QĐ-TTg scoring) and their online orders in 2022."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

from .base import Column, Context, Dataset, nfc
from .registers import YEAR, weighted

# QĐ 1048/QĐ-TTg: a 100-point score in three parts; stars by total score; certificate valid 3 years.
PART_MAX = {"a": 35, "b": 25, "c": 40}
STARS = ((90, 5), (70, 4), (50, 3))
VALID_YEARS = 3

GROUPS = {
    "thuc_pham": "Thực phẩm",
    "do_uong": "Đồ uống",
    "thao_duoc": "Thảo dược",
    "vai_may_mac": "Vải và may mặc",
    "luu_niem_noi_that": "Lưu niệm - nội thất - trang trí",
    "dich_vu_du_lich": "Dịch vụ du lịch nông thôn và điểm du lịch",
}
# (group, kind of product, sales unit, typical price in đồng, a usual Tết gift)
KINDS = [
    ("thuc_pham", "Gạo nếp", "túi 2 kg", 70_000, True),
    ("thuc_pham", "Gạo tẻ thơm", "túi 5 kg", 110_000, False),
    ("thuc_pham", "Miến dong", "gói 500 g", 45_000, False),
    ("thuc_pham", "Bún khô", "gói 500 g", 30_000, False),
    ("thuc_pham", "Mật ong", "chai 500 ml", 180_000, True),
    ("thuc_pham", "Giò lụa", "kg", 220_000, True),
    ("thuc_pham", "Chả quế", "kg", 240_000, True),
    ("thuc_pham", "Trứng gà", "hộp 10 quả", 45_000, False),
    ("thuc_pham", "Bí đỏ", "kg", 25_000, False),
    ("thuc_pham", "Dưa lưới", "kg", 60_000, False),
    ("thuc_pham", "Nấm sò", "kg", 50_000, False),
    ("thuc_pham", "Tương nếp", "chai 500 ml", 35_000, False),
    ("thuc_pham", "Ruốc thịt", "hộp 200 g", 95_000, True),
    ("thuc_pham", "Bánh chưng", "chiếc", 60_000, True),
    ("thuc_pham", "Lạp xưởng", "kg", 250_000, True),
    ("thuc_pham", "Chè lam", "hộp 300 g", 40_000, True),
    ("do_uong", "Rượu nếp", "chai 500 ml", 90_000, True),
    ("do_uong", "Nước ép bưởi", "chai 330 ml", 25_000, False),
    ("do_uong", "Trà búp", "hộp 200 g", 120_000, True),
    ("thao_duoc", "Trà thảo dược", "hộp 100 g", 90_000, True),
    ("thao_duoc", "Tinh dầu sả", "chai 50 ml", 80_000, False),
    ("thao_duoc", "Cao dược liệu", "lọ 100 g", 250_000, False),
    ("vai_may_mac", "Khăn lụa", "chiếc", 150_000, True),
    ("luu_niem_noi_that", "Chổi đót", "chiếc", 35_000, False),
    ("luu_niem_noi_that", "Giỏ mây tre đan", "chiếc", 120_000, True),
    ("luu_niem_noi_that", "Đồ gỗ mỹ nghệ", "chiếc", 900_000, False),
]
KIND_WEIGHT = {"thuc_pham": 1.0, "do_uong": 1.0, "thao_duoc": 0.8, "vai_may_mac": 0.6, "luu_niem_noi_that": 0.7}
# Recognition rounds of the province (decision dates) and products the district had certified in each.
ROUNDS = [
    (date(2019, 12, 20), 6),
    (date(2020, 8, 14), 4),
    (date(2020, 12, 18), 6),
    (date(2021, 7, 16), 5),
    (date(2021, 12, 17), 8),
    (date(2022, 7, 22), 4),
    (date(2022, 12, 9), 7),
]
FOUR_STAR = 0.22  # share of 4-star products (Vĩnh Phúc 2022: 9 of 44 new products)
ONLINE = 0.8
PRODUCERS = (("HTX mẫu số", 0.45), ("Hộ kinh doanh mẫu số", 0.4), ("Công ty TNHH mẫu số", 0.15))

PLATFORMS = {
    "san_tmdt_a": "Sàn thương mại điện tử A (tên giả định)",
    "san_tmdt_b": "Sàn thương mại điện tử B (tên giả định)",
    "buu_dien_dien_tu": "Sàn thương mại điện tử của bưu điện",
    "mang_xa_hoi": "Bán qua trang mạng xã hội của chủ thể",
}
PLATFORM_WEIGHT = {"san_tmdt_a": 0.35, "san_tmdt_b": 0.25, "buu_dien_dien_tu": 0.2, "mang_xa_hoi": 0.2}
STATUSES = {"da_giao": "Đã giao", "da_huy": "Đã hủy", "hoan_tra": "Hoàn trả"}
TET_2022 = date(2022, 2, 1)  # the first day of Tết Nhâm Dần
ORDERS_PER_DAY = 22.0
PROMO = 0.9  # Tết promotion on the two marketplaces: 10% off


def stars(score: int) -> int:
    for floor, n in STARS:
        if score >= floor:
            return n
    raise ValueError(f"score {score} < 50 is not recognised")


def expiry(recognised: date) -> date:
    """Valid for three years: the same day three years later (28 Feb for a 29 Feb recognition)."""
    try:
        return recognised.replace(year=recognised.year + VALID_YEARS)
    except ValueError:
        return recognised.replace(year=recognised.year + VALID_YEARS, day=28)


def _parts(rng: random.Random, score: int) -> dict[str, int]:
    """Split a total into the three parts A, B, C, each near its share and within its maximum."""
    while True:
        a = min(PART_MAX["a"], max(0, round(PART_MAX["a"] * score / 100 + rng.uniform(-3, 3))))
        b = min(PART_MAX["b"], max(0, round(PART_MAX["b"] * score / 100 + rng.uniform(-3, 3))))
        c = score - a - b
        if 0 <= c <= PART_MAX["c"]:
            return {"a": a, "b": b, "c": c}


def _gen_ocop_san_pham(ctx: Context) -> list[dict]:
    rng = ctx.rng("ocop_san_pham")
    units = [u["ma_don_vi"] for u in ctx.rows("don_vi")]
    producers: list[tuple[str, str]] = []  # (name, unit)
    counters = {p: 0 for p, _ in PRODUCERS}
    rows = []
    n = 0
    for recognised, size in ROUNDS:
        for _ in range(size):
            n += 1
            if producers and rng.random() < 0.3:  # a producer with an earlier product
                name, unit = rng.choice(producers)
            else:
                kind = weighted(rng, PRODUCERS)
                counters[kind] += 1
                name, unit = f"{kind} {counters[kind]}", rng.choice(units)
                producers.append((name, unit))
            group, product, sales_unit, price, _ = weighted(rng, ((k, KIND_WEIGHT[k[0]]) for k in KINDS))
            score = rng.randint(70, 86) if rng.random() < FOUR_STAR else rng.randint(52, 69)
            parts = _parts(rng, score)
            online = rng.random() < ONLINE
            rows.append(
                {
                    "ma_san_pham": f"OCOP{n:02d}",
                    "ten_san_pham": nfc(f"{product} mẫu VT-{n:02d}"),
                    "nhom": group,
                    "chu_the": nfc(name),
                    "ma_don_vi": unit,
                    "diem_phan_a": parts["a"],
                    "diem_phan_b": parts["b"],
                    "diem_phan_c": parts["c"],
                    "diem": score,
                    "so_sao": stars(score),
                    "ngay_cong_nhan": recognised,
                    "nam_cong_nhan": recognised.year,
                    "het_han": expiry(recognised),
                    "don_vi_tinh": sales_unit,
                    "ban_truc_tuyen": online,
                }
            )
    return rows


# --- orders -------------------------------------------------------------------------------


def season(d: date) -> float:
    """Orders per day relative to an ordinary day: a rush before each Tết, a pause over it."""
    if d < TET_2022 - timedelta(days=3):
        return 1.4 + 1.4 * max(0, (d - date(2022, 1, 5)).days) / 22  # up to about 2.8 just before Tết
    if d < TET_2022 + timedelta(days=6):
        return 0.25  # carriers pause over the Tết days
    if d < date(2022, 3, 1):
        return 0.8
    if d >= date(2022, 12, 1):
        return 1.3 + 1.5 * (d - date(2022, 12, 1)).days / 30  # up to about 2.8 at the end of December
    return 1.0


def poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _gen_don_hang_tmdt(ctx: Context) -> list[dict]:
    rng = ctx.rng("don_hang_tmdt")
    products = [p for p in ctx.rows("ocop_san_pham") if p["ban_truc_tuyen"]]
    kinds = {k[1]: k for k in KINDS}
    listing = {}
    for p in products:
        _, _, _, price, gift = kinds[p["ten_san_pham"].split(" mẫu ")[0]]
        shops = [k for k in PLATFORMS if rng.random() < 0.6] or [weighted(rng, PLATFORM_WEIGHT.items())]
        listing[p["ma_san_pham"]] = {
            "price": 1000 * round(price * rng.uniform(0.85, 1.2) / 1000),
            "gift": gift,
            "shops": shops,
            "popularity": rng.lognormvariate(0, 0.6),
            "from": max(p["ngay_cong_nhan"], date(YEAR, 1, 1)),
        }
    orders = []
    d = date(YEAR, 1, 1)
    while d.year == YEAR:
        tet = d < TET_2022 or d.month == 12
        growth = 1 + 0.5 * (d.timetuple().tm_yday - 1) / 364  # more shoppers online as the year goes on
        weekend = 1.15 if d.weekday() >= 5 else 1.0
        on_sale = [p for p in products if listing[p["ma_san_pham"]]["from"] <= d]
        weights = [
            listing[p["ma_san_pham"]]["popularity"] * (2.0 if tet and listing[p["ma_san_pham"]]["gift"] else 1.0)
            for p in on_sale
        ]
        for _ in range(poisson(rng, ORDERS_PER_DAY * season(d) * growth * weekend)):
            p = rng.choices(on_sale, weights=weights)[0]
            item = listing[p["ma_san_pham"]]
            shop = rng.choices(item["shops"], weights=[PLATFORM_WEIGHT[s] for s in item["shops"]])[0]
            hour = weighted(
                rng,
                [(h, 3 if 19 <= h <= 22 else 2 if 11 <= h <= 13 else 1 if 7 <= h <= 23 else 0.2) for h in range(24)],
            )
            at = datetime(d.year, d.month, d.day, hour, rng.randrange(60), rng.randrange(60))
            qty = weighted(
                rng,
                (
                    (1, 0.5),
                    (2, 0.25),
                    (3, 0.1),
                    (4, 0.05),
                    (5, 0.05),
                    (10, 0.03 * (2 if tet else 1)),
                    (20, 0.02 * (2 if tet else 1)),
                ),
            )
            price = item["price"]
            if tet and shop in ("san_tmdt_a", "san_tmdt_b"):
                price = 1000 * round(price * PROMO / 1000)
            cancel = 0.10 if shop == "mang_xa_hoi" else 0.05
            status = weighted(rng, (("da_giao", 1 - cancel - 0.03), ("da_huy", cancel), ("hoan_tra", 0.03)))
            orders.append(
                {
                    "ngay_dat": at,
                    "ma_san_pham": p["ma_san_pham"],
                    "nen_tang": shop,
                    "so_luong": qty,
                    "don_gia": price,
                    "doanh_thu": qty * price,
                    "trang_thai": status,
                }
            )
        d += timedelta(days=1)
    orders.sort(key=lambda o: (o["ngay_dat"], o["ma_san_pham"]))
    return [{"ma_don_hang": f"DH{YEAR % 100}-{i:06d}", **o} for i, o in enumerate(orders, start=1)]


def _note(values: dict) -> str:
    return " | ".join(f"{k} ({v})" for k, v in values.items())


PRODUCT_NOTE = (
    'Tên sản phẩm, chủ thể và điểm là **giả định**: tên sản phẩm có chữ "mẫu" và mã VT-nn, chủ thể '
    'là "HTX mẫu số n", "Hộ kinh doanh mẫu số n", "Công ty TNHH mẫu số n"; không phải sản phẩm OCOP '
    "có thật của huyện."
)

DATASETS = [
    Dataset(
        name="ocop_san_pham",
        title_vi="Sản phẩm OCOP của huyện (giả định)",
        title_en="OCOP products of the district (synthetic)",
        columns=[
            Column("ma_san_pham", "str", "Mã sản phẩm", "Product ID", note="OCOP01, ... theo thứ tự công nhận"),
            Column("ten_san_pham", "str", "Tên sản phẩm", "Product name (generic, synthetic)"),
            Column("nhom", "category", "Nhóm sản phẩm", "Product group of QĐ 1048/QĐ-TTg", note=_note(GROUPS)),
            Column("chu_the", "str", "Chủ thể", "Producer (synthetic)"),
            Column("ma_don_vi", "str", "Mã đơn vị", "Commune-level unit of the producer (don_vi)"),
            Column("diem_phan_a", "int", "Điểm phần A", "Part A: product and community strength (max 35)", unit="điểm"),
            Column("diem_phan_b", "int", "Điểm phần B", "Part B: marketing capacity (max 25)", unit="điểm"),
            Column("diem_phan_c", "int", "Điểm phần C", "Part C: product quality (max 40)", unit="điểm"),
            Column("diem", "int", "Tổng điểm", "Total score = A + B + C (out of 100)", unit="điểm"),
            Column("so_sao", "int", "Hạng sao", "Stars: 3 for 50–69, 4 for 70–89, 5 for 90–100", unit="sao"),
            Column("ngay_cong_nhan", "date", "Ngày công nhận", "Date of the province's recognition decision"),
            Column("nam_cong_nhan", "int", "Năm công nhận", "Year recognised (2019–2022)"),
            Column("het_han", "date", "Ngày hết hạn", "Certificate expiry: recognition date + 3 years"),
            Column("don_vi_tinh", "str", "Đơn vị tính", "Sales unit"),
            Column("ban_truc_tuyen", "bool", "Bán trực tuyến", "Sold online in 2022"),
        ],
        generate=_gen_ocop_san_pham,
        key=("ma_san_pham",),
        refs={"ma_don_vi": "don_vi.ma_don_vi"},
        method=(
            "Chấm điểm theo QĐ 1048/QĐ-TTg: tổng 100 điểm gồm phần A (tối đa 35), B (25), C (40); 50–69 điểm đạt "
            "3 sao, 70–89 điểm 4 sao (tỉnh công nhận), 90–100 điểm 5 sao (trung ương); giấy chứng nhận có hiệu lực "
            "3 năm. 40 sản phẩm được công nhận qua 7 đợt từ cuối 2019 đến cuối 2022; khoảng 22% đạt 4 sao (tỉ lệ gần "
            "với 9/44 sản phẩm mới của tỉnh năm 2022), còn lại 3 sao, không có 5 sao. Tổng điểm chọn ngẫu nhiên trong "
            "khoảng của hạng sao, rồi chia thành ba phần gần đúng tỉ lệ tối đa. Khoảng 80% sản phẩm bán trực tuyến "
            "(số liệu huyện công bố đầu năm 2022: hàng chục sản phẩm OCOP bán trên mạng)."
        ),
        notes=[
            PRODUCT_NOTE,
            "het_han = ngay_cong_nhan cộng 3 năm; sản phẩm công nhận năm 2019 hết hạn trong tháng 12/2022.",
            "Nhóm dich_vu_du_lich có trong danh mục QĐ 1048 nhưng không có sản phẩm nào trong tệp này.",
        ],
    ),
    Dataset(
        name="don_hang_tmdt",
        title_vi="Đơn hàng thương mại điện tử của sản phẩm OCOP năm 2022 (giả định)",
        title_en="E-commerce orders of the OCOP products in 2022 (synthetic)",
        columns=[
            Column("ma_don_hang", "str", "Mã đơn hàng", "Order ID, in time order", note="DH22-000001, ..."),
            Column("ma_san_pham", "str", "Mã sản phẩm", "Product (ocop_san_pham), only products sold online"),
            Column(
                "nen_tang",
                "category",
                "Nền tảng bán",
                "Sales channel (generic, not real brands)",
                note=_note(PLATFORMS),
            ),
            Column("ngay_dat", "datetime", "Thời điểm đặt hàng", "Order time (Vietnam time)"),
            Column("so_luong", "int", "Số lượng", "Quantity, in the product's sales unit (don_vi_tinh)"),
            Column("don_gia", "int", "Đơn giá", "Unit price", unit="đồng"),
            Column(
                "doanh_thu",
                "int",
                "Giá trị đơn hàng",
                "Order value = so_luong × don_gia",
                unit="đồng",
                note="tính cho mọi đơn; doanh thu thực tế chỉ cộng đơn da_giao",
            ),
            Column("trang_thai", "category", "Trạng thái", "Order status", note=_note(STATUSES)),
        ],
        generate=_gen_don_hang_tmdt,
        key=("ma_don_hang",),
        refs={"ma_san_pham": "ocop_san_pham.ma_san_pham"},
        method=(
            "Chỉ các sản phẩm có ban_truc_tuyen = True; sản phẩm công nhận năm 2022 có đơn từ ngày công nhận. Số đơn "
            "mỗi ngày theo phân phối Poisson, khoảng 22 đơn một ngày thường, tăng dần trong năm (thêm khoảng 50% vào "
            "cuối năm) và cuối tuần; cao điểm trước Tết Nhâm Dần (tháng 1/2022, gấp khoảng 1,4–2,8 lần) và trước Tết "
            "Quý Mão (tháng 12/2022), thấp trong những ngày Tết và tháng 2. Trong mùa Tết, sản phẩm quà Tết được đặt "
            "nhiều hơn, số lượng lớn (10, 20) nhiều hơn, và hai sàn A, B giảm giá 10%. Mỗi sản phẩm bán trên một số "
            "nền tảng; giờ đặt hàng đông nhất 19–22 giờ. Khoảng 5% đơn bị hủy (10% qua mạng xã hội), 3% hoàn trả."
        ),
        notes=[
            "Dữ liệu giả định, sinh bằng máy. Tên nền tảng là mã chung (sàn A, sàn B...), không phải tên "
            "thương hiệu có thật.",
            'doanh_thu = so_luong × don_gia cho mọi đơn, kể cả đơn hủy, hoàn trả: lọc trang_thai == "da_giao" '
            "trước khi cộng doanh thu.",
        ],
    ),
]
