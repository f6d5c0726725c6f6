"""`kynangso new NN-slug --title "…"`: a new module from the template, ready to check and build.

The template is a small but complete module on the district's data: a lesson with one "Thử ngay"
exercise (kynangso.thu_ngay), and an assignment with one worked question (solution, public and
hidden tests whose messages teach, recorded mistakes) and one written answer graded by the
instructor. The notebooks are run once so their
outputs are stored (strict nbval), tidied, and the module is added to the course manifest.
Trainers then replace the content, following course/huong-dan-soan-bai.md.

The template's text is course content, written here in Vietnamese; what the verb prints and the
errors it reports come from the message catalogue.
"""

from __future__ import annotations

import json
import re
import unicodedata

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from .. import messages, paths
from . import execute, manifest, tidy

# NN-slug; a letter after the number (00b-...) puts a module between two released ones, whose ids
# cohorts already hold, and sorts there: "00-lam-quen" < "00b-..." < "01-..."
MODULE_ID = re.compile(r"^\d\d[a-z]?-[a-z0-9]+(?:-[a-z0-9]+)*$")
POINTS = 3  # q1 (2) + q2 (1)


def _nb(cells) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata = {"kernelspec": dict(tidy.KERNELSPEC), "language_info": {"name": "python"}}
    return nb


def _grade(gid, *, grade, solution, points=None, mistakes=None) -> dict:
    meta = {
        "nbgrader": {
            "grade": grade,
            "solution": solution,
            "locked": not solution,
            "task": False,
            "grade_id": gid,
            "schema_version": 3,
        }
    }
    if points is not None:
        meta["nbgrader"]["points"] = points
    if mistakes is not None:
        meta["kynangso"] = {"mistakes": mistakes}
    return meta


def lesson(title: str) -> nbformat.NotebookNode:
    return _nb(
        [
            new_markdown_cell(
                f"# {title}: bài học\n\n## Mục tiêu\n\n"
                '- Đọc bảng 28 đơn vị của huyện bằng `load("don_vi")`.\n'
                "- Đếm các dòng thỏa một điều kiện."
            ),
            new_markdown_cell(
                "Dữ liệu của khóa học nằm trong thư mục `datasets/` và được đọc qua gói `kynangso`, "
                "không ghi đường dẫn trên máy."
            ),
            new_code_cell('from kynangso.data import load\n\nbang = load("don_vi")\nbang.head(3)'),
            new_markdown_cell("Lọc các dòng thỏa điều kiện bằng `bang[điều kiện]`, rồi đếm bằng `len(...)`:"),
            new_code_cell('so_xa = len(bang[bang["loai"] == "xa"])\nso_xa'),
            *practice(),
            new_markdown_cell(
                '## Ghi nhớ\n\n- Đọc dữ liệu bằng `load("tên bảng")`.\n'
                "- `len(bang[điều kiện])` đếm số dòng thỏa điều kiện."
            ),
        ]
    )


PRACTICE_ANSWER = 'so_rong = len(bang[bang["dien_tich_km2"] > 5])'
PRACTICE_MISTAKES = ["so_rong = len(bang)", 'so_rong = bang[bang["dien_tich_km2"] > 5]']


def practice() -> list:
    """The lesson's example "Thử ngay" (course/huong-dan-soan-bai.md): the task, the starter (its
    model answer and a recorded mistake in the metadata the release removes), and the check cell,
    whose fingerprints are those of the answer and of the mistake, computed from the data."""
    from .. import thu_ngay
    from ..data import load

    bang = load("don_vi")
    right = thu_ngay.van_tay(len(bang[bang["dien_tich_km2"] > 5]))
    all_rows = thu_ngay.van_tay(len(bang))
    starter = new_code_cell("so_rong = ...   # lọc dòng như ô trên, rồi đếm bằng len(...)")
    starter.metadata["kynangso"] = {"thu_ngay": {"answer": PRACTICE_ANSWER, "mistakes": PRACTICE_MISTAKES}}
    check = (
        "# Kiểm tra Thử ngay 1 (không tính điểm): chỉ cần chạy ô này.\n"
        "from kynangso import thu_ngay\n\n"
        "thu_ngay.kiem_tra(\n"
        '    "so_rong",\n'
        f'    "{right}",\n'
        '    goi_y="Điều kiện so sánh cột `dien_tich_km2` với `5` bằng dấu `>`.",\n'
        f'    loi={{"{all_rows}": "28 là mọi đơn vị của huyện: anh chị chưa lọc theo diện tích."}},\n'
        ")"
    )
    return [
        new_markdown_cell(
            "**Thử ngay 1.** Huyện có bao nhiêu đơn vị có **diện tích trên 5 km²**? Lọc bảng `bang` theo "
            "cột `dien_tich_km2`, đếm số dòng, gán kết quả cho `so_rong`. *(Viết vào ô mã ngay dưới, chạy "
            "ô đó, rồi chạy ô kiểm tra bên dưới nó: ô kiểm tra nói Đúng rồi hay Chưa đúng, không tính điểm.)*"
        ),
        starter,
        new_code_cell(check),
    ]


def assignment(title: str) -> nbformat.NotebookNode:
    return _nb(
        [
            new_markdown_cell(
                f"# {title}: bài tập\n\n## Mục tiêu\n\n- Đếm các đơn vị theo loại từ bảng `don_vi`.\n"
                "- Viết một câu trả lời ngắn bằng tiếng Việt."
            ),
            new_code_cell('from kynangso.data import load\n\nbang = load("don_vi")'),
            new_markdown_cell(
                "**Câu 1** (2 điểm). Đếm số **thị trấn** của huyện (các dòng có `loai` bằng "
                '`"thi_tran"`) và gán cho biến `so_thi_tran`. Để máy đếm từ bảng, đừng gõ sẵn con số.'
            ),
            new_code_cell(
                '### BEGIN SOLUTION\nso_thi_tran = len(bang[bang["loai"] == "thi_tran"])\n### END SOLUTION',
                metadata=_grade(
                    "q1_answer", grade=False, solution=True, mistakes=["so_thi_tran = len(bang)", 'so_thi_tran = "3"']
                ),
            ),
            new_code_cell(
                '"""Kiểm tra: so_thi_tran là số nguyên và bằng số thị trấn trong bảng don_vi."""\n'
                "import numbers\n\n"
                "assert isinstance(so_thi_tran, numbers.Integral) and not isinstance(so_thi_tran, bool), (\n"
                '    f"so_thi_tran phải là số nguyên (int), đang là kiểu {type(so_thi_tran).__name__}. "\n'
                '    "Gợi ý: đếm bằng len(...), không đặt kết quả trong dấu nháy."\n)\n'
                "assert 0 < so_thi_tran < 28, (\n"
                '    f"so_thi_tran đang là {so_thi_tran}: huyện có 28 đơn vị, số thị trấn phải ít hơn thế. "\n'
                '    "Gợi ý: lọc bang[bang[\\"loai\\"] == \\"thi_tran\\"] trước khi đếm."\n)\n\n'
                "### BEGIN HIDDEN TESTS\n"
                "from kynangso.data import load as _load\n\n"
                '_bang = _load("don_vi")\n'
                'assert so_thi_tran == int((_bang["loai"] == "thi_tran").sum()), (\n'
                '    f"so_thi_tran đang là {so_thi_tran}, chưa đúng số thị trấn trong bảng."\n)\n'
                "### END HIDDEN TESTS",
                metadata=_grade("q1_tests", grade=True, solution=False, points=2),
            ),
            new_markdown_cell(
                "**Câu 2** (1 điểm). Câu tự luận, giảng viên chấm: viết một câu tiếng Việt nói đơn vị "
                "của anh chị là xã hay thị trấn, và anh chị tìm điều đó trong bảng bằng cách nào."
            ),
            new_markdown_cell(
                "Đơn vị tôi là một xã; tôi lọc bảng don_vi theo cột ten_don_vi rồi xem cột loai.",
                metadata=_grade("q2_written", grade=True, solution=True, points=1),
            ),
            new_markdown_cell(
                "## Ghi nhớ\n\n- Để máy tính từ dữ liệu, đừng gõ sẵn kết quả: còn có kiểm tra ẩn.\n"
                "- Trước khi nộp: Restart Kernel and Run All Cells, rồi lưu."
            ),
        ]
    )


def manifest_entry(module_id: str, title: str) -> str:
    return (
        f"  - id: {module_id}\n"
        f"    title: {json.dumps(title, ensure_ascii=False)}\n"
        "    objectives:\n"
        '      - Đọc bảng 28 đơn vị của huyện bằng load("don_vi").\n'
        "      - Đếm các dòng thỏa một điều kiện.\n"
        "    duration_minutes: 45\n"
        f"    points: {POINTS}\n"
        '    competences: ["1.3"]\n'
        "    status: ready\n"
    )


def add_to_manifest(module_id: str, title: str) -> None:
    """Insert the entry where its id sorts among the modules: before the first module whose id sorts
    after it (00b-... before 01-...), or else after the last module (before the DigComp comment, or
    else before `competences:`), keeping the file's comments and layout."""
    path = manifest.manifest_path()
    text = path.read_text(encoding="utf-8")
    later = sorted(m.id for m in manifest.load().modules if m.id > module_id)
    if later and f"\n  - id: {later[0]}\n" in text:
        cut = text.index(f"\n  - id: {later[0]}\n") + 1
        path.write_text(text[:cut] + manifest_entry(module_id, title) + text[cut:], encoding="utf-8")
    else:
        marker = text.find("\n# DigComp")
        cut = marker + 1 if marker >= 0 else text.index("\ncompetences:") + 1
        head = text[:cut].rstrip("\n") + "\n"
        path.write_text(head + manifest_entry(module_id, title) + "\n" + text[cut:], encoding="utf-8")
    manifest.load().module(module_id)  # the manifest still parses and lists the module


def create(module_id: str, title: str) -> list:
    """Write the module's two notebooks (run once, tidied) and its manifest entry; the paths written.
    ValueError when the id or the title is refused, RuntimeError when the template does not run."""
    title = unicodedata.normalize("NFC", title.strip())
    if not MODULE_ID.match(module_id):
        raise ValueError(messages.text("authoring.new.bad_id", module=module_id))
    if not title:
        raise ValueError(messages.text("authoring.new.no_title"))
    folder = paths.notebooks_dir() / module_id
    if folder.exists() or any(m.id == module_id for m in manifest.load().modules):
        raise ValueError(messages.text("authoring.new.exists", module=module_id))
    notebooks = {"bai-hoc.ipynb": lesson(title), "bai-tap.ipynb": assignment(title)}
    runs = execute.run_all(list(notebooks.values()))  # store outputs: strict nbval compares them
    for name, run in zip(notebooks, runs, strict=True):
        errors = [execute.error_of(c) for c in run.nb.cells if c.cell_type == "code" and execute.error_of(c)]
        if run.failure or errors:
            raise RuntimeError(
                messages.text("authoring.new.template_fails", notebook=name, why=run.failure or errors[0])
            )
    folder.mkdir(parents=True)
    written = []
    for name, run in zip(notebooks, runs, strict=True):
        nbformat.write(tidy.tidied(run.nb), str(folder / name))
        written.append(folder / name)
    add_to_manifest(module_id, title)
    return written


def add_arguments(p) -> None:
    p.add_argument(
        "module_id",
        metavar=messages.text("authoring.new.metavar.module_id"),
        help=messages.text("authoring.new.arg.module_id"),
    )
    p.add_argument(
        "--title",
        required=True,
        metavar=messages.text("authoring.new.metavar.title"),
        help=messages.text("authoring.new.arg.title"),
    )


def run(args) -> int:
    try:
        written = create(args.module_id, args.title)
    except (ValueError, RuntimeError) as exc:  # refused input, a template that does not run, a broken manifest
        print(messages.text("authoring.new.failed", why=exc))
        return 2
    for path in written:
        print(path)
    print(manifest.manifest_path())
    print(messages.text("authoring.new.next", module=args.module_id))
    return 0
