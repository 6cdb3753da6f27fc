"""People over HTTP (admin only): create, list, read, update and disable users; a user's keys."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import Field

from listener.deps import Admin, SessionDep
from listener.people import create_user, find_user, list_users, update_user
from listener.schemas.common import ReadModel, StrictIn
from listener.storage.audit import record

router = APIRouter(prefix="/users", tags=["users"])
Role = Literal["viewer", "agent", "manager", "admin"]
Language = Annotated[str, Field(pattern=r"^[a-z]{2}$", description="Two-letter code, e.g. en or tr")]


class UserCreate(StrictIn):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    display_name: Annotated[str, Field(min_length=1, max_length=200, description="Signs replies")]
    role: Role
    signature: Annotated[str, Field(max_length=500)] | None = Field(
        None, description='The sign-off of replies (default: "<display name>, <brand> Support")'
    )
    language: Language = "en"


class UserUpdate(StrictIn):
    display_name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    signature: Annotated[str, Field(max_length=500)] | None = None
    language: Language | None = None
    role: Role | None = None
    active: bool | None = None


class UserRead(ReadModel):
    id: int
    email: str
    display_name: str
    signature: str | None
    language: str
    role: str
    active: bool
    created_at: datetime
    updated_at: datetime


def _audit(session, who: str, user_id: int, action: str, changes: dict) -> None:  # type: ignore[no-untyped-def]
    record(session, actor=who, entity="user", entity_id=user_id, action=action, changes=changes)


@router.get("", summary="List users")
def get_users(session: SessionDep, _: Admin) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in list_users(session)]


@router.post("", status_code=201, summary="Create a user (an agent profile API keys can belong to)")
def post_user(body: UserCreate, session: SessionDep, who: Admin) -> UserRead:
    user = create_user(session, **body.model_dump())
    _audit(session, who.name, user.id, "create", {"email": user.email, "role": user.role})
    return UserRead.model_validate(user)


@router.get("/{user_id}", summary="Read a user")
def get_user(user_id: int, session: SessionDep, _: Admin) -> UserRead:
    return UserRead.model_validate(find_user(session, user_id))


@router.patch("/{user_id}", summary="Update a user's profile, role or active flag")
def patch_user(user_id: int, body: UserUpdate, session: SessionDep, who: Admin) -> UserRead:
    user = find_user(session, user_id)
    changes = body.model_dump(exclude_unset=True)
    update_user(session, user, **changes)
    _audit(session, who.name, user.id, "update", {k: True for k in changes})
    return UserRead.model_validate(user)


@router.post("/{user_id}/disable", summary="Disable a user: every key they hold stops working")
def disable_user(user_id: int, session: SessionDep, who: Admin) -> UserRead:
    user = update_user(session, find_user(session, user_id), active=False)
    _audit(session, who.name, user.id, "disable", {})
    return UserRead.model_validate(user)
