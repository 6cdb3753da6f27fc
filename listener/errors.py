"""The service's errors. Each carries its HTTP status and a stable ``code``; one handler renders them
as ``{"error": {"code", "message", "details"}}`` (see ``listener.api.errors``)."""

from __future__ import annotations

from typing import Any


class ListenerError(Exception):
    """An error meant for the caller: ``message`` says what to fix."""

    status_code = 400
    code = "bad_request"

    def __init_subclass__(cls, *, status: int | None = None, code: str | None = None, **kwargs: Any) -> None:
        """A subclass names its HTTP status and code on its class line:
        ``class NotFound(ListenerError, status=404, code="not_found")``."""
        super().__init_subclass__(**kwargs)
        if status is not None:
            cls.status_code = status
        if code is not None:
            cls.code = code

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class NotFound(ListenerError, status=404, code="not_found"):
    """404: no such row."""


class Conflict(ListenerError, status=409, code="conflict"):
    """409: the name is taken, or the state does not allow it."""


class Unprocessable(ListenerError, status=422, code="validation_error"):
    """422: the input is well-formed but wrong; ``details`` name the fields."""


class Unauthorized(ListenerError, status=401, code="unauthorized"):
    """401: no valid key."""


class Forbidden(ListenerError, status=403, code="forbidden"):
    """403: the key's role is too weak."""


class PayloadTooLarge(ListenerError, status=413, code="payload_too_large"):
    """413: the body is over ``LISTENER_MAX_BODY_BYTES``."""


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
