"""Demo fund administration: two funds of Northwind Capital with eight and six years of history.

``Northwind Growth Fund II`` (2018, European waterfall, a second close with equalization) and
``Northwind Ventures III`` (2020, American waterfall) each have 30 or more LPs, quarterly
management fee runs (offset by transaction fees) with their capital calls, investment and
expense calls, LP payments (a few late, partial or still outstanding on the latest calls),
portfolio companies bought, valued every quarter end, written down, written off and sold,
distributions through the waterfall, fund expenses, the payment of fees and expenses, and
carried interest accrued by hypothetical liquidation. A synthetic public equity index gives the
PME comparison a benchmark.

Everything is built through the domain services, as the people of the demo organization would
build it through the API: the fund manager drafts calls and distributions and the accountant
approves them (maker/checker), so every movement of money posts its balanced ledger entry and
every change its audit record. Events are replayed in date order, so the services' rules on
dates (no payment before its call, no valuation before a company's latest activity, no
distribution before the fund's latest) hold as they would in real life.

The data is deterministic (one seeded random generator per fund) and loads once: a fund that
exists already (by name) is left alone, investors and the benchmark are found by name.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
import uuid
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import partial
from typing import Protocol

from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from fundhouse.funds.accounts import performance
from fundhouse.funds.accounts.schemas import BenchmarkCreate
from fundhouse.funds.calls import equalization
from fundhouse.funds.calls import service as calls
from fundhouse.funds.calls.schemas import (
    CallCreate,
    CallDetailOut,
    EqualizationCreate,
    PaymentCreate,
)
from fundhouse.funds.distributions import service as distributions
from fundhouse.funds.distributions.schemas import (
    CarryAccrualCreate,
    DistributionCreate,
    DistributionPay,
)
from fundhouse.funds.fees import disbursements
from fundhouse.funds.fees import service as fund_fees
from fundhouse.funds.fees.schemas import (
    DisbursementCreate,
    ExpenseCreate,
    FeeRunCreate,
    TransactionFeeCreate,
)
from fundhouse.funds.investments import service as valuations
from fundhouse.funds.investments.schemas import (
    CompanyCreate,
    InvestmentCreate,
    RealizationCreate,
    ValuationCreate,
)
from fundhouse.funds.models import (
    BenchmarkIndex,
    CallPurpose,
    CapitalCall,
    DisbursementKind,
    DistributionSource,
    Fund,
    FundStatus,
    Investor,
    InvestorKind,
    InvestorUser,
    PaymentMethod,
    WaterfallType,
)
from fundhouse.funds.register import service
from fundhouse.funds.register.schemas import (
    CommitmentCreate,
    FundCreate,
    FundUpdate,
    InvestorCreate,
)
from fundhouse.platform.access import Actor, permissions_for, require

DEMO_END = date(2026, 9, 30)
"""The last day of the demo's history: the end of the third quarter of 2026."""

LATEST_QUARTER = date(2026, 7, 1)
"""Calls made from this day on are the ones with LPs still owing money."""

_CENT = Decimal("0.01")
_ZERO = Decimal(0)


def _k(thousands: float) -> Decimal:
    """An amount given in thousands of the fund's currency."""
    return (Decimal(str(thousands)) * 1000).quantize(_CENT)


def _m(millions: float) -> Decimal:
    """An amount given in millions of the fund's currency."""
    return (Decimal(str(millions)) * 1_000_000).quantize(_CENT)


def _round_up(amount: Decimal, step: Decimal) -> Decimal:
    return (amount / step).to_integral_value(ROUND_CEILING) * step


def _round_down(amount: Decimal, step: Decimal) -> Decimal:
    return (amount / step).to_integral_value(ROUND_FLOOR) * step


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _next_quarter(day: date) -> date:
    start = _quarter_start(day)
    return date(start.year + 1, 1, 1) if start.month == 10 else date(start.year, start.month + 3, 1)


def _quarter_end(day: date) -> date:
    return _next_quarter(day) - timedelta(days=1)


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _quarter_ends(first: date, last: date) -> list[date]:
    """Every quarter end from the one containing ``first`` up to ``last``."""
    out = []
    day = _quarter_end(first)
    while day <= last:
        out.append(day)
        day = _quarter_end(day + timedelta(days=1))
    return out


# --- what the demo contains --------------------------------------------------------------


@dataclass(frozen=True)
class DemoInvestor:
    name: str
    kind: InvestorKind
    country: str
    email: str
    address: str
    notes: str | None = None


@dataclass(frozen=True)
class DemoCommitment:
    investor: DemoInvestor
    amount: Decimal
    close: int = 1


@dataclass(frozen=True)
class DemoSale:
    """A sale of ``fraction`` of the cost then held, for ``multiple`` times that cost."""

    on: date
    fraction: Decimal
    multiple: Decimal
    description: str


@dataclass(frozen=True)
class DemoCompany:
    name: str
    sector: str
    country: str
    description: str
    purchases: tuple[tuple[date, Decimal, str], ...]
    """(date, cost, instrument) of each investment."""
    marks: tuple[tuple[date, float], ...]
    """Fair value as a multiple of the cost held at a few quarter ends (the quarters between:
    :attr:`DemoFund.marked_to_comparables`)."""
    sales: tuple[DemoSale, ...] = ()
    income: tuple[tuple[date, Decimal], ...] = ()
    written_off: date | None = None
    listed_on: date | None = None
    """The day of its initial public offering: from then on it is valued at its quoted price."""


@dataclass(frozen=True)
class DemoExpense:
    on: date
    amount: Decimal
    category: str
    vendor: str
    description: str
    company: str | None = None


@dataclass(frozen=True)
class DemoTransactionFee:
    """A fee the manager received from a portfolio company; it offsets the next management
    fee installment."""

    on: date
    amount: Decimal
    company: str
    description: str


@dataclass(frozen=True)
class DemoFund:
    name: str
    legal_name: str
    strategy: str
    description: str
    vintage: int
    target_size: Decimal
    initial_close: date
    waterfall_type: WaterfallType
    gp: DemoInvestor
    gp_amount: Decimal
    commitments: tuple[DemoCommitment, ...]
    companies: tuple[DemoCompany, ...]
    expenses: tuple[DemoExpense, ...]
    second_close: date | None
    seed: int
    marked_to_comparables: bool
    """True: a full valuation against comparable companies at each half-year end (the marks
    interpolated, with noise), rolled forward unchanged in the quarters between, and listed
    holdings at their quoted price every quarter; False: each mark holds until the next, as
    venture marks move on financing rounds and annual reviews."""
    transaction_fees: tuple[DemoTransactionFee, ...] = ()
    lp_user_investor: str | None = None
    """The investor the demo's ``limited_partner`` user sees in the LP portal."""
    unpaid: tuple[str, ...] = ()
    """LPs that have not paid the latest quarter's calls."""
    partly_paid: tuple[str, ...] = ()
    """LPs that paid half of the latest quarter's calls."""


def _entity(
    name: str, country: str, email: str, address: str, notes: str | None = None
) -> DemoInvestor:
    return DemoInvestor(name, InvestorKind.ENTITY, country, email, address, notes)


def _person(
    name: str, country: str, email: str, address: str, notes: str | None = None
) -> DemoInvestor:
    return DemoInvestor(name, InvestorKind.INDIVIDUAL, country, email, address, notes)


# The LPs, several of whom invest in both funds.
CASCADE_TRS = _entity(
    "Cascade Teachers' Retirement System",
    "US",
    "private.markets@cascade-trs.example",
    "1200 Capitol Way, Olympia, WA 98501",
    "Public pension plan; LPAC member in both funds.",
)
LAKESHORE = _entity(
    "Lakeshore County Employees' Pension Plan",
    "US",
    "alternatives@lakeshore-pension.example",
    "55 West Harbor Drive, Chicago, IL 60601",
    "Public pension plan; LPAC member.",
)
PRAIRIE_FIRE = _entity(
    "Prairie State Firefighters' Pension Fund",
    "US",
    "investments@prairiefire-pension.example",
    "410 Capitol Avenue, Springfield, IL 62701",
)
NORDVIK = _entity(
    "Nordvik Municipal Pension Fund",
    "NO",
    "pe@nordvik-pensjon.example",
    "Kongens gate 14, 0153 Oslo",
    "Side letter: ESG reporting annex.",
)
RHEINLAND = _entity(
    "Rheinland Professional Pension Scheme",
    "DE",
    "alternatives@rheinland-versorgung.example",
    "Rheinuferstrasse 8, 40213 Duesseldorf",
)
MAPLE_RIDGE = _entity(
    "Maple Ridge Healthcare Pension Plan",
    "CA",
    "privateequity@mapleridge-hpp.example",
    "250 Bay Street, Toronto, ON M5J 2N8",
    "LPAC member.",
)
THAMES_VALLEY = _entity(
    "Thames Valley Local Government Pension Fund",
    "GB",
    "pensions.investments@thamesvalley-lgps.example",
    "Shire Hall, Reading RG1 3BQ",
)
HOKURIKU = _entity(
    "Hokuriku Corporate Pension Fund",
    "JP",
    "alt-invest@hokuriku-kikin.example",
    "2-1 Marunouchi, Kanazawa 920-0000",
)
WHITMORE = _entity(
    "Whitmore University Endowment",
    "US",
    "endowment@whitmore-university.example",
    "1 University Circle, New Haven, CT 06511",
    "Re-up from Northwind Growth Fund I.",
)
ALDER_CREEK = _entity(
    "Alder Creek College Endowment",
    "US",
    "treasurer@aldercreek-college.example",
    "300 College Avenue, Ithaca, NY 14850",
)
GREYSTONE = _entity(
    "Greystone Medical Research Foundation",
    "US",
    "investments@greystone-foundation.example",
    "77 Longwood Avenue, Boston, MA 02115",
)
HOLLIS = _entity(
    "Hollis Arts Foundation",
    "US",
    "finance@hollis-arts.example",
    "18 Gallery Row, Santa Fe, NM 87501",
)
ST_BRENDANS = _entity(
    "St. Brendan's Hospital Foundation",
    "IE",
    "foundation@stbrendans-hospital.example",
    "Merrion Square 12, Dublin 2",
)
LARCHMONT = _entity(
    "Larchmont Mutual Life Assurance Company",
    "US",
    "privatemarkets@larchmont-mutual.example",
    "900 Market Street, Hartford, CT 06103",
)
ALPENRAND = _entity(
    "Alpenrand Versicherung AG",
    "CH",
    "kapitalanlagen@alpenrand.example",
    "Bahnhofplatz 3, 6003 Luzern",
)
SUMMIT_RIDGE = _entity(
    "Summit Ridge Private Equity Partners V",
    "US",
    "operations@summitridge-pe.example",
    "345 California Street, San Francisco, CA 94104",
    "Fund of funds; LPAC member.",
)
LANTERN_HILL = _entity(
    "Lantern Hill Secondary & Co-Investment Fund",
    "GB",
    "fundops@lanternhill.example",
    "22 Bishopsgate, London EC2N 4BQ",
)
EASTGATE = _entity(
    "Eastgate Asia Private Markets Fund",
    "SG",
    "investor.services@eastgate-pm.example",
    "8 Marina View, Singapore 018960",
)
GULF_HORIZON = _entity(
    "Gulf Horizon Investment Authority",
    "AE",
    "private.equity@gulfhorizon.example",
    "Al Maryah Island, Abu Dhabi",
    "Side letter: most-favoured-nation clause.",
)
BRENNAN = _entity(
    "Brennan Family Office",
    "US",
    "office@brennan-family.example",
    "40 Rowes Wharf, Boston, MA 02110",
    "Single-family office; portal access for its principal.",
)
RAVENSCROFT = _entity(
    "Ravenscroft Family Office",
    "GB",
    "investments@ravenscroft-fo.example",
    "9 Grosvenor Street, London W1K 4QD",
)
CASTELLANE = _entity(
    "Castellane Family Office",
    "FR",
    "gestion@castellane-fo.example",
    "18 avenue Hoche, 75008 Paris",
)
LINDQVIST = _entity(
    "Lindqvist Family Holdings AB",
    "SE",
    "invest@lindqvist-holdings.example",
    "Strandvagen 7, 114 56 Stockholm",
)
HAYASHIDA = _entity(
    "Hayashida Family Trust",
    "JP",
    "trust@hayashida-family.example",
    "4-2 Minami-Aoyama, Minato-ku, Tokyo 107-0062",
)
VAN_DER_BERG = _entity(
    "Van der Berg Capital BV",
    "NL",
    "office@vdberg-capital.example",
    "Herengracht 450, 1017 CA Amsterdam",
)
PEMBERTON = _entity(
    "Pemberton Family Partners",
    "US",
    "partners@pemberton-family.example",
    "600 Brickell Avenue, Miami, FL 33131",
)
ASHDOWN = _person(
    "Eleanor Ashdown",
    "US",
    "e.ashdown@ashdown-mail.example",
    "12 Pine Hill Road, Greenwich, CT 06830",
)
QUINTERO = _person(
    "Rafael Quintero-Vance",
    "US",
    "rqv@quintero-vance.example",
    "2100 Ocean Drive, Santa Monica, CA 90405",
)
OYELARAN = _person(
    "Miriam Oyelaran",
    "GB",
    "miriam@oyelaran-mail.example",
    "31 Chelsea Embankment, London SW3 4LG",
)
FELDHAUS = _person(
    "Jonas Feldhaus",
    "DE",
    "jonas@feldhaus-mail.example",
    "Elbchaussee 120, 22763 Hamburg",
)
VASQUEZ_THORNE = _person(
    "Anika Vasquez-Thorne",
    "US",
    "anika@vasquez-thorne.example",
    "88 Lakeview Terrace, Austin, TX 78703",
)
LANGFORD = _person(
    "Theodore Langford",
    "US",
    "t.langford@langford-mail.example",
    "5 Beacon Hill Lane, Denver, CO 80206",
)
HARBORVIEW_BANK = _entity(
    "Harborview Community Bank",
    "US",
    "treasury@harborview-bank.example",
    "101 Harbor Street, Portland, ME 04101",
)
NORTHERN_LIGHTS = _entity(
    "Northern Lights Credit Union Foundation",
    "US",
    "foundation@northernlights-cu.example",
    "400 Fourth Avenue, Anchorage, AK 99501",
)
BAYSIDE = _entity(
    "Bayside Municipal Retirement System",
    "US",
    "investments@bayside-mrs.example",
    "1 Civic Center Plaza, San Diego, CA 92101",
    "Admitted at the second close; equalized.",
)
KESTREL = _entity(
    "Kestrel Ridge Fund of Funds III",
    "US",
    "ops@kestrelridge.example",
    "200 Park Avenue, New York, NY 10166",
    "Admitted at the second close; equalized.",
)
REDWOOD_VALLEY = _entity(
    "Redwood Valley Public Employees' Retirement Association",
    "US",
    "alternatives@redwood-pera.example",
    "1500 Capitol Mall, Sacramento, CA 95814",
    "LPAC member.",
)
LAKEMONT = _entity(
    "Lakemont University Endowment",
    "US",
    "investments@lakemont.example",
    "1 Lakemont Quad, Ann Arbor, MI 48109",
)
COPPERFIELD = _entity(
    "Copperfield Children's Health Foundation",
    "US",
    "finance@copperfield-health.example",
    "2400 Sixth Street, Nashville, TN 37203",
)
BALTIC_COAST = _entity(
    "Baltic Coast Pension Fund",
    "DK",
    "pe@balticcoast-pension.example",
    "Havnegade 39, 1058 Copenhagen",
)
KANSAI = _entity(
    "Kansai Venture Partners Fund of Funds",
    "JP",
    "fof@kansai-vp.example",
    "3-6 Umeda, Kita-ku, Osaka 530-0001",
)
CORAL_SEA = _entity(
    "Coral Sea Superannuation Fund",
    "AU",
    "privatemarkets@coralsea-super.example",
    "120 Collins Street, Melbourne VIC 3000",
    "LPAC member.",
)
TIDEWATER = _entity(
    "Tidewater Technology Fund of Funds II",
    "US",
    "ops@tidewater-fof.example",
    "1 Dock Square, Norfolk, VA 23510",
)
MARLOWE_FINCH = _entity(
    "Marlowe & Finch Family Office",
    "GB",
    "office@marlowefinch.example",
    "14 Charlotte Square, Edinburgh EH2 4DJ",
)
DELACROIX = _entity(
    "Delacroix Family Office",
    "FR",
    "contact@delacroix-fo.example",
    "5 place Bellecour, 69002 Lyon",
)
KOWHAI = _entity(
    "Kowhai Family Trust",
    "NZ",
    "trustees@kowhai-trust.example",
    "15 Customs Street, Auckland 1010",
)
BERGQVIST = _person(
    "Stellan Bergqvist",
    "SE",
    "stellan@bergqvist-mail.example",
    "Sveavagen 44, 111 34 Stockholm",
)
CARROW = _person(
    "Imogen Carrow",
    "GB",
    "imogen@carrow-mail.example",
    "7 Royal Crescent, Bath BA1 2LR",
)
VENTURELLI = _person(
    "Dario Venturelli",
    "IT",
    "dario@venturelli-mail.example",
    "Via Brera 21, 20121 Milano",
)
ACHTERBERG = _person(
    "Samuel Achterberg",
    "NL",
    "samuel@achterberg-mail.example",
    "Maliebaan 60, 3581 CV Utrecht",
)
FUJISAKI = _person(
    "Naoko Fujisaki",
    "JP",
    "naoko@fujisaki-mail.example",
    "1-9 Daikanyama, Shibuya-ku, Tokyo 150-0034",
)
ANDES_PACIFIC = _entity(
    "Andes Pacific Family Holdings",
    "CL",
    "inversiones@andespacific.example",
    "Avenida Isidora Goyenechea 3000, Santiago",
)
PINECREST = _entity(
    "Pinecrest Community Foundation",
    "US",
    "grants.finance@pinecrest-cf.example",
    "75 Main Street, Burlington, VT 05401",
)
SILVERLINE = _entity(
    "Silverline Corporate Ventures LLC",
    "US",
    "cv@silverline-corp.example",
    "1 Silverline Way, San Jose, CA 95110",
    "Corporate venture investor.",
)
IRONBRIDGE = _entity(
    "Ironbridge Insurance Company",
    "US",
    "investments@ironbridge-ins.example",
    "500 Grant Street, Pittsburgh, PA 15219",
)
LAC_LEMAN = _entity(
    "Lac Leman Private Bank Fund Solutions",
    "CH",
    "fundsolutions@lacleman-bank.example",
    "Quai du Mont-Blanc 5, 1201 Geneve",
)

GROWTH_GP = _entity(
    "Northwind Growth Partners II GP, L.P.",
    "US",
    "fund.admin@northwind.example",
    "100 Federal Street, Boston, MA 02110",
    "The general partner of Northwind Growth Fund II.",
)
VENTURES_GP = _entity(
    "Northwind Ventures III GP, L.P.",
    "US",
    "fund.admin@northwind.example",
    "100 Federal Street, Boston, MA 02110",
    "The general partner of Northwind Ventures III.",
)


def _c(investor: DemoInvestor, millions: float, close: int = 1) -> DemoCommitment:
    return DemoCommitment(investor, _m(millions), close)


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _x(value: str) -> Decimal:
    return Decimal(value)


def _annual_expenses(
    first_year: int,
    start: date,
    *,
    audit_fee: float,
    administration: float,
    tax: float,
    insurance: float,
    meeting: float,
) -> list[DemoExpense]:
    """The recurring expenses of a fund from ``start`` to the end of the demo, growing 3% a
    year: the annual audit, tax returns and K-1s, insurance, the annual meeting and the
    administrator's half-yearly invoices."""
    out: list[DemoExpense] = []
    for year in range(first_year, DEMO_END.year + 1):
        growth = Decimal("1.03") ** (year - first_year)

        def cost(thousands: float, growth: Decimal = growth) -> Decimal:
            return (_k(thousands) * growth).quantize(Decimal(100))

        items = [
            (
                date(year, 3, 16),
                cost(audit_fee),
                "audit",
                "Ashford Lane Audit LLP",
                f"Audit of the {year - 1} financial statements",
            ),
            (
                date(year, 4, 10),
                cost(tax),
                "tax",
                "Ashford Lane Audit LLP",
                f"Partnership tax return and K-1s for {year - 1}",
            ),
            (
                date(year, 7, 1),
                cost(insurance),
                "insurance",
                "Keystone Specialty Underwriters",
                f"GP and fund liability insurance {year}-{year + 1}",
            ),
            (
                date(year, 10, 14),
                cost(meeting),
                "investor_relations",
                "Harborside Conference Center",
                f"Annual investor meeting {year}",
            ),
        ]
        items += [
            (
                _month_end(year, month),
                cost(administration),
                "administration",
                "Bluewater Fund Services",
                f"Fund administration H{month // 6} {year}",
            )
            for month in (6, 12)
        ]
        out += [
            DemoExpense(on, amount, category, vendor, text)
            for on, amount, category, vendor, text in items
            if start <= on <= DEMO_END and not (category in ("audit", "tax") and year == first_year)
        ]
    return out


GROWTH_COMPANIES = (
    DemoCompany(
        "Tessellate Health",
        "Healthcare software",
        "US",
        "Care-coordination software for regional hospital networks.",
        purchases=(
            (_d("2018-05-15"), _k(16_000), "Series C preferred"),
            (_d("2020-02-20"), _k(5_000), "Series D preferred"),
        ),
        marks=(
            (_d("2018-06-30"), 1.0),
            (_d("2019-03-31"), 1.0),
            (_d("2019-12-31"), 1.25),
            (_d("2020-12-31"), 1.6),
            (_d("2021-12-31"), 2.2),
            (_d("2022-12-31"), 2.4),
            (_d("2023-09-30"), 3.2),
        ),
        sales=(
            DemoSale(
                _d("2023-11-14"),
                _x("1"),
                _x("3.4"),
                "Sale of Tessellate Health to a strategic acquirer",
            ),
        ),
    ),
    DemoCompany(
        "Brightwater Logistics",
        "Supply-chain software",
        "US",
        "Freight visibility and yard-management software for mid-market shippers.",
        purchases=(
            (_d("2018-08-21"), _k(14_000), "Series B preferred"),
            (_d("2019-08-20"), _k(4_000), "Series B-1 preferred"),
        ),
        marks=(
            (_d("2018-09-30"), 1.0),
            (_d("2019-06-30"), 1.0),
            (_d("2020-06-30"), 1.15),
            (_d("2021-06-30"), 1.7),
            (_d("2022-06-30"), 1.9),
            (_d("2023-12-31"), 2.2),
            (_d("2024-03-31"), 2.35),
            (_d("2026-09-30"), 3.0),
        ),
        sales=(
            DemoSale(
                _d("2024-06-12"),
                _x("0.5"),
                _x("2.4"),
                "Partial sale of Brightwater Logistics in a secondary to a growth investor",
            ),
        ),
    ),
    DemoCompany(
        "Quillon Payments",
        "Financial technology",
        "GB",
        "Account-to-account payments for European online merchants.",
        purchases=((_d("2018-11-13"), _k(18_000), "Series C preferred"),),
        marks=(
            (_d("2018-12-31"), 1.0),
            (_d("2019-09-30"), 1.1),
            (_d("2020-12-31"), 1.5),
            (_d("2021-12-31"), 2.0),
            (_d("2022-09-30"), 1.5),
            (_d("2023-06-30"), 1.25),
            (_d("2024-12-31"), 1.35),
            (_d("2026-09-30"), 2.1),
        ),
    ),
    DemoCompany(
        "Verdant Grid Systems",
        "Energy technology",
        "DE",
        "Battery storage controls and grid-balancing services for utilities.",
        purchases=(
            (_d("2019-02-19"), _k(15_000), "Series C preferred"),
            (_d("2021-05-18"), _k(6_000), "Series D preferred"),
        ),
        marks=(
            (_d("2019-03-31"), 1.0),
            (_d("2020-03-31"), 1.0),
            (_d("2020-12-31"), 1.3),
            (_d("2021-12-31"), 1.9),
            (_d("2022-12-31"), 2.1),
            (_d("2024-06-30"), 2.5),
            (_d("2025-03-31"), 2.7),
            (_d("2026-09-30"), 3.6),
        ),
        sales=(
            DemoSale(
                _d("2025-05-20"),
                _x("0.4"),
                _x("2.8"),
                "Sale of Verdant Grid Systems shares after its initial public offering",
            ),
            DemoSale(
                _d("2026-03-17"),
                _x("0.5"),
                _x("3.2"),
                "Second sell-down of listed Verdant Grid Systems shares",
            ),
        ),
        listed_on=_d("2025-04-15"),
    ),
    DemoCompany(
        "Prairie Smile Dental Partners",
        "Healthcare services",
        "US",
        "A group of 140 dental practices across the Midwest.",
        purchases=((_d("2019-05-21"), _k(18_000), "Common equity"),),
        marks=(
            (_d("2019-06-30"), 1.0),
            (_d("2020-06-30"), 0.9),
            (_d("2021-06-30"), 1.3),
            (_d("2022-12-31"), 1.7),
            (_d("2024-12-31"), 2.2),
            (_d("2025-09-30"), 2.7),
        ),
        income=(
            (_d("2021-06-30"), _k(600)),
            (_d("2022-06-30"), _k(750)),
            (_d("2023-06-30"), _k(900)),
            (_d("2024-06-28"), _k(950)),
        ),
        sales=(
            DemoSale(
                _d("2025-11-18"),
                _x("1"),
                _x("2.8"),
                "Sale of Prairie Smile Dental Partners to a healthcare buyout fund",
            ),
        ),
    ),
    DemoCompany(
        "Bastionfield Security",
        "Cybersecurity",
        "US",
        "Identity threat detection for hybrid cloud environments.",
        purchases=(
            (_d("2019-11-19"), _k(14_000), "Series C preferred"),
            (_d("2021-11-16"), _k(4_000), "Series D preferred"),
        ),
        marks=(
            (_d("2019-12-31"), 1.0),
            (_d("2020-12-31"), 1.2),
            (_d("2021-12-31"), 1.8),
            (_d("2022-12-31"), 1.6),
            (_d("2024-06-30"), 2.0),
            (_d("2026-09-30"), 3.0),
        ),
    ),
    DemoCompany(
        "Kindlewood Learning",
        "Education technology",
        "US",
        "Tutoring marketplace for K-12 families.",
        purchases=((_d("2020-08-18"), _k(10_000), "Series B preferred"),),
        marks=(
            (_d("2020-09-30"), 1.0),
            (_d("2021-06-30"), 1.6),
            (_d("2021-12-31"), 1.8),
            (_d("2022-06-30"), 1.1),
            (_d("2022-12-31"), 0.6),
            (_d("2023-06-30"), 0.4),
            (_d("2024-03-31"), 0.2),
            (_d("2024-06-30"), 0.1),
        ),
        written_off=_d("2024-09-24"),
    ),
    DemoCompany(
        "Bramblecrest Robotics",
        "Agricultural automation",
        "US",
        "Autonomous harvesting robots for orchards and vineyards.",
        purchases=(
            (_d("2020-11-17"), _k(12_000), "Series B preferred"),
            (_d("2022-05-17"), _k(5_000), "Series C preferred"),
        ),
        marks=(
            (_d("2020-12-31"), 1.0),
            (_d("2021-12-31"), 1.0),
            (_d("2022-06-30"), 1.2),
            (_d("2023-12-31"), 1.4),
            (_d("2025-06-30"), 1.6),
            (_d("2026-09-30"), 2.3),
        ),
    ),
    DemoCompany(
        "Lumenglass Materials",
        "Advanced materials",
        "NL",
        "Low-carbon specialty coatings for glass and packaging.",
        purchases=((_d("2021-08-17"), _k(11_000), "Series B preferred"),),
        marks=(
            (_d("2021-09-30"), 1.0),
            (_d("2022-09-30"), 1.0),
            (_d("2023-09-30"), 0.85),
            (_d("2024-09-30"), 1.05),
            (_d("2026-09-30"), 1.5),
        ),
    ),
    DemoCompany(
        "Cobalt Field Services",
        "Industrial services",
        "CA",
        "Inspection and maintenance services for pipelines and wind farms.",
        purchases=(
            (_d("2022-02-15"), _k(13_000), "Common equity"),
            (_d("2022-11-15"), _k(4_000), "Common equity"),
            (_d("2026-08-18"), _k(1_500), "Common equity (add-on acquisition)"),
        ),
        marks=(
            (_d("2022-03-31"), 1.0),
            (_d("2022-12-31"), 1.0),
            (_d("2023-12-31"), 1.2),
            (_d("2024-12-31"), 1.35),
            (_d("2026-09-30"), 1.9),
        ),
        income=((_d("2024-12-16"), _k(500)), (_d("2025-12-15"), _k(650))),
    ),
)

VENTURES_COMPANIES = (
    DemoCompany(
        "Ferrowave Semiconductors",
        "Semiconductors",
        "US",
        "Power-efficient radio chips for industrial sensors.",
        purchases=(
            (_d("2020-08-18"), _k(6_000), "Series A preferred"),
            (_d("2021-08-17"), _k(8_000), "Series B preferred"),
            (_d("2023-02-14"), _k(6_000), "Series C preferred"),
        ),
        marks=(
            (_d("2020-09-30"), 1.0),
            (_d("2021-06-30"), 1.0),
            (_d("2021-12-31"), 1.5),
            (_d("2022-12-31"), 1.9),
            (_d("2023-12-31"), 2.6),
            (_d("2024-12-31"), 3.4),
            (_d("2025-06-30"), 4.0),
        ),
        sales=(
            DemoSale(
                _d("2025-10-21"),
                _x("1"),
                _x("4.5"),
                "Sale of Ferrowave Semiconductors to a listed chipmaker",
            ),
        ),
    ),
    DemoCompany(
        "Plumline Data",
        "Data infrastructure",
        "US",
        "Streaming data pipelines for analytics teams.",
        purchases=(
            (_d("2020-11-17"), _k(5_000), "Series A preferred"),
            (_d("2022-02-15"), _k(7_000), "Series B preferred"),
        ),
        marks=(
            (_d("2020-12-31"), 1.0),
            (_d("2021-12-31"), 1.4),
            (_d("2022-12-31"), 1.5),
            (_d("2024-06-30"), 2.0),
            (_d("2026-09-30"), 3.2),
        ),
    ),
    DemoCompany(
        "Cindervale Bio",
        "Biotechnology",
        "US",
        "Small-molecule therapies for fibrotic diseases.",
        purchases=(
            (_d("2020-12-15"), _k(4_000), "Series A preferred"),
            (_d("2022-05-17"), _k(5_000), "Series B preferred"),
        ),
        marks=(
            (_d("2020-12-31"), 1.0),
            (_d("2022-03-31"), 1.3),
            (_d("2022-12-31"), 1.2),
            (_d("2023-06-30"), 0.8),
            (_d("2023-12-31"), 0.3),
        ),
        written_off=_d("2024-03-19"),
    ),
    DemoCompany(
        "Atlas Freight Exchange",
        "Logistics marketplace",
        "US",
        "A digital marketplace for less-than-truckload freight.",
        purchases=(
            (_d("2021-02-16"), _k(5_000), "Series A preferred"),
            (_d("2022-08-16"), _k(6_000), "Series B preferred"),
        ),
        marks=(
            (_d("2021-03-31"), 1.0),
            (_d("2021-12-31"), 1.6),
            (_d("2022-09-30"), 1.2),
            (_d("2023-06-30"), 0.6),
            (_d("2024-12-31"), 0.55),
            (_d("2026-09-30"), 0.7),
        ),
    ),
    DemoCompany(
        "Larkspur Care",
        "Digital health",
        "US",
        "Virtual care for chronic conditions, paid by employers.",
        purchases=(
            (_d("2021-05-18"), _k(6_000), "Series A preferred"),
            (_d("2023-02-14"), _k(6_000), "Series B preferred"),
        ),
        marks=(
            (_d("2021-06-30"), 1.0),
            (_d("2022-06-30"), 1.3),
            (_d("2023-06-30"), 1.5),
            (_d("2024-09-30"), 2.0),
            (_d("2026-09-30"), 2.4),
        ),
        sales=(
            DemoSale(
                _d("2024-11-19"),
                _x("0.3"),
                _x("2.2"),
                "Partial sale of Larkspur Care shares in its Series C secondary",
            ),
        ),
    ),
    DemoCompany(
        "Tundra Climate",
        "Climate technology",
        "CA",
        "Measurement and verification software for carbon removal projects.",
        purchases=(
            (_d("2021-08-17"), _k(4_000), "Seed preferred"),
            (_d("2023-05-16"), _k(5_000), "Series A preferred"),
        ),
        marks=(
            (_d("2021-09-30"), 1.0),
            (_d("2022-12-31"), 1.1),
            (_d("2024-06-30"), 1.2),
            (_d("2026-09-30"), 1.35),
        ),
    ),
    DemoCompany(
        "Kitefin Insurance",
        "Insurance technology",
        "GB",
        "Embedded insurance for small-business software platforms.",
        purchases=((_d("2021-11-16"), _k(5_000), "Series A preferred"),),
        marks=(
            (_d("2021-12-31"), 1.0),
            (_d("2022-12-31"), 1.4),
            (_d("2023-12-31"), 2.2),
            (_d("2024-03-31"), 2.6),
        ),
        sales=(
            DemoSale(
                _d("2024-05-14"),
                _x("1"),
                _x("2.8"),
                "Sale of Kitefin Insurance to a European insurer",
            ),
        ),
    ),
    DemoCompany(
        "Parallax Vision",
        "Computer vision",
        "US",
        "Visual inspection models for electronics manufacturing.",
        purchases=(
            (_d("2022-02-15"), _k(6_000), "Series A preferred"),
            (_d("2024-02-13"), _k(4_000), "Series B preferred"),
        ),
        marks=(
            (_d("2022-03-31"), 1.0),
            (_d("2023-03-31"), 1.1),
            (_d("2024-03-31"), 1.3),
            (_d("2025-06-30"), 1.6),
            (_d("2026-09-30"), 2.3),
        ),
    ),
    DemoCompany(
        "Sablewing Security",
        "Cybersecurity",
        "IL",
        "Runtime protection for containerised workloads.",
        purchases=((_d("2022-08-16"), _k(5_000), "Series A preferred"),),
        marks=(
            (_d("2022-09-30"), 1.0),
            (_d("2023-09-30"), 1.2),
            (_d("2025-03-31"), 1.4),
            (_d("2026-09-30"), 1.5),
        ),
    ),
    DemoCompany(
        "Greenhouse Compute",
        "Cloud infrastructure",
        "DE",
        "Data centres run on surplus renewable power.",
        purchases=(
            (_d("2023-02-14"), _k(5_000), "Series A preferred"),
            (_d("2024-08-20"), _k(5_000), "Series B preferred"),
        ),
        marks=(
            (_d("2023-03-31"), 1.0),
            (_d("2024-06-30"), 1.1),
            (_d("2025-06-30"), 1.2),
            (_d("2026-09-30"), 1.3),
        ),
    ),
    DemoCompany(
        "Wrenfield Robotics",
        "Robotics",
        "US",
        "Mobile robots for hospital logistics.",
        purchases=((_d("2023-08-15"), _k(6_000), "Series A preferred"),),
        marks=(
            (_d("2023-09-30"), 1.0),
            (_d("2024-09-30"), 1.0),
            (_d("2025-09-30"), 1.1),
            (_d("2026-09-30"), 1.15),
        ),
    ),
    DemoCompany(
        "Wickham Home Finance",
        "Consumer financial technology",
        "US",
        "Savings and mortgage-readiness app for first-time home buyers.",
        purchases=(
            (_d("2024-05-14"), _k(5_000), "Seed preferred"),
            (_d("2026-08-18"), _k(2_000), "Series A preferred"),
        ),
        marks=(
            (_d("2024-06-30"), 1.0),
            (_d("2025-06-30"), 1.15),
            (_d("2026-09-30"), 1.3),
        ),
    ),
)


def _deal_expenses(companies: Sequence[DemoCompany], rate: Decimal) -> list[DemoExpense]:
    """Legal and due-diligence costs of each investment, charged to its deal."""
    return [
        DemoExpense(
            on - timedelta(days=7),
            (cost * rate).quantize(Decimal(100)),
            "legal",
            "Calloway & Pierce LLP",
            f"Legal and due diligence: {company.name} {instrument}",
            company.name,
        )
        for company in companies
        for on, cost, instrument in company.purchases
    ]


GROWTH_FUND = DemoFund(
    name="Northwind Growth Fund II",
    legal_name="Northwind Growth Fund II, L.P.",
    strategy="Growth equity",
    description=(
        "Minority and majority growth investments in profitable software, healthcare and "
        "industrial technology companies in North America and Europe."
    ),
    vintage=2018,
    target_size=_m(250),
    initial_close=_d("2018-03-31"),
    waterfall_type=WaterfallType.EUROPEAN,
    gp=GROWTH_GP,
    gp_amount=_m(3.75),
    commitments=(
        _c(CASCADE_TRS, 20),
        _c(LAKESHORE, 15),
        _c(PRAIRIE_FIRE, 12.5),
        _c(NORDVIK, 15),
        _c(RHEINLAND, 10),
        _c(MAPLE_RIDGE, 12.5),
        _c(THAMES_VALLEY, 12),
        _c(HOKURIKU, 8),
        _c(WHITMORE, 10),
        _c(ALDER_CREEK, 5),
        _c(GREYSTONE, 7.5),
        _c(HOLLIS, 3),
        _c(ST_BRENDANS, 4),
        _c(LARCHMONT, 10),
        _c(ALPENRAND, 7.5),
        _c(SUMMIT_RIDGE, 15),
        _c(LANTERN_HILL, 8),
        _c(EASTGATE, 7),
        _c(GULF_HORIZON, 15),
        _c(BRENNAN, 5),
        _c(RAVENSCROFT, 4),
        _c(CASTELLANE, 3.5),
        _c(LINDQVIST, 3),
        _c(HAYASHIDA, 2.5),
        _c(VAN_DER_BERG, 3),
        _c(PEMBERTON, 2),
        _c(ASHDOWN, 1),
        _c(QUINTERO, 1.5),
        _c(OYELARAN, 1),
        _c(FELDHAUS, 1),
        _c(VASQUEZ_THORNE, 1.25),
        _c(LANGFORD, 2),
        _c(HARBORVIEW_BANK, 2),
        _c(NORTHERN_LIGHTS, 1.5),
        _c(BAYSIDE, 10, close=2),
        _c(KESTREL, 5, close=2),
    ),
    companies=GROWTH_COMPANIES,
    expenses=(
        DemoExpense(
            _d("2018-04-20"),
            _k(850),
            "organizational",
            "Calloway & Pierce LLP",
            "Formation of the partnership and first closing",
        ),
        *_annual_expenses(
            2018,
            _d("2018-04-01"),
            audit_fee=95,
            administration=45,
            tax=60,
            insurance=70,
            meeting=40,
        ),
        *_deal_expenses(GROWTH_COMPANIES, Decimal("0.004")),
    ),
    second_close=_d("2018-09-28"),
    seed=20180331,
    marked_to_comparables=True,
    transaction_fees=(
        DemoTransactionFee(
            _d("2022-02-22"),
            _k(195),
            "Cobalt Field Services",
            "Transaction fee on the acquisition of Cobalt Field Services",
        ),
        *(
            DemoTransactionFee(
                date(year, 12, 15),
                _k(120),
                "Prairie Smile Dental Partners",
                f"Board and monitoring fee {year}",
            )
            for year in range(2020, 2025)
        ),
    ),
    lp_user_investor=BRENNAN.name,
    unpaid=(LANGFORD.name,),
    partly_paid=(CASTELLANE.name, HARBORVIEW_BANK.name),
)

VENTURES_FUND = DemoFund(
    name="Northwind Ventures III",
    legal_name="Northwind Ventures III, L.P.",
    strategy="Venture capital",
    description=(
        "Series A and B investments in deep-technology, data, health and climate companies, "
        "with reserves for follow-on rounds."
    ),
    vintage=2020,
    target_size=_m(175),
    initial_close=_d("2020-06-12"),
    waterfall_type=WaterfallType.AMERICAN,
    gp=VENTURES_GP,
    gp_amount=_m(2.5),
    commitments=(
        _c(CASCADE_TRS, 15),
        _c(REDWOOD_VALLEY, 15),
        _c(SUMMIT_RIDGE, 10),
        _c(WHITMORE, 7.5),
        _c(LAKEMONT, 8),
        _c(COPPERFIELD, 3),
        _c(NORDVIK, 10),
        _c(BALTIC_COAST, 7),
        _c(KANSAI, 6),
        _c(CORAL_SEA, 10),
        _c(LARCHMONT, 8),
        _c(IRONBRIDGE, 6),
        _c(GULF_HORIZON, 12),
        _c(TIDEWATER, 8),
        _c(LANTERN_HILL, 5),
        _c(SILVERLINE, 5),
        _c(LAC_LEMAN, 4),
        _c(BRENNAN, 3),
        _c(MARLOWE_FINCH, 3),
        _c(DELACROIX, 2.5),
        _c(ANDES_PACIFIC, 2),
        _c(PINECREST, 2),
        _c(HOLLIS, 2),
        _c(KOWHAI, 1.5),
        _c(VENTURELLI, 1.5),
        _c(ASHDOWN, 1),
        _c(BERGQVIST, 1),
        _c(CARROW, 1),
        _c(ACHTERBERG, 1),
        _c(FUJISAKI, 1),
    ),
    companies=VENTURES_COMPANIES,
    expenses=(
        DemoExpense(
            _d("2020-07-15"),
            _k(600),
            "organizational",
            "Calloway & Pierce LLP",
            "Formation of the partnership and first closing",
        ),
        *_annual_expenses(
            2020,
            _d("2020-07-01"),
            audit_fee=80,
            administration=38,
            tax=50,
            insurance=55,
            meeting=30,
        ),
        *_deal_expenses(VENTURES_COMPANIES, Decimal("0.006")),
    ),
    second_close=None,
    seed=20200630,
    marked_to_comparables=False,
    unpaid=(FUJISAKI.name,),
    partly_paid=(DELACROIX.name,),
)

DEMO_FUNDS = (GROWTH_FUND, VENTURES_FUND)


# --- the benchmark -----------------------------------------------------------------------

BENCHMARK_NAME = "Public equity index (demo)"
BENCHMARK_START = date(2017, 12, 31)
BENCHMARK_QUARTERLY_RETURNS = (
    (-1.3, 1.9, 5.0, -13.4),
    (12.5, 4.0, 0.5, 8.6),
    (-21.0, 19.4, 7.9, 14.0),
    (4.9, 7.7, 0.0, 7.8),
    (-5.2, -16.2, -6.2, 9.8),
    (7.7, 6.8, -3.5, 11.4),
    (8.9, 2.6, 6.4, -0.2),
    (-1.8, 11.5, 7.3, 3.1),
    (2.0, 3.5, 1.5),
)
"""Quarterly total returns in percent, one row a year from 2018 to the third quarter of 2026:
a synthetic path with the shape of a developed-market equity index (the late-2018 sell-off,
the 2020 crash and rebound, the 2022 bear market)."""


def benchmark_levels(seed: int = 1969) -> list[tuple[date, Decimal]]:
    """Month-end levels of the demo benchmark, from 1,000 at the end of 2017.

    Each quarter's log return is spread evenly over its three months plus seeded shocks that
    cancel within the quarter, so every quarter end lands on the quarterly path.
    """
    rng = random.Random(seed)
    levels = [(BENCHMARK_START, Decimal("1000.00"))]
    level = 1000.0
    for offset, returns in enumerate(BENCHMARK_QUARTERLY_RETURNS):
        year = BENCHMARK_START.year + 1 + offset
        for quarter, percent in enumerate(returns):
            shocks = [rng.gauss(0, 0.02), rng.gauss(0, 0.02)]
            shocks.append(-sum(shocks))
            monthly = math.log1p(percent / 100) / 3
            for month, shock in enumerate(shocks, start=3 * quarter + 1):
                level *= math.exp(monthly + shock)
                levels.append((_month_end(year, month), Decimal(f"{level:.2f}")))
    return levels


def load_benchmark(db: Session, actor: Actor) -> None:
    """The demo benchmark and its levels, unless the organization has it already."""
    exists = db.scalar(
        select(BenchmarkIndex.id).where(
            BenchmarkIndex.org_id == actor.org_id, BenchmarkIndex.name == BENCHMARK_NAME
        )
    )
    if exists is not None:
        return
    benchmark = performance.create_benchmark(
        db,
        actor,
        BenchmarkCreate(
            name=BENCHMARK_NAME,
            currency="USD",
            description=(
                "Synthetic month-end total-return levels shaped like a developed-market equity "
                "index; for the demo's public market equivalents only."
            ),
        ),
    )
    rows = "".join(f"{day.isoformat()},{level}\n" for day, level in benchmark_levels())
    performance.upload_levels(db, actor, benchmark.id, f"date,level\n{rows}".encode())


# --- loading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoTeam:
    """The members who run the funds: the fund manager drafts calls and distributions (the
    maker), the accountant approves them and keeps the books (the checker), the admin grants
    LP portal access."""

    manager: Actor
    accountant: Actor
    admin: Actor


class DemoOrganization(Protocol):
    """The organization the demo funds belong to, as identity's service hands it out."""

    @property
    def id(self) -> uuid.UUID: ...


class DemoMember(Protocol):
    """A member of that organization, as identity's service hands it out: who acts, and the
    email the audit trail shows."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def email(self) -> str: ...


def demo_actor(org: DemoOrganization, user: DemoMember, role: str) -> Actor:
    """``user`` acting in ``org`` with the permissions of ``role``: the demo acts as its
    members would through the API, and the audit trail names them."""
    return Actor(
        user_id=user.id,
        org_id=org.id,
        role=role,
        permissions=permissions_for(role),
        via="demo",
        email=user.email,
    )


def load_fund_demo(db: Session, org: DemoOrganization, users: Mapping[str, DemoMember]) -> None:
    """The benchmark, both demo funds and the LP portal link, each unless it exists already.

    ``users`` maps a role to the member of ``org`` who has it: ``fund_manager``,
    ``accountant`` and ``admin`` are needed, ``limited_partner`` is linked to its investor.
    Flushes, never commits.
    """
    team = DemoTeam(
        manager=demo_actor(org, users["fund_manager"], "fund_manager"),
        accountant=demo_actor(org, users["accountant"], "accountant"),
        admin=demo_actor(org, users["admin"], "admin"),
    )
    load_benchmark(db, team.manager)
    for spec in DEMO_FUNDS:
        exists = db.scalar(select(Fund.id).where(Fund.org_id == org.id, Fund.name == spec.name))
        if exists is None:
            FundHistory(db, team, spec).load()
    lp_user = users.get("limited_partner")
    if lp_user is not None and GROWTH_FUND.lp_user_investor is not None:
        link_portal_user(db, team.admin, lp_user, GROWTH_FUND.lp_user_investor)


def find_investor(db: Session, actor: Actor, name: str) -> uuid.UUID | None:
    return db.scalar(
        select(Investor.id)
        .where(Investor.org_id == actor.org_id, Investor.name == name)
        .order_by(Investor.created_at)
        .limit(1)
    )


def link_portal_user(db: Session, actor: Actor, user: DemoMember, investor_name: str) -> None:
    """Let ``user`` see the investor in the LP portal, unless it can already."""
    investor_id = find_investor(db, actor, investor_name)
    if investor_id is None:
        return
    linked = db.scalar(
        select(InvestorUser.id).where(
            InvestorUser.investor_id == investor_id, InvestorUser.user_id == user.id
        )
    )
    if linked is None:
        service.link_investor_user(db, actor, investor_id, user.id)


# The order of a day's events: an LP pays a call issued that day, a company is bought with
# the money paid, valued after its transactions, and the carry accrued after everything else.
_CLOSE, _CALL, _PAYMENT, _PURCHASE, _REALIZATION, _EXPENSE, _SETTLEMENT = range(7)
_VALUATION, _DISTRIBUTION, _DISTRIBUTION_PAYMENT, _ACCRUAL, _STATUS = range(7, 12)

_BANKS = {
    "US": "First Harbor Trust Company",
    "GB": "Albion Clearing Bank",
    "DE": "Nordmark Handelsbank",
    "CH": "Banque du Rhone",
    "JP": "Setouchi Trust Bank",
}
_OTHER_BANK = "Calder International Bank"


def _digits(text: str, count: int) -> str:
    """Stable digits derived from ``text`` (for invented account numbers)."""
    value = zlib.crc32(text.encode()) * 2654435761 % 10**count
    return f"{value:0{count}d}"


@dataclass
class _CompanyPlan:
    """A company's cost held through its transactions, to size its sales and valuations."""

    events: list[tuple[date, Decimal]] = field(default_factory=list)

    def cost_on(self, day: date) -> Decimal:
        """The cost held at the end of ``day``."""
        return sum((change for when, change in self.events if when <= day), _ZERO)


class FundHistory:
    """Replays one demo fund's history, event by event in date order, through the services."""

    fund_id: uuid.UUID
    book_id: uuid.UUID

    def __init__(self, db: Session, team: DemoTeam, spec: DemoFund) -> None:
        self.db = db
        self.team = team
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.queue: list[tuple[date, int, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.companies: dict[str, uuid.UUID] = {}
        self.expense_ids: dict[DemoExpense, uuid.UUID] = {}
        self.individuals: set[uuid.UUID] = set()
        self.open_calls: dict[uuid.UUID, CapitalCall] = {}
        self.multiples: dict[str, float] = {}

    # --- the event queue ---

    def at(self, when: date, step: int, action: Callable[[], None]) -> None:
        heapq.heappush(self.queue, (when, step, next(self.order), action))

    def load(self) -> None:
        self.create_fund()
        self.admit(self.spec.initial_close, 1)
        self.schedule()
        year = self.spec.initial_close.year
        while self.queue:
            when, _step, _order, action = heapq.heappop(self.queue)
            if when.year != year:
                year = when.year
                _refresh_statistics(self.db)
            action()

    # --- the fund and its partners ---

    def create_fund(self) -> None:
        spec = self.spec
        fund = service.create_fund(
            self.db,
            self.team.manager,
            FundCreate(
                name=spec.name,
                legal_name=spec.legal_name,
                currency="USD",
                vintage=spec.vintage,
                strategy=spec.strategy,
                status=FundStatus.INVESTING,
                description=spec.description,
                target_size=spec.target_size,
                initial_close_date=spec.initial_close,
                waterfall_type=spec.waterfall_type,
                bank_instructions=(
                    f"Wire to First Harbor Trust Company, Boston. ABA {_digits('ABA', 9)}. "
                    f"Account {_digits(spec.name, 10)} ({spec.legal_name}). Quote the payment "
                    "reference printed on this notice."
                ),
            ),
        )
        self.fund_id = fund.id
        self.book_id = fund.book_id

    def investor(self, demo: DemoInvestor) -> uuid.UUID:
        """The investor of that name, created the first time it is needed."""
        actor = self.team.manager
        found = find_investor(self.db, actor, demo.name)
        if found is None:
            us = demo.country == "US"
            created = service.create_investor(
                self.db,
                actor,
                InvestorCreate(
                    kind=demo.kind,
                    name=demo.name,
                    email=demo.email,
                    address=demo.address,
                    country=demo.country,
                    tax_id=(
                        f"{_digits(demo.name, 9)[:2]}-{_digits(demo.name, 9)[2:]}"
                        if us and demo.kind == InvestorKind.ENTITY
                        else None
                    ),
                    bank_name=_BANKS.get(demo.country, _OTHER_BANK),
                    bank_account=_digits(demo.name + " account", 12),
                    bank_routing=_digits(demo.name + " routing", 9) if us else None,
                    notes=demo.notes,
                ),
            )
            found = created.id
        if demo.kind == InvestorKind.INDIVIDUAL:
            self.individuals.add(found)
        return found

    def admit(self, close_date: date, number: int) -> uuid.UUID:
        """Hold close ``number``: the GP's commitment at the first, then the LPs'; the close."""
        spec = self.spec
        close = service.create_close(self.db, self.team.manager, self.fund_id, close_date)
        admitted = [(spec.gp, spec.gp_amount, True)] if number == 1 else []
        admitted += [(c.investor, c.amount, False) for c in spec.commitments if c.close == number]
        for demo, amount, is_gp in admitted:
            service.create_commitment(
                self.db,
                self.team.manager,
                self.fund_id,
                CommitmentCreate(
                    investor_id=self.investor(demo), amount=amount, close_id=close.id, is_gp=is_gp
                ),
            )
        return close.id

    def second_close(self, close_date: date) -> None:
        """The late closers' admission and their equalization call a week later."""
        close_id = self.admit(close_date, 2)
        call_date = close_date + timedelta(days=7)
        self.at(call_date, _CALL, partial(self.equalize, close_id, call_date))

    def equalize(self, close_id: uuid.UUID, call_date: date) -> None:
        call = equalization.equalize_close(
            self.db,
            self.team.manager,
            self.fund_id,
            close_id,
            EqualizationCreate(
                call_date=call_date,
                due_date=call_date + timedelta(days=21),
                description="Equalization of the LPs admitted at the second close",
            ),
        )
        self.approve_issue_and_collect(call.id)
        caught_up = sum((i.amount for i in call.equalization if i.kind == "fee"), _ZERO)
        paid = call.due_date + timedelta(days=14)
        if caught_up and paid <= DEMO_END:
            self.at(paid, _SETTLEMENT, partial(self.pay_fees, None, paid, caught_up))

    # --- the plan ---

    def schedule(self) -> None:
        """Every event of the fund's history, in the queue. Carried interest is accrued at each
        year end, and at every quarter end of the latest year."""
        spec = self.spec
        if spec.second_close is not None:
            self.at(spec.second_close, _CLOSE, partial(self.second_close, spec.second_close))
        for billing_date in self.billing_dates():
            self.at(billing_date, _CALL, partial(self.bill_fees, billing_date))
        self.schedule_investment_calls()
        self.schedule_expenses()
        for company in spec.companies:
            self.schedule_company(company)
        for fee in spec.transaction_fees:
            self.at(fee.on, _EXPENSE, partial(self.record_transaction_fee, fee))
        self.at(self.investment_period_end, _STATUS, self.start_harvesting)
        first_valuation = min(_quarter_end(c.purchases[0][0]) for c in spec.companies)
        for quarter_end in _quarter_ends(first_valuation, DEMO_END):
            if quarter_end.month == 12 or quarter_end.year == DEMO_END.year:
                self.at(quarter_end, _ACCRUAL, partial(self.accrue_carry, quarter_end))

    @property
    def investment_period_end(self) -> date:
        return service.add_years(self.spec.initial_close, 5)

    def billing_dates(self) -> list[date]:
        """The initial close (the first stub), then the first day of every quarter."""
        days = [self.spec.initial_close]
        day = _next_quarter(self.spec.initial_close)
        while day <= DEMO_END:
            days.append(day)
            day = _next_quarter(day)
        return days

    def schedule_investment_calls(self) -> None:
        """One investment call a quarter for the purchases of that quarter (each made at least
        a fortnight after the call's due date), rounded up with 1% for deal costs."""
        by_quarter: dict[date, list[tuple[str, Decimal]]] = {}
        for company in self.spec.companies:
            for on, cost, _instrument in company.purchases:
                by_quarter.setdefault(_quarter_start(on), []).append((company.name, cost))
        for quarter, bought in sorted(by_quarter.items()):
            amount = _round_up(sum((c for _, c in bought), _ZERO) * Decimal("1.01"), _k(250))
            names = sorted({name for name, _ in bought})
            text = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
            call_date = quarter + timedelta(days=9)
            self.at(
                call_date,
                _CALL,
                partial(
                    self.call_capital,
                    CallPurpose.INVESTMENT,
                    amount,
                    call_date,
                    f"Investment in {text}",
                ),
            )

    def schedule_expenses(self) -> None:
        """Each expense, its payment to the vendor a month later, and, in the investment
        period, one expense call a year for the year's recurring expenses (deal costs are called
        with the investments; later expenses are paid from the reserve kept from exits)."""
        by_year: dict[int, Decimal] = {}
        for expense in self.spec.expenses:
            self.at(expense.on, _EXPENSE, partial(self.record_expense, expense))
            paid = expense.on + timedelta(days=30)
            if paid <= DEMO_END:
                self.at(
                    paid,
                    _SETTLEMENT,
                    partial(self.pay_expense, expense, paid),
                )
            if expense.company is None:
                by_year[expense.on.year] = by_year.get(expense.on.year, _ZERO) + expense.amount
        first_call = _next_quarter(self.spec.initial_close) + timedelta(days=9)
        for year, total in sorted(by_year.items()):
            call_date = max(date(year, 1, 9), first_call)
            if call_date > self.investment_period_end:
                continue
            self.at(
                call_date,
                _CALL,
                partial(
                    self.call_capital,
                    CallPurpose.EXPENSES,
                    _round_up(total, _k(50)),
                    call_date,
                    f"Fund expenses {year}: audit, tax, administration, insurance and the "
                    "annual meeting",
                ),
            )

    def schedule_company(self, company: DemoCompany) -> None:
        """A company's purchases, sales, income, write-off and quarter-end valuations."""
        out = valuations.create_company(
            self.db,
            self.team.manager,
            self.fund_id,
            CompanyCreate(
                name=company.name,
                sector=company.sector,
                country=company.country,
                description=company.description,
            ),
        )
        self.companies[company.name] = out.id
        plan = _CompanyPlan()
        for on, cost, instrument in company.purchases:
            plan.events.append((on, cost))
            self.at(on, _PURCHASE, partial(self.buy, out.id, on, cost, instrument))
        exited: date | None = company.written_off
        for sale in company.sales:
            held = plan.cost_on(sale.on)
            cost = (held * sale.fraction).quantize(_CENT)
            proceeds = (cost * sale.multiple).quantize(Decimal(1000))
            plan.events.append((sale.on, -cost))
            self.at(sale.on, _REALIZATION, partial(self.sell, out.id, sale, cost, proceeds))
            if sale.fraction == 1:
                exited = sale.on
        for on, amount in company.income:
            self.at(on, _REALIZATION, partial(self.receive_income, out.id, company, on, amount))
        if company.written_off is not None:
            self.at(company.written_off, _REALIZATION, partial(self.write_off, out.id, company))
        for quarter_end in _quarter_ends(company.purchases[0][0], DEMO_END):
            if exited is not None and quarter_end >= exited:
                break
            self.at(
                quarter_end,
                _VALUATION,
                partial(self.value, out.id, company, quarter_end, plan.cost_on(quarter_end)),
            )

    # --- calls and payments ---

    def bill_fees(self, billing_date: date) -> None:
        """The quarter's management fee run, its capital call, and the fee paid to the
        manager once the LPs have paid."""
        due = billing_date + timedelta(days=20)
        run = fund_fees.run_fees(
            self.db,
            self.team.manager,
            self.fund_id,
            FeeRunCreate(
                period_start=billing_date, call=True, call_date=billing_date, due_date=due
            ),
        )
        if run.capital_call_id is not None:
            self.approve_issue_and_collect(run.capital_call_id)
        paid = due + timedelta(days=5)
        if run.id is not None and run.total_amount > 0 and paid <= DEMO_END:
            self.at(
                paid,
                _SETTLEMENT,
                partial(self.pay_fees, run.id, paid),
            )

    def call_capital(
        self, purpose: CallPurpose, amount: Decimal, call_date: date, description: str
    ) -> None:
        call = calls.create_call(
            self.db,
            self.team.manager,
            self.fund_id,
            CallCreate(
                purpose=purpose,
                amount=amount,
                call_date=call_date,
                due_date=call_date + timedelta(days=20),
                description=description,
            ),
        )
        self.approve_issue_and_collect(call.id)

    def approve_issue_and_collect(self, call_id: uuid.UUID) -> None:
        """The accountant approves the manager's call, the manager issues it, and each LP's
        payments are scheduled."""
        calls.approve_call(self.db, self.team.accountant, call_id)
        call = calls.issue_call(self.db, self.team.manager, call_id)
        self.schedule_payments(call)

    def schedule_payments(self, call: CallDetailOut) -> None:
        """When each LP pays: most within the notice period, a few late, a few in two
        installments; on the latest quarter's calls some have paid half or nothing yet."""
        latest = call.call_date >= LATEST_QUARTER
        notice_days = (call.due_date - call.call_date).days
        for allocation in call.allocations:
            owed = allocation.amount_due
            name = allocation.investor_name
            first = call.call_date + timedelta(days=self.rng.randint(3, notice_days))
            if latest and name in self.spec.unpaid:
                continue
            if latest and name in self.spec.partly_paid:
                installments = [(first, (owed / 2).quantize(_CENT))]
            else:
                habit = self.rng.random()
                if habit < 0.05:
                    late = call.due_date + timedelta(days=self.rng.randint(2, 10))
                    installments = [(late, owed)]
                elif habit < 0.08:
                    part = (owed * Decimal("0.6")).quantize(_CENT)
                    second = first + timedelta(days=self.rng.randint(5, 15))
                    installments = [(first, part), (second, owed - part)]
                else:
                    installments = [(first, owed)]
            for received, amount in installments:
                self.at(
                    received,
                    _PAYMENT,
                    partial(
                        self.pay,
                        call.id,
                        allocation.id,
                        PaymentCreate(
                            investor_id=allocation.investor_id,
                            commitment_id=allocation.commitment_id,
                            amount=amount,
                            received_date=received,
                            reference=allocation.payment_reference,
                            method=(
                                PaymentMethod.ACH
                                if allocation.investor_id in self.individuals
                                else PaymentMethod.WIRE
                            ),
                        ),
                    ),
                )

    def pay(self, call_id: uuid.UUID, allocation_id: uuid.UUID, payment: PaymentCreate) -> None:
        """The accountant records an LP's payment against its share of the call.

        The bank reconciliation's way (:func:`calls.apply_payment` on the locked call), with
        the call kept loaded between its payments: reading a call with all its LPs again for
        each of thousands of payments would be most of the demo's loading time.
        """
        actor = self.team.accountant
        require(actor, "payment:write")
        call = self.open_calls.get(call_id)
        if call is None or "allocations" in inspect(call).unloaded:
            call = calls.get_call_row(self.db, actor, call_id, for_update=True)
            self.open_calls[call_id] = call
        allocation = next(a for a in call.allocations if a.id == allocation_id)
        calls.apply_payment(
            self.db,
            actor,
            call,
            allocation,
            amount=payment.amount,
            received_date=payment.received_date,
            reference=payment.reference,
            method=payment.method,
        )

    # --- the portfolio ---

    def buy(self, company_id: uuid.UUID, on: date, cost: Decimal, instrument: str) -> None:
        valuations.record_investment(
            self.db,
            self.team.manager,
            company_id,
            InvestmentCreate(
                transaction_date=on,
                cost_amount=cost,
                instrument=instrument,
                description=f"{instrument} investment",
            ),
        )

    def value(
        self, company_id: uuid.UUID, company: DemoCompany, quarter_end: date, cost: Decimal
    ) -> None:
        """The quarter-end fair value: the cost held times the company's multiple that
        quarter (see :attr:`DemoFund.marked_to_comparables`)."""
        listed = company.listed_on is not None and company.listed_on <= quarter_end
        rolled = (
            self.spec.marked_to_comparables
            and company.name in self.multiples
            and quarter_end.month in (3, 9)
            and not listed
        )
        if not self.spec.marked_to_comparables:
            multiple = _latest_mark(company.marks, quarter_end)
        elif rolled:
            multiple = self.multiples[company.name]
        else:
            multiple = _interpolate(company.marks, quarter_end)
            if multiple != 1.0:
                multiple *= 1 + self.rng.gauss(0, 0.03)
        self.multiples[company.name] = multiple
        fair_value = Decimal(round(float(cost) * multiple / 1000) * 1000).quantize(_CENT)
        if listed:
            method = "Quoted price"
        elif multiple == 1.0:
            method = "Price of recent investment"
        elif rolled:
            method = "Roll-forward of the prior valuation"
        elif self.spec.marked_to_comparables:
            method = "Market approach: comparable companies"
        else:
            method = "Calibrated to the latest financing round"
        valuations.record_valuation(
            self.db,
            self.team.manager,
            company_id,
            ValuationCreate(as_of=quarter_end, fair_value=fair_value, method=method),
        )

    def sell(self, company_id: uuid.UUID, sale: DemoSale, cost: Decimal, proceeds: Decimal) -> None:
        valuations.record_realization(
            self.db,
            self.team.manager,
            company_id,
            RealizationCreate(
                kind="sale",
                transaction_date=sale.on,
                cost_amount=cost,
                proceeds_amount=proceeds,
                description=sale.description,
            ),
        )
        paid_out = sale.on + timedelta(days=21)
        self.at(
            paid_out,
            _DISTRIBUTION,
            partial(
                self.distribute,
                DistributionSource.EXIT,
                _round_down(proceeds, _k(100)),
                paid_out,
                company_id,
                f"Proceeds distributed. {sale.description}.",
            ),
        )

    def receive_income(
        self, company_id: uuid.UUID, company: DemoCompany, on: date, amount: Decimal
    ) -> None:
        valuations.record_realization(
            self.db,
            self.team.manager,
            company_id,
            RealizationCreate(
                kind="income",
                transaction_date=on,
                proceeds_amount=amount,
                description=f"Dividend from {company.name}",
            ),
        )
        paid_out = on + timedelta(days=30)
        self.at(
            paid_out,
            _DISTRIBUTION,
            partial(
                self.distribute,
                DistributionSource.DIVIDEND,
                _round_down(amount, _k(10)),
                paid_out,
                company_id,
                f"Distribution of the dividend received from {company.name}",
            ),
        )

    def write_off(self, company_id: uuid.UUID, company: DemoCompany) -> None:
        assert company.written_off is not None
        valuations.record_realization(
            self.db,
            self.team.manager,
            company_id,
            RealizationCreate(
                kind="write_off",
                transaction_date=company.written_off,
                description=f"{company.name} ceased operations; its shares are worthless",
            ),
        )

    # --- distributions, expenses and the books ---

    def distribute(
        self,
        source: DistributionSource,
        amount: Decimal,
        on: date,
        company_id: uuid.UUID,
        description: str,
    ) -> None:
        """Through the waterfall: drafted by the manager, approved by the accountant, issued,
        and paid four days later."""
        drafted = distributions.create_distribution(
            self.db,
            self.team.manager,
            self.fund_id,
            DistributionCreate(
                source=source,
                gross_amount=amount,
                distribution_date=on,
                company_id=company_id,
                description=description,
            ),
        )
        distributions.approve_distribution(self.db, self.team.accountant, drafted.id)
        distributions.issue_distribution(self.db, self.team.manager, drafted.id)
        paid = on + timedelta(days=4)
        self.at(paid, _DISTRIBUTION_PAYMENT, partial(self.pay_distribution, drafted.id, paid))

    def pay_distribution(self, distribution_id: uuid.UUID, paid: date) -> None:
        distributions.pay_distribution(
            self.db, self.team.manager, distribution_id, DistributionPay(paid_date=paid)
        )

    def record_expense(self, expense: DemoExpense) -> None:
        self.expense_ids[expense] = fund_fees.create_expense(
            self.db,
            self.team.accountant,
            self.fund_id,
            ExpenseCreate(
                expense_date=expense.on,
                amount=expense.amount,
                category=expense.category,
                vendor=expense.vendor,
                description=expense.description,
                company_id=self.companies.get(expense.company) if expense.company else None,
            ),
        ).id

    def record_transaction_fee(self, fee: DemoTransactionFee) -> None:
        fund_fees.record_transaction_fee(
            self.db,
            self.team.accountant,
            self.fund_id,
            TransactionFeeCreate(
                received_date=fee.on,
                amount=fee.amount,
                company_id=self.companies[fee.company],
                description=fee.description,
            ),
        )

    def pay_expense(self, expense: DemoExpense, on: date) -> None:
        """The accountant pays the vendor out of the fund's cash."""
        disbursements.create_disbursement(
            self.db,
            self.team.accountant,
            self.fund_id,
            DisbursementCreate(
                kind=DisbursementKind.EXPENSE,
                expense_id=self.expense_ids[expense],
                paid_date=on,
                reference=expense.description[:200],
            ),
        )

    def pay_fees(
        self, fee_run_id: uuid.UUID | None, on: date, amount: Decimal | None = None
    ) -> None:
        """The accountant pays fees to the manager out of the fund's cash: a fee run's, or
        ``amount`` of the fees payable (the late closers' catch-up)."""
        disbursements.create_disbursement(
            self.db,
            self.team.accountant,
            self.fund_id,
            DisbursementCreate(
                kind=DisbursementKind.MANAGEMENT_FEE,
                fee_run_id=fee_run_id,
                amount=amount,
                paid_date=on,
                payee="Northwind Capital Management",
                reference=None if fee_run_id else "Late closers' fee catch-up",
            ),
        )

    def accrue_carry(self, quarter_end: date) -> None:
        distributions.accrue_carried_interest(
            self.db, self.team.accountant, self.fund_id, CarryAccrualCreate(as_of=quarter_end)
        )

    def start_harvesting(self) -> None:
        service.update_fund(
            self.db, self.team.manager, self.fund_id, FundUpdate(status=FundStatus.HARVESTING)
        )


def _refresh_statistics(db: Session) -> None:
    """On PostgreSQL, let the planner see the rows loaded so far (ANALYZE samples the rows of
    the running transaction too): ledger queries over years of history otherwise get plans
    made for empty tables. Autovacuum does this for committed data; the demo loads in one
    transaction."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("ANALYZE postings, journal_entries, call_allocations, payments"))


def _latest_mark(marks: Sequence[tuple[date, float]], day: date) -> float:
    """The multiple of the latest mark on or before ``day`` (the first before any)."""
    return next((multiple for on, multiple in reversed(marks) if on <= day), marks[0][1])


def _interpolate(marks: Sequence[tuple[date, float]], day: date) -> float:
    """The multiple at ``day``: linear between the marks, flat before and after them."""
    if day <= marks[0][0]:
        return marks[0][1]
    for (start, low), (end, high) in itertools.pairwise(marks):
        if day <= end:
            return low + (high - low) * (day - start).days / (end - start).days
    return marks[-1][1]
