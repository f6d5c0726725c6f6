"""`kynangso check`: the trainers' linter. Each problem names the notebook, the cell, the rule and the fix."""

from __future__ import annotations

import ast
import copy
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from . import execute, manifest
from .. import paths
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


READERS = {"read_csv", "read_excel", "read_json", "read_table", "read_parquet", "read_html", "open", "urlopen",
           "loadtxt", "genfromtxt"}
NETWORK_MODULES = {"requests", "httpx", "aiohttp", "urllib.request", "urllib3", "ftplib"}
USER_PATHS = ("/home/", "/Users/", "/root/", "/tmp/", "/mnt/", "~/")


def _opens_with_sentence(source: str) -> bool:
    """The first line of a test cell is a docstring or a comment of at least three words."""
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    text = first.lstrip("#").strip().strip("\"'").strip()
    return first.startswith(("#", "\"", "'")) and len(text.split()) >= 3


def _data_access_problems(source: str) -> list[str]:
    """Data come from datasets/ through the package (kynangso.data.load / path), never from an
    absolute path, a user's folder or the network."""
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
                out.append(f"không dùng mạng trong bài ({name}); dữ liệu lấy bằng kynangso.data.load(...).")
        if isinstance(node, ast.Call) and node.args:
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            arg = node.args[0]
            if func in READERS and isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.append(f"{func}({arg.value!r}): đọc dữ liệu qua gói, ví dụ load(\"don_vi\") hoặc "
                           "kynangso.data.path(\"don_vi\"), không ghi thẳng đường dẫn hay địa chỉ mạng.")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            v = node.value
            if v.startswith(USER_PATHS) or (len(v) > 2 and v[1:3] == ":\\"):
                out.append(f"đường dẫn tuyệt đối {v!r} chỉ có trên máy người soạn; dùng kynangso.data.path(...).")
    return out


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

    for i, c in enumerate(cells):
        if nbm.is_test(c) and not _opens_with_sentence(c.source):
            add(i, "test-purpose", "ô kiểm tra phải mở đầu bằng một câu nói nó kiểm tra gì, ví dụ "
                                   "\"\"\"Kiểm tra: so_xa là số nguyên và bằng số xã.\"\"\"")
        if c.cell_type == "code":
            for why in _data_access_problems(c.source):
                add(i, "data-access", why)

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


def variant(nb, answer: int, code: str, stop: int, public_only: bool = False):
    """The notebook up to cell `stop`, with the answer cell holding `code` in place of the solution
    (every other answer solved); with public_only, test cells keep only what the release shows."""
    v = copy.deepcopy(nb)
    v.cells = v.cells[: stop + 1]
    for i, cell in enumerate(v.cells):
        if nbm.is_answer(cell):
            cell.source = nbm.fill_answer(cell.source, code) if i == answer else nbm.solution_code(cell.source)
        elif public_only and nbm.is_test(cell):
            cell.source = nbm.public_part(cell.source)
    return v


MAX_SECONDS = 20


def release_view(nb):
    """The notebook as a learner receives it, made by nbgrader's own preprocessors with the course's
    configuration (grading/nbgrader_config.py): solutions stubbed, hidden tests and outputs removed."""
    from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, ClearOutput, ClearSolutions
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(paths.grading_dir())).load_config()
    view = copy.deepcopy(nb)
    resources: dict = {}
    for pp in (ClearSolutions, ClearOutput, ClearHiddenTests, ClearMarkScheme):
        view, resources = pp(config=config).preprocess(view, resources)
    return view


ASSIGNMENT = re.compile(r"^[A-Za-z_][\w.\[\]\"']*\s*=(?!=)\s*(?P<rhs>.+)$")
MIN_SECRET = 12  # shorter fragments ("x = 1") say nothing and match by chance


def _secrets(nb) -> set[str]:
    """Fragments a learner must not see: lines of solutions, hidden tests and model answers, and the
    right-hand sides of their assignments; minus whatever the notebook shows openly in its setup and
    prompt cells."""
    secret: set[str] = set()
    open_text = "\n".join(c.source for c in nb.cells if not nbm.grade_id(c))
    for cell in nb.cells:
        hidden = solution = False
        for line in cell.source.splitlines():
            t = line.strip()
            if t in (nbm.BEGIN_HIDDEN, nbm.END_HIDDEN):
                hidden = t == nbm.BEGIN_HIDDEN
                continue
            if t in (nbm.BEGIN_SOLUTION, nbm.END_SOLUTION):
                solution = t == nbm.BEGIN_SOLUTION
                continue
            if not (hidden or solution or (nbm.is_manual(cell) and cell.cell_type == "markdown")):
                continue
            if t.startswith(("#", "import ", "from ", "def ", "class ")):
                continue  # imports and signatures give nothing away (prompts state them)
            m = ASSIGNMENT.match(t)
            secret.update(f for f in (t, m.group("rhs").strip() if m else "") if len(f) >= MIN_SECRET)
    return {f for f in secret if f not in open_text}


def leaks(source_nb, released_nb) -> list[tuple[int, str]]:
    """(cell index, what) for solution or hidden-test text, or course metadata, in a released notebook."""
    secret = _secrets(source_nb)
    found = [(i, f) for i, cell in enumerate(released_nb.cells) for f in sorted(secret) if f in cell.source]
    found += [(i, "metadata \"kynangso\" (các lỗi ghi sẵn)") for i, cell in enumerate(released_nb.cells)
              if "kynangso" in cell.get("metadata", {})]
    return found


def run_problems(path: Path, nb, workers: int | None = None) -> list[Problem]:
    """Run the solution, the learner's copy and every recorded mistake. The tests must accept the
    solution and reject each mistake; the learner's copy must run to the end raising nothing but
    NotImplementedError outside its test cells; each notebook runs within MAX_SECONDS."""
    out: list[Problem] = []
    graded = nbm.is_graded(nb)
    qs = [q for q in nbm.questions(nb).values() if q.autograded and q.tests]
    release = release_view(nb)
    for i, what in leaks(nb, release):
        out.append(Problem(path, i, nbm.grade_id(release.cells[i]), "release-leak",
                           f"bản phát hành lộ lời giải hoặc kiểm tra ẩn: `{what[:80]}`; đặt dòng này giữa "
                           "BEGIN/END SOLUTION hoặc BEGIN/END HIDDEN TESTS, hoặc viết lại phần công khai."))
    jobs = [("solution", None, None, None, nb), ("release", None, None, None, release)]
    for q in qs:
        for a in q.answers:
            for k, code in enumerate(nbm.mistakes(nb.cells[a])):
                jobs.append(("mistake", q, a, (k, code), variant(nb, a, code, q.last_cell)))
    runs = execute.run_all([j[4] for j in jobs], workers=workers)
    solution, rel = runs[0], runs[1]
    if solution.failure:
        out.append(Problem(path, None, None, "solution-runs", f"lời giải không chạy hết: {solution.failure}."))
    if solution.seconds > MAX_SECONDS:
        out.append(Problem(path, None, None, "timing", f"notebook chạy mất {solution.seconds:.0f} giây (tối đa "
                                                        f"{MAX_SECONDS}); giảm dữ liệu hoặc phép tính nặng."))
    for i, cell in enumerate(solution.nb.cells):
        if nbm.is_test(cell) and not execute.passed(cell):
            why = execute.error_of(cell) or f"in ra stderr: {execute.stderr_of(cell).strip()[:200]}"
            out.append(Problem(path, i, nbm.grade_id(cell), "solution-passes",
                               f"lời giải không qua ô kiểm tra này ({why}); nbgrader sẽ chấm 0 cho học viên làm đúng."))
        elif cell.cell_type == "code" and not nbm.is_test(cell) and execute.error_of(cell):
            out.append(Problem(path, i, nbm.grade_id(cell), "solution-runs",
                               f"ô báo lỗi khi chạy lời giải: {execute.error_of(cell)}."))
    if rel.failure:
        out.append(Problem(path, None, None, "release-runs", f"bản của học viên không chạy hết: {rel.failure}."))
    for i, cell in enumerate(rel.nb.cells):
        err = execute.error_of(cell) if cell.cell_type == "code" and not nbm.is_test(cell) else None
        if err and not (graded and err.startswith("NotImplementedError")):
            out.append(Problem(path, i, nbm.grade_id(cell), "release-runs",
                               f"trong bản của học viên, ô này báo lỗi {err}; chỉ ô trả lời được báo "
                               "NotImplementedError, các ô khác phải chạy được khi học viên chưa làm gì."))
    for (kind, q, a, (k, code), _), run in zip(jobs[2:], runs[2:]):
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
        if run:
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
