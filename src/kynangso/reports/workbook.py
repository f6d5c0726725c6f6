"""The report as an Excel workbook: one sheet per table, the same numbers as the HTML page.

Sheet names and headings are Vietnamese, from the message catalogue (`reports.sheet.*`; tables
through labels.readable). Headings bold and frozen, columns sized to their content, scores and
percentages with one decimal; units behind the threshold shaded red, the unit x module sheet
coloured from red (0%) to green (100%).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import messages
from .labels import readable
from .tables import Tables

SHEETS = [
    "summary",
    "modules",
    "distribution",
    "units",
    "unit_module",
    "skills",
    "officials",
    "submissions",
    "questions",
    "messages",
]  # Tables fields, in the workbook's order; reports.sheet.<field> names each
DECIMALS = {
    "mean_points",
    "score",
    "points",
    "earned",
    "total_score",
    "mean_score",
    "median_score",
    "lowest_score",
    "highest_score",
    "completion",
    "mastery",
    "full_share",
    "percent",
}


def sheet_name(field: str) -> str:
    return messages.text(f"reports.sheet.{field}")


def one_decimal(column) -> bool:
    """Whether a column is written with one decimal: scores and percentages, the score bands too
    (their headings are ranges of percents)."""
    return column in DECIMALS or str(column).startswith("band_")


def write_sheet(xw: pd.ExcelWriter, df: pd.DataFrame, name: str, modules) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    shown = readable(df, modules)
    shown.to_excel(xw, sheet_name=name, index=False)
    ws = xw.sheets[name]
    ws.freeze_panes = "A2"
    for j, (column, col) in enumerate(zip(df.columns, shown.columns, strict=True), start=1):
        ws.cell(row=1, column=j).font = Font(bold=True)
        sample = [len(str(col))] + [len(str(v)) for v in shown[col].head(200)]
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(8, max(sample) + 2))
        if one_decimal(column):
            for (c,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                c.number_format = "0.0"


def write_workbook(t: Tables, path: Path) -> Path:
    """Write the workbook of the tables `t` at `path`; returns `path`."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import PatternFill
    from openpyxl.utils import get_column_letter

    modules = list(t.modules["module"])
    red = PatternFill("solid", fgColor="FDE2E1")
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for field in SHEETS:
            write_sheet(xw, getattr(t, field), sheet_name(field), modules)
        ws = xw.sheets[sheet_name("units")]
        for i, behind in enumerate(t.units["behind"], start=2):
            if behind:
                for c in ws[i]:
                    c.fill = red
        ws = xw.sheets[sheet_name("unit_module")]
        if len(t.unit_module) and t.unit_module.shape[1] > 2:
            area = f"C2:{get_column_letter(t.unit_module.shape[1])}{len(t.unit_module) + 1}"
            ws.conditional_formatting.add(
                area,
                ColorScaleRule(
                    start_type="num",
                    start_value=0,
                    start_color="F8696B",
                    mid_type="num",
                    mid_value=50,
                    mid_color="FFEB84",
                    end_type="num",
                    end_value=100,
                    end_color="63BE7B",
                ),
            )
    return path
