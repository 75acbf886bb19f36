"""Signing in, tokens, refresh rotation, lockout and ending sessions, through HTTP."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import select

from fundhouse.identity import security
from fundhouse.identity.models import RefreshToken, User
from fundhouse.platform.audit import AuditRecord
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import TooManyRequests
from tests.factories import (
    API,
    DEFAULT_PASSWORD,
    add_membership,
    login,
    make_org,
    make_user,
    token_pair,
)


def _actions(db, action):
    db.expire_all()
    return db.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()


def _sign_in(client, email, password):
    return client.post(f"{API}/auth/token", data={"username": email, "password": password})


def test_password_grant_answers_a_token_pair_that_works(client, db, settings):
    org = make_org(db)
    user = make_user(db, org, role="analyst")

    response = _sign_in(client, user.email, DEFAULT_PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == settings.access_token_minutes * 60
    assert body["refresh_token"]
    assert response.headers["Cache-Control"] == "no-store"
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json()["user"]["email"] == user.email
    assert me.json()["role"] == "analyst"
    assert [a.entity_id for a in _actions(db, "auth.login")] == [str(user.id)]


def test_email_is_matched_without_regard_to_case(client, db):
    user = make_user(db, make_org(db))
    assert _sign_in(client, user.email.upper(), DEFAULT_PASSWORD).status_code == 200


def test_wrong_password_is_refused_and_audited(client, db):
    user = make_user(db, make_org(db))

    response = _sign_in(client, user.email, "not the password at all")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "Incorrect email or password."
    failures = _actions(db, "auth.login_failed")
    assert [(f.entity_id, f.after["reason"]) for f in failures] == [(str(user.id), "bad_password")]
    assert db.get(User, user.id).failed_logins == 1


def test_unknown_email_gets_the_same_answer_as_a_wrong_password(client, db):
    user = make_user(db, make_org(db))
    wrong_password = _sign_in(client, user.email, "not the password at all")

    unknown = _sign_in(client, "nobody@example.com", "not the password at all")

    assert unknown.status_code == wrong_password.status_code == 401
    assert unknown.json()["detail"] == wrong_password.json()["detail"]
    assert unknown.json()["type"] == wrong_password.json()["type"]
    reasons = [f.after["reason"] for f in _actions(db, "auth.login_failed")]
    assert sorted(reasons) == ["bad_password", "unknown_email"]


def test_account_locks_after_repeated_failures_and_unlocks_when_the_time_is_up(
    client, db, settings
):
    user = make_user(db, make_org(db))
    for _ in range(settings.max_failed_logins - 1):
        assert _sign_in(client, user.email, "wrong password again").status_code == 401

    locking = _sign_in(client, user.email, "wrong password again")
    assert locking.status_code == 423
    assert locking.json()["type"].endswith("/locked")
    assert "locked until" in locking.json()["detail"]
    assert 0 < int(locking.headers["Retry-After"]) <= settings.lockout_minutes * 60
    assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 423
    assert len(_actions(db, "auth.locked_out")) == 1

    db.expire_all()
    db.get(User, user.id).locked_until = utcnow() - timedelta(seconds=1)
    db.commit()
    assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 200
    db.expire_all()
    assert db.get(User, user.id).failed_logins == 0
    assert db.get(User, user.id).locked_until is None


def test_a_successful_sign_in_resets_the_failure_count(client, db, settings):
    user = make_user(db, make_org(db))
    for _ in range(settings.max_failed_logins - 1):
        _sign_in(client, user.email, "wrong password again")
    assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 200
    assert _sign_in(client, user.email, "wrong password again").status_code == 401


def test_expired_access_token_is_refused(client, db):
    org = make_org(db)
    user = make_user(db, org)
    token, _ = security.issue_access_token(
        user_id=user.id,
        org_id=org.id,
        role="admin",
        token_version=user.token_version,
        session_id=None,
        now=utcnow() - timedelta(hours=1),
    )
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _tampered_tokens(token: str) -> dict[str, str]:
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    return {
        "flipped signature": f"{header}.{payload}.{flipped}",
        "other key": jwt.encode(claims, "x" * 64, algorithm="HS256"),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "escalated role": f"{header}.{_b64({**claims, 'role': 'admin', 'org': claims['org']})}."
        + signature,
        "not a jwt": "garbage",
    }


@pytest.mark.parametrize(
    "kind", ["flipped signature", "other key", "alg none", "escalated role", "not a jwt"]
)
def test_tampered_access_token_is_refused(client, db, kind):
    user = make_user(db, make_org(db), role="viewer")
    token = login(client, user)["Authorization"].removeprefix("Bearer ")

    forged = _tampered_tokens(token)[kind]

    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401


def test_a_token_of_another_type_is_not_an_access_token(client, db):
    user = make_user(db, make_org(db))
    mfa_token = security.issue_mfa_token(user.id, user.token_version)
    response = client.get(f"{API}/me", headers={"Authorization": f"Bearer {mfa_token}"})
    assert response.status_code == 401


def test_requests_without_credentials_or_with_another_scheme_are_refused(client, db):
    assert client.get(f"{API}/me").status_code == 401
    basic = client.get(f"{API}/me", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401


def test_refresh_rotates_the_pair(client, db):
    user = make_user(db, make_org(db))
    first = token_pair(client, user)

    response = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})

    assert response.status_code == 200
    second = response.json()
    assert second["refresh_token"] != first["refresh_token"]
    headers = {"Authorization": f"Bearer {second['access_token']}"}
    assert client.get(f"{API}/me", headers=headers).status_code == 200
    third = client.post(f"{API}/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert third.status_code == 200


def test_replaying_a_spent_refresh_token_revokes_its_whole_family(client, db):
    user = make_user(db, make_org(db))
    first = token_pair(client, user)
    second = client.post(
        f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]}
    ).json()
    other_session = token_pair(client, user)

    replay = client.post(f"{API}/auth/refresh", json={"refresh_token": first["refresh_token"]})

    assert replay.status_code == 401
    successor = client.post(f"{API}/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert successor.status_code == 401
    untouched = client.post(
        f"{API}/auth/refresh", json={"refresh_token": other_session["refresh_token"]}
    )
    assert untouched.status_code == 200
    reuse = _actions(db, "auth.refresh_reuse")
    assert len(reuse) == 1
    assert reuse[0].actor_user_id == user.id
    assert reuse[0].after["revoked"] == 2


def test_token_endpoint_accepts_the_refresh_token_grant(client, db):
    user = make_user(db, make_org(db))
    first = token_pair(client, user)

    response = client.post(
        f"{API}/auth/token",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )

    assert response.status_code == 200
    assert response.json()["refresh_token"] != first["refresh_token"]


def test_unknown_refresh_token_is_refused(client, db):
    response = client.post(f"{API}/auth/refresh", json={"refresh_token": "made-up"})
    assert response.status_code == 401


def test_expired_refresh_token_is_refused(client, db):
    user = make_user(db, make_org(db))
    pair = token_pair(client, user)
    db.expire_all()
    stored = db.scalar(
        select(RefreshToken).where(
            RefreshToken.token_hash == security.hash_token(pair["refresh_token"])
        )
    )
    stored.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()

    response = client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_logout_all_ends_every_access_and_refresh_token(client, db):
    user = make_user(db, make_org(db))
    laptop = token_pair(client, user)
    phone = token_pair(client, user)
    laptop_headers = {"Authorization": f"Bearer {laptop['access_token']}"}
    phone_headers = {"Authorization": f"Bearer {phone['access_token']}"}

    assert client.post(f"{API}/auth/logout-all", headers=laptop_headers).status_code == 204

    assert client.get(f"{API}/me", headers=laptop_headers).status_code == 401
    assert client.get(f"{API}/me", headers=phone_headers).status_code == 401
    for pair in (laptop, phone):
        refreshed = client.post(
            f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert refreshed.status_code == 401
    assert len(_actions(db, "auth.logout_all")) == 1
    assert client.get(f"{API}/me", headers=login(client, user)).status_code == 200


def test_logout_with_a_refresh_token_ends_that_session_only(client, db):
    user = make_user(db, make_org(db))
    ended = token_pair(client, user)
    kept = token_pair(client, user)

    response = client.post(f"{API}/auth/logout", json={"refresh_token": ended["refresh_token"]})

    assert response.status_code == 204
    gone = client.post(f"{API}/auth/refresh", json={"refresh_token": ended["refresh_token"]})
    assert gone.status_code == 401
    alive = client.post(f"{API}/auth/refresh", json={"refresh_token": kept["refresh_token"]})
    assert alive.status_code == 200
    assert len(_actions(db, "auth.logout")) == 1


@pytest.mark.parametrize(
    ("path", "kwargs", "field"),
    [
        ("/auth/refresh", {"json": {}}, "refresh_token"),
        ("/auth/refresh", {"json": {"refresh_token": "x", "extra": 1}}, "extra"),
        ("/auth/login", {"json": {"email": "not-an-email", "password": "x"}}, "email"),
        ("/auth/token", {"data": {"password": "something"}}, "username"),
        ("/auth/token", {"data": {"username": "a@example.com"}}, "password"),
        ("/auth/token", {"data": {"grant_type": "client_credentials"}}, "grant_type"),
        ("/auth/token", {"data": {"grant_type": "refresh_token"}}, "refresh_token"),
    ],
)
def test_malformed_bodies_answer_422_naming_the_field(client, db, path, kwargs, field):
    response = client.post(f"{API}{path}", **kwargs)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]


def test_deactivated_user_can_no_longer_sign_in(client, db):
    user = make_user(db, make_org(db))
    db.get(User, user.id).is_active = False
    db.commit()
    response = _sign_in(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 401
    assert response.json()["detail"] == "Incorrect email or password."
    assert [f.after["reason"] for f in _actions(db, "auth.login_failed")] == ["inactive"]


def test_switching_organization_needs_a_membership_there(client, db):
    home = make_org(db, "Northwind Capital")
    other = make_org(db, "Harbor Ventures")
    stranger = make_org(db, "Elsewhere Partners")
    user = make_user(db, home, role="admin")
    add_membership(db, user, other, role="viewer")
    headers = login(client, user)

    switched = client.post(
        f"{API}/auth/switch-org", json={"org_id": str(other.id)}, headers=headers
    )

    assert switched.status_code == 200
    other_headers = {"Authorization": f"Bearer {switched.json()['access_token']}"}
    me = client.get(f"{API}/me", headers=other_headers).json()
    assert me["organization"]["id"] == str(other.id)
    assert me["role"] == "viewer"
    assert {m["org_name"] for m in me["memberships"]} == {"Northwind Capital", "Harbor Ventures"}
    refused = client.post(
        f"{API}/auth/switch-org", json={"org_id": str(stranger.id)}, headers=other_headers
    )
    assert refused.status_code == 404


def test_changing_the_password_ends_other_sessions(client, db):
    user = make_user(db, make_org(db))
    current = token_pair(client, user)
    other = token_pair(client, user)
    headers = {"Authorization": f"Bearer {current['access_token']}"}

    response = client.post(
        f"{API}/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
        headers=headers,
    )

    assert response.status_code == 204
    refused = client.post(f"{API}/auth/refresh", json={"refresh_token": other["refresh_token"]})
    assert refused.status_code == 401
    kept = client.post(f"{API}/auth/refresh", json={"refresh_token": current["refresh_token"]})
    assert kept.status_code == 200
    assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 401
    assert _sign_in(client, user.email, "a brand new passphrase").status_code == 200


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("not the password", "a brand new passphrase", "current_password"),
        (DEFAULT_PASSWORD, "too short", "new_password"),
        (DEFAULT_PASSWORD, DEFAULT_PASSWORD, "new_password"),
    ],
)
def test_password_change_is_checked(client, db, current, new, field):
    user = make_user(db, make_org(db))
    response = client.post(
        f"{API}/me/password",
        json={"current_password": current, "new_password": new},
        headers=login(client, user),
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]


def test_password_may_not_be_the_email(client, db):
    user = make_user(db, make_org(db))
    response = client.post(
        f"{API}/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": user.email.upper()},
        headers=login(client, user),
    )
    assert response.status_code == 422


def test_me_can_be_renamed(client, db):
    user = make_user(db, make_org(db))
    headers = login(client, user)
    response = client.patch(f"{API}/me", json={"full_name": "  Avery   Quinn "}, headers=headers)
    assert response.status_code == 200
    assert response.json()["user"]["full_name"] == "Avery Quinn"
    renamed = _actions(db, "user.updated")
    assert renamed[0].before == {"full_name": "Admin"}
    assert renamed[0].after == {"full_name": "Avery Quinn"}


def test_sign_in_consults_the_login_rate_limit(client, db, app, monkeypatch):
    user = make_user(db, make_org(db))
    limiter = app.state.rate_limiter
    seen = []

    def refuse(ip, email):
        seen.append((ip, email))
        raise TooManyRequests("Too many sign-in attempts.")

    monkeypatch.setattr(limiter, "hit_login", refuse)

    response = _sign_in(client, user.email, DEFAULT_PASSWORD)

    assert response.status_code == 429
    assert seen == [("testclient", user.email)]


def test_each_authenticated_request_counts_toward_the_user_rate_limit(client, db, app, monkeypatch):
    user = make_user(db, make_org(db))
    headers = login(client, user)
    hits = []
    monkeypatch.setattr(app.state.rate_limiter, "hit_user", hits.append)

    client.get(f"{API}/me", headers=headers)
    client.get(f"{API}/roles", headers=headers)

    assert hits == [user.id, user.id]


def test_passwords_are_rehashed_when_the_cost_settings_change(client, db, settings, monkeypatch):
    user = make_user(db, make_org(db))
    old_hash = user.password_hash
    monkeypatch.setattr(settings, "argon2_time_cost", settings.argon2_time_cost + 1)

    assert _sign_in(client, user.email, DEFAULT_PASSWORD).status_code == 200

    db.expire_all()
    new_hash = db.get(User, user.id).password_hash
    assert new_hash != old_hash
    assert f"t={settings.argon2_time_cost}" in new_hash
