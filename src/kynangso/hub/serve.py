"""`kynangso hub <cohort>`: prepare the cohort's people, exchange and settings, then run JupyterHub
until Ctrl-C. Needs root (a system user per official); the instructor's work (grade, feedback,
Formgrader) is then done as the instructor's own user."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .. import messages
from ..cohorts import course, exchange, roster
from . import accounts, config, env

DEFAULT_INSTRUCTOR = "giangvien"


@dataclass
class Hub:
    root: Path
    learners: list[str]
    instructor: str
    passwords: dict[str, str]
    warnings: list[str]


def _as_user(user, root: Path, *argv: str) -> subprocess.CompletedProcess:
    """Run a Python module (nbgrader) as `user` in the cohort folder, with the shared Python."""
    python = env.venv("instructor") / "bin" / "python"
    cmd = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", str(python), *argv]
    run_env = {**env.server_env("instructor"), "HOME": user.pw_dir, "KYNANGSO_COHORTS": str(root.parent)}
    return subprocess.run(cmd, cwd=root, env=run_env, capture_output=True, text=True)


def _own_exchange(root: Path, cohort: str, teacher) -> Path:
    """The exchange outside the cohort (cohort/exchange links to it), the instructor's."""
    ex = config.exchange_root(cohort)
    ex.mkdir(parents=True, exist_ok=True)
    ex.parent.chmod(0o755)
    os.chown(ex, teacher.pw_uid, teacher.pw_gid)
    # nbgrader refuses an exchange its users cannot write (Exchange.ensure_root); the sticky bit keeps
    # each from renaming or deleting what another made. The course's folder in it stays the
    # instructor's: outbound readable, inbound writable but not listable (nbgrader's own modes).
    ex.chmod(0o1777)
    link = root / "exchange"
    if link.is_symlink() or not link.exists():
        link.unlink(missing_ok=True)
    else:
        for item in link.iterdir():
            shutil.move(str(item), ex / item.name)
        link.rmdir()
    link.symlink_to(ex)
    return ex


def prepare(cohort: str, instructor: str = DEFAULT_INSTRUCTOR, renew: bool = False) -> Hub:
    """Everything the hub needs, made or brought up to date (idempotent): the users and their
    homes, passwords, the exchange, the cohort given to its instructor, released modules put in
    the exchange."""
    root = course.course_root(cohort, create=False)
    people = roster.roster(root)
    if not people:
        raise messages.Refusal(messages.text("hub.no_officials", name=cohort))
    teacher = accounts.ensure_user(instructor)
    for p in people:
        accounts.learner_home(accounts.ensure_user(p["ma_can_bo"]))
    accounts.instructor_home(teacher, root)
    logins = [(p["ma_can_bo"], p["ho_ten"]) for p in people] + [(instructor, messages.text("hub.instructor_name"))]
    pw = accounts.passwords(root, logins, teacher, renew)
    accounts.set_passwords(pw)
    _own_exchange(root, cohort, teacher)
    subprocess.run(["chown", "-R", f"{teacher.pw_uid}:{teacher.pw_gid}", str(root)], check=True)
    root.chmod(0o700)  # the gradebook, the submissions and the sources' copies are the instructor's
    config.nbgrader_for_all(cohort)
    release = root / "release"
    for module in sorted(p.name for p in release.iterdir() if p.is_dir()) if release.is_dir() else []:
        if module not in exchange.released(root):
            proc = _as_user(teacher, root, "-m", "nbgrader", "release_assignment", module, "--force")
            if proc.returncode != 0:
                raise messages.Refusal(messages.text("hub.release_failed", module=module, detail=proc.stderr[-800:]))
    from .. import paths

    warnings = []
    if paths.notebooks_dir().stat().st_mode & 0o004 and env.reachable(paths.notebooks_dir()):
        # officials' servers are their own users' processes: they can read what every user can
        warnings.append(messages.text("hub.sources_readable", path=paths.notebooks_dir()))
    return Hub(root, [p["ma_can_bo"] for p in people], instructor, pw, warnings)


def start(cohort: str, hub: Hub, port: int, extra: str = "") -> tuple[subprocess.Popen, str]:
    """JupyterHub running for the cohort (its URL); the caller stops it (`stop`). `extra`: lines
    added to its configuration (config.write)."""
    if not config.proxy_command():
        raise messages.Refusal(messages.text("hub.no_proxy"))
    cfg = config.write(cohort, port, hub.learners, hub.instructor, extra, root=hub.root)
    log = open(cfg.parent / "jupyterhub.log", "ab")  # noqa: SIM115 - kept open for the hub's life
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(cfg)],
        cwd=cfg.parent,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"},
        start_new_session=True,
    )
    log.close()
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_ready(proc, url, cfg.parent / "jupyterhub.log")
    except BaseException:
        stop(proc)
        raise
    return proc, url


def _wait_ready(proc: subprocess.Popen, url: str, log: Path, timeout: float = 90) -> None:
    """Return once the hub answers on `url`; a hub that exits or never answers is said in Vietnamese."""
    import time
    import urllib.request

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url + "hub/api/", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    tail = log.read_text(encoding="utf-8", errors="replace")[-1500:] if log.is_file() else ""
    raise messages.Refusal(messages.text("hub.not_started", log=log, tail=tail))


def stop(proc: subprocess.Popen) -> None:
    """Stop the hub and what it started (the proxy, the users' servers)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("cohorts.metavar.name"), help=t("cohorts.arg.name"))
    p.add_argument("--port", type=int, default=8000, metavar=t("hub.metavar.port"), help=t("hub.arg.port"))
    p.add_argument(
        "--instructor", default=DEFAULT_INSTRUCTOR, metavar=t("hub.metavar.instructor"), help=t("hub.arg.instructor")
    )
    p.add_argument("--new-passwords", action="store_true", help=t("hub.arg.new_passwords"))


def run(args) -> int:
    t = messages.text
    if os.geteuid() != 0:
        print(t("hub.needs_root"), file=sys.stderr)
        return 2
    if not shutil.which("setpriv") or not shutil.which("useradd"):
        print(t("hub.needs_tools"), file=sys.stderr)
        return 2
    # systemd stops a service with SIGTERM: stop the hub and its servers as Ctrl-C does (the hub runs
    # in a session of its own, so it would outlive this process otherwise)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    hub = prepare(args.name, args.instructor, args.new_passwords)
    proc, url = start(args.name, hub, args.port)
    for line in hub.warnings:
        print(line, file=sys.stderr)
    print(t("hub.started", url=url, count=len(hub.learners), passwords=hub.root / accounts.PASSWORDS))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        print(t("hub.stopping"), file=sys.stderr)
        return 0
    finally:
        stop(proc)
