"""Roles, permissions and the acting user.

Permissions are ``resource:action`` strings granted through roles (DESIGN.md §5). A request
always acts as one user in one organization: the :class:`Actor`. Services call
:func:`require` before they act and scope every query to ``actor.org_id``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fundhouse.platform.errors import Forbidden

READ_ONLY_INTERNAL = {
    "fund:read",
    "investor:read",
    "commitment:read",
    "capital_call:read",
    "distribution:read",
    "payment:read",
    "fee:read",
    "valuation:read",
    "ledger:read",
    "performance:read",
    "report:read",
    "job:read",
}

FUND_OPERATIONS = READ_ONLY_INTERNAL | {
    "fund:write",
    "investor:write",
    "commitment:write",
    "capital_call:write",
    "capital_call:approve",
    "distribution:write",
    "distribution:approve",
    "payment:write",
    "fee:write",
    "valuation:write",
    "report:write",
    "import:write",
}

ALL_PERMISSIONS: frozenset[str] = frozenset(
    FUND_OPERATIONS
    | {
        "ledger:write",
        "org:read",
        "org:manage",
        "user:read",
        "user:invite",
        "user:manage",
        "audit:read",
        "api_key:manage",
        "investor:read_sensitive",
        "lp_portal:read",
    }
)

ROLES: dict[str, frozenset[str]] = {
    "admin": ALL_PERMISSIONS - {"lp_portal:read"},
    "fund_manager": frozenset(FUND_OPERATIONS | {"org:read", "user:read", "api_key:manage"}),
    "accountant": frozenset(
        FUND_OPERATIONS
        | {"ledger:write", "org:read", "user:read", "api_key:manage", "investor:read_sensitive"}
    ),
    "compliance": frozenset(
        READ_ONLY_INTERNAL | {"org:read", "user:read", "audit:read", "investor:read_sensitive"}
    ),
    "advisor": frozenset({"org:read", "report:read", "job:read"}),
    "analyst": frozenset(READ_ONLY_INTERNAL | {"org:read"}),
    "viewer": frozenset({"org:read", "fund:read", "performance:read", "report:read"}),
    "limited_partner": frozenset({"lp_portal:read"}),
    "founder": frozenset(),
    "client": frozenset(),
}

EXTERNAL_ROLES = frozenset({"limited_partner", "founder", "client"})


# Where a request's database session keeps its Actor (set by ``platform.deps``), so work queued
# in that session (a job) is bound by the same rights.
REQUEST_ACTOR_INFO = "fundhouse.actor"


def permissions_for(role: str) -> frozenset[str]:
    return ROLES.get(role, frozenset())


@dataclass(frozen=True)
class Actor:
    """Who is acting, for which organization, with what rights, and how they authenticated."""

    user_id: uuid.UUID
    org_id: uuid.UUID
    role: str
    permissions: frozenset[str]
    via: str = "token"
    api_key_id: uuid.UUID | None = None
    request_id: str | None = None
    ip: str | None = None
    email: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_external(self) -> bool:
        return self.role in EXTERNAL_ROLES

    def can(self, permission: str) -> bool:
        return permission in self.permissions


def require(actor: Actor, *permissions: str) -> None:
    """Refuse unless the actor holds every one of ``permissions``."""
    missing = [p for p in permissions if p not in actor.permissions]
    if missing:
        raise Forbidden(f"This needs the permission {', '.join(missing)}.")


def require_any(actor: Actor, permissions: Iterable[str]) -> None:
    wanted = list(permissions)
    if not any(p in actor.permissions for p in wanted):
        raise Forbidden(f"This needs one of the permissions {', '.join(wanted)}.")


PERMISSION_RULE_ATTR = "permission_rule"


def mark_permission_rule(fn: Any, rule: str) -> Any:
    """Tag a FastAPI dependency with the permission rule it enforces (read by the route audit)."""
    setattr(fn, PERMISSION_RULE_ATTR, rule)
    return fn


def public() -> None:
    """Dependency for routes anyone may call (health, login): states the rule explicitly."""


mark_permission_rule(public, "public")


def permission_rules_of(dependant: Any) -> list[str]:
    """Every permission rule found in a route's dependency tree."""
    rules: list[str] = []
    stack = [dependant]
    while stack:
        dep = stack.pop()
        call = getattr(dep, "call", None)
        rule = getattr(call, PERMISSION_RULE_ATTR, None)
        if rule:
            rules.append(rule)
        stack.extend(getattr(dep, "dependencies", []))
    return rules
