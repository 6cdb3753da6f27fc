"""People behind API keys: create, list, update and disable users; the profile a reply is signed with.

A key may belong to a user. Such a key acts as that person: replies are signed with the user's
display name and signature, four-eyes compares users, the key's role is capped by the user's role,
and disabling the user stops every key they hold. A key without a user signs replies with the
brand's team name ("Acme Support"), never with the key's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from listener.errors import Conflict, NotFound, Unprocessable
from listener.storage.models import ROLES
from listener.storage.people_models import User

EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
LANGUAGE = re.compile(r"^[a-z]{2}$")
TEAM = {"en": "{brand} Support", "tr": "{brand} Destek Ekibi"}
TEAM_WITHOUT_BRAND = {"en": "Customer Support", "tr": "Müşteri Hizmetleri"}


@dataclass(frozen=True, slots=True)
class Profile:
    """Who signs a reply: a person (``user_id`` set) or the team."""

    display_name: str
    signature: str
    language: str | None = None
    user_id: int | None = None


def team_name(brand: str | None, language: str | None, custom: str = "") -> str:
    """The team's name in ``language``: ``custom`` (``LISTENER_REPLY_TEAM_NAME``, ``{brand}`` filled
    in) or "{brand} Support" / "{brand} Destek Ekibi"; without a brand, "Customer Support"."""
    lang = language if language in TEAM else "en"
    if brand:
        return (custom or TEAM[lang]).replace("{brand}", brand).strip()
    return custom.strip() if custom.strip() and "{brand}" not in custom else TEAM_WITHOUT_BRAND[lang]


def profile_for(
    session: Session, user_id: int | None, *, brand: str | None, language: str | None, custom_team: str = ""
) -> Profile:
    """The person's profile, or the team's when the key has no (active) user."""
    team = team_name(brand, language, custom_team)
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        return Profile(display_name=team, signature=team)
    signature = user.signature or f"{user.display_name}, {team}"
    return Profile(user.display_name, signature, user.language, user.id)


def _clean(value: str | None, field: str, max_len: int, *, required: bool = True) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise Unprocessable(f"{field} must not be empty", details=[{"field": field}])
        return None
    if len(text) > max_len:
        raise Unprocessable(f"{field} is at most {max_len} characters", details=[{"field": field}])
    return text


def _check(role: str | None, language: str | None) -> None:
    if role is not None and role not in ROLES:
        raise Unprocessable(
            f"unknown role {role!r}; use one of {', '.join(ROLES)}", details=[{"field": "role"}]
        )
    if language is not None and not LANGUAGE.match(language):
        raise Unprocessable("language is a two-letter code such as en or tr", details=[{"field": "language"}])


def find_user(session: Session, ref: str | int) -> User:
    """A user by id or e-mail address; NotFound otherwise."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        user = session.get(User, int(ref))
    else:
        user = session.scalar(select(User).where(User.email == ref.strip().casefold()))
    if user is None:
        raise NotFound(f"no user {ref!r}")
    return user


def create_user(
    session: Session,
    *,
    email: str,
    display_name: str,
    role: str,
    signature: str | None = None,
    language: str = "en",
) -> User:
    """A new active user; Conflict when the e-mail address is taken."""
    address = email.strip().casefold()
    if not EMAIL.match(address) or len(address) > 254:
        raise Unprocessable(f"{email!r} is not an e-mail address", details=[{"field": "email"}])
    _check(role, language)
    if session.scalar(select(func.count()).select_from(User).where(User.email == address)):
        raise Conflict(f"a user with e-mail {address!r} already exists")
    user = User(
        email=address,
        display_name=_clean(display_name, "display_name", 200),
        signature=_clean(signature, "signature", 500, required=False),
        language=language,
        role=role,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, **changes: object) -> User:
    """Change display name, signature, language, role or active (None leaves a field as it is)."""
    _check(changes.get("role"), changes.get("language"))  # type: ignore[arg-type]
    if changes.get("display_name") is not None:
        user.display_name = _clean(str(changes["display_name"]), "display_name", 200)  # type: ignore[assignment]
    if "signature" in changes:
        user.signature = _clean(changes["signature"], "signature", 500, required=False)  # type: ignore[arg-type]
    for key in ("language", "role", "active"):
        if changes.get(key) is not None:
            setattr(user, key, changes[key])
    session.flush()
    return user


def list_users(session: Session) -> list[User]:
    """Every user, oldest first."""
    return list(session.scalars(select(User).order_by(User.id)))
