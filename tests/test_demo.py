"""The demo loads once, loads again without duplicating, and its logins work.

The fund administration part of the demo is tested in tests/funds/demo/test_demo_data.py.
"""

from __future__ import annotations

from sqlalchemy import func, select

from fundhouse.demo import load_demo
from fundhouse.identity.models import Membership, Organization, User
from tests.factories import API


def _counts(db):
    return tuple(
        db.scalar(select(func.count()).select_from(model))
        for model in (Organization, User, Membership)
    )


def test_the_demo_has_every_role_and_a_second_organization(db):
    logins = load_demo(db, funds=False)
    db.commit()

    roles = {(login.org, login.role) for login in logins}
    for role in (
        "admin",
        "fund_manager",
        "accountant",
        "compliance",
        "analyst",
        "viewer",
        "limited_partner",
    ):
        assert ("Northwind Capital", role) in roles
    assert ("Harbor Ventures", "admin") in roles
    assert all(len(login.password) >= 12 for login in logins)
    assert len({login.email for login in logins}) == len(logins)


def test_loading_the_demo_twice_changes_nothing(db):
    first = load_demo(db, funds=False)
    db.commit()
    before = _counts(db)

    second = load_demo(db, funds=False)
    db.commit()

    assert _counts(db) == before
    assert first == second


def test_the_demo_logins_sign_in(client, db):
    logins = load_demo(db, funds=False)
    db.commit()
    for login in logins:
        response = client.post(
            f"{API}/auth/token", data={"username": login.email, "password": login.password}
        )
        assert response.status_code == 200, login.email
        me = client.get(
            f"{API}/me", headers={"Authorization": f"Bearer {response.json()['access_token']}"}
        ).json()
        assert (me["organization"]["name"], me["role"]) == (login.org, login.role)
