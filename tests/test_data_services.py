"""The procedures catalogue and the one-stop dossiers: calibration on the district's published
figures, and every due date recomputed independently from the course's deadline rule (see
kynangso.workdays)."""

from datetime import date, datetime, timedelta

import holidays

from kynangso import data

ho_so = data.load("ho_so")
thu_tuc = data.load("thu_tuc").set_index("ma_thu_tuc")
JAN_APR = ho_so[ho_so["thoi_diem_tiep_nhan"] < "2022-05-01"]
CAL = holidays.Vietnam(years=[2022, 2023])


def working(d: date) -> bool:
    return d.weekday() < 5 and d not in CAL


def due_by_the_rules(received: datetime, days: int) -> date:
    """The deadline rule read literally, day by day, from the holidays package."""
    d = received.date()
    if not working(d) or received.hour >= 15:
        d += timedelta(days=1)
        while not working(d):
            d += timedelta(days=1)
    while days:
        d += timedelta(days=1)
        days -= working(d)
    return d


def test_january_april_matches_the_published_figures():
    by_level = JAN_APR.groupby("cap", observed=True).size()
    assert by_level["huyen"] > 1_100 and by_level["xa"] > 4_000
    finished = JAN_APR[JAN_APR["thoi_diem_hoan_thanh"].notna()]
    on_time = (finished["thoi_diem_hoan_thanh"].dt.normalize() <= finished["han_xu_ly"]).mean()
    assert 0.94 < on_time < 0.985, on_time


def test_seasons_dip_around_tet_and_units_differ():
    per_month = ho_so.groupby(ho_so["thoi_diem_tiep_nhan"].dt.month).size()
    assert per_month[2] < 0.7 * per_month[1] and per_month[2] < 0.7 * per_month[3]
    xa = ho_so[(ho_so["cap"] == "xa") & ho_so["thoi_diem_hoan_thanh"].notna()]
    share = (xa["thoi_diem_hoan_thanh"].dt.normalize() <= xa["han_xu_ly"]).groupby(xa["ma_don_vi"]).mean()
    assert len(share) == 28 and share.max() - share.min() > 0.04, "learners look for the weakest units"


def test_every_due_date_follows_the_rules():
    has_due = ho_so[ho_so["han_xu_ly"].notna()]
    start = has_due["thoi_diem_bo_sung"].fillna(has_due["thoi_diem_tiep_nhan"])
    limits = has_due["ma_thu_tuc"].map(thu_tuc["thoi_han_ngay"])
    expected = [due_by_the_rules(s.to_pydatetime(), int(n)) for s, n in zip(start, limits, strict=True)]
    assert list(has_due["han_xu_ly"].dt.date) == expected
    assert (has_due["so_lan_bo_sung"] == 1).sum() > 300, "the supplement rule must be exercised"
    late_arrivals = has_due[
        (has_due["thoi_diem_tiep_nhan"].dt.hour >= 15) | ~has_due["thoi_diem_tiep_nhan"].dt.date.map(working)
    ]
    assert len(late_arrivals) > 1000, "the 15:00 and day-off rules must be exercised"


def test_codes_follow_circular_01_2018():
    codes = ho_so["ma_ho_so"].str.extract(r"^(000\.(\d\d)\.25\.H62)-(\d{6})-(\d{4})$")
    assert codes.notna().all().all()
    assert (codes[2] == ho_so["thoi_diem_tiep_nhan"].dt.strftime("%y%m%d")).all()
    agency = codes[1].astype(int)
    assert ((agency == 0) == (ho_so["cap"] == "huyen")).all()
    xa = ho_so["cap"] == "xa"
    assert (agency[xa].map(lambda k: f"VT{k:02d}") == ho_so.loc[xa, "ma_don_vi"]).all()
    seq = codes[3].astype(int)
    for _, group in ho_so.assign(seq=seq, agency=codes[0], day=codes[2]).groupby(["agency", "day"]):
        assert list(group.sort_values("thoi_diem_tiep_nhan")["seq"]) == list(range(1, len(group) + 1))


def test_channels_levels_and_office_hours():
    online = ho_so["kenh"] == "truc_tuyen"
    assert (ho_so["muc_do"].notna() == online).all()
    assert (ho_so.loc[online, "muc_do"] == ho_so.loc[online, "ma_thu_tuc"].map(thu_tuc["muc_do_truc_tuyen"])).all()
    assert set(ho_so.loc[online, "muc_do"]) == {3, 4}
    assert (ho_so["cap"] == ho_so["ma_thu_tuc"].map(thu_tuc["cap"])).all()
    offline = ho_so[~online]["thoi_diem_tiep_nhan"]
    minutes = offline.dt.hour * 60 + offline.dt.minute
    assert (((minutes >= 450) & (minutes < 690)) | ((minutes >= 810) & (minutes < 1020))).all()
    assert offline.dt.date.map(working).all()
    assert (minutes >= 900).mean() > 0.1
    monthly_online = online.groupby(ho_so["thoi_diem_tiep_nhan"].dt.month).mean()
    assert monthly_online[12] > monthly_online[1] + 0.05


def test_statuses_and_times_are_consistent():
    done = ho_so["thoi_diem_hoan_thanh"].notna()
    assert (done == ho_so["trang_thai"].isin(["da_tra_ket_qua", "tu_choi"])).all()
    waiting = ho_so["trang_thai"] == "cho_bo_sung"
    assert (ho_so.loc[waiting, "so_lan_bo_sung"] == 1).all() and ho_so.loc[waiting, "han_xu_ly"].isna().all()
    assert ho_so.loc[~waiting, "han_xu_ly"].notna().all()
    start = ho_so["thoi_diem_bo_sung"].fillna(ho_so["thoi_diem_tiep_nhan"])
    assert (ho_so.loc[done, "thoi_diem_hoan_thanh"] > start[done]).all()
    assert ho_so.loc[done, "thoi_diem_hoan_thanh"].dt.date.map(working).all()
    assert (ho_so.loc[ho_so["thoi_diem_bo_sung"].notna(), "so_lan_bo_sung"] == 1).all()
    overdue_open = ho_so[(ho_so["trang_thai"] == "dang_xu_ly") & (ho_so["han_xu_ly"] < "2022-12-01")]
    assert len(overdue_open) >= 5, "the apology (Mẫu 04) exercise needs overdue unfinished dossiers"


def test_catalogue():
    assert thu_tuc.loc["X01", "thoi_han_ngay"] == 0 and thu_tuc.loc["X05", "thoi_han_ngay"] == 3
    assert thu_tuc.loc["H02", "thoi_han_ngay"] == 3 and thu_tuc.loc["H04", "thoi_han_ngay"] == 15
    assert set(thu_tuc["cap"]) == {"huyen", "xa"} and thu_tuc["muc_do_truc_tuyen"].between(2, 4).all()
