"""The report as one HTML page that stands alone: charts embedded as PNG, no script, nothing fetched.

Every text is Vietnamese, from the message catalogue (`reports.html.*`, `reports.heading.*`,
`reports.nav.*`, `reports.alt.*`; tables through labels.readable), escaped, and the page is Unicode
NFC. Rows under the threshold are shaded red; cells of failed and missing submissions are styled apart.
"""

from __future__ import annotations

import html
from datetime import datetime

import numpy as np
import pandas as pd

from .. import messages
from .labels import number, readable
from .sources import FAILED, MISSING, nfc
from .tables import Tables

CSS = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 1.5em auto; max-width: 1200px; color: #222; }
h1 { font-size: 1.5em; } h2 { border-bottom: 2px solid #2e86c1; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .85em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; vertical-align: top; }
th { background: #eaf2f8; text-align: left; }
td.so { text-align: right; white-space: nowrap; }
tr.duoi-nguong td { background: #fde2e1; }
td.chua-cham { color: #888; } td.loi { color: #c0392b; }
img { max-width: 100%; } .ghi-chu { color: #555; font-size: .9em; }
.canh-bao { color: #b00020; font-weight: bold; border: 2px solid #b00020; padding: .5em; }
nav a { margin-right: 1em; }
"""
STYLES = {FAILED: "loi", MISSING: "chua-cham"}  # class of the cell of a failed, a missing submission
SECTIONS = [  # (anchor, catalogue key) of each part, in order
    ("tong-quan", "overview"),
    ("theo-don-vi", "units"),
    ("theo-ky-nang", "skills"),
    ("hoc-vien", "officials"),
    ("cau-hoi", "questions"),
]


def _t(key: str, **values) -> str:
    """A catalogue text, escaped for the page."""
    return html.escape(messages.text(f"reports.{key}", **values))


def _cell(value, style: str | None = None) -> str:
    if isinstance(value, (bool, np.bool_)):
        return f"<td>{_t('value.yes') if value else ''}</td>"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return f'<td class="so">{number(value)}</td>'
    text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else nfc(value)
    cls = f' class="{style}"' if style else ""
    return f"<td{cls}>{html.escape(text)}</td>"


def html_table(df: pd.DataFrame, table_id: str, highlight: pd.Series | None = None, modules=()) -> str:
    """`df` (keyed by English ids) as the instructor reads it; rows where `highlight` is true shaded,
    cells of failed and missing submissions styled. `modules`: the module ids that name columns."""
    shown = readable(df, modules)
    holds_state = [c == "state" or c in set(modules) for c in df.columns]
    head = "".join(f"<th>{html.escape(nfc(c))}</th>" for c in shown.columns)
    rows = []
    flags = highlight.to_numpy() if highlight is not None else np.zeros(len(df), dtype=bool)
    raw = df.itertuples(index=False, name=None)
    for flag, codes, values in zip(flags, raw, shown.itertuples(index=False, name=None), strict=True):
        cls = ' class="duoi-nguong"' if flag else ""
        cells = [
            _cell(v, STYLES.get(c) if s and isinstance(c, str) else None)
            for c, v, s in zip(codes, values, holds_state, strict=True)
        ]
        rows.append(f"<tr{cls}>" + "".join(cells) + "</tr>")
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n' + "\n".join(rows) + "\n</tbody></table>"


def _img(png: str, alt: str) -> str:
    if not png:  # no data for this chart yet (a cohort in its first week)
        return f"<p>{html.escape(messages.text('reports.html.no_data'))}</p>"
    return f'<img alt="{html.escape(messages.text(f"reports.alt.{alt}"))}" src="data:image/png;base64,{png}">'


def _heading(anchor: str, part: str) -> str:
    return f'<h2 id="{anchor}">{_t(f"heading.{part}")}</h2>'


def head(t: Tables, cohort_name: str, made: datetime, isolated: bool = True) -> list[str]:
    """From the doctype to the navigation: title, when the page was made, where its numbers come from,
    and a warning when the last grading run could not isolate learners' code."""
    nav = "".join(f'<a href="#{anchor}">{_t(f"nav.{part}")}</a>' for anchor, part in SECTIONS)
    intro = _t("html.intro", time=made.strftime("%H:%M"), date=made.strftime("%d/%m/%Y"), cut=number(100 * t.threshold))
    return [
        "<!DOCTYPE html>",
        '<html lang="vi"><head><meta charset="utf-8">',
        f"<title>{_t('html.title', cohort=cohort_name)}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>{_t('html.h1', cohort=cohort_name)}</h1>",
        f'<p class="ghi-chu">{intro}</p>',
        *([] if isolated else [f'<p class="canh-bao">{_t("html.not_isolated")}</p>']),
        f"<nav>{nav}</nav>",
    ]


def body(t: Tables, pngs: dict[str, str]) -> list[str]:
    """The five parts: overview, units, skills, officials, questions."""
    cut = number(100 * t.threshold)
    s = {k: number(v) for k, v in zip(t.summary["indicator"], t.summary["value"], strict=True)}
    ids = list(t.modules["module"])
    (overview, units, skills, officials, questions) = SECTIONS
    return [
        _heading(*overview),
        f"<p>{_t('html.overview', **s)}</p>",
        html_table(t.summary, "bang-tong-quan"),
        f"<p>{_t('html.overview.scores')}</p>",
        html_table(t.modules, "bang-mo-dun"),
        _img(pngs["scores"], "scores"),
        f"<p>{_t('html.distribution')}</p>",
        html_table(t.distribution, "bang-phan-bo"),
        _heading(*units),
        f"<p>{_t('html.units', cut=cut)}</p>",
        html_table(t.units, "bang-don-vi", t.units["behind"]),
        _img(pngs["completion"], "completion"),
        _img(pngs["unit_module"], "unit_module"),
        html_table(t.unit_module, "bang-don-vi-mo-dun", modules=ids),
        _heading(*skills),
        f"<p>{_t('html.skills')}</p>",
        html_table(t.skills, "bang-ky-nang", t.skills["mastery"] < 100 * t.threshold),
        _img(pngs["skills"], "skills"),
        _heading(*officials),
        f"<p>{_t('html.officials', cut=cut)}</p>",
        html_table(
            t.officials,
            "bang-hoc-vien",
            (t.officials["mean_score"] < 100 * t.threshold) | t.officials[ids].eq(FAILED).any(axis=1),
            modules=ids,
        ),
        _heading(*questions),
        f"<p>{_t('html.questions')}</p>",
        html_table(t.questions, "bang-cau-hoi"),
        f"<p>{_t('html.messages')}</p>",
        html_table(t.messages, "bang-loi"),
    ]


def render_html(t: Tables, pngs: dict[str, str], cohort_name: str, made: datetime, isolated: bool = True) -> str:
    """The whole page, Unicode NFC."""
    return nfc("\n".join([*head(t, cohort_name, made, isolated), *body(t, pngs), "</body></html>"]))
