"""`kynangso lab`: open JupyterLab on a cohort's released modules, for an official.

Each released module is copied once into cohorts/<name>/work/ (an official's work there is never
overwritten) and JupyterLab serves that folder on 127.0.0.1 only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from .. import messages, paths
from . import course

DEFAULT_PORT = 8888


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        metavar=t("cohorts.lab.metavar.port"),
        help=t("cohorts.lab.arg.port", default=DEFAULT_PORT),
    )
    p.add_argument("--dry-run", action="store_true", help=t("cohorts.lab.arg.dry_run"))


def run(args) -> int:
    root = course.existing(args.name)
    release = root / "release"
    if not release.is_dir():
        print(messages.text("cohorts.lab.not_released", name=args.name))
        return 2
    work = root / "work"
    for module in sorted(p for p in release.iterdir() if p.is_dir()):
        if not (work / module.name).exists():  # never overwrite an official's work
            shutil.copytree(module, work / module.name)
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={work}", "--ip=127.0.0.1", f"--port={args.port}"]
    print(messages.text("cohorts.lab.work_folder", folder=work))
    print(" ".join(cmd))
    if args.dry_run:
        return 0
    return subprocess.call(cmd, env=paths.tool_env())
