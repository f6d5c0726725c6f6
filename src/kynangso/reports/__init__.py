"""The instructors' report of a cohort (`kynangso report <cohort>`): who has mastered what, commune by commune.

`write(root)` writes into the cohort folder (reports/ by default) a self-contained HTML page (charts
embedded, opens offline) and an Excel workbook with the same tables: the cohort's overview, its
units, DigComp competences, one transcript per official, and the questions trainers should look at.
`add_arguments(parser)` and `run(args)` are the verb.

This room owns the report from the cohort's files to the two documents it writes, in modules:
sources (reading the gradebook, grading-report.csv, the roster and the autograded notebooks into
`Sources`), tables (`compute`: every number, in tables keyed by English identifiers), labels (the
Vietnamese headings and names of the tables' values, and how numbers are written), charts
(matplotlib), html (the page) and workbook (openpyxl). Every text an instructor reads comes from the
message catalogue (src/kynangso/messages/reports.yml, keys `reports.*`).

It may import the learners' library (kynangso.data, kynangso.paths, kynangso.messages),
kynangso.authoring (manifest, notebook model, settings) and kynangso.cohorts (course root, roster).
Nothing imports kynangso.reports except kynangso.cli (the verb) and kynangso.demo.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from .. import messages, paths
from ..cohorts import course
from . import charts, html, sources, tables, workbook
from .tables import DEFAULT_THRESHOLD

REPORT_DIR = "reports"
HTML_FILE = "bao-cao.html"
XLSX_FILE = "bao-cao.xlsx"
VN_TZ = timezone(timedelta(hours=7))

__all__ = ["DEFAULT_THRESHOLD", "add_arguments", "run", "write"]


def last_run_isolated(root: Path) -> bool:
    """Whether the cohort's last grading run isolated learners' kernels (cohorts.grade records it)."""
    import json

    from ..cohorts.grade import ISOLATION_FILE

    try:
        return bool(json.loads((root / ISOLATION_FILE).read_text(encoding="utf-8")).get("isolated", True))
    except (OSError, ValueError):
        return True  # never graded by this version: nothing recorded


def write(root: Path, threshold: float = DEFAULT_THRESHOLD, out: Path | None = None) -> tuple[Path, Path]:
    """Write the HTML page and the workbook of the cohort whose folder is `root`, into `out`
    (default reports/; a relative `out` is taken from `root`); returns their paths.
    messages.Refusal, with a message for the instructor, when the cohort has no gradebook yet."""
    gradebook = root / sources.GRADEBOOK
    if not gradebook.is_file():
        raise messages.Refusal(messages.text("reports.error.no_gradebook", cohort=root.name, path=gradebook))
    t = tables.compute(sources.load(root), threshold)
    out = out if out is not None else root / REPORT_DIR
    out = out if out.is_absolute() else root / out
    out.mkdir(parents=True, exist_ok=True)
    page = html.render_html(t, charts.charts(t), root.name, datetime.now(VN_TZ), isolated=last_run_isolated(root))
    html_path = out / HTML_FILE
    html_path.write_text(page, encoding="utf-8")
    return html_path, workbook.write_workbook(t, out / XLSX_FILE)


def add_arguments(p) -> None:
    t = messages.text
    p.add_argument("name", metavar=t("reports.metavar.name"), help=t("reports.help.name"))
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar=t("reports.metavar.out"),
        help=t("reports.help.out", folder=REPORT_DIR),
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        metavar=t("reports.metavar.threshold"),
        help=t("reports.help.threshold", default=DEFAULT_THRESHOLD),
    )


def run(args) -> int:
    if not 0 <= args.threshold <= 1:
        print(messages.text("reports.error.threshold"))
        return 2
    try:
        folder = paths.cohort_dir(args.name)
    except ValueError:
        print(messages.text("reports.error.cohort_name", cohort=args.name))
        return 2
    if not folder.is_dir():
        print(messages.text("reports.error.no_cohort", cohort=args.name, path=folder))
        return 2
    root = course.course_root(args.name, create=False)
    html_path, xlsx_path = write(root, args.threshold, args.out)
    print(messages.text("reports.done", cohort=args.name))
    print(f"  {html_path}")
    print(f"  {xlsx_path}")
    return 0
