"""jupyterhub-idle-culler for the district hub: a server idle for an hour is stopped (its notebooks
are saved; the memory of its kernels is freed), checked every 5 minutes. JupyterHub configuration
lines, as the culler's README gives them (roles with only the scopes it needs).

`kynangso hub` loads every *.py in /etc/kynangso/hub.d/ after its own lines: install.sh copies
this file there (tests/test_hub_browser.py starts a hub with it and sees the culler run).
jupyterhub-idle-culler is one of the course's dependencies. TLJH has its own culler
(`tljh-config set services.cull.timeout 3600`); Zero to JupyterHub has `cull:` in values.yaml.
"""

import sys

c = get_config()  # noqa: F821

CULLER = "jupyterhub-idle-culler-service"
c.JupyterHub.services.append(
    {
        "name": CULLER,
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            "--timeout=3600",
            "--cull-every=300",
            "--concurrency=10",
        ],
    }
)
c.JupyterHub.load_roles.append(
    {
        "name": "jupyterhub-idle-culler-role",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": [CULLER],
    }
)
