"""Rosters: instructors' CSV files are read carefully, with Vietnamese messages on bad input; and
what the cohort verbs say to instructors is Vietnamese, whatever goes wrong."""

import ast
import json
import re
from pathlib import Path

import pytest

from kynangso import cli
from kynangso.authoring.settings import settings
from kynangso.cohorts import course, grade, roster
from kynangso.grading import sandbox


def write(tmp_path, text, name="roster.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_roster_accepts_english_headers_bom_and_decomposed_text(tmp_path):
    p = write(tmp_path, "\ufeffID,Name,Unit,Position,E-mail\ncb1,Lê Thị Hoa\u0300,VT05,Công chức,a@x.example\n\n")
    [row] = roster.read_roster(p)
    assert row == {
        "ma_can_bo": "cb1",
        "ho_ten": "Lê Thị Hoà",
        "ma_don_vi": "VT05",
        "chuc_vu": "Công chức",
        "email": "a@x.example",
    }


@pytest.mark.parametrize(
    "text,needle",
    [
        ("ma_can_bo,ghi_chu\ncb1,An\n", "thiếu cột họ tên"),
        ("ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb 1,An,VT01,x,\n", "dòng 2"),
        ("ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,An,VT01,x,\ncb1,Bình,VT02,x,\n", "trùng với dòng 2"),
        ("ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\n", "không có học viên"),
    ],
)
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


def test_windows_1258_roster_is_read(tmp_path):
    p = write(tmp_path, "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,Đào An,VT01,x,\n", encoding="cp1258")
    assert roster.read_roster(p)[0]["ho_ten"] == "Đào An"


@pytest.mark.parametrize("verb", ["collect", "simulate", "grade", "feedback", "lab"])
def test_a_verb_on_a_missing_cohort_says_how_to_create_it(cohorts, verb, capsys):
    args = [verb, "chua-co", *(["hop-thu"] if verb == "collect" else [])]
    with pytest.raises(SystemExit) as stop:
        cli.main(args)
    assert stop.value.code == 2
    assert "Chưa có lớp chua-co" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        cli.main([verb, ".an", *(["hop-thu"] if verb == "collect" else [])])
    assert stop.value.code == 2 and "không hợp lệ" in capsys.readouterr().out
    assert not (cohorts / "chua-co").exists()


def test_cohort_with_a_bad_name_is_refused_in_vietnamese(tmp_path, cohorts, capsys):
    p = write(tmp_path, "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,An,VT01,x,\n")
    assert cli.main(["cohort", "a/b", "--roster", str(p)]) == 2
    assert 'Tên lớp "a/b" không hợp lệ' in capsys.readouterr().out


def sandbox_reasons():
    """Every reason sandbox.available() can return, read from its source."""
    tree = ast.parse(Path(sandbox.__file__).read_text(encoding="utf-8"))
    available = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "available")
    return {
        c.value
        for r in ast.walk(available)
        if isinstance(r, ast.Return)
        for c in ast.walk(r)
        if isinstance(c, ast.Constant) and isinstance(c.value, str)
    }


def test_every_reason_kernels_are_not_isolated_is_said_in_vietnamese(tmp_path, monkeypatch):

    from kynangso import messages

    reasons = sandbox_reasons()
    assert reasons >= {"not_linux", "no_namespaces"}
    for why in reasons:
        assert f"cohorts.sandbox.{why}" in messages.catalogue(), f"say {why!r} in messages/cohorts.yml"
        monkeypatch.setattr(sandbox, "available", lambda why=why: why)
        isolated, line = grade.isolation(tmp_path, no_sandbox=False)
        assert not isolated and line.startswith("CẢNH BÁO: bài chạy không được cô lập") and why not in line
        record = json.loads((tmp_path / grade.ISOLATION_FILE).read_text(encoding="utf-8"))
        assert record["isolated"] is False and record["reason"] == why
    assert "--no-sandbox" in grade.isolation(tmp_path, no_sandbox=True)[1]
    monkeypatch.setattr(sandbox, "available", lambda: None)
    isolated, line = grade.isolation(tmp_path, no_sandbox=False)
    assert isolated and line.startswith("Cô lập bài chạy: có")


def test_grade_refuses_to_run_unisolated_unless_told(tmp_path, cohorts, monkeypatch, capsys):
    p = write(tmp_path, "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\ncb1,An,VT01,x,\n")
    assert cli.main(["cohort", "lop", "--roster", str(p)]) == 0
    monkeypatch.setattr(sandbox, "available", lambda: "no_namespaces")
    assert cli.main(["grade", "lop", "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Không chấm:") and "--no-sandbox" in err


@pytest.mark.parametrize(
    "body,detail",
    [
        (b'{"cells": [{"cell_type": "code", "source": "tong_dan_so = ', "không phải JSON hợp lệ từ dòng 1, cột"),
        (b"", "không phải JSON hợp lệ"),
        (b"[]", "không đúng định dạng notebook"),
        ('{"cells": "Đào"}'.encode("cp1258"), "không phải văn bản UTF-8"),
        (
            json.dumps(
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "source": "",
                            "metadata": {},
                            "execution_count": None,
                            "outputs": [{"output_type": "?"}],
                        }
                    ],
                    "metadata": {},
                    "nbformat": 4,
                    "nbformat_minor": 4,
                }
            ).encode(),
            "ở ô 1/outputs/0",
        ),
    ],
)
def test_a_broken_submission_is_explained_without_the_readers_english(tmp_path, body, detail):
    (tmp_path / "bai-tap.ipynb").write_bytes(body)
    why = grade.inspect_submission(tmp_path, ["bai-tap.ipynb"])
    assert why.startswith("Tệp bai-tap.ipynb bị hỏng") and detail in why and "nộp lại" in why
    assert not re.search(r"\b(Expecting|Notebook|does not|invalid|char)\b", why), why


def test_grading_report_reasons_are_vietnamese_for_every_failure():
    for kind in ("kernel_died", "notebook_timeout", "cell_timeout", "memory", "worker_died", "grader_error", "?"):
        assert grade.failure_reason(kind, settings().limits).startswith("Không chấm được: ")


@pytest.mark.parametrize("verb", ["cohort", "collect", "simulate", "grade", "feedback", "lab"])
def test_the_verbs_help_is_vietnamese(verb):
    parser = cli.parser()
    sub = next(a for a in parser._actions if a.dest == "verb").choices[verb]
    text = sub.format_help().replace(sub.prog, " ")
    words = {w for w in re.findall(r"[A-Za-z]+", re.sub(r"(--?[\w-]+|\S+[/.]\S+|<[^>]*>)", " ", text))}
    english = {
        "the",
        "of",
        "only",
        "default",
        "name",
        "cohort",
        "seconds",
        "per",
        "this",
        "and",
        "or",
        "with",
        "without",
        "limit",
        "folder",
        "module",
        "official",
        "progress",
        "repeatable",
        "port",
    }
    assert not words & english, (verb, sorted(words & english))
    assert "LỚP" in text
