"""Valid objects in one line, and signing in through the real endpoints."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from fundhouse.identity import security, service
from fundhouse.identity.models import Membership, Organization, User

DEFAULT_PASSWORD = "correct horse battery staple"
API = "/api/v1"


def make_org(db: Session, name: str = "Northwind Capital", slug: str | None = None) -> Organization:
    org = service.create_organization(db, name, slug or f"org-{uuid.uuid4().hex[:12]}")
    db.commit()
    return org


def make_user(
    db: Session,
    org: Organization,
    role: str = "admin",
    password: str = DEFAULT_PASSWORD,
    mfa: bool = False,
    email: str | None = None,
    full_name: str | None = None,
) -> User:
    """A user with a membership in ``org``; with ``mfa`` a TOTP secret (``user.mfa_secret``)
    is in force."""
    email = email or f"{role.replace('_', '.')}-{uuid.uuid4().hex[:8]}@example.com"
    user = service.create_user(
        db, org, email, full_name or role.replace("_", " ").title(), password, role
    )
    if mfa:
        user.mfa_secret = security.new_totp_secret()
        user.mfa_enabled = True
    db.commit()
    return user


def add_membership(db: Session, user: User, org: Organization, role: str = "admin") -> Membership:
    membership = Membership(org_id=org.id, user_id=user.id, role=role)
    db.add(membership)
    db.commit()
    return membership


def token_pair(
    client: TestClient, user: User, password: str = DEFAULT_PASSWORD, mfa_code: str | None = None
) -> dict[str, str]:
    data = {"username": user.email, "password": password}
    if mfa_code:
        data["mfa_code"] = mfa_code
    response = client.post(f"{API}/auth/token", data=data)
    assert response.status_code == 200, response.text
    return response.json()


def login(
    client: TestClient, user: User, password: str = DEFAULT_PASSWORD, mfa_code: str | None = None
) -> dict[str, str]:
    """Headers carrying a fresh access token of ``user``, from ``POST /auth/token``."""
    pair = token_pair(client, user, password, mfa_code)
    return {"Authorization": f"Bearer {pair['access_token']}"}
