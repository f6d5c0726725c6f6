"""Kinds for Python's own values: numbers, bytes, containers, and modules and classes that are
already imported on the trusted side (nothing is ever imported by the name a node gives)."""

from __future__ import annotations

import base64
import sys

from .core import Kind, placeholder, register


def _items(enc, xs, d):
    return [[enc(v, d) for v in xs]]


register(Kind("b", lambda enc, x, d: [x], lambda dec, a, d: bool(a[0]), types=("builtins:bool",)))
register(
    Kind("i", lambda enc, x, d: [str(x) if abs(x) > 2**53 else x], lambda dec, a, d: int(a[0]), types=("builtins:int",))
)
register(Kind("f", lambda enc, x, d: [repr(x)], lambda dec, a, d: float(a[0]), types=("builtins:float",)))
register(
    Kind(
        "y",
        lambda enc, x, d: [base64.b64encode(x).decode()],
        lambda dec, a, d: base64.b64decode(a[0]),
        types=("builtins:bytes",),
    )
)
register(Kind("l", _items, lambda dec, a, d: [dec(v, d) for v in a[0]], types=("builtins:list",)))
register(Kind("t", _items, lambda dec, a, d: tuple(dec(v, d) for v in a[0]), types=("builtins:tuple",)))
register(Kind("S", _items, lambda dec, a, d: {dec(v, d) for v in a[0]}, types=("builtins:set",)))
register(Kind("F", _items, lambda dec, a, d: frozenset(dec(v, d) for v in a[0]), types=("builtins:frozenset",)))
register(
    Kind(
        "d",
        lambda enc, x, d: [[[enc(k, d), enc(v, d)] for k, v in x.items()]],
        lambda dec, a, d: {dec(k, d): dec(v, d) for k, v in a[0]},
        types=("builtins:dict",),
    )
)


def _imported(name: str):
    return sys.modules.get(name) if name != "__main__" else None


def _module(dec, a, d):
    mod = _imported(str(a[0]))
    return mod if mod is not None else placeholder("module")


def _class(dec, a, d):
    obj = _imported(str(a[0]))
    for part in str(a[1]).split("."):
        obj = getattr(obj, part, None) if obj is not None else None
    return obj if isinstance(obj, type) else placeholder("type")


register(Kind("mod", lambda enc, x, d: [x.__name__], _module, types=("builtins:module",)))
register(
    Kind(
        "cls",
        lambda enc, x, d: [getattr(x, "__module__", ""), getattr(x, "__qualname__", "")],
        _class,
        test=lambda x: isinstance(x, type),
    )
)
