"""The ingress-nginx controller's own 400, 414 and 431 are the API's JSON too (deploy/k8s/ingress-nginx/).

The controller answers a request line that is not HTTP (400), a URL over its buffers (414) and a
header field over them (431; nginx's own code 494) before it picks an Ingress, so the Ingress's
``custom-http-errors`` annotation never sees them and they stayed its HTML pages. The cluster operator
now applies the controller-level configuration shipped in ``deploy/k8s/ingress-nginx/`` (a ConfigMap
patch, a kustomize Component, Helm values: the same content). It is a ``server-snippet`` of the
ConfigMap, not ``custom-http-errors`` + the global default backend: ingress-nginx sends those to a
*named* location, and nginx refuses to redirect a request whose URL it could not read there ("empty
URI in redirect to named location") — a 414 or a garbled request line became its HTML 500.
``test_the_snippet_answers_in_a_real_nginx`` runs the snippet in a real nginx server block (skipped
without nginx); the rest reads the YAML.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import yaml

from tests.test_deploy import K8S, k8s_named
from tests.test_k8s_edge_errors import _nginx_bodies

CONTROLLER = K8S / "ingress-nginx"
OPERATIONS = Path(__file__).resolve().parents[1] / "docs" / "operations.md"
LOCATION = re.compile(r"location = /\.ascolto/(\w+) \{(.*?)return (\d+) '(.*?)';\s*\}", re.S)


def _config() -> dict:
    return yaml.safe_load((CONTROLLER / "controller-config.yaml").read_text("utf-8"))


def _snippet() -> str:
    return _config()["data"]["server-snippet"]


def _component() -> dict:
    return yaml.safe_load((CONTROLLER / "kustomization.yaml").read_text("utf-8"))


def _backend_arg() -> str:
    (patch,) = [p for p in _component()["patches"] if p.get("target", {}).get("kind") == "Deployment"]
    (op,) = yaml.safe_load(patch["patch"])
    assert (op["op"], op["path"]) == ("add", "/spec/template/spec/containers/0/args/-")
    return op["value"]


def test_the_controllers_own_refusals_go_to_json_locations_of_the_nginx_edges_words():
    config = _config()
    assert (config["kind"], config["metadata"]["name"]) == ("ConfigMap", "ingress-nginx-controller")
    pages = dict(re.findall(r"error_page (\d+(?: =\d+)?) /\.ascolto/(\w+);", _snippet()))
    assert pages == {"400": "malformed", "414": "uri_too_long", "494 =431": "headers_too_large"}
    locations = {name: (body, int(status), json.loads(text)) for name, body, status, text in LOCATION.findall(_snippet())}
    assert set(locations) == set(pages.values())
    nginx_edge = _nginx_bodies()
    for name, (body, status, answer) in locations.items():
        assert (status, answer) == nginx_edge[name], name  # the plain nginx edge's status and words
        assert "internal;" in body and "default_type application/json;" in body
        for header in ('Access-Control-Allow-Origin "*" always', "X-Content-Type-Options nosniff always",
                       "Cache-Control no-store always"):
            assert f"add_header {header};" in body, (name, header)
    assert locations["headers_too_large"][1] == 431


def test_no_code_goes_to_a_named_location_and_the_log_names_no_client():
    data = _config()["data"]
    # custom-http-errors here would send these codes to @custom_… named locations: a 414 became a 500
    assert "custom-http-errors" not in data
    assert data["error-log-level"] == "crit"
    assert data["large-client-header-buffers"] == "4 8k"  # the 8 KB the refusals name


def test_the_global_default_backend_is_the_edge_errors_service():
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    service = k8s_named("Service", "ascolto-edge-errors")
    assert _backend_arg() == f"--default-backend-service={kustomization['namespace']}/{service['metadata']['name']}"
    component = _component()
    assert component["kind"] == "Component"
    assert {"path": "controller-config.yaml"} in component["patches"]
    # it configures the controller, shared by every host: the operator applies it, not `kubectl apply -k`
    assert not [r for r in kustomization["resources"] if "ingress-nginx" in r]


def test_the_helm_values_say_the_same():
    values = yaml.safe_load((CONTROLLER / "helm-values.yaml").read_text("utf-8"))
    assert values["controller"]["config"] == _config()["data"]
    name, value = _backend_arg().removeprefix("--").split("=", 1)
    assert values["controller"]["extraArgs"] == {name: value}
    assert values["defaultBackend"]["enabled"] is False


def test_the_operations_doc_tells_the_cluster_operator_what_to_apply():
    text = OPERATIONS.read_text("utf-8")
    assert "kubectl -n ingress-nginx patch configmap ingress-nginx-controller --type merge --patch-file " \
           "deploy/k8s/ingress-nginx/controller-config.yaml" in text
    assert _backend_arg() in text
    assert "deploy/k8s/ingress-nginx/helm-values.yaml" in text and "components:" in text


def test_the_component_patches_the_upstream_controller(tmp_path):
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed: the Component is only checked by the YAML tests")
    shutil.copytree(CONTROLLER, tmp_path / "component")
    base = tmp_path / "base"
    base.mkdir()
    (base / "kustomization.yaml").write_text("resources: [controller.yaml]\ncomponents: [../component]\n")
    (base / "controller.yaml").write_text("""\
apiVersion: v1
kind: ConfigMap
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
data: {allow-snippet-annotations: "false"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ingress-nginx-controller, namespace: ingress-nginx}
spec:
  selector: {matchLabels: {app: c}}
  template:
    metadata: {labels: {app: c}}
    spec:
      containers:
        - {name: controller, image: controller, args: [/nginx-ingress-controller, --election-id=ingress-nginx-leader]}
""")
    out = subprocess.run([kubectl, "kustomize", str(base)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    config, deployment = [d for d in yaml.safe_load_all(out.stdout) if d]
    assert config["data"] == {"allow-snippet-annotations": "false", **_config()["data"]}  # merged, not replaced
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args == ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader", _backend_arg()]


def _free() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ask(port: int, request: bytes) -> tuple[int, str, bytes]:
    for _ in range(50):  # the workers may take a moment to accept
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(request)
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            break
        except ConnectionError:
            time.sleep(0.1)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    content_type = next((ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("content-type:")), "")
    return int(lines[0].split()[1]), content_type, body


def test_the_snippet_answers_in_a_real_nginx(tmp_path):
    """The snippet in a server block the way ingress-nginx places it (no error_page of the server's own):
    a garbled request line, a URL and a header over 8 KB are the JSON refusals, a good request routed."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed")
    port = _free()
    temp = " ".join(f"{d}_temp_path {tmp_path / d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "logs").mkdir()
    (tmp_path / "nginx.conf").write_text(f"""\
pid {tmp_path / 'nginx.pid'};
error_log {tmp_path / 'logs' / 'error.log'} crit;
events {{}}
http {{
    access_log off;
    {temp}
    large_client_header_buffers {_config()['data']['large-client-header-buffers']};
    server {{
        listen 127.0.0.1:{port} default_server;
        location / {{ return 200 "routed"; }}
{_snippet()}
    }}
}}
""")
    conf = ["-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e", str(tmp_path / "logs" / "error.log")]
    started = subprocess.run([nginx, *conf], capture_output=True, text=True, timeout=60)
    if started.returncode != 0:
        pytest.skip(f"nginx cannot run here: {started.stderr.strip()[:200]}")
    try:
        assert _ask(port, b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")[::2] == (200, b"routed")
        for request, status, error in [
            (b"GARBLED\x01 / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "malformed"),
            (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n", 414, "uri_too_long"),
            (b"GET / HTTP/1.1\r\nHost: a\r\nCookie: " + b"a" * 9000 + b"\r\nConnection: close\r\n\r\n", 431,
             "headers_too_large"),
        ]:
            got, content_type, body = _ask(port, request)
            assert (got, content_type, json.loads(body)["error"]) == (status, "application/json", error), body[:200]
    finally:
        subprocess.run([nginx, *conf, "-s", "stop"], capture_output=True, timeout=30)
