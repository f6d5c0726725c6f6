"""The Python every user of the hub runs: officials' and the instructor's Jupyter servers are
processes of their own system users, so their interpreter, its standard library and the course's
packages must be readable by all. This one is used when it is; when it lives where others cannot go
(a Python under root's home, as pyenv installs it), its runtime is copied once to /opt and a venv
there reaches this environment's packages through a .pth file (no second install).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from functools import cache, lru_cache
from pathlib import Path


def _shared() -> Path:
    """Where the shared venv lives: one per environment of the course (two clones do not share one)."""
    import hashlib

    tag = hashlib.sha256(sys.prefix.encode()).hexdigest()[:8]
    return Path(os.environ.get("KYNANGSO_HUB_PREFIX") or f"/opt/kynangso-hub-{tag}")


SHARED = _shared()


def reachable(path: Path) -> bool:
    """Whether every user can reach `path` (each folder on the way can be entered by others)."""
    path = path.resolve()
    return all(p.stat().st_mode & 0o001 for p in [path, *path.parents] if p.is_dir())


def runtime() -> Path:
    """The folder of a CPython runtime every user can run: this one's, or its copy in /opt."""
    base = Path(sys.base_prefix).resolve()
    if reachable(base):
        return base
    v = sys.version_info
    copy = Path("/opt") / f"kns-python-{v.major}.{v.minor}.{v.micro}"
    if not (copy / "bin" / f"python{v.major}.{v.minor}").exists():
        tmp = copy.with_name(copy.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.copytree(base, tmp, symlinks=True, ignore=shutil.ignore_patterns("site-packages", "test", "__pycache__"))
        tmp.rename(copy)
    return copy


def runtime_env() -> dict[str, str]:
    """What the runtime needs to find its own library (a copy's RUNPATH still names the original)."""
    return {"LD_LIBRARY_PATH": str(runtime() / "lib")}


ROLES = ("learner", "instructor")


@lru_cache(maxsize=1)
def learner_tree() -> Path:
    """What officials' servers import and read: a copy of the package without the answer key
    (kynangso.key) and of the data sets without theirs (datasets/dap-an), refreshed each start."""
    from .. import paths

    out = SHARED / "learner"
    tmp = SHARED / "learner.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(
        paths.package_dir(),
        tmp / "kynangso",
        ignore=lambda d, names: [*skip(d, names), *(["key"] if Path(d) == paths.package_dir() else [])],
    )
    shutil.copytree(
        paths.datasets_dir(),
        tmp / "datasets",
        ignore=lambda d, names: [*skip(d, names), *(["dap-an"] if Path(d) == paths.datasets_dir() else [])],
    )
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    for d, _dirs, files in os.walk(out):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    return out


@cache
def venv(role: str = "learner") -> Path:
    """The shared venv of a role (made when missing, brought up to date once per process): this environment's third-party packages, and
    for officials the learners' copy of the package (learner_tree), for the instructor the course's
    own (with the answer key the grader needs)."""
    folder = SHARED / f"venv-{role}"
    python = folder / "bin" / "python"
    if not python.exists():
        v = sys.version_info
        exe = runtime() / "bin" / f"python{v.major}.{v.minor}"
        env = {**os.environ, **runtime_env()}
        subprocess.run([str(exe), "-m", "venv", "--without-pip", str(folder)], check=True, env=env)
    site = next((folder / "lib").glob("python3*/site-packages"))
    # the package's folder is named: a .pth inside a folder that a .pth added is not read, and an
    # editable install is one
    package = learner_tree() if role == "learner" else Path(__file__).resolve().parents[2]
    (site / "kynangso-project.pth").write_text(f"{package}\n{sysconfig.get_paths()['purelib']}\n", encoding="utf-8")
    for tool in ("nbgrader", "alembic", "jupyter"):  # the commands nbgrader and Jupyter call by name
        script = folder / "bin" / tool
        module = {"nbgrader": "nbgrader", "alembic": "alembic.config", "jupyter": "jupyter_core.command"}[tool]
        script.write_text(f"#!{python}\nfrom {module} import main\nmain()\n", encoding="utf-8")
        script.chmod(0o755)
    for p in [SHARED, folder]:
        p.chmod(0o755)
    return folder


def server_env(role: str = "learner") -> dict[str, str]:
    """The environment of a role's Jupyter servers (and of the instructor's commands)."""
    share = Path(sys.prefix) / "share" / "jupyter"
    out = {
        **runtime_env(),
        "PATH": f"{venv(role) / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_PATH": str(share),  # the extensions (nbgrader's, the language pack) installed here
        # the servers' extensions (JupyterLab, nbgrader) are enabled in this environment's etc/jupyter;
        # the shared venv's own etc/jupyter holds the nbgrader settings of the hub (config.nbgrader_for_all)
        "JUPYTER_CONFIG_PATH": f"{venv(role) / 'etc' / 'jupyter'}:{Path(sys.prefix) / 'etc' / 'jupyter'}",
        "JUPYTERLAB_DIR": str(share / "lab"),
        "LANG": "C.UTF-8",
        "PYTHONUTF8": "1",
    }
    if role == "learner":
        out["KYNANGSO_DATA"] = str(SHARED / "learner" / "datasets")
    return out
