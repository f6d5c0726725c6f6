"""The codec's machinery: the registry of kinds, the encoder, the decoder, placeholders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ... import messages

MAX_DEPTH = 60


@dataclass(frozen=True)
class Kind:
    """One kind of value: `tag` names its nodes; `types` are the exact types it encodes, as
    "module:name" (looked up once that module is imported: no value of a type can exist before; a
    subclass is another type, so it is not encoded as this kind); `test`, for kinds whose classes
    are many or private (X.509 keys), decides from the value instead.
    `encode(enc, x, depth)` returns the node's arguments (after the tag), or None to refuse the
    value; `decode(dec, args, depth)` rebuilds it."""

    tag: str
    encode: Callable[[Any, Any, int], list | None]
    decode: Callable[[Any, list, int], Any]
    types: tuple[str, ...] = ()
    test: Callable[[Any], bool] | None = None


KINDS: dict[str, Kind] = {}  # tag -> kind
_BY_TYPE: dict[type, Kind] = {}  # exact type -> kind
_PENDING: list[tuple[str, str, Kind]] = []  # (module, name, kind) not looked up yet
_TESTED: list[Kind] = []


def register(kind: Kind) -> Kind:
    if kind.tag in KINDS:
        raise ValueError(f"codec tag {kind.tag!r} registered twice")
    KINDS[kind.tag] = kind
    for spec in kind.types:
        module, _, name = spec.partition(":")
        _PENDING.append((module, name, kind))
    if kind.test is not None:
        _TESTED.append(kind)
    return kind


def kinds_for(x):
    """The kinds that may encode `x`, in order: the one of its exact type, then those whose test
    accepts it (the first whose encode does not refuse the value wins)."""
    t = type(x)
    kind = _BY_TYPE.get(t)
    if kind is None and _PENDING:
        _look_up()
        kind = _BY_TYPE.get(t)
    if kind is not None:
        yield kind
    yield from (k for k in _TESTED if k is not kind and k.test(x))


def _look_up() -> None:
    """Find the registered types of every package already imported (a submodule such as
    pandas.api.typing is imported here once its package is: that imports nothing new)."""
    import importlib
    import sys

    for entry in list(_PENDING):
        module, name, kind = entry
        if module.split(".")[0] in sys.modules:
            try:
                obj = importlib.import_module(module)
            except ImportError:
                _PENDING.remove(entry)
                continue
            for part in name.split("."):
                obj = getattr(obj, part, None)
            if isinstance(obj, type):
                _BY_TYPE.setdefault(obj, kind)
            _PENDING.remove(entry)


class Placeholder:
    """A value the codec does not rebuild: it keeps its type's name (for the tests' messages) and is
    equal only to itself; it has no other behaviour."""

    __slots__ = ()

    def __repr__(self):
        return messages.text("grading.placeholder", type=type(self).__name__)

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        return id(self)

    def __bool__(self):
        return True


_PLACEHOLDER_TYPES: dict[str, type] = {}


def placeholder(type_name: str) -> Placeholder:
    name = type_name if type_name.isidentifier() else "KhongXacDinh"
    cls = _PLACEHOLDER_TYPES.get(name)
    if cls is None:
        cls = _PLACEHOLDER_TYPES[name] = type(name, (Placeholder,), {"__slots__": (), "__module__": "hoc_vien"})
    return cls()


class LearnerError(Exception):
    """A learner's function raised an exception of a type that is not a built-in one."""


_BUILTIN_ERRORS = {
    e.__name__: e
    for e in (
        ArithmeticError,
        AssertionError,
        AttributeError,
        EOFError,
        Exception,
        ImportError,
        IndexError,
        KeyError,
        LookupError,
        ModuleNotFoundError,
        NameError,
        NotImplementedError,
        OSError,
        OverflowError,
        RecursionError,
        RuntimeError,
        StopIteration,
        TypeError,
        UnboundLocalError,
        UnicodeError,
        ValueError,
        ZeroDivisionError,
        FileNotFoundError,
        MemoryError,
    )
}


def builtin_error(name: str, message: str) -> Exception:
    """The exception a learner's function raised, rebuilt as the same built-in type (a type the
    trusted side does not know becomes LearnerError, naming it)."""
    cls = _BUILTIN_ERRORS.get(str(name))
    return cls(str(message)) if cls is not None else LearnerError(f"{name}: {message}")


class LearnerFunction:
    """A learner's function, seen from the trusted runner: calling it runs it in the learner's kernel."""

    def __init__(self, call, fn_id: int, name: str, doc: str | None = None):
        self._call, self._id = call, fn_id
        self.__name__ = self.__qualname__ = name
        self.__doc__ = doc  # a test may read what the learner wrote about their function

    def __call__(self, *args, **kwargs):
        if self._call is None:
            raise LearnerError(messages.text("grading.learner_function_unavailable"))
        return self._call(self._id, args, kwargs)

    def __repr__(self):
        return messages.text("grading.learner_function", name=self.__name__)


FUNCTION_TYPES = ("function", "builtin_function_or_method", "method", "partial")


class Encoder:
    """Turns values into JSON-able nodes. `functions` collects the callables it meets (their number
    goes in the node; the learner's side keeps the objects to call them later)."""

    def __init__(self, functions: list | None = None):
        self.functions = functions if functions is not None else []
        self._ids: dict[int, int] = {id(f): i for i, f in enumerate(self.functions)}

    def __call__(self, x, depth: int = 0):
        if depth > MAX_DEPTH:
            return ["?", "RecursionLimit"]
        if x is None:
            return None
        t = type(x)
        if t is str:
            return x
        for kind in kinds_for(x):
            args = kind.encode(self, x, depth + 1)
            if args is not None:
                return [kind.tag, *args]
        if t.__name__ in FUNCTION_TYPES and callable(x):
            doc = getattr(x, "__doc__", None)
            return ["fn", self.function(x), str(getattr(x, "__name__", "ham")), doc if type(doc) is str else None]
        return ["?", t.__name__]

    def function(self, fn) -> int:
        """The number of a learner's function (the same function, the same number)."""
        if id(fn) not in self._ids:
            self._ids[id(fn)] = len(self.functions)
            self.functions.append(fn)
        return self._ids[id(fn)]


class Decoder:
    """Rebuilds values from nodes, only ever as the kinds registered; `call(fn_id, args, kwargs)`
    runs a learner's function (in the trusted runner: over the socket to the learner's kernel)."""

    def __init__(self, call=None):
        self.call = call
        self.uncarried: list[str] = []  # the types of the values it could only give as placeholders
        self.names: dict[int, str] = {}  # a learner's function's number -> its name

    def __call__(self, n, depth: int = 0):
        if depth > MAX_DEPTH + 2:
            raise ValueError("too deep")
        if n is None:
            return None
        if type(n) is str:
            return n
        if type(n) is not list or not n or type(n[0]) is not str:
            raise ValueError("not a node")
        tag, args = n[0], n[1:]
        if tag == "fn":
            doc = args[2] if len(args) > 2 and type(args[2]) is str else None
            self.names[int(args[0])] = str(args[1])
            return LearnerFunction(self.call, int(args[0]), str(args[1]), doc)
        if tag == "?":
            self.uncarried.append(str(args[0]))
            return placeholder(str(args[0]))
        kind = KINDS.get(tag)
        if kind is None:
            raise ValueError(f"unknown node {tag!r}")
        return kind.decode(self, args, depth + 1)
