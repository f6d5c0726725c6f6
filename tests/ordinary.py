"""An instructor who is not root, for tests that grade as one: a user of the machine with a home of
their own and their own Python environment, running `kynangso` in a subprocess.

Run as root (CI), the tests make a system user `kns-giangvien` (a home under /home) and a venv for
them on the same CPython as the tests run on: root's own Python often lives in a home only root can
enter, so its runtime (without its packages) is copied once to /opt, where every user can run it
(Debian's python3.11 is 3.11.2, too old for the regular expressions soupsieve uses). The venv
reaches the project's installed packages through a .pth file instead of a network install. Run as
an ordinary user, the tests use that user as they are.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

from kynangso.hub import env

from conftest import ROOT

USER = "kns-giangvien"


@dataclass
class Instructor:
    name: str
    uid: int
    gid: int
    home: Path
    python: Path  # their venv's interpreter

    def own(self, path: Path) -> None:
        """Give `path` (a cohort, a folder of submissions) to the instructor."""
        if os.geteuid() == 0:
            subprocess.run(["chown", "-R", f"{self.uid}:{self.gid}", str(path)], check=True)

    def env(self, cohorts: Path) -> dict:
        return {
            "PATH": f"{self.python.parent}:/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "KYNANGSO_COHORTS": str(cohorts),
            "KYNANGSO_HOME": str(ROOT),
            "PYTHONUTF8": "1",
            # the project's packages come through a .pth file; their data (nbconvert's templates) too
            "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
            "LD_LIBRARY_PATH": str(Path(os.path.realpath(self.python)).parent.parent / "lib"),
        }

    def kynangso(self, *argv, cohorts: Path, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run `kynangso ARGV` as the instructor, in their home."""
        cmd = [str(self.python), "-m", "kynangso.cli", *map(str, argv)]
        if os.geteuid() == 0:
            cmd = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", *cmd]
        return subprocess.run(
            cmd, env=self.env(cohorts), cwd=self.home, capture_output=True, text=True, timeout=timeout
        )


def workspace(name: str) -> Path:
    """A fresh folder the instructor can reach (pytest's own folders are only the test runner's),
    given to them with `Instructor.own` once filled."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix=f"kns-{name}-"))
    path.chmod(0o755)
    return path


def _make_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--create-home",
                "--home-dir",
                f"/home/{USER}",
                "--shell",
                "/usr/sbin/nologin",
                USER,
            ],
            check=True,
        )
        return pwd.getpwnam(USER)


def _python() -> Path:
    """A Python every user can run, the same CPython as the tests' (the hub's: kynangso.hub.env)."""
    v = sys.version_info
    return env.runtime() / "bin" / f"python{v.major}.{v.minor}"


def _make_venv(home: Path, uid: int, gid: int) -> Path:
    """A venv whose site-packages reach this project's packages and source."""
    venv = home / "venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([str(_python()), "-m", "venv", "--without-pip", str(venv)], check=True, env=_runtime_env())
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "kynangso-project.pth").write_text(
        f"{sysconfig.get_paths()['purelib']}\n{ROOT / 'src'}\n", encoding="utf-8"
    )
    # nbgrader runs `alembic` from PATH when it makes a gradebook
    alembic = venv / "bin" / "alembic"
    alembic.write_text(f"#!{venv / 'bin' / 'python'}\nfrom alembic.config import main\nmain()\n", encoding="utf-8")
    alembic.chmod(0o755)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", f"{uid}:{gid}", str(venv)], check=True)
    return venv / "bin" / "python"


def _runtime_env() -> dict:
    return {**os.environ, **env.runtime_env()}


def instructor(tmp_home: Path) -> Instructor:
    """The ordinary instructor: made when the tests run as root (their home under /home), else the
    user running the tests, with `tmp_home` as their home."""
    if sys.platform != "linux" or not shutil.which("setpriv"):
        pytest.skip("an ordinary instructor needs Linux and setpriv")
    if os.geteuid() == 0:
        user = _make_user()
        home, uid, gid = Path(user.pw_dir), user.pw_uid, user.pw_gid
    else:
        home, uid, gid = tmp_home, os.getuid(), os.getgid()
        home.mkdir(parents=True, exist_ok=True)
    return Instructor(
        USER if os.geteuid() == 0 else pwd.getpwuid(uid).pw_name, uid, gid, home, _make_venv(home, uid, gid)
    )
