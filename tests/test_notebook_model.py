"""Reading source notebooks: answers, tests, questions and the learner's view of an answer."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kynangso.authoring import notebook as nbm

ANSWER = "x = 1\n### BEGIN SOLUTION\ny = 2\n### END SOLUTION\nprint(y)"


def meta(gid, grade=False, solution=False, points=None, mistakes=None):
    m = {
        "nbgrader": {
            "grade": grade,
            "solution": solution,
            "locked": not solution,
            "grade_id": gid,
            "schema_version": 3,
            "task": False,
        }
    }
    if points is not None:
        m["nbgrader"]["points"] = points
    if mistakes is not None:
        m["kynangso"] = {"mistakes": mistakes}
    return m


def sample():
    return new_notebook(
        cells=[
            new_markdown_cell("# Bài\n## Mục tiêu\n- a"),
            new_markdown_cell("**Câu 1** (2 điểm) Tính y."),
            new_code_cell(ANSWER, metadata=meta("q1_answer", solution=True, mistakes=["y = 3"])),
            new_code_cell(
                '"""Kiểm tra y."""\nassert y == 2, "y đang sai: tính lại."\n'
                '### BEGIN HIDDEN TESTS\nassert y > 1, f"y đang là {y}, cần lớn hơn 1."\n### END HIDDEN TESTS',
                metadata=meta("q1_tests", grade=True, points=2),
            ),
            new_markdown_cell("**Câu 2** (1,5 điểm) Viết."),
            new_markdown_cell("mẫu", metadata=meta("q2_written", grade=True, solution=True, points=1.5)),
            new_markdown_cell("## Ghi nhớ"),
        ]
    )


def test_questions_points_and_cells():
    qs = nbm.questions(sample())
    assert list(qs) == ["q1", "q2"]
    assert (qs["q1"].answers, qs["q1"].tests, qs["q1"].points, qs["q1"].stated_points) == ([2], [3], 2.0, 2.0)
    assert (qs["q2"].manual, qs["q2"].stated_points, qs["q2"].points) == ([5], 1.5, 1.5)
    assert nbm.total_points(sample()) == 3.5


def test_fill_answer_keeps_the_scaffold_and_drops_markers():
    assert nbm.fill_answer(ANSWER, "y = 3") == "x = 1\ny = 3\nprint(y)"
    assert nbm.solution_code(ANSWER) == "x = 1\ny = 2\nprint(y)"
    assert nbm.public_part("a\n### BEGIN HIDDEN TESTS\nb\n### END HIDDEN TESTS\nc") == "a\nc"


def test_sample_is_valid_nbformat():
    nbformat.validate(sample())


def test_why_a_notebook_cannot_be_read_is_said_in_vietnamese(tmp_path):
    path = tmp_path / "x.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    try:
        nbm.read(path)
    except Exception as exc:  # noqa: BLE001 - whatever json raises
        assert nbm.unreadable(exc).startswith("tệp không phải JSON hợp lệ (dòng 1, cột")
    else:
        raise AssertionError("a truncated file was read")
    nb = sample()
    nb.cells[2]["source"] = 3
    try:
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - whatever nbformat raises
        assert "nbformat 4) ở ô 3/source" in nbm.unreadable(exc)
    else:
        raise AssertionError("an invalid notebook was validated")
