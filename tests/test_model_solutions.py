"""A class, not one notebook: officials each submitting every module's model solution, graded in
one `kynangso grade` run, all get full autograded marks, and no worker's descriptors, threads or
memory grow with the submissions it grades.

The class size is KYNANGSO_CLASS_SIZE (default 12: 30 notebooks per worker on this 2-core machine);
the figure the course promises is 30 (`KYNANGSO_CLASS_SIZE=30 pytest tests/test_model_solutions.py`).
"""

import os
import re
from collections import defaultdict

import pytest

from kynangso import cli
from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm
from kynangso.cohorts import course, roster, simulate

from scenarios import WHEN, write_roster

CLASS_SIZE = int(os.environ.get("KYNANGSO_CLASS_SIZE", "12"))
USAGE = re.compile(r"worker after this job: pid=(\d+) fds=(\d+) threads=(\d+) rss_mb=([\d.]+)")


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("class")
    mp.setenv("KYNANGSO_COHORTS", str(tmp / "cohorts"))
    students = [f"cb{i:04d}" for i in range(1, CLASS_SIZE + 1)]
    root = roster.create("lop", write_roster(tmp / "roster.csv", students))
    modules = manifest.load().ready_modules()
    for m in modules:
        assert course.run(root, "generate_assignment", m.id, "--force").returncode == 0
        notebooks = {}
        for path in nbm.graded_notebooks(m.source):
            source = nbm.read(path)
            notebooks[path.name] = simulate.fill(
                nbm.read(root / "release" / m.id / path.name), source, simulate.solutions(source)
            )
        for s in students:
            simulate.write_submission(root, s, m.id, notebooks, WHEN)
    assert cli.main(["grade", "lop", "--no-progress"]) == 0
    yield root, modules, students
    mp.undo()


def test_every_model_solution_gets_every_autograded_point(graded_class):
    root, modules, students = graded_class
    lost = []
    with course.gradebook(root) as gb:
        for m in modules:
            subs = {s.student.id: s for s in gb.assignment_submissions(m.id)}
            assert sorted(subs) == students
            for student, sub in subs.items():
                for nb in sub.notebooks:
                    lost += [
                        (m.id, student, g.name)
                        for g in nb.grades
                        if g.auto_score is not None and g.auto_score < g.max_score
                    ]
    assert lost == []


def test_no_worker_grows_with_the_submissions_it_grades(graded_class):
    root, modules, students = graded_class
    per_worker = defaultdict(list)
    for log in sorted((root / "logs" / "grade").glob("*/*.log"), key=lambda p: p.stat().st_mtime_ns):
        m = USAGE.search(log.read_text(encoding="utf-8"))
        pid, fds, threads, rss = int(m[1]), int(m[2]), int(m[3]), float(m[4])
        per_worker[pid].append((fds, threads, rss))
    assert sum(map(len, per_worker.values())) == len(modules) * len(students)
    for pid, seen in per_worker.items():
        assert len(seen) >= 10, "each worker must grade many submissions for this to mean anything"
        first = seen[0]
        assert max(s[0] for s in seen) == first[0], f"descriptors grow in worker {pid}: {seen}"
        assert max(s[1] for s in seen) == first[1], f"threads grow in worker {pid}: {seen}"
        # later modules import more (pyHanko, openpyxl): memory may step up, never grow per notebook
        assert seen[-1][2] < first[2] + 60, f"memory grows in worker {pid}: {seen}"
