"""The package's shape, as ARCHITECTURE.md draws it: rooms that import only downwards, the answer key
out of every learner-facing room's imports, files and functions a reader can hold in mind, and a
docstring in every package saying what it owns."""

import ast
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "src" / "kynangso"
# each room, and the rooms it may import (besides itself)
MAY_IMPORT = {
    "library": set(),
    "key": {"library"},
    "authoring": {"library"},
    "grading": {"library", "authoring"},
    "cohorts": {"library", "authoring", "grading"},
    "reports": {"library", "authoring", "cohorts"},
    "hub": {"library", "authoring", "cohorts"},
    "front": {"library", "authoring", "grading", "cohorts", "reports", "hub"},
}
ROOMS = {"key", "authoring", "grading", "cohorts", "reports", "hub"}
FRONT = {"cli", "demo"}
MAX_LINES, MAX_FUNCTION = 400, 80
SIZE_REASON = re.compile(r"^# size: \S")  # a module longer than MAX_LINES says why, in its first lines
LONG_REASON = re.compile(r"# long: \S")  # a function longer than MAX_FUNCTION says why, on or above its def


def modules():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def dotted(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def room_of(parts: list[str]) -> str:
    """parts: a dotted name split, starting with 'kynangso'."""
    if len(parts) < 2:
        return "library"
    if parts[1] in ROOMS:
        return parts[1]
    return "front" if parts[1] in FRONT else "library"


def imported(path: Path):
    """Every kynangso module a file imports (at any depth of its code), as dotted parts."""
    here = dotted(path)
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kynangso":
                    yield node.lineno, alias.name.split(".")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif (node.module or "").split(".")[0] == "kynangso":
                base = node.module.split(".")
            else:
                continue
            if node.module is None or base == ["kynangso"]:
                for alias in node.names:  # from . import x: x may be a module
                    yield node.lineno, [*base, alias.name]
            else:
                yield node.lineno, base


def test_rooms_import_only_downwards():
    wrong = []
    for path in modules():
        mine = room_of(dotted(path))
        for line, target in imported(path):
            theirs = room_of(target)
            if theirs != mine and theirs not in MAY_IMPORT[mine]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} ({mine}) imports {'.'.join(target)} ({theirs})")
    assert wrong == []


def test_the_import_checker_sees_a_wrong_import(tmp_path):
    """The rule above can fail: a learners'-library file importing the grader is caught."""
    bad = PACKAGE / "data" / "_probe_wrong_import.py"
    bad.write_text("from ..grading import pool\n", encoding="utf-8")
    try:
        found = [(room_of(dotted(bad)), room_of(t)) for _, t in imported(bad)]
    finally:
        bad.unlink()
    assert found == [("library", "grading")] and "grading" not in MAY_IMPORT["library"]


def test_no_learner_facing_room_imports_the_answer_key():
    for path in modules():
        if room_of(dotted(path)) in ("library", "authoring", "grading", "cohorts", "reports"):
            assert not [t for _, t in imported(path) if room_of(t) == "key"], path


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_files_and_functions_are_short_or_say_why(path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        assert any(SIZE_REASON.match(line) for line in lines[:30]), f"{len(lines)} lines and no '# size:' reason"
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            if length > MAX_FUNCTION:
                near = "\n".join(lines[max(0, first - 3) : node.lineno])
                assert LONG_REASON.search(near), f"{node.name}: {length} lines and no '# long:' reason"


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("__init__.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_package_says_what_it_owns(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc) > 80, "a package's docstring says what it owns and what it may import"


def test_no_comment_cites_an_issue_or_a_document_outside_the_repository():
    cites = re.compile(r"\(issue \d+\)|issue #?\d+|\.\./shared/|NBGRADER-NOTES|DOMAIN\.md|HUB-NOTES")
    found = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in [*modules(), ROOT / "pyproject.toml"]
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if cites.search(line)
    ]
    assert found == []


def test_the_wheel_holds_no_test_fixture():
    assert not (PACKAGE / "fakecohort.py").exists()
    assert not [p for p in modules() if p.name.startswith("test_") or "fixture" in p.name]
