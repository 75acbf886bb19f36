"""HTTP pieces every router shares: list parameters, declared responses, files and uploads.

A router imports these instead of restating them, so a list takes the same ``limit``,
``cursor`` and ``format`` everywhere, every file answer carries the same headers, and an
upload is read with the same bound (DESIGN.md §4).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Query, Response, UploadFile

from fundhouse.platform.errors import Invalid, problem_responses
from fundhouse.platform.pagination import MAX_LIMIT
from fundhouse.platform.schemas import IsoDate

Responses = dict[int | str, dict[str, Any]]

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")]
Cursor = Annotated[
    str | None, Query(max_length=1000, description="The `next_cursor` of the previous page")
]
ListFormat = Annotated[
    Literal["json", "csv"],
    Query(description="``csv`` exports every matching row as CSV instead of one page."),
]
AsOf = Annotated[IsoDate | None, Query(description="The valuation date (default: today)")]
Start = Annotated[
    IsoDate | None, Query(description="First day of the period (default: since inception)")
]
End = Annotated[IsoDate | None, Query(description="Last day of the period (default: today)")]

CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

READ: Responses = problem_responses(401, 403, 404, 422)
WRITE: Responses = problem_responses(401, 403, 404, 409, 422)
LIST: Responses = {
    **problem_responses(401, 403, 422),
    200: {"content": {"text/csv": {}}, "description": "A page, or CSV with format=csv"},
}
LIST_OF_PARENT: Responses = {**LIST, **problem_responses(404)}
"""A list under a parent resource (a fund's, an investor's): 404 when the parent is not seen."""


def file_responses(description: str, *media_types: str) -> Responses:
    """The 200 of a route that answers a file of one of ``media_types``."""
    return {200: {"content": {t: {} for t in media_types}, "description": description}}


def attachment(content: bytes | str, media_type: str, filename: str) -> Response:
    """A file to save (``Content-Disposition: attachment``)."""
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def csv_response(text: str, name: str) -> Response:
    """A CSV export named ``name``.csv."""
    return attachment(text, CSV_TYPE, f"{name}.csv")


def inline_pdf(content: bytes, filename: str) -> Response:
    """A PDF the browser shows in place (a notice opened from a list)."""
    return Response(
        content,
        media_type=PDF_TYPE,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def read_upload(file: UploadFile, max_bytes: int, field: str = "file") -> bytes:
    """The bytes of an uploaded file, refused with 422 naming ``field`` beyond ``max_bytes``.

    At most ``max_bytes + 1`` bytes are read, so an oversized upload costs no more memory than
    the limit.
    """
    content = file.file.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise Invalid(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", field=field)
    return content
