"""The double-entry ledger: every movement of money is one balanced journal entry.

Other domains post through :mod:`fundhouse.ledger.service`; the chart codes they post to are
in :mod:`fundhouse.ledger.chart`.
"""
