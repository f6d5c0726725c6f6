"""The course manifest (course/manifest.yml): modules in order, and what they train."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import paths


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

    @property
    def source(self) -> Path:
        return paths.notebooks_dir() / self.id

    @property
    def ready(self) -> bool:
        return self.status == "ready"


@dataclass(frozen=True)
class Manifest:
    course_id: str
    title: str
    modules: list[Module]
    competences: dict[str, dict] = field(default_factory=dict)

    def module(self, module_id: str) -> Module:
        for m in self.modules:
            if m.id == module_id:
                return m
        known = ", ".join(m.id for m in self.modules)
        raise KeyError(f"module {module_id!r} is not in the course manifest (known: {known})")

    def ready_modules(self) -> list[Module]:
        return [m for m in self.modules if m.ready]


def manifest_path() -> Path:
    return paths.course_dir() / "manifest.yml"


def load(path: Path | None = None) -> Manifest:
    raw = yaml.safe_load((path or manifest_path()).read_text(encoding="utf-8"))
    modules = [
        Module(
            id=m["id"],
            title=m["title"],
            objectives=list(m.get("objectives", [])),
            duration_minutes=int(m.get("duration_minutes", 0)),
            points=float(m.get("points", 0)),
            competences=[str(c) for c in m.get("competences", [])],
            status=m.get("status", "ready"),
            questions={str(q): str(c) for q, c in (m.get("questions") or {}).items()},
            withheld=tuple(str(w) for w in m.get("withheld") or ()),
        )
        for m in raw["modules"]
    ]
    return Manifest(
        course_id=raw["course_id"],
        title=raw["title"],
        modules=modules,
        competences={str(k): v for k, v in raw.get("competences", {}).items()},
    )
