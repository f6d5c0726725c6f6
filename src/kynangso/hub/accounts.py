"""The hub's people as system users: one per official of the roster (login = ma_can_bo) and the
cohort's instructor, each with a home of their own and a generated password (set with chpasswd,
checked by PAM, handed out from a file only the instructor can read). Their Jupyter settings are
written into their homes: Vietnamese by default, no news pop-ups, nbgrader's instructor parts
(Create Assignment, Formgrader) hidden from officials, Formgrader allowed in a frame for the
instructor (JupyterHub's default policy blocks it)."""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import secrets
import subprocess
from pathlib import Path

PASSWORDS = "mat-khau-hub.csv"  # in the cohort folder, mode 0600, the instructor's
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud or copied from paper
LEARNER_HIDDEN = {
    "@jupyter/nbgrader:create-assignment": True,
    "@jupyter/nbgrader:formgrader": True,
    "@jupyter/nbgrader:course-list": True,
}


def new_password() -> str:
    """Three groups of four letters and digits (about 64 bits), easy to type from a printed list."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(4)) for _ in range(3))


def ensure_user(name: str) -> pwd.struct_passwd:
    """The system user `name`, made (with a home, no login shell) when missing."""
    try:
        return pwd.getpwnam(name)
    except KeyError:
        subprocess.run(
            ["useradd", "--create-home", "--shell", "/usr/sbin/nologin", "--user-group", name],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(name)


def set_passwords(passwords: dict[str, str]) -> None:
    """Set each user's password (one chpasswd for all)."""
    text = "".join(f"{user}:{pw}\n" for user, pw in passwords.items())
    subprocess.run(["chpasswd"], input=text, text=True, check=True, capture_output=True)


def _write(user: pwd.struct_passwd, rel: str, text: str) -> None:
    """Write a file into the user's home, theirs."""
    path = Path(user.pw_dir) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    for p in [path, *path.relative_to(user.pw_dir).parents]:
        target = Path(user.pw_dir) / p
        os.chown(target, user.pw_uid, user.pw_gid)


def lab_settings(user: pwd.struct_passwd) -> None:
    """Vietnamese JupyterLab, no news or update checks (officials' PCs reach no internet)."""
    settings = Path(".jupyter/lab/user-settings/@jupyterlab")
    _write(user, str(settings / "translation-extension/plugin.jupyterlab-settings"), json.dumps({"locale": "vi_VN"}))
    _write(
        user,
        str(settings / "apputils-extension/notification.jupyterlab-settings"),
        json.dumps({"fetchNews": "false", "checkForUpdates": False}),
    )


def learner_home(user: pwd.struct_passwd) -> None:
    lab_settings(user)
    _write(user, ".jupyter/labconfig/page_config.json", json.dumps({"disabledExtensions": LEARNER_HIDDEN}))
    server = {
        "ServerApp": {"jpserver_extensions": {"nbgrader.server_extensions.formgrader": False}},
        # a kernel left idle for an hour is stopped (its notebook stays saved): 300 officials'
        # forgotten kernels would otherwise hold the server's memory all day
        "MappingKernelManager": {"cull_idle_timeout": 3600, "cull_interval": 300, "cull_connected": False},
    }
    _write(user, ".jupyter/jupyter_server_config.json", json.dumps(server))


def instructor_home(user: pwd.struct_passwd, root: Path) -> None:
    lab_settings(user)
    _write(
        user,
        ".jupyter/nbgrader_config.py",
        f"c = get_config()  # noqa: F821\nload_subconfig({str(root / 'nbgrader_config.py')!r})  # noqa: F821\n",
    )
    csp = {"ServerApp": {"tornado_settings": {"headers": {"Content-Security-Policy": "frame-ancestors 'self'"}}}}
    _write(user, ".jupyter/jupyter_server_config.json", json.dumps(csp))


def passwords(root: Path, people: list[tuple[str, str]], owner: pwd.struct_passwd, renew: bool = False) -> dict:
    """Each person's password: kept from the cohort's password file, new for those not in it (or
    for all, `renew`); the file is rewritten, readable by the instructor only."""
    path = root / PASSWORDS
    known = {}
    if path.is_file() and not renew:
        with path.open(encoding="utf-8", newline="") as f:
            known = {r["dang_nhap"]: r["mat_khau"] for r in csv.DictReader(f)}
    out = {login: known.get(login) or new_password() for login, _ in people}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["dang_nhap", "ho_ten", "mat_khau"])
    w.writerows([login, name, out[login]] for login, name in people)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(buf.getvalue())
    os.chmod(path, 0o600)
    os.chown(path, owner.pw_uid, owner.pw_gid)
    return out
