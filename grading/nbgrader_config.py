# The grading settings of the course, each stated once: nbgrader's, and the course's own (`c.Kynangso`).
# Each cohort folder (cohorts/<name>/) is an nbgrader course root; its own nbgrader_config.py,
# written by kynangso, loads this file and sets the root, the course id (from course/manifest.yml),
# the source folder (notebooks/: notebooks/<module>/ is the source of assignment <module>) and the
# exchange. kynangso reads this file too (kynangso.authoring.settings): the CLI's defaults, the
# grader's limits and the trainers' check all come from here.
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

# What a learner sees in place of a solution (Vietnamese, like everything learners read).
c.ClearSolutions.code_stub = {"python": "# VIẾT CODE CỦA BẠN VÀO ĐÂY\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "VIẾT CÂU TRẢ LỜI CỦA BẠN VÀO ĐÂY"

# The course's own cell metadata ("kynangso": recorded mistakes) is for trainers and checks only:
# recorded mistakes are near-solutions, so they never reach a learner's copy.
c.ClearOutput.remove_metadata_fields = {"collapsed", "scrolled", "kynangso"}

# Running a notebook in its source folder (nbval, nbgrader validate) may leave the files it writes
# there, e.g. the workbook of module 04 that holds answers; they must never be released.
# Data reach notebooks through the package, so a module folder never needs to ship such files.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.xlsx", "*.xls", "*.csv", "*.eml", "*.pdf"]

# A learner who deletes a test cell must not skip it: put it back from the gradebook.
c.OverwriteCells.add_missing_cells = True

# Bound each cell (seconds) so a runaway answer cannot hold the grader (`kynangso grade --cell-timeout`).
c.ExecutePreprocessor.timeout = 60

# The course's limits on one submission (`kynangso grade --notebook-timeout --memory-mb --output-chars`):
# the whole notebook's wall clock (seconds), a kernel's address space (MiB), what a cell may print.
c.Kynangso.notebook_timeout = 300
c.Kynangso.memory_mb = 3072
c.Kynangso.output_chars = 100_000
# Grading workers (`--workers`); 0: one per core.
c.Kynangso.workers = 0
# Seconds a gradebook writer waits for another before failing (SQLite's busy timeout).
c.Kynangso.busy_timeout = 120

# Feedback HTML must never run a learner's <script>.
c.HTMLExporter.sanitize_html = True
