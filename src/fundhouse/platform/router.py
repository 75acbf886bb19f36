"""Liveness, readiness and metrics: the operator's endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from fundhouse.platform.access import public
from fundhouse.platform.deps import DbSession
from fundhouse.platform.errors import problem_responses

router = APIRouter(tags=["platform"], dependencies=[Depends(public)])


@router.get("/health", summary="Liveness: the process answers")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/ready", summary="Readiness: the database answers", responses=problem_responses(503))
def ready(db: DbSession) -> JSONResponse:
    try:
        db.execute(text("SELECT 1"))
    except Exception as exc:
        return JSONResponse(
            {"status": "unavailable", "detail": type(exc).__name__},
            status_code=503,
        )
    return JSONResponse({"status": "ok", "database": db.get_bind().dialect.name})
