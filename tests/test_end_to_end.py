"""The whole pipeline on a small cohort whose officials are named by scenario.

build (check, release, validate both ways) -> cohort -> submissions -> grade -> grades.csv and
grading-report.csv -> feedback. A corrupted submission is reported by name with its reason, keeps
the official's earlier good grade beside the failure until the instructor gives it 0
(`--zero-failed`), keeps its file untouched, and every other official is graded. The grading engine's own scenarios are in test_grading_engine.py.
"""

import nbformat

from kynangso import cli
from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm
from kynangso.cohorts import course, simulate

from scenarios import public_passing_mistake, read_csv, write_roster

SCENARIOS = ["passes-all", "fails-hidden", "blank", "syntax-error", "corrupted-json", "kernel-dies"]
MODULE = "00-lam-quen"
CORRUPT = b'{"cells": [{"cell_type": "code", "source": "tong_dan_so = '


def test_pipeline_grades_every_scenario(cohorts, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    write_roster(roster, SCENARIOS)
    assert cli.main(["cohort", "e2e", "--roster", str(roster)]) == 0
    assert cli.main(["build", "--cohort", "e2e", "--module", MODULE]) == 0
    root = cohorts / "e2e"
    module = manifest.load().module(MODULE)
    [name] = [p.name for p in nbm.graded_notebooks(module.source)]
    source = nbm.read(module.source / name)
    release = nbm.read(root / "release" / MODULE / name)
    # recorded mistakes are near-solutions: they never reach a learner's copy
    assert not any("kynangso" in c.metadata for c in release.cells)
    assert any(nbm.mistakes(c) for c in source.cells)
    qs = nbm.questions(source)
    auto_total = sum(nbm.nbgrader(source.cells[t]).get("points", 0) for q in qs.values() for t in q.tests)
    best = simulate.solutions(source)
    when = simulate.datetime.fromisoformat("2022-05-09T08:00:00+07:00")

    def submit(student, answers=None, raw=None):
        nbs = {} if raw else {name: simulate.fill(release, source, answers or {})}
        simulate.write_submission(root, student, MODULE, nbs, when, raw={name: raw} if raw else None)

    # First good submissions, graded: they are kept beside the broken resubmissions' failures.
    submit("corrupted-json", best)
    submit("kernel-dies", best)
    assert cli.main(["grade", "e2e", "--module", MODULE]) == 0
    first = {r["student_id"]: float(r["score"]) for r in read_csv(root / "grades.csv")}
    assert first["corrupted-json"] == first["kernel-dies"] == auto_total

    q_hidden, a_hidden, wrong = public_passing_mistake(source)
    first_q = next(q for q in qs.values() if q.answers)
    submit("passes-all", best)
    submit("fails-hidden", {**best, nbm.grade_id(source.cells[a_hidden]): wrong})
    submit("blank", {})
    submit("syntax-error", {**best, nbm.grade_id(source.cells[first_q.answers[0]]): "so_don_vi = (28\n"})
    submit("corrupted-json", raw=CORRUPT)
    last_q = [q for q in qs.values() if q.answers][-1]
    submit("kernel-dies", {**best, nbm.grade_id(source.cells[last_q.answers[0]]): "import os\nos._exit(1)\n"})
    capsys.readouterr()
    assert cli.main(["grade", "e2e", "--module", MODULE]) == 0
    out = capsys.readouterr().out
    assert "corrupted-json" in out and "hỏng" in out
    assert str(root / "feedback") not in out  # grade writes no feedback: `kynangso feedback` does

    scores = {r["student_id"]: float(r["score"]) for r in read_csv(root / "grades.csv") if r["assignment"] == MODULE}
    assert scores == {
        "passes-all": auto_total,
        "fails-hidden": auto_total - q_hidden.points,
        "blank": 0.0,
        "syntax-error": auto_total - first_q.points,
        "corrupted-json": auto_total,  # the last good grade, kept until the instructor decides
        "kernel-dies": auto_total,
    }
    report = {r["student"]: r for r in read_csv(root / "grading-report.csv")}
    assert set(report) == set(SCENARIOS)
    for s in SCENARIOS:
        assert report[s]["assignment"] == MODULE
        assert float(report[s]["score"]) == scores[s]
        assert report[s]["ho_ten"].startswith("Học Viên Mẫu")
    assert report["corrupted-json"]["status"] == "failed"
    assert all("vẫn được giữ" in report[s]["reason"] for s in ("corrupted-json", "kernel-dies"))
    assert name in report["corrupted-json"]["reason"] and "hỏng" in report["corrupted-json"]["reason"]
    assert report["kernel-dies"]["status"] == "failed" and "kernel dừng" in report["kernel-dies"]["reason"]
    assert all(report[s]["status"] == "graded" for s in SCENARIOS if s not in ("corrupted-json", "kernel-dies"))
    assert "SyntaxError" in report["syntax-error"]["reason"]
    assert "chưa làm" in report["blank"]["reason"] and "chưa làm" not in report["passes-all"]["reason"]
    # the learner's broken file is kept as sent; graded officials get feedback
    assert (root / "submitted" / "corrupted-json" / MODULE / name).read_bytes() == CORRUPT
    assert cli.main(["feedback", "e2e", "--module", MODULE]) == 0
    for s in SCENARIOS[:-2]:
        assert (root / "feedback" / s / MODULE / name.replace(".ipynb", ".html")).is_file()
    # the instructor decides: 0 for the broken ones; their earlier graded files go with the grade
    assert cli.main(["grade", "e2e", "--module", MODULE, "--zero-failed", "--student", "corrupted-json"]) == 0
    assert cli.main(["grade", "e2e", "--module", MODULE, "--zero-failed", "--student", "kernel-dies"]) == 0
    zeroed = {r["student_id"]: float(r["score"]) for r in read_csv(root / "grades.csv") if r["assignment"] == MODULE}
    assert zeroed == {**scores, "corrupted-json": 0.0, "kernel-dies": 0.0}
    assert not (root / "feedback" / "corrupted-json" / MODULE).exists()
    assert not (root / "autograded" / "kernel-dies" / MODULE).exists()
    with course.gradebook(root) as gb:
        assert {s.id for s in gb.students} == set(SCENARIOS)


def test_simulated_cohort_spreads_grades_and_is_reproducible(cohorts):
    """simulate is seeded: the same seed writes the same submissions; answers vary across officials."""
    from kynangso import data
    from kynangso.cohorts import roster

    root = roster.create("sim", data.path("lop_demo"))
    # a release is needed; generate it without the (slow) checks, which the test above covers
    assert course.run(root, "generate_assignment", MODULE, "--force").returncode == 0
    module = manifest.load().module(MODULE)
    simulate.simulate(root, [module], seed=5)
    first = {p: p.read_bytes() for p in sorted((root / "submitted").rglob("*.ipynb"))}
    simulate.simulate(root, [module], seed=5)
    assert first == {p: p.read_bytes() for p in sorted((root / "submitted").rglob("*.ipynb"))}
    assert len(first) == 28
    assert len(set(first.values())) > 5, "officials should not all answer alike"
    blanks = [
        sum(
            c.cell_type == "code" and "raise NotImplementedError()" in c.source
            for c in nbformat.reads(body.decode(), as_version=4).cells
        )
        for body in first.values()
    ]
    assert min(blanks) == 0 and max(blanks) > 0, blanks
    assert not any("BEGIN SOLUTION" in body.decode() for body in first.values())


def test_lab_opens_a_work_copy_of_the_release_and_never_overwrites_it(cohorts, capsys):
    from kynangso import data
    from kynangso.cohorts import roster

    root = roster.create("labo", data.path("lop_demo"))
    assert cli.main(["lab", "labo", "--dry-run"]) == 2  # nothing released yet
    assert "kynangso build --cohort labo" in capsys.readouterr().out
    assert course.run(root, "generate_assignment", MODULE, "--force").returncode == 0
    assert cli.main(["lab", "labo", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "--ip=127.0.0.1" in out and str(root / "work") in out
    work = root / "work" / MODULE / "bai-tap.ipynb"
    work.write_text("my unfinished work", encoding="utf-8")
    assert cli.main(["lab", "labo", "--dry-run"]) == 0
    assert work.read_text(encoding="utf-8") == "my unfinished work"
