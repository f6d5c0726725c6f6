"""Rosters: instructors' CSV files are read carefully, with Vietnamese messages on bad input."""

import pytest

from kynangso import cli
from kynangso.cohorts import roster, course


def write(tmp_path, text, name="roster.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_roster_accepts_english_headers_bom_and_decomposed_text(tmp_path):
    p = write(tmp_path, "\ufeffID,Name,Unit,Position,E-mail\ncb1,Lê Thị Hoa\u0300,VT05,Công chức,a@x.example\n\n")
    [row] = roster.read_roster(p)
    assert row == {"ma_can_bo": "cb1", "ho_ten": "Lê Thị Hoà", "ma_don_vi": "VT05", "chuc_vu": "Công chức",
                   "email": "a@x.example"}


@pytest.mark.parametrize("text,needle", [
    ("ma_can_bo,ho_ten\ncb1,An\n", "thiếu cột: ma_don_vi, chuc_vu, email"),
    ("ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb 1,An,VT01,x,\n", "dòng 2"),
    ("ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,An,VT01,x,\ncb1,Bình,VT02,x,\n", "bị trùng"),
    ("ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\n", "không có học viên"),
])
def test_bad_rosters_are_refused_with_the_reason(tmp_path, text, needle):
    with pytest.raises(roster.RosterError, match=needle):
        roster.read_roster(write(tmp_path, text))


def test_cohort_command_creates_course_root_and_students(tmp_path, cohorts, capsys):
    p = write(tmp_path, "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,Nguyễn Văn An,VT01,x,an@x.example\n")
    assert cli.main(["cohort", "k1", "--roster", str(p)]) == 0
    root = cohorts / "k1"
    assert (root / "nbgrader_config.py").is_file() and (root / "roster.csv").is_file()
    with course.gradebook(root) as gb:
        s = gb.find_student("cb1")
        assert (s.last_name, s.first_name, s.email) == ("Nguyễn Văn", "An", "an@x.example")
    bad = write(tmp_path, "x\n1\n", name="bad.csv")
    assert cli.main(["cohort", "k1", "--roster", str(bad)]) == 2
    assert "thiếu cột" in capsys.readouterr().out


def test_windows_1258_roster_gets_a_clear_message(tmp_path):
    p = write(tmp_path, "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,Đào An,VT01,x,\n", encoding="cp1258")
    with pytest.raises(roster.RosterError, match="UTF-8"):
        roster.read_roster(p)
