"""Members of an organization: listing, roles, deactivation, invitations, and who may do it."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from fundhouse.identity.models import Invitation
from fundhouse.platform.access import role_permissions
from fundhouse.platform.audit import AuditRecord
from fundhouse.platform.db import utcnow
from tests.factories import (
    API,
    DEFAULT_PASSWORD,
    add_membership,
    login,
    make_org,
    make_user,
    token_pair,
)


def _records(db, action):
    db.expire_all()
    return db.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()


@contextmanager
def _count_statements(engine):
    statements: list[str] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def test_members_are_listed_with_their_role(client, db):
    org = make_org(db)
    admin = make_user(db, org, email="admin@northwind.example")
    make_user(db, org, role="analyst", email="analyst@northwind.example", full_name="Tomas Lind")
    make_user(db, make_org(db, "Harbor Ventures"), email="admin@harbor.example")

    response = client.get(f"{API}/users", headers=login(client, admin))

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(u["email"], u["role"]) for u in items] == [
        ("admin@northwind.example", "admin"),
        ("analyst@northwind.example", "analyst"),
    ]
    assert set(items[0]) == {
        "id",
        "email",
        "full_name",
        "role",
        "is_active",
        "mfa_enabled",
        "last_login_at",
        "created_at",
    }
    assert items[0]["last_login_at"] is not None


def test_the_member_list_filters_sorts_and_pages(client, db):
    org = make_org(db)
    admin = make_user(db, org, email="a-admin@example.com", full_name="Zed Admin")
    for i in range(5):
        make_user(db, org, role="viewer", email=f"viewer{i}@example.com", full_name=f"Viewer {i}")
    headers = login(client, admin)

    by_role = client.get(f"{API}/users", params={"role": "viewer"}, headers=headers).json()
    by_text = client.get(f"{API}/users", params={"q": "ZED"}, headers=headers).json()
    by_name = client.get(f"{API}/users", params={"sort": "-full_name"}, headers=headers).json()

    assert len(by_role["items"]) == 5
    assert [u["email"] for u in by_text["items"]] == ["a-admin@example.com"]
    assert by_name["items"][0]["full_name"] == "Zed Admin"
    pages, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{API}/users", params=params, headers=headers).json()
        pages.append([u["email"] for u in page["items"]])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert [len(p) for p in pages] == [2, 2, 2]
    assert sum(pages, []) == sorted(sum(pages, []))


def test_the_member_list_filters_on_activity_and_refuses_bad_parameters(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    gone = make_user(db, org, role="viewer")
    headers = login(client, admin)
    client.patch(f"{API}/users/{gone.id}", json={"is_active": False}, headers=headers)

    inactive = client.get(f"{API}/users", params={"is_active": False}, headers=headers).json()
    assert [u["id"] for u in inactive["items"]] == [str(gone.id)]
    for params, field in [
        ({"sort": "password_hash"}, "sort"),
        ({"role": "overlord"}, "role"),
        ({"limit": 0}, "limit"),
        ({"cursor": "!!!"}, "cursor"),
    ]:
        response = client.get(f"{API}/users", params=params, headers=headers)
        assert response.status_code == 422, params
        assert field in [e["field"] for e in response.json()["errors"]]


def test_listing_members_takes_the_same_number_of_queries_however_many_there_are(
    client, db, engine
):
    org = make_org(db)
    admin = make_user(db, org)
    headers = login(client, admin)
    counts = []
    for _ in range(2):
        with _count_statements(engine) as statements:
            assert client.get(f"{API}/users", headers=headers).status_code == 200
        counts.append(len(statements))
        for _ in range(4):
            make_user(db, org, role="viewer")
    assert counts[0] == counts[1]


def test_another_organizations_users_are_not_found(client, db):
    admin = make_user(db, make_org(db))
    foreign = make_user(db, make_org(db, "Harbor Ventures"), role="analyst")
    headers = login(client, admin)

    assert client.get(f"{API}/users/{foreign.id}", headers=headers).status_code == 404
    patched = client.patch(f"{API}/users/{foreign.id}", json={"role": "viewer"}, headers=headers)
    assert patched.status_code == 404
    assert client.get(f"{API}/users", params={"q": foreign.email}, headers=headers).json() == {
        "items": [],
        "next_cursor": None,
    }


@pytest.mark.parametrize("role", ["limited_partner", "viewer", "analyst"])
def test_roles_without_user_read_cannot_list_members(client, db, role):
    outsider = make_user(db, make_org(db), role=role)
    response = client.get(f"{API}/users", headers=login(client, outsider))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_an_external_user_cannot_read_members_or_the_audit_trail(client, db):
    lp = make_user(db, make_org(db), role="limited_partner")
    headers = login(client, lp)
    assert client.get(f"{API}/users", headers=headers).status_code == 403
    assert client.get(f"{API}/audit", headers=headers).status_code == 403
    assert client.get(f"{API}/users/invitations", headers=headers).status_code == 403
    assert client.get(f"{API}/me", headers=headers).json()["permissions"] == ["lp_portal:read"]


def test_only_user_managers_change_members(client, db):
    org = make_org(db)
    make_user(db, org)
    compliance = make_user(db, org, role="compliance")
    analyst = make_user(db, org, role="analyst")
    response = client.patch(
        f"{API}/users/{analyst.id}", json={"role": "admin"}, headers=login(client, compliance)
    )
    assert response.status_code == 403


def test_a_role_change_is_audited_with_before_and_after(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    analyst = make_user(db, org, role="analyst")

    response = client.patch(
        f"{API}/users/{analyst.id}", json={"role": "accountant"}, headers=login(client, admin)
    )

    assert response.status_code == 200
    assert response.json()["role"] == "accountant"
    changes = _records(db, "user.role_changed")
    assert [(c.entity_id, c.before, c.after, c.actor_user_id) for c in changes] == [
        (str(analyst.id), {"role": "analyst"}, {"role": "accountant"}, admin.id)
    ]
    me = client.get(f"{API}/me", headers=login(client, analyst)).json()
    assert me["role"] == "accountant" and "ledger:write" in me["permissions"]


def test_a_role_change_applies_to_tokens_already_issued(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    demoted = make_user(db, org, role="accountant")
    demoted_headers = login(client, demoted)
    assert client.get(f"{API}/users", headers=demoted_headers).status_code == 200

    client.patch(f"{API}/users/{demoted.id}", json={"role": "viewer"}, headers=login(client, admin))

    assert client.get(f"{API}/users", headers=demoted_headers).status_code == 403


def test_deactivation_ends_the_members_sessions(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    member = make_user(db, org, role="accountant")
    pair = token_pair(client, member)
    member_headers = {"Authorization": f"Bearer {pair['access_token']}"}

    response = client.patch(
        f"{API}/users/{member.id}", json={"is_active": False}, headers=login(client, admin)
    )

    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.get(f"{API}/me", headers=member_headers).status_code == 401
    refreshed = client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert refreshed.status_code == 401
    signin = client.post(
        f"{API}/auth/token", data={"username": member.email, "password": DEFAULT_PASSWORD}
    )
    assert signin.status_code == 401
    assert [r.entity_id for r in _records(db, "user.deactivated")] == [str(member.id)]

    client.patch(f"{API}/users/{member.id}", json={"is_active": True}, headers=login(client, admin))
    assert client.get(f"{API}/me", headers=login(client, member)).status_code == 200


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    headers = login(client, admin)

    demote = client.patch(f"{API}/users/{admin.id}", json={"role": "viewer"}, headers=headers)
    deactivate = client.patch(f"{API}/users/{admin.id}", json={"is_active": False}, headers=headers)

    assert demote.status_code == 409
    assert deactivate.status_code == 409
    second = make_user(db, org)
    assert (
        client.patch(
            f"{API}/users/{admin.id}", json={"role": "viewer"}, headers=headers
        ).status_code
        == 200
    )
    refused = client.patch(
        f"{API}/users/{second.id}", json={"is_active": False}, headers=login(client, second)
    )
    assert refused.status_code == 409


def test_an_empty_member_update_is_refused(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    response = client.patch(f"{API}/users/{admin.id}", json={}, headers=login(client, admin))
    assert response.status_code == 422


def test_an_invitation_creates_an_account_that_can_sign_in(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    headers = login(client, admin)

    invited = client.post(
        f"{API}/users/invitations",
        json={"email": "New.Analyst@Example.com", "full_name": "New Analyst", "role": "analyst"},
        headers=headers,
    )

    assert invited.status_code == 201
    body = invited.json()
    assert body["email"] == "new.analyst@example.com"
    assert body["accept_path"].endswith(body["token"])
    stored = db.get(Invitation, uuid.UUID(body["id"]))
    assert body["token"] not in stored.token_hash
    accepted = client.post(
        f"{API}/auth/invitations/accept",
        json={"token": body["token"], "full_name": "New Analyst", "password": "a long enough pass"},
    )
    assert accepted.status_code == 201
    assert accepted.json()["role"] == "analyst" and accepted.json()["org_id"] == str(org.id)
    signin = client.post(
        f"{API}/auth/token",
        data={"username": "new.analyst@example.com", "password": "a long enough pass"},
    )
    assert signin.status_code == 200
    again = client.post(
        f"{API}/auth/invitations/accept",
        json={"token": body["token"], "full_name": "Someone", "password": "a long enough pass"},
    )
    assert again.status_code == 404
    listed = client.get(f"{API}/users/invitations", headers=headers).json()["items"]
    assert [(i["email"], i["status"]) for i in listed] == [("new.analyst@example.com", "accepted")]
    assert _records(db, "invitation.accepted") and _records(db, "user.invited")


def test_an_invitation_for_an_existing_account_adds_a_membership(client, db):
    harbor = make_org(db, "Harbor Ventures")
    existing = make_user(db, harbor, email="shared@example.com")
    northwind = make_org(db)
    admin = make_user(db, northwind)
    token = client.post(
        f"{API}/users/invitations",
        json={"email": "shared@example.com", "full_name": "Shared", "role": "viewer"},
        headers=login(client, admin),
    ).json()["token"]

    accepted = client.post(
        f"{API}/auth/invitations/accept", json={"token": token, "full_name": "Shared"}
    )

    assert accepted.status_code == 201
    assert accepted.json()["id"] == str(existing.id)
    me = client.get(f"{API}/me", headers=login(client, existing)).json()
    assert {m["org_name"] for m in me["memberships"]} == {"Harbor Ventures", "Northwind Capital"}


def test_invitations_are_checked(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    member = make_user(db, org, role="viewer")
    headers = login(client, admin)

    def invite(**body):
        payload = {"email": "x@example.com", "full_name": "X", "role": "viewer", **body}
        return client.post(f"{API}/users/invitations", json=payload, headers=headers)

    assert invite(role="overlord").status_code == 422
    assert invite(email="not an email").status_code == 422
    assert invite(email=member.email).status_code == 409
    first = invite().json()["token"]
    second = invite().json()["token"]
    stale = client.post(
        f"{API}/auth/invitations/accept",
        json={"token": first, "full_name": "X", "password": "a long enough pass"},
    )
    assert stale.status_code == 404
    no_password = client.post(
        f"{API}/auth/invitations/accept", json={"token": second, "full_name": "X"}
    )
    assert no_password.status_code == 422
    assert no_password.json()["errors"][0]["field"] == "password"


def test_an_expired_invitation_cannot_be_accepted(client, db):
    org = make_org(db)
    admin = make_user(db, org)
    body = client.post(
        f"{API}/users/invitations",
        json={"email": "late@example.com", "full_name": "Late", "role": "viewer"},
        headers=login(client, admin),
    ).json()
    db.get(Invitation, uuid.UUID(body["id"])).expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    response = client.post(
        f"{API}/auth/invitations/accept",
        json={"token": body["token"], "full_name": "Late", "password": "a long enough pass"},
    )
    assert response.status_code == 404


def test_roles_are_listed_with_their_permissions(client, db):
    viewer = make_user(db, make_org(db), role="viewer")
    response = client.get(f"{API}/roles", headers=login(client, viewer))
    assert response.status_code == 200
    roles = {r["role"]: r for r in response.json()}
    assert set(roles) == set(role_permissions())
    assert roles["limited_partner"]["external"] is True
    assert roles["admin"]["external"] is False
    assert roles["viewer"]["permissions"] == sorted(role_permissions()["viewer"])


def test_a_user_with_two_memberships_lists_both(client, db):
    home = make_org(db, "Northwind Capital")
    user = make_user(db, home)
    add_membership(db, user, make_org(db, "Harbor Ventures"), role="analyst")
    me = client.get(f"{API}/me", headers=login(client, user)).json()
    assert me["organization"]["name"] == "Northwind Capital"
    assert [(m["org_name"], m["role"]) for m in me["memberships"]] == [
        ("Harbor Ventures", "analyst"),
        ("Northwind Capital", "admin"),
    ]
