"""Who is calling: the credentials a request may carry, and the browser's session cookies.

An integration sends ``Authorization: Bearer <access token>``, ``Authorization: Bearer fh_...``
or ``X-API-Key: fh_...``. The browser holds its session in HttpOnly cookies; because a
browser attaches cookies to requests other sites make it send, every unsafe request signed by
cookie must also echo the readable ``fh_csrf`` cookie in the ``X-CSRF-Token`` header, which
another site cannot read (the double-submit cookie of the OWASP CSRF cheat sheet).
"""

from __future__ import annotations

import uuid

from fastapi import Request, Response
from sqlalchemy.orm import Session

from fundhouse.identity import security, service
from fundhouse.identity.service import AuthenticatedMember, ClientInfo, IssuedSession
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.errors import Forbidden, Unauthorized
from fundhouse.settings import Settings

ACCESS_COOKIE = "fh_access"
REFRESH_COOKIE = "fh_refresh"
CSRF_COOKIE = "fh_csrf"
CSRF_HEADER = "X-CSRF-Token"
API_KEY_HEADER = "X-API-Key"
REFRESH_COOKIE_PATH = "/api/v1/auth"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def client_info(request: Request) -> ClientInfo:
    return ClientInfo(
        ip=request.client.host if request.client else None,
        user_agent=request.headers.get("user-agent"),
        request_id=getattr(request.state, "request_id", None),
    )


def check_csrf(request: Request) -> None:
    """Refuse a cookie-authenticated request whose CSRF header does not echo the cookie."""
    if not security.same_secret(request.headers.get(CSRF_HEADER), request.cookies.get(CSRF_COOKIE)):
        raise Forbidden(f"The {CSRF_HEADER} header is missing or does not match the session.")


def _bearer(request: Request) -> str | None:
    authorization = request.headers.get("authorization")
    if authorization is None:
        return None
    scheme, _, credentials = authorization.partition(" ")
    credentials = credentials.strip()
    if scheme.lower() != "bearer" or not credentials:
        raise Unauthorized("Send the credentials as 'Authorization: Bearer <token>'.")
    return credentials


def resolve_actor(request: Request, db: Session) -> Actor:
    """The acting user of a request, from whichever credential it carries (see the module)."""
    client = client_info(request)
    api_key = request.headers.get(API_KEY_HEADER)
    bearer = _bearer(request) if api_key is None else None
    session_id: str | None = None
    if api_key is not None:
        via = "api_key"
        member = service.authenticate_api_key(db, client, api_key.strip())
    elif bearer is not None and security.is_api_key(bearer):
        via = "api_key"
        member = service.authenticate_api_key(db, client, bearer)
    elif bearer is not None:
        via = "token"
        member, session_id = service.authenticate_access_token(db, bearer)
    elif request.cookies.get(ACCESS_COOKIE):
        via = "cookie"
        member, session_id = service.authenticate_access_token(db, request.cookies[ACCESS_COOKIE])
        if request.method in UNSAFE_METHODS:
            check_csrf(request)
    else:
        raise Unauthorized("Sign in to continue.")
    request.app.state.rate_limiter.hit_user(member.user.id)
    return _actor(member, via, client, session_id)


def _actor(
    member: AuthenticatedMember, via: str, client: ClientInfo, session_id: str | None
) -> Actor:
    permissions = permissions_for(member.membership.role)
    api_key_id: uuid.UUID | None = None
    if member.api_key is not None:
        permissions = permissions & frozenset(member.api_key.scopes)
        api_key_id = member.api_key.id
    return Actor(
        user_id=member.user.id,
        org_id=member.membership.org_id,
        role=member.membership.role,
        permissions=permissions,
        via=via,
        api_key_id=api_key_id,
        request_id=client.request_id,
        ip=client.ip,
        email=member.user.email,
        extra={"session_id": session_id} if session_id else {},
    )


def set_session_cookies(response: Response, issued: IssuedSession, settings: Settings) -> None:
    """The browser session: the access token for every API call (SameSite=Lax so links into
    the app keep working), the refresh token only for the auth endpoints (Strict), and the
    CSRF token readable by the app's script."""
    long_lived = settings.refresh_token_days * 24 * 3600
    secure = settings.secure_cookies
    response.set_cookie(
        ACCESS_COOKIE,
        issued.access_token,
        max_age=issued.expires_in,
        path="/",
        secure=secure,
        httponly=True,
        samesite="lax",
    )
    response.set_cookie(
        REFRESH_COOKIE,
        issued.refresh_token,
        max_age=long_lived,
        path=REFRESH_COOKIE_PATH,
        secure=secure,
        httponly=True,
        samesite="strict",
    )
    response.set_cookie(
        CSRF_COOKIE,
        issued.csrf_token,
        max_age=long_lived,
        path="/",
        secure=secure,
        httponly=False,
        samesite="strict",
    )


def clear_session_cookies(response: Response, settings: Settings) -> None:
    secure = settings.secure_cookies
    response.delete_cookie(ACCESS_COOKIE, path="/", secure=secure, httponly=True, samesite="lax")
    response.delete_cookie(
        REFRESH_COOKIE, path=REFRESH_COOKIE_PATH, secure=secure, httponly=True, samesite="strict"
    )
    response.delete_cookie(CSRF_COOKIE, path="/", secure=secure, httponly=False, samesite="strict")
