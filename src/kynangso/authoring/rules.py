"""The rules of `kynangso check` that read files without running them, and the registry every rule
is listed in.

A rule is a small function registered under its id: it reads one subject and yields a Finding (the
cell, a Vietnamese message saying what is wrong and how to fix it) for each problem. Its one-line
Vietnamese description is the catalogue's `authoring.rule.<id>`. Three lists hold the rules, each
in the order check applies them:

- MODULE_RULES read a module as a whole (a ModuleView): its folder, its notebooks' format, its points;
- STATIC_RULES read one source notebook;
- RUN_RULES (kynangso.grading.trial) read how grading the solution, the learner's copy and
  each recorded mistake did.

kynangso.grading.check applies them and turns findings into the problems trainers read.
"""

# size: the registry and every static rule in one place, each rule a short function (the trainers'
# guide lists them from here); the longest part is reading what a test's asserts check (ast)

from __future__ import annotations

import ast
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import nbformat

from .. import messages
from . import manifest
from . import notebook as nbm


class Finding(NamedTuple):
    cell: int | None  # 0-based index in the source notebook, or None for the whole notebook or module
    message: str
    notebook: Path | None = None  # the file it is about, when not the subject's own


@dataclass(frozen=True)
class Rule:
    id: str  # stable, shown in every problem and in the trainers' guide
    check: Callable[..., Iterator[Finding]]
    values: dict = field(default_factory=dict)  # placeholders of its description

    @property
    def description(self) -> str:
        return messages.text(f"authoring.rule.{self.id}", **self.values)


def registry(rules: list[Rule]):
    """The decorator that registers into `rules`: `@register(rule_id, **values)` appends the function
    it decorates as the rule `rule_id` (`values` fill the placeholders of its description)."""

    def register(rule_id: str, **values):
        def add(fn):
            rules.append(Rule(rule_id, fn, values))
            return fn

        return add

    return register


def say(key: str, **values) -> str:
    """A message of check: the catalogue's `authoring.problem.<key>`."""
    return messages.text(f"authoring.problem.{key}", **values)


def points(x: float) -> str:
    """A number of points as a notebook writes it: 2, 1,5."""
    return f"{x:g}".replace(".", ",")


MODULE_RULES: list[Rule] = []
STATIC_RULES: list[Rule] = []
module_rule = registry(MODULE_RULES)
static_rule = registry(STATIC_RULES)


# --- the module --------------------------------------------------------------------------------


@dataclass
class ModuleView:
    """What module rules read: the module, its notebooks as read, and those that could not be read."""

    module: manifest.Module
    notebooks: dict[Path, nbformat.NotebookNode] = field(default_factory=dict)
    unreadable: dict[Path, str] = field(default_factory=dict)  # path -> why, in Vietnamese

    @classmethod
    def read(cls, module: manifest.Module) -> ModuleView:
        view = cls(module)
        for path in sorted(module.source.glob("*.ipynb")) if module.source.is_dir() else []:
            try:
                nb = nbm.read(path)
                nbformat.validate(nb)
            except Exception as exc:  # noqa: BLE001 - a broken file is itself a finding
                view.unreadable[path] = nbm.unreadable(exc)
            else:
                view.notebooks[path] = nb
        return view

    @property
    def empty(self) -> bool:
        return not (self.notebooks or self.unreadable)


@module_rule("module-folder")
def module_folder(view: ModuleView) -> Iterator[Finding]:
    if not view.module.source.is_dir():
        yield Finding(None, say("module-folder.missing", folder=view.module.source, module=view.module.id))
    elif view.empty:
        yield Finding(None, say("module-folder.empty"))


@module_rule("notebook-format")
def notebook_format(view: ModuleView) -> Iterator[Finding]:
    for path, why in view.unreadable.items():
        yield Finding(None, say("notebook-format", why=why), notebook=path)


@module_rule("manifest-points")
def manifest_points(view: ModuleView) -> Iterator[Finding]:
    if view.empty:
        return  # module-folder says so
    total = sum(nbm.total_points(nb) for nb in view.notebooks.values())
    if abs(total - view.module.points) > 1e-9:
        yield Finding(None, say("manifest-points", total=points(total), points=points(view.module.points)))


# --- one source notebook -----------------------------------------------------------------------


def static_rules(nb) -> list[Rule]:
    """The static rules that apply to `nb`: an empty notebook gets only "empty" (the others read cells)."""
    return STATIC_RULES if nb.cells else [r for r in STATIC_RULES if r.id == "empty"]


@static_rule("empty")
def empty(nb) -> Iterator[Finding]:
    if not nb.cells:
        yield Finding(None, say("empty"))


@static_rule("objectives")
def objectives(nb) -> Iterator[Finding]:
    if not any(c.cell_type == "markdown" and "Mục tiêu" in c.source for c in nb.cells[:2]):
        yield Finding(0, say("objectives"))


@static_rule("key-points")
def key_points(nb) -> Iterator[Finding]:
    last = nb.cells[-1]
    if not (last.cell_type == "markdown" and "Ghi nhớ" in last.source):
        yield Finding(len(nb.cells) - 1, say("key-points"))


@static_rule("nfc")
def nfc(nb) -> Iterator[Finding]:
    for i, c in enumerate(nb.cells):
        if unicodedata.normalize("NFC", c.source) != c.source:
            yield Finding(i, say("nfc"))


def _graded_cells(nb) -> Iterator[tuple[int, str]]:
    for i, c in enumerate(nb.cells):
        if nbm.grade_id(c):
            yield i, nbm.grade_id(c)


@static_rule("grade-id-unique")
def grade_id_unique(nb) -> Iterator[Finding]:
    ids = Counter(gid for _, gid in _graded_cells(nb))
    for i, gid in _graded_cells(nb):
        if ids[gid] > 1:
            yield Finding(i, say("grade-id-unique", grade_id=gid))


@static_rule("grade-id-name")
def grade_id_name(nb) -> Iterator[Finding]:
    for i, gid in _graded_cells(nb):
        if not nbm.GRADE_ID.match(gid):
            yield Finding(i, say("grade-id-name", grade_id=gid))


def _opens_with_sentence(source: str) -> bool:
    """The first line of a test cell is a docstring or a comment of at least three words."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    text = first.lstrip("#").strip().strip("\"'").strip()
    return first.startswith(("#", '"', "'")) and len(text.split()) >= 3


@static_rule("test-purpose")
def tests_say_what_they_check(nb) -> Iterator[Finding]:
    for i, c in enumerate(nb.cells):
        if nbm.is_test(c) and not _opens_with_sentence(c.source):
            yield Finding(i, say("test-purpose"))


READERS = {
    "read_csv",
    "read_excel",
    "read_json",
    "read_table",
    "read_parquet",
    "read_html",
    "open",
    "urlopen",
    "loadtxt",
    "genfromtxt",
}
NETWORK_MODULES = {"requests", "httpx", "aiohttp", "urllib.request", "urllib3", "ftplib"}
USER_PATHS = ("/home/", "/Users/", "/root/", "/tmp/", "/mnt/", "~/")


def data_access_problems(source: str) -> list[str]:
    """Why the code `source` does not read its data the course's way: data come from datasets/
    through the package (kynangso.data.load / path), never from an absolute path, a user's folder or
    the network. Code that does not parse says nothing here (running it reports it)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for name in names:
            if name in NETWORK_MODULES or name.split(".")[0] in {"requests", "httpx", "aiohttp"}:
                out.append(say("data-access.network", module=name))
        if isinstance(node, ast.Call) and node.args:
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            arg = node.args[0]
            if func in READERS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append(say("data-access.reader", call=f"{func}({arg.value!r})"))
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            v = node.value
            if v.startswith(USER_PATHS) or (len(v) > 2 and v[1:3] == ":\\"):
                out.append(say("data-access.absolute", path=repr(v)))
    return out


@static_rule("data-access")
def data_access(nb) -> Iterator[Finding]:
    for i, c in enumerate(nb.cells):
        if c.cell_type == "code":
            for why in data_access_problems(c.source):
                yield Finding(i, why)


@static_rule("points-text")
def points_text(nb) -> Iterator[Finding]:
    qs = nbm.questions(nb)
    claimed = {q.prompt for q in qs.values() if q.prompt is not None}
    for i, c in enumerate(nb.cells):
        if c.cell_type == "markdown" and not nbm.grade_id(c) and nbm.points_in_text(c.source) and i not in claimed:
            yield Finding(i, say("points-text.orphan"))
    for q in qs.values():
        if q.stated_points is None:
            yield Finding(
                min(q.answers + q.tests + q.manual), say("points-text.missing", question=q.id, points=points(q.points))
            )
        elif abs(q.stated_points - q.points) > 1e-9:
            yield Finding(
                q.prompt,
                say("points-text.mismatch", stated=points(q.stated_points), question=q.id, points=points(q.points)),
            )


def _answers(nb) -> Iterator[int]:
    for q in nbm.questions(nb).values():
        yield from q.answers


@static_rule("solution-markers")
def solution_markers(nb) -> Iterator[Finding]:
    for a in _answers(nb):
        src = nb.cells[a].source
        if nbm.BEGIN_SOLUTION not in src or nbm.END_SOLUTION not in src:
            yield Finding(a, say("solution-markers"))


MISTAKES_SHAPE = '"kynangso": {"mistakes": ["...", "..."]}'


@static_rule("mistakes")
def mistakes(nb) -> Iterator[Finding]:
    for a in _answers(nb):
        ms = nbm.mistakes(nb.cells[a])
        if not ms or not all(isinstance(m, str) and m.strip() for m in ms):
            yield Finding(a, say("mistakes", shape=MISTAKES_SHAPE))


def _has_code(source: str) -> bool:
    """True when source holds a statement other than a docstring or comments."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return True
    return any(not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body)


@static_rule("tests")
def tests_public_and_hidden(nb) -> Iterator[Finding]:
    for q in nbm.questions(nb).values():
        if not q.autograded:
            continue
        if not q.tests:
            yield Finding(q.answers[0], say("tests.none", question=q.id))
            continue
        sources = [nb.cells[t].source for t in q.tests]
        if not any(nbm.BEGIN_HIDDEN in s for s in sources):
            yield Finding(q.tests[0], say("tests.no_hidden"))
        if not any(_has_code(nbm.public_part(s)) for s in sources):
            yield Finding(q.tests[0], say("tests.no_public"))


# --- what a test cell's asserts say and check --------------------------------------------------


def _hidden_lines(source: str) -> set[int]:
    """The 1-based line numbers of a test cell that nbgrader hides (the markers included)."""
    out, hidden = set(), False
    for n, line in enumerate(source.splitlines(), start=1):
        if line.strip() == nbm.BEGIN_HIDDEN:
            hidden = True
        if hidden:
            out.add(n)
        if line.strip() == nbm.END_HIDDEN:
            hidden = False
    return out


def _asserts(source: str) -> list[ast.Assert]:
    """The assert statements of `source` in line order ([] when it does not parse: running it says why)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return sorted((n for n in ast.walk(tree) if isinstance(n, ast.Assert)), key=lambda n: (n.lineno, n.col_offset))


# the marks Vietnamese puts on letters (grave, acute, tilde, hook above, dot below, circumflex, breve, horn), seen in NFD
VIETNAMESE_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b")


def looks_vietnamese(text: str) -> bool:
    """The text has a letter with a Vietnamese mark, or đ: what every Vietnamese sentence longer than a
    few words has, and what an English message or one typed without its marks ("sai roi") lacks."""
    return any(ch in VIETNAMESE_MARKS or ch in "đĐ" for ch in unicodedata.normalize("NFD", text))


def message_words(node: ast.expr) -> str | None:
    """The words an assert's message writes out: a string's text, an f-string's text outside its
    braces, both sides of a `+` or `%`; None when the message is built elsewhere (a name, a call of a
    helper that words it), which cannot be read without running the cell."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else ""
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        sides = [message_words(node.left), message_words(node.right)]
        return None if sides == [None, None] else "".join(s or "" for s in sides)
    return None


def _first_line(node: ast.AST) -> str:
    text = ast.unparse(node).splitlines()[0]
    return text if len(text) <= 70 else text[:67] + "..."


@static_rule("assert-message")
def asserts_have_vietnamese_messages(nb) -> Iterator[Finding]:
    for i, c in enumerate(nb.cells):
        if not nbm.is_test(c):
            continue
        hidden = _hidden_lines(c.source)
        for a in _asserts(c.source):
            part = say("assert-message.hidden") if a.lineno in hidden else say("assert-message.public")
            where = {"line": a.lineno, "part": part, "code": _first_line(a)}
            if a.msg is None:
                yield Finding(i, say("assert-message.none", **where))
            else:
                words = message_words(a.msg)
                if words is not None and not looks_vietnamese(words):
                    yield Finding(i, say("assert-message.not_vietnamese", **where))


# What a condition calls to ask only what kind of thing a value is.
KIND_CALLS = {"isinstance", "issubclass", "callable", "hasattr"}


def _called(node: ast.AST) -> str:
    """The name of the function a call calls (`isinstance`, `is_bool_dtype` for pd.api.types.is_bool_dtype), or ""."""
    if not isinstance(node, ast.Call):
        return ""
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _is_type_of(node: ast.AST) -> bool:
    """`type(x)`, or an attribute of it (`type(x).__name__`)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return _called(node) == "type"


def _len_of(node: ast.AST) -> str | None:
    """The source of x in `len(x)`, or None."""
    return ast.unparse(node.args[0]) if _called(node) == "len" and len(node.args) == 1 else None


# `len(x) > 0`, `len(x) >= 1`, `len(x) != 0`: x is not empty
NOT_EMPTY = {(ast.Gt, 0), (ast.GtE, 1), (ast.NotEq, 0)}
MIRRORED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.NotEq: ast.NotEq}


def _tuples_checked(values: list[ast.expr]) -> set[str]:
    """What an `and` chain checks with isinstance(x, tuple): `len(x) == 2` beside it states the tuple's
    arity, part of its kind ("a pair of strings")."""
    return {
        ast.unparse(v.args[0])
        for v in values
        if _called(v) == "isinstance" and len(v.args) == 2 and "tuple" in ast.unparse(v.args[1])
    }


def asks_only_kind(test: ast.expr, tuples: frozenset[str] = frozenset()) -> bool:
    """True when the condition of an assert asks only what kind of thing a value is, or that it is there:
    isinstance / issubclass / callable / hasattr, pandas' is_..._dtype, `type(x) is T` (==, in, is not),
    `x is not None`, `len(x) > 0` (>= 1, != 0), a bare `x`, a tuple's arity beside its isinstance, and
    `and`, `or`, `not`, all(...) and any(...) of these. Any other comparison or call checks a value:
    `len(x) == 28`, `0 < x <= 100`, `x is True`, `set(x) == {...}`, `not problems`."""
    if isinstance(test, ast.BoolOp):
        inner = tuples | _tuples_checked(test.values)
        return all(asks_only_kind(v, inner) for v in test.values)
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        # `not isinstance(x, bool)` asks a kind; `not problems` asks that a list of problems be empty
        return not isinstance(test.operand, (ast.Name, ast.Attribute, ast.Subscript)) and asks_only_kind(
            test.operand, tuples
        )
    if isinstance(test, ast.Call):
        name = _called(test)
        if name in KIND_CALLS or (name.startswith("is_") and name.endswith("_dtype")):
            return True
        generators = (ast.GeneratorExp, ast.ListComp, ast.SetComp)
        if name in {"all", "any"} and len(test.args) == 1 and isinstance(test.args[0], generators):
            return asks_only_kind(test.args[0].elt, tuples)
        return False
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        left, op, right = test.left, test.ops[0], test.comparators[0]
        if _is_type_of(left) or _is_type_of(right):
            return True
        if isinstance(op, (ast.Is, ast.IsNot)) and isinstance(right, ast.Constant) and right.value is None:
            return True
        if _len_of(right) is not None and type(op) in MIRRORED:  # 0 < len(x) reads as len(x) > 0
            left, op, right = right, MIRRORED[type(op)](), left
        if _len_of(left) is not None and isinstance(right, ast.Constant):
            if (type(op), right.value) in NOT_EMPTY:
                return True
            return isinstance(op, ast.Eq) and _len_of(left) in tuples
        return False
    return isinstance(test, (ast.Name, ast.Attribute, ast.Subscript))  # `assert x`: x is there, not empty


@static_rule("public-value")
def public_tests_check_a_value(nb) -> Iterator[Finding]:
    for i, c in enumerate(nb.cells):
        if not nbm.is_test(c):
            continue
        public = nbm.public_part(c.source)
        try:
            ast.parse(public)
        except SyntaxError:
            continue  # running the cell says why
        if not _has_code(public):
            continue  # the rule "tests" asks for a public part when the question has none
        if all(asks_only_kind(a.test) for a in _asserts(public)):  # no assert at all checks no value either
            yield Finding(i, say("public-value"))
