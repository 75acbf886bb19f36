"""The platform's own permissions: the audit trail and background jobs."""

from __future__ import annotations

from fundhouse.platform.access import DomainPermissions, declare_permissions

PERMISSIONS = declare_permissions(
    DomainPermissions(
        domain="platform",
        permissions={
            "audit:read": "read and export the audit trail, verify its hash chain",
            "job:read": "follow the background jobs one started",
        },
        grants={
            "admin": {"audit:read", "job:read"},
            "fund_manager": {"job:read"},
            "accountant": {"job:read"},
            "compliance": {"audit:read", "job:read"},
            "advisor": {"job:read"},
            "analyst": {"job:read"},
        },
    )
)
