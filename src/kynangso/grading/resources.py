"""What a grading run prepares once and what each kernel may see.

- `withheld(module)`: library modules a module's learners may not import (the manifest's `withheld:`);
- `kernel_resources(modules, folder)`: what the kernels of these modules share, made once per run,
  as the manifest declares (`resources:`, from the registry RESOURCES: a training key pool, a font);
- `sandbox_policy(root)` and `learner_private()`: the folders a sandboxed kernel must not see, those
  it gets back, and what only the trusted runner sees (the answer key).
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..authoring import manifest
from ..authoring.settings import CONFIG_FILE


@lru_cache(maxsize=64)
def withheld(module_id: str) -> tuple[str, ...]:
    try:
        return manifest.load().module(module_id).withheld
    except KeyError:
        return ()


def source_dir(root: Path) -> Path:
    """The course's source notebooks (with the hidden tests), as the cohort's configuration says."""
    from traitlets.config.loader import PyFileConfigLoader

    cfg = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config().CourseDirectory
    src = Path(str(cfg.get("source_directory", "source")))
    return src if src.is_absolute() else root / src


def _training_pki(folder: Path) -> tuple[dict, list[str]]:
    """A pool of RSA keys, so the course's training CA is the same in the learner's kernel and in
    the trusted runner (a learner's signed PDF then validates where the tests run)."""
    from .. import pki

    keys = str(pki.make_key_pool(folder / "keys"))
    return {pki.KEY_POOL_ENV: keys}, [keys]


def _pdf_font(folder: Path) -> tuple[dict, list[str]]:
    """pyHanko's rescaled font for signature stamps, made here once and not in every kernel (each
    sandboxed kernel has an empty /tmp)."""
    from .. import signing

    fonts = folder / "fonts"
    fonts.mkdir(mode=0o755, exist_ok=True)
    signing.make_font(fonts).chmod(0o644)
    return {signing.FONT_DIR_ENV: str(fonts)}, [str(fonts)]


# what a module may declare under `resources:` in course/manifest.yml -> how a run makes it
RESOURCES = {"training_pki": _training_pki, "pdf_font": _pdf_font}


def kernel_resources(modules, folder: Path) -> tuple[dict, list[str]]:
    """What the kernels of these modules (ids) share, made once per grading run in `folder`, as the
    manifest declares: the environment that points at it and the folders the sandbox must show
    them (read-only)."""
    course = {m.id: m for m in manifest.load().modules}
    wanted = sorted({r for m in set(modules) if m in course for r in course[m].resources})
    env, keep = {}, []
    for name in wanted:
        more_env, more_keep = RESOURCES[name](folder)
        env.update(more_env)
        keep += more_keep
    return env, keep


def sandbox_policy(root: Path) -> dict:
    """What a sandboxed kernel must not see (the course's sources with solutions and hidden tests,
    every cohort, the grader's home, /run where the grader's sockets live) and what it needs back
    from under those folders (the package, the data, the course's texts, Python itself)."""
    from . import sandbox

    hide = [paths.project_root(), paths.cohorts_dir(), root, Path.home(), Path("/run")]
    keep = [
        paths.package_dir().parent,
        paths.datasets_dir(),
        paths.course_dir(),
        Path(sys.prefix),
        *map(Path, sandbox.python_paths()),
        *importable(),
    ]
    return {"hide": [str(p) for p in hide], "keep": [str(p) for p in keep]}


def importable() -> list[Path]:
    """The folders Python imports from here (a venv's site-packages, PYTHONPATH), except the course's
    repository itself and its folders that hold answers (tests, notebooks, benchmarks, grading, git):
    kernels import from the same places."""
    project = paths.project_root().resolve()
    secret = [project / name for name in ("tests", "notebooks", "benchmarks", "grading", ".git")]
    found = []
    for entry in sys.path:
        path = Path(entry).resolve() if entry else None
        if path is None or not path.is_dir() or path == project:
            continue
        if not any(s == path or s in path.parents for s in secret):
            found.append(path)
    return found


def learner_private() -> list[str]:
    """What only the trusted runner may see of the package and the data: the answer key."""
    return [str(paths.package_dir() / "key"), str(paths.datasets_dir() / "dap-an")]
