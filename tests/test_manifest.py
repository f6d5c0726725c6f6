"""The course manifest and the notebooks folder agree; a manifest a trainer broke is said in Vietnamese."""

import re

import pytest

from kynangso import paths
from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm


def test_module_folders_and_manifest_agree():
    m = manifest.load()
    ids = [mod.id for mod in m.modules]
    assert ids == [
        "00-lam-quen",
        "00b-lap-trinh-co-ban",  # between 00 and 01: released ids are never renamed (cohorts hold them)
        "01-thu-dien-tu",
        "02-chu-ky-so",
        "03-dich-vu-cong",
        "04-phan-tich-du-lieu",
    ]
    # nbgrader lists assignments, and the report any module the manifest lost, by id: the same order
    assert ids == sorted(ids)
    folders = {p.name for p in paths.notebooks_dir().iterdir() if p.is_dir()}
    assert {mod.id for mod in m.ready_modules()} == folders


def test_ready_modules_are_complete():
    m = manifest.load()
    for mod in m.ready_modules():
        assert mod.title and mod.objectives and mod.duration_minutes > 0
        assert all(c in m.competences for c in mod.competences), mod.competences
        total = sum(nbm.total_points(nbm.read(p)) for p in mod.source.glob("*.ipynb"))
        assert total == mod.points


def test_competences_are_digcomp_22():
    m = manifest.load()
    assert len(m.competences) == 21
    assert sorted(m.competences)[0] == "1.1" and sorted(m.competences)[-1] == "5.4"


def test_readme_lists_every_ready_module_with_its_points():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for mod in manifest.load().ready_modules():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{mod.id}` |")), None)
        assert row, f"README.md does not list {mod.id}"
        assert row.rstrip(" |").endswith(f"{mod.points:g}"), f"README.md states other points for {mod.id}"


def test_every_question_is_mapped_to_one_of_its_modules_competences():
    """The report measures mastery per competence through this map: a question left out would vanish."""
    m = manifest.load()
    for mod in m.ready_modules():
        asked = {q for p in nbm.graded_notebooks(mod.source) for q in nbm.questions(nbm.read(p))}
        assert asked, mod.id
        assert set(mod.questions) == asked, (
            f"{mod.id}: unmapped {sorted(asked - set(mod.questions))}, unknown {sorted(set(mod.questions) - asked)}"
        )
        for q, code in mod.questions.items():
            assert code in m.competences, f"{mod.id} {q}: {code} is not a DigComp 2.2 competence"
            assert code in mod.competences, f"{mod.id} {q}: {code} is not among the module's competences"
        auto = {
            q.id for p in nbm.graded_notebooks(mod.source) for q in nbm.questions(nbm.read(p)).values() if q.autograded
        }
        unmeasured = set(mod.competences) - {c for q, c in mod.questions.items() if q in auto}
        assert not unmeasured, f"{mod.id} names competences no autograded question measures: {sorted(unmeasured)}"


def test_an_unknown_module_or_a_broken_manifest_is_said_in_vietnamese(tmp_path):
    with pytest.raises(KeyError) as exc:
        manifest.load().module("99-khong-co")
    assert str(exc.value).startswith('không có mô-đun "99-khong-co" trong course/manifest.yml')
    broken = tmp_path / "manifest.yml"
    for text, said in [
        ("course_id: x\ntitle: [y\n", "sai cú pháp YAML ở dòng"),
        ("course_id: x\ntitle: y\n", 'thiếu trường "modules"'),
        ("course_id: x\ntitle: y\nmodules:\n  - id: 05-a\n", 'mô-đun thứ 1 thiếu trường "title"'),
        (
            "course_id: x\ntitle: y\nmodules:\n  - {id: 05-a, title: A, points: mười}\n",
            'trường "points" phải là một số, đang là "mười"',
        ),
    ]:
        broken.write_text(text, encoding="utf-8")
        with pytest.raises(manifest.ManifestError, match=re.escape(said)):
            manifest.load(broken)


def test_grading_resources_are_declared_and_known():
    """A module whose notebooks build the training PKI or sign PDFs declares what the grader must
    prepare once per run; every declared resource is one the grader knows."""
    from kynangso.grading.resources import RESOURCES

    for m in manifest.load().modules:
        assert set(m.resources) <= set(RESOURCES), m.id
        text = "".join(p.read_text(encoding="utf-8") for p in m.source.glob("*.ipynb")) if m.source.is_dir() else ""
        if "TrainingPKI" in text:
            assert "training_pki" in m.resources, m.id
        if "sign_pdf" in text or "kynangso.signing" in text:
            assert "pdf_font" in m.resources, m.id
