"""`kynangso report` (see report.py until it is split)."""

from .report import add_arguments, run  # noqa: F401
