"""`kynangso report` on a graded cohort: its numbers are the gradebook's, every unit is there, the
workbook opens, failed submissions say why, and the HTML stands alone.

The cohort is built by tests/fakecohort.py (modules released by nbgrader, grades written into the
gradebook, no notebook run). Every expected number is recomputed here from the gradebook through
nbgrader's own Gradebook API, grading-report.csv, the roster and the manifest; never from the
report's code. The report's code is used only to check its shape: `kynangso.reports.write`, tables
keyed by English identifiers, and every text the instructor reads taken from the message catalogue.
"""

import csv
import dataclasses
import json
import re
import unicodedata
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest

from kynangso import cli, messages, reports
from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm
from kynangso.cohorts import course, roster
from kynangso.data import load as load_data

import fakecohort
from conftest import ROOT

MODULES = ["00-lam-quen", "00b-lap-trinh-co-ban", "01-thu-dien-tu", "03-dich-vu-cong"]  # in course order
EMPTY, IDLE = "VT27", "VT28"
SHEETS = [
    "Tổng quan",
    "Mô-đun",
    "Phân bố điểm",
    "Theo đơn vị",
    "Đơn vị × mô-đun",
    "Theo kỹ năng",
    "Học viên",
    "Bài nộp",
    "Câu hỏi",
    "Lỗi thường gặp",
]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded cohort of 40 officials and its report (built once for this file)."""
    cohorts = tmp_path_factory.mktemp("cohorts")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KYNANGSO_HOME", str(ROOT))
        mp.setenv("KYNANGSO_COHORTS", str(cohorts))
        root = fakecohort.build(
            "bao-cao",
            40,
            seed=7,
            module_ids=MODULES[::-1],  # released in reverse: the report still lists them in course order
            empty_units=(EMPTY,),
            idle_units=(IDLE,),
            fail_rate=0.12,
            work=cohorts,
        )
        assert cli.main(["report", "bao-cao"]) == 0
    return root


def vn(x) -> str:
    """How the HTML writes a number: one decimal, decimal comma, none for whole numbers."""
    if x is None:
        return "—"
    x = round(float(x), 1)
    return str(int(x)) if x.is_integer() else f"{x:.1f}".replace(".", ",")


def mean(xs):
    xs = list(xs)
    return sum(xs) / len(xs) if xs else None


def pct(a, b):
    return 100 * a / b if b else None


class Facts:
    """What the gradebook (through nbgrader's API), grading-report.csv and the roster say."""

    def __init__(self, root):
        self.roster = {r["ma_can_bo"]: r for r in roster.roster(root)}
        with open(root / "grading-report.csv", encoding="utf-8") as f:
            self.report = {(r["student"], r["assignment"]): r for r in csv.DictReader(f)}
        plan = manifest.load()
        self.kinds, self.competence = {}, {}
        for m in MODULES:
            mod = plan.module(m)
            for p in nbm.graded_notebooks(mod.source):
                for c in nbm.read(p).cells:
                    if nbm.grade_id(c):
                        self.kinds[(m, nbm.grade_id(c))] = (
                            "test" if nbm.is_test(c) else "manual" if nbm.is_manual(c) else "answer"
                        )
            self.competence.update({(m, q): code for q, code in mod.questions.items()})
        self.max_score, self.score, self.grades, self.in_gradebook = {}, {}, {}, set()
        with course.gradebook(root) as gb:
            for a in gb.assignments:
                self.max_score[a.name] = a.max_score
                for sub in a.submissions:
                    key = (sub.student.id, a.name)
                    self.in_gradebook.add(key)
                    self.score[key] = sub.score
                    self.grades[key] = [
                        (g.name, g.score, g.max_score, g.needs_manual_grade) for nb in sub.notebooks for g in nb.grades
                    ]

    def state(self, student, module):
        key = (student, module)
        if self.report.get(key, {}).get("status") == "failed":
            return "failed"
        return "graded" if key in self.in_gradebook else "missing"

    def graded(self):
        return [(s, m) for s in self.roster for m in MODULES if self.state(s, m) == "graded"]

    def percent(self, key):
        return 100 * self.score[key] / self.max_score[key[1]]


@pytest.fixture(scope="module")
def facts(graded):
    return Facts(graded)


@pytest.fixture(scope="module")
def book(graded):
    return openpyxl.load_workbook(graded / "reports" / "bao-cao.xlsx", read_only=True)


def sheet(book, name):
    rows = list(book[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


class HtmlTables(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(a.get("id"), [])
        elif tag == "tr" and self._table is not None:
            self._row, self._class = [], a.get("class") or ""
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append((self._row, self._class))
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, table_id):
        head, *body = self.tables[table_id]
        return [(dict(zip(head[0], r, strict=True)), cls) for r, cls in body]


@pytest.fixture(scope="module")
def page(graded):
    return (graded / "reports" / "bao-cao.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def html_tables(page):
    return HtmlTables(page)


def test_the_cohort_has_every_case_the_report_must_handle(facts):
    failed = [k for k, r in facts.report.items() if r["status"] == "failed"]
    assert any(k in facts.in_gradebook for k in failed), "no failed submission left in the gradebook with 0 points"
    assert any(k not in facts.in_gradebook for k in failed), "no failed submission removed from the gradebook"
    assert any(g[3] for gs in facts.grades.values() for g in gs), "no written answer awaiting the instructor"
    assert not any(r["ma_don_vi"] == EMPTY for r in facts.roster.values())
    assert any(r["ma_don_vi"] == "VT00" for r in facts.roster.values())


def test_workbook_opens_with_the_expected_sheets(book):
    assert book.sheetnames == SHEETS
    for name in SHEETS:
        assert book[name].max_row >= 2, f"sheet {name} is empty"


def test_module_scores_are_the_gradebooks(facts, book, html_tables):
    rows = {r["Mã mô-đun"]: r for r in sheet(book, "Mô-đun")}
    html_rows = {r["Mã mô-đun"]: r for r, _ in html_tables.rows("bang-mo-dun")}
    assert list(rows) == MODULES
    for m in MODULES:
        states = Counter(facts.state(s, m) for s in facts.roster)
        scores = [facts.percent((s, m)) for s in facts.roster if facts.state(s, m) == "graded"]
        got = rows[m]
        assert got["Điểm tối đa"] == facts.max_score[m]
        assert (got["Đã chấm"], got["Không chấm được"], got["Chưa nộp"]) == (
            states["graded"],
            states["failed"],
            states["missing"],
        )
        assert got["Điểm trung bình (%)"] == pytest.approx(mean(scores))
        assert (got["Thấp nhất (%)"], got["Cao nhất (%)"]) == pytest.approx((min(scores), max(scores)))
        assert html_rows[m]["Điểm trung bình (%)"] == vn(mean(scores))
        assert html_rows[m]["Đã chấm"] == str(states["graded"])
    overview = {r["Chỉ số"]: r["Giá trị"] for r in sheet(book, "Tổng quan")}
    assert overview["Học viên"] == len(facts.roster)
    assert overview["Bài đã chấm"] == len(facts.graded())
    assert overview["Điểm trung bình của bài đã chấm (%)"] == pytest.approx(
        mean(facts.percent(k) for k in facts.graded())
    )


def test_score_distribution_counts_every_graded_submission(facts, book):
    for row in sheet(book, "Phân bố điểm"):
        m = row.pop("Mã mô-đun")
        assert sum(row.values()) == sum(1 for s, mm in facts.graded() if mm == m)
        top = sum(1 for s, mm in facts.graded() if mm == m and facts.percent((s, m)) >= 90)
        assert row["90–100%"] == top


def test_every_unit_appears_with_completion_and_mean(facts, book, html_tables):
    codes = list(load_data("don_vi")["ma_don_vi"]) + ["VT00"]
    assert len(codes) == 29
    rows = {r["Mã đơn vị"]: r for r in sheet(book, "Theo đơn vị")}
    html_rows = {r["Mã đơn vị"]: (r, cls) for r, cls in html_tables.rows("bang-don-vi")}
    heat = {r["Mã đơn vị"]: r for r in sheet(book, "Đơn vị × mô-đun")}
    assert set(codes) <= set(rows) and set(codes) <= set(html_rows) and set(codes) <= set(heat)
    for code in codes:
        people = [s for s, r in facts.roster.items() if r["ma_don_vi"] == code]
        done = [(s, m) for s, m in facts.graded() if s in people]
        completion = pct(len(done), len(people) * len(MODULES))
        average = mean(facts.percent(k) for k in done)
        got = rows[code]
        assert got["Học viên"] == len(people)
        assert got["Đã chấm"] == len(done)
        assert got["Tỷ lệ hoàn thành (%)"] == pytest.approx(completion)
        assert got["Điểm trung bình (%)"] == pytest.approx(average)
        behind = bool(people) and (completion < 50 or average is None or average < 50)
        assert got["Dưới ngưỡng"] == behind, code
        row, cls = html_rows[code]
        assert row["Tỷ lệ hoàn thành (%)"] == vn(completion) and row["Điểm trung bình (%)"] == vn(average)
        assert ("duoi-nguong" in cls) == behind
        for m in MODULES:
            cell = mean(facts.percent((s, m)) for s in people if (s, m) in done)
            assert heat[code][m] == pytest.approx(cell), (code, m)
    assert rows[EMPTY]["Học viên"] == 0 and rows[IDLE]["Đã chấm"] == 0 and rows[IDLE]["Dưới ngưỡng"]


def test_mastery_per_competence_is_points_earned_over_possible_on_autograded_cells(facts, book, html_tables):
    earned, possible = Counter(), Counter()
    for s, m in facts.graded():
        for name, score, max_score, _ in facts.grades[(s, m)]:
            if facts.kinds[(m, name)] == "test":
                code = facts.competence[(m, nbm.question_of(name))]
                earned[code] += score
                possible[code] += max_score
    rows = {r["Mã năng lực"]: r for r in sheet(book, "Theo kỹ năng")}
    html_rows = {r["Mã năng lực"]: r for r, _ in html_tables.rows("bang-ky-nang")}
    assert set(rows) == set(facts.competence.values())
    for code in possible:
        assert rows[code]["Điểm đạt"] == pytest.approx(earned[code])
        assert rows[code]["Điểm tối đa"] == pytest.approx(possible[code])
        assert rows[code]["Mức thành thạo (%)"] == pytest.approx(100 * earned[code] / possible[code])
        assert html_rows[code]["Mức thành thạo (%)"] == vn(100 * earned[code] / possible[code])


def test_questions_hardest_first_and_written_answers_awaiting_are_not_failures(facts, book):
    per = {}
    for s, m in facts.graded():
        for name, score, max_score, waiting in facts.grades[(s, m)]:
            q = per.setdefault((m, nbm.question_of(name)), {}).setdefault(s, [0.0, 0.0, False])
            q[0] += score
            q[1] += max_score
            q[2] |= waiting
    rows = sheet(book, "Câu hỏi")
    assert {(r["Mã mô-đun"], r["Câu"]) for r in rows} == set(facts.competence)
    for r in rows:
        answers = per.get((r["Mã mô-đun"], r["Câu"]), {})
        scored = [v for v in answers.values() if not v[2]]
        full = sum(1 for v in scored if v[0] >= v[1])
        assert r["Bài đã chấm câu này"] == len(scored)
        assert r["Chờ giảng viên chấm"] == sum(1 for v in answers.values() if v[2])
        assert r["Tỷ lệ đạt trọn điểm (%)"] == pytest.approx(pct(full, len(scored)))
    auto = [r["Tỷ lệ đạt trọn điểm (%)"] for r in rows if r["Loại"] == "chấm tự động"]
    assert auto == sorted(auto), "autograded questions are not hardest first"
    assert any(r["Chờ giảng viên chấm"] for r in rows if r["Loại"] == "tự luận")


def test_most_frequent_failure_messages_come_from_the_autograded_notebooks(facts, graded, book):
    counts = Counter()
    for s, m in facts.graded():
        for path in (graded / "autograded" / s / m).glob("*.ipynb"):
            nb = json.loads(path.read_text(encoding="utf-8"))
            blank = {
                nbm.question_of(c["metadata"]["nbgrader"]["grade_id"])
                for c in nb["cells"]
                for o in c.get("outputs", [])
                if o.get("ename") == "NotImplementedError"
            }
            for c in nb["cells"]:
                gid = c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                for o in c.get("outputs", []):
                    if (
                        o.get("output_type") == "error"
                        and facts.kinds.get((m, gid)) == "test"
                        and nbm.question_of(gid) not in blank
                    ):
                        counts[(m, gid, o["evalue"])] += 1
    rows = sheet(book, "Lỗi thường gặp")
    assert rows and rows[0]["Số bài"] == max(counts.values())
    for r in rows:
        assert counts[(r["Mã mô-đun"], r["Ô kiểm tra"], r["Thông báo của ô kiểm tra"])] == r["Số bài"]


def test_a_failed_submission_shows_its_reason_in_the_transcript(facts, book, html_tables):
    failed = [(k, r["reason"]) for k, r in facts.report.items() if r["status"] == "failed"]
    assert failed
    transcript = {r["Mã cán bộ"]: r for r in sheet(book, "Học viên")}
    html_rows = {r["Mã cán bộ"]: r for r, _ in html_tables.rows("bang-hoc-vien")}
    submissions = {(r["Mã cán bộ"], r["Mã mô-đun"]): r for r in sheet(book, "Bài nộp")}
    for (s, m), reason in failed:
        assert transcript[s][m] == "không chấm được"
        assert f"{m}: {reason}" in transcript[s]["Ghi chú"]
        assert f"{m}: {reason}" in html_rows[s]["Ghi chú"]
        assert submissions[(s, m)]["Lý do không chấm được"] == reason
        assert submissions[(s, m)]["Điểm"] is None  # 0 in the gradebook, but not a score
    for s, m in facts.graded():
        total = facts.score[(s, m)]
        assert html_rows[s][m] == f"{vn(total)}/{vn(facts.max_score[m])}"
    assert len(transcript) == len(facts.roster)


def test_html_is_self_contained_vietnamese_nfc(page, facts):
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(", page, re.I)
    images = re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert len(images) >= 4 and all(src.startswith("data:image/png;base64,") for src in images)
    assert unicodedata.is_normalized("NFC", page)
    for text in ["Theo đơn vị", "Mức thành thạo", "Các phòng, ban thuộc UBND huyện Vĩnh Tường", "chờ giảng viên chấm"]:
        assert text in page
    assert all(r["ho_ten"] in page for r in facts.roster.values())


def test_roster_text_is_escaped(graded, tmp_path, monkeypatch):
    monkeypatch.setenv("KYNANGSO_COHORTS", str(graded.parent))
    rows = roster.roster(graded)
    original = [dict(r) for r in rows]
    rows[0]["ho_ten"] = 'Nguyễn <img src="https://x.test/a.png"> & Thị A'
    roster.write_roster(graded / roster.ROSTER_FILE, rows)
    try:
        assert cli.main(["report", graded.name, "--out", str(tmp_path)]) == 0
    finally:
        roster.write_roster(graded / roster.ROSTER_FILE, original)
    page = (tmp_path / "bao-cao.html").read_text(encoding="utf-8")
    assert "&lt;img src=&quot;https://x.test/a.png&quot;&gt; &amp; Thị A" in page
    assert '<img src="https://' not in page


def test_write_returns_the_page_and_the_workbook_it_wrote(graded, tmp_path, monkeypatch):
    monkeypatch.setenv("KYNANGSO_COHORTS", str(graded.parent))
    page, workbook = reports.write(graded, threshold=0.6, out=tmp_path / "bao-cao-60")
    assert (page, workbook) == (tmp_path / "bao-cao-60" / "bao-cao.html", tmp_path / "bao-cao-60" / "bao-cao.xlsx")
    assert page.is_file() and workbook.is_file()
    book = openpyxl.load_workbook(workbook, read_only=True)
    overview = {r["Chỉ số"]: r["Giá trị"] for r in sheet(book, "Tổng quan")}
    assert overview["Ngưỡng cảnh báo (%)"] == pytest.approx(60)
    assert "Ngưỡng cảnh báo: 60%." in page.read_text(encoding="utf-8")
    # a relative folder is taken from the cohort's
    assert reports.write(graded, out=Path("bao-cao-rieng")) == (
        graded / "bao-cao-rieng" / "bao-cao.html",
        graded / "bao-cao-rieng" / "bao-cao.xlsx",
    )


def test_tables_are_keyed_by_english_ids_and_labelled_by_the_catalogue(graded, book):
    from kynangso.reports import labels, sources, tables, workbook

    t = tables.compute(sources.load(graded))
    assert [f.name for f in dataclasses.fields(tables.Tables) if f.name != "threshold"] == workbook.SHEETS
    for field, name in zip(workbook.SHEETS, SHEETS, strict=True):
        df = getattr(t, field)
        for column in df.columns:
            assert column in MODULES or re.fullmatch(r"[a-z][a-z0-9_]*", column), (field, column)
        headings = list(labels.readable(df, MODULES).columns)
        assert next(book[name].iter_rows(values_only=True)) == tuple(headings), field
        assert messages.text(f"reports.sheet.{field}") == name
    assert set(t.submissions["state"]) <= {"graded", "failed", "missing"}
    assert set(t.questions["kind"]) == {"test", "manual"}


def test_the_verb_speaks_the_catalogue(graded, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KYNANGSO_COHORTS", str(graded.parent))
    with pytest.raises(SystemExit) as stop:
        cli.main(["report", "-h"])
    assert stop.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    for key in ["help.name", "help.threshold", "metavar.name", "metavar.out"]:
        assert " ".join(messages.text(f"reports.{key}", default=0.5).split()) in shown, key
    assert " ".join(messages.text("reports.help.out", folder="reports").split()) in shown
    assert cli.main(["report", graded.name, "--threshold", "50"]) == 2
    assert capsys.readouterr().out.strip() == messages.text("reports.error.threshold")
    assert cli.main(["report", "khong-co-lop-nay"]) == 2
    assert capsys.readouterr().out.strip() == messages.text(
        "reports.error.no_cohort", cohort="khong-co-lop-nay", path=graded.parent / "khong-co-lop-nay"
    )
    monkeypatch.setenv("KYNANGSO_COHORTS", str(tmp_path))
    (tmp_path / "moi").mkdir()
    assert cli.main(["report", "moi"]) == 2
    assert "chưa có sổ điểm" in capsys.readouterr().err
    assert cli.main(["report", graded.name]) == 2  # not among these cohorts


def test_the_report_says_when_the_last_grading_run_was_not_isolated(cohorts):
    root = fakecohort.build("khong-co-lap", 6, seed=3, module_ids=MODULES[:1])
    (root / "isolation.json").write_text(
        json.dumps({"isolated": False, "mode": "none", "reason": "flag"}), encoding="utf-8"
    )
    page, _ = reports.write(root)
    assert "KHÔNG cô lập bài làm" in page.read_text(encoding="utf-8")
    (root / "isolation.json").write_text(json.dumps({"isolated": True, "mode": "rootless"}), encoding="utf-8")
    page, _ = reports.write(root)
    assert "KHÔNG cô lập bài làm" not in page.read_text(encoding="utf-8")
