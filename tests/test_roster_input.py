"""Rosters as district offices make them: Excel's CSV in UTF-8 (with a BOM), Windows-1258 or
"Unicode Text" (UTF-16, tabs), semicolons, Vietnamese headers under a title line; every wrong row
named with its line and nothing imported; a spreadsheet, a folder or an empty file refused in
Vietnamese; 10,000 officials imported in one transaction, their grades untouched."""

import itertools
import shutil
import unicodedata
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kynangso import cli
from kynangso.cohorts import course, roster

HEADER = "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email"


def official(i: int, sep: str = ",", upper: bool = False) -> str:
    """One synthetic official's row, in the canonical column order."""
    sid = f"CB{i:04d}" if upper else f"cb{i:04d}"
    return sep.join([sid, f"Học Viên Mẫu {i}", f"VT{i % 28 + 1:02d}", "Công chức thử nghiệm", email(i)])


def email(i: int) -> str:
    return f"hv{i}.vt{i % 28 + 1:02d}@vinhtuong.example"


def write(tmp_path, data: bytes | str, name: str = "danh-sach.csv"):
    p = tmp_path / name
    p.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return p


def cp1258(text: str) -> bytes:
    """`text` as Vietnamese Windows writes it: a precomposed letter where cp1258 has one, otherwise
    a base letter (maybe with its circumflex, breve or horn) and the tone as a combining mark."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        base, *marks = unicodedata.normalize("NFD", ch)
        for k in range(len(marks), -1, -1):
            for keep in itertools.combinations(marks, k):
                head = unicodedata.normalize("NFC", base + "".join(keep))
                rest = "".join(m for m in marks if m not in keep)
                try:
                    out += head.encode("cp1258") + rest.encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
            else:
                continue
            break
        else:
            raise ValueError(f"{ch!r} cannot be written in cp1258")
    return out


def refused(path) -> str:
    with pytest.raises(roster.RosterError) as err:
        roster.read_roster(path)
    return str(err.value)


# ---- encodings -------------------------------------------------------------------------------


def test_excel_csv_utf8_with_a_bom(tmp_path):
    p = write(tmp_path, "\ufeff" + HEADER + "\r\n" + official(1, upper=True) + "\r\n")
    [row] = roster.read_roster(p)
    assert row == {
        "ma_can_bo": "cb0001",
        "ho_ten": "Học Viên Mẫu 1",
        "ma_don_vi": "VT02",
        "chuc_vu": "Công chức thử nghiệm",
        "email": "hv1.vt02@vinhtuong.example",
    }


@pytest.mark.parametrize("codec,bom", [("utf-16", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("utf-16-le", b"")])
def test_excel_unicode_text_is_utf16_with_tabs(tmp_path, codec, bom):
    text = "Mã cán bộ\tHọ và tên\tĐơn vị\tChức vụ\tEmail\r\n" + official(1, sep="\t") + "\r\n" + official(2, sep="\t")
    data = (b"" if codec == "utf-16" else bom) + text.encode(codec)  # "utf-16" writes its own BOM
    assert data.startswith(bom) and data[:2] in (b"\xff\xfe", b"\xfe\xff", b"M\x00")
    rows = roster.read_roster(write(tmp_path, data, "danh-sach.txt"))
    assert [r["ho_ten"] for r in rows] == ["Học Viên Mẫu 1", "Học Viên Mẫu 2"]
    assert rows[1]["email"] == email(2)


@pytest.mark.parametrize(
    "names,position",
    [
        (["Nguyễn Thị Hường Mẫu", "Đặng Quốc Việt Mẫu", "Trần Ộ Ặ Ữ Mẫu"], "Phó Chủ tịch"),
        (["Học Viên Đào"], ""),  # short: charset-normalizer alone takes it for Windows-1252 ("Ðào")
    ],
)
def test_windows_1258_tones_come_back_composed(tmp_path, names, position):
    text = "ma_can_bo;ho_ten;chuc_vu\n" + "".join(f"cb{i};{n};{position}\n" for i, n in enumerate(names))
    data = cp1258(text)
    assert unicodedata.normalize("NFC", data.decode("cp1258")) == text  # the helper writes what Windows does
    assert data.decode("cp1258") != text  # ...with tone marks apart, as cp1258 has them
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    rows = roster.read_roster(write(tmp_path, data))
    assert [r["ho_ten"] for r in rows] == names
    assert all(unicodedata.is_normalized("NFC", r["ho_ten"] + r["chuc_vu"]) for r in rows)
    assert rows[0]["chuc_vu"] == position


def test_a_utf8_file_with_a_few_broken_bytes_names_the_lines(tmp_path):
    data = (HEADER + "\n" + official(1) + "\n").encode() + b"cb0002,H\xe1c Vi\xc3\xaan M\xe1\xba\xabu 2,VT03,x,\n"
    why = refused(write(tmp_path, data))
    assert "dòng 3" in why and "ký tự hỏng" in why and "dòng 2" not in why


def test_names_that_lost_their_marks_are_refused(tmp_path):
    garbled = "Nguyễn Văn Mẫu 2".encode().decode("cp1252")  # UTF-8 once read as Windows-1252: "Nguyá»…n"
    why = refused(write(tmp_path, f"{HEADER}\ncb0001,Nguy?n V?n M?u,VT01,,\ncb0002,{garbled},VT01,,\n"))
    assert "dòng 2: họ tên" in why and "dấu ?" in why
    assert "dòng 3: họ tên" in why and 'có lẽ là "Nguyễn Văn Mẫu 2"' in why


# ---- separators and headers ------------------------------------------------------------------


@pytest.mark.parametrize("sep", [";", "\t", "|"])
def test_semicolons_tabs_and_bars_separate_as_commas_do(tmp_path, sep):
    # Excel where the decimal mark is a comma writes semicolons; commas stay inside values
    text = HEADER.replace(",", sep) + "\n" + official(1, sep=sep).replace("Công chức", "Công chức, văn phòng") + "\n"
    [row] = roster.read_roster(write(tmp_path, text))
    assert row["chuc_vu"] == "Công chức, văn phòng thử nghiệm" and row["email"] == email(1)


def test_excels_sep_line_is_obeyed(tmp_path):
    [row] = roster.read_roster(write(tmp_path, "sep=;\n" + HEADER.replace(",", ";") + "\n" + official(1, ";") + "\n"))
    assert row["ma_can_bo"] == "cb0001"


@pytest.mark.parametrize(
    "header",
    [
        "Mã cán bộ,Họ và tên,Mã đơn vị,Chức vụ,Email",
        "Mã CB,Họ tên,Đơn vị,Chức vụ,E-mail",
        "MÃ CÁN BỘ,HỌ VÀ TÊN,ĐƠN VỊ,CHỨC VỤ,THƯ ĐIỆN TỬ",
        " mã  cán bộ ,họ-tên,mã_đơn_vị,chức vụ:,Địa chỉ thư",
        unicodedata.normalize("NFD", "Mã cán bộ,Họ và tên,Đơn vị,Chức vụ,Thư điện tử"),
        "ID,Name,Unit,Position,E-mail",
    ],
)
def test_headers_as_people_type_them(tmp_path, header):
    [row] = roster.read_roster(write(tmp_path, header + "\n" + official(7) + "\n"))
    assert row == dict(zip(roster.COLUMNS, official(7).split(","), strict=True))


def test_a_title_above_the_header_and_the_column_numbers_below_it(tmp_path):
    text = (
        "UBND HUYỆN VĨNH TƯỜNG;;;;;\n"
        "DANH SÁCH CÁN BỘ THAM GIA LỚP KỸ NĂNG SỐ (MẪU);;;;;\n"
        ";;;;;\n"
        "STT;Mã CB;Họ và tên;Đơn vị;Chức vụ;Email\n"
        "(1);(2);(3);(4);(5);(6)\n"
        f"1;{official(1, ';')}\n"
        ";;;;;\n"
        f"2;{official(2, ';')}\n"
    )
    rows = roster.read_roster(write(tmp_path, text))
    assert [r["ma_can_bo"] for r in rows] == ["cb0001", "cb0002"]
    why = refused(write(tmp_path, text.replace("Học Viên Mẫu 2", ""), "thieu-ten.csv"))
    assert "dòng 8: thiếu họ tên" in why  # lines are the file's own, title lines counted


def test_family_and_given_names_in_two_columns(tmp_path):
    text = "Mã HV,Họ đệm,Tên,Email\ncb0001,Học Viên,Mẫu,\n"
    assert roster.read_roster(write(tmp_path, text))[0]["ho_ten"] == "Học Viên Mẫu"


def test_without_id_or_name_column_the_message_shows_what_was_found(tmp_path):
    why = refused(write(tmp_path, "STT;Họ và tên;Đơn vị\n1;Học Viên Mẫu 1;VT01\n"))
    assert "thiếu cột mã cán bộ" in why
    assert '"STT", "Họ và tên", "Đơn vị"' in why and "Cột bắt buộc: mã cán bộ (ma_can_bo), họ tên (ho_ten)" in why


def test_unit_position_and_email_columns_may_be_absent(tmp_path):
    [row] = roster.read_roster(write(tmp_path, "Mã cán bộ,Họ và tên\ncb0001,Học Viên Mẫu 1\n"))
    assert row == {"ma_can_bo": "cb0001", "ho_ten": "Học Viên Mẫu 1", "ma_don_vi": "", "chuc_vu": "", "email": ""}


def test_values_are_nfc_with_whitespace_collapsed(tmp_path):
    name = unicodedata.normalize("NFD", "  Học\u00a0 Viên   Mẫu\u200b 1 ")
    [row] = roster.read_roster(write(tmp_path, f'{HEADER}\n cb0001 ,"{name}", vt01 ,"Công chức\nthử nghiệm",\n'))
    assert row["ho_ten"] == "Học Viên Mẫu 1" and row["ma_can_bo"] == "cb0001" and row["ma_don_vi"] == "VT01"
    assert row["chuc_vu"] == "Công chức thử nghiệm"


# ---- wrong rows: all named, nothing imported -------------------------------------------------


def test_an_id_in_two_cases_is_a_duplicate_naming_both_lines(tmp_path):
    why = refused(write(tmp_path, f"{HEADER}\n{official(1, upper=True)}\n{official(2)}\n{official(1)}\n"))
    assert 'dòng 4: mã cán bộ "cb0001" trùng với dòng 2' in why


@pytest.mark.parametrize(
    "row,needle",
    [
        ("cb0001,Học Viên Mẫu 1,VT01", "dòng 3: chỉ có 3 ô, ít hơn 5 cột"),
        ("cb0001,Học Viên Mẫu 1,VT01,Công chức, văn phòng,", "dòng 3: có 6 ô, nhiều hơn 5 cột"),
        ("cb0001,Học Viên Mẫu 1,VT01,x,hv1@vinhtuong", 'dòng 3: địa chỉ thư "hv1@vinhtuong" không hợp lệ'),
        ("cb0001,Học Viên Mẫu 1,VT01,x,hv1 @vinhtuong.example", "không hợp lệ"),
        ("cb0001,Học Viên Mẫu 1,VT01,x,hv1@vinhtuong.example; hv2@vinhtuong.example", "không hợp lệ"),
        ("cb.0001,Học Viên Mẫu 1,VT01,x,", 'dòng 3: mã cán bộ "cb.0001" chỉ được gồm'),
        ("cbđ01,Học Viên Mẫu 1,VT01,x,", 'mã cán bộ "cbđ01" chỉ được gồm'),
        (",Học Viên Mẫu 1,VT01,x,", "dòng 3: thiếu mã cán bộ"),
        ("cb0001,,VT01,x,", "dòng 3: thiếu họ tên của cb0001"),
    ],
)
def test_a_wrong_row_is_named_with_its_line(tmp_path, row, needle):
    why = refused(write(tmp_path, f"{HEADER}\n{official(9)}\n{row}\n"))
    assert needle in why and "chưa nhập học viên nào" in why and "dòng 2" not in why


def test_an_empty_email_and_trailing_empty_cells_are_fine(tmp_path):
    rows = roster.read_roster(write(tmp_path, f"{HEADER},,\ncb0001,Học Viên Mẫu 1,VT01,x,,,\n"))
    assert rows[0]["email"] == ""


def test_every_problem_is_listed_up_to_twenty(tmp_path):
    bad = [f"cb{i} x,Học Viên Mẫu {i},VT01,,hv{i}@" for i in range(30)]
    why = refused(write(tmp_path, HEADER + "\n" + "\n".join(bad) + "\n"))
    assert "có 60 lỗi" in why and why.count("\n  dòng ") == 20 and "… và 40 lỗi khác." in why


# ---- files that are not a roster -------------------------------------------------------------


def xlsx(tmp_path, name):
    p = tmp_path / name
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
    return p


@pytest.mark.parametrize(
    "make,needle",
    [
        (lambda d: xlsx(d, "danh-sach.xlsx"), "bảng tính Excel (.xlsx)"),
        (lambda d: xlsx(d, "danh-sach.csv"), "bảng tính Excel (.xlsx)"),  # renamed: the content decides
        (lambda d: write(d, b"PK\x03\x04" + bytes(40)), "bảng tính Excel (.xlsx)"),
        (lambda d: write(d, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "ds.xls"), "Excel đời cũ (.xls)"),
        (lambda d: write(d, "<html><body><table><tr><td>cb0001</td></tr></table>", "ds.xls"), "trang HTML"),
        (lambda d: write(d, bytes(range(256)) * 4, "anh.png"), "không phải tệp văn bản"),
        (lambda d: d, "là một thư mục"),
        (lambda d: d / "khong-co.csv", "Không tìm thấy tệp danh sách"),
        (lambda d: write(d, b""), "trống"),
        (lambda d: write(d, "\ufeff\r\n,,,\r\n"), "trống"),
        (lambda d: write(d, HEADER + "\n\n"), "không có học viên nào (chỉ có dòng tiêu đề ở dòng 1)"),
    ],
)
def test_what_is_not_a_csv_roster_is_refused_saying_what_to_do(tmp_path, make, needle):
    why = refused(make(tmp_path))
    assert needle in why
    if "bảng tính" in needle or "HTML" in needle:
        assert "CSV UTF-8" in why


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.one_of(
        st.binary(max_size=400),
        st.tuples(
            st.lists(
                st.sampled_from([HEADER, "Mã CB;Họ tên", official(1), "cb1;Đào", '"', ",", ";", "\t", "\r", "\n", "?"]),
                max_size=30,
            ),
            st.sampled_from([str.encode, lambda s: s.encode("utf-16"), cp1258]),
        ).map(lambda parts_encode: parts_encode[1]("".join(parts_encode[0]))),
    )
)
def test_any_bytes_give_rows_or_a_vietnamese_reason(tmp_path, data):
    p = write(tmp_path, data, "mo-phong.csv")
    try:
        rows = roster.read_roster(p)
    except roster.RosterError as exc:
        assert str(exc).startswith(("Tệp ", "Không ")), str(exc)
    else:
        assert rows and all(r["ma_can_bo"] and r["ho_ten"] for r in rows)


# ---- into the gradebook ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def blank_gradebook(tmp_path_factory):
    """An empty gradebook made once (making one runs alembic, seconds): each test copies it."""
    root = tmp_path_factory.mktemp("blank")
    with course.gradebook(root):
        pass
    return root / "gradebook.db"


def cohort(cohorts, name, blank_gradebook):
    root = cohorts / name
    root.mkdir(parents=True)
    shutil.copy(blank_gradebook, root / "gradebook.db")
    return root


@pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's add_submission, not ours
def test_ten_thousand_officials_in_one_go_and_grades_kept_on_reimport(tmp_path, cohorts, blank_gradebook):
    root = cohort(cohorts, "lon", blank_gradebook)
    lines = ["Mã cán bộ;Họ và tên;Mã đơn vị;Chức vụ;Email"] + [official(i, ";", upper=True) for i in range(10_000)]
    roster.create("lon", write(tmp_path, "\ufeff" + "\r\n".join(lines)))
    with course.gradebook(root) as gb:
        assert len(gb.students) == 10_000
        s = gb.find_student("cb0042")
        assert (s.last_name, s.first_name, s.email) == ("Học Viên Mẫu", "42", email(42))
    with course.gradebook(root) as gb:
        gb.add_assignment("m1")
        gb.add_notebook("bai-tap", "m1")
        gb.add_grade_cell("cau-1", "bai-tap", "m1", max_score=2, cell_type="code")
        gb.add_submission("m1", "cb0042")
        gb.find_grade("cau-1", "bai-tap", "m1", "cb0042").manual_score = 1.5
        gb.db.commit()
    assert len(roster.roster(root)) == 10_000

    # the office sends part of the list again: names corrected, a new official, no e-mail column
    again = ["Mã CB;Họ tên"] + [f"cb{i:04d};Học Viên Sửa {i}" for i in [*range(100), 10_000]]
    roster.create("lon", write(tmp_path, "\n".join(again), "lan-2.csv"))
    with course.gradebook(root) as gb:
        assert len(gb.students) == 10_001
        s = gb.find_student("cb0042")
        assert (s.first_name, s.last_name, s.email) == ("42", "Học Viên Sửa", email(42))
        assert gb.find_grade("cau-1", "bai-tap", "m1", "cb0042").manual_score == 1.5
    saved = {r["ma_can_bo"]: r for r in roster.roster(root)}
    assert saved["cb0042"]["ho_ten"] == "Học Viên Sửa 42" and saved["cb0042"]["ma_don_vi"] == "VT15"
    assert saved["cb10000"]["ma_don_vi"] == ""


def test_an_official_saved_with_capitals_by_an_older_version_is_updated_not_doubled(tmp_path, cohorts, blank_gradebook):
    root = cohort(cohorts, "cu", blank_gradebook)
    roster.write_roster(
        root / roster.ROSTER_FILE, [dict(zip(roster.COLUMNS, official(1, upper=True).split(","), strict=True))]
    )
    with course.gradebook(root) as gb:
        gb.add_student("CB0001", first_name="1", last_name="Học Viên Mẫu")
    roster.create("cu", write(tmp_path, f"{HEADER}\n{official(1).replace('Mẫu', 'Sửa')}\n{official(2)}\n"))
    with course.gradebook(root) as gb:
        assert sorted(s.id for s in gb.students) == ["CB0001", "cb0002"]
        assert gb.find_student("CB0001").last_name == "Học Viên Sửa"
    assert [r["ma_can_bo"] for r in roster.roster(root)] == ["CB0001", "cb0002"]


@pytest.mark.parametrize(
    "data,needle",
    [
        (None, "là một thư mục"),
        (b"PK\x03\x04" + bytes(40), "bảng tính Excel"),
        (b"", "trống"),
        (f"{HEADER}\n{official(1, upper=True)}\n{official(1)}\n".encode(), "trùng với dòng 2"),
        (f"{HEADER}\ncb0001,Học Viên Mẫu 1\n".encode(), "ít hơn 5 cột"),
        (bytes(range(256)), "không phải tệp văn bản"),
        ("Họ tên\nHọc Viên Mẫu 1\n".encode("utf-16"), "thiếu cột mã cán bộ"),
    ],
)
def test_the_cohort_command_says_what_is_wrong_without_a_traceback(tmp_path, cohorts, capsys, data, needle):
    p = tmp_path if data is None else write(tmp_path, data)
    assert cli.main(["cohort", "lop", "--roster", str(p)]) == 2
    out, err = capsys.readouterr()
    assert out.startswith("Lỗi danh sách học viên: ") and needle in out, out
    assert "Traceback" not in out + err and "Error" not in out + err
    assert not (cohorts / "lop").exists()  # nothing half made


def test_the_cohort_command_says_how_it_read_the_file(tmp_path, cohorts, blank_gradebook, capsys):
    cohort(cohorts, "lop", blank_gradebook)
    p = write(tmp_path, cp1258("Danh sách lớp\n\nMã CB;Họ và tên\ncb0001;Học Viên Mẫu 1\n"))
    assert cli.main(["cohort", "lop", "--roster", str(p)]) == 0
    out = capsys.readouterr().out
    assert "bảng mã Windows-1258, phân cách bằng dấu chấm phẩy, tiêu đề ở dòng 3" in out
    assert "không có cột mã đơn vị (ma_don_vi)" in out and "Lớp lop: 1 học viên (1 mới, 0 cập nhật" in out
