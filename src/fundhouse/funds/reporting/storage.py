"""Where the documents sent to LPs are kept: in their row when small, otherwise as files in
the data directory under ``documents/`` (the embedded document storage of DESIGN.md §6).

Statements and notices both keep the SHA-256 of what they store and check it on every read,
so what an LP is served is provably what was issued.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from fundhouse.platform.errors import NotFound
from fundhouse.settings import get_settings


@dataclass(frozen=True)
class Stored:
    """Where a file went: its bytes in the row (``content``) or a key in document storage."""

    content: bytes | None
    storage_key: str | None
    size_bytes: int
    sha256: str


def documents_root() -> Path:
    return get_settings().data_dir / "documents"


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def store_file(content: bytes, key: str, *, inline_limit: int) -> Stored:
    """Keep ``content``: in the row when it is at most ``inline_limit`` bytes, otherwise under
    ``key`` in document storage (written to a temporary name, then renamed, so a reader never
    sees half a file)."""
    digest = sha256_of(content)
    if len(content) <= inline_limit:
        return Stored(content, None, len(content), digest)
    path = documents_root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    partial.write_bytes(content)
    os.replace(partial, path)
    return Stored(None, key, len(content), digest)


def load_file(
    content: bytes | None, storage_key: str | None, sha256: str | None, what: str
) -> bytes:
    """The bytes kept by :func:`store_file`, checked against the checksum recorded when they
    were stored (a mismatch is tampering or corruption: an error, never served)."""
    if content is None:
        path = documents_root() / (storage_key or "")
        if not storage_key or not path.is_file():
            raise NotFound(f"The file of this {what} is missing from document storage.")
        content = path.read_bytes()
    if sha256_of(content) != sha256:
        raise RuntimeError(f"The file of this {what} does not match its checksum.")
    return content
