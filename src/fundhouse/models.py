"""Imports every domain's tables so that ``Base.metadata`` describes the whole schema."""

from fundhouse.funds import models as funds_models
from fundhouse.identity import models as identity_models
from fundhouse.ledger import models as ledger_models
from fundhouse.platform import audit, jobs_models
from fundhouse.platform.db import Base

__all__ = ["Base", "audit", "funds_models", "identity_models", "jobs_models", "ledger_models"]
