"""TOTP multi-factor authentication: enrolment, sign-in with a code, recovery codes."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select, text, update

from fundhouse.identity import security, service
from fundhouse.identity.models import RecoveryCode, User
from fundhouse.platform.audit import AuditRecord
from fundhouse.platform.crypto import decrypt_str
from tests.factories import API, DEFAULT_PASSWORD, add_membership, login, make_org, make_user


def _next_code(secret: str, steps_ahead: int = 1) -> str:
    """A code of a later 30-second step (still inside the accepted window), so one test can
    sign in twice without replaying a code."""
    return security.totp_code(secret, time.time() + 30 * steps_ahead)


def _token(client, user, **extra):
    data = {"username": user.email, "password": DEFAULT_PASSWORD, **extra}
    return client.post(f"{API}/auth/token", data=data)


def _enrol(client, headers) -> tuple[str, list[str]]:
    enrolment = client.post(f"{API}/me/mfa/enroll", headers=headers)
    assert enrolment.status_code == 200
    secret = enrolment.json()["secret"]
    confirmed = client.post(
        f"{API}/me/mfa/confirm", json={"code": security.totp_code(secret)}, headers=headers
    )
    assert confirmed.status_code == 200
    return secret, confirmed.json()["recovery_codes"]


def test_enrolment_gives_a_secret_and_turns_on_only_after_a_confirmed_code(client, db):
    user = make_user(db, make_org(db))
    headers = login(client, user)

    enrolment = client.post(f"{API}/me/mfa/enroll", headers=headers)

    assert enrolment.status_code == 200
    secret = enrolment.json()["secret"]
    uri = enrolment.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri and "issuer=" in uri
    assert client.get(f"{API}/me", headers=headers).json()["user"]["mfa_enabled"] is False
    wrong = client.post(f"{API}/me/mfa/confirm", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "code"

    confirmed = client.post(
        f"{API}/me/mfa/confirm", json={"code": security.totp_code(secret)}, headers=headers
    )

    assert confirmed.status_code == 200
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(f"{API}/me", headers=headers).json()["user"]["mfa_enabled"] is True
    db.expire_all()
    actions = db.scalars(select(AuditRecord.action).where(AuditRecord.actor_user_id == user.id))
    assert {"mfa.enrolled", "mfa.enabled"} <= set(actions)


def test_the_secret_is_stored_encrypted(client, db):
    user = make_user(db, make_org(db))
    secret, _ = _enrol(client, login(client, user))

    stored = db.execute(
        text("SELECT mfa_secret_encrypted FROM users WHERE email = :email"), {"email": user.email}
    ).scalar_one()

    assert secret not in stored
    assert decrypt_str(stored, "mfa_totp") == secret


def test_recovery_codes_are_stored_hashed(client, db):
    user = make_user(db, make_org(db))
    _, codes = _enrol(client, login(client, user))
    stored = db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    stored = set(stored)
    assert len(stored) == 10
    assert not stored & set(codes)
    assert {security.hash_recovery_code(c) for c in codes} == stored


def test_sign_in_with_mfa_needs_a_valid_code(client, db):
    user = make_user(db, make_org(db), mfa=True)

    missing = _token(client, user)
    assert missing.status_code == 401
    assert missing.json()["type"].endswith("mfa-required")

    long_ago = security.totp_code(user.mfa_secret, time.time() - 3600)
    wrong = _token(client, user, mfa_code=long_ago)
    assert wrong.status_code == 401
    assert wrong.json()["type"].endswith("invalid-mfa-code")

    ok = _token(client, user, mfa_code=security.totp_code(user.mfa_secret))
    assert ok.status_code == 200


def test_a_totp_code_cannot_be_replayed(client, db):
    user = make_user(db, make_org(db), mfa=True)
    code = security.totp_code(user.mfa_secret)
    assert _token(client, user, mfa_code=code).status_code == 200

    replay = _token(client, user, mfa_code=code)

    assert replay.status_code == 401
    assert replay.json()["type"].endswith("invalid-mfa-code")
    later = _token(client, user, mfa_code=_next_code(user.mfa_secret))
    assert later.status_code == 200


def test_a_recovery_code_signs_in_once(client, db):
    user = make_user(db, make_org(db))
    _, codes = _enrol(client, login(client, user))

    first = _token(client, user, mfa_code=codes[0].upper())
    again = _token(client, user, mfa_code=codes[0])

    assert first.status_code == 200
    assert again.status_code == 401
    assert _token(client, user, mfa_code=codes[1].replace("-", "")).status_code == 200
    db.expire_all()
    used = db.scalars(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None)
        )
    ).all()
    assert len(used) == 2
    assert db.scalars(
        select(AuditRecord).where(AuditRecord.action == "mfa.recovery_code_used")
    ).all()


def test_wrong_codes_count_toward_the_lockout(client, db, settings):
    user = make_user(db, make_org(db), mfa=True)
    for _ in range(settings.max_failed_logins - 1):
        assert _token(client, user, mfa_code="not-a-code").status_code == 401
    assert _token(client, user, mfa_code="not-a-code").status_code == 423
    assert _token(client, user, mfa_code=security.totp_code(user.mfa_secret)).status_code == 423


def test_browser_sign_in_with_mfa_takes_two_steps(client, db):
    user = make_user(db, make_org(db), mfa=True)

    first = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )

    assert first.status_code == 200
    assert first.json()["status"] == "mfa_required"
    assert "fh_access" not in first.cookies
    assert "set-cookie" not in first.headers
    mfa_token = first.json()["mfa_token"]
    wrong = client.post(f"{API}/auth/login/mfa", json={"mfa_token": mfa_token, "code": "000000"})
    assert wrong.status_code == 401

    second = client.post(
        f"{API}/auth/login/mfa",
        json={"mfa_token": mfa_token, "code": security.totp_code(user.mfa_secret)},
    )

    assert second.status_code == 200
    assert second.json()["status"] == "ok"
    assert second.json()["me"]["user"]["email"] == user.email
    assert "fh_access" in second.cookies


def test_browser_second_step_accepts_a_recovery_code(client, db):
    user = make_user(db, make_org(db))
    _, codes = _enrol(client, login(client, user))
    first = client.post(
        f"{API}/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD}
    )

    second = client.post(
        f"{API}/auth/login/mfa", json={"mfa_token": first.json()["mfa_token"], "code": codes[3]}
    )

    assert second.status_code == 200


def test_a_forged_or_stale_mfa_token_is_refused(client, db):
    user = make_user(db, make_org(db), mfa=True)
    stale = security.issue_mfa_token(user.id, user.token_version - 1)
    code = security.totp_code(user.mfa_secret)
    for token in ("garbage", stale):
        response = client.post(f"{API}/auth/login/mfa", json={"mfa_token": token, "code": code})
        assert response.status_code == 401


def test_disabling_needs_the_password_and_a_code(client, db):
    user = make_user(db, make_org(db))
    headers = login(client, user)
    secret, _ = _enrol(client, headers)

    no_password = client.post(
        f"{API}/me/mfa/disable",
        json={"password": "wrong password here", "code": _next_code(secret)},
        headers=headers,
    )
    assert no_password.status_code == 422
    no_code = client.post(
        f"{API}/me/mfa/disable",
        json={"password": DEFAULT_PASSWORD, "code": "000000"},
        headers=headers,
    )
    assert no_code.status_code == 422

    disabled = client.post(
        f"{API}/me/mfa/disable",
        json={"password": DEFAULT_PASSWORD, "code": _next_code(secret)},
        headers=headers,
    )

    assert disabled.status_code == 204
    assert _token(client, user).status_code == 200
    db.expire_all()
    assert db.get(User, user.id).mfa_secret is None
    assert not db.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert db.scalars(select(AuditRecord).where(AuditRecord.action == "mfa.disabled")).all()


def test_regenerating_recovery_codes_retires_the_old_ones(client, db):
    user = make_user(db, make_org(db))
    headers = login(client, user)
    secret, old_codes = _enrol(client, headers)

    response = client.post(
        f"{API}/me/mfa/recovery-codes", json={"code": _next_code(secret)}, headers=headers
    )

    assert response.status_code == 200
    new_codes = response.json()["recovery_codes"]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert _token(client, user, mfa_code=old_codes[0]).status_code == 401
    assert _token(client, user, mfa_code=new_codes[0]).status_code == 200


def test_enrolling_twice_is_a_conflict(client, db):
    user = make_user(db, make_org(db), mfa=True)
    headers = login(client, user, mfa_code=security.totp_code(user.mfa_secret))
    assert client.post(f"{API}/me/mfa/enroll", headers=headers).status_code == 409


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_codes_from_adjacent_steps_are_accepted(offset):
    secret = security.new_totp_secret()
    now = 1_900_000_000.0
    code = security.totp_code(secret, now + offset)
    assert security.match_totp(secret, code, None, at=now) == int((now + offset) // 30)


def test_codes_two_steps_away_are_refused():
    secret = security.new_totp_secret()
    now = 1_900_000_000.0
    assert security.match_totp(secret, security.totp_code(secret, now - 60), None, at=now) is None
    assert security.match_totp(secret, security.totp_code(secret, now + 60), None, at=now) is None


def test_a_step_at_or_before_the_last_used_one_is_refused():
    secret = security.new_totp_secret()
    now = 1_900_000_000.0
    step = int(now // 30)
    code = security.totp_code(secret, now)
    assert security.match_totp(secret, code, step, at=now) is None
    assert security.match_totp(secret, code, step - 1, at=now) == step


def test_a_code_spent_by_a_concurrent_request_is_refused(db):
    """Two requests holding the same code: the second one's view of the user is stale, and
    the conditional UPDATE still refuses it."""
    user = make_user(db, make_org(db), mfa=True)
    now = time.time()
    code = security.totp_code(user.mfa_secret, now)
    db.execute(
        update(User)
        .where(User.id == user.id)
        .values(mfa_last_used_step=int(now // 30))
        .execution_options(synchronize_session=False)
    )
    assert user.mfa_last_used_step is None

    assert service._check_second_factor(db, user, code) is None


def test_an_admin_resets_a_members_lost_second_factor(client, db):
    org = make_org(db)
    admin = make_user(db, org, role="admin")
    member = make_user(db, org, role="accountant")
    admin_headers = login(client, admin)
    _enrol(client, login(client, member))
    path = f"{API}/users/{member.id}/mfa/reset"

    accountant = login(client, make_user(db, org, role="accountant"))
    assert client.post(path, headers=accountant).status_code == 403
    stranger = login(client, make_user(db, make_org(db, name="Southwind")))
    assert client.post(path, headers=stranger).status_code == 404
    own = client.post(f"{API}/users/{admin.id}/mfa/reset", headers=admin_headers)
    assert own.status_code == 409

    reset = client.post(path, headers=admin_headers)
    assert reset.status_code == 200 and reset.json()["mfa_enabled"] is False
    db.expire_all()
    assert db.scalars(select(RecoveryCode).where(RecoveryCode.user_id == member.id)).all() == []
    # The member signs in with the password alone now, and enrols again.
    assert _token(client, member).status_code == 200
    assert client.post(path, headers=admin_headers).status_code == 409  # nothing to reset
    actions = set(
        db.scalars(select(AuditRecord.action).where(AuditRecord.actor_user_id == admin.id))
    )
    assert "mfa.reset_by_admin" in actions


def test_a_member_of_another_organization_too_keeps_their_second_factor(client, db):
    org, other = make_org(db), make_org(db, name="Southwind")
    admin = make_user(db, org, role="admin")
    member = make_user(db, org, role="accountant")
    add_membership(db, member, other, role="viewer")
    _enrol(client, login(client, member))
    refused = client.post(f"{API}/users/{member.id}/mfa/reset", headers=login(client, admin))
    assert refused.status_code == 409 and "another organization" in refused.json()["detail"]
