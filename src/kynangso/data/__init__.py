"""District data sets: a seeded generator, their data dictionaries, and typed loaders for notebooks.

Every file in datasets/ is written by this package from a seed and never edited by hand:
`kynangso data` rewrites them byte for byte, `kynangso data --check` proves they are current, and
`kynangso data --scale N --out DIR` writes an N-times larger copy for performance lessons.
Each data set has a dictionary (datasets/<name>.md) generated from its schema.

In a notebook:  from kynangso.data import load;  ho_so = load("ho_so")
"""

from __future__ import annotations

import time
from pathlib import Path

from .. import paths
from . import base, documents, mailbox, meetings, ocop, services, units
from .base import Column, Context, Dataset

DEFAULT_SEED = 2022
DATASETS: list[Dataset] = (units.DATASETS + services.DATASETS + documents.DATASETS + meetings.DATASETS
                           + ocop.DATASETS + mailbox.DATASETS)


class DataError(ValueError):
    """A data file is missing or malformed (the message is in Vietnamese, for learners)."""


def dataset(name: str) -> Dataset:
    for d in DATASETS:
        if d.name == name:
            return d
    raise KeyError(f"Không có bộ dữ liệu {name!r}; các bộ có sẵn: {', '.join(d.name for d in DATASETS)}")


def _generate(ctx: Context) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    index = ["# Dữ liệu của khóa học / the course's data sets", "",
             "Sinh bằng `kynangso data` từ hạt giống; không sửa tay. Mỗi tệp có từ điển dữ liệu riêng (`.md`).", "",
             "| tệp | nội dung | dòng |", "|---|---|---|"]
    for ds in DATASETS:
        scaled = ctx.scale > 1 and ds.scale is not None
        table = ds.scale(ctx, ctx.scale) if scaled else ds.generate(ctx)
        ctx.tables[ds.name] = table
        body, n = base.render_csv(ds, table)
        extra = ctx.files.get(ds.name, {})
        files[ds.file] = body
        files.update(extra)
        files[ds.dictionary_file] = base.render_dictionary(ds, body, n, ctx.seed, extra).encode("utf-8")
        index.append(f"| [`{ds.file}`]({ds.dictionary_file}) | {ds.title_vi} | {n} |")
    index += ["", base.SYNTHETIC_NOTE]
    files["README.md"] = base.nfc("\n".join(index) + "\n").encode("utf-8")
    return files


def render_all(seed: int = DEFAULT_SEED, scale: int = 1) -> dict[str, bytes]:
    """Relative path -> content of every file the generator writes."""
    return _generate(Context(seed=seed, scale=scale))


def write_all(out_dir: Path | None = None, seed: int = DEFAULT_SEED, scale: int = 1) -> list[Path]:
    out_dir = out_dir or paths.datasets_dir()
    written = []
    for name, body in render_all(seed, scale).items():
        target = out_dir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        written.append(target)
    return written


def stale_files(out_dir: Path | None = None, seed: int = DEFAULT_SEED) -> list[str]:
    """Files in out_dir that differ from what the generator writes (or are missing)."""
    out_dir = out_dir or paths.datasets_dir()
    return [name for name, body in render_all(seed).items()
            if not (out_dir / name).is_file() or (out_dir / name).read_bytes() != body]


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
        raise DataError(f"Tệp {file}, dòng {row}, cột {col.name}: thiếu giá trị ({col.label}).")
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
        kind = {"bool": "True/False", "int": "số nguyên", "float": "số", "date": "ngày dạng YYYY-MM-DD",
                "datetime": "thời điểm dạng YYYY-MM-DD HH:MM:SS"}[col.dtype]
        raise DataError(f"Tệp {file}, dòng {i + 2}, cột {col.name}: giá trị {series.iloc[i]!r} không phải {kind}.")
    if col.dtype == "int" and not col.nullable:
        out = out.astype("int64")
    return out


def load(name: str):
    """Read a course data set as a typed pandas DataFrame: dates parsed, categories set, as in its
    data dictionary. A missing or malformed file raises DataError, in Vietnamese, naming file, row
    and column."""
    import pandas as pd

    ds = dataset(name)
    file = path(name)
    if not file.is_file():
        raise DataError(f"Không tìm thấy tệp dữ liệu {file}. Giảng viên chạy `kynangso data` để sinh lại.")
    try:
        raw = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise DataError(f"Tệp {file} không phải UTF-8.") from None
    except pd.errors.ParserError as exc:
        raise DataError(f"Tệp {file} sai định dạng CSV: {exc}") from None
    missing = [c for c in ds.column_names if c not in raw.columns]
    if missing:
        raise DataError(f"Tệp {file} thiếu cột: {', '.join(missing)}.")
    return pd.DataFrame({c.name: _convert(raw[c.name], c, file.name) for c in ds.columns})


# --- the `kynangso data` verb -----------------------------------------------------------

def add_arguments(p) -> None:
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--out", type=Path, default=None, help="folder (default: the repository's datasets/)")
    p.add_argument("--check", action="store_true", help="only report files that differ from the generator")
    p.add_argument("--scale", type=int, default=1,
                   help="write an N-times larger version (more years and units) for performance lessons; "
                        "needs --out, never into datasets/")


def run(args) -> int:
    if args.check:
        stale = stale_files(args.out, args.seed)
        for name in stale:
            print(f"stale: {name} (run `kynangso data`)")
        print("datasets: up to date" if not stale else f"datasets: {len(stale)} stale file(s)")
        return 1 if stale else 0
    if args.scale > 1 and (args.out is None or args.out.resolve() == paths.datasets_dir()):
        print("--scale writes a large copy that is not committed: give --out DIR outside datasets/")
        return 2
    start = time.perf_counter()
    written = write_all(args.out, args.seed, args.scale)
    for target in written:
        print(target)
    print(f"{len(written)} files in {time.perf_counter() - start:.1f} s")
    return 0
