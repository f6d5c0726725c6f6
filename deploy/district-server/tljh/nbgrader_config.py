# nbgrader's settings for every server on The Littlest JupyterHub: the course and its exchange.
#   sudo install -D -m 0644 nbgrader_config.py /opt/tljh/user/etc/jupyter/nbgrader_config.py
# The same two settings `kynangso hub` writes for its own servers (src/kynangso/hub/config.py).
# The exchange is the cohort's (cohorts/<name>/exchange links to it, as `kynangso hub` makes it):
#   sudo install -d -m 1777 /srv/kynangso/exchange/k2026
#   sudo ln -sfn /srv/kynangso/exchange/k2026 /srv/kynangso/cohorts/k2026/exchange
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "kynangso-vinhtuong"
c.Exchange.root = "/srv/kynangso/exchange/k2026"
