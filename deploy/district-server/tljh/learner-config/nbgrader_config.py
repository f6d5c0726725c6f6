# Read by officials' servers only (JUPYTER_CONFIG_PATH, set by jupyterhub_config.d/kynangso.py).
# TLJH runs hub user cb0059 as system user jupyter-cb0059, and nbgrader 0.9.6 names a submission
# after the system user; the roster knows cb0059. nbgrader's own option for "an alternative
# student id" (nbgrader submit --student) makes submissions and feedback use the hub login.
import os

c = get_config()  # noqa: F821
if os.environ.get("JUPYTERHUB_USER"):
    c.CourseDirectory.student_id = os.environ["JUPYTERHUB_USER"]
