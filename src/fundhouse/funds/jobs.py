"""Background jobs of fund administration.

A job acts as the user who started it (``identity.service.actor_for_job``): with the rights
that user holds in the organization when the job runs, cut down to what the job was started
with (an API key's scopes), so a user removed or demoted meanwhile, or a revoked key, cannot
have work done in their name.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fundhouse.funds.models import DocumentFormat
from fundhouse.funds.reporting import statements
from fundhouse.identity.service import actor_for_job
from fundhouse.platform.errors import AppError
from fundhouse.platform.jobs import JobContext, JobError, job


@job(statements.BATCH_JOB)
def statements_batch(
    ctx: JobContext, fund_id: str, period_end: str, formats: list[str]
) -> dict[str, Any]:
    """Every LP's capital account statement of one quarter (see
    :func:`fundhouse.funds.statements.run_statement_batch`)."""
    try:
        return statements.run_statement_batch(
            ctx.db,
            actor_for_job(ctx),
            uuid.UUID(fund_id),
            date.fromisoformat(period_end),
            [DocumentFormat(f) for f in formats],
            job_id=ctx.job_id,
            progress=ctx.progress,
            commit=ctx.db.commit,
        )
    except AppError as exc:
        raise JobError(exc.detail or exc.title) from exc
