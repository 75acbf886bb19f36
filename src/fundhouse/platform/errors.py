"""Typed errors and their one mapping to RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://fundhouse.dev/problems/"


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, with the fields a client needs to show what was wrong."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] = []


class AppError(Exception):
    """A refusal the client caused.

    ``keep_changes=True`` asks the request's session to commit what was written before the
    refusal instead of rolling it back: a failed login must still count the failure and leave
    its audit record.
    """

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(
        self,
        detail: str | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(detail or self.title)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.keep_changes = keep_changes


class Invalid(AppError):
    status = 422
    title = "Invalid input"
    slug = "invalid"

    def __init__(self, detail: str | None = None, *, field: str | None = None, **kwargs: Any):
        errors = kwargs.pop("errors", None) or []
        if field is not None:
            errors.append(FieldError(field=field, message=detail or "invalid value"))
        super().__init__(detail, errors=errors, **kwargs)


class Unauthorized(AppError):
    status = 401
    title = "Authentication required"
    slug = "unauthorized"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status = 403
    title = "Forbidden"
    slug = "forbidden"


class NotFound(AppError):
    status = 404
    title = "Not found"
    slug = "not-found"


class Conflict(AppError):
    status = 409
    title = "Conflict"
    slug = "conflict"


class Locked(AppError):
    status = 423
    title = "Locked"
    slug = "locked"


class TooManyRequests(AppError):
    status = 429
    title = "Too many requests"
    slug = "rate-limited"


def problem_response(
    request: Request,
    status: int,
    title: str,
    slug: str,
    detail: str | None = None,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_BASE + slug,
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=getattr(request.state, "request_id", None),
        errors=errors or [],
    )
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or str(loc[0] if loc else "")


_STATUS_TITLES = {
    400: ("Bad request", "bad-request"),
    401: ("Authentication required", "unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("Not found", "not-found"),
    405: ("Method not allowed", "method-not-allowed"),
    409: ("Conflict", "conflict"),
    413: ("Payload too large", "too-large"),
    415: ("Unsupported media type", "unsupported-media-type"),
    423: ("Locked", "locked"),
    429: ("Too many requests", "rate-limited"),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.title, exc.slug, exc.detail, exc.errors, exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            FieldError(field=_location(tuple(e.get("loc", ()))), message=str(e.get("msg", "")))
            for e in exc.errors()
        ]
        fields = ", ".join(sorted({e.field for e in errors}))
        return problem_response(
            request, 422, "Invalid input", "invalid", f"Invalid fields: {fields}", errors
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title, slug = _STATUS_TITLES.get(exc.status_code, ("Error", "error"))
        detail = exc.detail if isinstance(exc.detail, str) else None
        return problem_response(
            request, exc.status_code, title, slug, detail, headers=getattr(exc, "headers", None)
        )


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` declaring the problem+json errors a route can answer.

    FastAPI files the model's schema under ``application/json``;
    :func:`describe_problem_responses` moves it to ``application/problem+json``, the media
    type the handlers answer with.
    """
    return {
        s: {
            "model": Problem,
            "content": {PROBLEM_JSON: {}},
            "description": _STATUS_TITLES.get(s, ("Invalid input",))[0],
        }
        for s in statuses
    }


_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_FRAMEWORK_SCHEMAS = ("HTTPValidationError", "ValidationError")


def describe_problem_responses(document: dict[str, Any]) -> None:
    """Make the API document say what the error handlers really answer, for every operation.

    - Every error is problem+json (a :class:`Problem`), including the 422 FastAPI declares by
      itself with its own ``HTTPValidationError`` shape as ``application/json``.
    - An operation with a request body can answer 400: a body that cannot be read at all (not
      UTF-8, or a broken multipart form) is refused before validation.
    """
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses: dict[str, Any] = operation["responses"]
            if "requestBody" in operation and "400" not in responses:
                responses["400"] = {"description": _STATUS_TITLES[400][0]}
            for status, response in responses.items():
                if not status.isdigit() or int(status) < 400:
                    continue
                if status == "422":
                    response["description"] = "Invalid input"
                response["content"] = {PROBLEM_JSON: {"schema": _PROBLEM_REF}}
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document.get("components", {}).get("schemas", {})
    for name in _FRAMEWORK_SCHEMAS:
        schemas.pop(name, None)
