"""The ledger's permissions: reading the books and posting manual entries."""

from __future__ import annotations

from fundhouse.platform.access import DomainPermissions, declare_permissions

PERMISSIONS = declare_permissions(
    DomainPermissions(
        domain="ledger",
        permissions={
            "ledger:read": "read journals, balances, trial balances and exports",
            "ledger:write": "post manual entries and reversals",
        },
        grants={
            "admin": {"ledger:read", "ledger:write"},
            "fund_manager": {"ledger:read"},
            "accountant": {"ledger:read", "ledger:write"},
            "compliance": {"ledger:read"},
            "analyst": {"ledger:read"},
        },
    )
)
