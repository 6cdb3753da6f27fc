"""PATCH /api/v1/mentions/{id} and bulk PATCH /api/v1/mentions, with the audit trail in /history."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import mention, mentions

FEED = "/api/v1/mentions"


@pytest.fixture
def mid(api, acme) -> int:
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(1)]})
    return resp.json()["ids"][0]


def patch(api, mention_id: int, body: dict) -> dict:
    resp = api.as_("agent").patch(f"{FEED}/{mention_id}", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def history(api, mention_id: int) -> list[dict]:
    resp = api.as_("viewer").get(f"{FEED}/{mention_id}/history")
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_status_and_assignee_are_updated_and_persist(api, mid):
    out = patch(api, mid, {"status": "in_progress", "assignee": "dana"})
    assert (out["status"], out["assignee"]) == ("in_progress", "dana")
    stored = api.as_("viewer").get(f"{FEED}/{mid}").json()
    assert (stored["status"], stored["assignee"]) == ("in_progress", "dana")
    assert stored["updated_at"] >= stored["collected_at"]
    patch(api, mid, {"assignee": None})
    assert api.as_("viewer").get(f"{FEED}/{mid}").json()["assignee"] is None


def test_tags_replace_add_and_remove(api, mid):
    assert patch(api, mid, {"tags": ["vip", "refund", "vip"]})["tags"] == ["vip", "refund"]
    assert patch(api, mid, {"add_tags": ["urgent", "vip"]})["tags"] == ["vip", "refund", "urgent"]
    assert patch(api, mid, {"remove_tags": ["refund", "absent"]})["tags"] == ["vip", "urgent"]
    assert patch(api, mid, {"add_tags": ["x"], "remove_tags": ["vip"]})["tags"] == ["urgent", "x"]
    assert patch(api, mid, {"tags": []})["tags"] == []
    resp = api.as_("agent").patch(f"{FEED}/{mid}", json={"tags": ["a"], "add_tags": ["b"]})
    assert resp.status_code == 422 and "not both" in resp.json()["error"]["message"]


def test_note_is_appended_with_author_and_time(api, mid):
    patch(api, mid, {"note": "called the customer"})
    notes = patch(api, mid, {"note": "refund issued"})["notes"]
    assert [(n["by"], n["text"]) for n in notes] == [
        ("agent-key", "called the customer"),
        ("agent-key", "refund issued"),
    ]
    assert all(abs(datetime.fromisoformat(n["at"]) - datetime.now(UTC)) < timedelta(minutes=5) for n in notes)


def test_sentiment_override_sets_label_score_and_who(api, mid):
    before = api.as_("viewer").get(f"{FEED}/{mid}").json()["sentiment"]
    assert before["overridden_by"] is None
    out = patch(api, mid, {"sentiment": {"label": "negative"}})["sentiment"]
    assert (out["label"], out["score"], out["overridden_by"]) == ("negative", -0.5, "agent-key")
    assert out["overridden_at"] is not None
    assert out["drivers"] == [{"rule": "manual_override", "by": "agent-key"}]
    out = patch(api, mid, {"sentiment": {"label": "neutral", "score": 0.01}})["sentiment"]
    assert (out["label"], out["score"]) == ("neutral", 0.01)
    negative = api.as_("viewer").get(FEED, params={"sentiment": "neutral"}).json()["items"]
    assert [m["id"] for m in negative] == [mid], "the feed filters on the overridden label"


def test_history_lists_each_change_with_actor_time_and_old_new(api, mid):
    start = datetime.now(UTC) - timedelta(seconds=5)
    patch(api, mid, {"status": "in_progress"})
    patch(api, mid, {"assignee": "dana", "add_tags": ["vip"]})
    patch(api, mid, {"status": "in_progress"})  # no change: not recorded
    patch(api, mid, {"status": "resolved", "note": "done"})
    label = api.as_("viewer").get(f"{FEED}/{mid}").json()["sentiment"]
    patch(api, mid, {"sentiment": {"label": "negative", "score": -0.7}})
    events = history(api, mid)
    assert [e["changes"] for e in events] == [
        {"status": ["new", "in_progress"]},
        {"assignee": [None, "dana"], "tags": [[], ["vip"]]},
        {"status": ["in_progress", "resolved"], "note": [None, "done"]},
        {
            "sentiment": [
                {"label": label["label"], "score": label["score"]},
                {"label": "negative", "score": -0.7},
            ]
        },
    ]
    assert {(e["actor"], e["action"]) for e in events} == {("agent-key", "update")}
    times = [datetime.fromisoformat(e["at"]) for e in events]
    assert times == sorted(times) and start <= times[0] and times[-1] <= datetime.now(UTC)
    assert len({e["id"] for e in events}) == 4


def test_history_is_per_mention(api, acme):
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": mentions(2)}).json()["ids"]
    patch(api, ids[0], {"status": "ignored"})
    assert len(history(api, ids[0])) == 1 and history(api, ids[1]) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"status": "done"}, "status"),
        ({"status": 3}, "status"),
        ({}, None),
        ({"sentiment": {"label": "positive", "score": -0.5}}, "sentiment"),
        ({"sentiment": {"label": "neutral", "score": 0.4}}, "sentiment"),
        ({"sentiment": {"label": "unscored"}}, "sentiment.label"),
        ({"sentiment": {"label": "positive", "score": 2}}, "sentiment.score"),
        ({"tags": ["x" * 65]}, "tags.0"),
        ({"note": ""}, "note"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_patch_is_422_and_changes_nothing(api, mid, body, field):
    before = api.as_("viewer").get(f"{FEED}/{mid}").json()
    resp = api.as_("agent").patch(f"{FEED}/{mid}", json=body)
    assert resp.status_code == 422, resp.text
    err = resp.json()["error"]
    assert err["code"] == "validation_error" and err["details"][0]["field"] == field
    assert api.as_("viewer").get(f"{FEED}/{mid}").json() == before
    assert history(api, mid) == []


def test_unknown_mention_is_404(api, mid):
    for resp in (
        api.as_("agent").patch(f"{FEED}/{mid + 1000}", json={"status": "resolved"}),
        api.client.get(f"{FEED}/{mid + 1000}"),
        api.client.get(f"{FEED}/{mid + 1000}/history"),
    ):
        assert resp.status_code == 404
        assert (
            resp.json()["error"]["code"] == "not_found" and str(mid + 1000) in resp.json()["error"]["message"]
        )


def test_bulk_relabels_200_mentions_and_records_history_for_each(api, acme):
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": mentions(220)}).json()["ids"]
    chosen, rest = ids[:200], ids[200:]
    resp = api.as_("agent").patch(FEED, json={"ids": chosen, "changes": {"sentiment": {"label": "negative"}}})
    assert resp.status_code == 200, resp.text
    assert resp.json()["updated"] == 200 and sorted(resp.json()["ids"]) == sorted(chosen)
    client = api.as_("viewer")
    negative = client.get(FEED, params={"sentiment": "negative", "limit": 200}).json()
    assert sorted(m["id"] for m in negative["items"]) == sorted(chosen) and negative["next_cursor"] is None
    assert all(m["sentiment"]["overridden_by"] == "agent-key" for m in negative["items"])
    for i in chosen:
        events = client.get(f"{FEED}/{i}/history").json()
        assert len(events) == 1 and events[0]["actor"] == "agent-key"
        assert events[0]["changes"]["sentiment"][1] == {"label": "negative", "score": -0.5}
    for i in rest:
        assert client.get(f"{FEED}/{i}/history").json() == []


def test_bulk_counts_only_mentions_that_changed(api, acme):
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": mentions(3)}).json()["ids"]
    patch(api, ids[0], {"status": "resolved"})
    resp = api.as_("agent").patch(FEED, json={"ids": [*ids, ids[1]], "changes": {"status": "resolved"}})
    assert resp.json() == {"updated": 2, "ids": ids[1:]}
    assert [len(history(api, i)) for i in ids] == [1, 1, 1]


def test_bulk_with_one_unknown_id_is_404_and_changes_nothing(api, acme):
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": mentions(5)}).json()["ids"]
    before = api.as_("viewer").get(FEED).json()["items"]
    missing = max(ids) + 99
    resp = api.as_("agent").patch(FEED, json={"ids": [*ids, missing], "changes": {"status": "ignored"}})
    assert resp.status_code == 404
    assert resp.json()["error"]["details"] == {"missing": [missing]}
    assert api.as_("viewer").get(FEED).json()["items"] == before
    assert all(history(api, i) == [] for i in ids)


@pytest.mark.parametrize(
    "body",
    [
        {"ids": [], "changes": {"status": "new"}},
        {"ids": list(range(1, 1002)), "changes": {"status": "new"}},
        {"ids": [1], "changes": {}},
        {"ids": [1], "changes": {"status": "done"}},
        {"ids": ["one"], "changes": {"status": "new"}},
        {"changes": {"status": "new"}},
    ],
)
def test_invalid_bulk_body_is_422(api, mid, body):
    resp = api.as_("agent").patch(FEED, json=body)
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_error"
    assert api.as_("viewer").get(f"{FEED}/{mid}").json()["status"] == "new"
