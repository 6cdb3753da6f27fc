"""Signing in and out, and the language switch.

``/login`` takes an e-mail address and password (people); an API key still works as a fallback
(machines' keys, and teams that have not created users yet): the session then acts as the key.
Failed password sign-ins are throttled per address and client (``listener.accounts``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response

from listener.accounts import TooManyAttempts, sign_in
from listener.auth import authenticate
from listener.deps import SessionDep
from listener.storage.audit import record
from listener.storage.people_models import User
from listener.web import i18n
from listener.web.frame import back, page_router, render
from listener.web.session import (
    PageUserDep,
    current_user,
    end_session,
    request_locale,
    safe_next,
    start_session,
)

router = page_router()


def _login_page(
    request: Request, error: str | None, status: int, next_url: str, *, key_form: bool = False
) -> Response:
    context = {"error": error, "next": next_url, "key_form": key_form}
    return render(request, None, "login.html", context, status_code=status)


@router.get("/login")
def login_form(request: Request, session: SessionDep, next: str | None = None) -> Response:  # noqa: A002
    """The sign-in form, in the browser's language (or the one picked on the page)."""
    target = safe_next(next)
    if current_user(request, session) is not None and not request.app.state.settings.pages_anonymous:
        return back(request, target)
    return _login_page(request, None, 200, target)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> Response:
    """Check the password (or the API key) and start a session; back to ``next``."""
    target = safe_next(next)
    with i18n.use_locale(request_locale(request)):
        if key.strip():
            row = authenticate(session, key.strip())
            if row is None:
                return _login_page(
                    request, i18n.gettext("Invalid or revoked API key."), 401, target, key_form=True
                )
            start_session(request, key=row)
            return back(request, target)
        if not email.strip() or not password:
            return _login_page(request, i18n.gettext("Enter your e-mail address and password."), 422, target)
        client = request.client.host if request.client else "unknown"
        try:
            user = sign_in(session, email, password, client)
        except TooManyAttempts as exc:
            minutes = max(1, (exc.retry_after + 59) // 60)
            message = i18n.ngettext(
                "Too many failed sign-ins. Try again in %(num)s minute.",
                "Too many failed sign-ins. Try again in %(num)s minutes.",
                minutes,
            )
            response = _login_page(request, message, 429, target)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if user is None:
            return _login_page(request, i18n.gettext("Wrong e-mail address or password."), 401, target)
    record(session, actor=user.email, entity="user", entity_id=user.id, action="login", changes={})
    start_session(request, user=user)
    return back(request, target)


@router.get("/logout")
def logout_form(request: Request, who: PageUserDep) -> Response:
    """A page with the sign-out button (sign-out itself is a POST, so a link cannot sign you out)."""
    return render(request, who, "logout.html")


@router.post("/logout")
def logout(request: Request) -> Response:
    """End the session; back to the login page."""
    locale = request_locale(request)
    end_session(request)
    return back(request, "/login", i18n.translate(locale, "You are signed out."))


@router.post("/language")
def language(
    request: Request,
    session: SessionDep,
    lang: Annotated[str, Form(max_length=8)],
    next: Annotated[str, Form(max_length=2000)] = "/",  # noqa: A002
) -> Response:
    """Switch the pages' language: kept in the session and, for a signed-in person, on their user."""
    code = i18n.supported(lang)
    if code is None:
        return back(
            request, safe_next(next), i18n.translate(request_locale(request), "Unknown language."), "error"
        )
    request.session["lang"] = code
    who = current_user(request, session)
    if who is not None and who.user_id is not None:
        user = session.get(User, who.user_id)
        if user is not None and user.language != code:
            user.language = code
    return back(request, safe_next(next))
