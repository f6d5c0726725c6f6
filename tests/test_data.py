"""Every data set: reproducible byte for byte, documented, keys unique, references resolve, NFC,
synthetic people that look synthetic, and typed loading with clear errors."""

import hashlib
import re
import unicodedata

import pandas as pd
import pytest

from kynangso import data
from kynangso.authoring import datasets
from kynangso.data import units

ALL = [d.name for d in data.DATASETS]


def test_generator_is_reproducible_and_committed_files_are_current():
    assert datasets.render_all(2022) == datasets.render_all(2022)
    assert datasets.stale_files() == [], "run `kynangso data`: datasets/ differs from the generator"


def test_another_seed_changes_synthetic_parts_only():
    a, b = datasets.render_all(2022), datasets.render_all(7)
    assert a["can_bo.csv"] != b["can_bo.csv"] and a["ho_so.csv"] != b["ho_so.csv"]
    names = [[line.split(",")[1] for line in x["don_vi.csv"].decode().splitlines()] for x in (a, b)]
    assert names[0] == names[1]


@pytest.mark.parametrize("name", ALL)
def test_dictionary_documents_every_column_and_the_checksum(name):
    ds = data.dataset(name)
    body = data.path(name).read_bytes()
    text = body.decode("utf-8")
    assert unicodedata.normalize("NFC", text) == text
    assert text.splitlines()[0].split(",") == ds.column_names
    dictionary = (data.path(name).parent / ds.dictionary_file.split("/")[-1]).read_text(encoding="utf-8")
    assert hashlib.sha256(body).hexdigest() in dictionary
    assert "CC0" in dictionary
    for col in ds.columns:
        assert f"| `{col.name}` | {col.label} |" in dictionary
        assert re.fullmatch(r"[a-z][a-z0-9_]*", col.name), "column names: snake_case without diacritics"


@pytest.mark.parametrize("name", ALL)
def test_typed_load_keys_and_references(name):
    ds = data.dataset(name)
    df = data.load(name)
    assert list(df.columns) == ds.column_names and len(df) > 0
    for col in ds.columns:
        kind = {
            "date": "datetime64",
            "datetime": "datetime64",
            "category": "category",
            "bool": "bool",
            "int": "int",
            "float": "float",
            "str": "string",
        }[col.dtype]
        assert kind in str(df[col.name].dtype).lower(), (col.name, df[col.name].dtype)
    if ds.key:
        assert not df.duplicated(list(ds.key)).any(), f"{name}: key {ds.key} not unique"
    for col, target in ds.refs.items():
        other, other_col = target.split(" ")[0].split(".")
        allowed = set(data.load(other)[other_col])
        if "VT00" in target:
            allowed.add("VT00")
        values = set(df[col].dropna())
        assert values <= allowed, f"{name}.{col}: {sorted(values - allowed)[:5]} not in {target}"


def test_people_are_synthetic_and_consistent():
    staff = data.load("can_bo")
    assert staff["so_dinh_danh"].str.fullmatch(r"000\d{9}").all()
    century = staff["so_dinh_danh"].str[3].astype(int)
    assert ((century % 2 == 1) == (staff["gioi_tinh"] == "nu")).all()
    assert (1900 + 100 * (century // 2) + staff["so_dinh_danh"].str[4:6].astype(int) == staff["nam_sinh"]).all()
    assert staff["dien_thoai"].str.fullmatch(r"0000\d{6}").all()
    assert staff["ho_ten"].str.split().str[-1].str.len().eq(1).all(), "given names are letters: clearly made up"
    assert staff["email"].str.fullmatch(r"[a-z0-9]+\.vt\d\d\d?@vinhtuong\.example").all() and staff["email"].is_unique
    assert (staff["la_lanh_dao"] == staff["co_chung_thu_so"]).all()
    assert staff.loc[staff["chuc_vu"].str.startswith(("Chủ tịch", "Phó Chủ tịch", "Trưởng phòng")), "la_lanh_dao"].all()
    assert staff["ma_don_vi"].nunique() == 29  # the 28 units and the district
    demo = data.load("lop_demo")
    assert len(demo) == 28 and demo["ma_don_vi"].is_unique


def test_units_match_domain_facts():
    df = data.load("don_vi")
    assert len(df) == 28 and (df["loai"] == "xa").sum() == 25
    assert set(df.loc[df["loai"] == "thi_tran", "ten_don_vi"]) == {"Vĩnh Tường", "Thổ Tang", "Tứ Trưng"}
    assert df["dan_so"].sum() == 205_345 and abs(df["dien_tich_km2"].sum() - 144.0) < 1e-6
    known = df.set_index("ten_don_vi").loc[["Thổ Tang", "Vĩnh Sơn", "Tứ Trưng"]]
    assert list(known["dan_so"]) == [18_631, 6_512, 7_530] and list(known["dien_tich_km2"]) == [5.3, 3.3, 4.97]
    assert not known["uoc_tinh"].any() and df["uoc_tinh"].sum() == 25


def test_email_convention_handles_clashes():
    taken = set()
    assert units.email_address("Nguyễn Văn Đ", "VT05", taken) == "dnv.vt05@vinhtuong.example"
    assert units.email_address("Nông Văn Đ", "VT05", taken) == "dnv.vt052@vinhtuong.example"


# --- errors learners can read ----------------------------------------------------------------


def broken_copy(tmp_path, monkeypatch, name, edit):
    for ds in data.DATASETS:
        src = data.path(ds.name)
        (tmp_path / ds.file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / ds.file).write_bytes(src.read_bytes())
    target = tmp_path / data.dataset(name).file
    target.write_text(edit(target.read_text(encoding="utf-8")), encoding="utf-8")
    monkeypatch.setenv("KYNANGSO_DATA", str(tmp_path))


def test_missing_file_says_how_to_get_it_back(tmp_path, monkeypatch):
    monkeypatch.setenv("KYNANGSO_DATA", str(tmp_path))
    with pytest.raises(data.DataError, match="Không tìm thấy tệp dữ liệu .*don_vi.csv.*kynangso data"):
        data.load("don_vi")


def test_malformed_value_names_file_row_and_column(tmp_path, monkeypatch):
    broken_copy(tmp_path, monkeypatch, "don_vi", lambda t: t.replace(",18631,", ",18.631 người,"))
    with pytest.raises(
        data.DataError, match=r"Tệp don_vi.csv, dòng 3, cột dan_so: giá trị '18.631 người' không phải số nguyên"
    ):
        data.load("don_vi")


def test_malformed_date_and_missing_column(tmp_path, monkeypatch):
    def bad_date(text):
        lines = text.splitlines(keepends=True)
        lines[5] = re.sub(r"2022-(\d\d)-(\d\d) ", r"\2/\1/2022 ", lines[5], count=1)
        return "".join(lines)

    broken_copy(tmp_path, monkeypatch, "ho_so", bad_date)
    with pytest.raises(data.DataError, match=r"Tệp ho_so.csv, dòng 6, cột thoi_diem_tiep_nhan: .*YYYY-MM-DD HH:MM:SS"):
        data.load("ho_so")
    broken_copy(tmp_path, monkeypatch, "don_vi", lambda t: t.replace("dan_so", "danso", 1))
    with pytest.raises(data.DataError, match="thiếu cột: dan_so"):
        data.load("don_vi")


def test_scale_writes_a_larger_consistent_copy(tmp_path):
    files = datasets.render_all(2022, scale=3)
    base = datasets.render_all(2022)
    n_big = files["ho_so.csv"].count(b"\n") - 1
    n = base["ho_so.csv"].count(b"\n") - 1
    assert 2.8 * n < n_big < 3.3 * n
    big = pd.read_csv(__import__("io").BytesIO(files["ho_so.csv"]), dtype=str)
    assert big["ma_ho_so"].is_unique
    assert set(big["thoi_diem_tiep_nhan"].str[:4]) == {"2022", "2023", "2024"}
