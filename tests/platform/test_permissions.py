"""Each domain declares its permissions and role grants in its own module; the platform only
keeps the table. A rule naming a permission nobody declared is a typo that locks everyone out."""

from __future__ import annotations

import pytest

from fundhouse.platform.access import (
    ROLE_NAMES,
    DomainPermissions,
    all_permissions,
    declare_permissions,
    declared_permissions,
    permission_rules_of,
    permissions_for,
    role_permissions,
)
from tests.platform.test_route_permissions import _routes


def test_every_domain_declares_its_own_permissions():
    domains = {d.domain: set(d.permissions) for d in declared_permissions()}
    assert {"platform", "identity", "ledger", "funds"} <= set(domains)
    assert "capital_call:approve" in domains["funds"]
    assert "ledger:write" in domains["ledger"]
    assert "user:manage" in domains["identity"]
    assert "audit:read" in domains["platform"]
    assert set(role_permissions()) == set(ROLE_NAMES)


def test_every_permission_a_route_requires_is_declared(base_app):
    declared = all_permissions()
    named = set()
    for route in _routes(base_app):
        dependant = getattr(route, "dependant", None)
        if dependant is None:
            continue
        for rule in permission_rules_of(dependant):
            if rule.startswith("perm:"):
                named.update(rule.removeprefix("perm:").split(","))
    assert named, "no route names a permission"
    assert named - declared == set()


def test_a_limited_partner_holds_only_the_portal_and_admins_do_not():
    assert permissions_for("limited_partner") == {"lp_portal:read"}
    assert "lp_portal:read" not in permissions_for("admin")
    assert permissions_for("no-such-role") == frozenset()


def test_a_grant_of_an_undeclared_permission_or_to_an_unknown_role_is_refused():
    with pytest.raises(ValueError, match="undeclared"):
        declare_permissions(DomainPermissions("tests", {"x:read": "x"}, {"viewer": {"x:write"}}))
    with pytest.raises(ValueError, match="unknown role"):
        declare_permissions(DomainPermissions("tests", {"x:read": "x"}, {"janitor": {"x:read"}}))
    with pytest.raises(ValueError, match="declared by funds"):
        declare_permissions(DomainPermissions("tests", {"fund:read": "x"}, {}))
