"""The hub's configuration, written at each start: JupyterHub's own (PAM logins, one server per
user spawned as that user, 127.0.0.1 only, nbgrader's groups) and the nbgrader settings every
user's server reads (the course and its exchange)."""

from __future__ import annotations

import os
import shutil
import socket
import sys
from pathlib import Path

from ..authoring.settings import settings
from . import env

SRV = Path("/srv/kynangso")
# the district's own additions to the hub's configuration (the idle culler, an HTTPS certificate,
# another authenticator): every *.py there is loaded after the course's lines, in name order
EXTRA = Path(os.environ.get("KYNANGSO_HUB_D") or "/etc/kynangso/hub.d")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def state_dir(cohort: str) -> Path:
    """The hub's own files (its database, cookie secret): root's only."""
    d = SRV / "hub" / cohort
    d.mkdir(parents=True, exist_ok=True)
    d.chmod(0o700)
    return d


def exchange_root(cohort: str) -> Path:
    """The cohort's nbgrader exchange, outside the cohort folder (which only its instructor reads)."""
    return SRV / "exchange" / cohort


def proxy_command() -> list[str]:
    """configurable-http-proxy (npm): on PATH, or where `make` installs it (.venv/node/)."""
    here = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"
    found = shutil.which("configurable-http-proxy") or (str(here) if here.exists() else None)
    return [found] if found else []


def nbgrader_for_all(cohort: str) -> Path:
    """What every user's server reads of nbgrader: the course and the exchange."""
    for role in env.ROLES:
        folder = env.venv(role) / "etc" / "jupyter"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "nbgrader_config.py"
        path.write_text(
            "# Written by `kynangso hub`: the course and its exchange, for every user's server.\n"
            "c = get_config()  # noqa: F821\n"
            f"c.CourseDirectory.course_id = {settings().course_id!r}\n"
            f"c.Exchange.root = {str(exchange_root(cohort))!r}\n",
            encoding="utf-8",
        )
        path.chmod(0o644)
    return path


def write(
    cohort: str, port: int, learners: list[str], instructor: str, extra: str = "", root: Path | None = None
) -> Path:
    """jupyterhub_config.py for this cohort's hub (with `extra` lines at its end: a benchmark's
    service token); returns its path."""
    state = state_dir(cohort)
    course = settings().course_id
    server_env = env.server_env("learner")
    python = env.venv("learner") / "bin" / "python"
    teacher_env = env.server_env("instructor")
    teacher_python = env.venv("instructor") / "bin" / "python"
    text = f"""# Written by `kynangso hub {cohort}` at each start: edit src/kynangso/hub/config.py instead.
c = get_config()  # noqa: F821
c.JupyterHub.bind_url = "http://127.0.0.1:{port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.ConfigurableHTTPProxy.command = {proxy_command()!r}
c.JupyterHub.db_url = "sqlite:///{state / "jupyterhub.sqlite"}"
c.JupyterHub.cookie_secret_file = "{state / "jupyterhub_cookie_secret"}"
c.JupyterHub.pid_file = "{state / "jupyterhub.pid"}"
c.JupyterHub.authenticator_class = "pam"
c.PAMAuthenticator.open_sessions = False
c.Authenticator.allowed_users = {set(learners) | {instructor}!r}
# the roster alone says who logs in: an official taken off it is not let in because the hub's
# database still knows them (JupyterHub 5+ lets such users in unless told otherwise)
c.Authenticator.allow_existing_users = False
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [{str(python)!r}, "-m", "jupyterhub.singleuser"]
c.Spawner.environment = {server_env!r}
c.Spawner.default_url = "/lab"


def _instructor_server(spawner):  # the instructor's server: the course's own package (the grader's)
    if spawner.user.name == {instructor!r}:
        spawner.cmd = [{str(teacher_python)!r}, "-m", "jupyterhub.singleuser"]
        spawner.environment = {teacher_env!r}
        # Formgrader works only on a course root inside the server's root: the cohort folder
        spawner.notebook_dir = {str(root or "")!r} or spawner.notebook_dir


c.Spawner.pre_spawn_hook = _instructor_server
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90
c.JupyterHub.load_groups = {{
    "formgrade-{course}": {{"users": [{instructor!r}]}},
    "nbgrader-{course}": {{"users": {sorted(learners)!r}}},
}}
# the instructor's role: see the class on the admin page and open an official's server to help
# them (a sticking cell, a lost file); not to add or remove users, which `kynangso hub` does
c.JupyterHub.load_roles = [{{
    "name": "giang-vien-{course}",
    "description": "Giảng viên của khóa {course}",
    "users": [{instructor!r}],
    "scopes": ["self", "admin-ui", "list:users!group=nbgrader-{course}", "read:users!group=nbgrader-{course}",
               "access:servers!group=nbgrader-{course}", "read:groups"],
}}]
c.JupyterHub.shutdown_on_logout = False
c.JupyterHub.cleanup_servers = True
"""
    for added in sorted(EXTRA.glob("*.py")) if EXTRA.is_dir() else []:
        text += f"load_subconfig({str(added)!r})  # noqa: F821\n"
    path = state / "jupyterhub_config.py"
    text += extra
    path.write_text(text, encoding="utf-8")
    return path
