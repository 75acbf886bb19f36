"""Every workflow router of fund administration, in the order of the API document."""

from __future__ import annotations

from fastapi import APIRouter


def fund_routers() -> list[APIRouter]:
    from fundhouse.funds.accounts.router import router as accounts
    from fundhouse.funds.calls.router import router as calls
    from fundhouse.funds.distributions.router import router as distributions
    from fundhouse.funds.fees.router import router as fees
    from fundhouse.funds.imports.router import router as imports
    from fundhouse.funds.investments.router import router as investments
    from fundhouse.funds.portal.router import router as portal
    from fundhouse.funds.register.router import router as register
    from fundhouse.funds.reporting.router import router as reporting

    return [register, calls, distributions, fees, investments, accounts, reporting, imports, portal]
