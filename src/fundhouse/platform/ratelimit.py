"""Rate limits per client IP, per user and for logins (DESIGN.md §5).

Counted with the ``limits`` library over a moving window: in process by default, in Redis when
``settings.redis_url`` is set, so every API replica counts against the same budget. Over the
limit the answer is 429 with ``Retry-After``: problem+json for the API, a small HTML page for
the browser's pages (whoever asked for ``/`` reads it, not a script); every limited response carries
``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds until a slot
frees up), the fields of the IETF draft "RateLimit header fields for HTTP".

- IP: every request except the probes (health, readiness) and the web app's static files
  (``/assets/...`` and the files beside ``index.html``), checked by
  :class:`RateLimitMiddleware` before any work is done. Static files cost next to nothing and
  a page pulls dozens of them: counting them would let one busy browser behind an office's
  shared address use up everyone's budget. ``/metrics`` is counted: it needs a token, and
  guesses at it must be slowed down.
- User: :meth:`RateLimiter.hit_user`, called by the identity resolver once it knows who is
  asking, so a user cannot multiply their budget by spreading over addresses.
- Login: :meth:`RateLimiter.hit_login` counts attempts per address and per e-mail, which slows
  both guessing one account's password and spraying one password over many accounts.

If Redis cannot be reached the limiter lets requests through and logs the failure: a missing
counter must not take the whole API down (logins keep their lockout after failed attempts).
"""

from __future__ import annotations

import html
import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fundhouse.platform.errors import TooManyRequests, problem_response
from fundhouse.settings import Settings

log = logging.getLogger("fundhouse.ratelimit")

EXEMPT_PATHS = frozenset({"/api/v1/health", "/api/v1/ready"})
STATIC_PREFIX = "/assets/"
API_PATHS = ("/api/", "/metrics")
REFUSED_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Too many requests - Fundhouse</title></head>
<body>
<h1>Too many requests</h1>
<p>This address has sent too many requests. Wait {seconds} seconds, then reload the page.</p>
<p><small>Reference: {request_id}</small></p>
</body>
</html>
"""
REDIS_KEY_PREFIX = "fundhouse-ratelimit"


@dataclass(frozen=True)
class RateLimitState:
    """The outcome of one hit: allowed or not, and what the headers tell the client."""

    allowed: bool
    limit: int
    remaining: int
    reset_after: int

    def headers(self) -> dict[str, str]:
        out = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_after),
        }
        if not self.allowed:
            out["Retry-After"] = str(max(self.reset_after, 1))
        return out


class RateLimiter:
    """Moving-window counters for IPs, users and login attempts, on one storage."""

    def __init__(
        self,
        storage: Storage,
        *,
        ip_limit: str,
        user_limit: str,
        login_limit: str,
    ) -> None:
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)
        self.ip_limit = parse(ip_limit)
        self.user_limit = parse(user_limit)
        self.login_limit = parse(login_limit)
        self.is_local = isinstance(storage, MemoryStorage)

    def _hit(self, item: RateLimitItem, *identifiers: str) -> RateLimitState:
        try:
            allowed = self.strategy.hit(item, *identifiers)
            stats = self.strategy.get_window_stats(item, *identifiers)
        except Exception:
            log.exception("rate limit storage failed; letting the request through")
            return RateLimitState(True, item.amount, item.amount, 0)
        reset_after = max(math.ceil(stats.reset_time - time.time()), 0)
        return RateLimitState(allowed, item.amount, max(stats.remaining, 0), reset_after)

    def hit_ip(self, ip: str) -> RateLimitState:
        """Count one request from ``ip``; the middleware answers 429 when it is not allowed."""
        return self._hit(self.ip_limit, "ip", ip)

    def hit_user(self, user_id: Any) -> RateLimitState:
        """Count one request by a user; raise 429 when over ``settings.rate_limit_user``."""
        state = self._hit(self.user_limit, "user", str(user_id))
        if not state.allowed:
            raise TooManyRequests(
                "Too many requests from this account; slow down and retry later.",
                headers=state.headers(),
            )
        return state

    def hit_login(self, ip: str | None, email: str | None) -> RateLimitState:
        """Count one login attempt per address, and per e-mail when one is given (the second
        step of a sign-in with MFA has none); raise 429 when over either."""
        states = [self._hit(self.login_limit, "login-ip", ip or "unknown")]
        if email:
            states.append(self._hit(self.login_limit, "login-email", email.strip().lower()))
        for state in states:
            if not state.allowed:
                raise TooManyRequests(
                    "Too many login attempts; wait before trying again.",
                    headers=state.headers(),
                )
        return min(states, key=lambda s: s.remaining)

    def reset(self) -> None:
        """Forget every counter (tests; an operator lifting a block)."""
        self.storage.reset()


def build_storage(settings: Settings) -> Storage:
    if settings.redis_url:
        return RedisStorage(settings.redis_url, key_prefix=REDIS_KEY_PREFIX)
    return MemoryStorage()


def build_rate_limiter(settings: Settings) -> RateLimiter:
    return RateLimiter(
        build_storage(settings),
        ip_limit=settings.rate_limit_ip,
        user_limit=settings.rate_limit_user,
        login_limit=settings.rate_limit_login,
    )


def is_api_path(path: str) -> bool:
    """Whether ``path`` is answered for programs (problem+json) rather than shown in a browser."""
    return path == "/api" or path.startswith(API_PATHS)


def refused_response(request: Request, state: RateLimitState) -> Response:
    """The 429 for a refused address: problem+json for the API, an HTML page otherwise."""
    detail = "Too many requests from this address; slow down and retry later."
    if is_api_path(request.url.path):
        return problem_response(
            request,
            TooManyRequests.status,
            TooManyRequests.title,
            TooManyRequests.slug,
            detail,
            headers=state.headers(),
        )
    page = REFUSED_PAGE.format(
        seconds=max(state.reset_after, 1),
        request_id=html.escape(getattr(request.state, "request_id", None) or "-"),
    )
    headers = {**state.headers(), "Cache-Control": "no-store"}
    return HTMLResponse(page, status_code=TooManyRequests.status, headers=headers)


class RateLimitMiddleware:
    """Counts every HTTP request per client address against ``app.state.rate_limiter``,
    except the probes in ``exempt_paths`` and the web app's static files (``/assets/...``
    and ``static_paths``)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        exempt_paths: frozenset[str] = EXEMPT_PATHS,
        static_paths: frozenset[str] = frozenset(),
    ) -> None:
        self.app = app
        self.exempt_paths = exempt_paths | static_paths

    def _is_exempt(self, path: str) -> bool:
        return path in self.exempt_paths or path.startswith(STATIC_PREFIX)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self._is_exempt(scope["path"]):
            await self.app(scope, receive, send)
            return
        limiter: RateLimiter = scope["app"].state.rate_limiter
        client = scope.get("client")
        ip = client[0] if client else "unknown"
        if limiter.is_local:
            state = limiter.hit_ip(ip)
        else:
            state = await run_in_threadpool(limiter.hit_ip, ip)
        if not state.allowed:
            await refused_response(Request(scope), state)(scope, receive, send)
            return
        headers = [(k.lower().encode(), v.encode()) for k, v in state.headers().items()]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {name for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *[(k, v) for k, v in headers if k not in existing],
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
