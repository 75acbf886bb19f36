"""Sign-in, sessions, multi-factor authentication, API keys, invitations and members.

A function that acts for someone takes the session and the :class:`Actor` first, checks the
permission, scopes its queries to ``actor.org_id`` (another organization's ids are simply not
found) and writes an audit record for every change and security event. Sign-in functions run
before there is an actor and take the caller's :class:`ClientInfo` instead. Nothing here
commits: the request does, once, at its end. A refused sign-in still keeps its bookkeeping
(the failure count, the audit record) by raising with ``keep_changes``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Literal, NoReturn, cast

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import CursorResult, Select, delete, func, or_, select, update
from sqlalchemy.orm import Session, contains_eager
from sqlalchemy.orm.attributes import set_committed_value

from fundhouse.identity import security
from fundhouse.identity.models import (
    ApiKey,
    Invitation,
    Membership,
    Organization,
    RecoveryCode,
    RefreshToken,
    User,
)
from fundhouse.identity.schemas import (
    ApiKeyOut,
    InvitationOut,
    MembershipOut,
    MeOut,
    OrganizationOut,
    OrgUserOut,
    RoleOut,
    UserOut,
)
from fundhouse.platform import audit
from fundhouse.platform.access import (
    EXTERNAL_ROLES,
    ROLE_NAMES,
    Actor,
    all_permissions,
    permissions_for,
    require,
    role_permissions,
)
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import (
    Conflict,
    Forbidden,
    Invalid,
    Locked,
    NotFound,
    Unauthorized,
)
from fundhouse.platform.jobs import JobContext, JobError
from fundhouse.platform.pagination import Page, paginate, parse_sort
from fundhouse.platform.parties import PartyKind, party_kind_for
from fundhouse.settings import get_settings

BAD_CREDENTIALS = "Incorrect email or password."
API_KEY_USE_RECORD_SECONDS = 60
ACCEPT_INVITATION_PATH = "/accept-invitation"
_SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


class MfaRequired(Unauthorized):
    title = "Multi-factor code required"
    slug = "mfa-required"


class InvalidMfaCode(Unauthorized):
    title = "Invalid multi-factor code"
    slug = "invalid-mfa-code"


@dataclass(frozen=True)
class ClientInfo:
    """Where a request comes from, for sessions and audit records."""

    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class IssuedSession:
    """What a successful sign-in hands out: for the API as a token pair, for a browser as
    cookies (with ``csrf_token`` for the double-submit cookie)."""

    access_token: str
    refresh_token: str
    expires_in: int
    csrf_token: str
    user: User
    membership: Membership
    me: MeOut | None = None


@dataclass(frozen=True)
class MfaChallenge:
    """The password was right; the second factor is still due, with this token."""

    mfa_token: str


@dataclass(frozen=True)
class MfaEnrollment:
    secret: str
    otpauth_uri: str


@dataclass(frozen=True)
class CreatedApiKey:
    api_key: ApiKey
    key: str


@dataclass(frozen=True)
class CreatedInvitation:
    invitation: Invitation
    token: str
    accept_path: str
    party_kind: str | None = None
    party_name: str | None = None


@dataclass(frozen=True)
class AuthenticatedMember:
    """The user and membership behind a valid credential."""

    user: User
    membership: Membership
    api_key: ApiKey | None = None


# Helpers ------------------------------------------------------------------------------------


def normalize_email(email: str, *, field: str = "email") -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(str(exc), field=field) from exc


def _context(
    client: ClientInfo,
    *,
    org_id: uuid.UUID | None = None,
    user: User | None = None,
    label: str | None = None,
    via: str | None = None,
) -> audit.Context:
    return audit.Context(
        org_id=org_id,
        user_id=user.id if user else None,
        label=label or (user.email if user else None),
        request_id=client.request_id,
        ip=client.ip,
        via=via,
    )


def _system_context(org_id: uuid.UUID | None) -> audit.Context:
    return audit.Context(org_id=org_id, label="system", via="system")


def _require_interactive(
    actor: Actor, refusal: str = "An API key cannot change sign-in credentials or sessions."
) -> None:
    """The account itself (profile, password, MFA, sessions) is changed by its owner, never
    by a key: a key is scoped to the organization's data, and no scope reaches its owner."""
    if actor.via == "api_key":
        raise Forbidden(refusal)


def _active_memberships(db: Session, user_id: uuid.UUID) -> list[Membership]:
    """The user's active memberships with their organizations, oldest first."""
    stmt = (
        select(Membership)
        .join(Membership.organization)
        .options(contains_eager(Membership.organization))
        .where(Membership.user_id == user_id, Membership.is_active.is_(True))
        .order_by(Membership.created_at, Membership.id)
    )
    return list(db.scalars(stmt).all())


def _member(db: Session, user_id: uuid.UUID, org_id: uuid.UUID) -> tuple[User, Membership] | None:
    row = db.execute(
        select(User, Membership)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.org_id == org_id)
    ).first()
    return (row[0], row[1]) if row else None


def _home_org_id(db: Session, user_id: uuid.UUID) -> uuid.UUID | None:
    """The organization whose audit trail shows a user's sign-in failures: the oldest
    membership's."""
    return db.scalar(
        select(Membership.org_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.created_at, Membership.id)
        .limit(1)
    )


def _revoke_refresh_tokens(db: Session, *conditions: Any) -> int:
    result = cast(
        CursorResult[Any],
        db.execute(
            update(RefreshToken)
            .where(RefreshToken.revoked_at.is_(None), *conditions)
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount


def describe_member(
    db: Session, user: User, membership: Membership, permissions: Iterable[str]
) -> MeOut:
    """The ``/me`` shape: who, in which organization, with which rights, and where else."""
    memberships = _active_memberships(db, user.id)
    current = next((m for m in memberships if m.org_id == membership.org_id), None)
    if current is None:
        raise Unauthorized("This membership is no longer active.")
    return MeOut(
        user=UserOut.model_validate(user),
        organization=OrganizationOut.model_validate(current.organization),
        role=membership.role,
        permissions=sorted(permissions),
        memberships=[
            MembershipOut(org_id=m.org_id, org_name=m.organization.name, role=m.role)
            for m in sorted(memberships, key=lambda m: m.organization.name.lower())
        ],
    )


# Organizations and users for the command line and the demo ---------------------------------


def get_organization_by_slug(db: Session, slug: str) -> Organization | None:
    return db.scalar(select(Organization).where(Organization.slug == slug))


def create_organization(
    db: Session, name: str, slug: str, base_currency: str = "USD"
) -> Organization:
    """A new tenant (system context: the command line, the demo)."""
    name = " ".join(name.split())
    if not name or len(name) > 200:
        raise Invalid("The name must have 1 to 200 characters.", field="name")
    if not _SLUG_RE.match(slug):
        raise Invalid(
            "The slug must be 1 to 80 lowercase letters, digits or inner hyphens.", field="slug"
        )
    if not _CURRENCY_RE.match(base_currency):
        raise Invalid("The base currency must be an ISO 4217 code.", field="base_currency")
    if get_organization_by_slug(db, slug) is not None:
        raise Conflict(f"An organization with the slug '{slug}' exists already.")
    org = Organization(name=name, slug=slug, base_currency=base_currency)
    db.add(org)
    db.flush()
    audit.record(db, _system_context(org.id), "organization.created", org)
    return org


def get_or_create_organization(
    db: Session, slug: str, name: str, base_currency: str = "USD"
) -> Organization:
    return get_organization_by_slug(db, slug) or create_organization(db, name, slug, base_currency)


def find_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(
    db: Session, org: Organization, email: str, full_name: str, password: str, role: str
) -> User:
    """A new user with a membership in ``org`` (system context: the command line, the demo)."""
    email = normalize_email(email)
    full_name = " ".join(full_name.split())
    if not full_name or len(full_name) > 200:
        raise Invalid("The name must have 1 to 200 characters.", field="full_name")
    if role not in ROLE_NAMES:
        raise Invalid(f"Unknown role; choose one of {', '.join(ROLE_NAMES)}.", field="role")
    security.check_password_policy(password, email)
    if find_user_by_email(db, email) is not None:
        raise Conflict(f"A user with the email {email} exists already.")
    user = User(email=email, full_name=full_name, password_hash=security.hash_password(password))
    db.add(user)
    db.flush()
    membership = Membership(org_id=org.id, user_id=user.id, role=role)
    db.add(membership)
    db.flush()
    ctx = _system_context(org.id)
    audit.record(db, ctx, "user.created", user)
    audit.record(db, ctx, "membership.created", membership)
    return user


# Signing in ---------------------------------------------------------------------------------


def _record_failure(
    db: Session, client: ClientInfo, user: User, reason: str, error: Unauthorized
) -> NoReturn:
    """Count a failed attempt, lock the account at the limit, and refuse."""
    settings = get_settings()
    org_id = _home_org_id(db, user.id)
    # Incremented in SQL, so failures arriving together are all counted.
    user.failed_logins = User.failed_logins + 1  # type: ignore[assignment]
    db.flush()
    attempts = user.failed_logins
    locked = attempts >= settings.max_failed_logins
    locked_until = utcnow() + timedelta(minutes=settings.lockout_minutes)
    if locked:
        user.locked_until = locked_until
        user.failed_logins = 0
    ctx = _context(client, org_id=org_id, user=user, via="password")
    audit.record(
        db,
        ctx,
        "auth.login_failed",
        entity_type="users",
        entity_id=user.id,
        after={"reason": reason, "consecutive_failures": attempts},
    )
    if locked:
        audit.record(
            db,
            ctx,
            "auth.locked_out",
            entity_type="users",
            entity_id=user.id,
            after={"locked_until": locked_until},
        )
        raise _locked_error(locked_until)
    error.keep_changes = True
    raise error


def _locked_error(until: datetime) -> Locked:
    seconds = max(1, int((until - utcnow()).total_seconds()))
    return Locked(
        "Too many failed sign-ins: this account is locked until "
        f"{until.isoformat(timespec='seconds')}.",
        headers={"Retry-After": str(seconds)},
        keep_changes=True,
    )


def _check_password(db: Session, client: ClientInfo, email: str, password: str) -> User:
    """The user whose email and password these are, or a refusal that says nothing about
    which of the two was wrong."""
    try:
        email = normalize_email(email, field="username")
    except Invalid:
        email = email.strip().lower()[:320]
    user = find_user_by_email(db, email)
    if user is None:
        security.verify_password(None, password)
        audit.record(
            db,
            _context(client, label=email, via="password"),
            "auth.login_failed",
            entity_type="users",
            after={"reason": "unknown_email", "email": email},
        )
        raise Unauthorized(BAD_CREDENTIALS, keep_changes=True)
    if user.locked_until is not None and user.locked_until > utcnow():
        audit.record(
            db,
            _context(client, org_id=_home_org_id(db, user.id), user=user, via="password"),
            "auth.login_failed",
            entity_type="users",
            entity_id=user.id,
            after={"reason": "locked"},
        )
        raise _locked_error(user.locked_until)
    if not security.verify_password(user.password_hash, password):
        _record_failure(db, client, user, "bad_password", Unauthorized(BAD_CREDENTIALS))
    if user.password_hash and security.password_needs_rehash(user.password_hash):
        user.password_hash = security.hash_password(password)
    return user


def _signable_memberships(db: Session, client: ClientInfo, user: User) -> list[Membership]:
    memberships = _active_memberships(db, user.id) if user.is_active else []
    if not memberships:
        audit.record(
            db,
            _context(client, org_id=_home_org_id(db, user.id), user=user, via="password"),
            "auth.login_failed",
            entity_type="users",
            entity_id=user.id,
            after={"reason": "inactive"},
        )
        raise Unauthorized(BAD_CREDENTIALS, keep_changes=True)
    return memberships


def _check_second_factor(db: Session, user: User, code: str) -> str | None:
    """Spend a TOTP code or a recovery code of ``user``; the kind spent, or None if neither
    matched. Both are spent with a conditional UPDATE so two requests cannot use one code."""
    if not user.mfa_enabled or not user.mfa_secret:
        return None
    code = code.strip().replace(" ", "")
    step = security.match_totp(user.mfa_secret, code, user.mfa_last_used_step)
    if step is not None:
        spent = cast(
            CursorResult[Any],
            db.execute(
                update(User)
                .where(
                    User.id == user.id,
                    or_(User.mfa_last_used_step.is_(None), User.mfa_last_used_step < step),
                )
                .values(mfa_last_used_step=step)
                .execution_options(synchronize_session=False)
            ),
        )
        if spent.rowcount != 1:
            return None
        set_committed_value(user, "mfa_last_used_step", step)
        return "totp"
    code_hash = security.hash_recovery_code(code)
    if code_hash is None:
        return None
    spent = cast(
        CursorResult[Any],
        db.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.user_id == user.id,
                RecoveryCode.code_hash == code_hash,
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=utcnow())
            .execution_options(synchronize_session=False)
        ),
    )
    return "recovery_code" if spent.rowcount == 1 else None


def _second_factor(db: Session, client: ClientInfo, user: User, code: str) -> str:
    method = _check_second_factor(db, user, code)
    if method is None:
        _record_failure(
            db,
            client,
            user,
            "invalid_mfa_code",
            InvalidMfaCode("The multi-factor code is not valid or was used already."),
        )
    if method == "recovery_code":
        audit.record(
            db,
            _context(client, org_id=_home_org_id(db, user.id), user=user, via="password"),
            "mfa.recovery_code_used",
            entity_type="users",
            entity_id=user.id,
        )
    return method


def _issue_session(
    db: Session,
    client: ClientInfo,
    user: User,
    membership: Membership,
    family_id: uuid.UUID | None = None,
) -> IssuedSession:
    """A new access token and the next refresh token of ``family_id`` (a new family if
    None)."""
    settings = get_settings()
    refresh, refresh_hash = security.new_opaque_token()
    family = family_id or uuid.uuid4()
    db.add(
        RefreshToken(
            org_id=membership.org_id,
            user_id=user.id,
            family_id=family,
            token_hash=refresh_hash,
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
            user_agent=(client.user_agent or "")[:300] or None,
            ip=client.ip,
        )
    )
    access, expires_in = security.issue_access_token(
        user_id=user.id,
        org_id=membership.org_id,
        role=membership.role,
        token_version=user.token_version,
        session_id=family,
    )
    return IssuedSession(
        access_token=access,
        refresh_token=refresh,
        expires_in=expires_in,
        csrf_token=security.new_csrf_token(),
        user=user,
        membership=membership,
    )


def _complete_login(
    db: Session, client: ClientInfo, user: User, memberships: list[Membership], method: str
) -> IssuedSession:
    membership = memberships[0]
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = utcnow()
    issued = _issue_session(db, client, user, membership)
    audit.record(
        db,
        _context(client, org_id=membership.org_id, user=user, via="password"),
        "auth.login",
        entity_type="users",
        entity_id=user.id,
        after={"method": method, "role": membership.role},
    )
    me = describe_member(db, user, membership, permissions_for(membership.role))
    return replace(issued, me=me)


def login_with_password(
    db: Session, client: ClientInfo, email: str, password: str, mfa_code: str | None = None
) -> IssuedSession:
    """The OAuth2 password grant: email, password and, when MFA is on, a code in one go."""
    user = _check_password(db, client, email, password)
    memberships = _signable_memberships(db, client, user)
    method = "password"
    if user.mfa_enabled:
        if not mfa_code:
            raise MfaRequired(
                "This account uses multi-factor authentication: send mfa_code as well.",
                keep_changes=True,
            )
        method = "password+" + _second_factor(db, client, user, mfa_code)
    return _complete_login(db, client, user, memberships, method)


def start_browser_login(
    db: Session, client: ClientInfo, email: str, password: str
) -> IssuedSession | MfaChallenge:
    """The browser's first step: a session, or a challenge when MFA is on."""
    user = _check_password(db, client, email, password)
    memberships = _signable_memberships(db, client, user)
    if user.mfa_enabled:
        return MfaChallenge(security.issue_mfa_token(user.id, user.token_version))
    return _complete_login(db, client, user, memberships, "password")


def complete_mfa_login(db: Session, client: ClientInfo, mfa_token: str, code: str) -> IssuedSession:
    """The browser's second step: the challenge token and a TOTP or recovery code."""
    user_id, version = security.decode_mfa_token(mfa_token)
    user = db.get(User, user_id)
    if user is None or user.token_version != version or not user.mfa_enabled:
        raise Unauthorized("The sign-in has expired; start again.")
    if user.locked_until is not None and user.locked_until > utcnow():
        raise _locked_error(user.locked_until)
    memberships = _signable_memberships(db, client, user)
    method = _second_factor(db, client, user, code)
    return _complete_login(db, client, user, memberships, "password+" + method)


def refresh_session(db: Session, client: ClientInfo, refresh_token: str) -> IssuedSession:
    """Spend a refresh token and issue its successor (RFC 6749 §6, with rotation).

    A token that was spent already is being replayed: someone else holds a copy, so its whole
    family is revoked and both holders must sign in again (OAuth 2.0 Security BCP §4.14.2).
    """
    token = db.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == security.hash_token(refresh_token))
    )
    if token is None:
        raise Unauthorized("The refresh token is not valid.")
    now = utcnow()
    spent = cast(
        CursorResult[Any],
        db.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == token.id,
                RefreshToken.used_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    if spent.rowcount != 1:
        if token.revoked_at is None or token.used_at is not None:
            user = db.get(User, token.user_id)
            revoked = _revoke_refresh_tokens(db, RefreshToken.family_id == token.family_id)
            audit.record(
                db,
                _context(client, org_id=token.org_id, user=user, via="refresh_token"),
                "auth.refresh_reuse",
                entity_type="users",
                entity_id=token.user_id,
                after={"family_id": token.family_id, "revoked": revoked},
            )
        raise Unauthorized("The refresh token was used already or revoked.", keep_changes=True)
    if token.expires_at <= now:
        raise Unauthorized("The refresh token has expired; sign in again.")
    member = _member(db, token.user_id, token.org_id)
    if member is None or not member[0].is_active or not member[1].is_active:
        raise Unauthorized("This account is no longer active.")
    user, membership = member
    return _issue_session(db, client, user, membership, family_id=token.family_id)


def logout(db: Session, client: ClientInfo, refresh_token: str | None) -> None:
    """End the session the refresh token belongs to (its whole family)."""
    if not refresh_token:
        return
    token = db.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == security.hash_token(refresh_token))
    )
    if token is None or token.revoked_at is not None:
        return
    user = db.get(User, token.user_id)
    _revoke_refresh_tokens(db, RefreshToken.family_id == token.family_id)
    audit.record(
        db,
        _context(client, org_id=token.org_id, user=user, via="refresh_token"),
        "auth.logout",
        entity_type="users",
        entity_id=token.user_id,
        after={"family_id": token.family_id},
    )


def logout_everywhere(db: Session, actor: Actor) -> None:
    """End every session of the actor: access tokens stop at once (their version is stale),
    refresh tokens are revoked."""
    _require_interactive(actor)
    user = db.get_one(User, actor.user_id)
    user.token_version += 1
    revoked = _revoke_refresh_tokens(db, RefreshToken.user_id == user.id)
    audit.record(
        db,
        actor,
        "auth.logout_all",
        entity_type="users",
        entity_id=user.id,
        after={"revoked_refresh_tokens": revoked, "token_version": user.token_version},
    )


def switch_organization(
    db: Session, actor: Actor, client: ClientInfo, org_id: uuid.UUID
) -> IssuedSession:
    """A session in another organization the actor is an active member of."""
    _require_interactive(actor)
    member = _member(db, actor.user_id, org_id)
    if member is None or not member[1].is_active or not member[0].is_active:
        raise NotFound("No such organization.")
    user, membership = member
    if actor.extra.get("session_id"):
        _revoke_refresh_tokens(db, RefreshToken.family_id == uuid.UUID(actor.extra["session_id"]))
    issued = _issue_session(db, client, user, membership)
    audit.record(
        db,
        _context(client, org_id=org_id, user=user, via=actor.via),
        "auth.org_switched",
        entity_type="users",
        entity_id=user.id,
        before={"org_id": actor.org_id},
        after={"org_id": org_id, "role": membership.role},
    )
    me = describe_member(db, user, membership, permissions_for(membership.role))
    return replace(issued, me=me)


# Authenticating requests ---------------------------------------------------------------------


def authenticate_access_token(db: Session, token: str) -> tuple[AuthenticatedMember, str | None]:
    """The member an access token speaks for, and its session id; refused when the token is
    invalid, expired, from before a logout-everywhere, or its user or membership is off."""
    claims = security.decode_access_token(token)
    member = _member(db, claims.user_id, claims.org_id)
    if member is None:
        raise Unauthorized("The token is not valid.")
    user, membership = member
    if user.token_version != claims.token_version:
        raise Unauthorized("This session has ended; sign in again.")
    if not user.is_active or not membership.is_active:
        raise Unauthorized("This account is no longer active.")
    return AuthenticatedMember(user, membership), (
        str(claims.session_id) if claims.session_id else None
    )


def authenticate_api_key(db: Session, client: ClientInfo, key: str) -> AuthenticatedMember:
    """The member an API key speaks for. Notes its use (time and an audit record) at most
    once a minute per key, so a busy integration does not flood the trail."""
    prefix = security.api_key_prefix(key)
    if prefix is None:
        raise Unauthorized("The API key is not valid.")
    key_hash = security.hash_token(key)
    candidates = db.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).all()
    api_key = next((k for k in candidates if security.same_secret(k.key_hash, key_hash)), None)
    now = utcnow()
    if api_key is None or api_key.revoked_at is not None:
        raise Unauthorized("The API key is not valid or was revoked.")
    if api_key.expires_at is not None and api_key.expires_at <= now:
        raise Unauthorized("The API key has expired.")
    member = _member(db, api_key.user_id, api_key.org_id)
    if member is None or not member[0].is_active or not member[1].is_active:
        raise Unauthorized("The API key's owner is no longer active.")
    user, membership = member
    last = api_key.last_used_at
    if last is None or (now - last).total_seconds() >= API_KEY_USE_RECORD_SECONDS:
        api_key.last_used_at = now
        audit.record(
            db,
            _context(client, org_id=api_key.org_id, user=user, via="api_key"),
            "api_key.used",
            entity_type="api_keys",
            entity_id=api_key.id,
            after={"name": api_key.name, "prefix": api_key.prefix},
        )
    return AuthenticatedMember(user, membership, api_key)


def actor_for_job(ctx: JobContext) -> Actor:
    """Whom a background job acts as: the user who started it, in the job's organization,
    with the rights of their role now, cut down to the rights the job was started with (an
    API key's scopes). A user removed or deactivated meanwhile, or a key revoked or expired
    meanwhile, cannot have work done in their name."""
    member = None
    if ctx.org_id is not None and ctx.created_by is not None:
        member = _member(ctx.db, ctx.created_by, ctx.org_id)
    if member is None or not member[0].is_active or not member[1].is_active:
        raise JobError("The user who started this job is no longer a member of the organization.")
    user, membership = member
    permissions = ctx.allowed(permissions_for(membership.role))
    if ctx.api_key_id is not None:
        api_key = ctx.db.get(ApiKey, ctx.api_key_id)
        if (
            api_key is None
            or api_key.revoked_at is not None
            or (api_key.expires_at is not None and api_key.expires_at <= utcnow())
        ):
            raise JobError("The API key that started this job was revoked or has expired.")
        permissions &= frozenset(api_key.scopes)
    return Actor(
        user_id=user.id,
        org_id=membership.org_id,
        role=membership.role,
        permissions=permissions,
        via="job",
        api_key_id=ctx.api_key_id,
        email=user.email,
    )


# The current user ---------------------------------------------------------------------------


def get_me(db: Session, actor: Actor) -> MeOut:
    member = _member(db, actor.user_id, actor.org_id)
    if member is None:
        raise Unauthorized("This membership is no longer active.")
    return describe_member(db, member[0], member[1], actor.permissions)


def update_me(db: Session, actor: Actor, full_name: str) -> MeOut:
    _require_interactive(actor, "An API key cannot change its owner's profile.")
    user = db.get_one(User, actor.user_id)
    before = {"full_name": user.full_name}
    user.full_name = full_name
    audit.record(db, actor, "user.updated", user, before=before, after={"full_name": full_name})
    return get_me(db, actor)


def change_password(db: Session, actor: Actor, current_password: str, new_password: str) -> None:
    """Set a new password; every other session ends (this one can refresh and go on)."""
    _require_interactive(actor)
    user = db.get_one(User, actor.user_id)
    if not security.verify_password(user.password_hash, current_password):
        raise Invalid("The current password is not correct.", field="current_password")
    security.check_password_policy(new_password, user.email, field="new_password")
    if security.verify_password(user.password_hash, new_password):
        raise Invalid("The new password must differ from the current one.", field="new_password")
    user.password_hash = security.hash_password(new_password)
    user.token_version += 1
    keep = actor.extra.get("session_id")
    conditions: list[Any] = [RefreshToken.user_id == user.id]
    if keep:
        conditions.append(RefreshToken.family_id != uuid.UUID(keep))
    revoked = _revoke_refresh_tokens(db, *conditions)
    audit.record(
        db,
        actor,
        "user.password_changed",
        entity_type="users",
        entity_id=user.id,
        after={"revoked_refresh_tokens": revoked},
    )


# Multi-factor authentication ---------------------------------------------------------------


def _replace_recovery_codes(db: Session, user: User) -> list[str]:
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = security.new_recovery_codes()
    for code in codes:
        code_hash = security.hash_recovery_code(code)
        assert code_hash is not None
        db.add(RecoveryCode(user_id=user.id, code_hash=code_hash))
    db.flush()
    return codes


def enroll_mfa(db: Session, actor: Actor) -> MfaEnrollment:
    """A new TOTP secret, kept encrypted and not in force until a code from it is confirmed."""
    _require_interactive(actor)
    user = db.get_one(User, actor.user_id)
    if user.mfa_enabled:
        raise Conflict("Multi-factor authentication is on already; disable it first.")
    secret = security.new_totp_secret()
    user.mfa_secret = secret
    user.mfa_last_used_step = None
    audit.record(db, actor, "mfa.enrolled", entity_type="users", entity_id=user.id)
    return MfaEnrollment(secret=secret, otpauth_uri=security.totp_uri(secret, user.email))


def confirm_mfa(db: Session, actor: Actor, code: str) -> list[str]:
    """Turn MFA on with a first code from the authenticator; the recovery codes, shown once."""
    _require_interactive(actor)
    user = db.get_one(User, actor.user_id)
    if user.mfa_enabled:
        raise Conflict("Multi-factor authentication is on already.")
    if not user.mfa_secret:
        raise Conflict("Start the enrolment first.")
    step = security.match_totp(user.mfa_secret, code, user.mfa_last_used_step)
    if step is None:
        raise Invalid("The code is not valid.", field="code")
    user.mfa_last_used_step = step
    user.mfa_enabled = True
    codes = _replace_recovery_codes(db, user)
    audit.record(db, actor, "mfa.enabled", entity_type="users", entity_id=user.id)
    return codes


def disable_mfa(db: Session, actor: Actor, password: str, code: str) -> None:
    _require_interactive(actor)
    user = db.get_one(User, actor.user_id)
    if not user.mfa_enabled:
        raise Conflict("Multi-factor authentication is not on.")
    if not security.verify_password(user.password_hash, password):
        raise Invalid("The password is not correct.", field="password")
    if _check_second_factor(db, user, code) is None:
        raise Invalid("The code is not valid.", field="code")
    user.mfa_enabled = False
    user.mfa_secret = None
    user.mfa_last_used_step = None
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(db, actor, "mfa.disabled", entity_type="users", entity_id=user.id)


def regenerate_recovery_codes(db: Session, actor: Actor, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), against a current TOTP code."""
    _require_interactive(actor)
    user = db.get_one(User, actor.user_id)
    if not user.mfa_enabled or not user.mfa_secret:
        raise Conflict("Multi-factor authentication is not on.")
    step = security.match_totp(user.mfa_secret, code, user.mfa_last_used_step)
    if step is None:
        raise Invalid("The code is not valid.", field="code")
    user.mfa_last_used_step = step
    codes = _replace_recovery_codes(db, user)
    audit.record(
        db, actor, "mfa.recovery_codes_regenerated", entity_type="users", entity_id=user.id
    )
    return codes


# API keys -----------------------------------------------------------------------------------


def _api_keys_visible_to(actor: Actor) -> Select[ApiKey]:
    """An actor manages their own keys; a user manager sees every key of the organization."""
    stmt = select(ApiKey).where(ApiKey.org_id == actor.org_id)
    if not actor.can("user:manage"):
        stmt = stmt.where(ApiKey.user_id == actor.user_id)
    return stmt


def list_api_keys(
    db: Session, actor: Actor, *, limit: int = 50, cursor: str | None = None
) -> Page[ApiKeyOut]:
    require(actor, "api_key:manage")
    rows, next_cursor = paginate(
        db,
        _api_keys_visible_to(actor),
        sort_column=ApiKey.created_at,
        id_column=ApiKey.id,
        descending=True,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[ApiKeyOut.model_validate(k) for k in rows], next_cursor=next_cursor)


def create_api_key(
    db: Session,
    actor: Actor,
    name: str,
    scopes: list[str],
    expires_at: datetime | None = None,
) -> CreatedApiKey:
    """A key limited to ``scopes``; each must be a permission the creator holds, so a key never
    grants more than its creator has."""
    require(actor, "api_key:manage")
    unknown = sorted(set(scopes) - all_permissions())
    if unknown:
        raise Invalid(f"Unknown permissions: {', '.join(unknown)}.", field="scopes")
    not_held = sorted(set(scopes) - actor.permissions)
    if not_held:
        raise Forbidden(f"You cannot grant permissions you do not hold: {', '.join(not_held)}.")
    if expires_at is not None and expires_at <= utcnow():
        raise Invalid("The expiry must be in the future.", field="expires_at")
    issued = security.new_api_key()
    api_key = ApiKey(
        org_id=actor.org_id,
        user_id=actor.user_id,
        name=name,
        prefix=issued.prefix,
        key_hash=issued.key_hash,
        scopes=sorted(set(scopes)),
        expires_at=expires_at,
    )
    db.add(api_key)
    db.flush()
    audit.record(db, actor, "api_key.created", api_key)
    return CreatedApiKey(api_key=api_key, key=issued.key)


def revoke_api_key(db: Session, actor: Actor, key_id: uuid.UUID) -> None:
    require(actor, "api_key:manage")
    api_key = db.scalar(_api_keys_visible_to(actor).where(ApiKey.id == key_id))
    if api_key is None:
        raise NotFound("No such API key.")
    if api_key.revoked_at is not None:
        return
    api_key.revoked_at = utcnow()
    audit.record(
        db,
        actor,
        "api_key.revoked",
        api_key,
        before={"revoked_at": None},
        after={"revoked_at": api_key.revoked_at},
    )


# Members ------------------------------------------------------------------------------------


def _org_user(user: User, membership: Membership) -> OrgUserOut:
    return OrgUserOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        role=membership.role,
        is_active=user.is_active and membership.is_active,
        mfa_enabled=user.mfa_enabled,
        last_login_at=user.last_login_at,
        created_at=user.created_at,
    )


USER_SORTS = {"email": User.email, "full_name": User.full_name, "created_at": User.created_at}


def list_users(
    db: Session,
    actor: Actor,
    *,
    limit: int = 50,
    cursor: str | None = None,
    sort: str | None = None,
    q: str | None = None,
    role: str | None = None,
    is_active: bool | None = None,
) -> Page[OrgUserOut]:
    """The organization's members; ``q`` matches part of the email or name."""
    require(actor, "user:read")
    sort_column, descending = parse_sort(sort, USER_SORTS, "email")
    stmt = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == actor.org_id)
    )
    if q:
        needle = q.strip().lower()
        stmt = stmt.where(
            or_(
                func.lower(User.email).contains(needle, autoescape=True),
                func.lower(User.full_name).contains(needle, autoescape=True),
            )
        )
    if role is not None:
        if role not in ROLE_NAMES:
            raise Invalid(f"Unknown role; choose one of {', '.join(ROLE_NAMES)}.", field="role")
        stmt = stmt.where(Membership.role == role)
    if is_active is True:
        stmt = stmt.where(Membership.is_active.is_(True), User.is_active.is_(True))
    elif is_active is False:
        stmt = stmt.where(or_(Membership.is_active.is_(False), User.is_active.is_(False)))
    users, next_cursor = paginate(
        db,
        stmt,
        sort_column=sort_column,
        id_column=User.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
    )
    memberships = {
        m.user_id: m
        for m in db.scalars(
            select(Membership).where(
                Membership.org_id == actor.org_id,
                Membership.user_id.in_([u.id for u in users]),
            )
        )
    }
    return Page(items=[_org_user(u, memberships[u.id]) for u in users], next_cursor=next_cursor)


@dataclass(frozen=True)
class UserContact:
    """Who a user is to another domain: its id, email and name."""

    id: uuid.UUID
    email: str
    full_name: str


def find_active_member(db: Session, org_id: uuid.UUID, user_id: uuid.UUID) -> UserContact | None:
    """The user, if it has an active membership of the organization (how another domain
    checks a user it is asked to link to one of its records)."""
    row = db.execute(
        select(User.id, User.email, User.full_name)
        .join(Membership, Membership.user_id == User.id)
        .where(User.id == user_id, Membership.org_id == org_id, Membership.is_active)
    ).first()
    return UserContact(*row) if row else None


def user_contacts(db: Session, user_ids: Iterable[uuid.UUID]) -> list[UserContact]:
    """The users of ``user_ids``, by email, in one query: for another domain that keeps links
    to users (its ids already scoped to the actor's organization through its own rows)."""
    ids = list(user_ids)
    if not ids:
        return []
    rows = db.execute(
        select(User.id, User.email, User.full_name).where(User.id.in_(ids)).order_by(User.email)
    )
    return [UserContact(*row) for row in rows]


def _org_member(db: Session, actor: Actor, user_id: uuid.UUID) -> tuple[User, Membership]:
    member = _member(db, user_id, actor.org_id)
    if member is None:
        raise NotFound("No such user.")
    return member


def get_user(db: Session, actor: Actor, user_id: uuid.UUID) -> OrgUserOut:
    require(actor, "user:read")
    return _org_user(*_org_member(db, actor, user_id))


def _is_active_admin(user: User, membership: Membership) -> bool:
    return membership.role == "admin" and membership.is_active and user.is_active


def _other_active_admins(db: Session, org_id: uuid.UUID, user_id: uuid.UUID) -> int:
    # Serialize admin changes of one organization, so two admins cannot demote each other
    # at the same moment and leave nobody in charge (PostgreSQL; SQLite has one writer).
    db.execute(select(Organization.id).where(Organization.id == org_id).with_for_update())
    return (
        db.scalar(
            select(func.count())
            .select_from(Membership)
            .join(User, User.id == Membership.user_id)
            .where(
                Membership.org_id == org_id,
                Membership.user_id != user_id,
                Membership.role == "admin",
                Membership.is_active.is_(True),
                User.is_active.is_(True),
            )
        )
        or 0
    )


def _require_grantable(actor: Actor, role: str) -> None:
    """Nobody hands out a staff role with rights they do not hold themselves. The external
    roles are granted by whoever manages users: their rights reach only the party each such
    user is linked to, never the firm's own."""
    if role in EXTERNAL_ROLES:
        require(actor, "user:manage")
        return
    missing = permissions_for(role) - actor.permissions
    if missing:
        raise Forbidden(f"You cannot grant the role {role}: it holds rights you do not.")


def _checked_party(
    db: Session, actor: Actor, role: str, party_id: uuid.UUID | None
) -> tuple[PartyKind, uuid.UUID, str] | None:
    """The party an external user is to belong to, checked in the actor's organization; an
    external role needs one and a staff role takes none."""
    if role not in EXTERNAL_ROLES:
        if party_id is not None:
            raise Invalid(
                f"The role {role} belongs to no party; leave party_id out.", field="party_id"
            )
        return None
    kind = party_kind_for(role)
    if kind is None:
        raise Invalid(
            f"Users of the role {role} cannot be linked to their party yet.", field="role"
        )
    if party_id is None:
        raise Invalid(
            f"A {role.replace('_', ' ')} belongs to a party: name the {kind.kind} (party_id).",
            field="party_id",
        )
    name = kind.names(db, actor.org_id, [party_id]).get(party_id)
    if name is None:
        raise Invalid(f"No such {kind.kind} in this organization.", field="party_id")
    return kind, party_id, name


def _party_names(
    db: Session, org_id: uuid.UUID, invitations: Sequence[Invitation]
) -> dict[str, str]:
    """The names of the invitations' parties, one query per kind."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for invitation in invitations:
        party = invitation.details.get("party_id")
        if party:
            wanted.setdefault(invitation.role, []).append(uuid.UUID(party))
    names: dict[str, str] = {}
    for role, ids in wanted.items():
        kind = party_kind_for(role)
        if kind is not None:
            names.update({str(k): v for k, v in kind.names(db, org_id, ids).items()})
    return names


def update_member(
    db: Session,
    actor: Actor,
    user_id: uuid.UUID,
    *,
    role: str | None = None,
    is_active: bool | None = None,
    party_id: uuid.UUID | None = None,
) -> OrgUserOut:
    """Change a member's role or switch their membership off or on.

    A change to an external role names the party the member belongs to (``party_id``) and
    links them to it in the same step.

    Switching off ends their sessions at once. The last active admin of an organization can
    be neither demoted nor switched off, or nobody could manage it any more.
    """
    require(actor, "user:manage")
    user, membership = _org_member(db, actor, user_id)
    if role is None and is_active is None:
        raise Invalid("Send role or is_active.", field="role")
    removes_admin = _is_active_admin(user, membership) and (
        (role is not None and role != "admin") or is_active is False
    )
    if removes_admin and _other_active_admins(db, actor.org_id, user.id) == 0:
        raise Conflict("This is the last active admin of the organization; appoint another first.")
    if party_id is not None and role is None:
        raise Invalid("A party is linked together with an external role: send role.", field="role")
    if role is not None and role != membership.role:
        _require_grantable(actor, role)
        _require_grantable(actor, membership.role)
        party = _checked_party(db, actor, role, party_id)
        if party is not None:
            party[0].link(db, actor, actor.org_id, user.id, party[1])
        before = {"role": membership.role}
        membership.role = role
        audit.record(
            db,
            actor,
            "user.role_changed",
            entity_type="users",
            entity_id=user.id,
            before=before,
            after={"role": role},
        )
    if is_active is not None and is_active != membership.is_active:
        membership.is_active = is_active
        if not is_active:
            user.token_version += 1
            _revoke_refresh_tokens(
                db, RefreshToken.user_id == user.id, RefreshToken.org_id == actor.org_id
            )
        audit.record(
            db,
            actor,
            "user.activated" if is_active else "user.deactivated",
            entity_type="users",
            entity_id=user.id,
            before={"is_active": not is_active},
            after={"is_active": is_active},
        )
    db.flush()
    return _org_user(user, membership)


def reset_member_mfa(db: Session, actor: Actor, user_id: uuid.UUID) -> OrgUserOut:
    """Switch off the second factor of a member who lost both their device and their recovery
    codes, so they can sign in with their password and enroll again. Their sessions end.

    Only an administrator signed in themselves (not through an API key) may, for another
    member of their organization who belongs to no other organization: one organization's
    admin cannot weaken a sign-in that another organization relies on.
    """
    require(actor, "user:manage")
    _require_interactive(actor)
    user, membership = _org_member(db, actor, user_id)
    if user.id == actor.user_id:
        raise Conflict("Switch your own second factor off from your profile.")
    if not user.mfa_enabled:
        raise Conflict("This member has no second factor to reset.")
    elsewhere = db.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.user_id == user.id,
            Membership.org_id != actor.org_id,
            Membership.is_active.is_(True),
        )
    )
    if elsewhere:
        raise Conflict(
            "This member also belongs to another organization; their second factor can only "
            "be reset by themselves."
        )
    user.mfa_enabled = False
    user.mfa_secret = None
    user.mfa_last_used_step = None
    user.token_version += 1
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _revoke_refresh_tokens(db, RefreshToken.user_id == user.id)
    audit.record(db, actor, "mfa.reset_by_admin", entity_type="users", entity_id=user.id)
    db.flush()
    return _org_user(user, membership)


# Invitations --------------------------------------------------------------------------------


def _invitation_status(
    invitation: Invitation, now: datetime
) -> Literal["pending", "accepted", "expired"]:
    if invitation.accepted_at is not None:
        return "accepted"
    return "pending" if invitation.expires_at > now else "expired"


def describe_invitation(invitation: Invitation, party_names: dict[str, str]) -> InvitationOut:
    party = invitation.details.get("party_id")
    kind = party_kind_for(invitation.role) if party else None
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        full_name=invitation.details.get("full_name", ""),
        role=invitation.role,
        party_kind=kind.kind if kind else None,
        party_id=uuid.UUID(party) if party else None,
        party_name=party_names.get(party) if party else None,
        status=_invitation_status(invitation, utcnow()),
        invited_by=invitation.invited_by,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
    )


def invite_user(
    db: Session,
    actor: Actor,
    email: str,
    full_name: str,
    role: str,
    party_id: uuid.UUID | None = None,
) -> CreatedInvitation:
    """An invitation to join the organization; its token is shown once, to be sent on.

    An invitation for an external role names the party the user will belong to (the investor
    of a limited partner), and accepting it links the user to that party in the same step.
    Inviting the same email again replaces the pending invitation.
    """
    require(actor, "user:invite")
    _require_grantable(actor, role)
    party = _checked_party(db, actor, role, party_id)
    email = normalize_email(email)
    existing = db.scalar(
        select(Membership.id)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id == actor.org_id, User.email == email)
    )
    if existing is not None:
        raise Conflict(f"{email} is a member of this organization already.")
    now = utcnow()
    db.execute(
        update(Invitation)
        .where(
            Invitation.org_id == actor.org_id,
            Invitation.email == email,
            Invitation.accepted_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    token, token_hash = security.new_opaque_token()
    invitation = Invitation(
        org_id=actor.org_id,
        email=email,
        role=role,
        token_hash=token_hash,
        invited_by=actor.user_id,
        expires_at=now + timedelta(days=get_settings().invitation_days),
        details={"full_name": full_name}
        | ({"party_id": str(party[1])} if party is not None else {}),
    )
    db.add(invitation)
    db.flush()
    audit.record(db, actor, "user.invited", invitation)
    return CreatedInvitation(
        invitation=invitation,
        party_kind=party[0].kind if party is not None else None,
        party_name=party[2] if party is not None else None,
        token=token,
        accept_path=f"{ACCEPT_INVITATION_PATH}?token={token}",
    )


def list_invitations(
    db: Session,
    actor: Actor,
    *,
    limit: int = 50,
    cursor: str | None = None,
    party_id: uuid.UUID | None = None,
) -> Page[InvitationOut]:
    require(actor, "user:invite")
    query = select(Invitation).where(Invitation.org_id == actor.org_id)
    if party_id is not None:
        query = query.where(Invitation.details["party_id"].as_string() == str(party_id))
    rows, next_cursor = paginate(
        db,
        query,
        sort_column=Invitation.created_at,
        id_column=Invitation.id,
        descending=True,
        limit=limit,
        cursor=cursor,
    )
    names = _party_names(db, actor.org_id, rows)
    return Page(items=[describe_invitation(i, names) for i in rows], next_cursor=next_cursor)


def accept_invitation(
    db: Session, client: ClientInfo, token: str, full_name: str, password: str | None
) -> tuple[User, Membership]:
    """Join the organization: a new account, or a new membership for an existing one (whose
    password stays as it is)."""
    invitation = db.scalar(
        select(Invitation).where(Invitation.token_hash == security.hash_token(token))
    )
    now = utcnow()
    if invitation is None or invitation.accepted_at is not None or invitation.expires_at <= now:
        raise NotFound("This invitation is not valid or has expired.")
    user = find_user_by_email(db, invitation.email)
    created = user is None
    if user is None:
        if not password:
            raise Invalid("Choose a password for the new account.", field="password")
        security.check_password_policy(password, invitation.email)
        user = User(
            email=invitation.email,
            full_name=full_name,
            password_hash=security.hash_password(password),
        )
        db.add(user)
        db.flush()
    elif _member(db, user.id, invitation.org_id) is not None:
        raise Conflict("This account is a member of the organization already.")
    membership = Membership(org_id=invitation.org_id, user_id=user.id, role=invitation.role)
    db.add(membership)
    invitation.accepted_at = now
    db.flush()
    ctx = _context(client, org_id=invitation.org_id, user=user, via="invitation")
    if created:
        audit.record(db, ctx, "user.created", user)
    audit.record(db, ctx, "membership.created", membership)
    party = invitation.details.get("party_id")
    if party:
        kind = party_kind_for(invitation.role)
        if kind is None or not kind.names(db, invitation.org_id, [uuid.UUID(party)]):
            raise Conflict("The party this invitation was for is gone; ask for a new invitation.")
        kind.link(db, ctx, invitation.org_id, user.id, uuid.UUID(party))
    audit.record(
        db,
        ctx,
        "invitation.accepted",
        entity_type="invitations",
        entity_id=invitation.id,
        after={"email": invitation.email, "role": invitation.role},
    )
    return user, membership


# Roles --------------------------------------------------------------------------------------


def list_roles() -> list[RoleOut]:
    return [
        RoleOut(role=role, permissions=sorted(perms), external=role in EXTERNAL_ROLES)
        for role, perms in role_permissions().items()
    ]
