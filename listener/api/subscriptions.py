"""Push subscriptions: webhooks of new mentions matching a feed filter (``engine/push.py``).

Viewers list and read them (never the secret); managers create, change, pause, resume, delete them
and rotate their secret. The signing secret is returned once, by the create (or rotate) call.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.deps import Manager, SessionDep, SettingsDep, Viewer
from listener.engine.push import check_filter, check_target, new_secret, pause, resume, start_position
from listener.schemas.push import (
    BatchRead,
    SecretRotated,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionRead,
    SubscriptionUpdate,
)
from listener.storage.audit import add_recorded, delete_recorded, update_recorded
from listener.storage.lookup import ensure_name_free, get_or_404
from listener.storage.push import batch_counts, recent_batches
from listener.storage.push_models import PushSubscription

router = APIRouter(tags=["push"])
ENTITY = "push_subscription"


def _read(session: Session, sub: PushSubscription) -> SubscriptionRead:
    out = SubscriptionRead.model_validate(sub)
    out.deliveries = batch_counts(session, sub.id)
    return out


def get_subscription(session: Session, subscription_id: int) -> PushSubscription:
    return get_or_404(session, PushSubscription, subscription_id, "push subscription")


@router.get("/subscriptions", summary="List push subscriptions (secrets are never returned)")
def list_subscriptions(session: SessionDep, _: Viewer) -> list[SubscriptionRead]:
    rows = session.scalars(select(PushSubscription).order_by(PushSubscription.id))
    return [_read(session, s) for s in rows]


@router.post(
    "/subscriptions",
    status_code=201,
    summary="Push new mentions matching a filter to a webhook; the response shows the signing secret once",
)
def create_subscription(
    body: SubscriptionCreate, session: SessionDep, settings: SettingsDep, who: Manager
) -> SubscriptionCreated:
    url = check_target(body.url, settings.outbound_policy())
    query = check_filter(session, body.filter)
    ensure_name_free(session, PushSubscription, body.name, "a push subscription")
    secret = new_secret()
    sub = PushSubscription(
        name=body.name,
        url=url,
        filter=query,
        secret=secret,
        cursor=start_position(session),
        state="active",
        failures=0,
        created_by=who.name,
    )
    add_recorded(
        session, sub, actor=who.name, entity=ENTITY, changes={"name": sub.name, "url": url, "filter": query}
    )
    return SubscriptionCreated(**_read(session, sub).model_dump(), secret=secret)


@router.get("/subscriptions/{subscription_id}", summary="Read a push subscription (state, reason, counts)")
def read_subscription(subscription_id: int, session: SessionDep, _: Viewer) -> SubscriptionRead:
    return _read(session, get_subscription(session, subscription_id))


@router.patch(
    "/subscriptions/{subscription_id}",
    summary="Rename, retarget or refilter a subscription; pause or resume it (resuming forgets failures)",
)
def update_subscription(
    subscription_id: int, body: SubscriptionUpdate, session: SessionDep, settings: SettingsDep, who: Manager
) -> SubscriptionRead:
    sub = get_subscription(session, subscription_id)
    changes: dict[str, str] = {}
    if body.name is not None and body.name != sub.name:
        ensure_name_free(session, PushSubscription, body.name, "a push subscription", exclude=sub.id)
        changes["name"] = body.name
    if body.url is not None:
        changes["url"] = check_target(body.url, settings.outbound_policy())
    if body.filter is not None:
        changes["filter"] = check_filter(session, body.filter)
    audit = dict(changes)
    if body.state == "paused" and sub.state != "paused":
        pause(sub, f"paused by {who.name}")
        audit["state"] = "paused"
    elif body.state == "active" and sub.state != "active":
        resume(session, sub, datetime.now(UTC))
        audit["state"] = "active"
    update_recorded(session, sub, changes, actor=who.name, entity=ENTITY, audit=audit)
    return _read(session, sub)


@router.delete("/subscriptions/{subscription_id}", status_code=204, summary="Delete a subscription")
def delete_subscription(subscription_id: int, session: SessionDep, who: Manager) -> Response:
    sub = get_subscription(session, subscription_id)
    delete_recorded(session, sub, actor=who.name, entity=ENTITY, changes={"name": sub.name})
    return Response(status_code=204)


@router.post(
    "/subscriptions/{subscription_id}/rotate-secret",
    summary="Replace the signing secret; the response shows the new one once",
)
def rotate_secret(subscription_id: int, session: SessionDep, who: Manager) -> SecretRotated:
    sub = get_subscription(session, subscription_id)
    secret = new_secret()
    update_recorded(
        session, sub, {"secret": secret}, actor=who.name, entity=ENTITY, audit={"secret": "rotated"}
    )
    return SecretRotated(id=sub.id, secret=secret)


@router.get(
    "/subscriptions/{subscription_id}/batches",
    summary="A subscription's latest batches: key, positions, status, attempts, the receiver's last answer",
)
def list_batches(
    subscription_id: int,
    session: SessionDep,
    _: Viewer,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[BatchRead]:
    sub = get_subscription(session, subscription_id)
    return [BatchRead.model_validate(b) for b in recent_batches(session, sub.id, limit)]
