"""GET /api/v1/authors and /api/v1/trends on the demo data (SQLite and PostgreSQL)."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine

from listener.demo.seed import seed
from listener.settings import Settings
from listener.storage.db import make_session_factory

CRISIS = {"since": "2026-11-19T00:00:00Z", "until": "2026-11-20T00:00:00Z"}


@pytest.fixture
def demo(engine: Engine) -> None:
    seed(make_session_factory(engine), Settings(_env_file=None))


def test_top_authors_by_influence_with_the_documented_score(api, demo) -> None:
    resp = api.as_("viewer").get("/api/v1/authors", params={"brand": "Acme", **CRISIS, "limit": 5})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["brand"] == "Acme" and body["sort"] == "influence"
    authors = body["authors"]
    assert len(authors) == 5
    for a in authors:
        assert a["influence"] == round(math.log10(1 + (a["reach"] or 0) * a["mentions"]), 2)
        assert -1 <= a["average_sentiment"] <= 1
    assert [a["influence"] for a in authors] == sorted((a["influence"] for a in authors), reverse=True)
    by_mentions = api.client.get(
        "/api/v1/authors", params={"brand": "Acme", **CRISIS, "sort": "mentions", "limit": 50}
    ).json()["authors"]
    assert [a["mentions"] for a in by_mentions] == sorted((a["mentions"] for a in by_mentions), reverse=True)
    # the platform filter of the feed applies too
    only = api.client.get("/api/v1/authors", params={"brand": "Acme", **CRISIS, "platform": "reddit"}).json()
    assert only["authors"] and {a["platform"] for a in only["authors"]} == {"reddit"}


def test_trends_show_the_crisis_and_not_a_quiet_day(api, demo) -> None:
    resp = api.as_("viewer").get("/api/v1/trends", params={"brand": "Acme", **CRISIS})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["baseline_since"] == "2026-11-15T00:00:00Z" and body["baseline_mentions"] > 0
    assert "security_privacy" in [t["term"] for t in body["topics"]]
    terms = {t["term"]: t for t in body["terms"]}
    assert terms["data breach"]["baseline_count"] == 0 and terms["data breach"]["count"] >= 10
    assert all(t["p_value"] < 0.01 and t["count"] >= 5 for t in body["terms"])
    quiet = api.client.get(
        "/api/v1/trends",
        params={"brand": "Acme", "since": "2026-11-12T00:00:00Z", "until": "2026-11-13T00:00:00Z"},
    ).json()
    assert quiet["mentions"] > 0 and quiet["topics"] == [] and quiet["terms"] == []
    # a stricter minimum count leaves only the big ones
    strict = api.client.get("/api/v1/trends", params={"brand": "Acme", **CRISIS, "min_count": 15}).json()
    assert [t["term"] for t in strict["terms"]] and all(t["count"] >= 15 for t in strict["terms"])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"range": "1y"}, "range"),
        ({"sort": "loudest"}, "sort"),
        ({"since": "2026-11-20T00:00:00Z", "until": "2026-11-19T00:00:00Z"}, "since"),
        ({"since": "2020-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since"),
        ({"brand": "Nobody"}, "brand"),
    ],
)
def test_bad_parameters_are_422_naming_the_field(api, acme, params: dict, field: str) -> None:
    resp = api.as_("viewer").get("/api/v1/authors", params=params)
    assert resp.status_code == 422, resp.text
    assert field in resp.text


def test_anonymous_is_401(client) -> None:
    assert client.get("/api/v1/trends").status_code == 401
