"""API keys: shown once, stored hashed, limited to their scopes, revocable."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from fundhouse.identity import security
from fundhouse.identity.models import ApiKey
from fundhouse.platform.access import permissions_for
from fundhouse.platform.audit import AuditRecord
from fundhouse.platform.db import utcnow
from tests.factories import API, DEFAULT_PASSWORD, login, make_org, make_user


def _create_key(client, headers, scopes, **extra):
    response = client.post(
        f"{API}/api-keys",
        json={"name": "Reporting sync", "scopes": scopes, **extra},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_new_key_is_shown_once_and_stored_as_a_hash(client, db):
    admin = make_user(db, make_org(db))
    headers = login(client, admin)

    created = _create_key(client, headers, ["user:read"])

    key = created["key"]
    assert key.startswith(f"fh_{created['prefix']}_")
    assert created["scopes"] == ["user:read"]
    stored = db.get(ApiKey, uuid.UUID(created["id"]))
    assert stored.key_hash == security.hash_token(key)
    assert key not in stored.key_hash
    listed = client.get(f"{API}/api-keys", headers=headers).json()["items"]
    assert [k["id"] for k in listed] == [created["id"]]
    assert "key" not in listed[0]
    assert key not in str(listed)


@pytest.mark.parametrize("style", ["x-api-key", "bearer"])
def test_a_key_authenticates_in_either_header(client, db, style):
    admin = make_user(db, make_org(db))
    key = _create_key(client, login(client, admin), ["user:read"])["key"]
    headers = {"X-API-Key": key} if style == "x-api-key" else {"Authorization": f"Bearer {key}"}

    response = client.get(f"{API}/users", headers=headers)

    assert response.status_code == 200
    assert [u["email"] for u in response.json()["items"]] == [admin.email]


def test_a_key_only_has_its_scopes(client, db):
    admin = make_user(db, make_org(db))
    key = _create_key(client, login(client, admin), ["user:read"])["key"]
    headers = {"X-API-Key": key}

    me = client.get(f"{API}/me", headers=headers)
    assert me.json()["permissions"] == ["user:read"]
    refused = client.post(
        f"{API}/api-keys", json={"name": "escalate", "scopes": ["user:read"]}, headers=headers
    )
    assert refused.status_code == 403
    assert client.get(f"{API}/audit", headers=headers).status_code == 403


def test_a_key_cannot_change_credentials(client, db):
    admin = make_user(db, make_org(db))
    key = _create_key(client, login(client, admin), ["user:read"])["key"]
    response = client.post(
        f"{API}/me/password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new passphrase"},
        headers={"X-API-Key": key},
    )
    assert response.status_code == 403
    assert client.post(f"{API}/me/mfa/enroll", headers={"X-API-Key": key}).status_code == 403


def test_a_key_cannot_change_its_owners_profile(client, db):
    admin = make_user(db, make_org(db))
    key = _create_key(client, login(client, admin), sorted(permissions_for("admin")))["key"]

    response = client.patch(
        f"{API}/me", json={"full_name": "Renamed by a script"}, headers={"X-API-Key": key}
    )

    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"] == "An API key cannot change its owner's profile."
    db.refresh(admin)
    assert admin.full_name != "Renamed by a script"


def test_scopes_are_limited_to_what_the_creator_holds(client, db):
    org = make_org(db)
    manager = make_user(db, org, role="fund_manager")
    headers = login(client, manager)

    not_held = client.post(
        f"{API}/api-keys", json={"name": "k", "scopes": ["audit:read"]}, headers=headers
    )
    unknown = client.post(
        f"{API}/api-keys", json={"name": "k", "scopes": ["everything:all"]}, headers=headers
    )
    empty = client.post(f"{API}/api-keys", json={"name": "k", "scopes": []}, headers=headers)
    past = client.post(
        f"{API}/api-keys",
        json={"name": "k", "scopes": ["fund:read"], "expires_at": "2020-01-01T00:00:00Z"},
        headers=headers,
    )

    assert not_held.status_code == 403
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "scopes"
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == "scopes"
    assert past.status_code == 422 and past.json()["errors"][0]["field"] == "expires_at"


def test_a_revoked_key_is_refused(client, db):
    admin = make_user(db, make_org(db))
    headers = login(client, admin)
    created = _create_key(client, headers, ["user:read"])

    assert client.delete(f"{API}/api-keys/{created['id']}", headers=headers).status_code == 204

    response = client.get(f"{API}/users", headers={"X-API-Key": created["key"]})
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    listed = client.get(f"{API}/api-keys", headers=headers).json()["items"]
    assert listed[0]["revoked_at"] is not None
    revoked = db.scalars(select(AuditRecord).where(AuditRecord.action == "api_key.revoked")).all()
    assert [r.entity_id for r in revoked] == [created["id"]]


def test_an_expired_key_is_refused(client, db):
    admin = make_user(db, make_org(db))
    created = _create_key(
        client,
        login(client, admin),
        ["user:read"],
        expires_at=(utcnow() + timedelta(days=1)).isoformat(),
    )
    db.get(ApiKey, uuid.UUID(created["id"])).expires_at = utcnow() - timedelta(seconds=1)
    db.commit()

    assert client.get(f"{API}/users", headers={"X-API-Key": created["key"]}).status_code == 401


@pytest.mark.parametrize(
    "key", ["fh_nothex00000_secret", "fh_0123456789ab_wrong-secret", "fh_", "fh_abc"]
)
def test_malformed_or_unknown_keys_are_refused(client, db, key):
    assert client.get(f"{API}/users", headers={"X-API-Key": key}).status_code == 401


def test_a_key_stops_working_when_its_owner_is_deactivated(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    owner = make_user(db, org, role="accountant")
    key = _create_key(client, login(client, owner), ["user:read"])["key"]

    client.patch(f"{API}/users/{owner.id}", json={"is_active": False}, headers=login(client, admin))

    assert client.get(f"{API}/users", headers={"X-API-Key": key}).status_code == 401


def test_use_is_recorded_at_most_once_a_minute(client, db):
    admin = make_user(db, make_org(db))
    created = _create_key(client, login(client, admin), ["user:read"])
    headers = {"X-API-Key": created["key"]}

    for _ in range(3):
        assert client.get(f"{API}/users", headers=headers).status_code == 200

    db.expire_all()
    uses = db.scalars(select(AuditRecord).where(AuditRecord.action == "api_key.used")).all()
    assert len(uses) == 1
    assert uses[0].via == "api_key" and uses[0].actor_user_id == admin.id
    stored = db.get(ApiKey, uuid.UUID(created["id"]))
    assert stored.last_used_at is not None
    stored.last_used_at = utcnow() - timedelta(minutes=2)
    db.commit()
    client.get(f"{API}/users", headers=headers)
    uses = db.scalars(select(AuditRecord).where(AuditRecord.action == "api_key.used")).all()
    assert len(uses) == 2


def test_keys_of_another_organization_are_not_found(client, db):
    owner = make_user(db, make_org(db))
    created = _create_key(client, login(client, owner), ["user:read"])
    intruder = make_user(db, make_org(db, "Harbor Ventures"))

    response = client.delete(f"{API}/api-keys/{created['id']}", headers=login(client, intruder))

    assert response.status_code == 404
    assert client.get(f"{API}/users", headers={"X-API-Key": created["key"]}).status_code == 200


def test_members_see_their_own_keys_and_admins_see_all(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    manager = make_user(db, org, role="fund_manager")
    manager_headers = login(client, manager)
    own = _create_key(client, manager_headers, ["fund:read"])
    admins = _create_key(client, login(client, admin), ["user:read"])

    seen_by_manager = client.get(f"{API}/api-keys", headers=manager_headers).json()["items"]
    seen_by_admin = client.get(f"{API}/api-keys", headers=login(client, admin)).json()["items"]

    assert [k["id"] for k in seen_by_manager] == [own["id"]]
    assert {k["id"] for k in seen_by_admin} == {own["id"], admins["id"]}
    refused = client.delete(f"{API}/api-keys/{admins['id']}", headers=manager_headers)
    assert refused.status_code == 404


def test_roles_without_the_permission_cannot_manage_keys(client, db):
    viewer = make_user(db, make_org(db), role="viewer")
    assert client.get(f"{API}/api-keys", headers=login(client, viewer)).status_code == 403
