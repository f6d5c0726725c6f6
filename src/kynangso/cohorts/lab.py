"""`kynangso lab`: open JupyterLab on a cohort's released modules, for an official."""

from __future__ import annotations

import shutil
import subprocess
import sys

from . import course
from .. import paths


def add_arguments(p) -> None:
    p.add_argument("name", help="cohort name")
    p.add_argument("--port", type=int, default=8888)
    p.add_argument("--dry-run", action="store_true", help="prepare the work folder and print the command only")


def run(args) -> int:
    root = course.course_root(args.name, create=False)
    release = root / "release"
    if not release.is_dir():
        print(f"Lớp {args.name} chưa có mô-đun nào được phát hành: chạy `kynangso build --cohort {args.name}`.")
        return 2
    work = root / "work"
    for module in sorted(p for p in release.iterdir() if p.is_dir()):
        if not (work / module.name).exists():  # never overwrite an official's work
            shutil.copytree(module, work / module.name)
    cmd = [sys.executable, "-m", "jupyterlab", f"--notebook-dir={work}", "--ip=127.0.0.1", f"--port={args.port}"]
    print(f"Thư mục làm bài: {work}")
    print(" ".join(cmd))
    if args.dry_run:
        return 0
    return subprocess.call(cmd, env=paths.tool_env())
