"""`kynangso demo`: data -> build -> cohort -> simulate -> grade -> feedback -> report, on the demo cohort."""

from __future__ import annotations

import shutil
import time

from .cohorts import build, roster, feedback, grade, course, simulate
from .authoring import check, datasets
from .authoring.settings import settings
from . import data, paths
from .reports import report


def add_arguments(p) -> None:
    p.add_argument("--cohort", default="demo", help="cohort name (default: demo); recreated from scratch")
    p.add_argument("--seed", type=int, default=simulate.DEFAULT_SEED)
    p.add_argument("--workers", type=int, default=None)


def run(args) -> int:
    start = time.perf_counter()

    def step(text):
        print(f"[{time.perf_counter() - start:5.0f} s] {text}", flush=True)

    step("1/7 dữ liệu: kiểm tra datasets/ khớp với bộ sinh")
    stale = datasets.stale_files()
    if stale:
        datasets.write_all()
        step(f"    đã sinh lại: {', '.join(stale)}")
    root = paths.cohort_dir(args.cohort)
    shutil.rmtree(root, ignore_errors=True)
    step(f"2/7 lớp {args.cohort}: danh sách {data.path('lop_demo').name}")
    roster.create(args.cohort, data.path("lop_demo"))
    step("3/7 phát hành: kiểm tra tĩnh, sinh bản học viên, kiểm định hai chiều")
    modules = check.selected_modules(None)
    for module in modules:
        # the full check (every recorded mistake run) is the trainers' `kynangso check`, run by make test
        problems = build.build_module(root, module, run_checks=False, workers=args.workers)
        if problems:
            print("\n".join(problems))
            return 1
    step("4/7 mô phỏng bài nộp")
    simulate.simulate(root, modules, seed=args.seed)
    step("5/7 chấm bài, xuất điểm")
    grades, graded, rows = grade.grade(root, modules, workers=args.workers)
    step("6/7 phản hồi cho học viên")
    feedback.feedback(root, modules, workers=args.workers)
    step("7/7 báo cáo cho giảng viên: theo đơn vị, kỹ năng, học viên, câu hỏi")
    page, workbook = report.report(root)
    failed = sum(r.status == "failed" for r in rows)
    step(f"xong: {len(rows)} bài nộp, {failed} không chấm được")
    print("Kết quả:")
    print(f"  bảng điểm (CSV của nbgrader): {grades}")
    print(f"  báo cáo chấm từng bài: {graded}")
    print(f"  phản hồi cho học viên: {root / 'feedback'}")
    print(f"  bản phát hành: {root / 'release'}")
    print(f"  sổ điểm nbgrader: {settings().gradebook_url(root, wait=False)}")
    print(f"  bảng tính báo cáo (Excel): {workbook}")
    print(f"  báo cáo cho giảng viên (mở bằng trình duyệt, không cần mạng): {page}")
    return 0
