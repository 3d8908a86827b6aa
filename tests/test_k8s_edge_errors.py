"""The Kubernetes edge answers its own errors in the API's JSON shape, as the plain nginx edge does.

ingress-nginx answered a body over 16 KB (413), a collector with no ready pod (503) or one that
failed or timed out (502, 504) and any path that is not the API's (404) with its HTML pages: a
widget's ``fetch`` could not read them (no CORS header either) and retried a 413 for ever. The
Ingress now hands those statuses to the ``ascolto-edge-errors`` Service (``custom-http-errors`` +
``default-backend``, low-risk annotations a controller refusing snippets accepts), whose app
(:mod:`deploy.edge_errors`) answers with the nginx edge's own JSON bodies. No cluster here: the
manifests are read (YAML) and the app is called in-process.
"""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from werkzeug.test import Client

from deploy import edge_errors
from tests.test_deploy import K8S, NGINX, k8s_kind, k8s_named, pod_containers, pod_template

PREFIX = "nginx.ingress.kubernetes.io/"


def _ingress() -> dict:
    (ingress,) = k8s_kind("Ingress")
    return ingress


def _get(path: str = "/", code: str | None = None, method: str = "GET"):
    headers = {"X-Code": code} if code is not None else {}
    resp = Client(edge_errors.app).open(path, method=method, headers=headers)
    return resp.status_code, resp.headers, (json.loads(resp.data) if resp.data else None)


def test_the_ingress_sends_the_controllers_own_errors_to_the_error_backend_without_snippets():
    annotations = _ingress()["metadata"]["annotations"]
    codes = annotations[PREFIX + "custom-http-errors"]
    assert re.fullmatch(r"(?:[45]\d{2},?)*", codes), codes  # ingress-nginx's own check: no spaces
    assert {413, 502, 503, 504} <= {int(c) for c in codes.split(",")}
    assert {int(c) for c in codes.split(",")} <= set(edge_errors.BY_CODE)  # each one answered with its own words
    assert annotations[PREFIX + "default-backend"] == "ascolto-edge-errors"
    # the collector's own 413 and 503 (registry_unavailable, its Retry-After) pass through untouched
    assert annotations[PREFIX + "disable-proxy-intercept-errors"] == "true"
    # snippets are refused by a default controller (allow-snippet-annotations: false)
    assert not [k for k in annotations if k.endswith("-snippet") or k.endswith("snippets")]


def test_the_error_backend_service_selects_pods_that_run_the_edge_errors_app_on_its_first_port():
    service = k8s_named("Service", "ascolto-edge-errors")
    first = service["spec"]["ports"][0]  # ingress-nginx uses a default backend's first port
    deployment = k8s_named("Deployment", "ascolto-edge-errors")
    assert service["spec"]["selector"].items() <= pod_template(deployment)["metadata"]["labels"].items()
    (c,) = pod_containers(deployment)
    assert c["args"][0] == "edge-errors" and c["image"] == "ascolto"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports[first["targetPort"]] == int(c["args"][c["args"].index("--port") + 1])
    assert c["readinessProbe"]["httpGet"]["path"] == "/healthz"
    assert deployment["spec"]["replicas"] >= 2  # a collector outage is never also an error-backend outage
    assert not [r for r in c.get("envFrom", []) if "secretRef" in r]  # it needs no secret
    (policy,) = [p for p in k8s_kind("NetworkPolicy")
                 if p["spec"]["podSelector"]["matchLabels"].items() <= pod_template(deployment)["metadata"]["labels"].items()]
    (rule,) = policy["spec"]["ingress"]
    assert rule["from"][0]["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": "ingress-nginx"}
    assert rule["ports"] == [{"protocol": "TCP", "port": ports[first["targetPort"]]}]


def test_every_path_that_is_not_the_apis_is_the_error_backends_404():
    paths = [p for rule in _ingress()["spec"]["rules"] for p in rule["http"]["paths"]]
    (catch_all,) = [p for p in paths if p["path"] == "/"]
    assert catch_all["pathType"] == "Prefix"
    assert catch_all["backend"]["service"]["name"] == "ascolto-edge-errors"
    routed = {p["path"] for p in paths if p["backend"]["service"]["name"] == "ascolto-collector"}
    assert not {"/metrics", "/readyz", "/"} & routed
    status, headers, body = _get("/metrics")
    assert (status, body["error"], list(body["fields"])) == (404, "not_found", ["path"])


@pytest.mark.parametrize("code, status, error, field", [
    ("413", 413, "too_large", "body"),
    ("502", 503, "unavailable", None),
    ("503", 503, "unavailable", None),  # also what the controller sets while the collector has no ready pod
    ("504", 503, "unavailable", None),
    ("404", 404, "not_found", "path"),
])
def test_the_error_backend_answers_the_apis_json_readable_by_any_page(code, status, error, field):
    got, headers, body = _get("/", code, method="POST")
    assert (got, body["error"]) == (status, error), body
    assert list(body["fields"]) == ([field] if field else [])
    assert headers["Content-Type"] == "application/json" and body["message"]
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Cache-Control"] == "no-store"
    if status == 503:  # the widget keeps the answer and retries
        assert headers["Retry-After"] == "30" and "Retry-After" in headers["Access-Control-Expose-Headers"]
    else:
        assert "Retry-After" not in headers


def test_an_unexpected_code_is_still_json_and_the_probe_is_answered():
    status, headers, body = _get("/", "418")
    assert status == 418 and body["error"] == "http_error" and headers["Content-Type"] == "application/json"
    status, _, body = _get("/", "not-a-number")
    assert status == 502 and body["error"] == "http_error"
    assert _get("/healthz")[:1] == (200,)
    status, headers, body = _get("/", "413", method="HEAD")
    assert status == 413 and body is None and int(headers["Content-Length"]) > 0


def _nginx_bodies() -> dict[str, dict]:
    conf = (NGINX / "ascolto-collector.conf").read_text("utf-8")
    found = re.findall(r"location = /\.ascolto/(\w+) \{.*?return (\d+) '(.*?)';", conf, flags=re.S)
    return {name: (int(status), json.loads(body)) for name, status, body in found}


@pytest.mark.parametrize("error", sorted(edge_errors.REFUSALS))
def test_the_error_backend_says_what_the_nginx_edge_says(error):
    code = {"not_found": "404", "too_large": "413", "unavailable": "502"}[error]
    status, _, body = _get("/", code)
    assert _nginx_bodies()[error] == (status, body)


def test_the_cli_serves_the_error_backend(monkeypatch):
    import ascolto.cli as cli

    served = []
    monkeypatch.setattr(cli, "_gunicorn", lambda app, port, host, *_: served.append((app, port)))
    result = CliRunner().invoke(cli.main, ["edge-errors", "--port", "8004"])
    assert result.exit_code == 0, result.output
    assert served == [("deploy.edge_errors:app", 8004)]
    help_text = CliRunner().invoke(cli.main, ["edge-errors", "--help"]).output
    assert "ingress-nginx" in help_text and "--port" in help_text


def test_the_kustomization_deploys_the_error_backend():
    import yaml

    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text("utf-8"))
    assert "edge-errors.yaml" in kustomization["resources"]
