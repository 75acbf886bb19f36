"""Request ids, security headers, metrics and JSON logs, as the running app serves them."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from fundhouse.platform.observability import JsonFormatter

API = "/api/v1"


def test_every_response_carries_a_fresh_request_id(client):
    first = client.get(f"{API}/health")
    second = client.get(f"{API}/health")

    assert re.fullmatch(r"[0-9a-f]{32}", first.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_well_formed_request_id_is_echoed(client):
    response = client.get(f"{API}/health", headers={"X-Request-ID": "lb-7f3a.42_x"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42_x"


@pytest.mark.parametrize("bad", ["has spaces", "x" * 65, "semi;colon", ""])
def test_a_malformed_request_id_is_replaced(client, bad):
    response = client.get(f"{API}/health", headers={"X-Request-ID": bad})
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_the_request_id_appears_in_problem_responses(client):
    response = client.get(f"{API}/jobs", headers={"X-Request-ID": "trace-401"})
    assert response.status_code == 401
    assert response.json()["request_id"] == "trace-401"


def test_security_headers_are_set(client):
    headers = client.get(f"{API}/health").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in headers, "no HSTS over plain HTTP"


def test_scripts_may_come_only_from_the_apps_own_origin(client):
    policy = client.get(f"{API}/health").headers["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"


def test_the_web_app_page_has_no_inline_script_the_policy_would_block():
    page = (Path(__file__).resolve().parents[2] / "web" / "index.html").read_text()

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", page, re.S | re.I)
    assert scripts, "the page loads its code with a script tag"
    assert all("src=" in attributes and not body.strip() for attributes, body in scripts)
    assert not re.search(r"\son[a-z]+\s*=", page, re.I), "no inline event handler"


METRICS_TOKEN = "scrape-token-for-the-tests-0123456789"


@pytest.fixture
def metrics_token(app, monkeypatch):
    monkeypatch.setattr(app.state.settings, "metrics_token", METRICS_TOKEN)
    return {"Authorization": f"Bearer {METRICS_TOKEN}"}


def test_metrics_are_off_until_a_token_is_configured(client):
    response = client.get("/metrics")

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert "FUNDHOUSE_METRICS_TOKEN" in response.json()["detail"]
    assert "fundhouse_http_requests_total" not in response.text


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {METRICS_TOKEN}"},
        {"Authorization": f"Bearer {METRICS_TOKEN}x"},
    ],
)
def test_metrics_need_the_token(client, metrics_token, headers):
    response = client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert "fundhouse_http_requests_total" not in response.text


def _health_count(metrics_text: str) -> float:
    match = re.search(
        r"^fundhouse_http_requests_total"
        r'\{method="GET",route="(?:/api/v1)?/health",status="200"\} (\S+)$',
        metrics_text,
        re.M,
    )
    return float(match.group(1)) if match else 0.0


def test_metrics_count_requests_by_route_and_status(client, metrics_token):
    before = _health_count(client.get("/metrics", headers=metrics_token).text)
    client.get(f"{API}/health")
    client.get(f"{API}/health")
    response = client.get("/metrics", headers=metrics_token)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "fundhouse_http_request_duration_seconds_bucket" in response.text
    assert _health_count(response.text) == before + 2


def test_the_request_log_line_is_json_with_the_request_id(client, caplog):
    caplog.set_level(logging.INFO, logger="fundhouse.http")
    caplog.handler.setFormatter(JsonFormatter())

    client.get(f"{API}/health", headers={"X-Request-ID": "log-check-1"})

    lines = [json.loads(line) for line in caplog.text.splitlines() if line.strip()]
    request_lines = [line for line in lines if line.get("request_id") == "log-check-1"]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert (line["msg"], line["method"], line["path"], line["status"]) == (
        "request",
        "GET",
        f"{API}/health",
        200,
    )
    assert line["level"] == "info"
    assert isinstance(line["ms"], float)
