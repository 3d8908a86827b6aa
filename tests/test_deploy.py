"""The production deployment (deploy/) agrees with the code, as far as this machine can check it.

No Docker engine, cluster or systemd runs here, so these tests read the Compose file, the Kubernetes
manifests, the systemd units, the nginx configuration and the Dockerfile, and check them against the
code: the ``ASCOLTO_*`` variables they set are ones ``settings.load()`` reads,
the commands they run exist in the ``ascolto`` CLI, the probes and health checks hit routes the Flask
apps have, on the ports the code listens on, and the Kafka topics, replication and partitions match
the design. Where a real tool is installed (``kubectl kustomize``, ``systemd-analyze verify``,
``nginx -t``) it validates the files too; otherwise that test is skipped with the reason.
"""
from __future__ import annotations

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import click
import pytest
import yaml

from ascolto.cli import main as cli_main
from settings import Settings

from .worker_hooks import after_post_worker_init

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "compose" / "compose.yaml"
COMPOSE_ENV = DEPLOY / "compose" / "env.example"
K8S = DEPLOY / "k8s"
SYSTEMD = DEPLOY / "systemd"
NGINX = DEPLOY / "nginx"
DOCKERFILE = DEPLOY / "Dockerfile"
OPERATIONS = ROOT / "docs" / "operations.md"
DEFAULTS = Settings(data_dir=Path("/var/lib/ascolto"))
PARTITIONS = 12  # of ascolto.submissions, in compose's topic job and the KafkaTopic CR
CODE_PACKAGES = ["settings", "ascolto", "questionnaires", "dataset", "registry", "collector", "processor", "warehouse",
                 "deploy"]
# Settings that every production deployment must set explicitly (the defaults are for a laptop).
PRODUCTION_REQUIRED = {"ASCOLTO_BROKER", "ASCOLTO_DATABASE_URL", "ASCOLTO_DATA_DIR", "ASCOLTO_FORM_SECRET", "ASCOLTO_CKM_SECRET",
                       "ASCOLTO_REDIS_URL", "ASCOLTO_TOPIC", "ASCOLTO_GROUP", "ASCOLTO_PROXY_COUNT",
                       "ASCOLTO_CONSOLE_SECRET", "ASCOLTO_CONSOLE_SECURE_COOKIE"}
# Read by the code but only meaningful for `ascolto up` on a laptop.
DEV_ONLY = {"ASCOLTO_DEMO_PORT", "ASCOLTO_BROKER_PORT"}


# --- what the code reads ------------------------------------------------------------------------

_READ_PATTERNS = [
    re.compile(r"""(?:env|environ)(?:\.get)?\(\s*["'](ASCOLTO_\w+)"""),   # env.get("X"), os.environ.get("X")
    re.compile(r"""(?:env|environ)\[\s*["'](ASCOLTO_\w+)"""),            # env["X"]
    re.compile(r"""(?:_int|_float|_choice|_rate_limit|\bflag)\(\s*env\s*,\s*["'](ASCOLTO_\w+)"""),  # _int(env, "X", ...), flag(env, "X", ...)
    re.compile(r"""envvar\s*=\s*["'](ASCOLTO_\w+)"""),                   # click option envvar
]


def code_env_vars() -> set[str]:
    """Every ``ASCOLTO_*`` environment variable the application code reads."""
    names: set[str] = set()
    for package in CODE_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text("utf-8")
            for pattern in _READ_PATTERNS:
                names |= set(pattern.findall(text))
    return names


def test_code_env_scan_finds_the_configuration():
    names = code_env_vars()
    # settings.load() is the only reader (the CLI, gunicorn.conf.py and logging take its values).
    assert {"ASCOLTO_BROKER", "ASCOLTO_DATABASE_URL", "ASCOLTO_DATA_DIR", "ASCOLTO_SPOOL_DIR",
            "ASCOLTO_PROXY_COUNT", "ASCOLTO_FORM_SECRET", "ASCOLTO_REDIS_URL"} <= names
    assert {"ASCOLTO_WORKERS", "ASCOLTO_THREADS", "ASCOLTO_BIND_HOST", "ASCOLTO_LOG_LEVEL", "ASCOLTO_ACTOR"} <= names
    assert "ASCOLTO_SETTINGS" not in names  # a Flask config key, not an environment variable


# --- loading the deployment files ---------------------------------------------------------------

def load_compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text("utf-8"))


def k8s_docs() -> list[dict]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    docs = []
    for name in kustomization["resources"]:
        docs += [d for d in yaml.safe_load_all((K8S / name).read_text("utf-8")) if d]
    return docs


def k8s_kind(kind: str) -> list[dict]:
    return [d for d in k8s_docs() if d["kind"] == kind]


def k8s_named(kind: str, name: str) -> dict:
    found = [d for d in k8s_kind(kind) if d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def env_file(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A systemd unit as {section: {key: [values...]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit_files() -> list[Path]:
    return sorted(SYSTEMD.glob("*.service"))


def unit_env(u: dict) -> dict[str, str]:
    out = {}
    for value in u["Service"].get("Environment", []):
        for item in shlex.split(value):
            k, _, v = item.partition("=")
            out[k] = v
    return out


def pod_template(doc: dict) -> dict:
    """The pod template of a workload (a CronJob's is inside its job template)."""
    return doc["spec"]["jobTemplate"]["spec"]["template"] if doc["kind"] == "CronJob" else doc["spec"]["template"]


def pod_containers(doc: dict) -> list[dict]:
    spec = pod_template(doc)["spec"]
    return spec.get("initContainers", []) + spec["containers"]


def workloads() -> list[dict]:
    return [d for d in k8s_docs() if d["kind"] in ("Deployment", "StatefulSet", "Job", "DaemonSet", "CronJob")]


def ascolto_containers() -> list[tuple[dict, dict]]:
    """(workload, container) for every container running the Ascolto image."""
    return [(w, c) for w in workloads() for c in pod_containers(w) if c["image"].split(":")[0] == "ascolto"]


def compose_ascolto_services() -> dict[str, dict]:
    return {name: svc for name, svc in load_compose()["services"].items()
            if svc.get("image", "").startswith("ascolto:")}


# --- YAML, files ----------------------------------------------------------------------------------

def yaml_files() -> list[Path]:
    return sorted(p for p in DEPLOY.rglob("*") if p.suffix in (".yaml", ".yml"))


def test_the_deployment_files_exist():
    for path in [COMPOSE, COMPOSE_ENV, DOCKERFILE, K8S / "kustomization.yaml", NGINX / "nginx.conf",
                 NGINX / "ascolto-collector.conf", SYSTEMD / "ascolto-collector.service",
                 SYSTEMD / "ascolto-processor@.service", SYSTEMD / "ascolto-console.service",
                 SYSTEMD / "ascolto.env.example", OPERATIONS]:
        assert path.is_file(), path


@pytest.mark.parametrize("path", yaml_files(), ids=lambda p: str(p.relative_to(DEPLOY)))
def test_yaml_parses(path):
    docs = [d for d in yaml.safe_load_all(path.read_text("utf-8")) if d is not None]
    assert docs, f"{path} holds no document"
    assert all(isinstance(d, dict) for d in docs)


def test_pyyaml_is_pinned_in_the_dev_extra():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    dev = [line.strip() for line in cfg["options.extras_require"]["dev"].splitlines() if line.strip()]
    pins = [line for line in dev if line.lower().startswith("pyyaml")]
    assert pins and re.fullmatch(r"(?i)pyyaml==[\d.]+", pins[0]), dev
    assert pins[0].split("==")[1] == yaml.__version__


# --- environment variables ------------------------------------------------------------------------

def compose_vars() -> set[str]:
    names = set()
    for svc in load_compose()["services"].values():
        env = svc.get("environment") or {}
        names |= set(env) if isinstance(env, dict) else {e.split("=", 1)[0] for e in env}
    return names


def compose_interpolated() -> set[str]:
    return set(re.findall(r"\$\{(\w+)", COMPOSE.read_text("utf-8")))


def k8s_vars() -> set[str]:
    names = set(env_file(K8S / "ascolto.env")) | set(env_file(K8S / "secrets.env.example"))
    for _, c in ascolto_containers():
        names |= {e["name"] for e in c.get("env", [])}
    return names


def systemd_vars() -> set[str]:
    names = set(env_file(SYSTEMD / "ascolto.env.example"))
    for path in unit_files():
        names |= set(unit_env(unit(path)))
    return names


@pytest.mark.parametrize("where,names", [
    ("compose", compose_vars), ("compose interpolation", compose_interpolated),
    ("kubernetes", k8s_vars), ("systemd", systemd_vars),
], ids=["compose", "compose-interpolation", "k8s", "systemd"])
def test_every_ascolto_variable_set_is_read_by_the_code(where, names):
    known = code_env_vars()
    used = {n for n in names() if n.startswith("ASCOLTO_")}
    assert used, where
    assert used - known == set(), f"{where} sets variables the code never reads"


def test_compose_interpolations_are_in_the_env_example():
    example = set(env_file(COMPOSE_ENV))
    text = COMPOSE.read_text("utf-8")
    required = set(re.findall(r"\$\{(\w+):\?", text))
    assert required <= example
    assert compose_interpolated() <= example
    # the ASCOLTO_* names among them are real settings (compose-only knobs have other names)
    assert {n for n in example if n.startswith("ASCOLTO_")} <= code_env_vars()


@pytest.mark.parametrize("where,names", [("compose", compose_vars), ("kubernetes", k8s_vars),
                                         ("systemd", systemd_vars)], ids=["compose", "k8s", "systemd"])
def test_production_settings_are_set_explicitly(where, names):
    assert PRODUCTION_REQUIRED - names() == set(), f"{where} leaves these to the laptop defaults"


def test_every_variable_the_code_reads_is_documented():
    text = OPERATIONS.read_text("utf-8")
    missing = sorted(n for n in code_env_vars() if n not in text)
    assert missing == []
    for name in DEV_ONLY:
        assert name in text


def test_the_form_secret_and_database_url_are_secrets_in_kubernetes():
    plain = env_file(K8S / "ascolto.env")
    secret = env_file(K8S / "secrets.env.example")
    assert {"ASCOLTO_DATABASE_URL", "ASCOLTO_FORM_SECRET", "ASCOLTO_CKM_SECRET"} <= set(secret)
    assert not {"ASCOLTO_DATABASE_URL", "ASCOLTO_FORM_SECRET", "ASCOLTO_CKM_SECRET"} & set(plain)
    assert (K8S / ".gitignore").read_text().split() == ["secrets.env"]
    assert not (K8S / "secrets.env").exists() or "secrets.env" in (K8S / ".gitignore").read_text()


# --- secrets and network exposure (issue 11) -----------------------------------------------------

SECRET_FILES = [K8S / "secrets.env.example", COMPOSE_ENV, SYSTEMD / "ascolto.env.example"]


@pytest.mark.parametrize("path", SECRET_FILES, ids=lambda p: str(p.relative_to(DEPLOY)))
def test_shipped_secrets_are_to_be_generated_and_refused_as_they_are(path):
    """A copied example must not start: every secret is a GENERATE-ME value the apps refuse, with
    the command that makes a real one, and no guessable placeholder is left anywhere."""
    from settings.secret_policy import weakness

    env = env_file(path)
    secrets_ = {k: v for k, v in env.items() if k.endswith("_SECRET") or k.endswith("_PASSWORD")}
    assert {"ASCOLTO_FORM_SECRET", "ASCOLTO_CONSOLE_SECRET"} <= set(secrets_)
    for name, value in secrets_.items():
        assert value.startswith("GENERATE-ME"), (name, value)
        assert weakness(value) is not None, (name, value)  # the apps refuse to start with it
    assert "openssl rand -hex 32" in path.read_text("utf-8")


def test_no_guessable_placeholder_is_shipped_anywhere_in_deploy():
    for path in DEPLOY.rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".pyc", ".png", ".js", ".css", ".html"):
            text = path.read_text("utf-8", errors="replace").lower()
            assert not re.search(r"change-?me|=secret\b|password=password", text), path


@pytest.mark.parametrize("where,value", [
    ("k8s", lambda: env_file(K8S / "ascolto.env").get("ASCOLTO_CONSOLE_SECURE_COOKIE")),
    ("compose", lambda: next(svc["environment"].get("ASCOLTO_CONSOLE_SECURE_COOKIE")
                             for svc in compose_ascolto_services().values() if svc["command"] == ["console"])),
    ("systemd", lambda: env_file(SYSTEMD / "ascolto.env.example").get("ASCOLTO_CONSOLE_SECURE_COOKIE")),
], ids=["k8s", "compose", "systemd"])
def test_every_deployment_sends_the_console_cookie_over_https_only(where, value):
    assert value() == "1"


def test_only_the_ingress_controller_and_prometheus_reach_the_collector():
    policies = k8s_kind("NetworkPolicy")
    collector = next(w for w in workloads() if w["metadata"]["name"] == "ascolto-collector")
    pod_labels = collector["spec"]["template"]["metadata"]["labels"]
    guarding = [p for p in policies
                if p["spec"]["podSelector"]["matchLabels"].items() <= pod_labels.items()
                and "Ingress" in p["spec"]["policyTypes"]]
    assert len(guarding) == 1
    rules = guarding[0]["spec"]["ingress"]
    peers = [peer for rule in rules for peer in rule["from"]]
    assert all(rule.get("from") for rule in rules)  # an empty `from` would admit everyone
    assert all("ipBlock" not in peer and peer.get("namespaceSelector", {}).get("matchLabels")
               and peer.get("podSelector", {}).get("matchLabels") for peer in peers)  # named pods only
    sources = {(peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
                peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]) for peer in peers}
    assert sources == {("ingress-nginx", "ingress-nginx"), ("monitoring", "prometheus")}
    ports = {p["port"] for rule in rules for p in rule["ports"]}
    assert ports == {DEFAULTS.collector_port}
    ingress = k8s_kind("Ingress")[0]
    assert ingress["spec"]["ingressClassName"] == "nginx"  # the controller the policy admits
    proxy = {e["name"]: e["value"] for _, c in ascolto_containers() if c["name"] == "collector" for e in c.get("env", [])}
    assert proxy["ASCOLTO_PROXY_COUNT"] == "1"  # one trusted hop: the ingress


def test_operations_says_which_secrets_must_be_set():
    from settings.secret_policy import SECRETS

    text = OPERATIONS.read_text("utf-8")
    section = text[text.index("## Secrets"):]
    section = section[:section.index("\n## ", 3)]
    for name in [*SECRETS, "ASCOLTO_DATABASE_URL", "POSTGRES_PASSWORD"]:
        assert name in section, name
    assert "32 bytes" in section and "placeholder" in section


# --- commands -----------------------------------------------------------------------------------

def cli_command_exists(args: list[str]) -> bool:
    cmd: click.Command = cli_main
    for word in args:
        if word.startswith("-"):
            break
        if not isinstance(cmd, click.Group):
            return True  # the rest are arguments of a leaf command
        sub = cmd.commands.get(word)
        if sub is None:
            return False
        cmd = sub
    return not isinstance(cmd, click.Group) or cmd.invoke_without_command  # `ascolto processor` runs; `registry` not


def named_commands() -> list[tuple[str, list[str]]]:
    out = []
    for name, svc in compose_ascolto_services().items():
        out.append((f"compose:{name}", list(svc["command"])))
    for w, c in ascolto_containers():
        out.append((f"k8s:{w['metadata']['name']}", list(c.get("command", [])[1:] or c["args"])))
    for path in unit_files():
        for line in unit(path)["Service"].get("ExecStart", []):
            argv = shlex.split(line)
            if argv[0].endswith("/ascolto"):
                out.append((f"systemd:{path.name}", argv[1:]))
    return out


def test_every_role_of_the_design_is_deployed():
    commands = {" ".join(args) for _, args in named_commands()}
    assert {"collector", "processor", "console", "registry migrate"} <= commands


@pytest.mark.parametrize("where,args", named_commands(), ids=lambda v: v if isinstance(v, str) else None)
def test_commands_exist_in_the_cli(where, args):
    assert cli_command_exists(args), f"{where}: `ascolto {' '.join(args)}` is not a command"


def test_the_cli_check_itself_rejects_a_missing_command():
    assert not cli_command_exists(["registry", "no-such-command"])
    assert not cli_command_exists(["registry"])
    assert cli_command_exists(["registry", "migrate"])
    assert cli_command_exists(["processor"]) and cli_command_exists(["processor", "check"])
    assert not cli_command_exists(["processor", "no-such-command"])


# --- routes and ports ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def routes(tmp_path_factory):
    """{"collector": {rules}, "console": {rules}} from the real Flask apps' url_map."""
    from collector.app import close_app, create_app as collector_app
    from registry import connect
    from warehouse.console import create_app as console_app

    data = tmp_path_factory.mktemp("deploy-routes")
    # An unreachable broker: the app only has to be built, nothing is produced.
    settings = Settings(data_dir=data, broker="127.0.0.1:1", produce_timeout_s=0.5)
    connect(settings.database_url)
    app = collector_app(settings)
    try:
        collector = {r.rule for r in app.url_map.iter_rules() if "GET" in r.methods or "POST" in r.methods}
    finally:
        close_app(app)
    console = {r.rule for r in console_app(settings).url_map.iter_rules()}
    return {"collector": collector, "console": console}


PORTS = {"collector": DEFAULTS.collector_port, "console": DEFAULTS.console_port}


def role_of(args: list[str]) -> str | None:
    return args[0] if args and args[0] in PORTS else None


def test_ports_are_the_code_defaults_everywhere():
    assert PORTS == {"collector": 8000, "console": 8001}
    for env in (env_file(K8S / "ascolto.env"), env_file(SYSTEMD / "ascolto.env.example")):
        assert int(env["ASCOLTO_COLLECTOR_PORT"]) == PORTS["collector"]
        assert int(env["ASCOLTO_CONSOLE_PORT"]) == PORTS["console"]
    for name, svc in compose_ascolto_services().items():
        role = role_of(svc["command"])
        if role:
            assert svc["environment"][f"ASCOLTO_{role.upper()}_PORT"] == str(PORTS[role]), name


def test_compose_healthchecks_hit_real_routes(routes):
    checked = 0
    for name, svc in compose_ascolto_services().items():
        role = role_of(svc["command"])
        if not role:
            continue
        test = " ".join(svc["healthcheck"]["test"])
        url = re.search(r"http://127\.0\.0\.1:(\d+)(/\S*?)['\"]", test)
        assert url, f"{name}: no URL in {test}"
        assert int(url.group(1)) == PORTS[role], name
        assert url.group(2) in routes[role], f"{name}: {url.group(2)} is not a {role} route"
        checked += 1
    assert checked >= 3  # two collectors and the console


def test_kubernetes_probes_hit_real_routes_on_the_right_ports(routes):
    checked = 0
    for w, c in ascolto_containers():
        role = role_of(c.get("args", []))
        if not role:
            continue
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert set(ports.values()) == {PORTS[role]}, w["metadata"]["name"]
        assert {"livenessProbe", "readinessProbe"} <= set(c), w["metadata"]["name"]
        for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
            if probe not in c:
                continue
            get = c[probe]["httpGet"]
            port = ports.get(get["port"], get["port"])
            assert port == PORTS[role]
            assert get["path"] in routes[role], f"{role} {probe}: {get['path']}"
            checked += 1
    assert checked >= 6
    collector = k8s_named("StatefulSet", "ascolto-collector")
    (container,) = collector["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"


def test_the_console_is_ready_by_readyz_and_the_processor_alive_by_its_heartbeat_check(routes):
    (console,) = k8s_named("Deployment", "ascolto-console")["spec"]["template"]["spec"]["containers"]
    assert console["readinessProbe"]["httpGet"]["path"] == "/readyz" and "/readyz" in routes["console"]
    assert "/readyz" in " ".join(compose_ascolto_services()["console"]["healthcheck"]["test"])
    (processor,) = k8s_named("Deployment", "ascolto-processor")["spec"]["template"]["spec"]["containers"]
    probe = processor["livenessProbe"]["exec"]["command"]
    assert probe == ["ascolto", "processor", "check"] and cli_command_exists(probe[1:])
    compose = compose_ascolto_services()["processor"]
    assert compose["healthcheck"]["test"] == ["CMD", *probe]
    # each container's heartbeat in its own /tmp, not on the shared dataset volume (and so not left there)
    assert {e["name"]: e["value"] for e in processor["env"]}["ASCOLTO_RUN_DIR"].startswith("/tmp/")
    assert {"name": "tmp", "mountPath": "/tmp"} in processor["volumeMounts"]
    assert compose["environment"]["ASCOLTO_RUN_DIR"].startswith("/tmp/") and "/tmp" in compose["tmpfs"]
    # the probe tolerates the default heartbeat age (a group join), not less
    assert processor["livenessProbe"]["timeoutSeconds"] >= 5


def test_the_systemd_processor_is_watched_by_its_heartbeat_and_named_by_its_instance():
    service = unit(SYSTEMD / "ascolto-processor@.service")["Service"]
    assert service["Type"] == ["notify"] and service["NotifyAccess"] == ["main"]
    assert float(service["WatchdogSec"][0]) == DEFAULTS.heartbeat_max_age  # the check's default limit
    assert unit_env(unit(SYSTEMD / "ascolto-processor@.service"))["ASCOLTO_PROCESSOR_INSTANCE"] == "%i"
    assert "AF_UNIX" in service["RestrictAddressFamilies"][0]  # sd_notify's datagram socket


def test_services_and_ingress_point_at_real_pods_and_routes(routes):
    pods = {}
    for w in workloads():
        labels = pod_template(w)["metadata"]["labels"]
        ports = {p.get("name"): p["containerPort"] for c in pod_containers(w) for p in c.get("ports", [])}
        pods[w["metadata"]["name"]] = (labels, ports)
    services = {s["metadata"]["name"]: s for s in k8s_kind("Service")}
    for name, svc in services.items():
        selector = svc["spec"]["selector"]
        matches = [ports for labels, ports in pods.values() if selector.items() <= labels.items()]
        assert matches, f"Service {name} selects no pod"
        for port in svc["spec"]["ports"]:
            target = port.get("targetPort", port["port"])
            assert any(target in ports or target in ports.values() for ports in matches), (name, target)
    (ingress,) = k8s_kind("Ingress")
    assert "ascolto-collector-tls" in [t["secretName"] for t in ingress["spec"]["tls"]]
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "16k"
    # the controller's default access log starts with $remote_addr: none for the collector's host
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/enable-access-log"] == "false"
    exposed = set()
    for rule in ingress["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            backend = path["backend"]["service"]
            assert backend["name"] in services
            assert backend["port"]["name"] in [p["name"] for p in services[backend["name"]]["spec"]["ports"]]
            if backend["name"] == "ascolto-edge-errors":  # the catch-all: the API's JSON 404 (test_k8s_edge_errors)
                continue
            prefix = path["path"]
            assert any(r == prefix or r.startswith(prefix.rstrip("/") + "/") for r in routes["collector"]), prefix
            exposed.add(prefix)
    assert "/v1" in exposed and "/widget.js" in exposed
    assert not {"/metrics", "/readyz", "/"} & exposed  # internal routes stay internal


#: Collector routes for the orchestrator and Prometheus only; every other one is public.
INTERNAL_ROUTES = {"/metrics", "/readyz"}


def _covered(route: str, exact: set[str], prefixes: set[str]) -> bool:
    return route in exact or any(route.startswith(p.rstrip("/") + "/") for p in prefixes)


def test_every_public_route_of_the_collector_is_routed_by_the_ingress_and_nginx(routes):
    # the kiosk page loads /kiosk.js, which neither let through: every kiosk behind them stayed blank
    public = {r for r in routes["collector"] if r not in INTERNAL_ROUTES}
    assert "/kiosk.js" in public and "/widget.js" in public
    (ingress,) = k8s_kind("Ingress")
    paths = [p for rule in ingress["spec"]["rules"] for p in rule["http"]["paths"]]
    exact = {p["path"] for p in paths if p["pathType"] == "Exact"}
    prefixes = {p["path"] for p in paths if p["pathType"] == "Prefix"}
    assert not [r for r in public if not _covered(r, exact, prefixes)], "not routed by the Ingress"
    conf = (NGINX / "ascolto-collector.conf").read_text("utf-8")
    exact = set(re.findall(r"location = (\S+)\s+\{\s*proxy_pass", conf))
    prefixes = set(re.findall(r"location (/\S+/)\s+\{\s*proxy_pass", conf))
    assert not [r for r in public if not _covered(r, exact, prefixes)], "not routed by nginx"


# --- Kafka ------------------------------------------------------------------------------------------

def test_compose_kafka_is_kraft_with_three_brokers_rf3_min_isr2():
    services = load_compose()["services"]
    brokers = {n: s for n, s in services.items() if s.get("image", "").startswith("apache/kafka:")
               and "KAFKA_NODE_ID" in (s.get("environment") or {})}
    assert len(brokers) == 3
    ids = {s["environment"]["KAFKA_NODE_ID"] for s in brokers.values()}
    assert len(ids) == 3
    for name, s in brokers.items():
        env = s["environment"]
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
        assert len(env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")) == 3
        assert env["KAFKA_DEFAULT_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_MIN_INSYNC_REPLICAS"] == "2"
        assert env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"] == "3"
        assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
        assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{name}:9092"
        assert s["volumes"], f"{name} keeps its log on a volume"
        assert "healthcheck" in s
    bootstrap = {h.split(":")[0] for h in compose_ascolto_services()["processor"]["environment"]["ASCOLTO_BROKER"].split(",")}
    assert bootstrap == set(brokers)


def test_compose_topic_job_creates_the_code_topics():
    services = load_compose()["services"]
    job = " ".join(services["kafka-topics"]["command"])
    for topic in (DEFAULTS.topic, DEFAULTS.dlq_topic):
        assert f"--topic {topic} " in job
    assert job.count("--replication-factor 3") == 2
    assert job.count("--config min.insync.replicas=2") == 2
    assert f"--topic {DEFAULTS.topic} --partitions {PARTITIONS} " in job
    for name, svc in compose_ascolto_services().items():
        assert svc["environment"]["ASCOLTO_TOPIC"] == DEFAULTS.topic
        assert svc["depends_on"]["migrate" if name != "migrate" else "postgres"]["condition"]
    processor = compose_ascolto_services()["processor"]
    assert processor["deploy"]["replicas"] <= PARTITIONS


def test_strimzi_kafka_is_kraft_with_three_nodes_rf3_min_isr2():
    (kafka,) = k8s_kind("Kafka")
    annotations = kafka["metadata"]["annotations"]
    assert annotations["strimzi.io/kraft"] == "enabled" and annotations["strimzi.io/node-pools"] == "enabled"
    config = kafka["spec"]["kafka"]["config"]
    assert config["default.replication.factor"] == 3 and config["min.insync.replicas"] == 2
    assert config["offsets.topic.replication.factor"] == 3
    assert config["auto.create.topics.enable"] is False
    (pool,) = k8s_kind("KafkaNodePool")
    assert pool["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
    assert pool["spec"]["replicas"] == 3 and set(pool["spec"]["roles"]) == {"controller", "broker"}
    assert env_file(K8S / "ascolto.env")["ASCOLTO_BROKER"] == f"{kafka['metadata']['name']}-kafka-bootstrap:9092"
    topics = {t["spec"]["topicName"]: t["spec"] for t in k8s_kind("KafkaTopic")}
    assert set(topics) == {DEFAULTS.topic, DEFAULTS.dlq_topic}
    for spec in topics.values():
        assert spec["replicas"] == 3 and spec["config"]["min.insync.replicas"] == 2
    assert topics[DEFAULTS.topic]["partitions"] == PARTITIONS
    assert env_file(K8S / "ascolto.env")["ASCOLTO_TOPIC"] == DEFAULTS.topic
    assert k8s_named("Deployment", "ascolto-processor")["spec"]["replicas"] <= PARTITIONS


# --- images and the Dockerfile ----------------------------------------------------------------------

def project_version() -> str:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    return cfg["metadata"]["version"]


def test_one_ascolto_image_everywhere_at_the_project_version():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    (image,) = [i for i in kustomization["images"] if i["name"] == "ascolto"]
    assert image["newTag"] == project_version()
    assert env_file(COMPOSE_ENV)["IMAGE_TAG"] == project_version()
    images = {svc["image"] for svc in compose_ascolto_services().values()}
    assert images == {"ascolto:${IMAGE_TAG:-%s}" % project_version()}
    for name, svc in compose_ascolto_services().items():
        assert svc["build"] == {"context": "../..", "dockerfile": "deploy/Dockerfile"}, name
        assert (COMPOSE.parent / svc["build"]["context"] / svc["build"]["dockerfile"]).resolve() == DOCKERFILE
    assert len(ascolto_containers()) >= 4  # collector, processor, console, migrate


def test_third_party_images_are_pinned():
    images = [s["image"] for s in load_compose()["services"].values() if not s["image"].startswith("ascolto:")]
    images += [c["image"] for w in workloads() for c in pod_containers(w) if c["image"] != "ascolto"]
    assert images
    for image in images:
        name, _, tag = image.partition(":")
        assert tag and tag != "latest", image
    assert any(i.startswith("apache/kafka:") for i in images)
    assert any(i.startswith("postgres:") for i in images)


def dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text("utf-8").replace("\\\n", " ")
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def test_dockerfile_copies_paths_that_exist_and_every_package():
    copied = set()
    for word, rest in dockerfile_instructions():
        if word != "COPY" or "--from=" in rest:
            continue
        *sources, _dest = shlex.split(rest)
        for src in sources:
            assert (ROOT / src).exists(), f"COPY {src}: not in the repository"
            copied.add(src)
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg")
    packages = {p.strip() for p in cfg["options.packages.find"]["include"].split() if "*" not in p}
    assert packages <= copied, "every package of setup.cfg must be in the image"
    assert {"setup.cfg", "pyproject.toml", "README.md"} <= copied  # what `pip install .` reads
    ignored = [line.strip() for line in (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    assert not copied & set(ignored)


def test_dockerfile_is_slim_non_root_and_runs_the_cli():
    ins = dockerfile_instructions()
    froms = [rest for word, rest in ins if word == "FROM"]
    arg = {rest.split("=", 1)[0]: rest.split("=", 1)[1] for word, rest in ins if word == "ARG" and "=" in rest}
    base = arg.get("PYTHON_IMAGE", "")
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", base), base
    assert all(f.startswith("${PYTHON_IMAGE}") for f in froms)
    runs = " ".join(rest for word, rest in ins if word == "RUN")
    assert "pip wheel" in runs and "pip install" in runs and " ." in runs  # the project from the repo
    users = [rest for word, rest in ins if word == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root")
    assert ("ENTRYPOINT", '["ascolto"]') in ins
    exposed = {int(p) for word, rest in ins if word == "EXPOSE" for p in rest.split()}
    assert exposed == set(PORTS.values())
    env = " ".join(rest for word, rest in ins if word == "ENV")
    assert "ASCOLTO_DATA_DIR=/var/lib/ascolto" in env


# --- Kubernetes specifics ---------------------------------------------------------------------------

def test_kustomization_lists_files_that_exist():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    for name in kustomization["resources"]:
        assert (K8S / name).is_file(), name
    assert (K8S / "ascolto.env").is_file() and (K8S / "secrets.env.example").is_file()
    kinds = {d["kind"] for d in k8s_docs()}
    assert {"Namespace", "StatefulSet", "Deployment", "Job", "Service", "Ingress", "PodDisruptionBudget",
            "PersistentVolumeClaim", "HorizontalPodAutoscaler", "Kafka", "KafkaNodePool", "KafkaTopic"} <= kinds


def test_every_container_is_non_root_read_only_and_sized():
    for w in workloads():
        pod = pod_template(w)["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, w["metadata"]["name"]
        assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
        assert pod.get("automountServiceAccountToken") is False
        for c in pod_containers(w):
            sc = c["securityContext"]
            assert sc["readOnlyRootFilesystem"] is True and sc["allowPrivilegeEscalation"] is False
            assert sc["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= set(c["resources"]["requests"]), c["name"]
            assert "memory" in c["resources"]["limits"], c["name"]
            mounts = {m["mountPath"] for m in c.get("volumeMounts", [])}
            if c["image"] == "ascolto":
                assert "/tmp" in mounts, f"{c['name']}: gunicorn and Prometheus need a writable /tmp"
    processor = k8s_named("Deployment", "ascolto-processor")
    (c,) = processor["spec"]["template"]["spec"]["containers"]
    assert c["resources"]["limits"]["memory"] in ("1Gi", "768Mi", "512Mi")  # DESIGN §10: < 500 MB working set


def test_collector_spool_is_on_a_per_pod_persistent_volume():
    sts = k8s_named("StatefulSet", "ascolto-collector")
    (claim,) = sts["spec"]["volumeClaimTemplates"]
    assert claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    (c,) = sts["spec"]["template"]["spec"]["containers"]
    spool_dir = {e["name"]: e["value"] for e in c["env"]}["ASCOLTO_SPOOL_DIR"]
    mounts = {m["name"]: m["mountPath"] for m in c["volumeMounts"]}
    assert spool_dir.startswith(mounts[claim["metadata"]["name"]] + "/")
    assert sts["spec"]["persistentVolumeClaimRetentionPolicy"]["whenScaled"] == "Retain"
    assert {e["name"]: e["value"] for e in c["env"]}["ASCOLTO_PROXY_COUNT"] == "1"
    assert "preStop" in c["lifecycle"]
    assert sts["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > 60
    hpa = k8s_named("HorizontalPodAutoscaler", "ascolto-collector")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "ascolto-collector"}
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    assert hpa["spec"]["minReplicas"] >= 2


def test_dataset_volume_is_read_write_many_and_mounted_at_the_data_dir():
    pvc = k8s_named("PersistentVolumeClaim", "ascolto-data")
    assert pvc["spec"]["accessModes"] == ["ReadWriteMany"]
    data_dir = env_file(K8S / "ascolto.env")["ASCOLTO_DATA_DIR"]
    # the console writes the derived rollup and takes the dataset's lock: read-only, every page was a 500;
    # the public site reads only releases
    for name, read_only in [("ascolto-processor", False), ("ascolto-console", False), ("ascolto-public", True)]:
        pod = k8s_named("Deployment", name)["spec"]["template"]["spec"]
        (vol,) = [v for v in pod["volumes"] if v.get("persistentVolumeClaim", {}).get("claimName") == "ascolto-data"]
        (mount,) = [m for m in pod["containers"][0]["volumeMounts"] if m["name"] == vol["name"]]
        assert mount["mountPath"] == data_dir
        assert bool(mount.get("readOnly")) is read_only
    services = load_compose()["services"]
    assert services["console"]["volumes"] == ["dataset:/var/lib/ascolto"]
    assert services["public"]["volumes"] == ["dataset:/var/lib/ascolto:ro"]


def test_the_console_writes_the_rollup_into_the_data_dir_it_serves(tmp_path):
    # why the deployments above mount the dataset read-write for the console: serving a figure builds
    # or refreshes the derived rollup under DATA_DIR/rollup and takes the dataset's lock file there
    from dataset.durable import LOCK_NAME
    from tests.console_auth import api_client
    from tests.warehouse_rows import response, write

    write(tmp_path, [response(satisfaction=4) for _ in range(5)])
    assert not (tmp_path / "rollup").exists()
    client = api_client(Settings(data_dir=tmp_path))
    assert client.get("/api/v1/indicators?by=").status_code == 200
    assert (tmp_path / "rollup" / "_manifest.json").exists() and (tmp_path / LOCK_NAME).exists()


def test_pod_disruption_budgets_cover_the_long_running_roles():
    covered = {tuple(sorted(p["spec"]["selector"]["matchLabels"].items())) for p in k8s_kind("PodDisruptionBudget")}
    for kind, name in [("StatefulSet", "ascolto-collector"), ("Deployment", "ascolto-processor"),
                       ("Deployment", "ascolto-console")]:
        selector = k8s_named(kind, name)["spec"]["selector"]["matchLabels"]
        assert tuple(sorted(selector.items())) in covered, name


def test_migration_job_runs_registry_migrate():
    job = k8s_named("Job", "ascolto-migrate")
    (c,) = job["spec"]["template"]["spec"]["containers"]
    assert c["args"] == ["registry", "migrate"]
    assert job["spec"]["template"]["spec"]["restartPolicy"] in ("OnFailure", "Never")


def test_kustomize_builds(tmp_path):
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed: the kustomization is only checked by the YAML tests")
    work = tmp_path / "k8s"
    shutil.copytree(K8S, work)
    shutil.copy(work / "secrets.env.example", work / "secrets.env")
    out = subprocess.run([kubectl, "kustomize", str(work)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    docs = [d for d in yaml.safe_load_all(out.stdout) if d]
    secret = next(d for d in docs if d["kind"] == "Secret")
    config = next(d for d in docs if d["kind"] == "ConfigMap")
    assert all(d["metadata"].get("namespace") == "ascolto" for d in docs if d["kind"] != "Namespace")
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet", "Job"):
            for c in d["spec"]["template"]["spec"]["containers"]:
                if c["image"].startswith("ascolto:"):
                    refs = {next(iter(r.values()))["name"] for r in c["envFrom"]}
                    # the edge's error backend needs no secret
                    wanted = {config["metadata"]["name"]} | ({secret["metadata"]["name"]}
                                                             if c["name"] != "edge-errors" else set())
                    assert refs == wanted


# --- systemd ---------------------------------------------------------------------------------------

def test_systemd_units_are_hardened_and_share_the_data_dir():
    data_dir = env_file(SYSTEMD / "ascolto.env.example")["ASCOLTO_DATA_DIR"]
    names = {p.name for p in unit_files()}
    assert {"ascolto-collector.service", "ascolto-processor@.service", "ascolto-console.service"} <= names
    for path in unit_files():
        s = unit(path)["Service"]
        assert s["User"] == ["ascolto"] or s.get("DynamicUser") == ["yes"], path.name
        assert s["ProtectSystem"] == ["strict"], path.name
        assert s["NoNewPrivileges"] == ["yes"], path.name
        assert s["PrivateTmp"] == ["yes"], path.name
        assert s["CapabilityBoundingSet"] == [""], path.name
        assert "/etc/ascolto/ascolto.env" in s["EnvironmentFile"]
        paths = s.get("ReadWritePaths", []) + s.get("ReadOnlyPaths", [])
        assert data_dir in paths, path.name
        if path.name == "ascolto-console.service":  # it keeps the rollup up to date (see the k8s test)
            assert s["ReadWritePaths"] == [data_dir] and "ReadOnlyPaths" not in s
        if path.name == "ascolto-public.service":  # releases only
            assert s["ReadOnlyPaths"] == [data_dir] and "ReadWritePaths" not in s
    collector = unit_env(unit(SYSTEMD / "ascolto-collector.service"))
    assert collector["ASCOLTO_SPOOL_DIR"].startswith(data_dir + "/")  # persistent, not /tmp
    assert collector["ASCOLTO_BIND_HOST"] == "127.0.0.1" and collector["ASCOLTO_PROXY_COUNT"] == "1"
    # EnvironmentFile= overrides Environment=: per-role values must stay out of the shared file.
    shared = set(env_file(SYSTEMD / "ascolto.env.example"))
    for path in unit_files():
        assert not shared & set(unit_env(unit(path))), path.name


def test_the_public_site_and_the_scheduled_upkeep_are_deployed():
    # the retention purge (privacy) and the compaction were left to the operator to schedule, and
    # Kubernetes and systemd had no public site
    k8s = {" ".join(pod_containers(w)[0].get("args", [])): w for w in workloads()}
    assert "public" in k8s and k8s["public"]["kind"] == "Deployment"
    assert k8s["compact"]["kind"] == "CronJob" and k8s["compact"]["spec"]["concurrencyPolicy"] == "Forbid"
    purge = next(w for args, w in k8s.items() if args.startswith("purge "))
    assert purge["kind"] == "CronJob" and "--keep-months" in pod_containers(purge)[0]["args"]
    assert cli_command_exists(pod_containers(purge)[0]["args"])
    systemd = {path.name: unit(path) for path in SYSTEMD.glob("*.service")}
    assert systemd["ascolto-public.service"]["Service"]["ExecStart"] == ["/opt/ascolto/venv/bin/ascolto public"]
    for job, args in (("compact", "compact"), ("purge", "purge --keep-months 24")):
        assert systemd[f"ascolto-{job}.service"]["Service"]["ExecStart"] == [f"/opt/ascolto/venv/bin/ascolto {args}"]
        timer = unit(SYSTEMD / f"ascolto-{job}.timer")
        assert timer["Timer"]["OnCalendar"] and timer["Timer"]["Persistent"] == ["true"]
    target = " ".join(unit(SYSTEMD / "ascolto.target")["Unit"]["Wants"])
    assert {"ascolto-public.service", "ascolto-compact.timer", "ascolto-purge.timer"} <= set(target.split())


def test_systemd_analyze_verify(tmp_path):
    tool = shutil.which("systemd-analyze")
    if not tool:
        pytest.skip("systemd-analyze is not installed")
    ascolto = Path(shutil.which("ascolto") or ROOT / ".venv" / "bin" / "ascolto")
    if not ascolto.exists():
        pytest.skip("the ascolto executable is not installed")
    for path in list(SYSTEMD.glob("*.service")) + list(SYSTEMD.glob("*.target")) + list(SYSTEMD.glob("*.timer")):
        text = path.read_text("utf-8").replace("/opt/ascolto/venv/bin/ascolto", str(ascolto))
        (tmp_path / path.name).write_text(text)
    # A template is verified through instances.
    template = (tmp_path / "ascolto-processor@.service").read_text()
    for i in (1, 2):
        (tmp_path / f"ascolto-processor@{i}.service").write_text(template)
    units = [str(tmp_path / n) for n in ("ascolto-collector.service", "ascolto-processor@1.service",
                                         "ascolto-console.service", "ascolto-migrate.service", "ascolto-public.service",
                                         "ascolto-compact.service", "ascolto-compact.timer", "ascolto-purge.service",
                                         "ascolto-purge.timer", "ascolto.target")]
    out = subprocess.run([tool, "verify", "--man=no", *units], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    noise = [line for line in out.stderr.splitlines() if "Unknown" in line or "Invalid" in line or "not executable" in line]
    assert out.returncode == 0 and not noise, out.stderr


# --- the reverse proxy -----------------------------------------------------------------------------

def test_nginx_enforces_the_body_limit_and_forwards_the_client_address():
    conf = (NGINX / "ascolto-collector.conf").read_text("utf-8")
    assert f"client_max_body_size {DEFAULTS.max_request_bytes // 1024}k;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "ssl_certificate " in conf and "listen 443 ssl" in conf
    assert '"too_large"' in conf  # 413 in the API's JSON shape
    # the widget script every embedding page loads travels compressed (it was sent as 28 KB)
    assert "gzip on;" in conf and "application/javascript" in re.search(r"gzip_types ([^;]+);", conf).group(1)
    assert "application/json" not in re.search(r"gzip_types ([^;]+);", conf).group(1)  # nothing that reflects input
    proxied = set(re.findall(r"location\s+(?:=\s*)?(\S+)\s*\{\s*proxy_pass", conf))
    assert "/metrics" not in proxied and "/readyz" not in proxied
    main_conf = (NGINX / "nginx.conf").read_text("utf-8")
    directives = "\n".join(line.split("#", 1)[0] for line in (main_conf + conf).splitlines())
    assert "$remote_addr" not in directives and "$http_user_agent" not in directives  # no IPs stored
    assert "access_log /dev/stdout ascolto_noip;" in main_conf
    for svc in load_compose()["services"].values():
        if svc.get("command") == ["collector"]:
            assert svc["environment"]["ASCOLTO_PROXY_COUNT"] == "1"
    upstream = set(re.findall(r"server (collector-\d+):(\d+)", conf))
    assert upstream == {(n, str(PORTS["collector"])) for n, s in load_compose()["services"].items()
                        if s.get("command") == ["collector"]}


def _nginx_prefix(tmp_path: Path, ports: dict[str, int] | None = None) -> str:
    """The repository's nginx configuration laid out under ``tmp_path`` (a test certificate, the
    upstreams on 127.0.0.1; with ``ports`` {"http", "https", "upstream"}, those ports instead of 80,
    443 and the collectors', and the logs in files); returns the nginx binary (skips without one)."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    openssl = shutil.which("openssl")
    if not nginx or not openssl or not Path("/etc/nginx/mime.types").exists():
        pytest.skip("nginx (with /etc/nginx/mime.types) or openssl is not installed")
    tls = tmp_path / "tls"
    tls.mkdir()
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=test", "-days", "1",
                    "-keyout", str(tls / "privkey.pem"), "-out", str(tls / "fullchain.pem")],
                   check=True, capture_output=True, timeout=60)
    (tmp_path / "conf.d").mkdir()
    site = (NGINX / "ascolto-collector.conf").read_text("utf-8")
    site = site.replace("/etc/nginx/tls", str(tls))
    site = re.sub(r"server collector-\d+:", "server 127.0.0.1:", site)  # compose names do not resolve here
    main_conf = (NGINX / "nginx.conf").read_text("utf-8")
    if ports:
        site = re.sub(r"server 127\.0\.0\.1:\d+", f"server 127.0.0.1:{ports['upstream']}", site)
        site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
        site = re.sub(r"listen 80 ", f"listen 127.0.0.1:{ports['http']} ", site)
        site = re.sub(r"listen 443 ", f"listen 127.0.0.1:{ports['https']} ", site)
        main_conf = main_conf.replace("/dev/stderr", str(tmp_path / "error.log"))
        main_conf = main_conf.replace("/dev/stdout", str(tmp_path / "access.log"))
    (tmp_path / "conf.d" / "default.conf").write_text(site)
    main_conf = main_conf.replace("user nginx;", "").replace("/run/nginx.pid", str(tmp_path / "nginx.pid"))
    main_conf = main_conf.replace("/etc/nginx/conf.d", str(tmp_path / "conf.d"))
    (tmp_path / "nginx.conf").write_text(main_conf)
    return nginx


def test_nginx_accepts_the_configuration(tmp_path):
    nginx = _nginx_prefix(tmp_path)
    out = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr


def test_nginx_logs_no_client_address_when_it_refuses_a_body_or_a_collector_is_down(tmp_path):
    """nginx's error log cannot be formatted, and at "warn" it wrote "client intended to send too large
    body: 20000 bytes, client: 127.0.0.1, ..." for every submission over 16 KB and "connect() failed
    ... client: ..." whenever a collector was down: a citizen's address in the logs. Run for real: a
    body over the limit and a collector that does not answer; neither log names the client."""
    import socket
    import ssl
    import time
    import urllib.error
    import urllib.request

    def free() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    ports = {"http": free(), "https": free(), "upstream": free()}  # nothing listens on the upstream
    nginx = _nginx_prefix(tmp_path, ports)
    started = subprocess.run([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"),
                              "-e", str(tmp_path / "startup.log")], capture_output=True, text=True, timeout=60)
    if started.returncode != 0:
        pytest.skip(f"nginx cannot run here: {started.stderr.strip()[:200]}")
    try:
        ctx = ssl.create_default_context()
        ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
        base = f"https://127.0.0.1:{ports['https']}"
        statuses = []
        for req in (urllib.request.Request(base + "/v1/submissions", data=b"x" * 20_000, method="POST",
                                           headers={"Content-Type": "application/json"}),
                    urllib.request.Request(base + "/widget.js")):
            for _ in range(50):  # the workers may take a moment to accept
                try:
                    urllib.request.urlopen(req, context=ctx, timeout=10)
                except urllib.error.HTTPError as exc:
                    statuses.append(exc.code)
                    break
                except (urllib.error.URLError, ConnectionError):
                    time.sleep(0.1)
        assert statuses == [413, 503], statuses  # no collector: the edge says retry later
    finally:
        subprocess.run([nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-s", "stop"],
                       capture_output=True, timeout=30)
        for _ in range(50):
            if not (tmp_path / "nginx.pid").exists():
                break
            time.sleep(0.1)
    access = (tmp_path / "access.log").read_text("utf-8")
    assert " 413 " in access and " 503 " in access  # what happened is still told, by status
    for log in ("error.log", "access.log"):
        text = (tmp_path / log).read_text("utf-8") if (tmp_path / log).exists() else ""
        assert "127.0.0.1" not in text and "client:" not in text, (log, text)


# --- the operations guide ----------------------------------------------------------------------------

def test_operations_guide_covers_every_component_and_metric():
    from collector import metrics

    text = OPERATIONS.read_text("utf-8")
    headings = [line.lstrip("#").strip().lower() for line in text.splitlines() if line.startswith("#")]
    for component in ("collector", "processor", "console", "kafka", "postgresql", "redis", "reverse proxy"):
        assert any(component in h for h in headings), component
    for topic in ("sizing", "backup", "retention", "upgrade", "monitor", "security", "scaling"):
        assert any(topic in h for h in headings), topic
    names = {m._name for m in (metrics.ACCEPTED, metrics.REJECTED, metrics.SPOOLED, metrics.REPLAYED,
                               metrics.PRODUCE_SECONDS, metrics.SPOOL_BYTES, metrics.SHIPPER_UP,
                               metrics.SHIPPER_BROKER_UP, metrics.BACKLOG_BYTES)}
    for name in names:
        suffix = "_total" if name in ("ascolto_submissions_accepted", "ascolto_submissions_rejected",
                                      "ascolto_submissions_spooled", "ascolto_spool_records_replayed") else ""
        assert name + suffix in text, name
    for phrase in ("ascolto purge --before", "consumer lag", "ReadWriteMany", "/readyz", "failed/", "DLQ"):
        assert phrase in text, phrase
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "## Deployment" in readme and "docs/operations.md" in readme


def test_the_backup_runbook_copies_every_store_nothing_rebuilds():
    """The Backups section named only DATA_DIR/responses/: restored alone, the replay skips every
    submission already in it (dedup), so the answers dataset, the pending dead letters and the published
    releases were lost for good. Every row dataset and store the code writes is either copied (answers
    after responses, the order the processor writes a batch in) or said to be rebuilt."""
    from dataset import layout

    text = OPERATIONS.read_text("utf-8")
    section = text[text.index("## Backups"):text.index("## Retention")]
    copied = section[section.index("Copy, in this order"):section.index("Not needed")]
    for store in (*layout.ROW_DATASETS, layout.FAILED, layout.TEST):
        assert f"`DATA_DIR/{store}/`" in copied, store
    assert "ASCOLTO_RELEASES_DIR" in copied
    assert copied.index("`DATA_DIR/responses/`") < copied.index("`DATA_DIR/answers/`")
    assert "`rollup/`" in section[section.index("Not needed"):]


def test_systemd_does_not_restart_a_service_on_a_refused_setting_or_a_halt():
    # exit 2 (a setting refused at start) restarted every few seconds for ever, filling the journal with
    # the same line; restarting cannot fix a setting, nor a processor halted on invalid input (3)
    from ascolto.cli_preflight import EXIT_CONFIG
    for path in unit_files():
        s = unit(path)["Service"]
        if s.get("Restart") == ["always"]:
            prevent = " ".join(s.get("RestartPreventExitStatus", [])).split()
            assert str(EXIT_CONFIG) in prevent, path.name
    processor = unit(SYSTEMD / "ascolto-processor@.service")["Service"]
    assert "3" in processor["RestartPreventExitStatus"][0].split()


def test_a_console_worker_freezes_its_start_up_heap_and_a_collector_worker_does_not():
    """deploy/gunicorn.conf.py's ``post_worker_init``: a full collection scanned the console's ~200,000
    start-up objects (~60 ms, one uncached comparison in twenty over the 100 ms target)."""
    out = after_post_worker_init([("collector.app:create_app()", "gc.get_freeze_count() == 0"),
                                  ("warehouse.console:create_app()", "gc.get_freeze_count() > 1000")], imports="import gc")
    assert out == ["True", "True"]
