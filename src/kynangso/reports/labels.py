"""How the report's values read to an instructor, in Vietnamese, from the message catalogue.

Tables are keyed by English identifiers; `readable` gives a table its Vietnamese headings
(`reports.column.*`) and names its coded values: states of a submission (`reports.state.*`), kinds
of question (`reports.kind.*`) and the overview's indicators (`reports.indicator.*`). A column named
after a module keeps the module's id as heading; a score band's heading is its range of percents.
`number` writes a number as Vietnamese write it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import messages
from .sources import FAILED, GRADED, MISSING

STATES = (GRADED, FAILED, MISSING)
CODED = {"state": "state", "kind": "kind", "indicator": "indicator"}  # column -> catalogue group of its values


def number(x, digits: int = 1) -> str:
    """A number as Vietnamese write it: decimal comma, dot between thousands; '—' for no value."""
    if x is None or (isinstance(x, (float, np.floating)) and np.isnan(x)):
        return messages.text("reports.value.none")
    v = round(float(x), digits)
    if v.is_integer():
        return f"{int(v):,}".replace(",", ".")
    return f"{v:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def band(lo: int, hi: int) -> str:
    """A column id of the score distribution: submissions from lo% to under hi% (to hi% for the top band)."""
    return f"band_{lo}_{hi}"


def heading(column: str) -> str:
    if column.startswith("band_"):
        lo, hi = column.removeprefix("band_").split("_")
        return messages.text("reports.band.top" if hi == "100" else "reports.band", lo=lo, hi=hi)
    return messages.text(f"reports.column.{column}")


def state(value):
    """A state's name; any other value (a module's score in the transcript) as it is."""
    return messages.text(f"reports.state.{value}") if isinstance(value, str) and value in STATES else value


def readable(df: pd.DataFrame, modules=()) -> pd.DataFrame:
    """`df` as the instructor reads it. `modules`: the module ids that may name columns."""
    modules = set(modules)
    out = df.copy()
    for c in df.columns:
        if c in CODED:
            out[c] = df[c].map(lambda v, group=CODED[c]: messages.text(f"reports.{group}.{v}"))
        elif c in modules:
            out[c] = df[c].map(state)
    out.columns = [c if c in modules else heading(c) for c in df.columns]
    return out
