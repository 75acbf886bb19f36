"""The ledger's HTTP API: books, their charts, entries, reversals, trial balance and exports.

HTTP only: each route parses, calls one service function and shapes the answer.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from fundhouse.ledger import service
from fundhouse.ledger.schemas import (
    AccountOut,
    BookOut,
    EntryIn,
    EntryOut,
    ReverseIn,
    TrialBalanceOut,
)
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.idempotency import IdempotencyKeyHeader, idempotent, remember
from fundhouse.platform.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page
from fundhouse.platform.schemas import IsoDate

router = APIRouter(prefix="/ledger", tags=["ledger"])

Reader = Annotated[Actor, requires("ledger:read")]
Writer = Annotated[Actor, requires("ledger:write")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "CSV file"}
}


def _csv(content: str, filename: str) -> Response:
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def _span(start: date | None, end: date | None) -> str:
    return f"{start or 'start'}_{end or 'end'}"


@router.get(
    "/books",
    response_model=Page[BookOut],
    summary="The organization's books",
    responses=problem_responses(401, 403, 422),
)
def list_books(
    db: DbSession,
    actor: Reader,
    owner_type: str | None = None,
    sort: str | None = Query(None, description="name or created_at; prefix - to reverse"),
    limit: Limit = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[BookOut]:
    books, next_cursor = service.list_books(
        db, actor, owner_type=owner_type, sort=sort, limit=limit, cursor=cursor
    )
    return Page(items=[BookOut.model_validate(b) for b in books], next_cursor=next_cursor)


@router.get(
    "/books/{book_id}",
    response_model=BookOut,
    summary="One book",
    responses=problem_responses(401, 403, 404),
)
def get_book(book_id: uuid.UUID, db: DbSession, actor: Reader) -> BookOut:
    return BookOut.model_validate(service.get_book(db, actor, book_id))


@router.get(
    "/books/{book_id}/accounts",
    response_model=list[AccountOut],
    summary="The book's chart of accounts",
    responses=problem_responses(401, 403, 404),
)
def list_accounts(book_id: uuid.UUID, db: DbSession, actor: Reader) -> list[AccountOut]:
    return [AccountOut.of(a) for a in service.list_accounts(db, actor, book_id)]


@router.get(
    "/books/{book_id}/entries",
    response_model=Page[EntryOut],
    summary="The book's journal entries with their postings",
    responses=problem_responses(401, 403, 404, 422),
)
def list_entries(
    book_id: uuid.UUID,
    db: DbSession,
    actor: Reader,
    start: IsoDate | None = Query(None, description="Entries dated on or after"),
    end: IsoDate | None = Query(None, description="Entries dated on or before"),
    source_type: str | None = None,
    source_id: uuid.UUID | None = None,
    account_code: str | None = Query(None, description="Entries touching this account"),
    sort: str | None = Query(None, description="number or entry_date; prefix - to reverse"),
    limit: Limit = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Page[EntryOut]:
    entries, next_cursor = service.list_entries(
        db,
        actor,
        book_id,
        start=start,
        end=end,
        source_type=source_type,
        source_id=source_id,
        account_code=account_code,
        sort=sort,
        limit=limit,
        cursor=cursor,
    )
    names = service.party_names(db, actor, entries)
    return Page(items=[EntryOut.of(e, names) for e in entries], next_cursor=next_cursor)


@router.post(
    "/books/{book_id}/entries",
    status_code=201,
    response_model=EntryOut,
    summary="Post a manual (adjusting) entry; it must balance in each currency",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def post_entry(
    book_id: uuid.UUID,
    body: EntryIn,
    request: Request,
    db: DbSession,
    actor: Writer,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    replay = idempotent(db, actor, request, idempotency_key, body)
    if replay is not None:
        return replay
    entry = service.post_manual_entry(
        db,
        actor,
        book_id,
        entry_date=body.entry_date,
        memo=body.memo,
        lines=[line.to_line() for line in body.lines],
    )
    names = service.party_names(db, actor, [entry])
    return remember(db, actor, idempotency_key, 201, EntryOut.of(entry, names))


@router.get(
    "/entries/{entry_id}",
    response_model=EntryOut,
    summary="One journal entry with its postings",
    responses=problem_responses(401, 403, 404),
)
def get_entry(entry_id: uuid.UUID, db: DbSession, actor: Reader) -> EntryOut:
    entry = service.get_entry(db, actor, entry_id)
    return EntryOut.of(entry, service.party_names(db, actor, [entry]))


@router.post(
    "/entries/{entry_id}/reverse",
    status_code=201,
    response_model=EntryOut,
    summary="Reverse a manual entry by posting its mirror image",
    responses=problem_responses(401, 403, 404, 409, 422),
)
def reverse_entry(
    entry_id: uuid.UUID,
    body: ReverseIn,
    request: Request,
    db: DbSession,
    actor: Writer,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    replay = idempotent(db, actor, request, idempotency_key, body)
    if replay is not None:
        return replay
    reversal = service.reverse_manual_entry(
        db, actor, entry_id, entry_date=body.entry_date, memo=body.memo
    )
    names = service.party_names(db, actor, [reversal])
    return remember(db, actor, idempotency_key, 201, EntryOut.of(reversal, names))


@router.get(
    "/books/{book_id}/trial-balance",
    response_model=TrialBalanceOut,
    summary="Every account's balance at a date, as debits and credits per currency",
    responses=problem_responses(401, 403, 404, 422),
)
def trial_balance(
    book_id: uuid.UUID, as_of: IsoDate, db: DbSession, actor: Reader
) -> TrialBalanceOut:
    return TrialBalanceOut.of(service.trial_balance(db, actor, book_id, as_of))


@router.get(
    "/books/{book_id}/entries.csv",
    response_class=Response,
    summary="The journal as CSV, one row per posting",
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 404, 422)},
)
def export_entries(
    book_id: uuid.UUID,
    db: DbSession,
    actor: Reader,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
) -> Response:
    content = service.export_entries_csv(db, actor, book_id, start, end)
    return _csv(content, f"journal-{book_id}-{_span(start, end)}.csv")


@router.get(
    "/books/{book_id}/gl-export.csv",
    response_class=Response,
    summary="A manual-journal import file for accounting systems",
    responses={**CSV_RESPONSE, **problem_responses(401, 403, 404, 422)},
)
def export_gl(
    book_id: uuid.UUID,
    db: DbSession,
    actor: Reader,
    start: IsoDate | None = None,
    end: IsoDate | None = None,
) -> Response:
    content = service.export_gl(db, actor, book_id, start, end)
    return _csv(content, f"gl-journals-{book_id}-{_span(start, end)}.csv")
