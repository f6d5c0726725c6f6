"""The 2022 document registers of the district People's Committee (Decree 30/2020/NĐ-CP), as two data
sets: incoming documents (van_ban_den) and outgoing documents (van_ban_di), their schemas and their
generators. The registers' rules (types, numbers and symbols, urgency, issuers) are in registers.py,
what the documents are about in topics.py; the names tests read are imported here as well.
"""

# size: most lines are the two data sets' schemas and generation notes, one column per line

from __future__ import annotations

import random
from datetime import date

from .base import Column, Context, Dataset, nfc
from .registers import (
    DEPT_ABBR,
    ISSUERS,
    N_DEPARTMENTS,
    ORDINARY_DAYS,
    PROVINCE,
    SNAPSHOT,
    URGENCY,
    URGENT_DAYS,
    VP,
    YEAR,
    Issuer,
    commune_issuers,
    commune_name,
    count,
    dept_issuer,
    number_register,
    place,
    ramp,
    symbol,
    type_note,
    weighted,
    working_days,
)
from .registers import (
    TYPES as TYPES,  # re-exported: documents.TYPES
)
from .topics import PROJECTS, TOPIC, Topic, allowed, bare, pick_topic, summary, urgency
from .units import DISTRICT_CODE

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
    return {
        "ngay_den": d,
        "tac_gia": issuer.name,
        "_issuer": issuer,
        "_kind": kind,
        "_unit": unit,
        "ngay_van_ban": issued,
        "loai_van_ban": kind,
        "trich_yeu": nfc(summary(rng, kind, topic, issued, issuer.level, abbr=issuer.abbr)),
        "do_khan": do_khan,
        "don_vi_xu_ly": dept,
        "ngay_chuyen": days[day_index + presented_after],
        "thoi_han_ngay": allowed_days,
        "han_xu_ly": wd.add_working_days(d, allowed_days),
        "ngay_xu_ly": handled,
        "ky_so": signed,
    }


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
OUT_KINDS = (
    ("cong_van", 0.46),
    ("quyet_dinh", 0.22),
    ("bao_cao", 0.09),
    ("giay_moi", 0.07),
    ("ke_hoach", 0.06),
    ("thong_bao", 0.05),
    ("to_trinh", 0.025),
    ("huong_dan", 0.008),
    ("chi_thi", 0.004),
    ("cong_dien", 0.01),
)
# Share of outgoing documents signed digitally, January -> December 2022.
OUT_SIGNED = (0.70, 0.98)
# The few documents of a kind issued once a year (date, type, topic, trích yếu).
ONCE = [
    (date(2022, 1, 14), "chuong_trinh", "tong_hop", "Công tác năm 2022 của UBND huyện Vĩnh Tường"),
    (
        date(2022, 3, 15),
        "de_an",
        "chuyen_doi_so",
        "Chuyển đổi số huyện Vĩnh Tường giai đoạn 2022-2025, định hướng đến năm 2030",
    ),
    (
        date(2022, 4, 20),
        "phuong_an",
        "thien_tai",
        "Phòng, chống thiên tai và tìm kiếm cứu nạn năm 2022 trên địa bàn huyện Vĩnh Tường",
    ),
    (
        date(2022, 6, 8),
        "quy_che",
        "chuyen_doi_so",
        "Quản lý, sử dụng chữ ký số trong gửi, nhận văn bản điện tử của các cơ quan hành chính huyện",
    ),
]
# Economic fields go to one Vice-Chair, social ones to the other, the rest to the Chair.
ECONOMY = {
    "Phòng Tài nguyên và Môi trường",
    "Phòng Kinh tế và Hạ tầng",
    "Phòng Nông nghiệp và Phát triển nông thôn",
    "Phòng Tài chính - Kế hoạch",
}
SOCIETY = {
    "Phòng Giáo dục và Đào tạo",
    "Phòng Y tế",
    "Phòng Văn hóa và Thông tin",
    "Phòng Lao động - Thương binh và Xã hội",
    "Phòng Tư pháp",
}


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
        return rng.choice(
            [
                f"Về việc thu hồi đất để thực hiện dự án {project} tại {commune}",
                f"Về việc phê duyệt phương án bồi thường, hỗ trợ giải phóng mặt bằng dự án {project} tại {commune}",
                f"Về việc phê duyệt giá khởi điểm đấu giá quyền sử dụng đất tại {commune}",
                f"Về việc cấp giấy chứng nhận quyền sử dụng đất cho hộ gia đình, cá nhân tại {commune}",
            ]
        )
    if topic.key in ("ha_tang", "nong_thon_moi", "tai_chinh"):
        return rng.choice(
            [
                f"Về việc phê duyệt báo cáo kinh tế - kỹ thuật công trình {project} tại {commune}",
                f"Về việc phân bổ kinh phí thực hiện {bare(rng.choice(topic.phrases(d.month)))} cho {commune}",
            ]
        )
    work = bare(rng.choice(topic.phrases(d.month)))
    return f"Về việc tặng Giấy khen cho các tập thể, cá nhân có thành tích trong {work}"


def _outgoing(
    rng: random.Random,
    d: date,
    communes,
    signers,
    kind: str | None = None,
    topic: Topic | None = None,
    text: str | None = None,
) -> dict:
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
            text = summary(
                rng, kind, topic, d, outgoing=True, commune=commune if kind == "cong_van" else "", upward=upward
            )
    if kind == "thong_bao" or kind == "giay_moi" and rng.random() < 0.5:
        dept = VP
    else:
        dept = topic.dept
    sent_to = recipients(rng, kind, topic, commune, upward)
    return {
        "ngay_ban_hanh": d,
        "loai_van_ban": kind,
        "trich_yeu": nfc(text),
        "nguoi_ky": signer(rng, signers, kind, dept),
        "don_vi_soan": dept,
        "noi_nhan": "; ".join(name for name, _ in sent_to),
        "so_ban": sum(n for _, n in sent_to) + 2,  # plus the two kept: Lưu: VT, drafting unit
        "do_khan": urgency(rng, kind, topic, d),
    }


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
    for r, n in zip(rows, numbers, strict=True):
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

IN_KINDS = (
    "cong_van",
    "quyet_dinh",
    "ke_hoach",
    "bao_cao",
    "thong_bao",
    "giay_moi",
    "to_trinh",
    "huong_dan",
    "chi_thi",
    "cong_dien",
    "nghi_quyet",
)
OUT_KIND_CODES = tuple(k for k, _ in OUT_KINDS) + tuple(k for _, k, _, _ in ONCE)
URGENCY_NOTE = " | ".join(f"{k} ({v})" for k, v in URGENCY.items())
SYMBOL_NOTE = (
    "`<số>/<chữ viết tắt loại>-<cơ quan>`, ví dụ `125/QĐ-UBND`; công văn không có chữ viết tắt loại: "
    "`<số>/<cơ quan>-<đơn vị soạn>`, ví dụ `45/UBND-VP`; số dưới 10 có số 0 ở trước (`05`)"
)

DATASETS = [
    Dataset(
        name="van_ban_den",
        title_vi="Sổ đăng ký văn bản đến của UBND huyện năm 2022",
        title_en="Register of incoming documents of the district People's Committee, 2022",
        columns=[
            Column(
                "so_den",
                "int",
                "Số đến",
                "Arrival number, from 1 on the first working day of 2022",
                note="liên tục theo thứ tự đến",
            ),
            Column("ngay_den", "date", "Ngày đến", "Arrival date (a working day)"),
            Column(
                "tac_gia",
                "str",
                "Tác giả",
                "Issuing agency",
                note="bộ, ngành trung ương; UBND, HĐND tỉnh Vĩnh Phúc và các sở; HĐND huyện; các phòng "
                "chuyên môn của huyện; UBND 28 xã, thị trấn",
            ),
            Column("so_ky_hieu", "str", "Số, ký hiệu", "Number and symbol given by the sender", note=SYMBOL_NOTE),
            Column(
                "ngay_van_ban", "date", "Ngày văn bản", "Date of the document (a working day, on or before arrival)"
            ),
            Column(
                "loai_van_ban",
                "category",
                "Tên loại văn bản",
                "Document type (Decree 30/2020/NĐ-CP)",
                note=type_note(IN_KINDS),
            ),
            Column("trich_yeu", "str", "Trích yếu nội dung", "Summary of the content"),
            Column("do_khan", "category", "Độ khẩn", "Urgency", note=URGENCY_NOTE),
            Column(
                "don_vi_xu_ly",
                "str",
                "Đơn vị xử lý",
                "Department assigned to handle it",
                note="tên như cột co_quan của can_bo",
            ),
            Column(
                "ngay_chuyen",
                "date",
                "Ngày chuyển",
                "Date presented to the leader and passed to the department",
                note="cùng ngày đến hoặc ngày làm việc kế tiếp; văn bản khẩn: ngay trong ngày",
            ),
            Column(
                "thoi_han_ngay",
                "int",
                "Thời hạn giải quyết",
                "Working days allowed",
                unit="ngày làm việc",
                note="hoa_toc 1, thuong_khan 2, khan 3; văn bản thường 5, 7, 10 hoặc 15 do lãnh đạo giao",
            ),
            Column(
                "han_xu_ly",
                "date",
                "Hạn xử lý",
                "Deadline: the thoi_han_ngay-th working day after arrival",
                note="= add_working_days(ngay_den, thoi_han_ngay) (kynangso.workdays); có thể sang năm 2023",
            ),
            Column(
                "ngay_xu_ly",
                "date",
                "Ngày xử lý xong",
                "Date handled (a working day); empty while pending",
                nullable=True,
            ),
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
            "Tỉ lệ văn bản đến có chữ ký số tăng dần trong năm (văn bản của xã, thị trấn từ khoảng 62% lên 95%)."
        ),
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
            Column(
                "so_ky_hieu",
                "str",
                "Số, ký hiệu",
                "Number and symbol",
                note="`<số>/<loại>-UBND`, công văn `<số>/UBND-<đơn vị soạn>` (VP, NV, TP, TCKH, TNMT, LĐTBXH, "
                "VHTT, GDĐT, YT, KTHT, NNPTNT, TTH); số đánh riêng cho từng loại (mọi công văn chung một "
                "dãy số), từ 01 ngày 1/1, liên tục theo thứ tự ban hành; số dưới 10 có số 0 ở trước",
            ),
            Column("ngay_ban_hanh", "date", "Ngày ban hành", "Date of issue (a working day)"),
            Column(
                "loai_van_ban",
                "category",
                "Tên loại văn bản",
                "Document type (Decree 30/2020/NĐ-CP)",
                note=type_note(OUT_KIND_CODES),
            ),
            Column("trich_yeu", "str", "Trích yếu nội dung", "Summary of the content"),
            Column(
                "nguoi_ky",
                "str",
                "Người ký",
                "Signer: ma_can_bo of the Chair, a Vice-Chair, or the Chief of "
                "Office signing on the Chair's behalf (TL. Chủ tịch)",
                note="tham chiếu can_bo.ma_can_bo",
            ),
            Column(
                "don_vi_soan", "str", "Đơn vị soạn thảo", "Drafting department", note="tên như cột co_quan của can_bo"
            ),
            Column("noi_nhan", "str", "Nơi nhận", "Recipients (summary)"),
            Column(
                "so_ban",
                "int",
                "Số lượng bản",
                "Copies: one per recipient plus two kept (Lưu: VT, drafting unit)",
                unit="bản",
            ),
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
            "bằng 70% (tháng 1) tăng đều đến 98% (tháng 12)."
        ),
        notes=[
            "Dữ liệu giả định, sinh bằng máy: văn bản, số, ký hiệu và trích yếu không phải văn bản có thật.",
            "Người ký là cán bộ giả định trong can_bo (nối bảng theo ma_can_bo để lấy họ tên, chức vụ).",
        ],
    ),
]
