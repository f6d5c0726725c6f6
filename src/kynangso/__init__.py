"""Kỹ năng số Vĩnh Tường: the course package (CLI verbs and the libraries notebooks share)."""

__version__ = "0.1.0"
