"""Kinds for tables and arrays: numpy scalars and arrays, pandas Series, DataFrame and Index (with
every column's dtype: numbers, nullable integers, strings, categories, dates with and without time
zone), pandas Timestamp, Timedelta, NaT and NA."""

from __future__ import annotations

import sys

from .core import Kind, placeholder, register

NULLABLE = (
    "str",
    "string",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Float32",
    "Float64",
    "boolean",
)
INDEX_TYPES = ("Index", "DatetimeIndex", "CategoricalIndex", "TimedeltaIndex")


# ------------------------------------------------------------------ one column


def encode_array(enc, values, dtype, d):
    """One column or index: its dtype and its values as plain lists."""
    import numpy as np
    import pandas as pd

    kind = getattr(dtype, "kind", None)
    name = str(dtype)
    if isinstance(dtype, pd.CategoricalDtype):
        cat = pd.Categorical(values)
        return ["cat", encode_index(enc, cat.categories, d), [int(c) for c in cat.codes], bool(cat.ordered)]
    if isinstance(dtype, np.dtype):
        arr = np.asarray(values)
        if kind == "f":
            return ["np", name, [repr(float(v)) for v in arr.tolist()]]
        if kind in "biu":
            return ["np", name, arr.tolist()]
        if kind in "mM":
            return ["np", name, arr.view("int64").tolist()]
        if kind == "O":
            return ["obj", [enc(v, d) for v in arr.tolist()]]
        if kind in "US":  # fixed-width strings and bytes
            return ["npstr", arr.dtype.str, [enc(v, d) for v in arr.tolist()]]
        return ["?", name]
    if isinstance(dtype, pd.DatetimeTZDtype):
        utc = pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None)
        return ["dttz", dtype.unit, str(dtype.tz), utc.asi8.tolist()]
    if name in NULLABLE or isinstance(dtype, pd.StringDtype):
        storage = getattr(dtype, "storage", None)
        na = getattr(dtype, "na_value", None)
        vals = [
            None
            if (v is pd.NA or v is None or (isinstance(v, float) and v != v))
            else (v.item() if hasattr(v, "item") else v)
            for v in list(values)
        ]
        spec = [name, storage, "nan" if isinstance(na, float) else None] if isinstance(dtype, pd.StringDtype) else name
        return ["ext", spec, [enc(v, d) for v in vals]]
    return ["?", name]


def decode_array(dec, node, d):
    """A numpy array or pandas extension array from encode_array's node (None: not carried)."""
    import numpy as np
    import pandas as pd

    kind = node[0]
    if kind == "np":
        dtype = np.dtype(node[1])
        if dtype.kind in "mM":
            return np.array(node[2], dtype="int64").view(dtype)
        if dtype.kind == "f":
            return np.array([float(v) for v in node[2]], dtype=dtype)
        if dtype.kind not in "biu":
            raise ValueError("bad dtype")
        return np.array(node[2], dtype=dtype)
    if kind == "obj":
        values = [dec(v, d) for v in node[1]]
        arr = np.empty(len(values), dtype=object)
        for i, v in enumerate(values):
            arr[i] = v
        return arr
    if kind == "npstr":
        return np.array([dec(v, d) for v in node[2]], dtype=np.dtype(node[1]))
    if kind == "cat":
        return pd.Categorical.from_codes(node[2], categories=decode_index(dec, node[1], d), ordered=bool(node[3]))
    if kind == "dttz":
        utc = np.array(node[3], dtype="int64").view(f"datetime64[{node[1]}]")
        return pd.DatetimeIndex(utc).tz_localize("UTC").tz_convert(node[2]).array
    if kind == "ext":
        spec, values = node[1], [dec(v, d) for v in node[2]]
        if isinstance(spec, list):
            dtype = pd.StringDtype(storage=spec[1], na_value=np.nan if spec[2] == "nan" else pd.NA)
        else:
            dtype = pd.api.types.pandas_dtype(str(spec))
        return pd.array(values, dtype=dtype)
    if kind == "?":
        return None
    raise ValueError("unknown array")


# ------------------------------------------------------------------ indexes


def encode_index(enc, idx, d):
    import pandas as pd

    t = type(idx)
    if t is pd.RangeIndex:
        return ["range", idx.start, idx.stop, idx.step, enc(idx.name, d)]
    if t is pd.MultiIndex:
        return [
            "multi",
            [encode_index(enc, lv, d) for lv in idx.levels],
            [[int(c) for c in codes] for codes in idx.codes],
            [enc(n, d) for n in idx.names],
        ]
    if t.__name__ in INDEX_TYPES and t is getattr(pd, t.__name__):
        return ["index", t.__name__, encode_array(enc, idx, idx.dtype, d), enc(idx.name, d)]
    return ["?", t.__name__]


def decode_index(dec, node, d):
    import pandas as pd

    kind = node[0]
    if kind == "range":
        return pd.RangeIndex(int(node[1]), int(node[2]), int(node[3]), name=dec(node[4], d))
    if kind == "multi":
        return pd.MultiIndex(
            levels=[decode_index(dec, lv, d) for lv in node[1]], codes=node[2], names=[dec(n, d) for n in node[3]]
        )
    if kind == "index":
        values = decode_array(dec, node[2], d)
        if values is None:
            return None
        idx = pd.Index(values, name=dec(node[3], d), tupleize_cols=False)
        wanted = getattr(pd, node[1]) if node[1] in INDEX_TYPES else None
        if wanted is not None and type(idx) is not wanted:
            idx = (
                wanted(values, name=idx.name)
                if wanted is not pd.Index
                else pd.Index(values, dtype=object, name=idx.name)
            )
        return idx
    return None


def _index_kind(tag):
    def decode(dec, a, d):
        idx = decode_index(dec, [tag, *a], d)
        return placeholder("Index") if idx is None else idx

    return decode


register(
    Kind("range", lambda enc, x, d: encode_index(enc, x, d)[1:], _index_kind("range"), types=("pandas:RangeIndex",))
)
register(
    Kind("multi", lambda enc, x, d: encode_index(enc, x, d)[1:], _index_kind("multi"), types=("pandas:MultiIndex",))
)
register(
    Kind(
        "index",
        lambda enc, x, d: encode_index(enc, x, d)[1:],
        _index_kind("index"),
        types=tuple(f"pandas:{name}" for name in INDEX_TYPES),
    )
)


# ------------------------------------------------------------------ Series, DataFrame, arrays


def _encode_series(enc, x, d):
    return [encode_array(enc, x.array, x.dtype, d), encode_index(enc, x.index, d), enc(x.name, d)]


def _decode_series(dec, a, d):
    import pandas as pd

    values, index = decode_array(dec, a[0], d), decode_index(dec, a[1], d)
    if values is None or index is None:
        return placeholder("Series")
    return pd.Series(values, index=index, name=dec(a[2], d), copy=False)


def _encode_frame(enc, x, d):
    return [
        encode_index(enc, x.columns, d),
        encode_index(enc, x.index, d),
        [encode_array(enc, x.iloc[:, i].array, x.dtypes.iloc[i], d) for i in range(x.shape[1])],
    ]


def _decode_frame(dec, a, d):
    import pandas as pd

    columns, index = decode_index(dec, a[0], d), decode_index(dec, a[1], d)
    cols = [decode_array(dec, c, d) for c in a[2]]
    if columns is None or index is None or any(c is None for c in cols):
        return placeholder("DataFrame")
    frame = pd.DataFrame({i: c for i, c in enumerate(cols)}, index=index) if cols else pd.DataFrame(index=index)
    frame.columns = columns
    return frame


def _encode_ndarray(enc, x, d):
    if x.ndim == 1:
        return [encode_array(enc, x, x.dtype, d)]
    return None  # two or more dimensions: the "ndarray2" kind


def _decode_ndarray(dec, a, d):
    import numpy as np

    arr = decode_array(dec, a[0], d)
    return placeholder("ndarray") if arr is None else np.asarray(arr)


def _decode_ndarray2(dec, a, d):
    import numpy as np

    arr = decode_array(dec, a[1], d)
    return placeholder("ndarray") if arr is None else np.asarray(arr).reshape([int(s) for s in a[0]])


def _is_ndarray(x) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and type(x) is np.ndarray and x.ndim != 1


register(Kind("series", _encode_series, _decode_series, types=("pandas:Series",)))
register(Kind("frame", _encode_frame, _decode_frame, types=("pandas:DataFrame",)))
register(Kind("ndarray", _encode_ndarray, _decode_ndarray, types=("numpy:ndarray",)))
register(
    Kind(
        "ndarray2",
        lambda enc, x, d: [list(x.shape), encode_array(enc, x.reshape(-1), x.dtype, d)],
        _decode_ndarray2,
        test=_is_ndarray,
    )
)


# ------------------------------------------------------------------ scalars


def _is_numpy_scalar(x) -> bool:
    np = sys.modules.get("numpy")
    return np is not None and isinstance(x, np.generic) and type(x).__module__ == "numpy"


def _encode_npv(enc, x, d):
    if type(x).__name__.startswith(("datetime64", "timedelta64")):
        return [x.dtype.str, int(x.view("int64"))]
    if x.dtype.kind in "biuf":
        v = x.item()
        return [x.dtype.str, repr(v) if x.dtype.kind == "f" else v]
    return None


def _decode_npv(dec, a, d):
    import numpy as np

    dtype = np.dtype(a[0])
    if dtype.kind in "mM":
        return np.array([int(a[1])], dtype="int64").view(dtype)[0]
    if dtype.kind not in "biuf":
        raise ValueError("bad dtype")
    return dtype.type(float(a[1]) if dtype.kind == "f" else a[1])


def _encode_ts(enc, x, d):
    return [
        x.tz_localize(None).isoformat() if x.tz is not None else x.isoformat(),
        x.unit,
        None if x.tz is None else str(x.tz),
    ]


def _decode_ts(dec, a, d):
    import pandas as pd

    ts = pd.Timestamp(a[0]).as_unit(a[1])
    return ts.tz_localize(a[2]) if a[2] else ts


def _decode_ptd(dec, a, d):
    import pandas as pd

    return pd.Timedelta(int(a[0]), unit="ns")


def _pandas(name):
    return lambda dec, a, d: getattr(sys.modules.get("pandas") or __import__("pandas"), name)


def _decode_categorical(dec, a, d):
    values = decode_array(dec, a[0], d)
    return placeholder("Categorical") if values is None else values


def _decode_period(dec, a, d):
    import pandas as pd

    return pd.Period(str(a[0]), freq=str(a[1]))


register(Kind("npv", _encode_npv, _decode_npv, test=_is_numpy_scalar))
register(
    Kind(
        "categorical",
        lambda enc, x, d: [encode_array(enc, x, x.dtype, d)],
        _decode_categorical,
        types=("pandas:Categorical",),
    )
)
register(Kind("period", lambda enc, x, d: [str(x), x.freqstr], _decode_period, types=("pandas:Period",)))
register(Kind("ts", _encode_ts, _decode_ts, types=("pandas:Timestamp",)))
register(Kind("ptd", lambda enc, x, d: [int(x.value)], _decode_ptd, types=("pandas:Timedelta",)))
register(Kind("NaT", lambda enc, x, d: [], _pandas("NaT"), types=("pandas.api.typing:NaTType",)))
register(Kind("NA", lambda enc, x, d: [], _pandas("NA"), types=("pandas.api.typing:NAType",)))
