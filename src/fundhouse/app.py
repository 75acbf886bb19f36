"""The application factory: routers, middleware, error handlers and the built web app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from fundhouse import __version__
from fundhouse.platform import router as platform_router
from fundhouse.platform.access import public
from fundhouse.platform.db import Database
from fundhouse.platform.errors import NotFound, describe_problem_responses, install_error_handlers
from fundhouse.platform.observability import (
    RequestContextMiddleware,
    metrics_response,
    metrics_scraper,
)
from fundhouse.settings import Settings, get_settings, set_settings

API_PREFIX = "/api/v1"


def api_routers() -> list[APIRouter]:
    """Every domain's router, in the order they appear in the API document."""
    from fundhouse.funds.routes import fund_routers
    from fundhouse.identity.router import router as identity_router
    from fundhouse.ledger.router import router as ledger_router
    from fundhouse.platform.audit_router import router as audit_router
    from fundhouse.platform.jobs_router import router as jobs_router

    return [
        platform_router.router,
        identity_router,
        audit_router,
        jobs_router,
        ledger_router,
        *fund_routers(),
    ]


def _web_files(dist: Path) -> frozenset[str]:
    """The paths of the built web app's own files beside ``index.html`` (the icon, ...): like
    ``/assets``, they are not counted against the rate limit."""
    if not dist.is_dir():
        return frozenset()
    return frozenset(
        f"/{entry.name}" for entry in dist.iterdir() if entry.is_file() and entry.suffix != ".html"
    )


def _mount_web(app: FastAPI, dist: Path) -> None:
    assets = dist / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")

    @app.get("/{path:path}", include_in_schema=False, dependencies=[Depends(public)])
    def web_app(path: str) -> Response:
        if path.startswith(("api/", "metrics")):
            raise NotFound(f"No such endpoint: /{path}")
        candidate = (dist / path).resolve()
        if path and candidate.is_file() and dist.resolve() in candidate.parents:
            return FileResponse(candidate)
        index = dist / "index.html"
        if not index.is_file():
            return Response(
                "The web app is not built yet: run `make web`.",
                media_type="text/plain",
                status_code=503,
            )
        return FileResponse(index, headers={"Cache-Control": "no-cache"})


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the job runner with the server (not at import or when printing the API document)."""
    from fundhouse.platform.jobs import build_job_runner

    app.state.jobs = build_job_runner(app.state.settings, app.state.db)
    try:
        yield
    finally:
        app.state.jobs.shutdown()


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    if settings is None:
        settings = get_settings()
    else:
        set_settings(settings)
    app = FastAPI(
        title="Fundhouse API",
        version=__version__,
        description="Investment operations: funds, LPs, portfolios, wealth and compliance.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.db = database or Database(settings.resolved_database_url)

    install_error_handlers(app)
    from fundhouse.identity.deps import resolve_actor

    app.state.resolve_actor = resolve_actor
    from fundhouse.platform.ratelimit import RateLimitMiddleware, build_rate_limiter

    app.state.rate_limiter = build_rate_limiter(settings)
    app.add_middleware(RateLimitMiddleware, static_paths=_web_files(settings.resolved_web_dist))
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(RequestContextMiddleware, hsts=settings.secure_cookies)

    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)

    @app.get("/metrics", include_in_schema=False, dependencies=[Depends(metrics_scraper)])
    def metrics(request: Request) -> Response:
        return metrics_response()

    _declare_security(app)
    _mount_web(app, settings.resolved_web_dist)
    return app


def _declare_security(app: FastAPI) -> None:
    """Name the ways to authenticate in the API document, so its "Authorize" button works and
    generated clients know them: the OAuth2 password flow and API keys. Its error responses
    are completed there too (see :func:`describe_problem_responses`)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        describe_problem_responses(schema)
        schema.setdefault("components", {})["securitySchemes"] = {
            "OAuth2Password": {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": f"{API_PREFIX}/auth/token", "scopes": {}}},
            },
            "ApiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
        }
        schema["security"] = [{"OAuth2Password": []}, {"ApiKey": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
