"""`kynangso check` catches each broken or unfair notebook shape, naming cell and rule."""


import pytest

from kynangso.authoring import check
from test_notebook_model import sample


def rules(nb):
    return {(p.rule, p.cell) for p in check.static_problems(__import__("pathlib").Path("x.ipynb"), nb)}


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


def test_text_not_nfc():
    nb = sample()
    nb.cells[1].source = "**Câu 1** (2 điểm) Hoa\u0300."
    assert ("nfc", 1) in rules(nb)


def test_messages_name_the_cell_one_based():
    nb = sample()
    nb.cells[1].source = "**Câu 1** (3 điểm)"
    p = [p for p in check.static_problems(__import__("pathlib").Path("x.ipynb"), nb) if p.rule == "points-text"][0]
    assert "ô 2" in str(p) and "(3 điểm)" in str(p)
