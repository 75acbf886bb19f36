"""Identity's permissions: the organization, its members and their API keys."""

from __future__ import annotations

from fundhouse.platform.access import DomainPermissions, declare_permissions

_STAFF = {"org:read", "user:read", "api_key:manage"}

PERMISSIONS = declare_permissions(
    DomainPermissions(
        domain="identity",
        permissions={
            "org:read": "see the organization",
            "org:manage": "change the organization's settings",
            "user:read": "see the members and their roles",
            "user:invite": "invite people to join",
            "user:manage": "change members' roles, switch them off, reset their second factor, "
            "and grant the external roles (each linked to its party)",
            "api_key:manage": "make and revoke API keys",
        },
        grants={
            "admin": {"org:read", "org:manage", "user:read", "user:invite", "user:manage"}
            | {"api_key:manage"},
            "fund_manager": _STAFF,
            "accountant": _STAFF,
            "compliance": {"org:read", "user:read"},
            "advisor": {"org:read"},
            "analyst": {"org:read"},
            "viewer": {"org:read"},
        },
    )
)
