"""FastAPI dependencies: the request's session and settings, and the caller's principal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from listener.auth import Principal, authenticate, principal_of
from listener.errors import Forbidden, Unauthorized
from listener.settings import Settings
from listener.storage.base import utcnow
from listener.storage.db import session_scope


def get_session(request: Request) -> Iterator[Session]:
    """One session per request, committed when the endpoint returns (before the response is
    sent: ``scope="function"`` below), rolled back on error."""
    with session_scope(request.app.state.sessions) as session:
        yield session


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


# "function" scope: commit before the response leaves, so a 2xx means the change is stored
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def bearer_key(request: Request) -> str | None:
    """The key from ``Authorization: Bearer <key>`` (or, for pages, the login cookie)."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def principal_for(session: Session, key: str | None) -> Principal:
    """Authenticate a key; Unauthorized when it is missing, unknown or revoked."""
    if not key:
        raise Unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    row = authenticate(session, key)
    if row is None:
        raise Unauthorized("invalid or revoked API key (or its user is disabled)")
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now  # at most one write a minute per key
    return principal_of(session, row)


def require(role: str) -> Callable[..., Principal]:
    """A dependency that lets through keys of ``role`` or above (401 without a key, 403 below)."""

    def dependency(request: Request, session: SessionDep) -> Principal:
        principal = principal_for(session, bearer_key(request))
        if not principal.can(role):
            raise Forbidden(f"this needs the {role!r} role or above; your key has {principal.role!r}")
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


Viewer = Annotated[Principal, Depends(require("viewer"), scope="function")]
Agent = Annotated[Principal, Depends(require("agent"), scope="function")]
Manager = Annotated[Principal, Depends(require("manager"), scope="function")]
Admin = Annotated[Principal, Depends(require("admin"), scope="function")]
