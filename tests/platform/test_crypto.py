"""Per-field encryption at rest: round trips, one key per purpose, tamper detection, rotation."""

from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text

from fundhouse import settings as settings_module
from fundhouse.platform import crypto
from fundhouse.platform.crypto import (
    DecryptionError,
    EncryptedString,
    decrypt_str,
    derive_key,
    encrypt_str,
    rotate_str,
)
from fundhouse.settings import Settings

metadata = MetaData()
vault = Table(
    "encrypted_probe",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("tax_id", EncryptedString("tax_id")),
)


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Encrypt with the test run's secret key, never one generated into the working folder."""
    return settings


@pytest.fixture
def vault_table(connection):
    metadata.create_all(connection)
    yield vault


@hypothesis_settings(max_examples=50, deadline=None)
@given(st.text(max_size=300))
def test_any_text_round_trips(value):
    assert decrypt_str(encrypt_str(value, "tax_id"), "tax_id") == value


def test_the_same_value_encrypts_differently_each_time():
    assert encrypt_str("123-45-6789") != encrypt_str("123-45-6789")


def test_a_value_encrypted_for_one_purpose_does_not_open_with_another():
    token = encrypt_str("DE89 3704 0044 0532 0130 00", "bank_account")
    with pytest.raises(DecryptionError):
        decrypt_str(token, "tax_id")


def test_an_altered_value_is_refused():
    token = encrypt_str("123-45-6789")
    altered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(DecryptionError):
        decrypt_str(altered)
    with pytest.raises(DecryptionError):
        decrypt_str("not a token at all")


def test_derived_keys_differ_by_purpose_and_by_secret():
    keys = {
        derive_key("secret-one", "tax_id"),
        derive_key("secret-one", "bank_account"),
        derive_key("secret-two", "tax_id"),
    }
    assert len(keys) == 3
    assert derive_key("secret-one", "tax_id") == derive_key("secret-one", "tax_id")
    with pytest.raises(ValueError):
        derive_key("secret-one", "")


def test_values_survive_a_secret_key_rotation(monkeypatch, data_dir):
    old = Settings(data_dir=data_dir, secret_key="the-old-secret-key-0123456789-abcdefghij")
    rotated = Settings(
        data_dir=data_dir,
        secret_key="the-new-secret-key-0123456789-abcdefghij",
        previous_secret_keys=[old.secret_key],
    )
    new_only = Settings(data_dir=data_dir, secret_key=rotated.secret_key)
    monkeypatch.setattr(crypto, "get_settings", lambda: old)
    token = encrypt_str("123-45-6789", "tax_id")

    monkeypatch.setattr(crypto, "get_settings", lambda: rotated)
    assert decrypt_str(token, "tax_id") == "123-45-6789"
    fresh = rotate_str(token, "tax_id")

    monkeypatch.setattr(crypto, "get_settings", lambda: new_only)
    with pytest.raises(DecryptionError):
        decrypt_str(token, "tax_id")
    assert decrypt_str(fresh, "tax_id") == "123-45-6789"


def test_an_encrypted_column_stores_ciphertext_and_reads_plain_text(connection, vault_table):
    connection.execute(insert(vault_table).values(id=1, tax_id="123-45-6789"))
    connection.execute(insert(vault_table).values(id=2, tax_id=None))

    raw = connection.execute(text("SELECT tax_id FROM encrypted_probe WHERE id = 1")).scalar_one()
    read = connection.execute(select(vault_table.c.tax_id).order_by(vault_table.c.id)).scalars()

    assert "6789" not in raw
    assert decrypt_str(raw, "tax_id") == "123-45-6789"
    assert list(read) == ["123-45-6789", None]


def test_an_encrypted_column_refuses_non_text(connection, vault_table):
    with pytest.raises(Exception, match="stores text"):
        connection.execute(insert(vault_table).values(id=3, tax_id=123456789))


# The generated secret key ---------------------------------------------------------------------


@pytest.fixture
def permissive_umask():
    """A umask that would leave a new file readable by everyone, had its mode not been set."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_the_generated_secret_key_is_readable_by_its_owner_only_from_the_start(
    tmp_path, monkeypatch, permissive_umask
):
    key_file = tmp_path / "secret.key"
    mode_while_generating: list[int | None] = []
    generate = settings_module.secrets.token_urlsafe

    def token_urlsafe(nbytes: int) -> str:
        mode_while_generating.append(
            stat.S_IMODE(os.stat(key_file).st_mode) if key_file.exists() else None
        )
        return generate(nbytes)

    monkeypatch.setattr(settings_module.secrets, "token_urlsafe", token_urlsafe)

    key = Settings(data_dir=tmp_path, secret_key=None).resolved_secret_key

    assert mode_while_generating == [0o600], "the file exists, private, before the key is in it"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(key) >= 64
    assert key_file.read_text() == key


def test_an_existing_secret_key_is_kept(tmp_path):
    first = Settings(data_dir=tmp_path, secret_key=None).resolved_secret_key

    again = Settings(data_dir=tmp_path, secret_key=None).resolved_secret_key

    assert again == first
