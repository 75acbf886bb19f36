"""Reconciling a bank statement against the payments the fund expects from its LPs.

The statement is a CSV with a header row naming (in any order, case-insensitive) the columns
``date`` (ISO 8601), ``amount``, ``reference`` and ``payer name``; common bank spellings
(``value date``, ``description``, ``counterparty`` ...) are accepted too. Each credit line is
matched against the open shares of the fund's issued calls:

1. by reference: the reference names a call number ("CALL 3", "call #3") and the investor
   (the code printed on its notice, or its name); among several candidates the one whose
   outstanding amount equals the line wins;
2. otherwise by amount and payer: the outstanding amounts equal to the line's amount whose
   investor's name is similar to the payer's name (token similarity ≥ 0.85).

A line is ``matched`` to exactly one share, ``ambiguous`` when several shares (or none that can
take the amount) fit, and ``unmatched`` otherwise. Lines are matched in file order and a share's
outstanding amount is used up as lines match it, so two lines never pay the same money twice.
A line the fund already recorded (same date, amount and reference as an earlier payment) is
left unmatched.

Applying the matches records one payment per matched line (see :mod:`fundhouse.funds.calls`).
Applying again records nothing more: a line remembers the payment it produced.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from difflib import SequenceMatcher

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from fundhouse.funds.calls.schemas import ReconciliationLineOut, ReconciliationOut
from fundhouse.funds.calls.service import OPEN_STATUSES, apply_payment, get_call_row
from fundhouse.funds.models import (
    BankReconciliation,
    BankReconciliationLine,
    CallAllocation,
    CapitalCall,
    MatchStatus,
    Payment,
    PaymentMethod,
    ReconciliationStatus,
)
from fundhouse.funds.register.service import get_fund_row, money
from fundhouse.platform import audit
from fundhouse.platform.access import Actor, require
from fundhouse.platform.db import utcnow
from fundhouse.platform.errors import AppError, Conflict, Invalid, NotFound

MAX_BYTES = 5 * 1024 * 1024
MAX_LINES = 20_000
NAME_SIMILARITY = 0.85

_COLUMNS = {
    "date": {"date", "transaction_date", "value_date", "booking_date", "posted_date"},
    "amount": {"amount", "credit", "credit_amount"},
    "reference": {"reference", "ref", "payment_reference", "description", "details", "memo"},
    "payer_name": {"payer_name", "payer", "name", "counterparty", "remitter", "originator"},
}
_CALL_NUMBER = re.compile(r"\bCALL\s*(?:NO\.?|NUMBER|#)?\s*(\d+)\b", re.IGNORECASE)
_LEGAL_WORDS = frozenset(
    [
        "the",
        "llc",
        "lp",
        "llp",
        "ltd",
        "limited",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "bv",
        "nv",
        "sarl",
        "trust",
    ]
)


# --- parsing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementLine:
    line_no: int
    transaction_date: date
    amount: Decimal
    reference: str | None
    payer_name: str | None


def _header_key(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


def parse_statement(content: bytes, currency: str) -> list[StatementLine]:
    """The statement's lines, or :class:`Invalid` naming ``file`` and the offending line."""
    if len(content) > MAX_BYTES:
        raise Invalid(
            f"The statement is larger than {MAX_BYTES // (1024 * 1024)} MB.", field="file"
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Invalid("The statement must be UTF-8 text (CSV).", field="file") from exc
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise Invalid("The statement is empty.", field="file")
    keys = [_header_key(h) for h in header]
    position: dict[str, int] = {}
    for column, aliases in _COLUMNS.items():
        found = [i for i, k in enumerate(keys) if k in aliases]
        if found:
            position[column] = found[0]
    missing = [c.replace("_", " ") for c in _COLUMNS if c not in position]
    if missing:
        raise Invalid(
            f"The statement has no column for {', '.join(missing)}; its header row must name "
            "date, amount, reference and payer name.",
            field="file",
        )
    lines: list[StatementLine] = []
    for row_no, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(lines) >= MAX_LINES:
            raise Invalid(f"The statement has more than {MAX_LINES} lines.", field="file")

        def cell(column: str, row: list[str] = row) -> str:
            index = position[column]
            return row[index].strip() if index < len(row) else ""

        try:
            when = date.fromisoformat(cell("date"))
        except ValueError as exc:
            raise Invalid(
                f"Line {row_no}: the date {cell('date')!r} is not a date (YYYY-MM-DD).",
                field="file",
            ) from exc
        raw_amount = cell("amount").replace(",", "").replace(" ", "")
        try:
            amount = Decimal(raw_amount)
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation as exc:
            raise Invalid(
                f"Line {row_no}: the amount {cell('amount')!r} is not a number.", field="file"
            ) from exc
        try:
            amount = money(amount, currency, "file")
        except Invalid as exc:
            raise Invalid(f"Line {row_no}: {exc.detail}", field="file") from exc
        lines.append(
            StatementLine(
                len(lines) + 1,
                when,
                amount,
                cell("reference")[:500] or None,
                cell("payer_name")[:300] or None,
            )
        )
    if not lines:
        raise Invalid("The statement has no lines.", field="file")
    return lines


# --- matching ----------------------------------------------------------------------------


def _tokens(name: str | None) -> list[str]:
    words = re.findall(r"[a-z0-9]+", (name or "").lower())
    return [w for w in words if w not in _LEGAL_WORDS]


def name_similarity(a: str | None, b: str | None) -> float:
    """How alike two party names are, 0 to 1: the better of the token overlap and the
    character similarity of the sorted tokens, ignoring case, punctuation and legal forms
    ("Acme Pension Fund LLC" and "ACME PENSION FUND" are alike)."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    overlap = len(set(ta) & set(tb)) / len(set(ta) | set(tb))
    ratio = SequenceMatcher(None, " ".join(sorted(ta)), " ".join(sorted(tb))).ratio()
    return max(overlap, ratio)


@dataclass
class Match:
    status: MatchStatus
    reason: str
    allocation: CallAllocation | None = None
    candidates: list[CallAllocation] = field(default_factory=list)


def _names_investor(reference: str, allocation: CallAllocation) -> bool:
    upper = reference.upper()
    if allocation.investor_id.hex[:8].upper() in upper:
        return True
    name = " ".join(_tokens(allocation.investor.name))
    return bool(name) and name in " ".join(_tokens(reference))


def match_line(
    line: StatementLine, expected: list[CallAllocation], remaining: dict[uuid.UUID, Decimal]
) -> Match:
    """Match one statement line against the open shares (see the module for the rules)."""
    if line.amount <= 0:
        return Match(MatchStatus.UNMATCHED, "Not a credit.")
    if line.reference:
        numbers = {int(n) for n in _CALL_NUMBER.findall(line.reference)}
        by_reference = [
            a for a in expected if a.call.number in numbers and _names_investor(line.reference, a)
        ]
        if by_reference:
            fitting = [a for a in by_reference if remaining[a.id] >= line.amount]
            exact = [a for a in fitting if remaining[a.id] == line.amount]
            if len(fitting) == 1:
                return Match(
                    MatchStatus.MATCHED, "Call and investor named in the reference.", fitting[0]
                )
            if len(exact) == 1:
                return Match(MatchStatus.MATCHED, "Reference and exact amount.", exact[0])
            if not fitting:
                return Match(
                    MatchStatus.AMBIGUOUS,
                    "The reference names a call share, but the amount exceeds what is "
                    "outstanding on it.",
                    candidates=by_reference,
                )
            return Match(
                MatchStatus.AMBIGUOUS,
                "The reference fits several call shares.",
                candidates=fitting,
            )
    same_amount = [a for a in expected if remaining[a.id] == line.amount]
    if not same_amount:
        return Match(MatchStatus.UNMATCHED, "No expected payment of this amount.")
    alike = [
        a
        for a in same_amount
        if name_similarity(line.payer_name, a.investor.name) >= NAME_SIMILARITY
    ]
    if len(alike) == 1:
        return Match(MatchStatus.MATCHED, "Exact amount and payer name.", alike[0])
    if alike:
        return Match(
            MatchStatus.AMBIGUOUS,
            "Several call shares of this amount are owed by this payer.",
            candidates=alike,
        )
    return Match(
        MatchStatus.AMBIGUOUS,
        "Expected payments of this amount exist, but the payer's name is not an investor's.",
        candidates=same_amount,
    )


# --- reading and writing -----------------------------------------------------------------


def _open_allocations(db: Session, fund_id: uuid.UUID) -> list[CallAllocation]:
    allocations = db.scalars(
        select(CallAllocation)
        .join(CapitalCall, CapitalCall.id == CallAllocation.call_id)
        .options(
            joinedload(CallAllocation.call),
            joinedload(CallAllocation.investor),
            selectinload(CallAllocation.payments),
        )
        .where(CapitalCall.fund_id == fund_id, CapitalCall.status.in_(OPEN_STATUSES))
        .order_by(CapitalCall.due_date, CapitalCall.number, CallAllocation.sequence)
    )
    return [a for a in allocations if a.outstanding > 0]


def _recorded_keys(db: Session, fund_id: uuid.UUID) -> set[tuple[date, Decimal, str | None]]:
    """(date, amount, reference) of every payment the fund recorded and did not reverse."""
    rows = db.execute(
        select(Payment.received_date, Payment.amount, Payment.reference).where(
            Payment.fund_id == fund_id, Payment.reversed_at.is_(None)
        )
    )
    return {(d, a, r or None) for d, a, r in rows}


def _get(db: Session, actor: Actor, reconciliation_id: uuid.UUID) -> BankReconciliation:
    rec = db.scalar(
        select(BankReconciliation)
        .options(
            selectinload(BankReconciliation.lines)
            .joinedload(BankReconciliationLine.allocation)
            .options(joinedload(CallAllocation.call), joinedload(CallAllocation.investor))
        )
        .where(
            BankReconciliation.id == reconciliation_id,
            BankReconciliation.org_id == actor.org_id,
        )
        .execution_options(populate_existing=True)
    )
    if rec is None:
        raise NotFound("No such reconciliation.")
    return rec


def _line_out(line: BankReconciliationLine) -> ReconciliationLineOut:
    allocation = line.allocation
    return ReconciliationLineOut(
        line_no=line.line_no,
        transaction_date=line.transaction_date,
        amount=line.amount,
        reference=line.reference,
        payer_name=line.payer_name,
        status=line.status,
        match_reason=line.match_reason,
        call_allocation_id=line.call_allocation_id,
        call_id=allocation.call_id if allocation else None,
        call_number=allocation.call.number if allocation else None,
        investor_id=allocation.investor_id if allocation else None,
        investor_name=allocation.investor.name if allocation else None,
        candidate_allocation_ids=[uuid.UUID(c) for c in line.candidate_allocation_ids or []],
        payment_id=line.payment_id,
    )


def reconciliation_out(rec: BankReconciliation) -> ReconciliationOut:
    counts = {status: 0 for status in MatchStatus}
    for line in rec.lines:
        counts[line.status] += 1
    return ReconciliationOut(
        id=rec.id,
        fund_id=rec.fund_id,
        filename=rec.filename,
        status=rec.status,
        matched=counts[MatchStatus.MATCHED],
        unmatched=counts[MatchStatus.UNMATCHED],
        ambiguous=counts[MatchStatus.AMBIGUOUS],
        applied=counts[MatchStatus.APPLIED],
        created_at=rec.created_at,
        applied_at=rec.applied_at,
        lines=[_line_out(line) for line in rec.lines],
    )


def create_reconciliation(
    db: Session, actor: Actor, fund_id: uuid.UUID, filename: str | None, content: bytes
) -> ReconciliationOut:
    """Match an uploaded bank statement against the fund's expected payments; records no
    payment yet (see :func:`apply_reconciliation`)."""
    require(actor, "payment:write")
    fund = get_fund_row(db, actor, fund_id)
    statement = parse_statement(content, fund.currency)
    expected = _open_allocations(db, fund.id)
    remaining = {a.id: a.outstanding for a in expected}
    recorded = _recorded_keys(db, fund.id)
    rec = BankReconciliation(
        id=uuid.uuid4(),
        org_id=actor.org_id,
        fund_id=fund.id,
        filename=(filename or "")[:255] or None,
        status=ReconciliationStatus.MATCHED,
        uploaded_by=actor.user_id,
    )
    db.add(rec)
    for line in statement:
        if (line.transaction_date, line.amount, line.reference) in recorded:
            match = Match(MatchStatus.UNMATCHED, "Already recorded as a payment.")
        else:
            match = match_line(line, expected, remaining)
        if match.allocation is not None:
            remaining[match.allocation.id] -= line.amount
        db.add(
            BankReconciliationLine(
                org_id=actor.org_id,
                reconciliation_id=rec.id,
                line_no=line.line_no,
                transaction_date=line.transaction_date,
                amount=line.amount,
                reference=line.reference,
                payer_name=line.payer_name,
                status=match.status,
                match_reason=match.reason,
                call_allocation_id=match.allocation.id if match.allocation else None,
                candidate_allocation_ids=[str(a.id) for a in match.candidates],
            )
        )
    db.flush()
    rec = _get(db, actor, rec.id)
    out = reconciliation_out(rec)
    audit.record(
        db,
        actor,
        "reconciliation.created",
        rec,
        after={
            **audit.snapshot(rec),
            "lines": len(out.lines),
            "matched": out.matched,
            "ambiguous": out.ambiguous,
            "unmatched": out.unmatched,
        },
    )
    return out


def get_reconciliation(
    db: Session, actor: Actor, reconciliation_id: uuid.UUID
) -> ReconciliationOut:
    require(actor, "payment:read")
    return reconciliation_out(_get(db, actor, reconciliation_id))


def resolve_line(
    db: Session,
    actor: Actor,
    reconciliation_id: uuid.UUID,
    line_no: int,
    call_allocation_id: uuid.UUID,
) -> ReconciliationOut:
    """Match an ambiguous or unmatched line by hand to one open share of a call."""
    require(actor, "payment:write")
    rec = _get(db, actor, reconciliation_id)
    line = next((x for x in rec.lines if x.line_no == line_no), None)
    if line is None:
        raise NotFound("No such line in this reconciliation.")
    if line.status == MatchStatus.APPLIED:
        raise Conflict("This line was recorded as a payment already.")
    expected = {a.id: a for a in _open_allocations(db, rec.fund_id)}
    allocation = expected.get(call_allocation_id)
    if allocation is None:
        raise Invalid(
            "Not an open share of an issued call of this fund.", field="call_allocation_id"
        )
    claimed = sum(
        (
            x.amount
            for x in rec.lines
            if x.call_allocation_id == allocation.id
            and x.status == MatchStatus.MATCHED
            and x.line_no != line.line_no
        ),
        Decimal(0),
    )
    if line.amount > allocation.outstanding - claimed:
        raise Invalid(
            f"The line ({line.amount}) exceeds what is outstanding on that share "
            f"({allocation.outstanding - claimed}).",
            field="call_allocation_id",
        )
    before = audit.snapshot(line)
    line.call_allocation_id = allocation.id
    line.status = MatchStatus.MATCHED
    line.match_reason = "Matched by hand."
    line.candidate_allocation_ids = []
    db.flush()
    audit.record(db, actor, "reconciliation.line_matched", line, before=before)
    return reconciliation_out(_get(db, actor, rec.id))


def apply_reconciliation(
    db: Session, actor: Actor, reconciliation_id: uuid.UUID
) -> ReconciliationOut:
    """Record a payment for every matched line not recorded yet.

    Each line is recorded on its own: a line that can no longer be recorded (its call was
    paid or cancelled meanwhile) becomes ambiguous with the reason, and the others go ahead.
    """
    require(actor, "payment:write")
    rec = _get(db, actor, reconciliation_id)
    for line in rec.lines:
        if line.status != MatchStatus.MATCHED or line.call_allocation_id is None:
            continue
        allocation_id = line.call_allocation_id
        try:
            with db.begin_nested():
                allocation = db.scalars(
                    select(CallAllocation).where(CallAllocation.id == allocation_id)
                ).one()
                call = get_call_row(db, actor, allocation.call_id, for_update=True)
                share = next(a for a in call.allocations if a.id == allocation_id)
                payment = apply_payment(
                    db,
                    actor,
                    call,
                    share,
                    amount=line.amount,
                    received_date=line.transaction_date,
                    reference=line.reference,
                    method=PaymentMethod.WIRE,
                )
                line.payment_id = payment.id
                line.status = MatchStatus.APPLIED
                db.flush()
        except AppError as exc:
            line.status = MatchStatus.AMBIGUOUS
            line.match_reason = f"Not recorded: {exc.detail}"[:300]
            db.flush()
    before = audit.snapshot(rec)
    rec.status = ReconciliationStatus.APPLIED
    rec.applied_by = actor.user_id
    rec.applied_at = utcnow()
    db.flush()
    audit.record(db, actor, "reconciliation.applied", rec, before=before)
    return reconciliation_out(_get(db, actor, rec.id))
