"""District data sets, as notebooks read them: `load(name)` gives a typed DataFrame, `path(name)` the
file. Part of the learners' library (notebooks import these names).

Each data set's schema and generator are declared in the modules of this package (units, services,
documents, meetings, ocop, mailbox; registers and topics hold the document registers' rules and
wording); `kynangso data` (kynangso.authoring.datasets) writes every file in datasets/ from a seed,
byte for byte, with a data dictionary (datasets/<name>.md) per file. Generators import what they
need when they run, so loading data never imports them; the mailbox's generator is the answer key's
(kynangso.key.mailbox), named by a string. The errors learners read (DataError) are in the message
catalogue (`data.*`), which loads only when one is raised.

In a notebook:  from kynangso.data import load;  ho_so = load("ho_so")
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import messages, paths
from . import documents, mailbox, meetings, ocop, services, units
from .base import Column, Dataset

DATASETS: list[Dataset] = (
    units.DATASETS + services.DATASETS + documents.DATASETS + meetings.DATASETS + ocop.DATASETS + mailbox.DATASETS
)


class DataError(ValueError):
    """A data file is missing or malformed (the message, from the catalogue, is in Vietnamese)."""


def dataset(name: str) -> Dataset:
    for d in DATASETS:
        if d.name == name:
            return d
    raise KeyError(messages.text("data.unknown_dataset", name=name, names=", ".join(d.name for d in DATASETS)))


# --- for notebooks ----------------------------------------------------------------------


def path(name: str) -> Path:
    """The path of a course data set: path("don_vi") -> .../datasets/don_vi.csv."""
    return paths.datasets_dir() / dataset(name).file


def _convert(series, col: Column, file: str):
    """The column in its type; DataError naming file, row and column at the first bad value."""
    import pandas as pd

    empty = series == ""
    if empty.any() and not col.nullable and col.dtype not in ("str",):
        row = int(empty.to_numpy().nonzero()[0][0]) + 2
        raise DataError(messages.text("data.missing_value", file=file, row=row, column=col.name, label=col.label))
    if col.dtype == "str":
        return series.astype("string")
    if col.dtype == "category":
        return series.mask(empty).astype("category")
    if col.dtype == "bool":
        bad = ~series.isin(["True", "False"]) & ~empty
        out = series.map({"True": True, "False": False})
        out = out.astype("boolean") if col.nullable else out
    elif col.dtype in ("int", "float"):
        out = pd.to_numeric(series.mask(empty), errors="coerce")
        bad = out.isna() & ~empty
        if col.dtype == "int":
            bad |= (out % 1 != 0) & out.notna()
            out = out.astype("Int64") if col.nullable else out.astype("float64")
    else:
        fmt = "%Y-%m-%d" if col.dtype == "date" else "%Y-%m-%d %H:%M:%S"
        out = pd.to_datetime(series.mask(empty), format=fmt, errors="coerce")
        bad = out.isna() & ~empty
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise DataError(
            messages.text(
                "data.bad_value",
                file=file,
                row=i + 2,
                column=col.name,
                value=series.iloc[i],
                kind=messages.text(f"data.kind.{col.dtype}"),
            )
        )
    if col.dtype == "int" and not col.nullable:
        out = out.astype("int64")
    return out


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


def _csv_error(file: Path, detail: str) -> str:
    """pandas' parser error, said in Vietnamese: the line with too many cells when pandas names it."""
    found = _FIELDS.search(detail)
    if not found:
        return messages.text("data.bad_csv", file=file)
    expected, line, saw = found.groups()
    return messages.text("data.bad_csv_line", file=file, line=line, saw=saw, expected=expected)


def load(name: str):
    """Read a course data set as a typed pandas DataFrame: dates parsed, categories set, as in its
    data dictionary. A missing or malformed file raises DataError, in Vietnamese, naming file, row
    and column."""
    import pandas as pd

    ds = dataset(name)
    file = path(name)
    if not file.is_file():
        raise DataError(messages.text("data.missing_file", file=file))
    try:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(messages.text("data.not_utf8", file=file)) from None
    except pd.errors.ParserError as exc:
        raise DataError(_csv_error(file, str(exc))) from None
    missing = [c for c in ds.column_names if c not in raw.columns]
    if missing:
        raise DataError(messages.text("data.missing_columns", file=file, columns=", ".join(missing)))
    return pd.DataFrame({c.name: _convert(raw[c.name], c, file.name) for c in ds.columns})
