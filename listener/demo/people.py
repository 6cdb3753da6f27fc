"""The demo's people: one user per role on the fictional acme.example, all with the password
``DEMO_PASSWORD`` (printed by ``listener demo``; a local demo only, never a real install)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from listener.accounts import set_password
from listener.people import create_user
from listener.storage.db import session_scope
from listener.storage.people_models import User

DEMO_PASSWORD = "listener-demo"  # noqa: S105 - the demo's published password
PEOPLE = (
    ("manager@acme.example", "Mina Yılmaz", "manager", "tr"),
    ("agent@acme.example", "Ali Kaya", "agent", "tr"),
    ("viewer@acme.example", "Vera Stone", "viewer", "en"),
    ("admin@acme.example", "Ada Admin", "admin", "en"),
)


def seed_people(sessions: sessionmaker) -> list[tuple[str, str]]:
    """Create (or reset the password of) the demo users; returns ``[(email, role)]``."""
    with session_scope(sessions) as session:
        for email, name, role, language in PEOPLE:
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                user = create_user(session, email=email, display_name=name, role=role, language=language)
            set_password(user, DEMO_PASSWORD)
    return [(email, role) for email, _, role, _ in PEOPLE]
