"""The trainer kit: `new` -> `check` -> `build` -> `simulate` -> `grade` on a fresh module in a
temporary copy of the course, and each check rule failing on a notebook made to break it."""

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from kynangso import cli, messages
from kynangso.authoring import manifest, new, tidy
from kynangso.authoring import notebook as nbm
from kynangso.grading import check, trial

from conftest import ROOT

MODULE = "05-bao-cao-tuan"


@pytest.fixture
def course_copy(tmp_path, monkeypatch, cohorts):
    home = tmp_path / "course-copy"
    for part in ("course", "notebooks", "datasets", "grading"):
        shutil.copytree(ROOT / part, home / part)
    monkeypatch.setenv("KYNANGSO_HOME", str(home))
    return home


def test_new_module_checks_builds_and_grades(course_copy, cohorts, capsys):
    assert cli.main(["new", MODULE, "--title", "Báo cáo tuần: số liệu cho UBND"]) == 0
    m = manifest.load().module(MODULE)
    assert m.title == "Báo cáo tuần: số liệu cho UBND" and m.points == new.POINTS and m.ready
    for path in (course_copy / "notebooks" / MODULE).glob("*.ipynb"):
        assert not tidy.needs_tidy(path) and not tidy.out_of_order(nbm.read(path))
    assert cli.main(["check", "--module", MODULE]) == 0
    assert cli.main(["cohort", "t", "--roster", str(course_copy / "datasets" / "lop_demo.csv")]) == 0
    assert cli.main(["build", "--cohort", "t", "--module", MODULE]) == 0
    assert cli.main(["simulate", "t", "--module", MODULE]) == 0
    assert cli.main(["grade", "t", "--module", MODULE]) == 0
    with open(cohorts / "t" / "grading-report.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 28 and {r["status"] for r in rows} == {"graded"}
    assert {float(r["score"]) for r in rows} >= {0.0, 2.0}, "the simulated class should spread"
    capsys.readouterr()
    assert cli.main(["new", MODULE, "--title", "x"]) == 2
    assert "đã có" in capsys.readouterr().out


@pytest.mark.parametrize("module_id", ["5-bao-cao", "05_bao_cao", "05-Báo-cáo", "05-", "00B-bao-cao", "00bb-bao-cao"])
def test_new_refuses_bad_ids(course_copy, module_id, capsys):
    assert cli.main(["new", module_id, "--title", "Tiêu đề"]) == 2
    assert "NN-ten-khong-dau" in capsys.readouterr().out


def test_new_puts_a_module_between_two_released_ones_where_its_id_sorts(course_copy):
    """Released ids stay (cohorts hold them): a letter after the number puts a module between two."""
    assert cli.main(["new", "01b-thu-nang-cao", "--title", "Thư công vụ nâng cao"]) == 0
    ids = [m.id for m in manifest.load().modules]
    assert ids == sorted(ids) and ids[ids.index("01-thu-dien-tu") + 1] == "01b-thu-nang-cao", ids
    assert (course_copy / "notebooks" / "01b-thu-nang-cao" / "bai-tap.ipynb").is_file()


def problems_of(nb, run=False):
    path = Path("bai-tap.ipynb")
    found = check.static_problems(path, nb) + (check.run_problems(path, nb, "05-mau", workers=2) if run else [])
    return {(p.rule, p.cell) for p in found}


def test_template_is_clean():
    assert problems_of(new.assignment("Mẫu"), run=True) == set()


def test_test_cell_must_say_what_it_checks():
    nb = new.assignment("Mẫu")
    nb.cells[4].source = nb.cells[4].source.split("\n", 1)[1]  # drop the docstring
    assert ("test-purpose", 4) in problems_of(nb)


@pytest.mark.parametrize(
    "code",
    [
        "import pandas as pd\nbang = pd.read_csv('/home/thuy/Downloads/don_vi.csv')",
        "import pandas as pd\nbang = pd.read_csv('don_vi.csv')",
        "import requests\nbang = requests.get('http://du-lieu.example/don_vi.csv')",
        "with open('C:\\\\Users\\\\a\\\\don_vi.csv') as f:\n    pass",
    ],
)
def test_data_only_through_the_package(code):
    nb = new.assignment("Mẫu")
    nb.cells[1].source = code
    assert ("data-access", 1) in problems_of(nb)


def test_release_must_run_must_not_leak_and_must_be_quick(monkeypatch):
    nb = new.assignment("Mẫu")
    # a plain cell that needs the learner's answer: it fails in the learner's copy
    nb.cells.insert(5, nbformat.v4.new_code_cell("ty_le = so_thi_tran / 28"))
    # a public test line that gives the solution away
    nb.cells[4].source = nb.cells[4].source.replace(
        "import numbers", 'import numbers\n_mau = len(bang[bang["loai"] == "thi_tran"])'
    )
    monkeypatch.setattr(trial, "MAX_SECONDS", 0)
    found = problems_of(nb, run=True)
    assert ("release-runs", 5) in found
    assert ("release-leak", 4) in found
    assert ("timing", None) in found


def test_a_lesson_cell_may_show_an_error_on_purpose_when_tagged():
    """A lesson teaching error messages has cells that raise: tagged raises-exception, check accepts
    them; untagged, the same error is a problem in the solution and in the learner's copy."""
    nb = new.lesson("Mẫu")
    nb.cells.insert(5, nbformat.v4.new_code_cell("so_xa_moi + 1"))
    assert {("solution-runs", 5), ("release-runs", 5)} <= problems_of(nb, run=True)
    nb.cells[5].metadata["tags"] = ["raises-exception"]
    assert problems_of(nb, run=True) == set()


def test_tidy_strips_volatile_metadata_and_reports_order(tmp_path, capsys):
    nb = new.lesson("Mẫu")
    nb.metadata["language_info"] = {"name": "python", "version": "3.11.7"}
    nb.metadata["widgets"] = {"state": {}}
    nb.cells[2].metadata["execution"] = {"iopub.execute_input": "2026-11-27T05:00:00Z"}
    nb.cells[2].metadata["scrolled"] = True
    nb.cells[2].execution_count, nb.cells[4].execution_count = 7, 3
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, str(path))
    assert tidy.needs_tidy(path)
    assert cli.main(["tidy", "--check", str(path)]) == 1
    assert cli.main(["tidy", str(path)]) == 1  # tidied, but still out of order: run it again from the top
    out = capsys.readouterr().out
    assert "đã dọn" in out and "chưa chạy theo thứ tự" in out
    assert not tidy.needs_tidy(path)
    cleaned = nbm.read(path)
    assert cleaned.metadata == {"kernelspec": tidy.KERNELSPEC, "language_info": {"name": "python"}}
    assert cleaned.cells[2].metadata == {}


def test_an_unknown_module_is_named_in_vietnamese(capsys):
    for verb in ("check", "build"):
        assert cli.main([verb, "--module", "99-khong-co", "--no-run"]) == 2
        out = capsys.readouterr().out
        assert 'không có mô-đun "99-khong-co" trong course/manifest.yml' in out and "00-lam-quen" in out
        assert "Traceback" not in out


@pytest.mark.parametrize("verb", ["new", "check", "tidy", "build"])
def test_the_verbs_help_comes_from_the_catalogue(verb):
    """Every option's help and name placeholder is a catalogue entry (Vietnamese), never written in code."""
    said = set(messages.catalogue().values())
    [sub] = [a for a in cli.parser()._actions if a.dest == "verb"]
    for action in sub.choices[verb]._actions:
        if action.dest == "help":
            continue  # argparse's own, translated by the CLI
        assert action.help in said, (verb, action.dest, action.help)
        if action.metavar is not None or action.nargs != 0:
            assert action.metavar in said, (verb, action.dest, action.metavar)


def test_every_authoring_message_is_used_and_every_key_used_exists():
    """The code reads its messages by literal key; a key in the catalogue that nothing reads is stale."""
    from conftest import ROOT

    src = ROOT / "src" / "kynangso"
    files = [
        *(src / "authoring").glob("*.py"),
        src / "cohorts" / "build.py",
        src / "grading" / "check.py",
        src / "grading" / "trial.py",
    ]
    code = "\n".join(f.read_text(encoding="utf-8") for f in files)
    used = {f"authoring.{k}" for k in re.findall(r"\"authoring\.([\w.-]+)\"", code)}
    used |= {f"authoring.problem.{k}" for k in re.findall(r"\bsay\(\s*\"([\w.-]+)\"", code)}
    used |= {f"authoring.rule.{r.id}" for r in check.RULES}
    known = {k for k in messages.catalogue() if k.startswith("authoring.")}
    assert used - known == set(), "keys read but not in src/kynangso/messages/authoring.yml"
    assert known - used == set(), "keys nothing reads"
