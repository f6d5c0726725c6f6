"""Document registers, online meetings and OCOP data: the formats a văn thư checks, deadlines on the
course's working-day calendar, and the trends the lessons ask learners to find."""

import re
import unicodedata
from datetime import date
from functools import cache

import pandas as pd
import pytest

from kynangso import data
from kynangso import workdays as wd
from kynangso.authoring import datasets
from kynangso.data import documents, meetings, ocop

MINE = ("van_ban_den", "van_ban_di", "hop_truc_tuyen", "ocop_san_pham", "don_hang_tmdt")
NUMBER = r"(?:0[1-9]|[1-9]\d+)"  # leading zero below 10, none above
AGENCY = r"[A-ZĐ][A-Za-zĐđ&]*"
VIETNAMESE = r"[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]"
BRANDS = (
    "shopee",
    "lazada",
    "tiki",
    "sendo",
    "zalo",
    "facebook",
    "tiktok",
    "zoom",
    "teams",
    "webex",
    "postmart",
    "voso",
    "google",
)


@cache
def table(name: str) -> pd.DataFrame:
    return data.load(name)


@cache
def rendered(seed: int = 2022) -> dict:
    return datasets.render_all(seed)


def dates(series) -> list[date]:
    return [t.date() for t in series]


def number(symbol: str) -> int:
    return int(symbol.split("/")[0])


# --- reproducible, documented, consistent -----------------------------------------------------


@pytest.mark.parametrize("name", MINE)
def test_generated_twice_the_same_bytes_and_committed_copy_is_current(name):
    ds = data.dataset(name)
    again = datasets.render_all(2022)
    for f in (ds.file, ds.dictionary_file):
        assert rendered()[f] == again[f], f"{f} differs between two runs with the same seed"
    assert data.path(name).read_bytes() == rendered()[ds.file], "run `kynangso data`"
    assert rendered(7)[ds.file] != rendered()[ds.file], "another seed should give other data"


@pytest.mark.parametrize("name", MINE)
def test_keys_unique_and_references_resolve(name):
    ds, df = data.dataset(name), table(name)
    assert len(df) and not df.duplicated(list(ds.key)).any(), f"{name}: duplicate key {ds.key}"
    for col, target in ds.refs.items():
        other, other_col = target.split()[0].split(".")
        missing = set(df[col].dropna()) - set(table(other)[other_col])
        assert not missing, f"{name}.{col}: {sorted(missing)[:5]} not in {target}"


@pytest.mark.parametrize("name", MINE)
def test_text_is_nfc_and_every_category_value_is_documented(name):
    ds = data.dataset(name)
    text = data.path(name).read_text(encoding="utf-8")
    assert unicodedata.normalize("NFC", text) == text
    lowered = text.lower()
    assert not [b for b in BRANDS if re.search(rf"\b{b}\b", lowered)], "brand names in a synthetic data set"
    df = table(name)
    for col in ds.columns:
        if col.dtype == "category":
            for value in df[col.name].dropna().unique():
                assert re.fullmatch(r"[a-z0-9_]+", value), f"{name}.{col.name}: {value!r} not ASCII snake_case"
                assert re.search(rf"(^|[\s|]){value} \(", col.note), f"{name}.{col.name}: {value} not in the note"
        if col.dtype == "str":
            values = df[col.name].dropna()
            assert (values == values.str.strip()).all() and (values != "").all(), f"{name}.{col.name}: blank text"
        assert re.fullmatch(r"[a-z0-9_]+", col.name)


def test_loads_typed():
    den, di = table("van_ban_den"), table("van_ban_di")
    for col in ("ngay_den", "ngay_van_ban", "ngay_chuyen", "han_xu_ly", "ngay_xu_ly"):
        assert pd.api.types.is_datetime64_any_dtype(den[col]), col
    assert den["ngay_xu_ly"].isna().any() and den["ngay_xu_ly"].notna().mean() > 0.9
    assert den["ky_so"].dtype == bool and den["so_den"].dtype == "int64"
    assert isinstance(den["loai_van_ban"].dtype, pd.CategoricalDtype)
    assert pd.api.types.is_datetime64_any_dtype(di["ngay_ban_hanh"])
    assert pd.api.types.is_datetime64_any_dtype(table("don_hang_tmdt")["ngay_dat"])
    assert (table("don_hang_tmdt")["ngay_dat"].dt.hour > 0).any(), "order times lost their time of day"
    assert pd.api.types.is_datetime64_any_dtype(table("ocop_san_pham")["het_han"])
    assert table("hop_truc_tuyen")["so_diem_cau_xa"].dtype == "int64"


# --- numbers and symbols (Decree 30/2020/NĐ-CP) -----------------------------------------------


def test_symbol_and_numbering_rules():
    assert documents.symbol(5, "quyet_dinh", "UBND") == "05/QĐ-UBND"
    assert documents.symbol(125, "quyet_dinh", "UBND") == "125/QĐ-UBND"
    assert documents.symbol(12, "ke_hoach", "STTTT") == "12/KH-STTTT"
    assert documents.symbol(45, "cong_van", "UBND", "VP") == "45/UBND-VP"
    assert documents.symbol(7, "cong_van", "UBND", "TNMT") == "07/UBND-TNMT"
    issued = [
        (date(2021, 12, 30), "quyet_dinh"),
        (date(2021, 12, 31), "quyet_dinh"),
        (date(2022, 1, 4), "cong_van"),
        (date(2022, 1, 4), "quyet_dinh"),
        (date(2022, 1, 5), "quyet_dinh"),
        (date(2022, 1, 5), "cong_van"),
    ]
    assert documents.number_register(issued) == [1, 2, 1, 1, 2, 2], "one sequence per type, restarting 1 January"
    with pytest.raises(ValueError):
        documents.number_register(issued[::-1])


def check_symbols(df: pd.DataFrame, typed: str, letter: str) -> None:
    cong_van = df["loai_van_ban"] == "cong_van"
    assert not df["so_ky_hieu"].str.contains(r"(?:^|[/-])CV(?:$|[/-])").any(), "công văn has no abbreviation (never CV)"
    assert df.loc[cong_van, "so_ky_hieu"].str.fullmatch(letter).all(), (
        df.loc[cong_van & ~df["so_ky_hieu"].str.fullmatch(letter), "so_ky_hieu"].head().tolist()
    )
    for kind, rows in df[~cong_van].groupby("loai_van_ban", observed=True):
        abbr = documents.TYPES[kind][0]
        ok = rows["so_ky_hieu"].str.fullmatch(typed.format(abbr=re.escape(abbr)))
        assert ok.all(), rows.loc[~ok, "so_ky_hieu"].head().tolist()
    n = df["so_ky_hieu"].map(number)
    assert (df["so_ky_hieu"].str.startswith("0") == (n < 10)).all(), "leading zero exactly below 10"


def test_incoming_symbols_follow_decree_30():
    den = table("van_ban_den")
    check_symbols(den, rf"{NUMBER}/{{abbr}}-{AGENCY}", rf"{NUMBER}/{AGENCY}-[A-ZĐ][A-Za-zĐ0-9]*")
    assert set(
        den.loc[den["loai_van_ban"] == "cong_van", "so_ky_hieu"].str.split("/").str[1].str.split("-").str[0]
    ).isdisjoint(abbr for abbr, _ in documents.TYPES.values() if abbr), "a type abbreviation in a công văn"


def test_incoming_sender_numbers_grow_with_the_date_and_never_repeat():
    den = table("van_ban_den").assign(n=lambda d: d["so_ky_hieu"].map(number), year=lambda d: d["ngay_van_ban"].dt.year)
    assert not den.duplicated(["tac_gia", "so_ky_hieu", "year"]).any()
    for _, g in den.groupby(["tac_gia", "loai_van_ban", "year"], observed=True):
        g = g.sort_values(["ngay_van_ban", "n"])
        assert g["n"].is_monotonic_increasing and g["n"].is_unique
    # the numbers of 2022 restart: a sender's first documents of January carry small numbers
    jan = den[(den["year"] == 2022) & (den["ngay_van_ban"].dt.month == 1)]
    late_dec = den[den["year"] == 2021]
    assert len(late_dec) and jan["n"].median() < late_dec["n"].median()


def test_outgoing_numbers_are_consecutive_per_type_from_01():
    di = table("van_ban_di")
    units = "|".join(map(re.escape, documents.DEPT_ABBR.values()))
    check_symbols(di, rf"{NUMBER}/{{abbr}}-UBND", rf"{NUMBER}/UBND-(?:{units})")
    cv = di[di["loai_van_ban"] == "cong_van"]
    assert (cv["so_ky_hieu"].str.split("-").str[1] == cv["don_vi_soan"].map(documents.DEPT_ABBR)).all()
    for kind, g in di.assign(n=di["so_ky_hieu"].map(number)).groupby("loai_van_ban", observed=True):
        g = g.sort_values("n")
        assert list(g["n"]) == list(range(1, len(g) + 1)), f"{kind}: numbers not 1..n"
        assert g["ngay_ban_hanh"].is_monotonic_increasing, f"{kind}: numbers out of date order"
    assert (di["so_ky_hieu"] == "01/QĐ-UBND").sum() == 1 and (di["so_ky_hieu"] == "01/UBND-VP").sum() <= 1


# --- dates and deadlines ------------------------------------------------------------------------


def all_working(series) -> bool:
    return all(wd.is_working_day(d) for d in dates(series.dropna()))


def test_register_dates_are_2022_working_days():
    den, di = table("van_ban_den"), table("van_ban_di")
    assert (den["ngay_den"].dt.year == 2022).all() and (di["ngay_ban_hanh"].dt.year == 2022).all()
    for col in ("ngay_den", "ngay_van_ban", "ngay_chuyen", "ngay_xu_ly"):
        assert all_working(den[col]), f"van_ban_den.{col} on a day off"
    assert all_working(di["ngay_ban_hanh"])
    assert (den["ngay_van_ban"] <= den["ngay_den"]).all()
    assert (den["ngay_van_ban"] >= "2021-12-01").all()
    assert den["so_den"].tolist() == list(range(1, len(den) + 1)) and den["ngay_den"].is_monotonic_increasing
    assert dates(den["ngay_den"])[0] == date(2022, 1, 4), "arrival numbers start on the first working day"
    assert 2500 <= len(den) <= 3500 and 1500 <= len(di) <= 2500


def test_presented_the_same_or_next_working_day_urgent_at_once():
    den = table("van_ban_den")
    arrived, presented = dates(den["ngay_den"]), dates(den["ngay_chuyen"])
    assert all(p in (a, wd.next_working_day(a)) for a, p in zip(arrived, presented, strict=True))
    urgent = den["do_khan"] != "thuong"
    assert (den.loc[urgent, "ngay_chuyen"] == den.loc[urgent, "ngay_den"]).all()


def test_deadline_is_the_stated_number_of_working_days_after_arrival():
    den = table("van_ban_den")
    expected = [
        wd.add_working_days(a, int(n)) for a, n in zip(dates(den["ngay_den"]), den["thoi_han_ngay"], strict=True)
    ]
    assert dates(den["han_xu_ly"]) == expected
    assert (den["han_xu_ly"] >= den["ngay_den"]).all()
    for level, days in documents.URGENT_DAYS.items():
        assert (den.loc[den["do_khan"] == level, "thoi_han_ngay"] == days).all(), level
    assert set(den.loc[den["do_khan"] == "thuong", "thoi_han_ngay"]) == {n for n, _ in documents.ORDINARY_DAYS}
    assert (den["do_khan"] == "hoa_toc").sum() > 5, "too few urgent documents to teach with"


def test_handling_mostly_on_time_urgent_faster_pending_at_the_close():
    den = table("van_ban_den")
    done = den.dropna(subset=["ngay_xu_ly"])
    assert (done["ngay_xu_ly"] >= done["ngay_chuyen"]).all()
    assert (done["ngay_xu_ly"] <= pd.Timestamp(documents.SNAPSHOT)).all()
    late = done["ngay_xu_ly"] > done["han_xu_ly"]
    assert 0.03 < late.mean() < 0.15, late.mean()
    pairs = zip(dates(done["ngay_den"]), dates(done["ngay_xu_ly"]), strict=True)
    taken = pd.Series([wd.working_days_between(a, b) for a, b in pairs], index=done.index)
    urgent = done["do_khan"] != "thuong"
    assert taken[urgent].median() < taken[~urgent].median()
    pending = den[den["ngay_xu_ly"].isna()]
    assert 10 < len(pending) < 0.1 * len(den) and (pending["ngay_den"].dt.month == 12).mean() > 0.5


def test_outgoing_signed_by_district_leaders_with_certificates():
    di, staff = table("van_ban_di"), table("can_bo").set_index("ma_can_bo")
    signers = staff.loc[di["nguoi_ky"].unique()]
    assert (signers["ma_don_vi"] == "VT00").all() and signers["la_lanh_dao"].all() and signers["co_chung_thu_so"].all()
    chair = staff.index[staff["chuc_vu"] == "Chủ tịch UBND huyện"][0]
    assert (di.loc[di["loai_van_ban"].isin(["chi_thi", "cong_dien"]), "nguoi_ky"] == chair).all()
    assert set(di["don_vi_soan"]) <= set(staff["co_quan"])
    assert set(table("van_ban_den")["don_vi_xu_ly"]) <= set(staff["co_quan"])


def test_copies_count_recipients():
    di = table("van_ban_di")
    assert (di["so_ban"] >= 3).all()
    to_all = di["noi_nhan"].str.contains("28 xã, thị trấn")
    assert to_all.any() and (di.loc[to_all, "so_ban"] >= 30).all()


def test_digital_signature_share_rises_through_2022():
    di = table("van_ban_di")
    share = di.groupby(di["ngay_ban_hanh"].dt.month)["ky_so"].mean()
    assert list(share.index) == list(range(1, 13))
    assert share.is_monotonic_increasing, share.round(3).tolist()
    assert 0.65 <= share[1] <= 0.75 and share[12] >= 0.95
    den = table("van_ban_den")
    quarter = den.groupby(den["ngay_den"].dt.quarter)["ky_so"].mean()
    assert quarter[4] > quarter[1] + 0.05 and quarter.mean() > 0.8


def test_summaries_read_as_vietnamese_documents():
    for name in ("van_ban_den", "van_ban_di"):
        df = table(name)
        assert df["trich_yeu"].str.contains(VIETNAMESE).all(), "a summary without Vietnamese letters"
        assert df.loc[df["loai_van_ban"] == "cong_van", "trich_yeu"].str.startswith("V/v ").all()
        assert df["trich_yeu"].nunique() > 200, "summaries too repetitive"
        odd = [t for t in df["trich_yeu"] if re.search(r"\b(\w+) \1\b|  |tại UBND|năm 2022 năm", t)]
        assert not odd, odd[:5]


# --- online meetings ---------------------------------------------------------------------------


def test_online_meetings_reach_every_commune_in_january_to_april():
    hop = table("hop_truc_tuyen")
    assert 150 <= len(hop) <= 250 and (hop["ngay"].dt.year == 2022).all()
    assert hop["so_diem_cau_xa"].between(0, 28).all()
    big = hop["pham_vi"] == "toan_huyen"
    early = hop["ngay"] <= "2022-04-30"
    assert (big & early).sum() >= 30
    assert (hop.loc[big & early, "so_diem_cau_xa"] == 28).all(), (
        "the district's figure: Jan–Apr 2022 online meetings reach 100%"
    )
    assert (hop.loc[big, "so_diem_cau_xa"] == 28).mean() > 0.9
    assert (hop.loc[~big, "so_diem_cau_xa"] < 28).all()
    for level in ("huyen", "tinh"):
        mine = hop[hop["cap_chu_tri"] == level]
        assert (mine["so_diem_cau_xa"] == 28).mean() > 0.5, f"most {level} meetings reach all communes"
    assert (hop.loc[hop["cap_chu_tri"] == "trung_uong", "nen_tang"] == "he_thong_hop_truc_tuyen_chinh_phu").all()
    assert sum(map(wd.is_working_day, dates(hop["ngay"]))) / len(hop) > 0.95
    assert hop["ma_cuoc_hop"].is_monotonic_increasing and hop["ngay"].is_monotonic_increasing
    assert hop["thoi_luong_phut"].between(30, 300).all()


def test_meeting_days_are_spread_within_their_month():
    d = meetings._day(__import__("random").Random(1), 2, 0, 1, 0.0)
    assert d.month == 2 and wd.is_working_day(d) and d >= date(2022, 2, 7), "Tết days off are not meeting days"


# --- OCOP --------------------------------------------------------------------------------------


def test_star_rule_of_decision_1048():
    assert [ocop.stars(s) for s in (50, 69, 70, 89, 90, 100)] == [3, 3, 4, 4, 5, 5]
    with pytest.raises(ValueError):
        ocop.stars(49)
    assert ocop.expiry(date(2020, 2, 29)) == date(2023, 2, 28)
    assert ocop.expiry(date(2021, 12, 17)) == date(2024, 12, 17)


def test_ocop_scores_stars_and_validity():
    sp = table("ocop_san_pham")
    assert 30 <= len(sp) <= 45
    assert (sp["diem_phan_a"] + sp["diem_phan_b"] + sp["diem_phan_c"] == sp["diem"]).all()
    for part, top in ocop.PART_MAX.items():
        assert sp[f"diem_phan_{part}"].between(0, top).all()
    assert (sp["so_sao"] == sp["diem"].map(ocop.stars)).all()
    assert sp["diem"].between(50, 100).all()
    assert (sp["nam_cong_nhan"] == sp["ngay_cong_nhan"].dt.year).all() and sp["nam_cong_nhan"].between(2019, 2022).all()
    expected = [ocop.expiry(d) for d in dates(sp["ngay_cong_nhan"])]
    assert dates(sp["het_han"]) == expected
    assert all(
        (h.year - c.year, h.month, h.day) == (3, c.month, c.day)
        for c, h in zip(dates(sp["ngay_cong_nhan"]), dates(sp["het_han"]), strict=True)
    )
    assert all_working(sp["ngay_cong_nhan"])
    assert sp["ten_san_pham"].str.contains(" mẫu VT-").all() and sp["chu_the"].str.contains("mẫu số").all()
    assert sp["ten_san_pham"].is_unique
    online_early = sp["ban_truc_tuyen"] & (sp["nam_cong_nhan"] <= 2021)
    assert online_early.sum() >= 20, "the district's figure: dozens of OCOP products sold online in early 2022"


def test_orders_only_for_online_products_and_values_add_up():
    dh, sp = table("don_hang_tmdt"), table("ocop_san_pham").set_index("ma_san_pham")
    assert 5000 <= len(dh) <= 15000 and (dh["ngay_dat"].dt.year == 2022).all()
    assert (dh["doanh_thu"] == dh["so_luong"] * dh["don_gia"]).all()
    assert (dh["so_luong"] >= 1).all() and (dh["don_gia"] % 1000 == 0).all()
    assert sp.loc[dh["ma_san_pham"].unique(), "ban_truc_tuyen"].all(), "orders for a product not sold online"
    recognised = sp.loc[dh["ma_san_pham"], "ngay_cong_nhan"].to_numpy()
    assert (dh["ngay_dat"].dt.normalize().to_numpy() >= recognised).all(), "orders before the product was recognised"
    assert set(dh["nen_tang"]) <= set(ocop.PLATFORMS) and (dh["trang_thai"] == "da_giao").mean() > 0.85
    assert dh["ngay_dat"].is_monotonic_increasing


def test_orders_peak_before_tet():
    dh = table("don_hang_tmdt")
    by_month = dh.groupby(dh["ngay_dat"].dt.month)["doanh_thu"].sum()
    assert set(by_month.nlargest(2).index) == {1, 12}, by_month.tolist()
    assert by_month[2] < by_month[3], "February (Tết and after) is quieter"
    tet = dh[(dh["ngay_dat"] >= "2022-01-31") & (dh["ngay_dat"] < "2022-02-05")]
    rush = dh[(dh["ngay_dat"] >= "2022-01-20") & (dh["ngay_dat"] < "2022-01-25")]
    assert len(tet) * 3 < len(rush)
