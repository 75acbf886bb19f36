"""Onboarding limited partners: whoever manages users invites an LP by e-mail together with the
investor it belongs to, and accepting links the new user to that investor in the same step, so
the portal shows it that investor and nothing else (DESIGN.md §5)."""

from __future__ import annotations

import pytest

from tests.factories import API, login, make_user

PASSWORD = "a long enough pass"


@pytest.fixture
def admin_headers(desk, db):
    return login(desk.client, make_user(db, desk.org, role="admin"))


def invite(desk, headers, **body):
    payload = {"email": "ada@lp.example", "full_name": "Ada Investor", "role": "limited_partner"}
    return desk.client.post(f"{API}/users/invitations", json={**payload, **body}, headers=headers)


def accept(desk, token):
    return desk.client.post(
        f"{API}/auth/invitations/accept",
        json={"token": token, "full_name": "Ada Investor", "password": PASSWORD},
    )


def test_an_admin_invites_a_limited_partner_of_an_investor_who_then_sees_only_it(
    desk, db, admin_headers
):
    fund = desk.fund()
    mine = desk.investor("Ada Family Office")
    theirs = desk.investor("Other Pension Plan")
    desk.commit(fund["id"], mine["id"], "1000000")
    desk.commit(fund["id"], theirs["id"], "3000000")

    invited = invite(desk, admin_headers, party_id=mine["id"])

    assert invited.status_code == 201, invited.text
    body = invited.json()
    assert (body["role"], body["party_kind"], body["party_id"], body["party_name"]) == (
        "limited_partner",
        "investor",
        mine["id"],
        "Ada Family Office",
    )
    pending = desk.client.get(
        f"{API}/users/invitations", params={"party_id": mine["id"]}, headers=admin_headers
    ).json()["items"]
    assert [(i["email"], i["status"], i["party_name"]) for i in pending] == [
        ("ada@lp.example", "pending", "Ada Family Office")
    ]
    assert (
        desk.client.get(
            f"{API}/users/invitations", params={"party_id": theirs["id"]}, headers=admin_headers
        ).json()["items"]
        == []
    )

    assert accept(desk, body["token"]).status_code == 201
    linked = desk.ok(desk.get(f"/investors/{mine['id']}/users"))
    assert [u["email"] for u in linked] == ["ada@lp.example"]
    lp = desk.client.post(
        f"{API}/auth/token", data={"username": "ada@lp.example", "password": PASSWORD}
    ).json()
    lp_headers = {"Authorization": f"Bearer {lp['access_token']}"}
    seen = desk.client.get(f"{API}/portal/investors", headers=lp_headers).json()
    assert [i["id"] for i in seen] == [mine["id"]]
    commitments = desk.client.get(f"{API}/portal/commitments", headers=lp_headers).json()
    assert {c["investor_id"] for c in commitments} == {mine["id"]}
    assert desk.client.get(f"{API}/funds", headers=lp_headers).status_code == 403


def test_an_invitation_for_an_external_role_without_its_party_is_refused(desk, db, admin_headers):
    missing = invite(desk, admin_headers)
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["party_id"]


def test_a_party_of_another_organization_or_for_a_staff_role_is_refused(
    desk, other_desk, db, admin_headers
):
    foreign = other_desk.investor("Harbor LP")
    refused = invite(desk, admin_headers, party_id=foreign["id"])
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["party_id"]
    assert "No such investor" in refused.json()["detail"]
    mine = desk.investor("Ada Family Office")
    staff = invite(desk, admin_headers, role="analyst", party_id=mine["id"])
    assert staff.status_code == 422
    assert [e["field"] for e in staff.json()["errors"]] == ["party_id"]
    listed = desk.client.get(f"{API}/users/invitations", headers=admin_headers).json()["items"]
    assert listed == []


def test_only_user_managers_grant_external_roles(desk, db):
    investor = desk.investor("Ada Family Office")
    manager_headers = desk.headers  # a fund manager: no user management
    refused = invite(desk, manager_headers, party_id=investor["id"])
    assert refused.status_code == 403


def test_founders_and_clients_wait_for_their_parties(desk, db, admin_headers):
    investor = desk.investor("Ada Family Office")
    founder = invite(desk, admin_headers, role="founder", party_id=investor["id"])
    assert founder.status_code == 422
    assert [e["field"] for e in founder.json()["errors"]] == ["role"]


def test_a_member_turned_limited_partner_is_linked_in_the_same_step(desk, db, admin_headers):
    investor = desk.investor("Ada Family Office")
    member = make_user(db, desk.org, role="viewer")
    without = desk.client.patch(
        f"{API}/users/{member.id}", json={"role": "limited_partner"}, headers=admin_headers
    )
    assert without.status_code == 422
    assert [e["field"] for e in without.json()["errors"]] == ["party_id"]
    changed = desk.client.patch(
        f"{API}/users/{member.id}",
        json={"role": "limited_partner", "party_id": investor["id"]},
        headers=admin_headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["role"] == "limited_partner"
    linked = desk.ok(desk.get(f"/investors/{investor['id']}/users"))
    assert [u["user_id"] for u in linked] == [str(member.id)]
