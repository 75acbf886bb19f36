"""The identity API's shapes: sign-in, sessions, the current user, members, keys, roles."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictBool,
    field_validator,
)

from fundhouse.platform.access import ROLE_NAMES
from fundhouse.platform.schemas import refuse_non_iso_date_time

Password = Field(min_length=1, max_length=1024)


class Input(BaseModel):
    """A request body: unknown fields are refused rather than silently ignored."""

    model_config = ConfigDict(extra="forbid")


def _known_role(role: str) -> str:
    if role not in ROLE_NAMES:
        raise ValueError(f"unknown role; choose one of {', '.join(ROLE_NAMES)}")
    return role


def _name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise ValueError("must not be blank")
    return value


# Tokens and sessions ------------------------------------------------------------------------


class TokenResponse(BaseModel):
    """RFC 6749 §5.1 access token response."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str


class RefreshIn(Input):
    refresh_token: str = Field(min_length=1, max_length=200)


class LoginIn(Input):
    email: EmailStr
    password: str = Password


class LoginMfaIn(Input):
    mfa_token: str = Field(min_length=1, max_length=2000)
    code: str = Field(min_length=1, max_length=64, description="A TOTP code or a recovery code.")


class LogoutIn(Input):
    refresh_token: str | None = Field(default=None, max_length=200)


class SwitchOrgIn(Input):
    org_id: uuid.UUID


# The current user ---------------------------------------------------------------------------


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    mfa_enabled: bool
    last_login_at: datetime | None


class OrganizationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    slug: str
    base_currency: str


class MembershipOut(BaseModel):
    org_id: uuid.UUID
    org_name: str
    role: str


class MeOut(BaseModel):
    user: UserOut
    organization: OrganizationOut
    role: str
    permissions: list[str]
    memberships: list[MembershipOut]


class SessionResponse(BaseModel):
    """A browser sign-in: the session is in cookies; ``mfa_token`` when a code is still due."""

    status: Literal["ok", "mfa_required"]
    me: MeOut | None = None
    mfa_token: str | None = None


class SessionRefreshed(BaseModel):
    status: Literal["ok"] = "ok"
    expires_in: int


class MeUpdate(Input):
    full_name: str = Field(min_length=1, max_length=200)

    _clean_name = field_validator("full_name")(_name)


class PasswordChange(Input):
    current_password: str = Password
    new_password: str = Password


# MFA ----------------------------------------------------------------------------------------


class MfaEnrollment(BaseModel):
    secret: str
    otpauth_uri: str


class MfaCodeIn(Input):
    code: str = Field(min_length=1, max_length=64)


class MfaDisableIn(Input):
    password: str = Password
    code: str = Field(min_length=1, max_length=64, description="A TOTP code or a recovery code.")


class RecoveryCodesOut(BaseModel):
    recovery_codes: list[str]


# API keys -----------------------------------------------------------------------------------


class ApiKeyCreate(Input):
    name: str = Field(min_length=1, max_length=120)
    scopes: list[str] = Field(min_length=1, max_length=100)
    expires_at: Annotated[AwareDatetime, BeforeValidator(refuse_non_iso_date_time)] | None = None

    _clean_name = field_validator("name")(_name)


class ApiKeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    user_id: uuid.UUID
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    expires_at: datetime | None
    key: str = Field(description="The key itself. It is shown this once and never again.")


# Members and invitations --------------------------------------------------------------------


class OrgUserOut(BaseModel):
    """A user as a member of the current organization."""

    id: uuid.UUID
    email: str
    full_name: str
    role: str
    is_active: bool
    mfa_enabled: bool
    last_login_at: datetime | None
    created_at: datetime


class MemberUpdate(Input):
    role: str | None = None
    is_active: StrictBool | None = None
    party_id: uuid.UUID | None = Field(
        default=None,
        description="With a change to an external role: the party the member belongs to.",
    )

    @field_validator("role")
    @classmethod
    def _role(cls, role: str | None) -> str | None:
        return None if role is None else _known_role(role)


class InvitationCreate(Input):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    role: str
    party_id: uuid.UUID | None = Field(
        default=None,
        description="For an external role (limited partner, founder, client): the party the "
        "user belongs to, e.g. the investor of a limited partner. Required for those roles, "
        "refused for the others.",
    )

    _clean_name = field_validator("full_name")(_name)
    _check_role = field_validator("role")(_known_role)


class InvitationCreated(BaseModel):
    id: uuid.UUID
    email: str
    role: str
    party_kind: str | None = None
    party_id: uuid.UUID | None = None
    party_name: str | None = None
    expires_at: datetime
    token: str = Field(description="Shown this once: send it to the invitee.")
    accept_path: str = Field(description="Where in the web app the invitee accepts.")


class InvitationOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    party_kind: str | None = None
    party_id: uuid.UUID | None = None
    party_name: str | None = None
    status: Literal["pending", "accepted", "expired"]
    invited_by: uuid.UUID
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None


class InvitationAccept(Input):
    token: str = Field(min_length=1, max_length=200)
    full_name: str = Field(min_length=1, max_length=200)
    password: str | None = Field(
        default=None,
        max_length=1024,
        description="Needed when the email has no account yet; ignored otherwise.",
    )

    _clean_name = field_validator("full_name")(_name)


class AcceptedInvitationOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    org_id: uuid.UUID
    role: str


class RoleOut(BaseModel):
    role: str
    permissions: list[str]
    external: bool
