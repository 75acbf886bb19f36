"""The browser's session: HttpOnly cookies, CSRF double-submit, refresh and logout."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest

from tests.factories import API, DEFAULT_PASSWORD, login, make_org, make_user


def _browser_login(client, user):
    response = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 200, response.text
    return response


def _set_cookies(response) -> dict[str, SimpleCookie]:
    cookies = {}
    for header in response.headers.get_list("set-cookie"):
        parsed = SimpleCookie()
        parsed.load(header)
        for name, morsel in parsed.items():
            cookies[name] = morsel
    return cookies


def _csrf(client) -> dict[str, str]:
    return {"X-CSRF-Token": client.cookies["fh_csrf"]}


def test_login_sets_the_three_session_cookies_with_their_flags(client, db):
    user = make_user(db, make_org(db), role="analyst")

    response = _browser_login(client, user)

    assert response.json()["status"] == "ok"
    assert response.json()["me"]["user"]["email"] == user.email
    assert response.json()["me"]["role"] == "analyst"
    cookies = _set_cookies(response)
    access, refresh, csrf = cookies["fh_access"], cookies["fh_refresh"], cookies["fh_csrf"]
    assert access["httponly"] and access["samesite"].lower() == "lax" and access["path"] == "/"
    assert refresh["httponly"] and refresh["samesite"].lower() == "strict"
    assert refresh["path"] == "/api/v1/auth"
    assert not csrf["httponly"] and csrf["samesite"].lower() == "strict" and csrf["path"] == "/"
    assert not any(c["secure"] for c in cookies.values())


def test_cookies_are_secure_when_the_settings_say_so(client, db, settings, monkeypatch):
    monkeypatch.setattr(settings, "secure_cookies", True)
    user = make_user(db, make_org(db))

    cookies = _set_cookies(_browser_login(client, user))

    assert all(cookies[name]["secure"] for name in ("fh_access", "fh_refresh", "fh_csrf"))


def test_reading_with_the_cookie_needs_no_csrf_header(client, db):
    user = make_user(db, make_org(db))
    _browser_login(client, user)
    assert client.get(f"{API}/me").status_code == 200


@pytest.mark.parametrize("header", [None, "", "not-the-token"])
def test_a_cookie_authenticated_change_without_the_csrf_token_is_forbidden(client, db, header):
    user = make_user(db, make_org(db))
    _browser_login(client, user)
    headers = {} if header is None else {"X-CSRF-Token": header}

    response = client.patch(f"{API}/me", json={"full_name": "Changed"}, headers=headers)

    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "CSRF" in response.json()["detail"]


def test_a_cookie_authenticated_change_with_the_csrf_token_goes_through(client, db):
    user = make_user(db, make_org(db))
    _browser_login(client, user)

    response = client.patch(f"{API}/me", json={"full_name": "Changed"}, headers=_csrf(client))

    assert response.status_code == 200
    assert response.json()["user"]["full_name"] == "Changed"


def test_bearer_tokens_need_no_csrf_token(client, db):
    user = make_user(db, make_org(db))
    response = client.patch(f"{API}/me", json={"full_name": "Changed"}, headers=login(client, user))
    assert response.status_code == 200


def test_session_refresh_rotates_the_cookies_and_needs_the_csrf_token(client, db):
    user = make_user(db, make_org(db))
    _browser_login(client, user)
    old_refresh = client.cookies["fh_refresh"]

    refused = client.post(f"{API}/auth/session/refresh")
    assert refused.status_code == 403

    response = client.post(f"{API}/auth/session/refresh", headers=_csrf(client))

    assert response.status_code == 200
    assert response.json()["expires_in"] > 0
    assert client.cookies["fh_refresh"] != old_refresh
    assert client.get(f"{API}/me").status_code == 200
    replay = client.post(f"{API}/auth/refresh", json={"refresh_token": old_refresh})
    assert replay.status_code == 401


def test_session_refresh_without_a_session_is_unauthorized(client, db):
    assert client.post(f"{API}/auth/session/refresh").status_code == 401


def test_logout_revokes_the_session_and_clears_the_cookies(client, db):
    user = make_user(db, make_org(db))
    _browser_login(client, user)
    refresh = client.cookies["fh_refresh"]
    assert client.post(f"{API}/auth/logout").status_code == 403

    response = client.post(f"{API}/auth/logout", headers=_csrf(client))

    assert response.status_code == 204
    cleared = _set_cookies(response)
    assert {"fh_access", "fh_refresh", "fh_csrf"} <= set(cleared)
    assert all(cleared[name]["max-age"] == "0" for name in ("fh_access", "fh_refresh", "fh_csrf"))
    assert client.get(f"{API}/me").status_code == 401
    assert client.post(f"{API}/auth/refresh", json={"refresh_token": refresh}).status_code == 401


def test_logout_all_by_cookie_needs_the_csrf_token(client, db):
    user = make_user(db, make_org(db))
    _browser_login(client, user)
    assert client.post(f"{API}/auth/logout-all").status_code == 403
    assert client.post(f"{API}/auth/logout-all", headers=_csrf(client)).status_code == 204
    assert client.get(f"{API}/me").status_code == 401


def test_switching_organization_by_cookie_replaces_the_cookies(client, db):
    from tests.factories import add_membership

    home = make_org(db, "Northwind Capital")
    other = make_org(db, "Harbor Ventures")
    user = make_user(db, home)
    add_membership(db, user, other, role="analyst")
    _browser_login(client, user)

    response = client.post(
        f"{API}/auth/switch-org", json={"org_id": str(other.id)}, headers=_csrf(client)
    )

    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert "access_token" not in response.json()
    assert client.get(f"{API}/me").json()["organization"]["name"] == "Harbor Ventures"


def test_wrong_password_in_the_browser_sets_no_cookie(client, db):
    user = make_user(db, make_org(db))
    response = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": "wrong password here"}
    )
    assert response.status_code == 401
    assert "set-cookie" not in response.headers
