"""`kynangso build` refuses to release an unfair or broken module and names the cell."""

import shutil

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kynangso import cli
from kynangso.authoring import notebook as nbm
from kynangso.cohorts import build

from conftest import ROOT

MODULE = "00-lam-quen"


def copy_course(tmp_path, monkeypatch):
    home = tmp_path / "course-copy"
    for part in ("course", "notebooks", "datasets", "grading"):
        shutil.copytree(ROOT / part, home / part)
    monkeypatch.setenv("KYNANGSO_HOME", str(home))
    return home


def test_build_fails_naming_the_cell_that_accepts_a_mistake_or_rejects_the_solution(
    tmp_path, monkeypatch, cohorts, capsys
):
    home = copy_course(tmp_path, monkeypatch)
    [path] = nbm.graded_notebooks(home / "notebooks" / MODULE)
    nb = nbm.read(path)
    qs = [q for q in nbm.questions(nb).values() if q.answers]
    # 1) a "mistake" that is really the solution: the tests accept it
    accepted = nb.cells[qs[0].answers[0]]
    accepted.metadata["kynangso"]["mistakes"].append(nbm.split_solution(accepted.source)[1])
    # 2) a test cell that rejects the solution
    broken = nb.cells[qs[1].tests[0]]
    broken.source += "\nassert False, 'kiểm tra sai'"
    nbformat.write(nb, str(path))

    assert cli.main(["build", "--cohort", "x", "--module", MODULE]) == 1
    out = capsys.readouterr().out
    assert f"[{nbm.grade_id(nb.cells[qs[0].tests[0]])}] (mistake-rejected)" in out
    assert f"ô {qs[0].tests[0] + 1}" in out
    assert f"[{nbm.grade_id(broken)}] (solution-passes)" in out
    assert not (cohorts / "x" / "release" / MODULE).exists(), "nothing may be released"


def test_release_validation_catches_a_test_that_passes_on_the_blank(tmp_path):
    """nbgrader validate --invert, read from its result: a test passing on stubs gives free points."""
    test_meta = {
        "nbgrader": {
            "grade": True,
            "solution": False,
            "locked": True,
            "grade_id": "q1_tests",
            "points": 1,
            "schema_version": 3,
            "task": False,
        }
    }
    answer_meta = {
        "nbgrader": {
            "grade": False,
            "solution": True,
            "locked": False,
            "grade_id": "q1_answer",
            "schema_version": 3,
            "task": False,
        }
    }
    nb = new_notebook(
        cells=[
            new_markdown_cell("## Mục tiêu"),
            new_code_cell("# VIẾT CODE CỦA BẠN VÀO ĐÂY\nraise NotImplementedError()", metadata=answer_meta),
            new_code_cell(
                '"""Kiểm tra so_xa."""\nif "so_xa" in globals():\n    assert so_xa == 25', metadata=test_meta
            ),
            new_markdown_cell("## Ghi nhớ"),
        ]
    )
    released = tmp_path / "bai-tap.ipynb"
    nbformat.write(nb, str(released))
    problems = build.validate_release(released)
    assert len(problems) == 1 and "so_xa" in problems[0]
    nb.cells[2].source = '"""Kiểm tra so_xa."""\nassert so_xa == 25'
    nbformat.write(nb, str(released))
    assert build.validate_release(released) == []
    # a release that carries the recorded mistakes is refused
    nb.cells[1].metadata["kynangso"] = {"mistakes": ["so_xa = 28"]}
    nbformat.write(nb, str(released))
    assert any("kynangso" in p and "ô 2" in p for p in build.validate_release(released))
    del nb.cells[1].metadata["kynangso"]
    # and a release that still shows the solution is refused
    nb.cells[1].source = "### BEGIN SOLUTION\nso_xa = 25\n### END SOLUTION"
    nbformat.write(nb, str(released))
    assert any("BEGIN SOLUTION" in p for p in build.validate_release(released))
