"""The finance core: pure calculations with no database, no web and no project imports.

Cash flows and IRR, returns and risk, fund metrics and PME, allocation, waterfalls, fees,
portfolio construction, rebalancing, tax lots and FX. Conventions: ``shared/CONVENTIONS.md``.
"""
