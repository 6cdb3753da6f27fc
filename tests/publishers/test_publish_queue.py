"""The publish queue end to end on SQLite and PostgreSQL: an approved reply is queued through the
API, the worker's job posts it to a real HTTP server on 127.0.0.1 speaking X's documented format,
and the reply, the mention, the thread and the response times show the result. Faults: a late
answer (unconfirmed, never resent by itself), 429 with reset headers (deferred with every other
reply to that platform), 401 (failed with the platform's reason, retried by a person), 5xx
(retried), "mark sent" by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from tests.collectors.collectors_testkit import Scripted
from tests.publishers.publishers_cases import answer, fixture
from tests.publishers.queue_helpers import (
    PUBLISHED,
    approved,
    created,
    ingest,
    posts,
    publish,
    reply_of,
    tick,
    tweet_id,
)


def test_an_approved_reply_is_posted_threaded_and_timed_by_the_platform(
    api, acme, engine, settings, local_server
) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000000")
    reply_id = approved(api, mention)
    queued = publish(api, reply_id)
    assert queued["status"] == "approved" and queued["publication"]["status"] == "queued"
    our_post = tweet_id(PUBLISHED + timedelta(minutes=42))
    local_server.serve([created(our_post)])
    report = tick(engine, settings)
    assert report.published == [reply_id]
    [post] = posts(local_server)
    assert json.loads(post["body"]) == {
        "text": "Sorry! We refunded the second charge.",
        "reply": {"in_reply_to_tweet_id": "1864930000000000000"},
    }
    assert post["headers"]["Authorization"] == "Bearer x-user-token"
    reply = reply_of(api, mention)
    assert reply["status"] == "sent" and reply["external_id"] == our_post
    assert reply["external_url"] == f"https://x.com/i/web/status/{our_post}"
    assert reply["publication"]["status"] == "published" and reply["publication"]["last_error"] is None
    assert datetime.fromisoformat(reply["platform_sent_at"]) == PUBLISHED + timedelta(minutes=42)
    assert api.as_("viewer").get(f"/api/v1/mentions/{mention}").json()["status"] == "replied"
    # the response time counts from the platform's timestamp, not from when the worker ran
    [row] = api.as_("viewer").get("/api/v1/stats/responses", params={"group_by": "platform"}).json()
    assert row["responded"] == 1 and row["median_minutes_to_first_response"] == 42.0
    # the customer answers our reply: the collector stores it with in_reply_to = our post's id
    answer_id = ingest(api, "1864940000000000000", text="thanks, got it", in_reply_to=our_post)
    thread = api.as_("viewer").get(f"/api/v1/mentions/{mention}/thread").json()
    assert thread["mention"]["id"] == mention and [r["id"] for r in thread["replies"]] == [reply_id]
    assert [a["id"] for a in thread["answers"]] == [answer_id] and thread["answers"][0][
        "in_reply_to"
    ] == our_post
    back = api.as_("viewer").get(f"/api/v1/mentions/{answer_id}/thread").json()
    assert back["answers_to"]["id"] == mention
    # nothing left to send
    assert tick(engine, settings).published == [] and len(posts(local_server)) == 1


def test_a_late_answer_is_unconfirmed_and_never_resent_until_a_person_resolves_it(
    api, acme, engine, settings, local_server
) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000001")
    reply_id = approved(api, mention)
    publish(api, reply_id)
    local_server.serve([Scripted(201, fixture("twitter__tweets_create__201__team.json"), delay=1.5)])
    assert tick(engine, settings).unconfirmed == [reply_id]
    later = datetime.now(UTC) + timedelta(hours=2)
    assert tick(engine, settings, later).published == [] and len(posts(local_server)) == 1
    reply = reply_of(api, mention)
    assert reply["status"] == "approved" and reply["publication"]["status"] == "unconfirmed"
    assert "check the platform" in reply["publication"]["last_error"]
    assert "never confirmed" in publish(api, reply_id, 409)["message"]
    # a person finds it was not posted: queue it again; it goes out once more
    resp = api.as_("agent").post(f"/api/v1/replies/{reply_id}/publish/resolve", json={"posted": False})
    assert resp.status_code == 200 and resp.json()["publication"]["status"] == "queued"
    local_server.serve([created("1864937210384859136")])
    assert tick(engine, settings).published == [reply_id]
    assert len(posts(local_server)) == 2
    assert posts(local_server)[0]["body"] == posts(local_server)[1]["body"]


def test_an_unconfirmed_send_found_on_the_platform_is_marked_sent(
    api, acme, engine, settings, local_server
) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000002")
    reply_id = approved(api, mention)
    publish(api, reply_id)
    local_server.serve([Scripted(504, b'{"title": "Gateway Timeout"}')])
    assert tick(engine, settings).unconfirmed == [reply_id]
    body = {
        "posted": True,
        "external_id": "1864937210384859999",
        "external_url": "https://x.com/acme/status/1864937210384859999",
    }
    resp = api.as_("agent").post(f"/api/v1/replies/{reply_id}/publish/resolve", json=body)
    assert resp.status_code == 200
    assert resp.json()["status"] == "sent" and resp.json()["external_id"] == "1864937210384859999"
    assert api.as_("viewer").get(f"/api/v1/mentions/{mention}").json()["status"] == "replied"
    assert tick(engine, settings, datetime.now(UTC) + timedelta(hours=1)).published == []
    assert len(posts(local_server)) == 1


def test_429_defers_every_reply_for_that_platform_to_the_reset_time(
    api, acme, engine, settings, local_server
) -> None:  # type: ignore[no-untyped-def]
    first = approved(api, ingest(api, "1864930000000000003"))
    second = approved(api, ingest(api, "1864930000000000004"))
    publish(api, first)
    publish(api, second)
    reset = (datetime.now(UTC) + timedelta(minutes=15)).replace(microsecond=0)
    headers = {"x-rate-limit-reset": str(int(reset.timestamp())), "x-rate-limit-remaining": "0"}
    local_server.serve([answer("twitter__error_429__team.json", 429, headers)])
    report = tick(engine, settings)
    assert report.deferred == [first] and len(posts(local_server)) == 1  # the second one was not tried
    rows = api.as_("viewer").get("/api/v1/replies", params={"status": "approved"}).json()
    for row in rows:
        assert row["publication"]["status"] == "queued"
        assert datetime.fromisoformat(row["publication"]["next_attempt_at"]) == reset
    assert rows[0]["publication"]["last_error"] == "rate limited: Too Many Requests"
    assert rows[0]["publication"]["attempts"] == 0  # waiting for the window is not a failed attempt
    assert (
        tick(engine, settings, reset - timedelta(seconds=5)).deferred == [] and len(posts(local_server)) == 1
    )
    local_server.serve([created("1864937210384859001"), created("1864937210384859002")])
    assert sorted(tick(engine, settings, reset + timedelta(seconds=1)).published) == [first, second]
    assert len(posts(local_server)) == 3


def test_401_fails_with_the_platforms_reason_and_a_person_retries(
    api, acme, engine, settings, local_server
) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000005")
    reply_id = approved(api, mention)
    publish(api, reply_id)
    local_server.serve([answer("twitter__error_401__team.json", 401)])
    assert tick(engine, settings).failed == [reply_id]
    publication = reply_of(api, mention)["publication"]
    assert publication["status"] == "failed" and publication["last_error"] == "Unauthorized"
    assert publication["last_status_code"] == 401
    assert tick(engine, settings, datetime.now(UTC) + timedelta(days=1)).published == []  # no automatic retry
    assert publish(api, reply_id)["publication"]["status"] == "queued"  # the retry
    local_server.serve([created("1864937210384859136")])
    assert tick(engine, settings).published == [reply_id]
    assert len(posts(local_server)) == 2
    history = api.as_("viewer").get(f"/api/v1/mentions/{mention}/history").json()
    actions = [h["action"] for h in history]
    assert "reply_publish_failed" in actions and "reply_sent" in actions


def test_5xx_is_retried_with_backoff(api, acme, engine, settings, local_server) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000006")
    reply_id = approved(api, mention)
    publish(api, reply_id)
    local_server.serve([Scripted(503, b'{"title": "Service Unavailable"}')])
    assert tick(engine, settings).deferred == [reply_id]
    publication = reply_of(api, mention)["publication"]
    assert publication["status"] == "queued" and publication["attempts"] == 1
    assert tick(engine, settings).deferred == []  # not due yet
    local_server.serve([created("1864937210384859136")])
    assert tick(engine, settings, datetime.now(UTC) + timedelta(minutes=5)).published == [reply_id]
    assert len(posts(local_server)) == 2


def test_mark_sent_by_hand_stops_a_failed_publish(api, acme, engine, settings, local_server) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000007")
    reply_id = approved(api, mention)
    publish(api, reply_id)
    local_server.serve([answer("twitter__error_403__team.json", 403)])
    tick(engine, settings)
    assert "duplicate content" in reply_of(api, mention)["publication"]["last_error"]
    resp = api.as_("agent").post(f"/api/v1/replies/{reply_id}/sent", json={"external_id": "123"})
    assert resp.status_code == 200 and resp.json()["status"] == "sent"
    assert resp.json()["publication"]["status"] == "by_hand"
    assert publish(api, reply_id, 409)["code"] == "conflict"
    assert tick(engine, settings, datetime.now(UTC) + timedelta(days=1)).published == []
    assert len(posts(local_server)) == 1


def test_what_cannot_be_published_is_a_clear_422_or_409(api, acme, settings) -> None:  # type: ignore[no-untyped-def]
    mention = ingest(api, "1864930000000000008")
    resp = api.as_("agent").post(
        f"/api/v1/mentions/{mention}/replies", json={"channel": "public", "text": "hi"}
    )
    draft = resp.json()["id"]
    assert "only approved replies" in publish(api, draft, 409)["message"]
    rss = approved(api, ingest(api, "https://blog.example/acme", platform="rss", text="Acme is slow"))
    error = publish(api, rss, 422)
    assert "cannot post on rss" in error["message"] and "mark it sent" in error["message"]
    url = "https://play.google.com/store/apps/details?id=com.acme.shop&reviewId=gp%3Along"
    play = ingest(api, "gp:long", platform="googleplay", kind="review", url=url, text="Crashes on start")
    long_reply = approved(api, play, "x" * 351)
    error = publish(api, long_reply, 422)
    assert error["message"] == "the reply is 351 characters; googleplay allows 350"
    short = approved(api, play, "Sorry! 4.2.2 fixes it.")
    error = publish(api, short, 422)
    assert "LISTENER_GOOGLEPLAY_SERVICE_ACCOUNT" in error["message"]


def test_publishers_are_listed_without_credentials(api, settings) -> None:  # type: ignore[no-untyped-def]
    rows = {r["platform"]: r for r in api.as_("viewer").get("/api/v1/publishers").json()}
    assert rows["twitter"]["configured"] is True and rows["reddit"]["configured"] is False
    assert rows["twitter"]["limits"]["max_chars"] == 280 and "public_reply" in rows["twitter"]["capabilities"]
    assert "x-user-token" not in json.dumps(rows)
