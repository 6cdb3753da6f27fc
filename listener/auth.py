"""API keys and roles.

A key looks like ``lsn_<8 hex prefix>_<43 url-safe chars>`` (256 bits of randomness). Only its
SHA-256 is stored: keys are random, so a fast hash is as safe as a slow one and lets every request
be checked with one indexed lookup. The key is printed once, when it is created.

Roles are ordered; each includes the ones before it:

| role | may |
|---|---|
| viewer | read mentions, stats, exports, brands, queries, sources |
| agent | also update mentions (status, assignee, tags, notes, sentiment) and draft replies |
| manager | also manage brands, queries, sources, taxonomy, templates, rules, silences and channels;
  approve replies; handle incidents; push mentions (ingest) |
| admin | also manage API keys and users |
"""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from listener.errors import Conflict, NotFound, Unprocessable
from listener.storage.base import utcnow
from listener.storage.models import ROLES, ApiKey
from listener.storage.people_models import User

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
KEY_PREFIX = "lsn_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's name (recorded in the audit trail), role, and the person the key
    belongs to (``user_id``; None for a team key)."""

    name: str
    role: str
    user_id: int | None = None

    def can(self, role: str) -> bool:
        """True when this principal's role is ``role`` or above."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, *, name: str, role: str, user: User | None = None) -> tuple[ApiKey, str]:
    """Create a key (for ``user``, when given); returns the row and the key itself (the only time it
    is available). A user's key cannot have a higher role than the user."""
    if role not in ROLE_RANK:
        raise Unprocessable(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if user is not None and ROLE_RANK[role] > ROLE_RANK[user.role]:
        raise Unprocessable(f"{user.email} is a {user.role}; their keys cannot have the {role!r} role")
    if user is not None and not user.active:
        raise Conflict(f"{user.email} is disabled")
    name = name.strip()
    if not name or len(name) > 200:
        raise Unprocessable("a key needs a name of 1 to 200 characters")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise Conflict(f"a key named {name!r} already exists")
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(
        name=name, role=role, prefix=prefix, key_hash=hash_key(key), user_id=user.id if user else None
    )
    session.add(row)
    session.flush()
    return row, key


def authenticate(session: Session, key: str) -> ApiKey | None:
    """The live key row for ``key``: not revoked, and its user (if any) active; None otherwise."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is None or not user.active:
            return None
    return row


def principal_of(session: Session, row: ApiKey) -> Principal:
    """The principal a live key acts as: its role, capped by its user's role."""
    role = row.role
    if row.user_id is not None:
        user = session.get(User, row.user_id)
        if user is not None and ROLE_RANK[user.role] < ROLE_RANK[role]:
            role = user.role
    return Principal(name=row.name, role=role, user_id=row.user_id)


def revoke_key(session: Session, *, name: str) -> ApiKey:
    """Revoke the key called ``name`` (idempotent); NotFound when there is none."""
    row = session.scalar(select(ApiKey).where(ApiKey.name == name))
    if row is None:
        raise NotFound(f"no API key named {name!r}")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
    session.flush()
    return row


def list_keys(session: Session) -> list[ApiKey]:
    """Every key, newest first (hashes are never shown)."""
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id.desc())))


class KeyCache:
    """Principals of recently checked keys (by key hash), each trusted for ``ttl`` seconds, so a
    busy client costs no database read per request.

    Revocation stays effective: any flush in this process that adds, changes or deletes an
    ``ApiKey`` or a ``User`` row (revoking a key, disabling a user, changing a role) empties every
    cache at once; a change made by another process (``listener keys revoke`` beside a running
    server) is seen within ``ttl`` seconds. ``ttl`` 0 turns the cache off."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._entries: dict[str, tuple[Principal, float, int]] = {}

    def get(self, key: str) -> Principal | None:
        """The cached principal for ``key``, if still fresh."""
        entry = self._entries.get(hash_key(key))
        if entry is None or entry[1] < time.monotonic() or entry[2] != _changes.count:
            return None
        return entry[0]

    def put(self, key: str, principal: Principal, generation: int) -> None:
        """Remember ``principal`` for ``key``; ``generation`` is ``key_generation()`` read before the
        key was checked, so a change committed meanwhile is not masked."""
        if self.ttl > 0:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[hash_key(key)] = (principal, time.monotonic() + self.ttl, generation)


class _Changes:
    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()


_changes = _Changes()
KEY_CHECK = "listener.key_check"  # Session.info flag of the session that checks a key


def key_generation() -> int:
    """A counter that moves on every flush touching keys or users (see ``KeyCache``)."""
    return _changes.count


@event.listens_for(Session, "after_flush")
def _keys_changed(session: Session, _context: Any) -> None:
    if session.info.get(KEY_CHECK):  # the check's own once-a-minute last_used_at write
        return
    if any(isinstance(obj, ApiKey | User) for obj in (*session.new, *session.dirty, *session.deleted)):
        with _changes.lock:
            _changes.count += 1
