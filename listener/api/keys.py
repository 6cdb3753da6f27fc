"""API keys over HTTP (admin only): create (the key is in this one response), list, revoke."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from listener.auth import create_key, list_keys, revoke_key
from listener.deps import Admin, SessionDep
from listener.errors import NotFound, Unprocessable
from listener.people import find_user
from listener.schemas.common import ReadModel, StrictIn
from listener.storage.audit import record

router = APIRouter(prefix="/keys", tags=["keys"])


class KeyCreate(StrictIn):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    role: Literal["viewer", "agent", "manager", "admin"]
    user: Annotated[str, Field(min_length=1, max_length=254)] | None = Field(
        None, description="The user (e-mail or id) the key belongs to: replies are signed as that person"
    )


class KeyRead(ReadModel):
    id: int
    name: str
    role: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    user_id: int | None = None


class KeyCreated(KeyRead):
    key: str = Field(description="The key itself: shown only in this response")


@router.get("", summary="List API keys (never the keys themselves)")
def get_keys(session: SessionDep, _: Admin) -> list[KeyRead]:
    return [KeyRead.model_validate(k) for k in list_keys(session)]


@router.post("", status_code=201, summary="Create an API key")
def post_key(body: KeyCreate, session: SessionDep, who: Admin) -> KeyCreated:
    try:
        user = find_user(session, body.user) if body.user else None
    except NotFound as exc:
        raise Unprocessable(exc.message, details=[{"field": "user"}]) from exc
    row, key = create_key(session, name=body.name, role=body.role, user=user)
    changes = {"name": row.name, "role": row.role}
    record(session, actor=who.name, entity="api_key", entity_id=row.id, action="create", changes=changes)
    return KeyCreated(**KeyRead.model_validate(row).model_dump(), key=key)


@router.post("/{name}/revoke", summary="Revoke an API key")
def post_revoke(name: str, session: SessionDep, who: Admin) -> KeyRead:
    row = revoke_key(session, name=name)
    record(session, actor=who.name, entity="api_key", entity_id=row.id, action="revoke", changes={})
    return KeyRead.model_validate(row)
