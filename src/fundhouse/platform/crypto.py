"""Encryption of personal data at rest, one field at a time (DESIGN.md §5).

Each purpose ("mfa", "tax_id", "bank_account", ...) gets its own Fernet key, derived from the
application's secret key with HKDF-SHA256 and the purpose as label, so a key recovered for one
kind of field opens no other and the secret key itself never touches a cipher. Fernet is
authenticated encryption (AES-128-CBC with HMAC-SHA256, RFC 2104) with a random IV: the same
value encrypts differently every time, so encrypted columns cannot be searched or indexed.

Rotating the secret key: set the new one and list the old ones in
``FUNDHOUSE_PREVIOUS_SECRET_KEYS``; values still decrypt with the old keys, and
:func:`rotate_str` re-encrypts one under the new key.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Dialect, Text
from sqlalchemy.types import TypeDecorator

from fundhouse.settings import get_settings

DEFAULT_PURPOSE = "field"
_SALT = b"fundhouse/v1"


class DecryptionError(Exception):
    """The stored value was not encrypted by any of the known keys for its purpose, or was
    altered."""


def derive_key(secret: str, purpose: str, length: int = 32) -> bytes:
    """A key for one purpose, derived from ``secret`` with HKDF-SHA256 (RFC 5869)."""
    if not purpose:
        raise ValueError("a derived key needs a purpose")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=_SALT, info=purpose.encode())
    return hkdf.derive(secret.encode())


@lru_cache(maxsize=64)
def _cipher(secrets_in_order: tuple[str, ...], purpose: str) -> MultiFernet:
    fernets = [
        Fernet(base64.urlsafe_b64encode(derive_key(secret, "fernet:" + purpose)))
        for secret in secrets_in_order
    ]
    return MultiFernet(fernets)


def cipher_for(purpose: str = DEFAULT_PURPOSE) -> MultiFernet:
    """The cipher of ``purpose``: encrypts with the current key, decrypts with any known one."""
    settings = get_settings()
    secrets_in_order = (settings.resolved_secret_key, *settings.previous_secret_keys)
    return _cipher(secrets_in_order, purpose)


def encrypt_str(value: str, purpose: str = DEFAULT_PURPOSE) -> str:
    return cipher_for(purpose).encrypt(value.encode()).decode("ascii")


def decrypt_str(token: str, purpose: str = DEFAULT_PURPOSE) -> str:
    try:
        return cipher_for(purpose).decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(f"cannot decrypt a value encrypted for '{purpose}'") from exc


def rotate_str(token: str, purpose: str = DEFAULT_PURPOSE) -> str:
    """The same value, re-encrypted under the current key (after a secret key rotation)."""
    try:
        return cipher_for(purpose).rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError(f"cannot decrypt a value encrypted for '{purpose}'") from exc


class EncryptedString(TypeDecorator[str]):
    """A text column whose values are encrypted before they reach the database.

    Use it for personal data that must be protected at rest (tax ids, bank details, MFA
    secrets): ``tax_id: Mapped[str | None] = mapped_column(EncryptedString("tax_id"))``. The
    Python side sees plain text; the table holds Fernet tokens. Filtering or sorting on such a
    column cannot work: keep a separate, non-sensitive column (a last-four, a hash) for that.
    """

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str = DEFAULT_PURPOSE) -> None:
        super().__init__()
        self.purpose = purpose

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise TypeError("an encrypted column stores text")
        return encrypt_str(value, self.purpose)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return decrypt_str(value, self.purpose)
