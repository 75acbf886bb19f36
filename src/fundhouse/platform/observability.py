"""Request ids, structured JSON logs, Prometheus metrics and security headers.

``/metrics`` tells anyone who can read it how busy the platform is and which routes fail, so it
is not public: Prometheus scrapes it with ``Authorization: Bearer <settings.metrics_token>``;
without a configured token it is off (403). It counts against the per-address rate limit like
any other request.

The Content-Security-Policy lets scripts come only from the app's own origin: the built web
app loads its code from ``/assets`` and has no inline script, so an injected ``<script>`` or
``onclick=`` does not run. Styles keep ``'unsafe-inline'``: the component library sets them
at run time.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response

from fundhouse.platform.access import mark_permission_rule
from fundhouse.platform.errors import Forbidden, Unauthorized

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

REQUESTS = Counter("fundhouse_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "fundhouse_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

log = logging.getLogger("fundhouse.http")


class JsonFormatter(logging.Formatter):
    """One JSON object per line, with the request id of the request being served."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id_var.get()
        if rid:
            entry["request_id"] = rid
        extra = getattr(record, "fields", None)
        if isinstance(extra, dict):
            entry.update(extra)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if as_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn.access",):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = False


def _route_label(request: Request) -> str:
    route = request.scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; object-src 'none'; connect-src 'self' ws: wss:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


def _security_headers(response: Response, *, hsts: bool) -> None:
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    h.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    if hsts:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


class RequestContextMiddleware(BaseHTTPMiddleware):
    """Gives each request an id (kept from ``X-Request-ID`` when well-formed), logs it as JSON,
    counts it in the metrics and adds the security headers to its response."""

    def __init__(self, app: Any, *, hsts: bool = False) -> None:
        super().__init__(app)
        self.hsts = hsts

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        incoming = request.headers.get("x-request-id", "")
        rid = incoming if _REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        request.state.request_id = rid
        token = request_id_var.set(rid)
        start = time.perf_counter()
        status = 500
        try:
            response = await call_next(request)
            status = response.status_code
        finally:
            elapsed = time.perf_counter() - start
            route = _route_label(request)
            REQUESTS.labels(request.method, route, str(status)).inc()
            LATENCY.labels(request.method, route).observe(elapsed)
            log.info(
                "request",
                extra={
                    "fields": {
                        "method": request.method,
                        "path": request.url.path,
                        "status": status,
                        "ms": round(elapsed * 1000, 2),
                        "ip": request.client.host if request.client else None,
                    }
                },
            )
            request_id_var.reset(token)
        response.headers["X-Request-ID"] = rid
        _security_headers(response, hsts=self.hsts or request.url.scheme == "https")
        return response


def metrics_response() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def metrics_scraper(request: Request) -> None:
    """Let through only a scraper that sends the configured metrics token (see the module)."""
    expected = request.app.state.settings.metrics_token
    if not expected:
        raise Forbidden(
            "Metrics are off: set FUNDHOUSE_METRICS_TOKEN and scrape /metrics with "
            "'Authorization: Bearer <token>'."
        )
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credentials.strip().encode(), expected.encode()
    ):
        raise Unauthorized(
            "Scraping /metrics needs 'Authorization: Bearer <metrics token>'.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )


mark_permission_rule(metrics_scraper, "metrics token")
