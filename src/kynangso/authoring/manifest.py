"""The course manifest (course/manifest.yml): the course's id and title, its modules in order with
what each trains (objectives, DigComp competences, the competence of each question), its points, and
the library modules its learners must write themselves (`withheld`).

`load()` reads the file; a file a trainer broke raises ManifestError, and asking for a module the
manifest does not list raises UnknownModule, both with a Vietnamese message that says what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import messages, paths


class ManifestError(ValueError):
    """course/manifest.yml cannot be read: its message says where and what to fix."""


class UnknownModule(KeyError):
    """A module id the manifest does not list (a KeyError, so callers may treat it as a missing key)."""

    def __str__(self) -> str:  # KeyError's own quotes the message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    objectives: list[str]
    duration_minutes: int
    points: float
    competences: list[str]
    status: str = "ready"
    questions: dict[str, str] = field(default_factory=dict)  # question id (q1...) -> DigComp code
    # library modules a learner's kernel may not import while this module is graded: its questions
    # are to write their functions (the trusted runner, which runs the hidden tests, still can)
    withheld: tuple[str, ...] = ()
    # what a grading run prepares once for this module's kernels (kynangso.grading.resources.RESOURCES)
    resources: tuple[str, ...] = ()

    @property
    def source(self) -> Path:
        """notebooks/<id>/: the module's source notebooks, and its nbgrader assignment."""
        return paths.notebooks_dir() / self.id

    @property
    def ready(self) -> bool:
        """Built, checked and released (status "ready"), not only planned."""
        return self.status == "ready"


@dataclass(frozen=True)
class Manifest:
    course_id: str
    title: str
    modules: list[Module]
    competences: dict[str, dict] = field(default_factory=dict)  # DigComp 2.2 code -> {vi, en}

    def module(self, module_id: str) -> Module:
        """The module `module_id`; UnknownModule when the manifest does not list it."""
        for m in self.modules:
            if m.id == module_id:
                return m
        known = ", ".join(m.id for m in self.modules)
        raise UnknownModule(messages.text("authoring.manifest.unknown_module", module=module_id, known=known))

    def ready_modules(self) -> list[Module]:
        return [m for m in self.modules if m.ready]


def selected(ids: list[str] | None) -> list[Module]:
    """The modules `ids` (UnknownModule for one the manifest does not list), or every ready module."""
    m = load()
    return [m.module(i) for i in ids] if ids else m.ready_modules()


def manifest_path() -> Path:
    return paths.course_dir() / "manifest.yml"


def _number(raw: dict, key: str, kind, path: Path):
    try:
        return kind(raw.get(key, 0))
    except (TypeError, ValueError):
        raise ManifestError(
            messages.text(
                "authoring.manifest.not_a_number", path=path, module=raw.get("id"), field=key, value=raw.get(key)
            )
        ) from None


def _module(raw: dict, number: int, path: Path) -> Module:
    for key in ("id", "title"):
        if not isinstance(raw, dict) or key not in raw:
            raise ManifestError(
                messages.text("authoring.manifest.missing_module_field", path=path, number=number, field=key)
            )
    return Module(
        id=str(raw["id"]),
        title=str(raw["title"]),
        objectives=list(raw.get("objectives", [])),
        duration_minutes=_number(raw, "duration_minutes", int, path),
        points=_number(raw, "points", float, path),
        competences=[str(c) for c in raw.get("competences", [])],
        status=raw.get("status", "ready"),
        questions={str(q): str(c) for q, c in (raw.get("questions") or {}).items()},
        withheld=tuple(str(w) for w in raw.get("withheld") or ()),
        resources=tuple(str(r) for r in raw.get("resources") or ()),
    )


def load(path: Path | None = None) -> Manifest:
    """The manifest at `path` (default: course/manifest.yml); ManifestError if it cannot be read."""
    path = path or manifest_path()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ManifestError(
            messages.text(
                "authoring.manifest.bad_yaml",
                path=path,
                line=mark.line + 1 if mark else "?",
                column=mark.column + 1 if mark else "?",
            )
        ) from None
    for key in ("course_id", "title", "modules"):
        if not isinstance(raw, dict) or key not in raw:
            raise ManifestError(messages.text("authoring.manifest.missing_field", path=path, field=key))
    return Manifest(
        course_id=raw["course_id"],
        title=raw["title"],
        modules=[_module(m, n, path) for n, m in enumerate(raw["modules"] or [], start=1)],
        competences={str(k): v for k, v in (raw.get("competences") or {}).items()},
    )
