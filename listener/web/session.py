"""Who is looking at a page: the signed session cookie, the page user, role checks, CSRF tokens and
flash messages.

The session is Starlette's ``SessionMiddleware`` cookie (``listener_session``: signed with
``LISTENER_SESSION_SECRET``, HttpOnly, SameSite=Lax, Secure when ``LISTENER_PUBLIC_URL`` is https).
It holds the user's id (or, for the API-key fallback, the key's id), the password's change time
(changing a password ends every older session), the CSRF token, the chosen language and pending
flash messages. Every request re-reads the user or key, so disabling a user or revoking a key ends
their sessions at once.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from listener.auth import ROLE_RANK, Principal, principal_of
from listener.deps import SessionDep
from listener.errors import ListenerError
from listener.settings import Settings
from listener.storage.models import ApiKey
from listener.storage.people_models import User
from listener.web import i18n

log = logging.getLogger(__name__)
SESSION_COOKIE = "listener_session"
# Only the demo (pages_anonymous) signs with this fixed key; see session_secret().
DEMO_SECRET = "listener-demo-only-session-key-do-not-use-in-production"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def session_secret(settings: Settings) -> str:
    """``LISTENER_SESSION_SECRET``; unset: the fixed demo key in the demo, else a random key for
    this process (sessions then end when it restarts, and differ between processes)."""
    secret = settings.session_secret.get_secret_value()
    if secret:
        return secret
    if settings.pages_anonymous:
        return DEMO_SECRET
    log.warning("LISTENER_SESSION_SECRET is not set: page sign-ins last until this process restarts")
    return secrets.token_urlsafe(32)


class LoginRequired(Exception):
    """Raised by page dependencies without a signed-in person: the frame redirects to the login page,
    which comes back to ``next`` afterwards."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class PageForbidden(ListenerError):
    """A page or action above the person's role (rendered as an HTML 403 page)."""

    status_code = 403
    code = "forbidden"


class PageNotFound(ListenerError):
    """A page for a row that does not exist (rendered as an HTML 404 page)."""

    status_code = 404
    code = "not_found"


class CsrfFailed(ListenerError):
    """A POST from a page without the session's CSRF token (rendered as an HTML 403 page)."""

    status_code = 403
    code = "csrf_failed"


@dataclass(frozen=True, slots=True)
class PageUser:
    """The person on a page. ``principal`` is what engine and storage functions take as ``who``."""

    principal: Principal
    display_name: str
    locale: str
    user_id: int | None = None
    email: str | None = None
    anonymous: bool = False
    via_key: bool = False

    @property
    def role(self) -> str:
        """viewer, agent, manager or admin."""
        return self.principal.role

    def can(self, role: str) -> bool:
        """True when this person's role is ``role`` or above."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def request_locale(request: Request) -> str:
    """The language for someone not signed in: the one they chose, else their browser's."""
    return i18n.supported(request.session.get("lang")) or i18n.from_accept_language(
        request.headers.get("accept-language")
    )


def _stamp(user: User) -> str:
    return user.password_changed_at.isoformat() if user.password_changed_at else ""


def current_user(request: Request, session: Session) -> PageUser | None:
    """The signed-in person (or the anonymous viewer of the demo), or None."""
    data = request.session
    if data.get("uid") is not None:
        user = session.get(User, data["uid"])
        if user is not None and user.active and data.get("pwc") == _stamp(user):
            who = Principal(name=user.email, role=user.role, user_id=user.id)
            locale = i18n.supported(user.language) or request_locale(request)
            return PageUser(who, user.display_name, locale, user.id, user.email)
        data.clear()
    elif data.get("kid") is not None:
        key = session.get(ApiKey, data["kid"])
        owner = session.get(User, key.user_id) if key and key.user_id is not None else None
        if key is not None and key.revoked_at is None and (key.user_id is None or (owner and owner.active)):
            who = principal_of(session, key)
            name = owner.display_name if owner else key.name
            locale = (i18n.supported(owner.language) if owner else None) or request_locale(request)
            return PageUser(who, name, locale, key.user_id, owner.email if owner else None, via_key=True)
        data.clear()
    if request.app.state.settings.pages_anonymous:
        return PageUser(
            Principal(name="anonymous", role="viewer"), "", request_locale(request), anonymous=True
        )
    return None


def page_user(request: Request, session: SessionDep) -> PageUser:
    """Dependency: the person on the page; without one, a redirect to the login page and back."""
    who = current_user(request, session)
    if who is None:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(path)
    return who


PageUserDep = Annotated[PageUser, Depends(page_user, scope="function")]


def require_page_role(role: str) -> Callable[..., PageUser]:
    """Dependency: the person on the page when their role is ``role`` or above (HTML 403 otherwise)."""
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    def dependency(who: PageUserDep) -> PageUser:
        if not who.can(role):
            raise PageForbidden(
                i18n.translate(
                    who.locale, "This needs the %(role)s role; you are %(yours)s.", role=role, yours=who.role
                )
            )
        return who

    dependency.__name__ = f"require_page_{role}"
    return dependency


AgentPage = Annotated[PageUser, Depends(require_page_role("agent"), scope="function")]
ManagerPage = Annotated[PageUser, Depends(require_page_role("manager"), scope="function")]
AdminPage = Annotated[PageUser, Depends(require_page_role("admin"), scope="function")]


def start_session(request: Request, *, user: User | None = None, key: ApiKey | None = None) -> None:
    """Sign ``user`` (or the API ``key``) in: a fresh session (new CSRF token), keeping the language."""
    lang = request.session.get("lang")
    request.session.clear()
    if user is not None:
        request.session.update({"uid": user.id, "pwc": _stamp(user)})
    elif key is not None:
        request.session["kid"] = key.id
    if lang:
        request.session["lang"] = lang
    request.session[CSRF_FIELD] = secrets.token_urlsafe(24)


def end_session(request: Request) -> None:
    """Sign out: nothing of the session is kept but the chosen language."""
    lang = request.session.get("lang")
    request.session.clear()
    if lang:
        request.session["lang"] = lang


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use); every page form sends it as ``csrf_token``."""
    token = request.session.get(CSRF_FIELD)
    if not token:
        token = request.session[CSRF_FIELD] = secrets.token_urlsafe(24)
    return token


async def check_csrf(request: Request) -> None:
    """Router dependency of every page router: a POST must carry the session's CSRF token (form field
    ``csrf_token`` or header ``X-CSRF-Token``); 403 otherwise."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    expected = request.session.get(CSRF_FIELD)
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = (await request.form()).get(CSRF_FIELD)
    if not expected or not isinstance(sent, str) or not secrets.compare_digest(expected, sent):
        raise CsrfFailed("the form has expired or did not come from this site; reload the page and try again")


def flash(request: Request, message: str, kind: str = "info") -> None:
    """Show ``message`` (already translated) on the next page; ``kind`` is info, success or error."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"kind": kind, "text": message}][-5:]


def pop_flashes(request: Request) -> list[dict[str, str]]:
    """The pending flash messages (removed from the session)."""
    return request.session.pop("flash", None) or []


def safe_next(value: str | None, default: str = "/") -> str:
    """``value`` when it is a path on this site (``/…``, not ``//host`` or ``/\\host``), else ``default``."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")) or "\\" in value:
        return default
    if any(ord(c) < 32 for c in value):
        return default
    return value
