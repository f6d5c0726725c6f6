"""The district hub (`kynangso hub <cohort>`): a real JupyterHub on 127.0.0.1 where each official of
the cohort logs in from a browser with their own account, fetches modules in the Assignments tab
(nbgrader's exchange and JupyterLab extension), validates, submits and fetches feedback; the
cohort's instructor logs in to the same hub for Formgrader.

This room owns the hub's environment (`env`: a Python every user can run), its people (`accounts`:
one system user per official, generated passwords, each home's Jupyter settings) and its
configuration (`config`: JupyterHub's and the nbgrader settings every server reads, plus the
district's own additions from /etc/kynangso/hub.d/); the verb (`serve`) prepares them and runs the
hub until Ctrl-C or SIGTERM (systemd). It may import the learners' library,
kynangso.authoring and kynangso.cohorts (the cohort, its roster, its exchange); only the front
door (kynangso.cli) imports it.
"""
