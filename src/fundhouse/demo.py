"""Demo data: a fund manager's organization with one user per role, and a second organization.

``fundhouse demo`` loads it; running it again changes nothing. Each part of the demo is one
function taking the session and what it builds on, so other domains add their data (funds,
investors, calls) by writing their own part and calling it from :func:`load_demo`. The fund
administration part (:func:`fundhouse.funds.demo.load_fund_demo`) gives Northwind two funds
with years of history; ``lp@northwind.example`` sees one of their LPs in the LP portal.

The demo logins (every password is at least 12 characters):

=====================================  ==============================  ===============
email                                  password                        role
=====================================  ==============================  ===============
admin@northwind.example                demo-admin-pass-2026            admin
fund.manager@northwind.example         demo-manager-pass-2026          fund_manager
accountant@northwind.example           demo-accountant-pass-2026       accountant
compliance@northwind.example           demo-compliance-pass-2026       compliance
analyst@northwind.example              demo-analyst-pass-2026          analyst
viewer@northwind.example               demo-viewer-pass-2026           viewer
lp@northwind.example                   demo-lp-pass-2026               limited_partner
admin@harbor.example                   demo-harbor-admin-2026          admin (Harbor)
=====================================  ==============================  ===============
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from fundhouse.funds.demo.service import load_fund_demo
from fundhouse.identity import service as identity
from fundhouse.identity.models import Organization, User


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    role: str
    org: str


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    password: str


NORTHWIND = ("Northwind Capital", "northwind", "USD")
HARBOR = ("Harbor Ventures", "harbor", "EUR")

NORTHWIND_PEOPLE = (
    DemoPerson("admin@northwind.example", "Morgan Hale", "admin", "demo-admin-pass-2026"),
    DemoPerson(
        "fund.manager@northwind.example", "Priya Raman", "fund_manager", "demo-manager-pass-2026"
    ),
    DemoPerson(
        "accountant@northwind.example", "Daniel Okafor", "accountant", "demo-accountant-pass-2026"
    ),
    DemoPerson(
        "compliance@northwind.example", "Elena Varga", "compliance", "demo-compliance-pass-2026"
    ),
    DemoPerson("analyst@northwind.example", "Tomas Lind", "analyst", "demo-analyst-pass-2026"),
    DemoPerson("viewer@northwind.example", "Grace Whitfield", "viewer", "demo-viewer-pass-2026"),
    DemoPerson("lp@northwind.example", "Harold Brennan", "limited_partner", "demo-lp-pass-2026"),
)

HARBOR_PEOPLE = (
    DemoPerson("admin@harbor.example", "Sofia Marchetti", "admin", "demo-harbor-admin-2026"),
)


def load_demo(db: Session, *, funds: bool = True) -> list[DemoLogin]:
    """Load every part of the demo; the logins to print. Flushes, never commits.

    ``funds=False`` leaves out the fund administration data (the longest part to load), for
    tests that need only the organizations and their people.
    """
    northwind = load_organization(db, *NORTHWIND)
    harbor = load_organization(db, *HARBOR)
    logins = load_people(db, northwind, NORTHWIND_PEOPLE)
    logins += load_people(db, harbor, HARBOR_PEOPLE)
    if funds:
        load_fund_demo(db, northwind, members_by_role(db, NORTHWIND_PEOPLE))
    return logins


def load_organization(db: Session, name: str, slug: str, base_currency: str) -> Organization:
    return identity.get_or_create_organization(db, slug, name, base_currency)


def load_people(db: Session, org: Organization, people: tuple[DemoPerson, ...]) -> list[DemoLogin]:
    """Create each person unless their email exists already."""
    for person in people:
        if identity.find_user_by_email(db, person.email) is None:
            identity.create_user(
                db, org, person.email, person.full_name, person.password, person.role
            )
    return [DemoLogin(p.email, p.password, p.role, org.name) for p in people]


def members_by_role(db: Session, people: tuple[DemoPerson, ...]) -> dict[str, User]:
    """The demo's users by role (one person per role)."""
    members = {}
    for person in people:
        user = identity.find_user_by_email(db, person.email)
        if user is not None:
            members[person.role] = user
    return members
