"""One error shape for every failure: ``{"error": {"code", "message", "details"}}``.

Validation errors list each problem as ``{"field", "message", "type"}`` (plus ``index`` for items
of a batch), so a client can say exactly what to fix. Unexpected errors are logged with a traceback
and answered with a bare 500 that reveals nothing.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException

from listener.errors import ListenerError, validation_details

log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "too_many_requests",
}


def error_response(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details}}, status_code=status, headers=headers
    )


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""

    @app.exception_handler(ListenerError)
    def _listener(request: Request, exc: ListenerError) -> JSONResponse:
        return error_response(exc.status_code, exc.code, exc.message, exc.details)

    @app.exception_handler(RequestValidationError)
    def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = validation_details(list(exc.errors()))
        first = details[0] if details else {}
        where = first.get("field") or "body"
        if "index" in first:
            where = f"item {first['index']}: {where}"
        message = f"invalid request ({len(details)} problem(s)); first: {where}: {first.get('message', '')}"
        return error_response(422, "validation_error", message, details)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        if exc.status_code == 404 and message == "Not Found":
            message = f"no such endpoint: {request.method} {request.url.path}"
        return error_response(exc.status_code, code, message)

    @app.exception_handler(OverflowError)
    @app.exception_handler(StatementError)
    def _unstorable(request: Request, exc: Exception) -> JSONResponse:
        # A value the database cannot hold (an id above 2**63-1, a NUL character on PostgreSQL, a time
        # before year 1 in UTC) is the caller's mistake: 422, not 500.
        cause = getattr(exc, "orig", exc)
        if not isinstance(exc, DataError) and not isinstance(cause, OverflowError):
            return _unexpected(request, exc)
        return error_response(
            422, "validation_error", "a value in the request is out of range or cannot be stored"
        )

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # the handler runs outside the except block, so pass the exception for the traceback
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return error_response(500, "internal_error", "internal error; the server log has the details")
