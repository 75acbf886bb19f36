"""Helpers of the reporting and import tests: the routes served, PDF text, XLSX cells, uploads."""

from __future__ import annotations

import io
import re
import zlib
from typing import Any

import httpx
from fastapi import FastAPI
from openpyxl import load_workbook

from tests.funds.helpers import API, Desk


def serve_reports(app: FastAPI) -> FastAPI:
    """The app serving the reporting routes, placed before the web app's catch-all route as
    the app factory places every API router (a no-op once the factory includes them)."""
    if any(getattr(r, "path", "") == f"{API}/imports/templates/{{kind}}.csv" for r in app.routes):
        return app
    from fundhouse.funds.reports_router import router

    before = len(app.router.routes)
    app.include_router(router, prefix=API)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    catch_all = next(
        i for i, r in enumerate(app.router.routes) if getattr(r, "path", "") == "/{path:path}"
    )
    app.router.routes[catch_all:catch_all] = added
    app.openapi_schema = None
    return app


def pdf_text(content: bytes) -> str:
    """The text drawn on a PDF's pages (its content streams, inflated), one string."""
    assert content.startswith(b"%PDF-")
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            chunks.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            chunks.append(stream.decode("latin-1"))
    drawn = re.findall(r"\((.*?)\)\s*Tj", "".join(chunks))
    return " ".join(s.replace("\\(", "(").replace("\\)", ")") for s in drawn)


def xlsx_rows(content: bytes, sheet: int = 0) -> list[tuple[Any, ...]]:
    """The values of a workbook's sheet, row by row (numbers as numbers)."""
    workbook = load_workbook(io.BytesIO(content))
    return [tuple(row) for row in workbook.worksheets[sheet].iter_rows(values_only=True)]


def xlsx_value(content: bytes, label: str, column: int = 1, sheet: int = 0) -> Any:
    """The cell ``column`` cells right of the first cell reading ``label``."""
    for row in xlsx_rows(content, sheet):
        if label in row:
            return row[row.index(label) + column]
    raise AssertionError(f"no row labelled {label!r}")


def upload(
    desk: Desk,
    fund_id: str,
    kind: str,
    content: str | bytes,
    *,
    dry_run: bool = False,
    filename: str = "rows.csv",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    body = content.encode() if isinstance(content, str) else content
    return desk.client.post(
        f"{API}/funds/{fund_id}/imports/{kind}",
        params={"dry_run": str(dry_run).lower()},
        files={"file": (filename, body, "application/octet-stream")},
        headers=headers or desk.headers,
    )
