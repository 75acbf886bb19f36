"""One organization never sees another's rows, and an LP never sees another LP's.

Every route of the app has a case in :data:`CASES`, keyed by (method, path): how to call it
and what it must answer to

* a user of another organization (an admin there, who holds every permission; a limited
  partner there for the portal's routes), given this organization's ids in the path, the query
  string and the body;
* a limited partner of this organization who is not the party asked about, given the other
  LP's ids (the portal's notices and statements of another investor, ...).

A case may also cross: the outsider calls its own objects while the query or the body names
this organization's (an ``investor_id`` in a commitment, a ``to_investor_id`` in a transfer,
a ``party_id`` in a manual journal entry ...).

Refusals are problem+json; what is answered names none of the other party's ids or names;
and nothing of the other party changed afterwards. A route without a case, or a case without
a route, fails :func:`test_every_route_has_a_tenancy_case`: a new route needs its case here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI, routing
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundhouse.app import API_PREFIX
from fundhouse.identity.models import Membership
from fundhouse.platform.db import Base
from tests.factories import login, make_org, make_user
from tests.funds.helpers import Desk, desk_for

Ids = dict[str, str]

STATEMENT = "date,amount,reference,payer name\n2024-03-20,100.00,CALL 1,LP 1\n"


# --- what a route must answer --------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """A refusal with ``status`` (problem+json, naming ``field`` when given), or (``status``
    None) a 2xx answer that names nothing of the other party."""

    status: int | None
    label: str
    field: str | None = None


NOT_FOUND = Expect(404, "404")
FORBIDDEN = Expect(403, "403")
HIDDEN = Expect(None, "2xx naming nothing of theirs")


def invalid(field: str) -> Expect:
    """An id in the body that the caller's organization does not know is bad input: 422
    naming the field, exactly as for an id that does not exist."""
    return Expect(422, f"422 naming {field}", field)


@dataclass(frozen=True)
class Call:
    """One request: ``ids`` fill the path (the probe's ids when None)."""

    json: Any = None
    params: dict[str, str] | None = None
    files: dict[str, Any] | None = None
    ids: Ids | None = None


Build = Callable[[Ids], Call]
CrossBuild = Callable[[Ids, Ids], Call]


def _no_input(ids: Ids) -> Call:
    return Call()


@dataclass(frozen=True)
class Case:
    """``call(ids)`` builds the request naming ``ids`` (the other party's); ``cross`` holds
    ``(expected, build(own, theirs))``: the outsider's own ids in the path, theirs in the
    query or body. ``lp_call`` builds the LP's request when it differs from the outsider's.
    ``skip`` says why a route is not called at all."""

    outsider: Expect = NOT_FOUND
    lp: Expect = FORBIDDEN
    call: Build = _no_input
    lp_call: Build | None = None
    cross: tuple[tuple[Expect, CrossBuild], ...] = ()
    skip: str | None = None


def skip(reason: str) -> Case:
    return Case(skip=reason)


def body(make: Callable[[Ids], Any]) -> Build:
    return lambda ids: Call(json=make(ids))


def query(make: Callable[[Ids], dict[str, str]]) -> Build:
    return lambda ids: Call(params=make(ids))


def upload(name: str, text: str) -> Build:
    return lambda ids: Call(files={"file": (name, text.encode(), "text/csv")})


def cross_body(expect: Expect, make: Callable[[Ids, Ids], Any]) -> tuple[Expect, CrossBuild]:
    return expect, lambda own, theirs: Call(json=make(own, theirs), ids=own)


def cross_query(
    expect: Expect, make: Callable[[Ids, Ids], dict[str, str]]
) -> tuple[Expect, CrossBuild]:
    return expect, lambda own, theirs: Call(params=make(own, theirs), ids=own)


def cross_path(expect: Expect, names: Iterable[str]) -> tuple[Expect, CrossBuild]:
    """The outsider's own ids in the path except ``names``, which are theirs."""
    wanted = tuple(names)
    return expect, lambda own, theirs: Call(ids={**own, **{n: theirs[n] for n in wanted}})


# --- bodies --------------------------------------------------------------------------------


def call_body(ids: Ids) -> dict[str, str]:
    return {
        "purpose": "investment",
        "amount": "10",
        "call_date": "2024-04-01",
        "due_date": "2024-04-30",
    }


def distribution_body(ids: Ids, company: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "source": "dividend",
        "gross_amount": "10",
        "distribution_date": "2024-06-20",
    }
    if company:
        out["company_id"] = company
    return out


def entry_body(party: str) -> dict[str, Any]:
    return {
        "entry_date": "2024-03-31",
        "memo": "Adjustment",
        "lines": [
            {"account_code": "1000", "debit": "1.00", "currency": "USD"},
            {"account_code": "3000", "credit": "1.00", "currency": "USD", "party_id": party},
        ],
    }


def commitments_file(investor: str) -> str:
    return f"investor,amount\n{investor},1000.00\n"


PUBLIC = "public: it takes credentials or a token, never an id of an organization"
OWN_ACCOUNT = "acts on the caller's own account only (credentials, sessions) and names no id"
WEB = "outside the API: serves the web app's files, names no id"
METRICS = "outside the API: process metrics for the scraper, no organization's rows"


CASES: dict[tuple[str, str], Case] = {
    # --- platform ---
    ("GET", "/health"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/ready"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/metrics"): skip(METRICS),
    ("GET", "/{path:path}"): skip(WEB),
    # --- identity ---
    ("POST", "/auth/token"): skip(PUBLIC),
    ("POST", "/auth/refresh"): skip(PUBLIC),
    ("POST", "/auth/login"): skip(PUBLIC),
    ("POST", "/auth/login/mfa"): skip(PUBLIC),
    ("POST", "/auth/session/refresh"): skip(PUBLIC),
    ("POST", "/auth/logout"): skip(PUBLIC),
    ("POST", "/auth/invitations/accept"): skip(PUBLIC),
    ("POST", "/auth/logout-all"): skip(OWN_ACCOUNT),
    ("POST", "/auth/switch-org"): Case(
        lp=NOT_FOUND,
        call=body(lambda v: {"org_id": v["org_id"]}),
        lp_call=body(lambda v: {"org_id": v["other_org_id"]}),
    ),
    ("GET", "/me"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("PATCH", "/me"): skip(OWN_ACCOUNT),
    ("POST", "/me/password"): skip(OWN_ACCOUNT),
    ("POST", "/me/mfa/enroll"): skip(OWN_ACCOUNT),
    ("POST", "/me/mfa/confirm"): skip(OWN_ACCOUNT),
    ("POST", "/me/mfa/disable"): skip(OWN_ACCOUNT),
    ("POST", "/me/mfa/recovery-codes"): skip(OWN_ACCOUNT),
    ("GET", "/api-keys"): Case(outsider=HIDDEN),
    ("POST", "/api-keys"): Case(
        outsider=HIDDEN, call=body(lambda v: {"name": "Sweep", "scopes": ["fund:read"]})
    ),
    ("DELETE", "/api-keys/{key_id}"): Case(),
    ("GET", "/users"): Case(outsider=HIDDEN),
    ("POST", "/users/invitations"): Case(
        outsider=HIDDEN,
        call=body(lambda v: {"email": "sweep@example.com", "full_name": "Sweep", "role": "viewer"}),
    ),
    ("GET", "/users/invitations"): Case(outsider=HIDDEN),
    ("GET", "/users/{user_id}"): Case(),
    ("PATCH", "/users/{user_id}"): Case(call=body(lambda v: {"role": "viewer"})),
    ("POST", "/users/{user_id}/mfa/reset"): Case(),
    ("GET", "/roles"): Case(outsider=HIDDEN, lp=HIDDEN),
    # --- audit and jobs ---
    ("GET", "/audit"): Case(
        outsider=HIDDEN,
        call=query(lambda v: {"entity_id": v["fund_id"], "actor_user_id": v["user_id"]}),
    ),
    ("GET", "/audit/verify"): Case(outsider=HIDDEN),
    ("GET", "/jobs"): Case(outsider=HIDDEN),
    ("GET", "/jobs/{job_id}"): Case(),
    # --- ledger ---
    ("GET", "/ledger/books"): Case(outsider=HIDDEN),
    ("GET", "/ledger/books/{book_id}"): Case(),
    ("GET", "/ledger/books/{book_id}/accounts"): Case(),
    ("GET", "/ledger/books/{book_id}/entries"): Case(
        cross=(cross_query(HIDDEN, lambda o, v: {"source_id": v["call_id"]}),)
    ),
    ("POST", "/ledger/books/{book_id}/entries"): Case(
        call=body(lambda v: entry_body(v["investor_id"])),
        cross=(
            cross_body(invalid("lines[1].party_id"), lambda o, v: entry_body(v["investor_id"])),
        ),
    ),
    ("GET", "/ledger/entries/{entry_id}"): Case(),
    ("POST", "/ledger/entries/{entry_id}/reverse"): Case(
        call=body(lambda v: {"entry_date": "2024-12-31", "memo": "Reversal"})
    ),
    ("GET", "/ledger/books/{book_id}/trial-balance"): Case(
        call=query(lambda v: {"as_of": "2024-12-31"})
    ),
    ("GET", "/ledger/books/{book_id}/entries.csv"): Case(),
    ("GET", "/ledger/books/{book_id}/gl-export.csv"): Case(),
    # --- funds: the register ---
    ("POST", "/funds"): Case(
        outsider=HIDDEN, call=body(lambda v: {"name": "Sweep Fund", "currency": "USD"})
    ),
    ("GET", "/funds"): Case(outsider=HIDDEN, call=query(lambda v: {"q": v["fund_name"]})),
    ("GET", "/funds/{fund_id}"): Case(),
    ("PATCH", "/funds/{fund_id}"): Case(call=body(lambda v: {"name": "Renamed"})),
    ("POST", "/funds/{fund_id}/closes"): Case(call=body(lambda v: {"close_date": "2024-09-01"})),
    ("GET", "/funds/{fund_id}/closes"): Case(),
    ("POST", "/funds/{fund_id}/commitments"): Case(
        call=body(lambda v: {"investor_id": v["investor_id"], "amount": "1"}),
        cross=(
            cross_body(
                invalid("investor_id"),
                lambda o, v: {"investor_id": v["investor_id"], "amount": "1"},
            ),
            cross_body(
                invalid("close_id"),
                lambda o, v: {
                    "investor_id": o["spare_investor_id"],
                    "amount": "1",
                    "close_id": v["close_id"],
                },
            ),
        ),
    ),
    ("GET", "/funds/{fund_id}/commitments"): Case(
        cross=(
            cross_query(
                HIDDEN, lambda o, v: {"investor_id": v["investor_id"], "close_id": v["close_id"]}
            ),
        )
    ),
    ("GET", "/commitments/{commitment_id}"): Case(),
    ("PATCH", "/commitments/{commitment_id}"): Case(call=body(lambda v: {"amount": "5000"})),
    ("POST", "/funds/{fund_id}/transfers"): Case(
        call=body(
            lambda v: {
                "from_commitment_id": v["commitment_id"],
                "to_investor_id": v["spare_investor_id"],
                "amount": "1",
                "transfer_date": "2024-12-01",
            }
        ),
        cross=(
            cross_body(
                invalid("from_commitment_id"),
                lambda o, v: {
                    "from_commitment_id": v["commitment_id"],
                    "to_investor_id": o["spare_investor_id"],
                    "amount": "1",
                    "transfer_date": "2024-12-01",
                },
            ),
            cross_body(
                invalid("to_investor_id"),
                lambda o, v: {
                    "from_commitment_id": o["commitment_id"],
                    "to_investor_id": v["investor_id"],
                    "amount": "1",
                    "transfer_date": "2024-12-01",
                },
            ),
        ),
    ),
    ("GET", "/funds/{fund_id}/transfers"): Case(),
    ("POST", "/investors"): Case(
        outsider=HIDDEN, call=body(lambda v: {"kind": "entity", "name": "Sweep Investor"})
    ),
    ("GET", "/investors"): Case(outsider=HIDDEN, call=query(lambda v: {"fund_id": v["fund_id"]})),
    ("GET", "/investors/{investor_id}"): Case(),
    ("GET", "/investors/{investor_id}/commitments"): Case(),
    ("PATCH", "/investors/{investor_id}"): Case(call=body(lambda v: {"name": "Renamed"})),
    ("GET", "/investors/{investor_id}/users"): Case(),
    ("POST", "/investors/{investor_id}/users"): Case(
        call=body(lambda v: {"user_id": v["user_id"]}),
        cross=(cross_body(invalid("user_id"), lambda o, v: {"user_id": v["user_id"]}),),
    ),
    ("DELETE", "/investors/{investor_id}/users/{user_id}"): Case(
        cross=(cross_path(NOT_FOUND, ["user_id"]),)
    ),
    # --- funds: capital calls, payments, reconciliation ---
    ("POST", "/funds/{fund_id}/closes/{close_id}/equalization"): Case(
        call=body(lambda v: {"call_date": "2024-07-01", "due_date": "2024-07-31"}),
        cross=(
            (
                NOT_FOUND,
                lambda o, v: Call(
                    json={"call_date": "2024-07-01", "due_date": "2024-07-31"},
                    ids={**o, "close_id": v["close_id"]},
                ),
            ),
        ),
    ),
    ("POST", "/funds/{fund_id}/capital-calls/preview"): Case(call=body(call_body)),
    ("POST", "/funds/{fund_id}/capital-calls"): Case(call=body(call_body)),
    ("GET", "/capital-calls"): Case(
        outsider=HIDDEN,
        call=query(lambda v: {"fund_id": v["fund_id"], "investor_id": v["investor_id"]}),
    ),
    ("GET", "/capital-calls/{call_id}"): Case(),
    ("POST", "/capital-calls/{call_id}/approve"): Case(),
    ("POST", "/capital-calls/{call_id}/issue"): Case(),
    ("POST", "/capital-calls/{call_id}/cancel"): Case(),
    ("POST", "/capital-calls/{call_id}/payments"): Case(
        call=body(
            lambda v: {
                "investor_id": v["investor_id"],
                "amount": "1",
                "received_date": "2024-03-20",
            }
        ),
        cross=(
            cross_body(
                invalid("investor_id"),
                lambda o, v: {
                    "investor_id": v["investor_id"],
                    "amount": "1",
                    "received_date": "2024-03-20",
                },
            ),
            cross_body(
                invalid("commitment_id"),
                lambda o, v: {
                    "investor_id": o["investor_id"],
                    "commitment_id": v["commitment_id"],
                    "amount": "1",
                    "received_date": "2024-03-20",
                },
            ),
        ),
    ),
    ("GET", "/payments"): Case(
        outsider=HIDDEN,
        call=query(
            lambda v: {
                "fund_id": v["fund_id"],
                "call_id": v["call_id"],
                "investor_id": v["investor_id"],
            }
        ),
    ),
    ("GET", "/capital-calls/{call_id}/notices/{investor_id}.pdf"): Case(
        cross=(cross_path(NOT_FOUND, ["investor_id"]),)
    ),
    ("POST", "/funds/{fund_id}/reconciliations"): Case(call=upload("statement.csv", STATEMENT)),
    ("GET", "/reconciliations/{reconciliation_id}"): Case(),
    ("PATCH", "/reconciliations/{reconciliation_id}/lines/{line_no}"): Case(
        call=body(lambda v: {"call_allocation_id": v["allocation_id"]}),
        cross=(
            cross_body(
                invalid("call_allocation_id"),
                lambda o, v: {"call_allocation_id": v["allocation_id"]},
            ),
        ),
    ),
    ("POST", "/reconciliations/{reconciliation_id}/apply"): Case(),
    ("POST", "/payments/{payment_id}/reverse"): Case(),
    # --- funds: distributions ---
    ("POST", "/funds/{fund_id}/distributions/preview"): Case(
        call=body(distribution_body),
        cross=(
            cross_body(invalid("company_id"), lambda o, v: distribution_body(o, v["company_id"])),
        ),
    ),
    ("POST", "/funds/{fund_id}/distributions"): Case(
        call=body(distribution_body),
        cross=(
            cross_body(invalid("company_id"), lambda o, v: distribution_body(o, v["company_id"])),
        ),
    ),
    ("GET", "/funds/{fund_id}/distributions"): Case(),
    ("GET", "/distributions/{distribution_id}"): Case(),
    ("POST", "/distributions/{distribution_id}/approve"): Case(),
    ("POST", "/distributions/{distribution_id}/issue"): Case(),
    ("POST", "/distributions/{distribution_id}/pay"): Case(
        call=body(lambda v: {"paid_date": "2024-06-30"})
    ),
    ("POST", "/distributions/{distribution_id}/cancel"): Case(),
    ("GET", "/distributions/{distribution_id}/notices/{investor_id}.pdf"): Case(),
    ("GET", "/funds/{fund_id}/clawback"): Case(),
    ("POST", "/funds/{fund_id}/carry-accruals"): Case(call=body(lambda v: {"as_of": "2024-06-30"})),
    # --- funds: fees, expenses and payables ---
    ("POST", "/funds/{fund_id}/fee-runs"): Case(
        call=body(lambda v: {"period_start": "2024-04-01"})
    ),
    ("GET", "/funds/{fund_id}/fee-runs"): Case(),
    ("POST", "/funds/{fund_id}/transaction-fees"): Case(
        call=body(lambda v: {"received_date": "2024-05-01", "amount": "10"}),
        cross=(
            cross_body(
                invalid("company_id"),
                lambda o, v: {
                    "received_date": "2024-05-01",
                    "amount": "10",
                    "company_id": v["company_id"],
                },
            ),
        ),
    ),
    ("GET", "/funds/{fund_id}/transaction-fees"): Case(),
    ("POST", "/funds/{fund_id}/expenses"): Case(
        call=body(lambda v: {"expense_date": "2024-05-01", "amount": "10", "category": "legal"}),
        cross=(
            cross_body(
                invalid("company_id"),
                lambda o, v: {
                    "expense_date": "2024-05-01",
                    "amount": "10",
                    "category": "legal",
                    "company_id": v["company_id"],
                },
            ),
        ),
    ),
    ("GET", "/funds/{fund_id}/expenses"): Case(),
    ("POST", "/fee-runs/{fee_run_id}/cancel"): Case(),
    ("POST", "/expenses/{expense_id}/cancel"): Case(),
    ("POST", "/transaction-fees/{transaction_fee_id}/cancel"): Case(
        call=body(lambda v: {"reason": "Recorded twice"})
    ),
    ("POST", "/funds/{fund_id}/disbursements"): Case(
        call=body(
            lambda v: {"kind": "expense", "paid_date": "2024-06-01", "expense_id": v["expense_id"]}
        ),
        cross=(
            cross_body(
                invalid("fee_run_id"),
                lambda o, v: {
                    "kind": "management_fee",
                    "paid_date": "2024-06-01",
                    "fee_run_id": v["fee_run_id"],
                },
            ),
            cross_body(
                invalid("expense_id"),
                lambda o, v: {
                    "kind": "expense",
                    "paid_date": "2024-06-01",
                    "expense_id": v["expense_id"],
                },
            ),
            cross_body(
                invalid("distribution_id"),
                lambda o, v: {
                    "kind": "withholding_tax",
                    "paid_date": "2024-06-01",
                    "distribution_id": v["distribution_id"],
                },
            ),
        ),
    ),
    ("GET", "/funds/{fund_id}/disbursements"): Case(),
    ("GET", "/funds/{fund_id}/payables"): Case(),
    # --- funds: investments and NAV ---
    ("POST", "/funds/{fund_id}/portfolio-companies"): Case(call=body(lambda v: {"name": "Sweep"})),
    ("GET", "/funds/{fund_id}/portfolio-companies"): Case(),
    ("POST", "/portfolio-companies/{company_id}/investments"): Case(
        call=body(lambda v: {"transaction_date": "2024-05-01", "cost_amount": "10"})
    ),
    ("POST", "/portfolio-companies/{company_id}/valuations"): Case(
        call=body(lambda v: {"as_of": "2024-06-30", "fair_value": "10"})
    ),
    ("POST", "/portfolio-companies/{company_id}/realizations"): Case(
        call=body(
            lambda v: {"kind": "income", "transaction_date": "2024-05-01", "proceeds_amount": "1"}
        )
    ),
    ("GET", "/funds/{fund_id}/nav"): Case(),
    # --- funds: capital accounts and performance ---
    ("GET", "/funds/{fund_id}/capital-accounts"): Case(),
    ("GET", "/funds/{fund_id}/capital-accounts/{investor_id}"): Case(
        cross=(cross_path(NOT_FOUND, ["investor_id"]),)
    ),
    ("GET", "/funds/{fund_id}/reconciliation"): Case(),
    ("GET", "/funds/{fund_id}/performance"): Case(
        call=query(lambda v: {"benchmark_id": v["benchmark_id"]}),
        cross=(cross_query(NOT_FOUND, lambda o, v: {"benchmark_id": v["benchmark_id"]}),),
    ),
    ("GET", "/funds/{fund_id}/performance/investors"): Case(),
    ("GET", "/funds/{fund_id}/j-curve"): Case(),
    ("GET", "/funds/{fund_id}/dashboard"): Case(),
    ("POST", "/benchmarks"): Case(outsider=HIDDEN, call=body(lambda v: {"name": "Sweep Index"})),
    ("POST", "/benchmarks/{benchmark_id}/levels"): Case(
        call=upload("levels.csv", "date,level\n2024-12-31,100\n")
    ),
    ("GET", "/benchmarks"): Case(outsider=HIDDEN),
    # --- funds: statements and reports ---
    ("POST", "/funds/{fund_id}/statements"): Case(
        call=body(lambda v: {"investor_id": v["investor_id"], "period_end": "2024-09-30"}),
        cross=(
            cross_body(
                invalid("investor_id"),
                lambda o, v: {"investor_id": v["investor_id"], "period_end": "2024-09-30"},
            ),
        ),
    ),
    ("POST", "/funds/{fund_id}/statements/batch"): Case(
        call=body(lambda v: {"period_end": "2024-09-30"})
    ),
    ("GET", "/funds/{fund_id}/statements"): Case(
        cross=(cross_query(HIDDEN, lambda o, v: {"investor_id": v["investor_id"]}),)
    ),
    ("GET", "/statements/{statement_id}/download"): Case(),
    ("POST", "/funds/{fund_id}/statements/release"): Case(
        call=body(lambda v: {"period_end": "2024-09-30"}),
        cross=(
            cross_body(
                invalid("investor_ids"),
                lambda o, v: {"period_end": "2024-09-30", "investor_ids": [v["investor_id"]]},
            ),
        ),
    ),
    ("POST", "/statements/{statement_id}/release"): Case(),
    ("GET", "/funds/{fund_id}/reports/quarterly"): Case(
        call=query(lambda v: {"period_end": "2024-03-31"})
    ),
    # --- funds: imports ---
    ("POST", "/funds/{fund_id}/imports/{kind}"): Case(
        call=lambda v: Call(
            files={"file": ("rows.csv", commitments_file(v["investor_id"]).encode(), "text/csv")}
        ),
        cross=(
            (
                invalid("row 2: investor"),
                lambda o, v: Call(
                    files={
                        "file": (
                            "rows.csv",
                            commitments_file(v["investor_id"]).encode(),
                            "text/csv",
                        )
                    },
                    ids=o,
                ),
            ),
        ),
    ),
    ("GET", "/imports/templates/{kind}.csv"): Case(outsider=HIDDEN),
    # --- funds: the LP portal (the outsider is a limited partner of the other organization) ---
    ("GET", "/portal/investors"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/commitments"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/capital-calls"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/capital-calls/{call_id}/notices/{investor_id}.pdf"): Case(lp=NOT_FOUND),
    ("GET", "/portal/payments"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/capital-account"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/distributions"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/distributions/{distribution_id}/notices/{investor_id}.pdf"): Case(
        lp=NOT_FOUND
    ),
    ("GET", "/portal/performance"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/statements"): Case(outsider=HIDDEN, lp=HIDDEN),
    ("GET", "/portal/statements/{statement_id}/download"): Case(lp=NOT_FOUND),
}


def app_routes(app: FastAPI) -> dict[tuple[str, str], Any]:
    """Every (method, path) the app serves; API paths without their ``/api/v1`` prefix."""
    # FastAPI versions that keep included routers lazy expose them through
    # ``iter_route_contexts``; older ones flatten them into ``app.routes``.
    iter_contexts = getattr(routing, "iter_route_contexts", None)
    out: dict[tuple[str, str], Any] = {}
    for route in iter_contexts(app.routes) if iter_contexts else app.routes:
        if not isinstance(getattr(route, "original_route", route), APIRoute):
            continue
        path = route.path
        if path.startswith(API_PREFIX + "/"):
            path = path.removeprefix(API_PREFIX)
        for method in route.methods:
            out[(method, path)] = route
    return out


def test_every_route_has_a_tenancy_case(base_app: FastAPI) -> None:
    routes = set(app_routes(base_app))
    missing = sorted(routes - CASES.keys())
    stale = sorted(CASES.keys() - routes)
    assert not missing, (
        "These routes have no tenancy case: add one to CASES in tests/test_tenancy_sweep.py "
        "(how to call it, and what another organization's user and another LP must get): "
        + ", ".join(f"{m} {p}" for m, p in missing)
    )
    assert not stale, "These cases name routes that no longer exist: " + ", ".join(
        f"{m} {p}" for m, p in stale
    )


# --- the data: two organizations, and two LPs of one fund ----------------------------------


@dataclass
class World:
    """Northwind (the victim: a fund with LP A and LP B, each with a user) and Southwind (the
    outsider: an admin, an LP user and objects of its own)."""

    client: TestClient
    theirs: Ids  # Northwind's ids; ``investor_id`` is LP A's
    own: Ids  # Southwind's ids
    outsider: dict[str, str]  # Southwind's admin
    outsider_lp: dict[str, str]  # Southwind's limited partner
    lp: dict[str, str]  # LP B's user, of Northwind
    org_id: uuid.UUID
    lp_a_investor: uuid.UUID
    secret_names: set[str] = field(default_factory=set)


def _link(desk: Desk, investor_id: str, user_id: uuid.UUID) -> None:
    desk.ok(desk.post(f"/investors/{investor_id}/users", {"user_id": str(user_id)}), 201)


def _build(db: Session, client: TestClient) -> World:
    org = make_org(db, name="Northwind Capital")
    desk = desk_for(db, client, org)
    admin = make_user(db, org, role="admin")
    admin_headers = login(client, admin)
    fund = desk.fund(name="Northwind Secret Fund", initial_close_date="2024-01-15")
    lp_a = desk.commit(fund["id"], desk.investor("Quillon Pension Plan")["id"], "6000000")
    lp_b = desk.commit(fund["id"], desk.investor("Brook Endowment")["id"], "4000000")
    spare = desk.investor("Idle Family Office")
    desk.commit(fund["id"], desk.investor("Northwind GP")["id"], "100000", is_gp=True)
    lp_a_user = make_user(db, org, role="limited_partner")
    lp_b_user = make_user(db, org, role="limited_partner")
    _link(desk, lp_a["investor_id"], lp_a_user.id)
    _link(desk, lp_b["investor_id"], lp_b_user.id)

    call = desk.issued_call(fund["id"], "100000")
    allocation = next(a for a in call["allocations"] if a["investor_id"] == lp_a["investor_id"])
    payment = desk.ok(desk.pay(call["id"], lp_a["investor_id"], "1000"), 201)
    desk.ok(desk.pay(call["id"], lp_b["investor_id"], "2000"), 201)
    rec = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/reconciliations",
            files={"file": ("statement.csv", STATEMENT, "text/csv")},
        ),
        201,
    )
    company = desk.ok(
        desk.post(f"/funds/{fund['id']}/portfolio-companies", {"name": "Zephyr Optics"}), 201
    )
    desk.ok(
        desk.post(
            f"/portfolio-companies/{company['id']}/investments",
            {"transaction_date": "2024-03-25", "cost_amount": "1000"},
        ),
        201,
    )
    fee_run = desk.ok(
        desk.post(f"/funds/{fund['id']}/fee-runs", {"period_start": "2024-01-15"}), 201
    )
    transaction_fee = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/transaction-fees",
            {"received_date": "2024-08-01", "amount": "500", "company_id": company["id"]},
        ),
        201,
    )
    expense = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/expenses",
            {"expense_date": "2024-03-10", "amount": "2400", "category": "legal"},
        ),
        201,
    )
    drafted = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/distributions",
            {"source": "dividend", "gross_amount": "1500", "distribution_date": "2024-03-28"},
        ),
        201,
    )
    desk.ok(desk.post(f"/distributions/{drafted['id']}/approve", headers=desk.checker_headers))
    distribution = desk.ok(desk.post(f"/distributions/{drafted['id']}/issue"))
    statement = desk.ok(
        desk.post(
            f"/funds/{fund['id']}/statements",
            {"investor_id": lp_a["investor_id"], "period_end": "2024-03-31"},
        ),
        201,
    )
    job = desk.ok(
        desk.post(f"/funds/{fund['id']}/statements/batch", {"period_end": "2024-06-30"}), 202
    )
    benchmark = desk.ok(desk.post("/benchmarks", {"name": "Northwind Index"}), 201)
    key = desk.ok(
        desk.post("/api-keys", {"name": "Books", "scopes": ["fund:read"]}, headers=admin_headers),
        201,
    )
    desk.ok(
        desk.post(
            "/users/invitations",
            {"email": "newcomer@northwind.example", "full_name": "New Comer", "role": "viewer"},
            headers=admin_headers,
        ),
        201,
    )

    other = make_org(db, name="Southwind Partners")
    other_desk = desk_for(db, client, other)
    other_admin = make_user(db, other, role="admin")
    other_lp_user = make_user(db, other, role="limited_partner")
    own_fund = other_desk.fund(name="Southwind Fund", initial_close_date="2024-01-15")
    own_lp = other_desk.commit(own_fund["id"], other_desk.investor("Southwind LP")["id"], "1000")
    own_spare = other_desk.investor("Southwind Spare")
    _link(other_desk, own_lp["investor_id"], other_lp_user.id)
    own_call = other_desk.issued_call(own_fund["id"], "100")
    own_rec = other_desk.ok(
        other_desk.post(
            f"/funds/{own_fund['id']}/reconciliations",
            files={"file": ("statement.csv", STATEMENT, "text/csv")},
        ),
        201,
    )
    theirs = {
        "org_id": str(org.id),
        "other_org_id": str(other.id),
        "fund_id": fund["id"],
        "fund_name": fund["name"],
        "book_id": fund["book_id"],
        "close_id": lp_a["close_id"],
        "commitment_id": lp_a["id"],
        "investor_id": lp_a["investor_id"],
        "spare_investor_id": spare["id"],
        "user_id": str(lp_a_user.id),
        "call_id": call["id"],
        "allocation_id": allocation["id"],
        "payment_id": payment["id"],
        "reconciliation_id": rec["id"],
        "line_no": "1",
        "entry_id": call["ledger_entry_id"],
        "distribution_id": distribution["id"],
        "fee_run_id": fee_run["id"],
        "expense_id": expense["id"],
        "transaction_fee_id": transaction_fee["id"],
        "company_id": company["id"],
        "benchmark_id": benchmark["id"],
        "statement_id": statement["id"],
        "job_id": job["job_id"],
        "key_id": key["id"],
        "kind": "commitments",
    }
    own = {
        "org_id": str(other.id),
        "other_org_id": str(org.id),
        "fund_id": own_fund["id"],
        "book_id": own_fund["book_id"],
        "close_id": own_lp["close_id"],
        "commitment_id": own_lp["id"],
        "investor_id": own_lp["investor_id"],
        "spare_investor_id": own_spare["id"],
        "user_id": str(other_lp_user.id),
        "call_id": own_call["id"],
        "reconciliation_id": own_rec["id"],
        "line_no": "1",
        "kind": "commitments",
    }
    return World(
        client=client,
        theirs=theirs,
        own=own,
        outsider=login(client, other_admin),
        outsider_lp=login(client, other_lp_user),
        lp=login(client, lp_b_user),
        org_id=org.id,
        lp_a_investor=uuid.UUID(lp_a["investor_id"]),
        secret_names={fund["name"], "Quillon Pension Plan", "Brook Endowment", "Zephyr Optics"},
    )


# --- what each party may not see, and what may not change -----------------------------------


def _uuids(row: Iterable[Any]) -> set[str]:
    """The ids among a row's values (an audit record keeps its entity's id as text)."""
    found = set()
    for value in row:
        if isinstance(value, uuid.UUID):
            found.add(str(value))
        elif isinstance(value, str):
            try:
                found.add(str(uuid.UUID(value)))
            except ValueError:
                continue
    return found


def _id_columns(table: Any) -> list[Any]:
    return [c for c in table.c if c.name == "id" or c.name.endswith("_id")]


def _org_tables() -> list[Any]:
    return [t for t in Base.metadata.sorted_tables if "org_id" in t.c]


def organization_ids(db: Session, org_id: uuid.UUID) -> set[str]:
    """Every id held in the organization's rows."""
    found: set[str] = set()
    for table in _org_tables():
        columns = _id_columns(table)
        for row in db.execute(select(*columns).where(table.c.org_id == org_id)):
            found.update(_uuids(row))
    return found


def investor_ids(db: Session, org_id: uuid.UUID, investor_id: uuid.UUID) -> set[str]:
    """The investor's id and the ids of its own rows (commitments, call shares, payments,
    statements ...): what another LP of the same fund may not see."""
    found = {str(investor_id)}
    for table in _org_tables():
        for name in ("investor_id", "from_investor_id", "to_investor_id"):
            if name in table.c and "id" in table.c:
                rows = db.scalars(
                    select(table.c.id).where(table.c.org_id == org_id, table.c[name] == investor_id)
                )
                found.update(str(v) for v in rows)
    return found


def snapshot(db: Session, org_id: uuid.UUID) -> dict[str, list[str]]:
    """The organization's rows (and its members' users), to compare before and after."""
    out: dict[str, list[str]] = {}
    for table in _org_tables():
        rows = db.execute(select(table).where(table.c.org_id == org_id))
        out[table.name] = sorted(repr(tuple(r)) for r in rows)
    members = select(Membership.user_id).where(Membership.org_id == org_id)
    users = Base.metadata.tables["users"]
    out["users"] = sorted(
        repr(tuple(r)) for r in db.execute(select(users).where(users.c.id.in_(members)))
    )
    return out


def rows_naming(db: Session, org_id: uuid.UUID, secrets: set[str]) -> list[str]:
    """Rows of other organizations that hold one of ``secrets`` (ids of ``org_id``)."""
    found = []
    for table in _org_tables():
        columns = _id_columns(table)
        for row in db.execute(select(*columns).where(table.c.org_id != org_id)):
            named = _uuids(row) & secrets
            if named:
                found.append(f"{table.name}: {sorted(named)}")
    return found


# --- the sweep -------------------------------------------------------------------------------


def _url(path: str, ids: Ids) -> str:
    full = path if path in ("/metrics",) else API_PREFIX + path
    return re.sub(r"\{(\w+)\}", lambda m: ids[m.group(1)], full)


def _preview(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "")
    if "json" in kind or kind.startswith("text/"):
        return response.text[:300]
    return f"<{kind}, {len(response.content)} bytes>"


def _answer(response: httpx.Response, expect: Expect, secrets: set[str]) -> str | None:
    """Why ``response`` is not what ``expect`` says (None when it is)."""
    if expect.status is not None:
        if response.status_code != expect.status:
            return f"expected {expect.label}, got {response.status_code}: {_preview(response)}"
        if not response.headers.get("content-type", "").startswith("application/problem+json"):
            return f"expected problem+json, got {response.headers.get('content-type')}"
        named = {e.get("field") for e in response.json().get("errors", [])}
        if expect.field and expect.field not in named:
            return f"expected the problem to name {expect.field}, it names {sorted(named)}"
        return None
    if not 200 <= response.status_code < 300:
        return f"expected {expect.label}, got {response.status_code}: {_preview(response)}"
    text = response.content.decode("latin-1")
    leaked = sorted(s for s in secrets if s in text)
    return f"answered with what is not the caller's: {leaked}" if leaked else None


def _send(world: World, method: str, path: str, call: Call, ids: Ids, headers: dict[str, str]):
    return world.client.request(
        method,
        _url(path, call.ids or ids),
        headers=headers,
        json=call.json,
        params=call.params,
        files=call.files,
    )


def test_no_route_reaches_another_organization_or_another_lp(
    db: Session, client: TestClient, base_app: FastAPI
) -> None:
    world = _build(db, client)
    their_ids = organization_ids(db, world.org_id) | world.secret_names
    lp_a_ids = investor_ids(db, world.org_id, world.lp_a_investor) | {"Quillon Pension Plan"}
    assert len(lp_a_ids) > 8  # commitment, call share, payment, statement, notices ...
    before = snapshot(db, world.org_id)
    assert not rows_naming(db, world.org_id, their_ids - world.secret_names)

    failures: list[str] = []
    probes = 0
    for (method, path), case in sorted(CASES.items()):
        if case.skip:
            continue
        portal = path.startswith("/portal/")
        outsider = world.outsider_lp if portal else world.outsider
        attempts: list[tuple[str, Call, Ids, dict[str, str], Expect, set[str]]] = [
            (
                "another organization",
                case.call(world.theirs),
                world.theirs,
                outsider,
                case.outsider,
                their_ids,
            ),
            (
                "another LP",
                (case.lp_call or case.call)(world.theirs),
                world.theirs,
                world.lp,
                case.lp,
                lp_a_ids,
            ),
        ]
        for expect, build in case.cross:
            attempts.append(
                (
                    "another organization, its own ids in the path",
                    build(world.own, world.theirs),
                    world.own,
                    outsider,
                    expect,
                    their_ids,
                )
            )
        for who, call, ids, headers, expect, secrets in attempts:
            probes += 1
            try:
                response = _send(world, method, path, call, ids, headers)
            except Exception as error:  # a 500: the server raised
                failures.append(f"{method} {path} as {who}: raised {error!r}")
                continue
            problem = _answer(response, expect, secrets)
            if problem:
                failures.append(f"{method} {path} as {who}: {problem}")

    after = snapshot(db, world.org_id)
    for table in sorted(t for t in before if before[t] != after[t]):
        gone = sorted(set(before[table]) - set(after[table]))
        new = sorted(set(after[table]) - set(before[table]))
        failures.append(f"the attempts changed {table}: {gone[:3]} became {new[:3]}")
    for row in rows_naming(db, world.org_id, their_ids - world.secret_names):
        failures.append(f"another organization's row now names the victim's ids: {row}")
    assert not failures, f"{len(failures)} of {probes} probes failed:\n" + "\n".join(failures)
    assert probes > 250
