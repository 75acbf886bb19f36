"""HTTP for imports of investors, commitments and historical cash flows: parse, call one service
function, shape the answer.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi.responses import JSONResponse

from fundhouse.funds.imports import service as imports
from fundhouse.funds.imports.service import ImportKind, ImportResult
from fundhouse.platform.access import Actor
from fundhouse.platform.deps import DbSession, requires
from fundhouse.platform.errors import problem_responses
from fundhouse.platform.http import (
    WRITE,
    attachment,
    file_responses,
    read_upload,
)
from fundhouse.platform.idempotency import IdempotencyKeyHeader, idempotent, remember

router = APIRouter()


def _columns_doc() -> str:
    lines = []
    for kind, columns in imports.COLUMNS.items():
        described = "; ".join(
            f"`{c.name}`{' (required)' if c.required else ''}: {c.description}" for c in columns
        )
        lines.append(f"- **{kind.value}**: {described}.")
    return "\n".join(lines)


@router.post(
    "/funds/{fund_id}/imports/{kind}",
    tags=["imports"],
    summary="Import investors, commitments or historical cash flows from CSV or XLSX",
    description=(
        "The whole file is validated first: any bad row gives 422 with every problem in "
        "`errors` (fields such as `row 7: amount`) and nothing is saved. A clean file is applied "
        "in one transaction (201), or only tried and rolled back with `dry_run=true` (200).\n\n"
        "Columns (the first row names them):\n\n" + _columns_doc()
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=ImportResult,
    responses={200: {"model": ImportResult, "description": "A dry run"}, **WRITE},
)
def import_file(
    fund_id: uuid.UUID,
    kind: ImportKind,
    file: Annotated[UploadFile, File(description="The rows as CSV (UTF-8) or XLSX")],
    request: Request,
    db: DbSession,
    actor: Annotated[Actor, requires("import:write")],
    dry_run: Annotated[
        bool, Query(description="Validate and try the import, then save nothing")
    ] = False,
    idempotency_key: IdempotencyKeyHeader = None,
) -> JSONResponse:
    content = read_upload(file, imports.MAX_BYTES)
    fingerprint = {"dry_run": dry_run, "sha256": hashlib.sha256(content).hexdigest()}
    replay = idempotent(db, actor, request, idempotency_key, fingerprint)
    if replay is not None:
        return replay
    result = imports.import_file(db, actor, fund_id, kind, file.filename, content, dry_run=dry_run)
    code = status.HTTP_200_OK if dry_run else status.HTTP_201_CREATED
    return remember(db, actor, idempotency_key, code, result)


@router.get(
    "/imports/templates/{kind}.csv",
    tags=["imports"],
    summary="The CSV template of an import: its columns and an example row",
    response_class=Response,
    responses={
        **file_responses("The template as CSV", "text/csv"),
        **problem_responses(401, 403, 422),
    },
)
def import_template(
    kind: ImportKind, actor: Annotated[Actor, requires("import:write")]
) -> Response:
    return attachment(
        imports.template_csv(kind), "text/csv; charset=utf-8", f"{kind.value}-template.csv"
    )
