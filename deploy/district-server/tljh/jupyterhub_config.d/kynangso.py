"""kynangso on The Littlest JupyterHub (TLJH), instead of `kynangso hub`: nbgrader's groups for the
course, the officials of one cohort allowed in, JupyterLab by default, and nbgrader's instructor
parts (Create Assignment, Formgrader) hidden from officials.

    sudo cp kynangso.py /opt/tljh/config/jupyterhub_config.d/kynangso.py
    sudo tljh-config reload hub

TLJH loads every .py in that folder after its own configuration (load_subconfig), so `c` here is
the hub's. The exchange and the course id that servers read are in nbgrader_config.py beside this
folder (copied to /opt/tljh/user/etc/jupyter/). Untested on a real TLJH: see
course/trien-khai-may-chu-huyen.md.
"""

import csv
import os
from pathlib import Path

c = get_config()  # noqa: F821 (provided by traitlets when JupyterHub loads this file)

COURSE_ID = "kynangso-vinhtuong"  # course/manifest.yml's course_id (tests/test_deploy.py keeps them equal)
COHORT = os.environ.get("KYNANGSO_COHORT", "k2026")
INSTRUCTOR = "giangvien"  # the hub user; TLJH's system user is jupyter-giangvien
ROSTER = Path(os.environ.get("KYNANGSO_COHORTS", "/srv/kynangso/cohorts")) / COHORT / "roster.csv"
# settings only officials' servers read (JUPYTER_CONFIG_PATH): instructor parts off, student id
LEARNER_CONFIG = "/opt/kynangso/deploy/district-server/tljh/learner-config"


def officials(roster: Path) -> list[str]:
    """The cohort's officials (ma_can_bo, their hub login), from the roster `kynangso cohort` wrote."""
    if not roster.is_file():
        return []
    with roster.open(encoding="utf-8", newline="") as f:
        return sorted({row["ma_can_bo"] for row in csv.DictReader(f) if row.get("ma_can_bo")})


learners = officials(ROSTER)
# added to what `tljh-config add-item users.allowed` set, not in place of it
c.Authenticator.allowed_users.update({*learners, INSTRUCTOR})
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE_ID}": {"users": [INSTRUCTOR]},
    f"nbgrader-{COURSE_ID}": {"users": learners},
}
c.Spawner.default_url = "/lab"


def learners_settings(spawner):
    """Officials' servers also read LEARNER_CONFIG; the instructor's do not."""
    if spawner.user.name != INSTRUCTOR:
        spawner.environment["JUPYTER_CONFIG_PATH"] = LEARNER_CONFIG


c.Spawner.pre_spawn_hook = learners_settings
