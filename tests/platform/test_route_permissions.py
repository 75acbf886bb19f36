"""Every route states who may call it: a permission, "authenticated", or "public"."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, FastAPI, routing
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

from fundhouse.platform.access import permission_rules_of, public
from fundhouse.platform.deps import CurrentActor, requires

FRAMEWORK_PAGES = {"/api/openapi.json", "/api/docs", "/docs/oauth2-redirect"}


def _routes(app: FastAPI) -> list[Any]:
    """Every route as served, with the dependencies its routers added (FastAPI versions that
    keep included routers lazy expose them through ``iter_route_contexts``)."""
    iter_contexts = getattr(routing, "iter_route_contexts", None)
    return list(iter_contexts(app.routes)) if iter_contexts else list(app.routes)


def routes_without_a_rule(app: FastAPI) -> list[str]:
    """The routes that would answer without any permission rule in their dependencies."""
    missing = []
    for route in _routes(app):
        original = getattr(route, "original_route", route)
        if isinstance(original, APIRoute):
            if not permission_rules_of(route.dependant):
                missing.append(f"{sorted(route.methods)} {route.path}")
        elif isinstance(original, Mount) or (
            isinstance(original, Route) and route.path in FRAMEWORK_PAGES
        ):
            continue
        else:
            missing.append(f"{type(original).__name__} {route.path}")
    return missing


def test_every_route_of_the_app_declares_its_permission_rule(base_app):
    assert routes_without_a_rule(base_app) == []


def test_the_route_walk_sees_the_api_and_the_web_app(base_app):
    paths = {route.path for route in _routes(base_app)}
    assert {"/api/v1/users", "/api/v1/auth/token", "/api/v1/audit", "/{path:path}"} <= paths


def test_a_route_without_a_rule_is_reported():
    app = FastAPI()
    router = APIRouter()

    @router.get("/open")
    def forgotten() -> dict[str, str]:
        return {}

    @router.get("/guarded")
    def guarded(actor: CurrentActor) -> dict[str, str]:
        return {}

    @router.get("/perm", dependencies=[requires("user:read")])
    def permitted() -> dict[str, str]:
        return {}

    @router.get("/public", dependencies=[Depends(public)])
    def anyone() -> dict[str, str]:
        return {}

    app.include_router(router, prefix="/api/v1")

    assert [m for m in routes_without_a_rule(app) if "/api/v1/" in m] == ["['GET'] /api/v1/open"]
