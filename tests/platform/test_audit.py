"""The audit trail: org-scoped reading, filters, and a hash chain that reveals tampering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import JSON, bindparam, select, text

from fundhouse.platform.audit import AuditRecord, record
from fundhouse.platform.db import utcnow
from tests.factories import API, login, make_org, make_user


def _some_history(client, db):
    """An admin who signed in and changed a few things, in an organization of its own."""
    org = make_org(db)
    admin = make_user(db, org)
    analyst = make_user(db, org, role="analyst")
    headers = login(client, admin)
    client.patch(f"{API}/users/{analyst.id}", json={"role": "viewer"}, headers=headers)
    client.patch(f"{API}/me", json={"full_name": "Renamed Admin"}, headers=headers)
    return org, admin, analyst, headers


def test_the_trail_lists_the_organizations_records_newest_first(client, db):
    org, admin, _, headers = _some_history(client, db)
    other_admin = make_user(db, make_org(db, "Harbor Ventures"))
    login(client, other_admin)

    response = client.get(f"{API}/audit", headers=headers)

    assert response.status_code == 200
    items = response.json()["items"]
    seqs = [i["seq"] for i in items]
    assert seqs == sorted(seqs, reverse=True)
    assert items[0]["action"] == "user.updated"
    assert {i["action"] for i in items} >= {"auth.login", "user.role_changed", "user.created"}
    own = db.scalars(select(AuditRecord.id).where(AuditRecord.org_id == org.id)).all()
    assert {i["id"] for i in items} == {str(i) for i in own}
    assert str(other_admin.id) not in {i["entity_id"] for i in items}
    assert set(items[0]) == {
        "id",
        "seq",
        "occurred_at",
        "action",
        "entity_type",
        "entity_id",
        "actor_user_id",
        "actor_label",
        "via",
        "before",
        "after",
        "request_id",
        "ip",
    }
    assert items[0]["actor_user_id"] == str(admin.id)
    assert items[0]["via"] == "token"
    assert items[0]["request_id"]


def test_records_carry_no_secrets(client, db):
    _some_history(client, db)
    created = db.scalars(select(AuditRecord).where(AuditRecord.action == "user.created")).all()
    for rec in created:
        assert "password_hash" not in rec.after
        assert "mfa_secret" not in rec.after


def test_the_trail_filters_by_action_entity_actor_and_time(client, db):
    _, admin, analyst, headers = _some_history(client, db)

    def items(**params):
        response = client.get(f"{API}/audit", params=params, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    role_changes = items(action="user.role_changed")
    assert [(r["entity_id"], r["before"], r["after"]) for r in role_changes] == [
        (str(analyst.id), {"role": "analyst"}, {"role": "viewer"})
    ]
    about_analyst = items(entity_type="users", entity_id=str(analyst.id))
    assert {r["action"] for r in about_analyst} == {"user.created", "user.role_changed"}
    by_admin = items(actor_user_id=str(admin.id))
    assert by_admin and all(r["actor_user_id"] == str(admin.id) for r in by_admin)
    future = (utcnow() + timedelta(hours=1)).replace(tzinfo=None).isoformat()
    assert items(since=future) == []
    assert len(items(until=future)) == len(items())


def test_a_time_filter_is_read_only_from_iso_8601(client, db):
    _, _, _, headers = _some_history(client, db)
    for value in ("0", "1767139200"):
        response = client.get(f"{API}/audit", params={"since": value}, headers=headers)
        assert response.status_code == 422, value


def test_the_trail_pages_with_a_cursor(client, db):
    _, _, _, headers = _some_history(client, db)
    everything = client.get(f"{API}/audit", headers=headers).json()["items"]
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{API}/audit", params=params, headers=headers).json()
        seen += [i["seq"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [i["seq"] for i in everything]
    oldest_first = client.get(f"{API}/audit", params={"sort": "seq"}, headers=headers).json()
    assert [i["seq"] for i in oldest_first["items"]] == sorted(seen)


@pytest.mark.parametrize("role", ["admin", "compliance"])
def test_admins_and_compliance_read_the_trail(client, db, role):
    reader = make_user(db, make_org(db), role=role)
    assert client.get(f"{API}/audit", headers=login(client, reader)).status_code == 200
    assert client.get(f"{API}/audit/verify", headers=login(client, reader)).status_code == 200


@pytest.mark.parametrize("role", ["limited_partner", "fund_manager", "accountant", "analyst"])
def test_other_roles_cannot_read_the_trail(client, db, role):
    reader = make_user(db, make_org(db), role=role)
    headers = login(client, reader)
    assert client.get(f"{API}/audit", headers=headers).status_code == 403
    assert client.get(f"{API}/audit/verify", headers=headers).status_code == 403


def test_the_trail_needs_authentication(client, db):
    assert client.get(f"{API}/audit").status_code == 401


def test_the_chain_verifies_when_nothing_was_altered(client, db):
    _, _, _, headers = _some_history(client, db)

    report = client.get(f"{API}/audit/verify", headers=headers).json()

    total = db.scalar(select(AuditRecord.seq).order_by(AuditRecord.seq.desc()).limit(1))
    assert report == {"ok": True, "checked": total, "broken_seq": None, "reason": None}


def test_editing_a_record_behind_the_apps_back_is_detected(client, db):
    _, _, analyst, headers = _some_history(client, db)
    target = db.scalars(select(AuditRecord).where(AuditRecord.action == "user.role_changed")).one()
    db.execute(
        text("UPDATE audit_records SET after = :after WHERE seq = :seq").bindparams(
            bindparam("after", type_=JSON)
        ),
        {"after": {"role": "admin"}, "seq": target.seq},
    )
    db.commit()

    report = client.get(f"{API}/audit/verify", headers=headers).json()

    assert report["ok"] is False
    assert report["broken_seq"] == target.seq
    assert report["checked"] == target.seq - 1
    assert "hash" in report["reason"]


def test_deleting_a_record_behind_the_apps_back_is_detected(client, db):
    _, _, _, headers = _some_history(client, db)
    target = db.scalars(select(AuditRecord).where(AuditRecord.action == "user.role_changed")).one()
    db.execute(text("DELETE FROM audit_records WHERE seq = :seq"), {"seq": target.seq})
    db.commit()

    report = client.get(f"{API}/audit/verify", headers=headers).json()

    assert report["ok"] is False
    assert report["broken_seq"] == target.seq
    assert "missing" in report["reason"]


def test_rewriting_a_record_and_its_hash_breaks_the_next_link(client, db):
    _, _, _, headers = _some_history(client, db)
    target = db.scalars(select(AuditRecord).where(AuditRecord.action == "user.role_changed")).one()
    db.execute(
        text("UPDATE audit_records SET hash = :hash WHERE seq = :seq"),
        {"hash": "f" * 64, "seq": target.seq},
    )
    db.commit()

    report = client.get(f"{API}/audit/verify", headers=headers).json()

    assert report["ok"] is False
    assert report["broken_seq"] == target.seq


def test_no_route_changes_or_removes_audit_records(app):
    from fastapi import routing

    iter_contexts = getattr(routing, "iter_route_contexts", None)
    routes = list(iter_contexts(app.routes)) if iter_contexts else list(app.routes)
    audit_routes = [r for r in routes if (r.path or "").startswith(f"{API}/audit")]
    assert audit_routes
    for route in audit_routes:
        assert route.methods <= {"GET", "HEAD"}, route.path
    assert all(isinstance(r.original_route if iter_contexts else r, APIRoute) for r in audit_routes)


def test_each_record_links_to_the_one_before(db):
    first = record(db, None, "test.first", entity_type="probe", entity_id="1")
    second = record(db, None, "test.second", entity_type="probe", entity_id="2", after={"n": 2})
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert second.hash != first.hash
