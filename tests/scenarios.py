"""Helpers for the tests that grade submissions of officials named by scenario (test_end_to_end,
test_grading_engine, test_sandbox)."""

import csv

import pytest

from kynangso.authoring import execute, manifest, release
from kynangso.authoring import notebook as nbm
from kynangso.cohorts import course, roster, simulate

WHEN = simulate.datetime.fromisoformat("2022-05-09T08:00:00+07:00")


def read_csv(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def write_roster(path, students):
    """A roster with one synthetic official per scenario name."""
    path.write_text(
        "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\n"
        + "".join(
            f"{s},Học Viên Mẫu {i},VT{i:02d},Công chức thử nghiệm,hv{i}.vt{i:02d}@vinhtuong.example\n"
            for i, s in enumerate(students, start=1)
        ),
        encoding="utf-8",
    )
    return path


class Released:
    """A cohort of scenario officials with one module released (nbgrader generate_assignment, no
    checks: test_end_to_end builds with them), and what writing submissions needs."""

    def __init__(self, tmp, name, students, module_id, notebook="bai-tap.ipynb"):
        self.root = roster.create(name, write_roster(tmp / f"{name}-roster.csv", students))
        assert course.run(self.root, "generate_assignment", module_id, "--force").returncode == 0
        self.module_id, self.name = module_id, notebook
        self.source = nbm.read(manifest.load().module(module_id).source / notebook)
        self.release = nbm.read(self.root / "release" / module_id / notebook)
        self.best = simulate.solutions(self.source)
        self.questions = nbm.questions(self.source)
        self.gid = {k: nbm.grade_id(self.source.cells[q.answers[0]]) for k, q in self.questions.items() if q.answers}

    def submit(self, student, answers=None, raw=None, name=None, edit=None):
        """Write the student's submission (the release filled with `answers`, or raw bytes)."""
        nb = simulate.fill(self.release, self.source, answers or {})
        if edit:
            edit(nb)
        folder = self.root / "submitted" / student / self.module_id
        if folder.exists():
            import shutil

            shutil.rmtree(folder)
        name = name or self.name
        simulate.write_submission(
            self.root, student, self.module_id, {} if (raw and name in raw) else {name: nb}, WHEN, raw=raw
        )


def public_passing_mistake(source):
    """A recorded mistake that the public tests accept (so only hidden tests can catch it)."""
    for found in _public_passing(source):
        return found
    pytest.fail("no recorded mistake passes the public tests: a fails-hidden scenario needs one")


def _public_passing(source):
    """The recorded mistakes that their question's public tests accept, in notebook order."""
    candidates = []
    for q in nbm.questions(source).values():
        for a in q.answers:
            for code in nbm.mistakes(source.cells[a]):
                candidates.append((q, a, code, release.variant(source, a, code, q.last_cell, public_only=True)))
    runs = execute.run_all([c[3] for c in candidates])
    for (q, a, code, _), run in zip(candidates, runs, strict=True):
        if all(execute.passed(run.nb.cells[t]) for t in q.tests):
            yield q, a, code


def isolated_mistake(source):
    """A recorded mistake that the public tests of the whole notebook accept (Validate says
    "Success") and that costs only its own question: (question, answer cell, code, points lost),
    the points counted from the test cells that fail when the whole notebook runs with its hidden
    tests."""
    last = len(source.cells) - 1
    for q, a, code in _public_passing(source):
        [public, full] = execute.run_all(
            [release.variant(source, a, code, last, public_only=True), release.variant(source, a, code, last)]
        )
        tests = [i for i, c in enumerate(source.cells) if nbm.is_test(c)]
        failed = [i for i in tests if not execute.passed(full.nb.cells[i])]
        if failed and set(failed) <= set(q.tests) and all(execute.passed(public.nb.cells[i]) for i in tests):
            return q, a, code, sum(float(nbm.nbgrader(source.cells[i])["points"]) for i in failed)
    pytest.fail("no recorded mistake passes every public test and costs only its own question")
