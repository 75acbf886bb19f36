"""Fund administration's jobs act for whoever started them, never with more: a statement batch
started through an API key runs with the key's scopes and stops when the key is revoked."""

from __future__ import annotations

import uuid

from fundhouse.identity.models import ApiKey
from fundhouse.platform.db import utcnow
from fundhouse.platform.jobs import run_job
from fundhouse.platform.jobs_models import Job, JobStatus
from tests.funds.reporting_helpers import build_history


def test_a_statement_batch_started_through_an_api_key_runs_with_its_scopes(desk, db):
    history = build_history(desk, db)
    key = desk.ok(
        desk.post("/api-keys", {"name": "Quarter end", "scopes": ["report:write", "job:read"]}),
        201,
    )
    headers = {"X-API-Key": key["key"]}
    started = desk.ok(
        desk.post(
            f"/funds/{history.fund_id}/statements/batch",
            {"period_end": "2024-06-30"},
            headers=headers,
        ),
        202,
    )
    job = db.get(Job, uuid.UUID(started["job_id"]))
    assert job.status == JobStatus.SUCCEEDED.value
    assert set(job.permissions) == {"report:write", "job:read"}

    db.get(ApiKey, uuid.UUID(key["id"])).revoked_at = utcnow()
    job.status = JobStatus.QUEUED.value
    db.commit()
    assert run_job(desk.client.app.state.db, job.id) == "failed"
    db.refresh(job)
    assert "revoked" in job.error
