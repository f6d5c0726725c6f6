"""`kynangso check`: the trainers' linter. Each problem names the notebook, the cell, the rule and the fix."""

from __future__ import annotations

import ast
import copy
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import execute, manifest, paths
from . import notebook as nbm


@dataclass(frozen=True)
class Problem:
    notebook: Path
    cell: int | None  # 0-based index; shown 1-based
    grade_id: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        try:
            where = str(self.notebook.relative_to(paths.project_root()))
        except ValueError:
            where = str(self.notebook)
        if self.cell is not None:
            where += f", ô {self.cell + 1}"
        if self.grade_id:
            where += f" [{self.grade_id}]"
        return f"{where} ({self.rule}): {self.message}"


def _has_code(source: str) -> bool:
    """True when source holds a statement other than a docstring or comments."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return True
    return any(not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)) for s in body)


def static_problems(path: Path, nb) -> list[Problem]:
    out: list[Problem] = []

    def add(cell, rule, message):
        gid = nbm.grade_id(nb.cells[cell]) if cell is not None else None
        out.append(Problem(path, cell, gid, rule, message))

    cells = nb.cells
    if not cells:
        return [Problem(path, None, None, "empty", "notebook không có ô nào.")]
    if not any(c.cell_type == "markdown" and "Mục tiêu" in c.source for c in cells[:2]):
        add(0, "objectives", "notebook phải mở đầu bằng ô Markdown có mục \"Mục tiêu\" (ô 1 hoặc 2).")
    if not (cells[-1].cell_type == "markdown" and "Ghi nhớ" in cells[-1].source):
        add(len(cells) - 1, "key-points", "ô cuối phải là ô Markdown có mục \"Ghi nhớ\".")
    for i, c in enumerate(cells):
        if unicodedata.normalize("NFC", c.source) != c.source:
            add(i, "nfc", "văn bản chưa ở dạng Unicode NFC; chuẩn hóa bằng unicodedata.normalize(\"NFC\", ...).")

    ids = Counter(nbm.grade_id(c) for c in cells if nbm.grade_id(c))
    for i, c in enumerate(cells):
        gid = nbm.grade_id(c)
        if not gid:
            continue
        if ids[gid] > 1:
            add(i, "grade-id-unique", f"grade id \"{gid}\" bị trùng; mỗi ô chấm điểm cần một grade id riêng.")
        if not nbm.GRADE_ID.match(gid):
            add(i, "grade-id-name", f"grade id \"{gid}\" phải có dạng <câu>_<khía cạnh>, chữ thường không dấu, "
                                    "ví dụ q3_answer, q3_tests.")

    qs = nbm.questions(nb)
    claimed = {q.prompt for q in qs.values() if q.prompt is not None}
    for i, c in enumerate(cells):
        if c.cell_type == "markdown" and not nbm.grade_id(c) and nbm.points_in_text(c.source) and i not in claimed:
            add(i, "points-text", "ô ghi \"(N điểm)\" nhưng không có câu hỏi chấm điểm nào theo sau.")
    for q in qs.values():
        first = min(q.answers + q.tests + q.manual)
        if q.stated_points is None:
            add(first, "points-text", f"câu {q.id} chưa ghi số điểm: thêm \"({q.points:g} điểm)\" vào ô đề bài ngay trước.")
        elif abs(q.stated_points - q.points) > 1e-9:
            add(q.prompt, "points-text", f"đề bài ghi ({q.stated_points:g} điểm) nhưng các ô chấm của câu {q.id} "
                                         f"cộng lại {q.points:g} điểm; sửa chữ hoặc sửa \"points\" cho khớp.")
        for a in q.answers:
            src = cells[a].source
            if nbm.BEGIN_SOLUTION not in src or nbm.END_SOLUTION not in src:
                add(a, "solution-markers", "ô trả lời phải bọc lời giải giữa \"### BEGIN SOLUTION\" và \"### END SOLUTION\".")
            ms = nbm.mistakes(cells[a])
            if not ms or not all(isinstance(m, str) and m.strip() for m in ms):
                add(a, "mistakes", "ghi ít nhất một lỗi thường gặp vào metadata: "
                                   "\"kynangso\": {\"mistakes\": [\"<code học viên hay viết sai>\"]}.")
        if q.autograded:
            if not q.tests:
                add(q.answers[0], "tests", f"câu {q.id} có ô trả lời nhưng không có ô kiểm tra (grade: true, solution: false).")
                continue
            sources = [cells[t].source for t in q.tests]
            if not any(nbm.BEGIN_HIDDEN in s for s in sources):
                add(q.tests[0], "tests", "ô kiểm tra cần có phần ẩn giữa \"### BEGIN HIDDEN TESTS\" và \"### END HIDDEN TESTS\".")
            if not any(_has_code(nbm.public_part(s)) for s in sources):
                add(q.tests[0], "tests", "ô kiểm tra cần có phép kiểm tra công khai (ngoài phần ẩn) để học viên tự kiểm tra.")
    return out


def _variant(nb, answer: int, code: str, stop: int):
    """The notebook up to cell `stop`, with the answer cell holding `code` in place of the solution."""
    v = copy.deepcopy(nb)
    v.cells = v.cells[: stop + 1]
    for i, cell in enumerate(v.cells):
        if nbm.is_answer(cell):
            cell.source = nbm.fill_answer(cell.source, code) if i == answer else nbm.solution_code(cell.source)
    return v


def run_problems(path: Path, nb, workers: int | None = None) -> list[Problem]:
    """Run the solution and every recorded mistake; the tests must accept the one and reject the others."""
    out: list[Problem] = []
    qs = [q for q in nbm.questions(nb).values() if q.autograded and q.tests]
    jobs = [("solution", None, None, None, nb)]
    for q in qs:
        for a in q.answers:
            for k, code in enumerate(nbm.mistakes(nb.cells[a])):
                jobs.append(("mistake", q, a, (k, code), _variant(nb, a, code, q.last_cell)))
    runs = execute.run_all([j[4] for j in jobs], workers=workers)
    solution = runs[0]
    if solution.failure:
        out.append(Problem(path, None, None, "solution-runs", f"lời giải không chạy hết: {solution.failure}."))
    for i, cell in enumerate(solution.nb.cells):
        if nbm.is_test(cell) and not execute.passed(cell):
            why = execute.error_of(cell) or f"in ra stderr: {execute.stderr_of(cell).strip()[:200]}"
            out.append(Problem(path, i, nbm.grade_id(cell), "solution-passes",
                               f"lời giải không qua ô kiểm tra này ({why}); nbgrader sẽ chấm 0 cho học viên làm đúng."))
        elif cell.cell_type == "code" and not nbm.is_test(cell) and execute.error_of(cell):
            out.append(Problem(path, i, nbm.grade_id(cell), "solution-runs",
                               f"ô báo lỗi khi chạy lời giải: {execute.error_of(cell)}."))
    for (kind, q, a, (k, code), _), run in zip(jobs[1:], runs[1:]):
        if run.failure:
            continue  # a mistake that hangs or kills the kernel is rejected by the grader too
        if all(execute.passed(run.nb.cells[t]) for t in q.tests):
            tests = ", ".join(nbm.grade_id(nb.cells[t]) for t in q.tests)
            first_line = code.strip().splitlines()[0] if code.strip() else ""
            out.append(Problem(path, q.tests[0], nbm.grade_id(nb.cells[q.tests[0]]), "mistake-rejected",
                               f"ô kiểm tra ({tests}) chấp nhận lỗi ghi sẵn số {k + 1} của ô {a + 1} "
                               f"(`{first_line}`...); thêm phép kiểm tra bắt được lỗi này."))
    return out


def check_module(module: manifest.Module, run: bool = True, workers: int | None = None) -> list[Problem]:
    problems: list[Problem] = []
    if not module.source.is_dir():
        return [Problem(module.source, None, None, "module-folder", f"thiếu thư mục {module.source} của mô-đun {module.id}.")]
    notebooks = sorted(module.source.glob("*.ipynb"))
    if not notebooks:
        return [Problem(module.source, None, None, "module-folder", "mô-đun chưa có notebook nào.")]
    total = 0.0
    for path in notebooks:
        try:
            nb = nbm.read(path)
            nbm.nbformat.validate(nb)
        except Exception as exc:  # a broken file is itself a finding
            problems.append(Problem(path, None, None, "notebook-format", f"không đọc được notebook: {exc}"))
            continue
        total += nbm.total_points(nb)
        problems += static_problems(path, nb)
        if run and nbm.is_graded(nb):
            problems += run_problems(path, nb, workers)
    if abs(total - module.points) > 1e-9:
        problems.append(Problem(module.source, None, None, "manifest-points",
                                f"các notebook cộng lại {total:g} điểm, manifest ghi {module.points:g}; sửa cho khớp."))
    return problems


def add_arguments(p) -> None:
    p.add_argument("--module", action="append", help="check only this module (repeatable)")
    p.add_argument("--no-run", action="store_true", help="static rules only: do not execute notebooks")
    p.add_argument("--workers", type=int, default=None, help="kernels run at once (default: one per core)")


def selected_modules(ids: list[str] | None) -> list[manifest.Module]:
    m = manifest.load()
    return [m.module(i) for i in ids] if ids else m.ready_modules()


def run(args) -> int:
    problems: list[Problem] = []
    for module in selected_modules(args.module):
        found = check_module(module, run=not args.no_run, workers=args.workers)
        print(f"{module.id}: {'OK' if not found else f'{len(found)} vấn đề'}")
        problems += found
    for p in problems:
        print(f"  {p}")
    return 1 if problems else 0
