"""The append-only, hash-chained audit trail.

Every create/update/delete of business data and every security event appends one record.
Each record carries the hash of the one before it, so editing or deleting a record behind the
application's back breaks the chain, and :func:`verify_chain` names the first broken link.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, func, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import Base, IdMixin, utcnow
from fundhouse.platform.pagination import DEFAULT_LIMIT, paginate, parse_sort

GENESIS_HASH = "0" * 64
SENSITIVE_SUFFIXES = ("_hash", "_encrypted", "password", "secret")
_sqlite_lock = threading.Lock()


class AuditRecord(IdMixin, Base):
    __tablename__ = "audit_records"
    # An organization's trail is read newest first: WHERE org_id = ? ORDER BY seq DESC.
    __table_args__ = (Index("ix_audit_records_org_id_seq", "org_id", "seq"),)

    seq: Mapped[int] = mapped_column(BigInteger, unique=True, index=True)
    org_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_label: Mapped[str | None] = mapped_column(String(320))
    via: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(100), index=True)
    entity_type: Mapped[str | None] = mapped_column(String(60), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(64))
    ip: Mapped[str | None] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [json_safe(v) for v in value]
    return value


def snapshot(obj: Any) -> dict[str, Any]:
    """The column values of an ORM object, JSON-safe, without secrets.

    Hashes, secrets and every column encrypted at rest are left out, whatever their name.
    """
    from fundhouse.platform.crypto import EncryptedString

    mapper = inspect(obj).mapper
    out: dict[str, Any] = {}
    for column in mapper.column_attrs:
        key = column.key
        if key.endswith(SENSITIVE_SUFFIXES):
            continue
        if any(isinstance(c.type, EncryptedString) for c in column.columns):
            continue
        out[key] = json_safe(getattr(obj, key))
    return out


def _canonical(record: AuditRecord) -> bytes:
    body = {
        "seq": record.seq,
        "org_id": str(record.org_id) if record.org_id else None,
        "actor_user_id": str(record.actor_user_id) if record.actor_user_id else None,
        "actor_label": record.actor_label,
        "via": record.via,
        "action": record.action,
        "entity_type": record.entity_type,
        "entity_id": record.entity_id,
        "before": record.before,
        "after": record.after,
        "request_id": record.request_id,
        "ip": record.ip,
        "occurred_at": record.occurred_at.isoformat(timespec="microseconds"),
        "prev_hash": record.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(record: AuditRecord) -> str:
    return hashlib.sha256(_canonical(record)).hexdigest()


@dataclass(frozen=True)
class Context:
    """Who did it, when there is no :class:`Actor` (a failed login, a system job)."""

    org_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    label: str | None = None
    request_id: str | None = None
    ip: str | None = None
    via: str | None = None


def _lock_chain(db: Session) -> None:
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(7411001, hashtext(current_schema()))"))


def record(
    db: Session,
    who: Actor | Context | None,
    action: str,
    entity: Any = None,
    *,
    entity_type: str | None = None,
    entity_id: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one audit record to the chain, in the caller's transaction."""
    if entity is not None:
        entity_type = entity_type or getattr(entity, "__tablename__", type(entity).__name__)
        entity_id = entity_id if entity_id is not None else getattr(entity, "id", None)
        if after is None:
            after = snapshot(entity)
    if isinstance(who, Actor):
        ctx = Context(who.org_id, who.user_id, who.email, who.request_id, who.ip, who.via)
    else:
        ctx = who or Context()
    db.flush()
    _lock_chain(db)
    with _sqlite_lock:
        last = db.execute(
            select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
        ).first()
        rec = AuditRecord(
            seq=(last.seq + 1) if last else 1,
            org_id=ctx.org_id,
            actor_user_id=ctx.user_id,
            actor_label=ctx.label,
            via=ctx.via,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id) if entity_id is not None else None,
            before=json_safe(before) if before is not None else None,
            after=json_safe(after) if after is not None else None,
            request_id=ctx.request_id,
            ip=ctx.ip,
            occurred_at=utcnow(),
            prev_hash=last.hash if last else GENESIS_HASH,
        )
        rec.hash = compute_hash(rec)
        db.add(rec)
        db.flush()
    return rec


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    reason: str | None = None


def _iter_chain(db: Session, batch: int = 5000) -> Iterator[AuditRecord]:
    after = 0
    while True:
        rows = db.scalars(
            select(AuditRecord)
            .where(AuditRecord.seq > after)
            .order_by(AuditRecord.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq
        db.expunge_all()


def verify_chain(db: Session) -> ChainReport:
    """Walk the chain in order; report the first record whose link or content was altered."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for rec in _iter_chain(db):
        if rec.seq != expected_seq:
            return ChainReport(False, checked, expected_seq, f"record {expected_seq} is missing")
        if rec.prev_hash != prev_hash:
            return ChainReport(False, checked, rec.seq, "link to the previous record is broken")
        if compute_hash(rec) != rec.hash:
            return ChainReport(False, checked, rec.seq, "record content does not match its hash")
        prev_hash = rec.hash
        expected_seq += 1
        checked += 1
    return ChainReport(True, checked)


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(AuditRecord)) or 0


AUDIT_SORTS = {"seq": AuditRecord.seq, "occurred_at": AuditRecord.occurred_at}


def list_records(
    db: Session,
    actor: Actor,
    *,
    action: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor_user_id: uuid.UUID | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sort: str | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[AuditRecord], str | None]:
    """One page of the actor's organization's records, newest first unless ``sort`` says
    otherwise; ``since`` is inclusive, ``until`` exclusive."""
    require(actor, "audit:read")
    sort_column, descending = parse_sort(sort, AUDIT_SORTS, "-seq")
    stmt = select(AuditRecord).where(AuditRecord.org_id == actor.org_id)
    if action:
        stmt = stmt.where(AuditRecord.action == action)
    if entity_type:
        stmt = stmt.where(AuditRecord.entity_type == entity_type)
    if entity_id:
        stmt = stmt.where(AuditRecord.entity_id == entity_id)
    if actor_user_id:
        stmt = stmt.where(AuditRecord.actor_user_id == actor_user_id)
    if since:
        stmt = stmt.where(AuditRecord.occurred_at >= since)
    if until:
        stmt = stmt.where(AuditRecord.occurred_at < until)
    return paginate(
        db,
        stmt,
        sort_column=sort_column,
        id_column=AuditRecord.id,
        descending=descending,
        limit=limit,
        cursor=cursor,
    )


def verify_chain_for(db: Session, actor: Actor) -> ChainReport:
    """:func:`verify_chain` on behalf of someone allowed to read the audit trail."""
    require(actor, "audit:read")
    return verify_chain(db)
