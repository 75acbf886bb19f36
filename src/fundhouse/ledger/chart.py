"""Charts of accounts, and the codes other domains post to.

The codes of :data:`FUND_CHART` are a contract: the funds domain posts capital calls,
contributions, distributions, fees, expenses, carry and valuations to them, and exports map
them into accounting systems. Names may be refined; a code, once published, keeps its meaning.
The layout follows the usual investment-company statements (ASC 946 statement of assets and
liabilities, statement of operations and statement of changes in partners' capital).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fundhouse.ledger.models import AccountType


@dataclass(frozen=True)
class ChartAccount:
    """One account of a chart template, copied into a book when the book is created."""

    code: str
    name: str
    type: AccountType
    is_partner_account: bool = False


class FundAccount(StrEnum):
    """The account codes of a fund's book. Partner accounts carry the partner on each posting."""

    CASH = "1000"
    CONTRIBUTIONS_RECEIVABLE = "1100"  # partner
    INVESTMENTS_AT_COST = "1200"
    UNREALIZED_APPRECIATION = "1210"
    OTHER_RECEIVABLES = "1300"
    DISTRIBUTIONS_PAYABLE = "2000"  # partner
    MANAGEMENT_FEES_PAYABLE = "2100"
    ACCRUED_EXPENSES_PAYABLE = "2200"
    WITHHOLDING_TAX_PAYABLE = "2300"  # partner
    EQUALIZATION_INTEREST_PAYABLE = "2400"  # partner
    CAPITAL_CONTRIBUTIONS = "3000"  # partner
    CAPITAL_DISTRIBUTIONS = "3100"  # partner
    CARRIED_INTEREST_GP = "3200"  # partner (the GP)
    REALIZED_GAIN = "4000"  # partner-allocated
    CHANGE_IN_UNREALIZED_APPRECIATION = "4100"  # partner-allocated
    DIVIDEND_AND_INTEREST_INCOME = "4200"  # partner-allocated
    EQUALIZATION_INTEREST_INCOME = "4300"  # partner
    MANAGEMENT_FEE_EXPENSE = "5000"  # partner
    FUND_EXPENSES = "5100"  # partner
    CARRIED_INTEREST_ALLOCATION = "5200"  # partner
    MANAGEMENT_FEE_OFFSET = "5300"  # partner; a contra-expense, normally a credit


_A, _L, _E, _I, _X = (
    AccountType.ASSET,
    AccountType.LIABILITY,
    AccountType.EQUITY,
    AccountType.INCOME,
    AccountType.EXPENSE,
)

FUND_CHART: tuple[ChartAccount, ...] = (
    ChartAccount(FundAccount.CASH, "Cash", _A),
    ChartAccount(
        FundAccount.CONTRIBUTIONS_RECEIVABLE, "Capital contributions receivable", _A, True
    ),
    ChartAccount(FundAccount.INVESTMENTS_AT_COST, "Investments at cost", _A),
    ChartAccount(FundAccount.UNREALIZED_APPRECIATION, "Unrealized appreciation on investments", _A),
    ChartAccount(FundAccount.OTHER_RECEIVABLES, "Other receivables", _A),
    ChartAccount(FundAccount.DISTRIBUTIONS_PAYABLE, "Distributions payable", _L, True),
    ChartAccount(FundAccount.MANAGEMENT_FEES_PAYABLE, "Management fees payable", _L),
    ChartAccount(FundAccount.ACCRUED_EXPENSES_PAYABLE, "Accrued expenses payable", _L),
    ChartAccount(FundAccount.WITHHOLDING_TAX_PAYABLE, "Withholding tax payable", _L, True),
    ChartAccount(
        FundAccount.EQUALIZATION_INTEREST_PAYABLE, "Equalization interest payable", _L, True
    ),
    ChartAccount(FundAccount.CAPITAL_CONTRIBUTIONS, "Partners' capital — contributions", _E, True),
    ChartAccount(FundAccount.CAPITAL_DISTRIBUTIONS, "Partners' capital — distributions", _E, True),
    ChartAccount(
        FundAccount.CARRIED_INTEREST_GP, "Partners' capital — carried interest (GP)", _E, True
    ),
    ChartAccount(FundAccount.REALIZED_GAIN, "Realized gain on investments", _I, True),
    ChartAccount(
        FundAccount.CHANGE_IN_UNREALIZED_APPRECIATION,
        "Net change in unrealized appreciation",
        _I,
        True,
    ),
    ChartAccount(
        FundAccount.DIVIDEND_AND_INTEREST_INCOME, "Dividend and interest income", _I, True
    ),
    ChartAccount(
        FundAccount.EQUALIZATION_INTEREST_INCOME, "Equalization interest income", _I, True
    ),
    ChartAccount(FundAccount.MANAGEMENT_FEE_EXPENSE, "Management fee expense", _X, True),
    ChartAccount(FundAccount.FUND_EXPENSES, "Fund expenses", _X, True),
    ChartAccount(FundAccount.CARRIED_INTEREST_ALLOCATION, "Carried interest allocation", _X, True),
    ChartAccount(FundAccount.MANAGEMENT_FEE_OFFSET, "Management fee offset", _X, True),
)
"""The standard chart of a fund's book (codes in :class:`FundAccount`)."""
