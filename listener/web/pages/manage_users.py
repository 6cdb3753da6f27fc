"""People and API keys (admin): create users (with a password), change role, language and name,
disable / enable, set a password; create keys (shown once, on the answer page) and revoke them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy import select

from listener.accounts import set_password
from listener.auth import create_key, list_keys, revoke_key
from listener.deps import SessionDep
from listener.errors import ListenerError
from listener.people import create_user, find_user, list_users, update_user
from listener.storage.audit import record
from listener.storage.models import ROLES, ApiKey
from listener.storage.people_models import User
from listener.web.frame import back, find_or_404, page_router, render_form
from listener.web.i18n import LANGUAGES, N_, translate
from listener.web.nav import NavItem, register_nav
from listener.web.session import AdminPage

router = page_router(prefix="/manage")
register_nav(
    NavItem("/manage/users", N_("Users"), role="admin", section="manage", order=80),
    NavItem("/manage/keys", N_("API keys"), role="admin", section="manage", order=85),
)
Text = Annotated[str, Form(max_length=254)]


def _users_page(request: Request, session: SessionDep, who: AdminPage, error: str | None = None) -> Response:
    context = {"users": list_users(session), "roles": ROLES, "languages": LANGUAGES, "error": error}
    return render_form(request, who, "manage_users.html", context)


@router.get("/users")
def users(request: Request, session: SessionDep, who: AdminPage) -> Response:
    """Every user with their role, language, state and last sign-in."""
    return _users_page(request, session, who)


@router.post("/users")
def create(
    request: Request,
    session: SessionDep,
    who: AdminPage,
    email: Text,
    display_name: Text,
    role: Annotated[str, Form(max_length=16)],
    language: Annotated[str, Form(max_length=8)] = "en",
    password: Annotated[str, Form(max_length=1024)] = "",
) -> Response:
    """A new user; with a password they can sign in at once."""
    try:
        user = create_user(session, email=email, display_name=display_name, role=role, language=language)
        if password:
            set_password(user, password)
    except ListenerError as exc:
        session.rollback()
        return _users_page(request, session, who, exc.message)
    record(session, actor=who.principal.name, entity="user", entity_id=user.id, action="create", changes={})
    return back(request, "/manage/users", translate(who.locale, "Created %(email)s.", email=user.email))


@router.post("/users/{user_id}")
def change(
    request: Request,
    session: SessionDep,
    who: AdminPage,
    user_id: int,
    display_name: Text = "",
    role: Annotated[str, Form(max_length=16)] = "",
    language: Annotated[str, Form(max_length=8)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Change a user's name, role, language, or disable / enable them (not yourself)."""
    user = find_or_404(session, User, user_id, N_("user"))
    wanted = {"display_name": display_name or None, "role": role or None, "language": language or None}
    if active in ("true", "false"):
        wanted["active"] = active == "true"  # type: ignore[assignment]
    if user.id == who.user_id and (wanted.get("active") is False or (role and role != "admin")):
        message = translate(who.locale, "You cannot disable yourself or take away your own admin role.")
        return back(request, "/manage/users", message, "error")
    try:
        update_user(session, user, **wanted)
    except ListenerError as exc:
        return back(request, "/manage/users", exc.message, "error")
    changed = {k: v for k, v in wanted.items() if v is not None}
    record(
        session, actor=who.principal.name, entity="user", entity_id=user.id, action="update", changes=changed
    )
    return back(request, "/manage/users", translate(who.locale, "Saved %(email)s.", email=user.email))


@router.post("/users/{user_id}/password")
def password(
    request: Request,
    session: SessionDep,
    who: AdminPage,
    user_id: int,
    password: Annotated[str, Form(max_length=1024)],
) -> Response:
    """Set a user's password (their other sessions end)."""
    user = find_or_404(session, User, user_id, N_("user"))
    try:
        set_password(user, password)
    except ListenerError as exc:
        return back(request, "/manage/users", exc.message, "error")
    record(
        session, actor=who.principal.name, entity="user", entity_id=user.id, action="set_password", changes={}
    )
    return back(
        request, "/manage/users", translate(who.locale, "Password set for %(email)s.", email=user.email)
    )


def _keys_page(request: Request, session: SessionDep, who: AdminPage, **extra: object) -> Response:
    owners = {u.id: u.email for u in session.scalars(select(User))}
    context = {"keys": list_keys(session), "owners": owners, "roles": ROLES, "new_key": None, "error": None}
    return render_form(request, who, "manage_keys.html", {**context, **extra})


@router.get("/keys")
def keys(request: Request, session: SessionDep, who: AdminPage) -> Response:
    """Every API key (never the key itself), whose it is, when it was last used."""
    return _keys_page(request, session, who)


@router.post("/keys")
def new_key(
    request: Request,
    session: SessionDep,
    who: AdminPage,
    name: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=16)],
    user: Text = "",
) -> Response:
    """Create a key; the answer page shows it once (it is never stored or shown again)."""
    try:
        owner = find_user(session, user) if user.strip() else None
        row, key = create_key(session, name=name, role=role, user=owner)
    except ListenerError as exc:
        session.rollback()
        return _keys_page(request, session, who, error=exc.message)
    record(
        session,
        actor=who.principal.name,
        entity="api_key",
        entity_id=row.id,
        action="create",
        changes={"role": role},
    )
    return _keys_page(request, session, who, new_key={"name": row.name, "key": key})


@router.post("/keys/{key_id}/revoke")
def revoke(request: Request, session: SessionDep, who: AdminPage, key_id: int) -> Response:
    """Revoke a key: it stops working at once."""
    row = find_or_404(session, ApiKey, key_id, N_("API key"))
    revoke_key(session, name=row.name)
    record(session, actor=who.principal.name, entity="api_key", entity_id=row.id, action="revoke", changes={})
    return back(request, "/manage/keys", translate(who.locale, "Revoked %(name)s.", name=row.name))
