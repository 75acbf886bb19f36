"""Background jobs of fund administration.

A job acts as the user who started it, with the rights that user holds in the organization
when the job runs (a user removed or demoted meanwhile cannot have work done in their name).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select

from fundhouse.funds.models import DocumentFormat
from fundhouse.funds.reporting import statements
from fundhouse.identity.models import Membership
from fundhouse.platform.access import Actor, permissions_for
from fundhouse.platform.errors import AppError
from fundhouse.platform.jobs import JobContext, JobError, job


def job_actor(ctx: JobContext) -> Actor:
    """The user who started the job, acting in the job's organization."""
    membership = None
    if ctx.org_id is not None and ctx.created_by is not None:
        membership = ctx.db.scalar(
            select(Membership).where(
                Membership.org_id == ctx.org_id,
                Membership.user_id == ctx.created_by,
                Membership.is_active,
            )
        )
    if membership is None:
        raise JobError("The user who started this job is no longer a member of the organization.")
    return Actor(
        user_id=membership.user_id,
        org_id=membership.org_id,
        role=membership.role,
        permissions=permissions_for(membership.role),
        via="job",
    )


@job(statements.BATCH_JOB)
def statements_batch(
    ctx: JobContext, fund_id: str, period_end: str, formats: list[str]
) -> dict[str, Any]:
    """Every LP's capital account statement of one quarter (see
    :func:`fundhouse.funds.statements.run_statement_batch`)."""
    try:
        return statements.run_statement_batch(
            ctx.db,
            job_actor(ctx),
            uuid.UUID(fund_id),
            date.fromisoformat(period_end),
            [DocumentFormat(f) for f in formats],
            job_id=ctx.job_id,
            progress=ctx.progress,
            commit=ctx.db.commit,
        )
    except AppError as exc:
        raise JobError(exc.detail or exc.title) from exc
