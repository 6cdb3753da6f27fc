"""The service's errors. Each carries its HTTP status and a stable ``code``; one handler renders them
as ``{"error": {"code", "message", "details"}}`` (see ``listener.api.errors``)."""

from __future__ import annotations

from typing import Any


class ListenerError(Exception):
    """An error meant for the caller: ``message`` says what to fix."""

    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class NotFound(ListenerError):
    status_code = 404
    code = "not_found"


class Conflict(ListenerError):
    status_code = 409
    code = "conflict"


class Unprocessable(ListenerError):
    status_code = 422
    code = "validation_error"


class Unauthorized(ListenerError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ListenerError):
    status_code = 403
    code = "forbidden"


class PayloadTooLarge(ListenerError):
    status_code = 413
    code = "payload_too_large"


def validation_details(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic errors as ``{"field", "message", "type"[, "index"]}``; ``field`` is a dotted path
    without the ``body``/``query`` prefix, ``index`` the item's position in a batch."""
    out = []
    for err in errors:
        loc = [p for p in err.get("loc", ()) if p not in ("body",)]
        entry: dict[str, Any] = {}
        if len(loc) >= 2 and loc[0] in ("mentions", "items", "ids") and isinstance(loc[1], int):
            entry["index"] = loc[1]
            loc = loc[2:]
        message = err.get("msg", "invalid value")
        if err.get("type") == "json_invalid":
            message = "the body is not valid JSON: " + str(err.get("ctx", {}).get("error", message))
        entry.update(
            {"field": ".".join(str(p) for p in loc) or None, "message": message, "type": err.get("type")}
        )
        out.append(entry)
    return out
