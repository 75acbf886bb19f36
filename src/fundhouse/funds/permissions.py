"""Fund administration's permissions and the roles that hold them.

Staff work on funds by role (maker/checker: ``*:approve`` apart from ``*:write``); a limited
partner holds only ``lp_portal:read``, and the portal package shows it only its own.
"""

from __future__ import annotations

from fundhouse.funds.register.service import investor_names, link_invited_user
from fundhouse.platform.access import DomainPermissions, declare_permissions
from fundhouse.platform.parties import PartyKind, register_party_kind

READ = {
    "fund:read": "see funds and their terms",
    "investor:read": "see investors (tax ids and bank details masked)",
    "commitment:read": "see commitments, closes and transfers",
    "capital_call:read": "see capital calls and their notices",
    "distribution:read": "see distributions and their notices",
    "payment:read": "see payments and bank reconciliations",
    "fee:read": "see fee runs, expenses and payables",
    "valuation:read": "see portfolio companies, investments and valuations",
    "performance:read": "see NAV, capital accounts and performance",
    "report:read": "see and download statements and reports",
}
WRITE = {
    "fund:write": "create and change funds",
    "investor:write": "create and change investors and their portal users",
    "commitment:write": "record commitments, closes and transfers",
    "capital_call:write": "draft, issue and cancel capital calls",
    "capital_call:approve": "approve another user's capital call",
    "distribution:write": "draft, issue, pay and cancel distributions",
    "distribution:approve": "approve another user's distribution",
    "payment:write": "record, reconcile and reverse payments",
    "fee:write": "bill fees, record expenses and pay payables",
    "valuation:write": "record investments, valuations and realizations",
    "report:write": "generate and release statements and reports",
    "import:write": "import investors, commitments and cash flows",
}
SENSITIVE = {"investor:read_sensitive": "see investors' tax ids and bank details"}
PORTAL = {"lp_portal:read": "see one's own investor accounts in the LP portal"}

OPERATIONS = set(READ) | set(WRITE)

PERMISSIONS = declare_permissions(
    DomainPermissions(
        domain="funds",
        permissions={**READ, **WRITE, **SENSITIVE, **PORTAL},
        grants={
            "admin": OPERATIONS | set(SENSITIVE),
            "fund_manager": OPERATIONS,
            "accountant": OPERATIONS | set(SENSITIVE),
            "compliance": set(READ) | set(SENSITIVE),
            "advisor": {"report:read"},
            "analyst": set(READ),
            "viewer": {"fund:read", "performance:read", "report:read"},
            "limited_partner": set(PORTAL),
        },
    )
)

LIMITED_PARTNERS = register_party_kind(
    PartyKind(role="limited_partner", kind="investor", names=investor_names, link=link_invited_user)
)
"""A limited partner belongs to an investor of the organization: its invitation names the
investor, and accepting it links the user, who then sees that investor in the portal."""
