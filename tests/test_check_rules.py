"""`kynangso check` catches each broken or unfair notebook shape, naming cell and rule; its rules
form one registry, each with a Vietnamese description, and the trainers' guide lists them all."""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from test_notebook_model import sample

from kynangso.authoring import manifest
from kynangso.grading import check

from conftest import ROOT


def rules(nb):
    return {(p.rule, p.cell) for p in check.static_problems(Path("x.ipynb"), nb)}


def test_a_good_notebook_has_no_static_problem():
    assert rules(sample()) == set()


def test_points_written_must_equal_metadata():
    nb = sample()
    nb.cells[1].source = "**Câu 1** (3 điểm) Tính y."
    assert ("points-text", 1) in rules(nb)


def test_missing_points_text_is_reported():
    nb = sample()
    nb.cells[1].source = "**Câu 1** Tính y."
    assert ("points-text", 2) in rules(nb)


@pytest.mark.parametrize("gid", ["Q1_answer", "q1", "q1-answer", "câu1_answer"])
def test_grade_ids_are_named_question_aspect(gid):
    nb = sample()
    nb.cells[2].metadata["nbgrader"]["grade_id"] = gid
    assert ("grade-id-name", 2) in rules(nb)


def test_duplicate_grade_ids():
    nb = sample()
    nb.cells[3].metadata["nbgrader"]["grade_id"] = "q1_answer"
    assert ("grade-id-unique", 3) in rules(nb)


def test_objectives_and_key_points_cells():
    nb = sample()
    nb.cells[0].source = "# Bài"
    nb.cells[-1].source = "## Tóm tắt"
    assert {("objectives", 0), ("key-points", 6)} <= rules(nb)


def test_answer_without_mistakes_or_hidden_tests_or_public_tests():
    nb = sample()
    del nb.cells[2].metadata["kynangso"]
    nb.cells[3].source = '"""Kiểm tra y."""\nassert y == 2'
    assert {("mistakes", 2), ("tests", 3)} <= rules(nb)
    nb = sample()
    nb.cells[3].source = '"""Kiểm tra y."""\n### BEGIN HIDDEN TESTS\nassert y == 2\n### END HIDDEN TESTS'
    assert ("tests", 3) in rules(nb)


def test_answer_without_test_cell():
    nb = sample()
    del nb.cells[3]
    assert ("tests", 2) in rules(nb)


def with_tests(public: str, hidden: str = 'assert y == 2, "y đang sai: tính lại."'):
    """The sample with its test cell made of `public` and `hidden` code."""
    nb = sample()
    nb.cells[3].source = f'"""Kiểm tra y."""\n{public}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS'
    return nb


@pytest.mark.parametrize(
    "public,hidden,line",
    [
        ('assert y == 2, "y đang sai."', "assert y == 2", 4),  # no message in the hidden part
        ("assert y == 2", 'assert y == 2, "y đang sai."', 2),  # nor in the public part
        ('assert y == 2, "y is wrong"', 'assert y == 2, "y đang sai."', 2),  # English
        ('assert y == 2, "y sai roi, tinh lai"', 'assert y == 2, "y đang sai."', 2),  # typed without marks
        ('assert y == 2, f"{y!r}"', 'assert y == 2, "y đang sai."', 2),  # nothing but the value
        ('assert y == 2, ""', 'assert y == 2, "y đang sai."', 2),
        ('for _x in [y]:\n    assert _x == 2, "x"', 'assert y == 2, "y đang sai."', 3),  # nested in a loop
    ],
)
def test_every_assert_has_a_vietnamese_message(public, hidden, line):
    nb = with_tests(public, hidden)
    found = [p for p in check.static_problems(Path("x.ipynb"), nb) if p.rule == "assert-message"]
    [p] = found
    assert p.cell == 3 and f"dòng {line} của ô" in p.message
    assert ("phần ẩn" if line == 4 else "phần công khai") in p.message


@pytest.mark.parametrize(
    "message",
    [
        '"y đang là 3: chưa cộng x."',
        'f"y đang là {y}: chưa cộng x."',
        '(\n    f"y đang là {y}. "\n    "Gợi ý: cộng x."\n)',
        '"y đang là " + str(y) + ", chưa đúng."',
        "_vi_sao(y)",  # worded by a helper of the cell: read when it runs, not here
    ],
)
def test_a_vietnamese_message_in_any_form_is_accepted(message):
    nb = with_tests(f"assert y == 2, {message}", f"assert y > 1, {message}")
    assert not [p for p in check.static_problems(Path("x.ipynb"), nb) if p.rule == "assert-message"]


@pytest.mark.parametrize(
    "public",
    [
        'assert isinstance(y, int), "y phải là số nguyên."',
        'assert isinstance(y, int) and not isinstance(y, bool), "y phải là số nguyên."\n'
        'assert type(y) is int, "y phải là số nguyên."',
        'assert callable(f), "f phải là một hàm."\nassert hasattr(y, "x"), "y cần có x."',
        'assert isinstance(y, list) and len(y) >= 1, "y là danh sách khác rỗng."\nassert 0 < len(y), "y trống."',
        'for _c in y:\n    assert isinstance(_c, tuple) and len(_c) == 2 and all(isinstance(_x, str) for _x in _c), "cặp."',
        'assert y, "y trống."\nassert y is not None, "y chưa có."',
        'assert pd.api.types.is_bool_dtype(y["a"]), "cột a là đúng/sai."',
        "_y = y  # chỉ chuẩn bị, không kiểm tra gì",
    ],
)
def test_a_public_part_that_only_checks_types_is_reported(public):
    nb = with_tests(public)
    assert ("public-value", 3) in rules(nb)
    p = [p for p in check.static_problems(Path("x.ipynb"), nb) if p.rule == "public-value"][0]
    assert "chỉ xét kiểu" in p.message and "không lộ đáp án" in p.message


@pytest.mark.parametrize(
    "public",
    [
        'assert isinstance(y, int), "y phải là số nguyên."\nassert 0 < y <= 28, "y nằm ngoài khoảng."',  # a range
        'assert type(y) is list, "y là danh sách."\nassert len(y) == 3, "y cần 3 phần tử."',  # a count
        'assert list(y.columns) == ["a", "b"], "y cần hai cột a, b."',  # the columns
        'assert callable(f), "f là hàm."\nassert f("vinhtuong.example") is True, "f sai với tên miền huyện."',
        '_sai = [v for v in y if v not in "ab"]\nassert not _sai, f"y có giá trị lạ {_sai}."',
        'assert isinstance(y, set) and y <= {"a", "b"}, "y chỉ gồm a, b."',
    ],
)
def test_a_public_part_that_checks_a_value_is_accepted(public):
    assert ("public-value", 3) not in rules(with_tests(public))


def test_a_value_checked_only_in_the_hidden_part_does_not_count():
    nb = with_tests('assert isinstance(y, int), "y phải là số nguyên."', 'assert y == 2, "y đang sai."')
    assert ("public-value", 3) in rules(nb)


def test_text_not_nfc():
    nb = sample()
    nb.cells[1].source = "**Câu 1** (2 điểm) Hoa\u0300."
    assert ("nfc", 1) in rules(nb)


def test_messages_name_the_cell_one_based():
    nb = sample()
    nb.cells[1].source = "**Câu 1** (3 điểm)"
    p = [p for p in check.static_problems(Path("x.ipynb"), nb) if p.rule == "points-text"][0]
    assert "ô 2" in str(p) and "(3 điểm)" in str(p)


def test_rules_are_one_registry_each_described_in_vietnamese():
    ids = [r.id for r in check.RULES]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in check.RULES:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.id), rule.id
        assert rule.description and re.search(r"[àáảãạăâđèéẻẽẹêìíỉĩịòóỏõọôơùúủũụưỳýỷỹỵ]", rule.description), rule.id


def test_the_trainers_guide_lists_every_rule():
    guide = (ROOT / "course" / "huong-dan-soan-bai.md").read_text(encoding="utf-8")
    table = guide[guide.index("| quy tắc | nghĩa |") :].split("\n\n", 1)[0]
    listed = {rule.strip() for row in table.splitlines()[2:] for rule in row.split("|")[1].split(",")}
    assert listed == {r.id for r in check.RULES}
    [timing] = [r for r in check.RULES if r.id == "timing"]
    assert f"| timing | {timing.description} |" in table, "the guide states another time limit"


def test_every_problem_is_reported_under_a_registered_rule():
    nb = sample()
    nb.cells[0].source, nb.cells[1].source = "# Bài", "**Câu 1** Hoa\u0300."
    del nb.cells[2].metadata["kynangso"]
    found = check.static_problems(Path("x.ipynb"), nb)
    assert found and {p.rule for p in found} <= {r.id for r in check.RULES}


def test_an_empty_notebook_is_reported_once():
    found = check.static_problems(Path("x.ipynb"), nbformat.v4.new_notebook())
    assert [(p.rule, p.cell) for p in found] == [("empty", None)]


def test_module_rules_name_a_missing_folder_and_a_broken_notebook(tmp_path, monkeypatch):
    for part in ("course", "grading"):  # the manifest and the grading settings the run rules read
        shutil.copytree(ROOT / part, tmp_path / part)
    monkeypatch.setenv("KYNANGSO_HOME", str(tmp_path))
    module = manifest.Module(id="09-thu", title="Thử", objectives=[], duration_minutes=1, points=2, competences=[])
    [p] = check.check_module(module)
    assert p.rule == "module-folder" and "thiếu thư mục" in p.message
    module.source.mkdir(parents=True)
    (module.source / "bai-tap.ipynb").write_text("{khong phai json", encoding="utf-8")
    found = {p.rule: p for p in check.check_module(module)}
    assert set(found) == {"notebook-format", "manifest-points"}
    assert "không phải JSON hợp lệ (dòng 1, cột 2)" in found["notebook-format"].message
    assert found["notebook-format"].notebook == module.source / "bai-tap.ipynb"
    assert "cộng lại 0 điểm, manifest ghi 2" in found["manifest-points"].message
