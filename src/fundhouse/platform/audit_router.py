"""Reading the audit trail, and checking that nobody altered it.

There is deliberately no route that updates or deletes a record: the trail is append-only.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from fundhouse.platform import audit
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from fundhouse.platform.schemas import IsoDateTime

router = APIRouter(tags=["audit"])
ReadsAudit = Annotated[Actor, requires("audit:read")]


class AuditRecordOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    occurred_at: datetime
    action: str
    entity_type: str | None
    entity_id: str | None
    actor_user_id: uuid.UUID | None
    actor_label: str | None
    via: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    ip: str | None


class ChainReportOut(BaseModel):
    ok: bool
    checked: int
    broken_seq: int | None
    reason: str | None


def _utc(value: datetime | None) -> datetime | None:
    """Query timestamps without an offset are read as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@router.get(
    "/audit",
    summary="The organization's audit trail, newest first",
    response_model=Page[AuditRecordOut],
    responses=problem_responses(401, 403, 422),
)
def list_audit_records(
    db: DbSession,
    actor: ReadsAudit,
    action: Annotated[str | None, Query(max_length=100)] = None,
    entity_type: Annotated[str | None, Query(max_length=60)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    actor_user_id: uuid.UUID | None = None,
    since: Annotated[IsoDateTime | None, Query(description="Inclusive; UTC if no offset")] = None,
    until: Annotated[IsoDateTime | None, Query(description="Exclusive; UTC if no offset")] = None,
    sort: Annotated[str | None, Query(description="seq or occurred_at; '-' descending")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> Page[AuditRecordOut]:
    rows, next_cursor = audit.list_records(
        db,
        actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        actor_user_id=actor_user_id,
        since=_utc(since),
        until=_utc(until),
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
    return Page(items=[AuditRecordOut.model_validate(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/audit/verify",
    summary="Check the hash chain of the whole trail; names the first broken record",
    response_model=ChainReportOut,
    responses=problem_responses(401, 403),
)
def verify_audit_chain(db: DbSession, actor: ReadsAudit) -> ChainReportOut:
    report = audit.verify_chain_for(db, actor)
    return ChainReportOut(
        ok=report.ok, checked=report.checked, broken_seq=report.broken_seq, reason=report.reason
    )
