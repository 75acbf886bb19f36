"""The credentials themselves: password hashes, signed tokens, TOTP, recovery codes, API keys.

Nothing here touches the database; :mod:`fundhouse.identity.service` decides who gets what.
Secrets that are stored are stored as hashes: argon2id for passwords (people choose them, so
they must be slow to guess), SHA-256 for random tokens (they carry 128 bits or more of
entropy, so a fast hash is as safe and lets them be looked up by an index).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import jwt
import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from fundhouse.platform.crypto import derive_key
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import Invalid, Unauthorized
from fundhouse.settings import get_settings

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024

ACCESS_TOKEN = "access"
MFA_TOKEN = "mfa"
MFA_TOKEN_MINUTES = 5
JWT_ALGORITHM = "HS256"

TOTP_INTERVAL = 30
TOTP_DIGITS = 6
TOTP_VALID_WINDOW = 1

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_GROUPS = 4
_RECOVERY_GROUP_LENGTH = 4

API_KEY_MARK = "fh_"


# Passwords ---------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def password_hasher() -> PasswordHasher:
    """argon2id with the cost set in the settings (``FUNDHOUSE_ARGON2_*``)."""
    s = get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_cost_kib, s.argon2_parallelism)


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return password_hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches. Without a stored hash (unknown email, account without a
    password) a throwaway hash is checked anyway, so both answers take as long."""
    hasher = password_hasher()
    try:
        return hasher.verify(stored_hash or _dummy_hash(hasher), password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other parameters than the current settings."""
    return password_hasher().check_needs_rehash(stored_hash)


def check_password_policy(password: str, email: str, *, field: str = "password") -> None:
    """At least 12 characters (NIST SP 800-63B §5.1.1.2 asks for 8 or more) and not the
    email address or its local part."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.", field=field
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise Invalid(
            f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.", field=field
        )
    lowered = password.strip().lower()
    email = email.strip().lower()
    if lowered in {email, email.split("@", 1)[0]}:
        raise Invalid("The password must not be the email address.", field=field)


# Signed tokens -----------------------------------------------------------------------------


def _signing_key() -> bytes:
    return _signing_key_for(get_settings().resolved_secret_key)


@lru_cache(maxsize=4)
def _signing_key_for(secret: str) -> bytes:
    return derive_key(secret, "jwt:hs256")


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    org_id: uuid.UUID
    role: str
    token_version: int
    session_id: uuid.UUID | None
    token_id: str
    expires_at: datetime


def issue_access_token(
    *,
    user_id: uuid.UUID,
    org_id: uuid.UUID,
    role: str,
    token_version: int,
    session_id: uuid.UUID | None,
    now: datetime | None = None,
) -> tuple[str, int]:
    """A signed access token (JWT, HS256) and its lifetime in seconds.

    ``sid`` names the refresh-token family the token came from, so a session can be ended
    from its access token.
    """
    now = now or utcnow()
    lifetime = get_settings().access_token_minutes * 60
    claims: dict[str, Any] = {
        "sub": str(user_id),
        "org": str(org_id),
        "role": role,
        "ver": token_version,
        "typ": ACCESS_TOKEN,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=lifetime)).timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    return jwt.encode(claims, _signing_key(), algorithm=JWT_ALGORITHM), lifetime


def issue_mfa_token(user_id: uuid.UUID, token_version: int, now: datetime | None = None) -> str:
    """Proof that the password was right, good for five minutes to present the second factor."""
    now = now or utcnow()
    claims = {
        "sub": str(user_id),
        "ver": token_version,
        "typ": MFA_TOKEN,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=MFA_TOKEN_MINUTES)).timestamp()),
        "jti": secrets.token_urlsafe(12),
    }
    return jwt.encode(claims, _signing_key(), algorithm=JWT_ALGORITHM)


def _decode(token: str, expected_type: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            _signing_key(),
            algorithms=[JWT_ALGORITHM],
            options={"require": ["sub", "typ", "iat", "exp", "jti", "ver"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The token has expired; sign in again.") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("The token is not valid.") from exc
    if claims.get("typ") != expected_type:
        raise Unauthorized("The token is not valid.")
    return claims


def decode_access_token(token: str) -> AccessClaims:
    claims = _decode(token, ACCESS_TOKEN)
    try:
        return AccessClaims(
            user_id=uuid.UUID(claims["sub"]),
            org_id=uuid.UUID(claims["org"]),
            role=str(claims["role"]),
            token_version=int(claims["ver"]),
            session_id=uuid.UUID(claims["sid"]) if claims.get("sid") else None,
            token_id=str(claims["jti"]),
            expires_at=datetime.fromtimestamp(claims["exp"], tz=UTC),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise Unauthorized("The token is not valid.") from exc


def decode_mfa_token(token: str) -> tuple[uuid.UUID, int]:
    """The user id and token version an MFA token was issued for."""
    claims = _decode(token, MFA_TOKEN)
    try:
        return uuid.UUID(claims["sub"]), int(claims["ver"])
    except (KeyError, ValueError, TypeError) as exc:
        raise Unauthorized("The token is not valid.") from exc


# Opaque tokens (refresh tokens, invitations, CSRF) -----------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_opaque_token() -> tuple[str, str]:
    """A random token (256 bits, URL-safe) and the hash under which it is stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_secret(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two secrets, false when either is missing."""
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


# TOTP (RFC 6238) ---------------------------------------------------------------------------


def new_totp_secret() -> str:
    """160 random bits in base32, the length RFC 4226 §4 recommends for HMAC-SHA1."""
    return pyotp.random_base32(32)


def totp_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from a QR code."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).provisioning_uri(
        name=email, issuer_name=get_settings().mfa_issuer
    )


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator shows at ``at`` (a Unix time; now by default)."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL).at(
        int(time.time() if at is None else at)
    )


def match_totp(
    secret: str, code: str, last_used_step: int | None, at: float | None = None
) -> int | None:
    """The time step ``code`` belongs to, or None when it is wrong or already used.

    Accepts the current 30-second step and one on either side (clock drift, RFC 6238 §5.2),
    but never a step at or before the last one accepted, so a code seen over a shoulder
    cannot be replayed.
    """
    code = code.strip()
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_INTERVAL)
    current = int((time.time() if at is None else at) // TOTP_INTERVAL)
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if last_used_step is not None and step <= last_used_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


# Recovery codes ----------------------------------------------------------------------------


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Codes like ``k7pq-2mxa-9hdt-vn4e``: 16 characters of an alphabet without look-alikes
    (about 79 bits each), grouped to be copied by hand."""
    return [
        "-".join(
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_LENGTH))
            for _ in range(_RECOVERY_GROUPS)
        )
        for _ in range(count)
    ]


def normalize_recovery_code(code: str) -> str | None:
    """The canonical form of a typed recovery code, or None when it cannot be one."""
    compact = "".join(ch for ch in code.lower() if ch not in "- ")
    if len(compact) != _RECOVERY_GROUPS * _RECOVERY_GROUP_LENGTH:
        return None
    if any(ch not in _RECOVERY_ALPHABET for ch in compact):
        return None
    return compact


def hash_recovery_code(code: str) -> str | None:
    normalized = normalize_recovery_code(code)
    return hash_token(normalized) if normalized else None


# API keys ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewApiKey:
    key: str
    prefix: str
    key_hash: str


def new_api_key() -> NewApiKey:
    """``fh_<prefix>_<secret>``: the prefix (12 hex characters) finds the row and is safe to
    show; the secret (256 bits) is known only to whoever was handed the key."""
    prefix = secrets.token_hex(6)
    key = f"{API_KEY_MARK}{prefix}_{secrets.token_urlsafe(32)}"
    return NewApiKey(key=key, prefix=prefix, key_hash=hash_token(key))


def is_api_key(value: str) -> bool:
    return value.startswith(API_KEY_MARK)


def api_key_prefix(key: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] + "_" != API_KEY_MARK or not parts[2]:
        return None
    prefix = parts[1]
    if len(prefix) != 12 or any(ch not in "0123456789abcdef" for ch in prefix):
        return None
    return prefix
