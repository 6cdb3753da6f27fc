"""POST /api/v1/analyze and reanalysis of stored mentions."""

from __future__ import annotations

from listener.pipeline.reanalysis import reanalyze
from listener.storage.db import make_session_factory
from tests.factories import mention


def test_analyze_returns_one_result_per_text_in_order(api, acme):
    items = [
        {"text": "Love Globex, but Acme support is useless", "brand": "Acme"},
        {"text": "Siparişim hâlâ gelmedi, kimse dönmüyor"},
        {"text": "Das ist ein Test auf Deutsch, bitte ignorieren"},
        {"text": "Charged twice for one order. Data breach too? Lawsuit coming."},
    ]
    resp = api.as_("viewer").post("/api/v1/analyze", json={"items": items})
    assert resp.status_code == 200, resp.text
    results = resp.json()["results"]
    assert len(results) == 4
    assert results[0]["brand_sentiment"]["Acme"]["label"] == "negative"
    assert results[0]["brand_sentiment"]["Globex"]["label"] == "positive"
    assert (results[1]["language"], results[1]["sentiment"]["label"]) == ("tr", "negative")
    assert results[2]["sentiment"] == {"score": None, "label": "unscored", "drivers": []}
    assert "data breach" in results[3]["crisis_terms"] or "lawsuit" in results[3]["crisis_terms"]


def test_analyze_validates_input(api, acme):
    assert api.as_("viewer").post("/api/v1/analyze", json={"items": []}).status_code == 422
    too_many = {"items": [{"text": "x"}] * 1001}
    assert api.client.post("/api/v1/analyze", json=too_many).status_code == 422
    bad = api.client.post("/api/v1/analyze", json={"items": [{"text": "ok"}, {"txt": "typo"}]})
    assert bad.status_code == 422
    assert (1, "txt") in {(d.get("index"), d["field"]) for d in bad.json()["error"]["details"]}


def test_reanalyze_keeps_manual_override_and_refreshes_the_rest(api, acme, engine):
    ids = (
        api.as_("manager")
        .post(
            "/api/v1/ingest",
            json={
                "mentions": [
                    mention(1, text="Acme is great, love it"),
                    mention(2, text="Acme lost my parcel"),
                ]
            },
        )
        .json()["ids"]
    )
    patched = api.as_("agent").patch(f"/api/v1/mentions/{ids[0]}", json={"sentiment": {"label": "negative"}})
    assert patched.json()["sentiment"]["label"] == "negative"
    report = reanalyze(make_session_factory(engine))
    assert report.mentions == 2 and report.kept_overrides == 1
    first, second = (api.as_("viewer").get(f"/api/v1/mentions/{i}").json() for i in ids)
    assert first["sentiment"]["label"] == "negative" and first["sentiment"]["overridden_by"] == "agent-key"
    assert second["sentiment"]["label"] == "negative"
