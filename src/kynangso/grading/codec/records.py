"""Kinds for the records and odd values officials' answers are: decimal numbers, counters, compiled
regular expressions, and named tuples and dataclasses (of the other kinds), with their classes.

A learner's named tuple or dataclass class is rebuilt on the trusted side as a class of the same
name and fields, made once per name and fields, so that values of it compare equal to each other
and keep their field names; nothing of the learner's class (its methods) is carried."""

from __future__ import annotations

import dataclasses
import sys

from .core import Kind, register


def _decimal(dec, a, d):
    from decimal import Decimal

    return Decimal(str(a[0]))


def _counter(dec, a, d):
    from collections import Counter

    return Counter({dec(k, d): dec(v, d) for k, v in a[0]})


def _pattern(dec, a, d):
    import re

    return re.compile(dec(a[0], d), int(a[1]))


register(Kind("dec", lambda enc, x, d: [str(x)], _decimal, types=("decimal:Decimal",)))
register(
    Kind(
        "counter",
        lambda enc, x, d: [[[enc(k, d), enc(v, d)] for k, v in x.items()]],
        _counter,
        types=("collections:Counter",),
    )
)
register(Kind("re", lambda enc, x, d: [enc(x.pattern, d), int(x.flags)], _pattern, types=("re:Pattern",)))


# ------------------------------------------------------------------ records and their classes

_CLASSES: dict[tuple, type] = {}  # (kind, name, fields) -> the class rebuilt here


def _identifier(name) -> str:
    name = str(name)
    return name if name.isidentifier() else "KhongXacDinh"


def record_class(kind: str, name: str, fields: list[str]) -> type:
    """The class, made here once, that stands for a learner's named tuple or dataclass."""
    fields = [_identifier(f) for f in fields]
    key = (kind, _identifier(name), tuple(fields))
    cls = _CLASSES.get(key)
    if cls is None:
        if kind == "namedtuple":
            from collections import namedtuple

            cls = namedtuple(key[1], fields)
        else:
            cls = dataclasses.make_dataclass(key[1], fields, eq=True)
        cls.__module__ = "hoc_vien"
        _CLASSES[key] = cls
    return cls


def _is_namedtuple_class(t) -> bool:
    return isinstance(t, type) and issubclass(t, tuple) and t is not tuple and hasattr(t, "_fields")


def _is_dataclass_class(t) -> bool:
    return isinstance(t, type) and dataclasses.is_dataclass(t)


def _encode_namedtuple(enc, x, d):
    return [type(x).__name__, list(type(x)._fields), [enc(v, d) for v in x]]


def _decode_namedtuple(dec, a, d):
    return record_class("namedtuple", a[0], a[1])(*[dec(v, d) for v in a[2]])


def _encode_dataclass(enc, x, d):
    names = [f.name for f in dataclasses.fields(x)]
    return [type(x).__name__, names, [enc(getattr(x, n), d) for n in names]]


def _decode_dataclass(dec, a, d):
    cls = record_class("dataclass", a[0], a[1])
    obj = object.__new__(cls)
    for name, value in zip(cls.__dataclass_fields__, a[2], strict=True):
        object.__setattr__(obj, name, dec(value, d))
    return obj


def _encode_record_class(enc, x, d):
    kind = "namedtuple" if _is_namedtuple_class(x) else "dataclass"
    fields = list(x._fields) if kind == "namedtuple" else [f.name for f in dataclasses.fields(x)]
    return [kind, x.__name__, fields]


register(Kind("nt", _encode_namedtuple, _decode_namedtuple, test=lambda x: _is_namedtuple_class(type(x))))
register(
    Kind(
        "dc",
        _encode_dataclass,
        _decode_dataclass,
        test=lambda x: not isinstance(x, type) and dataclasses.is_dataclass(x),
    )
)
# a learner's own record class, fetched by name (a class of an imported module stays the "cls" kind)
register(
    Kind(
        "rcls",
        _encode_record_class,
        lambda dec, a, d: record_class(a[0], a[1], a[2]),
        test=lambda x: (
            (_is_namedtuple_class(x) or _is_dataclass_class(x))
            and getattr(x, "__module__", "") not in sys.modules.keys() - {"__main__"}
        ),
    )
)
