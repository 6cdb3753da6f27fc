"""The page frame: the Jinja2 environment (autoescaping, gettext, locale filters), :func:`render`,
redirects with a flash message, the HTML error pages, and :func:`install` (session middleware,
static files and every page router on the app).

A page module makes its router with :func:`page_router` (every POST then needs the CSRF token),
takes the person with ``PageUserDep`` / ``AgentPage`` / ``ManagerPage`` / ``AdminPage`` from
``listener.web.session`` and answers with ``render(request, who, "x.html", {...})``. See
``docs/pages.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sqlalchemy.orm import Session
from starlette.middleware.sessions import SessionMiddleware

from listener import __version__
from listener.web import i18n, nav
from listener.web.session import (
    SESSION_COOKIE,
    CsrfFailed,
    LoginRequired,
    PageForbidden,
    PageNotFound,
    PageUser,
    check_csrf,
    csrf_token,
    flash,
    pop_flashes,
    request_locale,
    session_secret,
)

T = TypeVar("T")
# Every HTML answer may load only what this app serves: no CDN, no tracking image. The pages run
# no inline script and no inline style at all (scripts and styles are files under /static, data
# for them rides in data-* attributes, charts carry presentation attributes: listener.web.svg).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
# Swagger UI and ReDoc (the assets fastapi-offline ships) start from an inline script, and ReDoc
# injects its styles and runs a blob: worker; only these pages get that, still nothing from elsewhere
# (ReDoc's footer logo lives on a CDN; this keeps the browser from fetching it).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")
WEB = Path(__file__).parent
env = Environment(
    loader=FileSystemLoader(WEB / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    extensions=["jinja2.ext.i18n"],
)
env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
env.filters.update(
    when=i18n.format_when, number=i18n.format_number, share=i18n.format_share, fromiso=i18n.from_iso
)
templates = Jinja2Templates(env=env)


def page_router(**kwargs: Any) -> APIRouter:
    """An APIRouter for pages: out of the OpenAPI schema, CSRF checked on every POST."""
    return APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)], **kwargs)


def render(
    request: Request,
    who: PageUser | None,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """Render ``template`` in the person's language with the frame's context: ``me`` (the PageUser or
    None), ``locale``, ``languages``, ``csrf_token``, ``nav_work`` / ``nav_manage`` (the entries the
    role sees), ``flashes`` and ``path``; plus ``context``."""
    locale = who.locale if who else request_locale(request)
    role = who.role if who else None
    base = {
        "me": who,
        "locale": locale,
        "languages": i18n.LANGUAGES,
        "csrf_token": csrf_token(request),
        "nav_work": nav.visible(role, "work") if role else [],
        "nav_manage": nav.visible(role, "manage") if role else [],
        "flashes": pop_flashes(request),
        "path": request.url.path,
        "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
        "version": __version__,
    }
    with i18n.use_locale(locale):
        return templates.TemplateResponse(
            request, template, {**base, **(context or {})}, status_code=status_code
        )


def render_form(request: Request, who: PageUser | None, template: str, context: dict[str, Any]) -> Response:
    """``render`` for a page with a form: 422 when ``context["error"]`` holds a message (the form is
    shown again with it), else 200."""
    return render(request, who, template, context, status_code=422 if context.get("error") else 200)


def back(request: Request, url: str, message: str | None = None, kind: str = "success") -> RedirectResponse:
    """303 to ``url`` (after a POST), with ``message`` (already translated) flashed there."""
    if message:
        flash(request, message, kind)
    return RedirectResponse(url, status_code=303)


def find_or_404(session: Session, model: type[T], row_id: int, what: str) -> T:
    """The row of ``model`` with ``row_id``, or an HTML 404 page ("No such incident.")."""
    row = session.get(model, row_id)
    if row is None:
        raise PageNotFound(what)
    return row


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, None, "error.html", {"title": title, "message": message}, status_code=status)


class HtmlHeadersMiddleware:
    """The content security policy (``CSP``; ``DOCS_CSP`` on the API docs), ``nosniff`` and the
    referrer policy on every HTML response, unless the response set them. Plain ASGI: a JSON
    response passes with one header scan (``@app.middleware("http")`` would cost every API request
    a task and a copy of its body)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = _DOCS_HEADERS if scope["path"] in DOCS_PATHS else _PAGE_HEADERS

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    names = {k.lower() for k, _ in headers}
                    headers += [(name, value) for name, value in extra if name not in names]
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _html_headers(policy: str) -> tuple[tuple[bytes, bytes], ...]:
    return (
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    )


_PAGE_HEADERS, _DOCS_HEADERS = _html_headers(CSP), _html_headers(DOCS_CSP)


def install(app: FastAPI) -> None:
    """Put the pages on ``app``: sessions, our static files, every page router, the HTML errors."""
    settings = app.state.settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret(settings),
        session_cookie=SESSION_COOKIE,
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
    )
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")

    app.add_middleware(HtmlHeadersMiddleware)

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_url, safe='')}", status_code=303)

    @app.exception_handler(PageNotFound)
    async def not_found(request: Request, exc: PageNotFound) -> Response:
        with i18n.use_locale(request_locale(request)):
            title = i18n.gettext("Not found")
            text = i18n.gettext("There is no such %(what)s.", what=i18n.gettext(exc.message))
        return _error_page(request, 404, title, text)

    @app.exception_handler(PageForbidden)
    @app.exception_handler(CsrfFailed)
    async def forbidden(request: Request, exc: PageForbidden | CsrfFailed) -> Response:
        with i18n.use_locale(request_locale(request)):
            title = i18n.gettext("Not allowed")
            text = (
                exc.message
                if isinstance(exc, PageForbidden)
                else i18n.gettext(
                    "The form has expired or did not come from this site; reload the page and try again."
                )
            )
        return _error_page(request, 403, title, text)
