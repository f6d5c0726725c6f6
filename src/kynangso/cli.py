"""The `kynangso` command: a thin dispatcher, one module per verb."""

from __future__ import annotations

import argparse
import sys

from . import (build, check, cohort, collect, data, demo, feedback, grade, lab, maillab, new, report, signing,
               simulate, tidy)

VERBS = {
    "data": (data, "generate the district data sets and their dictionaries"),
    "new": (new, "create a module from the template (trainers)"),
    "check": (check, "lint the course's notebooks (trainers)"),
    "tidy": (tidy, "strip volatile metadata from committed notebooks"),
    "build": (build, "check, release (nbgrader) and validate every module"),
    "cohort": (cohort, "create a cohort from a roster CSV of officials"),
    "simulate": (simulate, "write seeded submissions for a cohort"),
    "collect": (collect, "take notebooks from a folder or zip (e-mail, USB) into a cohort"),
    "grade": (grade, "autograde on a worker pool: gradebook, grades.csv, grading-report.csv"),
    "feedback": (feedback, "feedback HTML for graded submissions (after hand grading)"),
    "report": (report, "HTML and Excel report of a cohort: units, skills, officials, questions"),
    "demo": (demo, "the whole pipeline on the demo cohort"),
    "lab": (lab, "open JupyterLab on a cohort's released modules"),
    "mail-server": (maillab, "run the lab's SMTP server on 127.0.0.1 (instructors' demo)"),
    "sign": (signing, "sign a PDF with a training certificate (instructors' demo)"),
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kynangso", description="Kỹ năng số Vĩnh Tường: course tools")
    sub = p.add_subparsers(dest="verb", required=True, metavar="VERB")
    for name, (module, help_text) in VERBS.items():
        sp = sub.add_parser(name, help=help_text, description=module.__doc__)
        module.add_arguments(sp)
        sp.set_defaults(func=module.run)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
