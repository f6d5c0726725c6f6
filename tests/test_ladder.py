"""The course is a ladder: an official who knows only module 00 can do every later module's exercises
with what the lessons taught.

For each module, in manifest order, the Python constructs its model solutions use (the code between
BEGIN and END SOLUTION in the answer cells of its graded notebooks, read with `ast`) must each appear
in a code cell of its own lesson or of an earlier module's lesson (its notebooks without grade cells).
A lesson cell that shows an error on purpose (tagged `raises-exception`) teaches what not to write and
counts for nothing; a solution region of a lesson's practice cell is not shown to learners and counts
for nothing either.

The constructs are an explicit list (CONSTRUCTS), printed when the test fails. Method calls are
recognised by name (`.split()` on a string and `.split()` on something else look the same to `ast`):
the list names the methods of str, list, dict and set that the course's solutions call.
"""

import ast

import pytest

from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm

SYNTAX = {
    "def": ast.FunctionDef,
    "return": ast.Return,
    "lambda": ast.Lambda,
    "for": ast.For,
    "while": ast.While,
    "break": ast.Break,
    "continue": ast.Continue,
    "conditional expression": ast.IfExp,
    "list comprehension": ast.ListComp,
    "dict comprehension": ast.DictComp,
    "set comprehension": ast.SetComp,
    "generator expression": ast.GeneratorExp,
    "dict literal": ast.Dict,
    "set literal": ast.Set,
    "f-string": ast.JoinedStr,
    "try/except": ast.Try,
    "raise": ast.Raise,
    "with": ast.With,
    "assert": ast.Assert,
    "class": ast.ClassDef,
    "global/nonlocal": (ast.Global, ast.Nonlocal),
    "yield": (ast.Yield, ast.YieldFrom),
    "augmented assignment": ast.AugAssign,
    "import": ast.Import,
    "from-import": ast.ImportFrom,
    "assignment expression": ast.NamedExpr,
}
# recognised by a closer look at the node (see constructs())
SHAPES = [
    "if",
    "elif",
    "else",
    "loop else",
    "default argument",
    "list literal",
    "tuple literal",
    "unpacking",
    "starred",
    "f-string format spec",
    "import as",
    "slicing",
    "comparison chain",
    "in / not in",
    "is / is not",
    "and / or",
    "not",
    "& | on masks",
    "~ on a mask",
    "keyword argument",
]
BUILTINS = [
    "abs", "all", "any", "bool", "callable", "dict", "enumerate", "filter", "float", "int", "isinstance",
    "len", "list", "map", "max", "min", "next", "open", "print", "range", "repr", "reversed", "round",
    "set", "sorted", "str", "sum", "tuple", "type", "zip",
]  # fmt: skip
METHODS = [  # of str, then of list, dict and set
    "count", "endswith", "find", "format", "isdigit", "join", "lower", "lstrip", "replace", "rstrip",
    "split", "startswith", "strip", "title", "upper",
    "append", "extend", "insert", "pop", "sort",
    "get", "items", "keys", "setdefault", "update", "values",
    "add", "discard",
]  # fmt: skip
CONSTRUCTS = list(SYNTAX) + SHAPES + [f"builtin {b}()" for b in BUILTINS] + [f"method .{m}()" for m in METHODS]

# What a module's solutions use that no lesson up to it shows, as the course stands. Each entry is a
# gap for the officials, to close in a lesson (module 00b's, or the module's own); the test fails
# when a gap is closed (remove it here) or a new one opens.
KNOWN_GAPS: dict[str, list[str]] = {}


def constructs(code: str, lines: tuple[int, int] | None = None) -> set[str]:
    """The constructs of CONSTRUCTS that `code` uses; with `lines` (first, last, from 1), only those
    whose node starts on one of those lines."""
    tree = ast.parse(code)
    text = code.splitlines()
    found = set()
    for node in ast.walk(tree):
        if lines and hasattr(node, "lineno") and not lines[0] <= node.lineno <= lines[1]:
            continue
        found |= {name for name, kind in SYNTAX.items() if isinstance(node, kind)}
        found |= _shapes(node, text)
    unknown = found - set(CONSTRUCTS)
    assert not unknown, f"constructs() named {unknown}, which CONSTRUCTS does not list"
    return found


def _shapes(node, text: list[str]) -> set[str]:
    found = set()
    if isinstance(node, ast.If):
        found.add("if")
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            line = text[node.orelse[0].lineno - 1].lstrip()
            found.add("elif" if line.startswith("elif") else "else")
        elif node.orelse:
            found.add("else")
    elif isinstance(node, (ast.For, ast.While)) and node.orelse:
        found.add("loop else")
    elif isinstance(node, (ast.FunctionDef, ast.Lambda)) and (node.args.defaults or any(node.args.kw_defaults)):
        found.add("default argument")
    elif isinstance(node, ast.List) and isinstance(node.ctx, ast.Load):
        found.add("list literal")
    elif isinstance(node, (ast.Tuple, ast.List)) and isinstance(node.ctx, ast.Store):
        found.add("unpacking")
    elif isinstance(node, ast.Tuple):
        found.add("tuple literal")
    elif isinstance(node, ast.Starred):
        found.add("starred")
    elif isinstance(node, ast.FormattedValue) and node.format_spec:
        found.add("f-string format spec")
    elif isinstance(node, (ast.Import, ast.ImportFrom)) and any(a.asname for a in node.names):
        found.add("import as")
    elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
        found.add("slicing")
    elif isinstance(node, ast.Compare):
        if len(node.ops) > 1:
            found.add("comparison chain")
        if any(isinstance(op, (ast.In, ast.NotIn)) for op in node.ops):
            found.add("in / not in")
        if any(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
            found.add("is / is not")
    elif isinstance(node, ast.BoolOp):
        found.add("and / or")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        found.add("not")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        found.add("~ on a mask")
    elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
        found.add("& | on masks")
    elif isinstance(node, ast.Call):
        if any(k.arg is not None for k in node.keywords):
            found.add("keyword argument")
        if isinstance(node.func, ast.Name) and node.func.id in BUILTINS:
            found.add(f"builtin {node.func.id}()")
        if isinstance(node.func, ast.Attribute) and node.func.attr in METHODS:
            found.add(f"method .{node.func.attr}()")
    return found


def _learner_code(source: str) -> str:
    """A lesson cell as learners see it: a practice cell's solution region left out, IPython's
    magics and shell lines (not Python) dropped."""
    if nbm.BEGIN_SOLUTION in source:
        before, _, after = nbm.split_solution(source)
        source = before + after
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))


def taught_by(module: manifest.Module) -> set[str]:
    """What the module's lessons show in their code cells."""
    found = set()
    for path in sorted(module.source.glob("*.ipynb")):
        nb = nbm.read(path)
        if nbm.is_graded(nb):
            continue
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or nbm.shows_error(cell):
                continue
            try:
                found |= constructs(_learner_code(cell.source))
            except SyntaxError:
                pytest.fail(
                    f"{path.name}, cell {i + 1}: not Python; a cell that shows an error on purpose is tagged raises-exception"
                )
    return found


def used_by(module: manifest.Module) -> set[str]:
    """What the module's model solutions use: the code between the solution markers."""
    found = set()
    for path in nbm.graded_notebooks(module.source):
        for cell in nbm.read(path).cells:
            if not nbm.is_answer(cell):
                continue
            before, solution, _ = nbm.split_solution(cell.source)
            first = before.count("\n") + 1
            found |= constructs(nbm.solution_code(cell.source), (first, first + solution.count("\n")))
    return found


def ladder() -> dict[str, tuple[set[str], set[str]]]:
    """module id -> (what its solutions use, what the lessons up to it taught), in manifest order."""
    taught: set[str] = set()
    steps = {}
    for module in manifest.load().ready_modules():
        taught = taught | taught_by(module)
        steps[module.id] = (used_by(module), taught)
    return steps


def test_every_construct_a_solution_uses_was_taught_by_its_module():
    steps = ladder()
    gaps = {m: sorted(used - taught) for m, (used, taught) in steps.items() if used - taught}
    report = "\n".join(
        f"  {m}: solutions use {sorted(used)}\n  {' ' * len(m)}  not taught up to it: {sorted(used - taught)}"
        for m, (used, taught) in steps.items()
    )
    assert gaps == KNOWN_GAPS, (
        f"the gaps are {gaps}, KNOWN_GAPS says {KNOWN_GAPS}\n{report}\nconstructs looked for: {CONSTRUCTS}"
    )


def test_the_ladder_starts_at_module_00_and_programming_basics_come_before_module_01():
    """Module 01 is the first to need def, for, if and dictionaries: module 00b teaches them first."""
    steps = ladder()
    assert list(steps)[:3] == ["00-lam-quen", "00b-lap-trinh-co-ban", "01-thu-dien-tu"], list(steps)
    before_01 = steps["00b-lap-trinh-co-ban"][1]
    basics = {"def", "return", "for", "if", "elif", "else", "dict literal", "list comprehension", "builtin zip()"}
    assert basics <= before_01, sorted(basics - before_01)
    assert basics & steps["01-thu-dien-tu"][0], "module 01's solutions no longer need the basics: is 00b still needed?"


# one sample per construct: the extractor must see it there (and a test that cannot fail is a defect)
SAMPLES = {
    "def": "def f(x):\n    pass",
    "return": "def f(x):\n    return x",
    "lambda": "f = lambda x: x",
    "for": "for x in y:\n    pass",
    "while": "while x:\n    pass",
    "break": "for x in y:\n    break",
    "continue": "for x in y:\n    continue",
    "conditional expression": "a = 1 if x else 2",
    "list comprehension": "[x for x in y]",
    "dict comprehension": "{x: 1 for x in y}",
    "set comprehension": "{x for x in y}",
    "generator expression": "any(x for x in y)",
    "dict literal": "d = {}",
    "set literal": "s = {1, 2}",
    "f-string": 'f"{x}"',
    "try/except": "try:\n    pass\nexcept ValueError:\n    pass",
    "raise": "raise ValueError",
    "with": "with x as y:\n    pass",
    "assert": "assert x",
    "class": "class A:\n    pass",
    "global/nonlocal": "def f():\n    global x",
    "yield": "def f():\n    yield 1",
    "augmented assignment": "x += 1",
    "import": "import re",
    "from-import": "from re import sub",
    "assignment expression": "(n := 1)",
    "if": "if x:\n    pass",
    "elif": "if x:\n    pass\nelif y:\n    pass",
    "else": "if x:\n    pass\nelse:\n    pass",
    "loop else": "for x in y:\n    pass\nelse:\n    pass",
    "default argument": "def f(x=1):\n    pass",
    "list literal": "a = [1]",
    "tuple literal": "a = (1, 2)",
    "unpacking": "a, b = c",
    "starred": "f(*a)",
    "f-string format spec": 'f"{x:.1f}"',
    "import as": "import pandas as pd",
    "slicing": "a[1:3]",
    "comparison chain": "0 < x <= 4",
    "in / not in": "x not in y",
    "is / is not": "x is None",
    "and / or": "x and y",
    "not": "not x",
    "& | on masks": "a & b",
    "~ on a mask": "~a",
    "keyword argument": "f(x, reverse=True)",
}


@pytest.mark.parametrize("name", CONSTRUCTS)
def test_each_construct_is_seen_in_a_sample(name):
    if name.startswith("builtin "):
        sample = f"{name.removeprefix('builtin ')}"
    elif name.startswith("method "):
        sample = f"x{name.removeprefix('method ')}"
    else:
        sample = SAMPLES[name]
    assert name in constructs(sample), (name, sample, constructs(sample))


def test_else_if_is_not_elif_and_lines_outside_the_solution_do_not_count():
    nested = "if x:\n    pass\nelse:\n    if y:\n        pass"
    assert {"if", "else"} <= constructs(nested) and "elif" not in constructs(nested)
    code = "def f(x):\n    return [v for v in x]\n"
    assert "def" not in constructs(code, (2, 2)) and "list comprehension" in constructs(code, (2, 2))
    assert constructs("x = 1") == set()
