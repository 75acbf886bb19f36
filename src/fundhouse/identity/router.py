"""HTTP for identity: sign-in and sessions, the current user, MFA, API keys, members, roles."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request, Response

from fundhouse.identity import service
from fundhouse.identity.deps import (
    REFRESH_COOKIE,
    check_csrf,
    clear_session_cookies,
    client_info,
    set_session_cookies,
)
from fundhouse.identity.schemas import (
    AcceptedInvitationOut,
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    InvitationAccept,
    InvitationCreate,
    InvitationCreated,
    InvitationOut,
    LoginIn,
    LoginMfaIn,
    LogoutIn,
    MemberUpdate,
    MeOut,
    MeUpdate,
    MfaCodeIn,
    MfaDisableIn,
    MfaEnrollment,
    OrgUserOut,
    PasswordChange,
    RecoveryCodesOut,
    RefreshIn,
    RoleOut,
    SessionRefreshed,
    SessionResponse,
    SwitchOrgIn,
    TokenResponse,
)
from fundhouse.identity.service import ClientInfo, IssuedSession
from fundhouse.platform.access import Actor, public
from fundhouse.platform.deps import AppSettings, CurrentActor, DbSession, requires
from fundhouse.platform.errors import Invalid, Unauthorized, problem_responses
from fundhouse.platform.http import Cursor, Limit
from fundhouse.platform.pagination import DEFAULT_LIMIT, Page


def _no_store(response: Response) -> None:
    """Answers here carry tokens and personal data: no cache may keep them (RFC 6749 §5.1)."""
    response.headers["Cache-Control"] = "no-store"


router = APIRouter(dependencies=[Depends(_no_store)])
Client = Annotated[ClientInfo, Depends(client_info)]
PUBLIC = [Depends(public)]
SIGN_IN_ERRORS = problem_responses(401, 422, 423, 429)


def _token_response(issued: IssuedSession) -> TokenResponse:
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
    )


def _hit_login_limit(request: Request, client: ClientInfo, email: str | None) -> None:
    request.app.state.rate_limiter.hit_login(client.ip, email)


# Tokens for integrations (OAuth2) -----------------------------------------------------------


@router.post(
    "/auth/token",
    tags=["auth"],
    summary="Sign in (OAuth2 password grant) or refresh (refresh_token grant)",
    response_model=TokenResponse,
    dependencies=PUBLIC,
    responses=SIGN_IN_ERRORS,
)
def token(
    request: Request,
    db: DbSession,
    client: Client,
    grant_type: Annotated[Literal["password", "refresh_token"], Form()] = "password",
    username: Annotated[str | None, Form(max_length=320)] = None,
    password: Annotated[str | None, Form(max_length=1024)] = None,
    mfa_code: Annotated[
        str | None, Form(max_length=64, description="TOTP or recovery code when MFA is on.")
    ] = None,
    refresh_token: Annotated[str | None, Form(max_length=200)] = None,
) -> TokenResponse:
    """RFC 6749 §4.3 and §6, with ``mfa_code`` as an extension field for accounts with MFA."""
    if grant_type == "refresh_token":
        if not refresh_token:
            raise Invalid("The refresh_token grant needs refresh_token.", field="refresh_token")
        return _token_response(service.refresh_session(db, client, refresh_token))
    if not username:
        raise Invalid("The password grant needs username (the email).", field="username")
    if not password:
        raise Invalid("The password grant needs password.", field="password")
    _hit_login_limit(request, client, username)
    return _token_response(
        service.login_with_password(db, client, username, password, mfa_code or None)
    )


@router.post(
    "/auth/refresh",
    tags=["auth"],
    summary="Exchange a refresh token for a new pair (the old one is spent)",
    response_model=TokenResponse,
    dependencies=PUBLIC,
    responses=problem_responses(401, 422),
)
def refresh(body: RefreshIn, db: DbSession, client: Client) -> TokenResponse:
    return _token_response(service.refresh_session(db, client, body.refresh_token))


# Browser sessions (cookies) -----------------------------------------------------------------


@router.post(
    "/auth/login",
    tags=["auth"],
    summary="Sign in the browser: session cookies, or an MFA challenge",
    response_model=SessionResponse,
    dependencies=PUBLIC,
    responses=SIGN_IN_ERRORS,
)
def login(
    body: LoginIn,
    request: Request,
    response: Response,
    db: DbSession,
    client: Client,
    settings: AppSettings,
) -> SessionResponse:
    _hit_login_limit(request, client, body.email)
    outcome = service.start_browser_login(db, client, body.email, body.password)
    if isinstance(outcome, service.MfaChallenge):
        return SessionResponse(status="mfa_required", mfa_token=outcome.mfa_token)
    set_session_cookies(response, outcome, settings)
    return SessionResponse(status="ok", me=outcome.me)


@router.post(
    "/auth/login/mfa",
    tags=["auth"],
    summary="Complete a browser sign-in with a TOTP or recovery code",
    response_model=SessionResponse,
    dependencies=PUBLIC,
    responses=SIGN_IN_ERRORS,
)
def login_mfa(
    body: LoginMfaIn,
    request: Request,
    response: Response,
    db: DbSession,
    client: Client,
    settings: AppSettings,
) -> SessionResponse:
    _hit_login_limit(request, client, None)
    issued = service.complete_mfa_login(db, client, body.mfa_token, body.code)
    set_session_cookies(response, issued, settings)
    return SessionResponse(status="ok", me=issued.me)


@router.post(
    "/auth/session/refresh",
    tags=["auth"],
    summary="Rotate the browser's session cookies",
    response_model=SessionRefreshed,
    dependencies=PUBLIC,
    responses=problem_responses(401, 403),
)
def refresh_browser_session(
    request: Request, response: Response, db: DbSession, client: Client, settings: AppSettings
) -> SessionRefreshed:
    refresh_token = request.cookies.get(REFRESH_COOKIE)
    if not refresh_token:
        raise Unauthorized("There is no session to refresh; sign in.")
    check_csrf(request)
    issued = service.refresh_session(db, client, refresh_token)
    set_session_cookies(response, issued, settings)
    return SessionRefreshed(expires_in=issued.expires_in)


@router.post(
    "/auth/logout",
    tags=["auth"],
    summary="End this session (the browser's cookies, or the refresh token sent)",
    status_code=204,
    dependencies=PUBLIC,
    responses=problem_responses(403, 422),
)
def logout(
    request: Request,
    response: Response,
    db: DbSession,
    client: Client,
    settings: AppSettings,
    body: LogoutIn | None = None,
) -> None:
    refresh_token = body.refresh_token if body else None
    if refresh_token is None and request.cookies.get(REFRESH_COOKIE):
        check_csrf(request)
        refresh_token = request.cookies[REFRESH_COOKIE]
    service.logout(db, client, refresh_token)
    clear_session_cookies(response, settings)


@router.post(
    "/auth/logout-all",
    tags=["auth"],
    summary="End every session of the current user, on every device",
    status_code=204,
    responses=problem_responses(401, 403),
)
def logout_all(
    response: Response, db: DbSession, actor: CurrentActor, settings: AppSettings
) -> None:
    service.logout_everywhere(db, actor)
    clear_session_cookies(response, settings)


@router.post(
    "/auth/switch-org",
    tags=["auth"],
    summary="Act in another organization the user belongs to",
    response_model=TokenResponse | SessionResponse,
    responses=problem_responses(401, 403, 404, 422),
)
def switch_org(
    body: SwitchOrgIn,
    response: Response,
    db: DbSession,
    actor: CurrentActor,
    client: Client,
    settings: AppSettings,
) -> TokenResponse | SessionResponse:
    """A token pair for API clients; new session cookies when signed in by cookie."""
    issued = service.switch_organization(db, actor, client, body.org_id)
    if actor.via == "cookie":
        set_session_cookies(response, issued, settings)
        return SessionResponse(status="ok", me=issued.me)
    return _token_response(issued)


@router.post(
    "/auth/invitations/accept",
    tags=["auth"],
    summary="Accept an invitation: a new account, or a new membership for an existing one",
    status_code=201,
    response_model=AcceptedInvitationOut,
    dependencies=PUBLIC,
    responses=problem_responses(404, 409, 422),
)
def accept_invitation(
    body: InvitationAccept, db: DbSession, client: Client
) -> AcceptedInvitationOut:
    user, membership = service.accept_invitation(
        db, client, body.token, body.full_name, body.password
    )
    return AcceptedInvitationOut(
        id=user.id,
        email=user.email,
        full_name=user.full_name,
        org_id=membership.org_id,
        role=membership.role,
    )


# The current user ---------------------------------------------------------------------------


@router.get("/me", tags=["me"], response_model=MeOut, responses=problem_responses(401))
def me(db: DbSession, actor: CurrentActor) -> MeOut:
    return service.get_me(db, actor)


@router.patch("/me", tags=["me"], response_model=MeOut, responses=problem_responses(401, 403, 422))
def update_me(body: MeUpdate, db: DbSession, actor: CurrentActor) -> MeOut:
    return service.update_me(db, actor, body.full_name)


@router.post(
    "/me/password",
    tags=["me"],
    summary="Change the password; other sessions end",
    status_code=204,
    responses=problem_responses(401, 403, 422),
)
def change_password(body: PasswordChange, db: DbSession, actor: CurrentActor) -> None:
    service.change_password(db, actor, body.current_password, body.new_password)


@router.post(
    "/me/mfa/enroll",
    tags=["me"],
    summary="Start MFA enrolment: a TOTP secret to add to an authenticator app",
    response_model=MfaEnrollment,
    responses=problem_responses(401, 403, 409),
)
def enroll_mfa(db: DbSession, actor: CurrentActor) -> MfaEnrollment:
    enrollment = service.enroll_mfa(db, actor)
    return MfaEnrollment(secret=enrollment.secret, otpauth_uri=enrollment.otpauth_uri)


@router.post(
    "/me/mfa/confirm",
    tags=["me"],
    summary="Turn MFA on with a first code; answers the recovery codes, shown once",
    response_model=RecoveryCodesOut,
    responses=problem_responses(401, 403, 409, 422),
)
def confirm_mfa(body: MfaCodeIn, db: DbSession, actor: CurrentActor) -> RecoveryCodesOut:
    return RecoveryCodesOut(recovery_codes=service.confirm_mfa(db, actor, body.code))


@router.post(
    "/me/mfa/disable",
    tags=["me"],
    summary="Turn MFA off (password and a current code)",
    status_code=204,
    responses=problem_responses(401, 403, 409, 422),
)
def disable_mfa(body: MfaDisableIn, db: DbSession, actor: CurrentActor) -> None:
    service.disable_mfa(db, actor, body.password, body.code)


@router.post(
    "/me/mfa/recovery-codes",
    tags=["me"],
    summary="Replace the recovery codes (a current TOTP code needed)",
    response_model=RecoveryCodesOut,
    responses=problem_responses(401, 403, 409, 422),
)
def regenerate_recovery_codes(
    body: MfaCodeIn, db: DbSession, actor: CurrentActor
) -> RecoveryCodesOut:
    return RecoveryCodesOut(recovery_codes=service.regenerate_recovery_codes(db, actor, body.code))


# API keys -----------------------------------------------------------------------------------

ManagesApiKeys = Annotated[Actor, requires("api_key:manage")]


@router.get(
    "/api-keys",
    tags=["api-keys"],
    response_model=Page[ApiKeyOut],
    responses=problem_responses(401, 403, 422),
)
def list_api_keys(
    db: DbSession, actor: ManagesApiKeys, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[ApiKeyOut]:
    return service.list_api_keys(db, actor, limit=limit, cursor=cursor)


@router.post(
    "/api-keys",
    tags=["api-keys"],
    status_code=201,
    response_model=ApiKeyCreated,
    responses=problem_responses(401, 403, 422),
)
def create_api_key(body: ApiKeyCreate, db: DbSession, actor: ManagesApiKeys) -> ApiKeyCreated:
    created = service.create_api_key(db, actor, body.name, body.scopes, body.expires_at)
    key = created.api_key
    return ApiKeyCreated(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=key.scopes,
        expires_at=key.expires_at,
        key=created.key,
    )


@router.delete(
    "/api-keys/{key_id}",
    tags=["api-keys"],
    status_code=204,
    responses=problem_responses(401, 403, 404),
)
def revoke_api_key(key_id: uuid.UUID, db: DbSession, actor: ManagesApiKeys) -> None:
    service.revoke_api_key(db, actor, key_id)


# Members and invitations --------------------------------------------------------------------


@router.get(
    "/users",
    tags=["users"],
    summary="Members of the organization",
    response_model=Page[OrgUserOut],
    responses=problem_responses(401, 403, 422),
)
def list_users(
    db: DbSession,
    actor: Annotated[Actor, requires("user:read")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    sort: Annotated[
        str | None, Query(description="email, full_name or created_at; '-' for descending")
    ] = None,
    q: Annotated[str | None, Query(max_length=200, description="Part of email or name")] = None,
    role: Annotated[str | None, Query(max_length=40)] = None,
    is_active: bool | None = None,
) -> Page[OrgUserOut]:
    return service.list_users(
        db,
        actor,
        limit=limit,
        cursor=cursor,
        sort=sort,
        q=q,
        role=role,
        is_active=is_active,
    )


@router.post(
    "/users/invitations",
    tags=["users"],
    summary="Invite someone to the organization (the token is shown once)",
    status_code=201,
    response_model=InvitationCreated,
    responses=problem_responses(401, 403, 409, 422),
)
def invite_user(
    body: InvitationCreate, db: DbSession, actor: Annotated[Actor, requires("user:invite")]
) -> InvitationCreated:
    created = service.invite_user(
        db, actor, body.email, body.full_name, body.role, party_id=body.party_id
    )
    invitation = created.invitation
    return InvitationCreated(
        id=invitation.id,
        email=invitation.email,
        role=invitation.role,
        party_kind=created.party_kind,
        party_id=body.party_id,
        party_name=created.party_name,
        expires_at=invitation.expires_at,
        token=created.token,
        accept_path=created.accept_path,
    )


@router.get(
    "/users/invitations",
    tags=["users"],
    response_model=Page[InvitationOut],
    responses=problem_responses(401, 403, 422),
)
def list_invitations(
    db: DbSession,
    actor: Annotated[Actor, requires("user:invite")],
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
    party_id: Annotated[
        uuid.UUID | None, Query(description="Only the invitations for this party")
    ] = None,
) -> Page[InvitationOut]:
    return service.list_invitations(db, actor, limit=limit, cursor=cursor, party_id=party_id)


@router.get(
    "/users/{user_id}",
    tags=["users"],
    response_model=OrgUserOut,
    responses=problem_responses(401, 403, 404),
)
def get_user(
    user_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("user:read")]
) -> OrgUserOut:
    return service.get_user(db, actor, user_id)


@router.patch(
    "/users/{user_id}",
    tags=["users"],
    summary="Change a member's role, or switch their membership off or on",
    response_model=OrgUserOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def update_user(
    user_id: uuid.UUID,
    body: MemberUpdate,
    db: DbSession,
    actor: Annotated[Actor, requires("user:manage")],
) -> OrgUserOut:
    return service.update_member(
        db, actor, user_id, role=body.role, is_active=body.is_active, party_id=body.party_id
    )


@router.post(
    "/users/{user_id}/mfa/reset",
    tags=["users"],
    summary="Reset a member's second factor (lost device and recovery codes)",
    response_model=OrgUserOut,
    responses=problem_responses(401, 403, 404, 409),
)
def reset_user_mfa(
    user_id: uuid.UUID,
    db: DbSession,
    actor: Annotated[Actor, requires("user:manage")],
) -> OrgUserOut:
    return service.reset_member_mfa(db, actor, user_id)


@router.get(
    "/roles", tags=["users"], response_model=list[RoleOut], responses=problem_responses(401)
)
def roles(actor: CurrentActor) -> list[RoleOut]:
    return service.list_roles()
