"""The course manifest and the notebooks folder agree."""

from kynangso.authoring import manifest
from kynangso import paths
from kynangso.authoring import notebook as nbm


def test_module_folders_and_manifest_agree():
    m = manifest.load()
    ids = [mod.id for mod in m.modules]
    assert ids == ["00-lam-quen", "01-thu-dien-tu", "02-chu-ky-so", "03-dich-vu-cong", "04-phan-tich-du-lieu"]
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
        assert set(mod.questions) == asked, f"{mod.id}: unmapped {sorted(asked - set(mod.questions))}, " \
                                            f"unknown {sorted(set(mod.questions) - asked)}"
        for q, code in mod.questions.items():
            assert code in m.competences, f"{mod.id} {q}: {code} is not a DigComp 2.2 competence"
            assert code in mod.competences, f"{mod.id} {q}: {code} is not among the module's competences"
        auto = {q.id for p in nbm.graded_notebooks(mod.source) for q in nbm.questions(nbm.read(p)).values()
                if q.autograded}
        unmeasured = set(mod.competences) - {c for q, c in mod.questions.items() if q in auto}
        assert not unmeasured, f"{mod.id} names competences no autograded question measures: {sorted(unmeasured)}"
