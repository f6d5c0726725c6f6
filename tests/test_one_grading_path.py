"""`kynangso check` and `kynangso grade` judge a notebook the same way: a trainer's module whose
answers are values of the types officials' answers really are gets the same score from both, its
solution full marks; an answer no kind of the codec carries is named by check, in Vietnamese, before
any official is graded wrong; a test cell that prints to stderr or warns is not failed by either; a
kernel that does not start is reported, by both, with what it wrote, never as a traceback."""

import types

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from kynangso import cli
from kynangso.authoring import notebook as nbm
from kynangso.authoring.settings import write_course_config
from kynangso.cohorts import course, grade, roster, simulate
from kynangso.grading import check, sandbox, trial, worker

from scenarios import WHEN, write_roster

MODULE = "90-kieu-du-lieu"
SETUP = (
    "import dataclasses, re, warnings, sys\nfrom collections import Counter, namedtuple\nfrom dataclasses import dataclass\n"
    "from datetime import date, datetime, time, timedelta\nfrom decimal import Decimal\nfrom pathlib import Path\n"
    "import numpy as np\nimport pandas as pd\n"
)
# question -> (the solution, the test): each answer a value of one kind officials' answers are
QUESTIONS = {
    "decimal": ("a = Decimal('12.50')", "assert type(a) is Decimal and a == Decimal('12.5')"),
    "namedtuple": (
        "Diem = namedtuple('Diem', 'x y')\na = Diem(1, 2)",
        "assert a == (1, 2) and a.y == 2 and type(a).__name__ == 'Diem' and a == Diem(1, 2)",
    ),
    "dataclass": (
        "@dataclass\nclass HoSo:\n    ma: str\n    so_ngay: int\n\na = [HoSo('A', 3), HoSo('B', 5)]",
        "assert [h.so_ngay for h in a] == [3, 5] and dataclasses.is_dataclass(a[0]) and a[0] == HoSo('A', 3)",
    ),
    "numpy_str": (
        "a = np.array(['Kim Xá', 'Tân Tiến'])",
        "assert a.dtype.kind == 'U' and list(a) == ['Kim Xá', 'Tân Tiến']",
    ),
    "period": ("a = pd.Period('2022-03', 'M')", "assert a == pd.Period('2022-03', 'M') and a.month == 3"),
    "counter": ("a = Counter('vinhtuong')", "assert a == Counter('vinhtuong') and a.most_common(1)[0][1] == 2"),
    "function_decimal": ("def a(x):\n    return Decimal(x) * 2", "assert a('1.25') == Decimal('2.50')"),
    "docstring": ('def a(x):\n    """Nhân đôi một số."""\n    return 2 * x', "assert 'đôi' in a.__doc__ and a(2) == 4"),
    "regex": ("a = re.compile(r'\\d{3}\\.\\d{2}', re.I)", "assert a.fullmatch('000.25') and a.flags & re.I"),
    "categorical": (
        "a = pd.Categorical(['xa', 'thi_tran', 'xa'], categories=['thi_tran', 'xa'], ordered=True)",
        "assert list(a) == ['xa', 'thi_tran', 'xa'] and a.ordered and a.min() == 'thi_tran'",
    ),
    "dates": (
        "a = (date(2022, 4, 8), time(15, 0), timedelta(days=3), datetime(2022, 4, 8, 10))",
        "assert a[0] + a[2] == date(2022, 4, 11) and a[3].time() < a[1]",
    ),
    "path_bytes_sets": (
        "a = {'tep': Path('bao-cao.xlsx'), 'ma': b'\\x00\\x01', 'bo': frozenset({1, 2}), 'tap': {3}}",
        "assert a['tep'].suffix == '.xlsx' and a['ma'] == b'\\x00\\x01' and a['bo'] | a['tap'] == {1, 2, 3}",
    ),
    "numpy": (
        "a = (np.int64(7), np.arange(6.0).reshape(2, 3))",
        "assert a[0] == 7 and a[1].shape == (2, 3) and a[1][1, 2] == 5.0",
    ),
    "pandas": (
        "a = pd.DataFrame({'ma': ['x', 'y'], 'luc': pd.to_datetime(['2022-01-03', '2022-01-04'])}).set_index('ma')",
        "assert a.loc['y', 'luc'] == pd.Timestamp('2022-01-04') and a.index.name == 'ma'",
    ),
    "warns": (
        "a = 1",
        "print('cảnh báo', file=sys.stderr)\nwarnings.warn('FutureWarning giả', FutureWarning)\n"
        "np.log(np.array([0.0]))\nassert a == 1",
    ),
    "generator": ("a = (i * i for i in range(3))", "assert list(a) == [0, 1, 4]"),
}
UNCARRIED = "generator"  # no kind carries a generator: check names it, grade gives it nothing


def meta(**kw):
    return {"nbgrader": {"schema_version": 3, "locked": False, "task": False, **kw}}


def notebook():
    cells = [new_markdown_cell("## Mục tiêu\n\nKiểu dữ liệu của đáp án."), new_code_cell(SETUP)]
    for n, (name, (solution, test)) in enumerate(QUESTIONS.items(), start=1):
        cells.append(new_markdown_cell(f"**Câu {n}** (1 điểm). Kiểu `{name}`."))
        cells.append(
            new_code_cell(
                f"### BEGIN SOLUTION\n{solution}\n### END SOLUTION",
                metadata=meta(grade_id=f"q{n}_answer", solution=True, grade=False),
            )
        )
        cells.append(
            new_code_cell(
                f'"""Kiểm tra: đáp án kiểu {name}."""\n{test}',
                metadata=meta(grade_id=f"q{n}_tests", solution=False, grade=True, points=1),
            )
        )
    cells.append(new_markdown_cell("## Ghi nhớ\n\nĐáp án là dữ liệu."))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def per_test_cell(nb):
    return {nbm.grade_id(c): nbm.passed(c) for c in nb.cells if nbm.is_test(c)}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The module's solution, checked (the trial) and graded as an official's submission."""
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("one-path")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    source = tmp / "source"
    (source / MODULE).mkdir(parents=True)
    nb = notebook()
    path = source / MODULE / "bai-tap.ipynb"
    nbformat.write(nb, str(path))
    problems = check.run_problems(path, nb, MODULE, workers=2)
    runs = trial.run_notebooks([(MODULE, path, nb)], workers=2)[path]
    root = roster.create("mot-duong", write_roster(tmp / "roster.csv", ["cb0001"]))
    write_course_config(root, source=source)  # this cohort's source is the test's module
    assert course.run(root, "generate_assignment", MODULE, "--force").returncode == 0
    release = nbm.read(root / "release" / MODULE / "bai-tap.ipynb")
    simulate.write_submission(
        root, "cb0001", MODULE, {"bai-tap.ipynb": simulate.fill(release, nb, simulate.solutions(nb))}, WHEN
    )
    module = types.SimpleNamespace(id=MODULE, source=source / MODULE)
    _, _, rows = grade.grade(root, [module], workers=2, progress=False)
    graded = nbm.read(root / "autograded" / "cb0001" / MODULE / "bai-tap.ipynb")
    yield {"problems": problems, "trial": runs.solution.nb, "graded": graded, "row": rows[0]}
    mp.undo()


pytestmark = pytest.mark.skipif(sandbox.available() is not None, reason="grading needs the sandbox here")


def test_check_and_grade_give_the_same_verdict_on_every_test_cell(both):
    trial_cells, graded_cells = per_test_cell(both["trial"]), per_test_cell(both["graded"])
    assert trial_cells == graded_cells
    assert len(graded_cells) == len(QUESTIONS)


def test_every_carried_kind_gets_full_marks_in_both(both):
    graded = per_test_cell(both["graded"])
    wrong = {
        qid: name
        for (qid, ok), name in zip(
            sorted(graded.items(), key=lambda kv: int(kv[0][1:].split("_")[0])), QUESTIONS, strict=True
        )
        if not ok
    }
    assert wrong == {f"q{list(QUESTIONS).index(UNCARRIED) + 1}_tests": UNCARRIED}
    assert both["row"].score == len(QUESTIONS) - 1


def test_check_names_the_answer_it_cannot_carry_in_vietnamese(both):
    found = [p for p in both["problems"] if p.rule == "answers-carried"]
    q = f"q{list(QUESTIONS).index(UNCARRIED) + 1}"
    assert len(found) == 1 and found[0].grade_id == f"{q}_tests"
    assert f"câu {q}" in found[0].message and "generator" in found[0].message
    assert not [p for p in both["problems"] if p.rule == "solution-passes"]  # the same cell, said once


def test_a_test_cell_that_warns_passes_in_both(both):
    q = f"q{list(QUESTIONS).index('warns') + 1}_tests"
    for nb in (both["trial"], both["graded"]):
        cell = next(c for c in nb.cells if nbm.grade_id(c) == q)
        assert nbm.passed(cell) and "cảnh báo" in nbm.stderr_of(cell)


@pytest.fixture
def kernels_that_do_not_start(monkeypatch):
    """Every kernel started with a flag ipykernel refuses: it says so on stderr and exits."""
    base = worker._base_config

    def broken(root, limits):
        cfg = base(root, limits)
        cfg.GuardedExecute.extra_arguments = ["--no-such-flag-kns"]
        return cfg

    monkeypatch.setattr(worker, "_base_config", broken)


def test_a_kernel_that_does_not_start_is_reported_with_its_own_words(
    kernels_that_do_not_start, tmp_path, cohorts, capsys
):
    root = roster.create("khong-chay", write_roster(tmp_path / "roster.csv", ["cb0001"]))
    assert cli.main(["build", "--cohort", "khong-chay", "--module", "00-lam-quen", "--no-run"]) == 0
    release = nbm.read(root / "release" / "00-lam-quen" / "bai-tap.ipynb")
    simulate.write_submission(root, "cb0001", "00-lam-quen", {"bai-tap.ipynb": release}, WHEN)
    assert cli.main(["grade", "khong-chay", "--module", "00-lam-quen", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "kernel không khởi động được" in out and "Traceback" not in out
    log = (root / "logs" / "grade" / "00-lam-quen" / "cb0001.log").read_text(encoding="utf-8")
    assert log.count("kernel did not start") == 2 and "no-such-flag-kns" in log  # tried twice; its own words


def test_check_reports_a_kernel_that_does_not_start_not_a_traceback(kernels_that_do_not_start, capsys):
    assert cli.main(["check", "--module", "00-lam-quen"]) == 1
    out = capsys.readouterr().out
    assert "kernel không khởi động được" in out and "Traceback" not in out
