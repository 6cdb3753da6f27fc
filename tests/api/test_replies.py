"""Reply templates, suggestions and the draft → approve → sent workflow over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.factories import mention

APOLOGY = {
    "name": "en-delivery-sorry",
    "language": "en",
    "channel": "public",
    "tone": "apologetic",
    "conditions": {"topics": ["delivery"], "sentiment": [-1, -0.05]},
    "body": "Sorry {{ author_name or 'there' }}, that delivery is not the {{ brand }} standard. "
    "DM us, case {{ case_id }}.",
}
THANKS = {
    "name": "en-thanks",
    "language": "en",
    "channel": "public",
    "tone": "grateful",
    "conditions": {"sentiment": [0.05, 1]},
    "body": "Thank you {{ author_name }}! 💙",
}
TR_SORRY = {
    **APOLOGY,
    "name": "tr-kargo-ozur",
    "language": "tr",
    "body": "Merhaba {{ author_name }}, yaşadığınız gecikme için özür dileriz. Dosya no: {{ case_id }}",
}


@pytest.fixture
def templates(api):
    ids = {}
    for t in (APOLOGY, THANKS, TR_SORRY):
        resp = api.as_("manager").post("/api/v1/templates", json=t)
        assert resp.status_code == 201, resp.text
        ids[t["name"]] = resp.json()["id"]
    return ids


def _ingest(api, *items):
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": list(items)})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"]


def test_suggestion_fits_language_polarity_topic_and_is_rendered(api, acme, templates):
    [neg, pos, tr] = _ingest(
        api,
        mention(1, text="My Acme parcel never arrived, still waiting after 3 weeks", author={"name": "Dana"}),
        mention(2, text="Acme is wonderful, best shop ever!"),
        mention(3, text="Acme kargom hâlâ gelmedi, rezalet", language="tr", author={"name": "Ayşe"}),
    )
    got = api.as_("agent").get(f"/api/v1/mentions/{neg}/suggestions").json()
    top = got["suggestions"][0]
    assert top["template_id"] == templates["en-delivery-sorry"]
    year = datetime.now(UTC).year
    assert top["text"] == f"Sorry Dana, that delivery is not the Acme standard. DM us, case CS-{year}-000001."
    assert top["length"] <= top["limit"] == 280 and any("topic delivery" in r for r in top["reasons"])
    assert all(s["template_id"] != templates["en-thanks"] for s in got["suggestions"]), (
        "no cheer for a complaint"
    )
    happy = api.client.get(f"/api/v1/mentions/{pos}/suggestions").json()["suggestions"]
    assert [s["template_id"] for s in happy] == [templates["en-thanks"]]
    turkish = api.client.get(f"/api/v1/mentions/{tr}/suggestions").json()["suggestions"]
    assert [s["template_id"] for s in turkish] == [templates["tr-kargo-ozur"]]


def test_dangerous_mentions_are_escalated_first(api, acme, templates):
    [legal, breach] = _ingest(
        api,
        mention(1, text="Acme lost my parcel. My lawyer will file a lawsuit next week."),
        mention(2, text="Acme had a data breach and leaked my card details"),
    )
    esc = api.as_("agent").get(f"/api/v1/mentions/{legal}/suggestions").json()["escalate"]
    assert esc["to"] == "legal"
    assert api.client.get(f"/api/v1/mentions/{breach}/suggestions").json()["escalate"]["to"] == "security"


def test_no_template_in_the_language_gives_none_and_a_note(api, acme, templates):
    [de] = _ingest(api, mention(1, text="Acme hat mein Paket verloren, sehr ärgerlich", language="de"))
    got = api.as_("agent").get(f"/api/v1/mentions/{de}/suggestions").json()
    assert got["suggestions"] == [] and "no template fits" in got["note"]


def test_unknown_mention_is_404(api, templates):
    assert api.as_("agent").get("/api/v1/mentions/999999/suggestions").status_code == 404


@pytest.mark.parametrize(
    "body, says",
    [
        ("{{ ''.__class__.__mro__ }}", "sandbox"),
        ("{{ cycler.__init__.__globals__ }}", "unknown variable"),
        ("Hi {{ customer }}", "unknown variable"),
        ("{% if %}", "does not compile"),
        ("{{ author_name * 10000000 }}", "sandbox"),
        ("x" * 300, "twitter allows 280"),
    ],
)
def test_bad_templates_are_422_and_not_stored(api, body, says):
    resp = api.as_("manager").post("/api/v1/templates", json={**APOLOGY, "name": "bad", "body": body})
    assert resp.status_code == 422 and says in resp.json()["error"]["message"], resp.text
    assert all(t["name"] != "bad" for t in api.as_("viewer").get("/api/v1/templates").json())


def test_huge_template_and_unknown_language_are_422(api):
    huge = api.as_("manager").post("/api/v1/templates", json={**APOLOGY, "channel": "dm", "body": "x" * 5001})
    assert huge.status_code == 422
    assert api.client.post("/api/v1/templates", json={**APOLOGY, "language": "xx"}).status_code == 422
    assert (
        api.client.post("/api/v1/templates", json={**APOLOGY, "conditions": {"rating": [4, 2]}}).status_code
        == 422
    )


def test_workflow_agent_drafts_manager_approves_everything_in_history(api, acme, templates):
    [mid] = _ingest(api, mention(1, text="Acme parcel never arrived", author={"name": "Dana"}))
    draft = api.as_("agent").post(
        f"/api/v1/mentions/{mid}/replies",
        json={"channel": "public", "template_id": templates["en-delivery-sorry"]},
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    rid = draft.json()["id"]
    assert api.client.get(f"/api/v1/mentions/{mid}").json()["status"] == "in_progress"
    assert api.client.post(f"/api/v1/replies/{rid}/approve", json={}).status_code == 403, (
        "agents cannot approve"
    )
    assert [r["id"] for r in api.client.get("/api/v1/replies").json()] == [rid]
    early = api.client.post(f"/api/v1/replies/{rid}/sent", json={})
    assert early.status_code == 409
    ok = api.as_("manager").post(f"/api/v1/replies/{rid}/approve", json={"comment": "fine"})
    assert ok.json()["status"] == "approved" and ok.json()["reviewed_by"] == "manager-key"
    sent = api.as_("agent").post(
        f"/api/v1/replies/{rid}/sent", json={"external_url": "https://x.com/acme/status/1"}
    )
    assert sent.json()["status"] == "sent"
    assert api.client.get(f"/api/v1/mentions/{mid}").json()["status"] == "replied"
    steps = [(e["action"], e["actor"]) for e in api.client.get(f"/api/v1/mentions/{mid}/history").json()]
    assert steps == [
        ("reply_drafted", "agent-key"),
        ("reply_approved", "manager-key"),
        ("reply_sent", "agent-key"),
    ]


def test_reject_needs_comment_and_free_text_is_length_checked(api, acme, templates):
    [mid] = _ingest(api, mention(1, text="Acme parcel never arrived"))
    too_long = api.as_("agent").post(
        f"/api/v1/mentions/{mid}/replies", json={"channel": "public", "text": "a" * 281}
    )
    assert too_long.status_code == 422 and "280" in too_long.json()["error"]["message"]
    rid = api.client.post(
        f"/api/v1/mentions/{mid}/replies", json={"channel": "dm", "text": "a" * 900}
    ).json()["id"]
    assert api.as_("manager").post(f"/api/v1/replies/{rid}/reject", json={}).status_code == 422
    rej = api.client.post(f"/api/v1/replies/{rid}/reject", json={"comment": "too long"})
    assert rej.json()["status"] == "rejected"


def test_response_stats_and_acceptance_feed_the_ranking(api, acme, templates):
    ids = _ingest(api, *(mention(i, text="Acme parcel never arrived, still waiting") for i in range(4)))
    rid = (
        api.as_("agent")
        .post(
            f"/api/v1/mentions/{ids[0]}/replies",
            json={"channel": "public", "template_id": templates["en-delivery-sorry"]},
        )
        .json()["id"]
    )
    api.as_("manager").post(f"/api/v1/replies/{rid}/approve", json={})
    api.as_("agent").post(f"/api/v1/replies/{rid}/sent", json={})
    stats = api.as_("viewer").get("/api/v1/stats/responses", params={"brand": "Acme"}).json()
    assert stats[0]["group"] == "Acme" and stats[0]["mentions"] == 4 and stats[0]["responded"] == 1
    assert stats[0]["response_rate"] == 0.25 and stats[0]["median_minutes_to_first_response"] is not None
    acc = api.client.get("/api/v1/stats/templates").json()
    assert acc == [
        {
            "template_id": templates["en-delivery-sorry"],
            "name": "en-delivery-sorry",
            "reviewed": 1,
            "accepted": 1,
            "acceptance_rate": 1.0,
        }
    ]
    reasons = api.client.get(f"/api/v1/mentions/{ids[1]}/suggestions").json()["suggestions"][0]["reasons"]
    assert "accepted 1 of 1 times" in reasons
