"""The organization's background jobs, for the pages that wait on them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from fundhouse.platform import jobs
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.jobs_models import Job, JobStatus
from fundhouse.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page

router = APIRouter(tags=["jobs"])


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str
    status: JobStatus
    progress_done: int
    progress_total: int | None
    percent: float | None
    message: str | None
    result: Any | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def of(cls, row: Job) -> JobOut:
        return cls(
            id=row.id,
            kind=row.kind,
            status=JobStatus(row.status),
            progress_done=row.progress_done,
            progress_total=row.progress_total,
            percent=percent_done(row),
            message=row.message,
            result=row.result,
            error=row.error,
            created_at=row.created_at,
            started_at=row.started_at,
            finished_at=row.finished_at,
        )


def percent_done(row: Job) -> float | None:
    """100 once succeeded; otherwise done/total, or None while the total is unknown."""
    if row.status == JobStatus.SUCCEEDED.value:
        return 100.0
    if not row.progress_total:
        return None
    return round(min(max(row.progress_done / row.progress_total, 0.0), 1.0) * 100, 1)


@router.get(
    "/jobs",
    summary="The organization's jobs, newest first",
    responses=problem_responses(401, 403, 422),
)
def list_jobs(
    db: DbSession,
    actor: Annotated[Actor, requires("job:read")],
    kind: Annotated[str | None, Query(max_length=100)] = None,
    status: JobStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[JobOut]:
    rows, next_cursor = jobs.list_jobs(
        db, actor, kind=kind, status=status, limit=limit, cursor=cursor
    )
    return Page[JobOut](items=[JobOut.of(r) for r in rows], next_cursor=next_cursor)


@router.get(
    "/jobs/{job_id}",
    summary="One job: its status, progress and result",
    responses=problem_responses(401, 403, 404),
)
def get_job(
    job_id: uuid.UUID, db: DbSession, actor: Annotated[Actor, requires("job:read")]
) -> JobOut:
    return JobOut.of(jobs.get_job(db, actor, job_id))
