"""Push subscriptions delivered to a real receiver on 127.0.0.1 (``push_receiver.Receiver``): new
mentions matching the filter arrive in signed batches, in order, each batch kept exactly once
through 500s, 429s and a timeout after the receiver already had it; repeated failures pause the
subscription with the reason shown, and resuming sends the waiting batch with the same key."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from push_receiver import Receiver, Reply

from listener.engine.delivery import outbound_client
from listener.engine.push import queue_batches
from listener.engine.push_delivery import PushReport, deliver_batches, push_round
from listener.storage.claims import claim_due
from listener.storage.db import session_scope
from listener.storage.push import lock_for_batching
from listener.storage.push_models import PushBatch, PushSubscription
from listener.worker.push_jobs import Pushing
from outbound.http import guarded_client
from outbound.policy import STRICT
from tests.api.feed_helpers import ingest
from tests.factories import mentions

SUBS = "/api/v1/subscriptions"


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def outbound(settings):
    with outbound_client(settings) as c:
        yield c


@pytest.fixture
def start() -> datetime:
    return datetime.now(UTC)


def subscribe(api, receiver: Receiver, query: str = "brand=Acme&platform=twitter") -> dict:
    resp = api.as_("manager").post(SUBS, json={"name": "crm", "url": receiver.url, "filter": query})
    assert resp.status_code == 201, resp.text
    receiver.secret = resp.json()["secret"]
    return resp.json()


def push(sessions, client, settings, now: datetime, **changes) -> PushReport:
    with session_scope(sessions) as s:
        return push_round(s, client, settings.model_copy(update=changes), now)


def state(api, sub_id: int) -> dict:
    resp = api.as_("viewer").get(f"{SUBS}/{sub_id}")
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_new_matching_mentions_arrive_signed_in_order_once(
    api, acme, sessions, outbound, settings, receiver, start
):
    ingest(api, mentions(2))  # stored before the subscription: not pushed
    sub = subscribe(api, receiver)
    wanted = ingest(api, mentions(7, start=10))
    ingest(api, mentions(2, start=30, brand="Globex") + mentions(1, start=40, platform="reddit"))

    report = push(sessions, outbound, settings, start, push_batch=3)

    assert len(report.sent) == 3 and receiver.bad_signatures == 0
    assert [len(b["mentions"]) for b in receiver.batches] == [3, 3, 1]
    assert receiver.mention_ids == sorted(wanted)
    keys = [b["batch"] for b in receiver.batches]
    assert receiver.arrivals == keys and len(set(keys)) == 3  # each batch once
    for batch, headers in zip(receiver.batches, receiver.headers, strict=True):
        assert re.fullmatch(rf"push-{sub['id']}-\d+-\d+", batch["batch"])
        assert batch["subscription"] == sub["id"] and batch["idempotency_key"] == batch["batch"]
        assert headers["x-listener-event"] == "mentions"
        for item in batch["mentions"]:  # the API's own mention shape
            assert item == api.as_("viewer").get(f"/api/v1/mentions/{item['id']}").json()
    seen = state(api, sub["id"])
    assert seen["deliveries"] == {"sent": 3} and seen["failures"] == 0 and seen["last_delivered_at"]

    push(sessions, outbound, settings, start + timedelta(minutes=1), push_batch=3)
    assert len(receiver.arrivals) == 3  # nothing new, nothing repeated
    later = ingest(api, mentions(1, start=50))
    push(sessions, outbound, settings, start + timedelta(minutes=2), push_batch=3)
    assert receiver.mention_ids == sorted(wanted) + later


def test_500_and_429_are_retried_with_the_same_key_and_kept_once(
    api, acme, sessions, outbound, settings, receiver, start
):
    sub = subscribe(api, receiver)
    receiver.script.extend([Reply(500), Reply(429, {"Retry-After": "120"})])
    wanted = ingest(api, mentions(2))

    assert push(sessions, outbound, settings, start).retried
    assert receiver.batches == [] and len(receiver.arrivals) == 1
    (batch,) = api.as_("viewer").get(f"{SUBS}/{sub['id']}/batches").json()
    assert batch["status"] == "failed" and batch["attempts"] == 1 and batch["last_error"].startswith("500")
    assert state(api, sub["id"])["failures"] == 1

    push(sessions, outbound, settings, start + timedelta(seconds=29))  # backoff: 30 s
    assert len(receiver.arrivals) == 1
    push(sessions, outbound, settings, start + timedelta(seconds=30))  # 429, Retry-After: 120
    push(sessions, outbound, settings, start + timedelta(seconds=149))
    assert len(receiver.arrivals) == 2
    push(sessions, outbound, settings, start + timedelta(seconds=150))

    assert receiver.arrivals == [batch["idempotency_key"]] * 3
    assert receiver.mention_ids == sorted(wanted) and len(receiver.batches) == 1
    seen = state(api, sub["id"])
    assert seen["failures"] == 0 and seen["last_error"] is None and seen["deliveries"] == {"sent": 1}


def test_a_timeout_after_the_receiver_got_the_batch_repeats_it_with_the_same_key(
    api, acme, sessions, outbound, settings, receiver, start
):
    sub = subscribe(api, receiver)
    receiver.script.append(Reply(200, late=1.5))  # keeps the batch, answers after the sender gave up
    wanted = ingest(api, mentions(3))

    assert push(sessions, outbound, settings, start, push_timeout_seconds=0.3).retried
    (batch,) = api.as_("viewer").get(f"{SUBS}/{sub['id']}/batches").json()
    assert batch["status"] == "failed" and "timeout after sending" in batch["last_error"]

    assert push(sessions, outbound, settings, start + timedelta(seconds=30), push_timeout_seconds=0.3).sent
    assert receiver.arrivals == [batch["idempotency_key"]] * 2  # the repeat carries the same key
    assert len(receiver.batches) == 1 and receiver.mention_ids == sorted(wanted)  # kept once


def test_repeated_failures_pause_with_the_reason_and_resume_sends_the_same_batch(
    api, acme, sessions, outbound, settings, receiver, start
):
    sub = subscribe(api, receiver)
    receiver.script.extend([Reply(503)] * 3)
    wanted = ingest(api, mentions(2))
    for minute in (0, 10, 20):  # the backoff is at most 5 minutes
        push(sessions, outbound, settings, start + timedelta(minutes=minute), push_max_failures=3)

    seen = state(api, sub["id"])
    assert seen["state"] == "paused" and seen["failures"] == 3
    assert "3 failed attempts in a row" in seen["paused_reason"] and "503" in seen["paused_reason"]
    ingest(api, mentions(2, start=20))
    push(sessions, outbound, settings, start + timedelta(hours=1), push_max_failures=3)
    assert len(receiver.arrivals) == 3  # paused: nothing is sent

    resumed = api.as_("manager").patch(f"{SUBS}/{sub['id']}", json={"state": "active"})
    assert resumed.status_code == 200, resumed.text
    body = resumed.json()
    assert body["state"] == "active" and body["paused_reason"] is None and body["failures"] == 0

    push(sessions, outbound, settings, start + timedelta(hours=2), push_max_failures=3)
    first_key = receiver.arrivals[0]
    assert receiver.arrivals[:4] == [first_key] * 4  # the waiting batch, same key
    assert receiver.batches[0]["batch"] == first_key
    assert receiver.mention_ids[:2] == sorted(wanted) and len(receiver.mention_ids) == 4


def test_a_permanent_refusal_pauses_at_once(api, acme, sessions, outbound, settings, receiver, start):
    sub = subscribe(api, receiver)
    receiver.script.append(Reply(410))
    ingest(api, mentions(1))
    push(sessions, outbound, settings, start)
    push(sessions, outbound, settings, start + timedelta(hours=1))

    seen = state(api, sub["id"])
    assert seen["state"] == "paused" and "410" in seen["paused_reason"]
    assert "not retried" in seen["paused_reason"] and len(receiver.arrivals) == 1


def test_an_address_the_policy_refuses_at_connect_time_pauses_and_is_never_contacted(
    api, acme, sessions, settings, receiver, start
):
    sub = subscribe(api, receiver)  # 127.0.0.1 is allowed when saved (LISTENER_OUTBOUND_ALLOW)...
    ingest(api, mentions(1))
    with guarded_client(STRICT, timeout=5.0) as strict:  # ...not by this worker's policy
        push(sessions, strict, settings, start)

    seen = state(api, sub["id"])
    assert seen["state"] == "paused" and "outbound-address policy" in seen["paused_reason"]
    assert receiver.arrivals == []


def test_a_filter_whose_brand_was_deleted_pauses_the_subscription(
    api, acme, sessions, outbound, settings, receiver, start
):
    other = api.as_("manager").post("/api/v1/brands", json={"name": "Umbrella"}).json()
    sub = subscribe(api, receiver, "brand=Umbrella")
    assert api.as_("admin").delete(f"/api/v1/brands/{other['id']}").status_code == 204
    push(sessions, outbound, settings, start)

    seen = state(api, sub["id"])
    assert seen["state"] == "paused" and "unknown brand 'Umbrella'" in seen["paused_reason"]


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_workers_never_batch_or_send_the_same_twice(
    api, acme, sessions, outbound, settings, receiver, start
):
    sub = subscribe(api, receiver)
    ingest(api, mentions(2))
    first = sessions()
    assert lock_for_batching(first, sub["id"]) is not None  # worker 1 is batching this subscription
    with session_scope(sessions) as s:
        assert queue_batches(s, settings, start) == 0  # worker 2 leaves it alone
    first.rollback()
    with session_scope(sessions) as s:
        assert queue_batches(s, settings, start) == 1
    assert claim_due(first, PushBatch, start) is not None  # worker 1 holds the batch while it sends
    with session_scope(sessions) as s:
        assert deliver_batches(s, outbound, settings, start).sent == []  # worker 2 skips it
    first.rollback()
    first.close()
    assert len(push(sessions, outbound, settings, start).sent) == 1
    assert len(receiver.arrivals) == 1 and len(receiver.mention_ids) == 2


def test_a_saved_filter_the_database_refuses_pauses_only_its_subscription(
    api, acme, sessions, outbound, settings, receiver, start
):
    good = subscribe(api, receiver)
    broken = api.as_("manager").post(SUBS, json={"name": "old", "url": receiver.url}).json()
    with session_scope(sessions) as s:  # saved by an older version that did not check it
        s.get(PushSubscription, broken["id"]).filter = "incident=99999999999999999999"
    wanted = ingest(api, mentions(2))
    push(sessions, outbound, settings, start)

    seen = state(api, broken["id"])
    assert seen["state"] == "paused" and "the filter cannot be run" in seen["paused_reason"]
    assert state(api, good["id"])["state"] == "active" and receiver.mention_ids == sorted(wanted)


def test_the_worker_job_pushes_with_its_own_client(api, acme, sessions, settings, receiver):
    subscribe(api, receiver)
    wanted = ingest(api, mentions(2))
    job = Pushing(sessions, settings)
    try:
        report = job.tick()
    finally:
        job.close()
    assert report is not None and len(report.sent) == 1 and receiver.mention_ids == sorted(wanted)
