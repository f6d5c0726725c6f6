# nbgrader configuration shared by every cohort of the course.
# Each cohort folder (cohorts/<name>/) is an nbgrader course root; its own nbgrader_config.py,
# written by `kynangso cohort`, loads this file and sets the root, the source folder
# (notebooks/ of the repository: notebooks/<module>/ is the source of assignment <module>)
# and the exchange. See ../shared/NBGRADER-NOTES.md for why each setting is here.
c = get_config()  # noqa: F821 (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "kynangso-vinhtuong"

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

# Bound each cell (seconds) so a runaway answer cannot hold the grader.
c.ExecutePreprocessor.timeout = 60

# Feedback HTML must never run a learner's <script>.
c.HTMLExporter.sanitize_html = True
