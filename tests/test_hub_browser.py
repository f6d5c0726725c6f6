"""Officials on the district hub, in a real browser (Playwright driving Debian's chromium): two
officials log in at the same time with their own passwords, fetch modules 00 and 03 in the
Assignments tab, answer (one right, one with a common mistake; one answer of each typed into the
notebook in the browser), validate and submit; the instructor, as their
own ordinary user, grades with `kynangso grade` (which collects from nbgrader's exchange) and
releases feedback with `kynangso feedback`; each official fetches the feedback and reads the score
the gradebook holds. Screenshots of every step are kept in test-artifacts/hub/.

Needs root (one system user per official), chromium and configurable-http-proxy: `.ci/run` and
`make setup` install them."""

import csv
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from kynangso.authoring import manifest
from kynangso.authoring import notebook as nbm
from kynangso.cohorts import course, roster, simulate
from kynangso.hub import config, env, serve

from conftest import ROOT
from scenarios import isolated_mistake, write_roster

MODULE = "00-lam-quen"  # the one whose written answers the instructor grades in Formgrader
MODULES = [MODULE, "03-dich-vu-cong"]
NOTEBOOK = "bai-tap.ipynb"
TYPED = {"hv9101": "q4", "hv9102": "q2"}  # the question of module 00 each official types in the browser
OFFICIALS = ["hv9101", "hv9102"]  # system users of their own, made for the test and removed after it
INSTRUCTOR = "kns-gvhub"  # not the ordinary-instructor tests' user: its ~/.jupyter points at this cohort
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "hub"
WAIT = 120_000  # ms: a server's first start on a busy 2-core machine
KERNEL_WAIT = 300_000  # ms: a kernel started and a whole notebook run, on a loaded machine


def _needs():
    if os.geteuid() != 0:
        pytest.skip("the hub needs root (a system user per official); CI runs as root")
    missing = [
        what for what, ok in [("chromium", Path(CHROMIUM).exists()), ("proxy", config.proxy_command())] if not ok
    ]
    assert not missing, (
        f"missing {missing}: run `make setup` (proxy) and `apt-get install chromium` (.ci/run does both)"
    )


def _remove_users():
    for name in [*OFFICIALS, INSTRUCTOR]:
        subprocess.run(["userdel", "--remove", name], capture_output=True)


@pytest.fixture(scope="module")
def hub():
    _needs()
    _remove_users()  # a run that was killed may have left them, with what they fetched
    shutil.rmtree(config.SRV / "hub" / "hub", ignore_errors=True)  # and the hub's database of users
    mp = pytest.MonkeyPatch()
    work = Path(tempfile.mkdtemp(prefix="kns-hub-", dir="/srv" if os.access("/srv", os.W_OK) else None))
    work.chmod(0o755)
    cohorts = work / "cohorts"
    mp.setenv("KYNANGSO_COHORTS", str(cohorts))
    root = roster.create("hub", write_roster(work / "roster.csv", OFFICIALS))
    from kynangso import cli

    for module in MODULES:
        assert cli.main(["build", "--cohort", "hub", "--module", module, "--no-run"]) == 0
    h = serve.prepare("hub", INSTRUCTOR, renew=True)
    proc, url = serve.start("hub", h, config.free_port())
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield {"root": root, "url": url, "hub": h, "work": work, "cohorts": cohorts}
    finally:
        serve.stop(proc)
        _remove_users()
        mp.undo()
        shutil.rmtree(config.exchange_root("hub"), ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)


def as_user(name, role, *argv, extra_env=None) -> dict:
    """How to run the hub's shared Python of `role` ("learner", "instructor") with ARGV as the system
    user `name`, in their home: the keyword arguments of subprocess.run or Popen."""
    user = pwd.getpwnam(name)
    python = env.venv(role) / "bin" / "python"
    return {
        "args": ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", str(python), *argv],
        "env": {**env.server_env(role), "HOME": user.pw_dir, "USER": name, **(extra_env or {})},
        "cwd": user.pw_dir,
    }


def as_instructor(h, cohorts, *argv, timeout=600):
    """`kynangso ARGV` as the instructor's own ordinary user, with the hub's shared Python."""
    course = {"KYNANGSO_COHORTS": str(cohorts), "KYNANGSO_HOME": str(ROOT)}
    run = as_user(h.instructor, "instructor", "-m", "kynangso.cli", *argv, extra_env=course)
    return subprocess.run(**run, capture_output=True, text=True, timeout=timeout)


def as_official(official, *argv):
    """The hub's learner Python, as the official's own system user in their home."""
    return subprocess.run(**as_user(official, "learner", *argv), capture_output=True, text=True, timeout=300)


def answers_for(official, module):
    """The official's answers to a module and the points they lose: the model solution (0), or it
    with a mistake that Validate accepts and the hidden tests catch."""
    source = nbm.read(manifest.load().module(module).source / NOTEBOOK)
    best = simulate.solutions(source)
    if official == OFFICIALS[0]:
        return best, 0.0
    _, cell, wrong, lost = isolated_mistake(source)
    return {**best, nbm.grade_id(source.cells[cell]): wrong}, lost


def fill_fetched(official, module, answers, typed=None):
    """What the official has written in the fetched notebook before opening it (their file, in their
    home): every answer but the one of question `typed`, which they type in the browser."""
    user = pwd.getpwnam(official)
    path = Path(user.pw_dir) / module / NOTEBOOK
    source = nbm.read(manifest.load().module(module).source / NOTEBOOK)
    left = {k: v for k, v in answers.items() if not (typed and k.startswith(typed + "_"))}
    nb = simulate.fill(nbm.read(path), source, left)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chown(path, user.pw_uid, user.pw_gid)


def type_answer(page, code, shot):
    """Type `code` into the one answer cell still unanswered, as an official does: scroll to it,
    click into it, select what the template put there, type; then restart the kernel and run every
    cell (the toolbar's ⏩), and save (Ctrl+S). `shot`: the screenshot, with the typed cell in view."""
    panel = ".jp-NotebookPanel:visible"
    cell = page.locator(f"{panel} .jp-CodeCell:has(.cm-content:has-text('NotImplementedError'))")
    page.wait_for_selector(f"{panel} .jp-Cell", timeout=WAIT)
    page.hover(f"{panel} .jp-Cell")
    for _ in range(60):  # Lab draws a cell's editor once it is scrolled into view: scroll down to it
        if cell.count():
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(150)
    assert cell.count() == 1, cell.count()
    # the notebook's kernel has started (restarting one that is still starting can hang it)
    page.wait_for_function(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar')?.textContent || '')",
        timeout=KERNEL_WAIT,
    )
    cell.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(code.strip())
    page.click(f"{panel} [data-command='notebook:restart-run-all']")
    page.click(".jp-Dialog-button.jp-mod-accept")  # "restart the kernel?"
    page.wait_for_function(  # every code cell ran: each has its execution count, none is running
        """() => { const p = [...document.querySelectorAll(
                ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt")];
            return p.length > 0 && p.every(e => /\\[\\d+\\]/.test(e.textContent)); }""",
        timeout=KERNEL_WAIT,
    )
    page.keyboard.press("Control+s")
    page.wait_for_selector(".lm-TabBar-tab.jp-mod-current:not(.jp-mod-dirty)", timeout=WAIT)
    typed = page.locator(f"{panel} .jp-CodeCell:has(.cm-content:has-text({code.strip().splitlines()[0]!r}))")
    typed.scroll_into_view_if_needed()
    page.screenshot(path=str(shot))


def login(page, url, who, password):
    page.goto(url + "hub/login")
    page.fill("#username_input", who)
    page.fill("#password_input", password)
    page.screenshot(path=str(SHOTS / f"0-login-{who}.png"))
    page.click("#login_submit")
    page.wait_for_selector(".lm-MenuBar-item:has-text('Nbgrader')", timeout=WAIT)


def assignments(page):
    """The Assignments tab, once its lists have loaded."""
    page.click(".lm-MenuBar-item:has-text('Nbgrader')")
    page.click(".lm-Menu-item:has-text('Assignment List')")
    page.wait_for_selector("#nbgrader-assignment-list", timeout=WAIT)
    page.wait_for_function(
        "() => { const e = document.querySelector('#course_list_default'); return e && !/Loading/.test(e.innerText); }",
        timeout=WAIT,
    )


def grade_written_answers(page, url, instructor) -> float:
    """Give full marks to every written answer of module 00 in Formgrader; the points given to each."""
    base = f"{url}user/{instructor}/formgrader"
    source = nbm.read(manifest.load().module(MODULE).source / NOTEBOOK)
    [(written_id, points)] = [
        (nbm.grade_id(c), float(nbm.nbgrader(c)["points"])) for c in source.cells if nbm.is_manual(c)
    ]
    page.goto(f"{base}/gradebook/{MODULE}/{NOTEBOOK.removesuffix('.ipynb')}")
    page.wait_for_selector("a[href*='/formgrader/submissions/']", timeout=WAIT)
    found = [a.get_attribute("href") for a in page.query_selector_all("a[href*='/formgrader/submissions/']")]
    links = list(dict.fromkeys(found))  # a row links its submission twice
    page.screenshot(path=str(SHOTS / "5-formgrader-list.png"))
    assert len(links) == len(OFFICIALS), links
    given = 0.0
    for n, href in enumerate(links):
        page.goto(href if href.startswith("http") else url.rstrip("/") + href)
        box = page.locator(f"input.score[id='{written_id}']")
        box.wait_for(timeout=WAIT)
        box.fill(f"{points:g}")
        # the change is saved as the field is left: wait until the gradebook answered the save
        with page.expect_response(lambda r: "/api/grade/" in r.url and r.request.method == "PUT", timeout=WAIT):
            box.press("Tab")
        page.screenshot(path=str(SHOTS / f"6-formgrader-graded-{n}.png"))
        given = points
    return given


def open_fetched(page, module):
    """Open the module's assignment notebook from the Assignments tab."""
    page.click(".lm-TabBar-tab:has-text('Assignments')")
    item = page.locator(f"#fetched_assignments_list .list_item:has-text('{module}')").first
    item.locator("a").first.click(timeout=WAIT)
    item.locator(f"a:has-text('{NOTEBOOK.removesuffix('.ipynb')}')").first.click(timeout=WAIT)
    page.wait_for_selector(".jp-NotebookPanel:visible .validate-button", timeout=WAIT)


def validate(page) -> str:
    """Validate the open notebook; nbgrader's verdict."""
    page.click(".jp-NotebookPanel:visible .validate-button")
    page.wait_for_selector(".jp-Dialog #validation-message", timeout=WAIT)
    message = page.inner_text(".jp-Dialog #validation-message")
    return message


# the learners' guide's pictures (course/huong-dan-hoc-vien-hub.md): each one this test takes
GUIDE = ROOT / "course" / "huong-dan-hoc-vien-hub.md"
PICTURES = {
    "dang-nhap": f"0-login-{OFFICIALS[0]}",
    "nhan-bai": f"1-assignments-{OFFICIALS[0]}",
    "lam-bai": f"2-typed-{OFFICIALS[0]}",
    "tu-kiem-tra": f"2-validated-{OFFICIALS[0]}-00",
    "nop-bai": f"3-submitted-{OFFICIALS[0]}",
    "phan-hoi": f"4-feedback-{OFFICIALS[0]}-00",
}


def write_guide() -> Path:
    """The learners' guide with this run's screenshots: the pictures under their guide names in
    test-artifacts/hub/huong-dan/ (`make guide-pictures` copies them to course/hinh/hub/), and the
    guide as one HTML page with the pictures inside, test-artifacts/hub/huong-dan-hoc-vien-hub.html."""
    import base64

    import mistune

    text = GUIDE.read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(hinh/hub/([\w-]+)\.png\)", text)
    assert sorted(linked) == sorted(PICTURES), f"the guide's pictures {linked} are not the ones the test takes"
    folder = SHOTS / "huong-dan"
    folder.mkdir(exist_ok=True)
    for name, shot in PICTURES.items():
        shutil.copyfile(SHOTS / f"{shot}.png", folder / f"{name}.png")
        data = base64.b64encode((folder / f"{name}.png").read_bytes()).decode()
        text = text.replace(f"(hinh/hub/{name}.png)", f"(data:image/png;base64,{data})")
    page = SHOTS / "huong-dan-hoc-vien-hub.html"
    body = mistune.html(text)
    page.write_text(
        f'<!doctype html><html lang="vi"><meta charset="utf-8"><title>Hướng dẫn học viên</title>'
        f"<style>body{{max-width:60rem;margin:auto;font-family:sans-serif}}img{{max-width:100%;"
        f"border:1px solid #ccc}}</style>{body}</html>",
        encoding="utf-8",
    )
    return page


def test_two_officials_fetch_validate_submit_and_read_their_feedback(hub):
    from playwright.sync_api import sync_playwright

    url, h = hub["url"], hub["hub"]
    # runs notebooks (the model solutions): not inside Playwright's loop
    planned = {(who, m): answers_for(who, m) for who in OFFICIALS for m in MODULES}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"]
        )
        pages = {}
        for who in OFFICIALS:  # both logged in at once, each in a browser context of their own
            pages[who] = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN").new_page()
            login(pages[who], url, who, h.passwords[who])
        for who, page in pages.items():
            assert "Tệp" in page.inner_text(".lm-MenuBar")  # JupyterLab in Vietnamese
            assert page.locator(".lm-MenuBar-item:has-text('Nbgrader')").count() == 1
            assignments(page)
            for module in MODULES:
                page.click(f"#released_assignments_list .list_item:has-text('{module}') button:has-text('Fetch')")
                page.wait_for_selector(f"#fetched_assignments_list .list_item:has-text('{module}')", timeout=WAIT)
            page.screenshot(path=str(SHOTS / f"1-assignments-{who}.png"))
            # learners are not shown nbgrader's instructor parts
            page.click(".lm-MenuBar-item:has-text('Nbgrader')")
            items = page.inner_text(".lm-Menu").strip()
            page.keyboard.press("Escape")
            assert "Formgrader" not in items and "Assignment List" in items
        for who, page in pages.items():
            for module in MODULES:
                answers, _ = planned[who, module]
                typed = TYPED[who] if module == MODULE else None
                fill_fetched(who, module, answers, typed)
                open_fetched(page, module)
                if typed:
                    [code] = [v for k, v in answers.items() if k.startswith(typed + "_")]
                    try:
                        type_answer(page, code, SHOTS / f"2-typed-{who}.png")
                    except Exception:
                        page.screenshot(path=str(SHOTS / f"failed-typing-{who}.png"))
                        raise
                message = validate(page)
                page.screenshot(path=str(SHOTS / f"2-validated-{who}-{module[:2]}.png"))
                page.click(".jp-Dialog-button.jp-mod-accept")
                assert "Success" in message, (who, module, message)
                page.click(".lm-TabBar-tab:has-text('Assignments')")
                page.click(f"#fetched_assignments_list .list_item:has-text('{module}') button:has-text('Submit')")
                page.wait_for_selector(f"#submitted_assignments_list .list_item:has-text('{module}')", timeout=WAIT)
            page.screenshot(path=str(SHOTS / f"3-submitted-{who}.png"))

        # one official submits their own work under the other's id, as nbgrader lets anyone do
        forger, victim = OFFICIALS[1], OFFICIALS[0]
        forged = as_official(forger, "-m", "nbgrader", "submit", MODULE, f"--student={victim}")
        assert forged.returncode == 0, forged.stderr[-2000:]

        # the instructor, as their own ordinary user: grade (collecting from the exchange), feedback
        chosen = [arg for m in MODULES for arg in ("--module", m)]
        graded = as_instructor(h, hub["cohorts"], "grade", "hub", *chosen, "--no-progress")
        assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-2000:]
        assert "qua JupyterHub" in graded.stdout
        assert f"mang mã {victim}" in graded.stderr and f"tài khoản {forger}" in graded.stderr, graded.stderr[-2000:]
        assert [p.name.split("+")[0] for p in (hub["root"] / "forged").iterdir()] == [victim]
        fed = as_instructor(h, hub["cohorts"], "feedback", "hub", *chosen, "--no-progress")
        assert fed.returncode == 0, fed.stdout[-2000:] + fed.stderr[-2000:]
        with open(hub["root"] / "grades.csv", encoding="utf-8") as f:
            rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(f)}
        for module in MODULES:
            source = nbm.read(manifest.load().module(module).source / NOTEBOOK)
            total = sum(q.points for q in nbm.questions(source).values() if q.tests)
            for who in OFFICIALS:
                assert float(rows[who, module]["score"]) == total - planned[who, module][1], (who, module)

        for who, page in pages.items():
            page.click(".lm-TabBar-tab:has-text('Assignments')")
            page.click("#refresh_assignments_list")
            for module in MODULES:
                item = f"#submitted_assignments_list .list_item:has-text('{module}')"
                page.click(f"{item} button:has-text('Fetch Feedback')", timeout=WAIT)
                page.click(f"{item} a:has-text('view feedback')", timeout=WAIT)
                # it opens the feedback folder in the file browser: the official opens the page there
                # (the listing shows this module's feedback folder, not the one opened before)
                [stamp] = [d.name for d in (Path(pwd.getpwnam(who).pw_dir) / module / "feedback").iterdir()]
                page.wait_for_selector(f".jp-BreadCrumbs:has-text('{stamp}')", timeout=WAIT)
                page.dblclick(".jp-DirListing-item:has-text('bai-tap.html')", timeout=WAIT)
                page.wait_for_selector(".jp-HTMLViewer", timeout=WAIT)
                assert page.locator(".jp-HTMLViewer").count() == 1
                frame = page.frame_locator(".jp-HTMLViewer iframe")
                heading = frame.locator("h4:has-text('Score')").first
                heading.wait_for(timeout=WAIT)
                text = heading.inner_text()
                page.screenshot(path=str(SHOTS / f"4-feedback-{who}-{module[:2]}.png"))
                m = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)
                assert m, text[:500]
                row = rows[who, module]
                assert (float(m.group(1)), float(m.group(2))) == (float(row["score"]), float(row["max_score"]))
                # close the page, so the next module's page is the only one open
                page.click(".lm-TabBar-tab:has-text('bai-tap.html') .lm-TabBar-tabCloseIcon")
                page.wait_for_selector(".jp-HTMLViewer", state="detached", timeout=WAIT)
        # the instructor grades the written answers by hand in Formgrader, in the browser
        teacher = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN").new_page()
        login(teacher, url, h.instructor, h.passwords[h.instructor])
        # the instructor sees the class on the hub's admin page (to open an official's server and
        # help); an official does not
        teacher.goto(url + "hub/admin")
        for who in OFFICIALS:
            teacher.wait_for_selector(f"text={who}", timeout=WAIT)
        teacher.screenshot(path=str(SHOTS / "5-admin-page.png"))
        refused = pages[OFFICIALS[0]].context.new_page()
        assert refused.goto(url + "hub/admin").status == 403
        refused.close()
        written = grade_written_answers(teacher, url, h.instructor)
        with course.gradebook(hub["root"]) as gb:
            by_hand = {s.student.id: s.score for s in gb.assignment_submissions(MODULE)}
        assert by_hand == {who: float(rows[who, MODULE]["score"]) + written for who in OFFICIALS}, by_hand
        browser.close()
    write_guide()
    shots = [f"{step}-{who}" for step in ("0-login", "1-assignments", "2-typed", "3-submitted") for who in OFFICIALS]
    shots += [f"{step}-{who}-{m[:2]}" for step in ("2-validated", "4-feedback") for who in OFFICIALS for m in MODULES]
    assert all((SHOTS / f"{name}.png").stat().st_size > 10_000 for name in shots)


def test_an_official_server_has_the_library_but_not_the_answer_key(hub):
    """What an official's own server can import: the course's library and data, never the answer
    key (kynangso.key, datasets/dap-an), which only the instructor's grader has."""
    code = (
        "import importlib.util, kynangso, os\n"
        "from kynangso.data import load\n"
        "print(len(load('don_vi')), importlib.util.find_spec('kynangso.key') is None,\n"
        "      os.path.isdir(os.path.join(os.environ['KYNANGSO_DATA'], 'dap-an')))\n"
    )
    proc = as_official(OFFICIALS[0], "-c", code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["28", "True", "False"], proc.stdout


LAB = r"""
import json, os, smtplib, stat, sys, tempfile
from email.message import EmailMessage
from pathlib import Path
from kynangso import letters, signing
from kynangso.data import load
from kynangso.maillab import MailLab
from kynangso.pki import TrainingPKI

me = os.environ["USER"]
def letter(to):
    m = EmailMessage()
    m["From"], m["To"], m["Subject"] = f"{me}@vinhtuong.example", to, f"thu cua {me}"
    m.set_content("Thư thực hành.")
    return m

with MailLab() as lab:                                   # module 01's lab, as the lesson runs it
    print(json.dumps({"port": lab.port}), flush=True)
    other = int(sys.stdin.readline())                      # the colleague's lab, running now
    with smtplib.SMTP(lab.host, lab.port) as s:
        s.send_message(letter("vanthu@vinhtuong.example"))
    try:
        with smtplib.SMTP(lab.host, other) as s:
            s.send_message(letter("vanthu@vinhtuong.example"))
        refused = None
    except smtplib.SMTPSenderRefused as e:
        refused = [e.smtp_code, e.smtp_error.decode()]
    print(json.dumps({"sent": True}), flush=True)
    sys.stdin.readline()                                   # the colleague has tried too: stop
    lab.mailbox.wait_for(1)
    senders = [r.mail_from for r in lab.mailbox]

with tempfile.TemporaryDirectory(prefix="kynangso-bai-2-") as tmp:  # module 02's keys, as the lesson makes them
    pki = TrainingPKI.create(Path(tmp) / "ca-thuc-hanh")
    official = load("can_bo").iloc[0]
    cert = pki.issue(official)
    doc = letters.Letter(issuer=[("UBND HUYỆN VĨNH TƯỜNG", "B")], number="Số: 1/UBND", place_date="Vĩnh Tường",
                         title="THÔNG BÁO", subject="Thực hành", recipients="", paragraphs=["Thử ký số."],
                         authority=["CHỦ TỊCH"], signer=official["ho_ten"], to_list=["Lưu: VT."], signed_mark="")
    pdf, box = letters.layout(doc)
    [report] = signing.check_pdf(signing.sign_pdf(pdf, pki, cert, "UBND huyện Vĩnh Tường", box), pki)
    keys = {p.name: stat.S_IMODE(p.stat().st_mode) for p in pki.folder.glob("*.key")}
    folder = [str(Path(tmp)), stat.S_IMODE(Path(tmp).stat().st_mode)]
font = Path(signing._font_path())
print(json.dumps({"senders": senders, "refused": refused, "verdict": report.verdict, "keys": keys,
                  "folder": folder, "font": [str(font.parent), font.parent.stat().st_uid]}), flush=True)
"""


def test_two_officials_run_the_mail_and_signature_labs_at_once(hub):
    """Module 01's SMTP lab and module 02's keys for two officials at the same moment, as their own
    users on the hub's shared Python: each gets a port, a mailbox and keys of their own; one cannot
    drop mail into the other's lab server; each signature validates."""
    procs = {}
    for who in OFFICIALS:
        procs[who] = subprocess.Popen(
            **as_user(who, "learner", "-c", LAB),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        ports = {who: json.loads(p.stdout.readline() or "{}").get("port") for who, p in procs.items()}
        assert all(ports.values()) and len(set(ports.values())) == 2, ports
        a, b = OFFICIALS
        for who, other in ((a, b), (b, a)):  # both servers are up: each tries the other's
            procs[who].stdin.write(f"{ports[other]}\n")
            procs[who].stdin.flush()
        for p in procs.values():  # both have tried each other's server: let them stop theirs
            assert json.loads(p.stdout.readline() or "{}").get("sent"), p.stderr.read()[-2000:]
        for p in procs.values():
            p.stdin.write("stop\n")
            p.stdin.flush()
        results = {}
        for who, p in procs.items():
            out, err = p.communicate(timeout=300)
            assert p.returncode == 0, err[-2000:]
            results[who] = json.loads(out.strip().splitlines()[-1])
    finally:
        for p in procs.values():
            p.kill()
    folders = set()
    for who, r in results.items():
        uid = pwd.getpwnam(who).pw_uid
        assert r["senders"] == [f"{who}@vinhtuong.example"], r  # their own letter only
        assert r["refused"] and r["refused"][0] == 550 and "người dùng khác" in r["refused"][1], r
        assert r["verdict"] == "hop_le", r
        assert r["keys"] and set(r["keys"].values()) == {0o600}, r
        assert r["folder"][1] == 0o700, r
        assert r["font"] == [f"/tmp/kynangso-{uid}", uid], r
        folders.add(r["folder"][0])
    assert len(folders) == 2


def test_the_hub_verb_stops_its_hub_and_servers_on_sigterm(hub):
    """`kynangso hub` under systemd is stopped with SIGTERM: the hub it started (in a session of
    its own) and the proxy stop with it, and the port is free again. A cohort of its own, so the
    shared hub of the other tests is untouched."""
    import signal
    import socket
    import sys
    import time

    import psutil

    users = ["hv9103", "kns-gvhub2"]
    for name in users:
        subprocess.run(["userdel", "--remove", name], capture_output=True)
    roster.create("hubstop", write_roster(hub["work"] / "roster-stop.csv", users[:1]))
    port = config.free_port()
    added = hub["work"] / "hub.d"  # the district's additions, as install.sh puts them in /etc/kynangso/hub.d
    added.mkdir()
    shutil.copy(ROOT / "deploy" / "district-server" / "idle-culler.py", added)
    proc = subprocess.Popen(
        [sys.executable, "-m", "kynangso.cli", "hub", "hubstop", "--port", str(port), "--instructor", users[1]],
        env={**os.environ, "KYNANGSO_COHORTS": str(hub["cohorts"]), "KYNANGSO_HUB_D": str(added)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        seen = ""
        while f"127.0.0.1:{port}" not in seen:  # the verb prints the hub's address once it answers
            line = proc.stdout.readline()
            assert line, seen + (proc.stdout.read() or "")
            seen += line
        pid = int((config.state_dir("hubstop") / "jupyterhub.pid").read_text())
        culler = []
        deadline = time.monotonic() + 30
        while not culler and time.monotonic() < deadline:  # the idle culler, a service the hub runs
            culler = [
                p for p in psutil.process_iter(["cmdline"]) if "jupyterhub_idle_culler" in (p.info["cmdline"] or [])
            ]
            time.sleep(0.3)
        assert culler, (config.state_dir("hubstop") / "jupyterhub.log").read_text()[-3000:]
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, proc.stdout.read()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not Path(f"/proc/{pid}").exists(), "the hub outlived the verb"
        assert not any(p.is_running() for p in culler), "the idle culler outlived the hub"
        with socket.socket() as s:
            assert s.connect_ex(("127.0.0.1", port)) != 0, "something still listens on the hub's port"
    finally:
        proc.kill()
        for name in users:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(config.exchange_root("hubstop"), ignore_errors=True)
        shutil.rmtree(config.state_dir("hubstop"), ignore_errors=True)
