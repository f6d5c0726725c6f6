"""Which names a cell reads and which a model solution binds (from their syntax, never by running
them): the trusted runner fetches a learner's answer only for a name a test cell reads that the
question's model solution binds at module scope."""

from __future__ import annotations

import ast


def assigned_names(source: str, imports: bool = True) -> set[str]:
    """Names a piece of code binds or changes in place at module scope: assignments, `def`,
    `class`, `with ... as`, `for` targets, `except ... as`, `x[...] = ...` / `x.attr = ...` /
    `x += ...`, a method call statement (`bang.append(...)`, `df.drop(..., inplace=True)`), and
    `import` unless `imports` is false. What a function body, a lambda or a comprehension binds is
    local to it and does not count."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return set()
    found = _ModuleBindings(imports)
    found.visit(tree)
    return found.names


def _base_name(t):
    while isinstance(t, (ast.Subscript, ast.Attribute, ast.Starred)):
        t = t.value
    return t.id if isinstance(t, ast.Name) else None


class _ModuleBindings(ast.NodeVisitor):
    """The names bound at module scope (a visitor that does not enter other scopes)."""

    def __init__(self, imports: bool):
        self.imports, self.names = imports, set()

    def target(self, t):
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                self.target(e)
        elif (name := _base_name(t)) is not None:
            self.names.add(name)

    def visit_Assign(self, node):
        for t in node.targets:
            self.target(t)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self.target(node.target)
        self.generic_visit(node)

    visit_AnnAssign = visit_AugAssign

    def visit_For(self, node):
        self.target(node.target)
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_With(self, node):
        for item in node.items:
            if item.optional_vars is not None:
                self.target(item.optional_vars)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node):
        if node.name:
            self.names.add(node.name)
        self.generic_visit(node)

    def visit_FunctionDef(self, node):  # its body is another scope
        self.names.add(node.name)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Import(self, node):
        if self.imports:
            for alias in node.names:
                self.names.add((alias.asname or alias.name).split(".")[0])

    visit_ImportFrom = visit_Import

    def visit_NamedExpr(self, node):
        self.target(node.target)
        self.generic_visit(node)

    def visit_Lambda(self, node):  # another scope
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

    def visit_Expr(self, node):
        if isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Attribute):
            name = _base_name(node.value.func.value)  # lst.append(...): changed in place
            if name is not None:
                self.names.add(name)
        self.generic_visit(node)


def read_names(source: str) -> set[str]:
    """Every name a piece of code reads (a superset of the free names: enough to know what to ask for)."""
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
