"""Roles, permissions and the acting user.

Permissions are ``resource:action`` strings granted through roles (DESIGN.md §5). Each domain
declares its own permissions and the roles that get them in its ``permissions`` module
(:func:`declare_permissions`); this module holds the mechanism, not the domains' names. A
request always acts as one user in one organization: the :class:`Actor`. Services call
:func:`require` before they act and scope every query to ``actor.org_id``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import pkgutil
import threading
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fundhouse.platform.errors import Forbidden

ROLE_NAMES = (
    "admin",
    "fund_manager",
    "accountant",
    "compliance",
    "advisor",
    "analyst",
    "viewer",
    "limited_partner",
    "founder",
    "client",
)
"""The roles of DESIGN.md §5. What each may do is what the domains grant it."""

EXTERNAL_ROLES = frozenset({"limited_partner", "founder", "client"})
"""Roles of people outside the firm; each such user belongs to one party (an LP, a company, a
client) and sees only what is that party's."""


@dataclass(frozen=True)
class DomainPermissions:
    """The permissions one domain declares and the roles it grants them to.

    A domain declares these in its ``permissions`` module, where they can be read whole beside
    the rules that check them; this module only keeps the table.
    """

    domain: str
    permissions: Mapping[str, str]
    """Each permission with what it allows, e.g. ``"fund:write": "create and change funds"``."""
    grants: Mapping[str, Iterable[str]]
    """Role name -> the permissions of this domain the role holds."""


_DECLARED: dict[str, DomainPermissions] = {}
_LOCK = threading.Lock()


def declare_permissions(declaration: DomainPermissions) -> DomainPermissions:
    """Record a domain's permissions; refuses unknown roles, grants of undeclared permissions
    and a permission declared by two domains."""
    for role, granted in declaration.grants.items():
        if role not in ROLE_NAMES:
            raise ValueError(f"{declaration.domain}: unknown role {role}")
        undeclared = set(granted) - set(declaration.permissions)
        if undeclared:
            raise ValueError(f"{declaration.domain}: {role} is granted undeclared {undeclared}")
    for other in _DECLARED.values():
        if other.domain != declaration.domain:
            shared = set(other.permissions) & set(declaration.permissions)
            if shared:
                raise ValueError(f"{sorted(shared)} declared by {other.domain} already")
    _DECLARED[declaration.domain] = declaration
    role_permissions.cache_clear()
    return declaration


def _load_declarations() -> None:
    """Import every domain's ``permissions`` module (``fundhouse.<domain>.permissions``)."""
    import fundhouse

    for info in pkgutil.iter_modules(fundhouse.__path__):
        name = f"fundhouse.{info.name}.permissions"
        if info.ispkg and importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


@functools.cache
def role_permissions() -> dict[str, frozenset[str]]:
    """Every role with every permission the domains grant it."""
    with _LOCK:
        _load_declarations()
        table: dict[str, set[str]] = {role: set() for role in ROLE_NAMES}
        for declaration in _DECLARED.values():
            for role, granted in declaration.grants.items():
                table[role].update(granted)
        return {role: frozenset(granted) for role, granted in table.items()}


def all_permissions() -> frozenset[str]:
    """Every permission some domain declares (what an API key's scopes may name)."""
    role_permissions()
    return frozenset(p for d in _DECLARED.values() for p in d.permissions)


def declared_permissions() -> list[DomainPermissions]:
    role_permissions()
    return sorted(_DECLARED.values(), key=lambda d: d.domain)


# Where a request's database session keeps its Actor (set by ``platform.deps``), so work queued
# in that session (a job) is bound by the same rights.
REQUEST_ACTOR_INFO = "fundhouse.actor"


def permissions_for(role: str) -> frozenset[str]:
    return role_permissions().get(role, frozenset())


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
