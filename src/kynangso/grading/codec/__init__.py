"""The strict codec: learners' answers cross from their kernel to the trusted runner as plain data.

A value is encoded as a JSON node `[tag, ...]` (a `str` or `None` stands for itself) and rebuilt
only as the type its tag names, never by importing a name the node gives. Each kind of value is
one entry of a registry (`core.Kind`): the exact types it encodes (by module and name, so a
subclass is not the type) or a test, how to write its node and how to rebuild it. What no kind
carries arrives as an inert `Placeholder` that keeps its type's name and equals only itself; a
learner's function arrives as a `LearnerFunction` that runs in the learner's kernel when called.

- `core`: the registry, `Encoder`, `Decoder`, placeholders, learners' functions and errors;
- `builtin`: numbers, str, bytes, containers, modules and classes already imported;
- `tables`: numpy scalars and arrays, pandas Series, DataFrame, Index (every column's dtype);
- `things`: dates and times, paths, e-mail messages, X.509 objects, the mail lab, matplotlib Axes;
- `records`: Decimal, Counter, compiled regular expressions, named tuples and dataclasses.

Importing this package registers every kind. It imports nothing of kynangso outside grading.codec
(the mail lab only when one is rebuilt).
"""

# each module registers its kinds; records first: its tests come before the plain class kind's
from . import records, builtin, tables, things  # noqa: F401, I001
from .core import (  # noqa: F401
    KINDS,
    MAX_DEPTH,
    Decoder,
    Encoder,
    Kind,
    LearnerError,
    LearnerFunction,
    Placeholder,
    builtin_error,
    placeholder,
    register,
)
