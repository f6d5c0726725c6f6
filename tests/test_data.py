"""The district data sets: reproducible, documented, and true to the published figures."""

import hashlib
import unicodedata

from kynangso import data


def test_generator_is_reproducible_and_committed_files_are_current():
    assert data.render_all(2022) == data.render_all(2022)
    assert data.stale_files() == [], "run `kynangso data`: datasets/ differs from the generator"


def test_another_seed_changes_synthetic_parts_only():
    a, b = data.render_all(2022), data.render_all(7)
    assert a["can_bo.csv"] != b["can_bo.csv"]
    names = [[line.split(",")[1] for line in x["don_vi.csv"].decode().splitlines()] for x in (a, b)]
    assert names[0] == names[1]


def test_units_match_domain_facts():
    df = data.load("don_vi")
    assert len(df) == 28
    assert (df["loai"] == "thi_tran").sum() == 3 and (df["loai"] == "xa").sum() == 25
    assert set(df.loc[df["loai"] == "thi_tran", "ten_don_vi"]) == {"Vĩnh Tường", "Thổ Tang", "Tứ Trưng"}
    assert df["dan_so"].sum() == 205_345
    assert abs(df["dien_tich_km2"].sum() - 144.0) < 1e-6
    known = df.set_index("ten_don_vi").loc[["Thổ Tang", "Vĩnh Sơn", "Tứ Trưng"]]
    assert list(known["dan_so"]) == [18_631, 6_512, 7_530]
    assert list(known["dien_tich_km2"]) == [5.3, 3.3, 4.97]
    assert not known["uoc_tinh"].any() and df["uoc_tinh"].sum() == 25
    assert "Tân Cương" not in set(df["ten_don_vi"]) and "Phú Thịnh" not in set(df["ten_don_vi"])


def test_officials_are_synthetic_and_consistent():
    staff, units = data.load("can_bo"), data.load("don_vi")
    assert staff["ma_can_bo"].is_unique and staff["email"].is_unique
    assert set(staff["ma_don_vi"]) == set(units["ma_don_vi"]) | {"VT00"}
    assert staff["email"].str.fullmatch(r"[a-z0-9]+\.[a-z0-9]+@vinhtuong\.example").all()
    leaders = staff["chuc_vu"].str.startswith(("Chủ tịch", "Phó Chủ tịch"))
    assert staff.loc[leaders, "co_chung_thu_so"].all()
    demo = data.load("lop_demo")
    assert len(demo) == 28 and demo["ma_don_vi"].is_unique
    assert set(demo["ma_can_bo"]) <= set(staff["ma_can_bo"])


def test_every_file_is_nfc_and_every_dictionary_has_the_checksum():
    for ds in data.DATASETS:
        body = data.path(ds.name).read_bytes()
        text = body.decode("utf-8")
        assert unicodedata.normalize("NFC", text) == text
        dictionary = (data.path(ds.name).with_suffix(".md")).read_text(encoding="utf-8")
        assert hashlib.sha256(body).hexdigest() in dictionary
        for col in ds.columns:
            assert f"`{col.name}`" in dictionary
        assert text.splitlines()[0].split(",") == ds.column_names


def test_email_convention_handles_clashes():
    taken = set()
    a = data.email_address("Nguyễn Văn Hòa", "VT05", taken)
    b = data.email_address("Nông Văn Hòa", "VT05", taken)
    assert a == "hoanv.vt05@vinhtuong.example" and b == "hoanv.vt052@vinhtuong.example"
