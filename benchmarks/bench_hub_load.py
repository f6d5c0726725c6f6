"""Many officials on the hub at once: spawned, fetching and submitting through JupyterHub's REST API.

    sudo .venv/bin/python benchmarks/bench_hub_load.py [OFFICIALS]      (default 30)

A cohort of OFFICIALS synthetic officials gets module 00 released; `kynangso hub` prepares their
system users and starts JupyterHub with a service token for this script. First one official's
server is spawned alone (the reference), then all the others at once. Then each, at once, fetches
the module through nbgrader's assignment API on their own server, gets their answers (the model
solution, written into their home as their file) and submits. Printed: how many of each step
worked, spawn and submit times (median, max), the ratio of the median spawn at once to the spawn
alone, and the memory of each server (RSS of the server and its kernels). The target on this
2-core machine: 30 at once without a failure. Users are removed afterwards.
"""

import json
import os
import pwd
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

MODULE = "00-lam-quen"


def api(url, token, method="GET", data=None, timeout=120):
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(req, data=body, timeout=timeout) as r:
        text = r.read().decode()
    return json.loads(text) if text.strip().startswith(("{", "[")) else text


def spawn(base, token, user, out):
    t0 = time.perf_counter()
    try:
        api(f"{base}hub/api/users/{user}/server", token, "POST", data={})
        while True:
            info = api(f"{base}hub/api/users/{user}", token)
            if (info.get("servers") or {}).get("", {}).get("ready"):
                break
            if time.perf_counter() - t0 > 300:
                raise TimeoutError("not ready in 300 s")
            time.sleep(0.5)
        out[user] = ("ok", time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001 - a benchmark counts failures, it does not stop at one
        out[user] = (f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)


def fetch_and_submit(base, token, user, course, fill, out):
    t0 = time.perf_counter()
    try:
        args = {"course_id": course, "assignment_id": MODULE}
        api(f"{base}user/{user}/assignments/fetch", token, "POST", data=args)
        fill(user)
        result = api(f"{base}user/{user}/assignments/submit", token, "POST", data=args)
        if isinstance(result, dict) and result.get("success") is False:
            raise RuntimeError(str(result.get("value"))[:200])
        out[user] = ("ok", time.perf_counter() - t0)
    except Exception as exc:  # noqa: BLE001
        out[user] = (f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)


def rss_by_user(users):
    import psutil

    total = dict.fromkeys(users, 0)
    for p in psutil.process_iter(["username", "memory_info"]):
        if p.info["username"] in total and p.info["memory_info"]:
            total[p.info["username"]] += p.info["memory_info"].rss
    return {u: v / 2**20 for u, v in total.items()}


def run_all(target, users, *args):
    out, threads = {}, []
    for u in users:
        t = threading.Thread(target=target, args=(*args[:2], u, *args[2:], out))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()
    return out


def summary(name, results):
    ok = [s for st, s in results.values() if st == "ok"]
    bad = {u: st for u, (st, _) in results.items() if st != "ok"}
    line = f"{name}: {len(ok)}/{len(results)} ok"
    if ok:
        line += f", median {statistics.median(ok):.1f} s, max {max(ok):.1f} s"
    print(line)
    for u, st in list(bad.items())[:5]:
        print(f"  {u}: {st}")
    return ok, bad


def main(n: int = 30) -> int:
    if os.geteuid() != 0:
        print("needs root (a system user per official)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="kns-load-", dir="/srv"))
    work.chmod(0o755)
    os.environ["KYNANGSO_COHORTS"] = str(work / "cohorts")
    from kynangso import cli
    from kynangso.authoring import manifest
    from kynangso.authoring import notebook as nbm
    from kynangso.authoring.settings import settings
    from kynangso.cohorts import simulate
    from kynangso.hub import config, serve

    users = [f"tai{i:04d}" for i in range(1, n + 1)]
    roster = work / "roster.csv"
    roster.write_text(
        "ma_can_bo,ho_ten,ma_don_vi,chuc_vu,email\n"
        + "".join(
            f"{u},Học Viên Tải {i},VT01,Công chức thử nghiệm,{u}@vinhtuong.example\n" for i, u in enumerate(users)
        )
    )
    assert cli.main(["cohort", "tai", "--roster", str(roster)]) == 0
    assert cli.main(["build", "--cohort", "tai", "--module", MODULE, "--no-run"]) == 0
    source = nbm.read(manifest.load().module(MODULE).source / "bai-tap.ipynb")
    best = simulate.solutions(source)

    def fill(user):
        pw = pwd.getpwnam(user)
        path = Path(pw.pw_dir) / MODULE / "bai-tap.ipynb"
        nb = simulate.fill(nbm.read(path), source, best)
        path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
        os.chown(path, pw.pw_uid, pw.pw_gid)

    token = secrets.token_hex(24)
    extra = (
        '\nc.JupyterHub.services = [{"name": "kns-load", "api_token": %r}]\n'
        'c.JupyterHub.load_roles = [{"name": "kns-load", "scopes": ["admin:users", "admin:servers", '
        '"access:servers"], "services": ["kns-load"]}]\n'
    ) % token
    hub = serve.prepare("tai", "kns-gvtai", renew=True)
    proc, base = serve.start("tai", hub, config.free_port(), extra)
    try:
        alone = run_all(spawn, users[:1], base, token)
        summary("spawn, one alone", alone)
        t0 = time.perf_counter()
        crowd = run_all(spawn, users[1:], base, token)
        print(f"spawned {len(users) - 1} at once in {time.perf_counter() - t0:.1f} s")
        ok_spawn, _ = summary("spawn, the others at once", crowd)
        if alone[users[0]][0] == "ok" and ok_spawn:
            print(f"ratio median spawn at once / alone: {statistics.median(ok_spawn) / alone[users[0]][1]:.2f}")
        t0 = time.perf_counter()
        subs = run_all(fetch_and_submit, users, base, token, settings().course_id, fill)
        print(f"fetched and submitted by {len(users)} at once in {time.perf_counter() - t0:.1f} s")
        summary("fetch + submit", subs)
        mem = rss_by_user(users)
        print(f"memory per server: median {statistics.median(mem.values()):.0f} MiB, max {max(mem.values()):.0f} MiB")
        inbound = Path(config.exchange_root("tai")) / settings().course_id / "inbound"
        print(f"submissions in the exchange: {len(list(inbound.iterdir()))}")
    finally:
        serve.stop(proc)
        for u in [*users, "kns-gvtai"]:
            subprocess.run(["userdel", "--remove", u], capture_output=True)
        shutil.rmtree(config.exchange_root("tai"), ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 30))
