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
| admin | also manage API keys |
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import Conflict, NotFound, Unprocessable
from listener.storage.base import utcnow
from listener.storage.models import ROLES, ApiKey

ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}
KEY_PREFIX = "lsn_"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's name (recorded in the audit trail) and role."""

    name: str
    role: str

    def can(self, role: str) -> bool:
        """True when this principal's role is ``role`` or above."""
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


def hash_key(key: str) -> str:
    """The stored form of a key."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_key(session: Session, *, name: str, role: str) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key itself (the only time it is available)."""
    if role not in ROLE_RANK:
        raise Unprocessable(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    name = name.strip()
    if not name or len(name) > 200:
        raise Unprocessable("a key needs a name of 1 to 200 characters")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
        raise Conflict(f"a key named {name!r} already exists")
    prefix = secrets.token_hex(4)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey(name=name, role=role, prefix=prefix, key_hash=hash_key(key))
    session.add(row)
    session.flush()
    return row, key


def authenticate(session: Session, key: str) -> ApiKey | None:
    """The live (not revoked) key row for ``key``, or None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    if row is None or row.revoked_at is not None:
        return None
    return row


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
