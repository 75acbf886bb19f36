"""External users and the parties they belong to.

A user with an external role (DESIGN.md §5: limited partner, founder, client) acts for one
party of the organization (an investor, a company, a client household) and sees only what is
that party's. The domain that owns a kind of party registers it here for its role, so identity
can check the party when someone is invited and link the user when the invitation is accepted,
without reading that domain's tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fundhouse.platform import audit
from fundhouse.platform.access import EXTERNAL_ROLES, Actor, role_permissions


@dataclass(frozen=True)
class PartyKind:
    """How users of one external role are tied to their party."""

    role: str
    kind: str
    """What the party is, in the owning domain's words (``"investor"``)."""
    names: Callable[[Session, uuid.UUID, Sequence[uuid.UUID]], dict[uuid.UUID, str]]
    """The names of those of the ids that are parties of this kind in the organization."""
    link: Callable[[Session, Actor | audit.Context, uuid.UUID, uuid.UUID, uuid.UUID], None]
    """Link ``(org_id, user_id, party_id)``: from then on the user acts for the party."""


_KINDS: dict[str, PartyKind] = {}


def register_party_kind(kind: PartyKind) -> PartyKind:
    if kind.role not in EXTERNAL_ROLES:
        raise ValueError(f"{kind.role} is not an external role")
    _KINDS[kind.role] = kind
    return kind


def party_kind_for(role: str) -> PartyKind | None:
    """The kind of party a user of ``role`` belongs to; None for a staff role, or for an
    external role whose domain is not installed."""
    role_permissions()  # imports every domain's permissions module, where kinds register
    return _KINDS.get(role)
