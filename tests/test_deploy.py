"""The deployment files in deploy/ hold together without a VM or a cluster: the install script parses
and lints, the systemd unit verifies and runs the real `kynangso hub` verb as the lead decided
(127.0.0.1:8000, SIGTERM to kynangso alone), the HTTPS fronts pass WebSockets on to the hub, the
TLJH snippet and the Helm values' Python set nbgrader's groups from the course's real id and the
exchange every server reads, every Helm key is one the chart's schema has, the images keep the
answer key from officials, and the Vietnamese guides name every file and are NFC."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from kynangso import cli
from kynangso.authoring.settings import settings
from kynangso.hub import accounts, serve
from kynangso.hub import config as hub_config

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
DISTRICT = DEPLOY / "district-server"
K8S = DEPLOY / "province-k8s"
TLJH = DISTRICT / "tljh"
GUIDES = {
    "district-server": ROOT / "course" / "trien-khai-may-chu-huyen.md",
    "province-k8s": ROOT / "course" / "trien-khai-tinh-k8s.md",
}
UNIT = DISTRICT / "kynangso-hub@.service"
HUB_COMMAND = "/opt/kynangso/.venv/bin/kynangso hub %i --port 8000 --instructor giangvien"
MEASURED_SERVER_MIB = 157  # README: benchmarks/bench_hub_load.py, one idle server

# Keys of the jupyterhub chart (4.x) read in its schema, jupyterhub/values.schema.yaml of
# github.com/jupyterhub/zero-to-jupyterhub-k8s (the source of the configuration reference at
# https://z2jh.jupyter.org/en/stable/resources/reference.html), read on 4 Dec 2026. "*" is a name
# the deployment chooses (a file, a service).
VERIFIED_KEYS = {
    "custom",
    "cull",
    "cull.enabled",
    "cull.timeout",
    "cull.every",
    "cull.concurrency",
    "cull.users",
    "cull.maxAge",
    "cull.adminUsers",
    "cull.removeNamedServers",
    "debug",
    "debug.enabled",
    "hub",
    "hub.baseUrl",
    "hub.config",
    "hub.extraConfig",
    "hub.extraEnv",
    "hub.loadRoles",
    "hub.existingSecret",
    "hub.image",
    "hub.image.name",
    "hub.image.tag",
    "hub.db",
    "hub.db.type",
    "hub.db.pvc",
    "hub.db.pvc.storage",
    "hub.db.pvc.storageClassName",
    "hub.extraFiles",
    "hub.extraFiles.*",
    "hub.extraFiles.*.mountPath",
    "hub.extraFiles.*.stringData",
    "hub.services",
    "hub.services.*",
    "hub.services.*.url",
    "hub.services.*.api_token",
    "hub.services.*.admin",
    "hub.services.*.name",
    "ingress",
    "ingress.enabled",
    "ingress.hosts",
    "ingress.tls",
    "ingress.annotations",
    "prePuller",
    "prePuller.hook",
    "prePuller.hook.enabled",
    "prePuller.continuous",
    "prePuller.continuous.enabled",
    "proxy",
    "proxy.https",
    "proxy.https.enabled",
    "proxy.https.type",
    "proxy.https.hosts",
    "proxy.https.letsencrypt",
    "proxy.https.letsencrypt.contactEmail",
    "proxy.service",
    "proxy.service.type",
    "proxy.service.loadBalancerIP",
    "scheduling",
    "scheduling.userScheduler",
    "scheduling.userScheduler.enabled",
    "singleuser",
    "singleuser.image",
    "singleuser.image.name",
    "singleuser.image.tag",
    "singleuser.image.pullPolicy",
    "singleuser.defaultUrl",
    "singleuser.cmd",
    "singleuser.startTimeout",
    "singleuser.uid",
    "singleuser.fsGid",
    "singleuser.extraEnv",
    "singleuser.profileList",
    "singleuser.memory",
    "singleuser.memory.guarantee",
    "singleuser.memory.limit",
    "singleuser.cpu",
    "singleuser.cpu.guarantee",
    "singleuser.cpu.limit",
    "singleuser.networkPolicy",
    "singleuser.networkPolicy.enabled",
    "singleuser.storage",
    "singleuser.storage.type",
    "singleuser.storage.capacity",
    "singleuser.storage.homeMountPath",
    "singleuser.storage.extraVolumes",
    "singleuser.storage.extraVolumeMounts",
    "singleuser.storage.dynamic",
    "singleuser.storage.dynamic.storageClass",
    "singleuser.extraFiles",
    "singleuser.extraFiles.*",
    "singleuser.extraFiles.*.mountPath",
    "singleuser.extraFiles.*.stringData",
}
# Objects the schema leaves open (additionalProperties: true, or Kubernetes' own syntax): what is
# below them is the deployment's, not the chart's.
OPEN_KEYS = {"custom", "hub.config", "hub.extraConfig", "hub.extraEnv", "hub.loadRoles"}
# The ngshare chart's values, from ngshare's guide "Installing on a Z2JH Cluster"
# (https://ngshare.readthedocs.io/en/latest/user_guide/install_z2jh.html, docs/user_guide/
# install_z2jh.rst of github.com/LibreTexts/ngshare).
NGSHARE_KEYS = {"ngshare", "ngshare.hub_api_token", "ngshare.admins", "pvc", "pvc.storage", "deployment"}


def _key_paths(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, dict):
            yield from _key_paths(value, path + ".")


def _unknown_keys(values: dict, known: set[str], open_keys: set[str] = frozenset()) -> list[str]:
    """Key paths of `values` that are not in `known` ("*" matching any one name), not looking
    below the open objects."""
    patterns = [re.compile("^" + re.escape(k).replace(r"\*", "[^.]+") + "$") for k in known]
    out = []
    for path, _value in _key_paths(values):
        if any(path.startswith(o + ".") for o in open_keys):
            continue
        if not any(p.match(path) for p in patterns):
            out.append(path)
    return out


def _values(name: str = "values.yaml") -> dict:
    return yaml.safe_load((K8S / name).read_text(encoding="utf-8"))


def _lookup(tree: dict, dotted: str, default=None):
    """The chart's get_config (jupyterhub/files/hub/z2jh.py): a dotted path into the values."""
    for level in dotted.split("."):
        if not isinstance(tree, dict) or level not in tree:
            return default
        tree = tree[level]
    return tree


def _unit() -> list[tuple[str, str, str]]:
    """(section, key, value) of each setting of the unit, in order (keys may repeat)."""
    out, section = [], ""
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        out.append((section, key.strip(), value.strip()))
    return out


def _setting(section: str, key: str) -> list[str]:
    return [v for s, k, v in _unit() if s == section and k == key]


def _roster(path: Path, logins: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ma_can_bo", "ho_ten", "ma_don_vi", "chuc_vu", "email"])
        w.writerows([login, f"Cán Bộ {i}", "VT01", "", ""] for i, login in enumerate(logins))


class _User(SimpleNamespace):
    pass


def _spawner(name: str) -> SimpleNamespace:
    return SimpleNamespace(user=_User(name=name), environment={}, image="learner-image")


# ---- the district server: install script, systemd unit, HTTPS fronts ----------------------------


def test_install_script_parses_and_is_strict():
    script = DISTRICT / "install.sh"
    proc = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    text = script.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
    assert 'make -C "$PREFIX" setup' in text
    assert re.search(r"^setup:", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M), "Makefile lost `setup`"
    # the verbs and options it calls exist (argparse exits on an unknown one)
    cli.parser("cohort").parse_args(["cohort", "k2026", "--roster", "ds.csv"])
    cli.parser("build").parse_args(["build", "--cohort", "k2026"])
    for verb in ("cohort", "build"):
        assert f'"$KNS" {verb} ' in text


def test_install_script_passes_shellcheck():
    if not shutil.which("shellcheck"):
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    proc = subprocess.run(["shellcheck", str(DISTRICT / "install.sh")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_unit_runs_the_hub_verb_on_loopback_and_stops_it_with_sigterm():
    assert _setting("Service", "ExecStart") == [HUB_COMMAND]
    argv = HUB_COMMAND.split()[1:]
    args = cli.parser("hub").parse_args([a.replace("%i", "k2026") for a in argv])
    assert (args.name, args.port, args.instructor) == ("k2026", 8000, "giangvien")
    assert "0.0.0.0" not in UNIT.read_text(encoding="utf-8")
    assert _setting("Service", "User") == ["root"]
    assert _setting("Service", "WorkingDirectory") == ["/opt/kynangso"]
    assert "KYNANGSO_COHORTS=/srv/kynangso/cohorts" in _setting("Service", "Environment")
    assert _setting("Service", "Restart") == ["on-failure"]
    assert _setting("Service", "KillMode") == ["mixed"]  # SIGTERM to kynangso, which stops the hub
    assert "network-online.target" in " ".join(_setting("Unit", "After"))
    assert _setting("Install", "WantedBy") == ["multi-user.target"]
    # systemd waits longer than kynangso waits for the hub before it kills it
    waits = [int(s) for s in re.findall(r"wait\(timeout=(\d+)\)", Path(serve.__file__).read_text(encoding="utf-8"))]
    assert waits and int(_setting("Service", "TimeoutStopSec")[0]) > max(waits)


def test_unit_has_only_directives_systemd_knows(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        pytest.skip("systemd-analyze is not installed")
    # verify refuses a unit whose ExecStart binary is missing: the copy runs /bin/true instead
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text(encoding="utf-8").replace(HUB_COMMAND, "/bin/true hub %i"), encoding="utf-8")
    proc = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    said = proc.stdout + proc.stderr
    assert proc.returncode == 0, said
    assert not re.search(r"Unknown|Failed to parse|ignoring|Invalid", said), said


def test_nginx_site_passes_websockets_and_uploads_to_the_loopback_hub(tmp_path):
    site = (DISTRICT / "nginx-kynangso.conf").read_text(encoding="utf-8")
    assert re.search(r"map \$http_upgrade \$connection_upgrade \{\s*default upgrade;\s*''\s+close;", site)
    assert "proxy_set_header Upgrade $http_upgrade;" in site
    assert "proxy_set_header Connection $connection_upgrade;" in site
    assert "proxy_http_version 1.1;" in site
    assert re.findall(r"proxy_pass (\S+);", site) == ["http://127.0.0.1:8000"]
    assert re.search(r"client_max_body_size \d+[mMgG];", site)
    assert re.search(r"listen 443 ssl", site)
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if not nginx:
        return  # the text checks above still ran; `nginx -t` needs nginx (apt-get install nginx-light)
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hub.vinhtuong.example")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    live = "/etc/letsencrypt/live/hub.vinhtuong.example/"
    site = site.replace(live + "fullchain.pem", str(tmp_path / "cert.pem")).replace(
        live + "privkey.pem", str(tmp_path / "key.pem")
    )
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path}/body;\n include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [nginx, "-t", "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr


def test_caddyfile_proxies_the_loopback_hub():
    text = (DISTRICT / "Caddyfile").read_text(encoding="utf-8")
    assert re.findall(r"^\s*reverse_proxy\s+(\S+)", text, re.M) == ["127.0.0.1:8000"]
    assert re.search(r"max_size \d+MB", text)
    caddy = shutil.which("caddy")
    if not caddy:
        return  # `caddy validate` needs caddy (apt-get install caddy)
    proc = subprocess.run(
        [caddy, "validate", "--config", str(DISTRICT / "Caddyfile"), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_idle_culler_lines_add_the_service_and_only_its_scopes():
    c = Config()
    exec(
        compile((DISTRICT / "idle-culler.py").read_text(encoding="utf-8"), "idle-culler.py", "exec"),
        {"get_config": lambda: c, "c": c},
    )
    loaded = PyFileConfigLoader("idle-culler.py", path=str(DISTRICT)).load_config()
    for cfg in (c, loaded):
        services = cfg.JupyterHub.services.get_value([])
        roles = cfg.JupyterHub.load_roles.get_value([])
        assert [s["command"][1:3] for s in services] == [["-m", "jupyterhub_idle_culler"]]
        assert "--timeout=3600" in services[0]["command"]
        assert roles[0]["services"] == [services[0]["name"]]
        assert set(roles[0]["scopes"]) == {"list:users", "read:users:activity", "read:servers", "delete:servers"}


# ---- The Littlest JupyterHub ----------------------------------------------------------------------


def _tljh_snippet(tmp_path, monkeypatch, parent: str = "") -> Config:
    cohorts = tmp_path / "cohorts"
    _roster(cohorts / "k2026" / "roster.csv", ["cb0002", "cb0001"])
    monkeypatch.setenv("KYNANGSO_COHORTS", str(cohorts))
    monkeypatch.setenv("KYNANGSO_COHORT", "k2026")
    snippet = TLJH / "jupyterhub_config.d" / "kynangso.py"
    # as TLJH loads it: its own configuration first, then load_subconfig of every .py in the folder
    (tmp_path / "jupyterhub_config.py").write_text(parent + f"load_subconfig({str(snippet)!r})\n", encoding="utf-8")
    return PyFileConfigLoader("jupyterhub_config.py", path=str(tmp_path)).load_config()


def test_tljh_snippet_sets_nbgrader_groups_from_the_course_id(tmp_path, monkeypatch):
    course = settings().course_id
    c = _tljh_snippet(tmp_path, monkeypatch, parent="c = get_config()\nc.Authenticator.allowed_users = {'quantri'}\n")
    assert c.JupyterHub.load_groups == {
        f"formgrade-{course}": {"users": ["giangvien"]},
        f"nbgrader-{course}": {"users": ["cb0001", "cb0002"]},
    }
    assert c.Authenticator.allowed_users == {"quantri", "giangvien", "cb0001", "cb0002"}
    assert c.Spawner.default_url == "/lab"
    # executed on its own against a fresh `c`, as the brief of a snippet
    c2 = Config()
    code = (TLJH / "jupyterhub_config.d" / "kynangso.py").read_text(encoding="utf-8")
    exec(compile(code, "kynangso.py", "exec"), {"get_config": lambda: c2, "__name__": "tljh"})
    assert set(c2.JupyterHub.load_groups) == {f"formgrade-{course}", f"nbgrader-{course}"}


def test_tljh_officials_read_the_learner_settings_and_the_instructor_does_not(tmp_path, monkeypatch):
    c = _tljh_snippet(tmp_path, monkeypatch)
    hook = c.Spawner.pre_spawn_hook
    official, teacher = _spawner("cb0001"), _spawner("giangvien")
    hook(official)
    hook(teacher)
    folder = official.environment["JUPYTER_CONFIG_PATH"]
    assert folder == "/opt/kynangso/" + (TLJH / "learner-config").relative_to(ROOT).as_posix()
    assert "JUPYTER_CONFIG_PATH" not in teacher.environment
    learner = TLJH / "learner-config"
    page = json.loads((learner / "labconfig" / "page_config.json").read_text(encoding="utf-8"))
    assert page["disabledExtensions"] == accounts.LEARNER_HIDDEN  # what `kynangso hub` hides
    server = json.loads((learner / "jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server["ServerApp"]["jpserver_extensions"] == {"nbgrader.server_extensions.formgrader": False}
    monkeypatch.setenv("JUPYTERHUB_USER", "cb0001")
    student = PyFileConfigLoader("nbgrader_config.py", path=str(learner)).load_config()
    assert student.CourseDirectory.student_id == "cb0001"  # submissions named by hub login, not jupyter-cb0001


def test_tljh_servers_read_the_course_and_the_exchange_kynangso_hub_uses():
    c = PyFileConfigLoader("nbgrader_config.py", path=str(TLJH)).load_config()
    assert c.CourseDirectory.course_id == settings().course_id
    assert c.Exchange.root == str(hub_config.exchange_root("k2026"))
    overrides = json.loads((TLJH / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/translation-extension:plugin"] == {"locale": "vi_VN"}


# ---- Zero to JupyterHub -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["values.yaml", "values-ngshare.yaml"])
def test_every_helm_key_is_one_the_chart_has(name):
    assert _unknown_keys(_values(name), VERIFIED_KEYS, OPEN_KEYS) == []


def test_unknown_helm_key_is_caught():
    assert _unknown_keys({"singleuser": {"memory": {"limt": "1G"}}}, VERIFIED_KEYS, OPEN_KEYS) == [
        "singleuser.memory.limt"
    ]


def test_helm_extra_config_sets_groups_and_the_instructor_image(tmp_path, monkeypatch):
    values = _values()
    course = settings().course_id
    officials = tmp_path / "officials.txt"
    officials.write_text("cb0002\ncb0001\n\n", encoding="utf-8")
    monkeypatch.setenv("KYNANGSO_OFFICIALS", str(officials))
    monkeypatch.setenv("LDAP_SEARCH_PASSWORD", "s3cret")
    c = Config()
    for key, code in sorted(values["hub"]["extraConfig"].items()):
        exec(compile(code, key, "exec"), {"c": c, "get_config": lambda k, d=None: _lookup(values, k, d)})
    assert c.JupyterHub.load_groups == {
        f"formgrade-{course}": {"users": ["giangvien"]},
        f"nbgrader-{course}": {"users": ["cb0001", "cb0002"]},
    }
    assert c.LDAPAuthenticator.lookup_dn_search_password == "s3cret"
    teacher, official = _spawner("giangvien"), _spawner("cb0001")
    c.KubeSpawner.pre_spawn_hook(teacher)
    c.KubeSpawner.pre_spawn_hook(official)
    assert teacher.image == values["custom"]["kynangso"]["instructorImage"]
    assert official.image == "learner-image" and not hasattr(official, "mem_limit")
    # the roles name the same group, and only scopes JupyterHub has
    from jupyterhub.scopes import scope_definitions

    for role in values["hub"]["loadRoles"].values():
        assert role["groups"] == [f"formgrade-{course}"]
        for scope in role["scopes"]:
            base, _, flt = scope.partition("!")
            assert base in scope_definitions, scope
            assert flt in ("", f"group=nbgrader-{course}"), scope


def test_helm_values_use_the_course_id_the_exchange_volume_and_the_measured_memory():
    values = _values()
    course = settings().course_id
    assert values["custom"]["kynangso"]["courseId"] == course
    files = values["singleuser"]["extraFiles"]["nbgrader-config"]
    nb = Config()
    exec(compile(files["stringData"], "nbgrader_config.py", "exec"), {"get_config": lambda: nb})
    assert nb.CourseDirectory.course_id == course
    mounts = {m["name"]: m["mountPath"] for m in values["singleuser"]["storage"]["extraVolumeMounts"]}
    volumes = {v["name"]: v for v in values["singleuser"]["storage"]["extraVolumes"]}
    assert nb.Exchange.root == mounts["nbgrader-exchange"] == values["custom"]["kynangso"]["exchangeRoot"]
    pvc = yaml.safe_load((K8S / "exchange-pvc.yaml").read_text(encoding="utf-8"))
    assert volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]

    def mib(spec: str) -> float:
        number, unit = re.fullmatch(r"([\d.]+)([KMGT]?)i?", str(spec)).groups()
        return float(number) * {"": 2**-20, "K": 2**-10, "M": 1, "G": 2**10, "T": 2**20}[unit]

    memory = values["singleuser"]["memory"]
    assert mib(memory["guarantee"]) >= 2 * MEASURED_SERVER_MIB  # a server and a kernel, with room
    assert mib(memory["limit"]) > mib(memory["guarantee"])
    assert "dask" not in (K8S / "values.yaml").read_text(encoding="utf-8").lower()  # another issue
    assert values["cull"]["enabled"] is True and values["cull"]["timeout"] > 0


def test_ngshare_alternative_is_consistent():
    ngshare = yaml.safe_load((K8S / "ngshare-values.yaml").read_text(encoding="utf-8"))
    assert _unknown_keys(ngshare, NGSHARE_KEYS) == []
    overlay = _values("values-ngshare.yaml")
    assert overlay["hub"]["services"]["ngshare"]["api_token"] == ngshare["ngshare"]["hub_api_token"]
    assert overlay["singleuser"]["storage"]["extraVolumes"] == []  # no shared volume with ngshare
    code = overlay["singleuser"]["extraFiles"]["nbgrader-config"]["stringData"]
    compile(code, "nbgrader_config.py", "exec")
    assert "configureExchange(c)" in code and settings().course_id in code


def test_dockerfile_keeps_the_answer_key_out_of_the_learner_image():
    text = (K8S / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    known = {"FROM", "ARG", "ENV", "RUN", "COPY", "USER", "WORKDIR", "LABEL", "EXPOSE", "CMD", "ENTRYPOINT"}
    stages, current = {}, None
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word = line.split()[0]
        assert word in known, line
        if word == "FROM":
            current = line.split(" AS ")[-1] if " AS " in line else None
            stages[current] = []
        elif current:
            stages[current].append(line)
        if word == "COPY" and "--from=" not in line:
            for src in line.split()[1:-1]:
                if not src.startswith("--"):
                    assert (ROOT / src).exists(), src
    assert list(stages) == ["source", "instructor", "learner"]  # the learner image is the default
    learner_copies = [ln for ln in stages["learner"] if ln.startswith("COPY")]
    assert learner_copies and all("--from=source" in ln for ln in learner_copies)
    assert {ln.split()[-2] for ln in learner_copies} == {"/learner", "/src/overrides.json"}
    source = " ".join(stages["source"])
    assert "rm -rf /learner/src/kynangso/key /learner/datasets/dap-an" in source
    learner = " ".join(stages["learner"])
    assert "import kynangso.key" in learner  # the build fails if the key is importable
    for plugin in accounts.LEARNER_HIDDEN:
        assert f"labextension disable --level=sys_prefix {plugin}" in learner
    assert "server extension disable --sys-prefix nbgrader.server_extensions.formgrader" in learner
    for stage in ("instructor", "learner"):
        run = " ".join(stages[stage])
        assert '"nbgrader==0.9.6"' in run and "jupyterlab-language-pack-vi-VN" in run
    assert "minimal-notebook" in text
    ignored = (K8S / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    assert ".venv" in ignored and "cohorts" in ignored


# ---- the guides -------------------------------------------------------------------------------


def test_guides_are_nfc_and_name_every_deploy_file():
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    for folder, guide in GUIDES.items():
        text = guide.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, guide
        assert guide.name in readme
        first = text.split("\n\n")[1] if text.startswith("#") else text.split("\n\n")[0]
        assert len(first) > 200 and not first.startswith(("#", "-", "|", "`")), "a summary paragraph first"
        assert "Đã kiểm thử" in text and "Chưa kiểm thử" in text
        missing = [
            p.relative_to(DEPLOY).as_posix()
            for p in sorted((DEPLOY / folder).rglob("*"))
            if p.is_file() and p.relative_to(DEPLOY).as_posix() not in text and p.name not in text
        ]
        assert missing == [], f"{guide.name} does not mention {missing}"
    assert str(MEASURED_SERVER_MIB) + " MiB" in GUIDES["district-server"].read_text(encoding="utf-8")
    assert "1225" in GUIDES["province-k8s"].read_text(encoding="utf-8")
