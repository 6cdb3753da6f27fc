"""/healthz and /metrics: no key needed; requests counted by route template, never by raw path."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from listener import __version__
from listener.app import create_app
from tests.factories import mentions


def samples(client, name: str) -> dict[tuple, float]:
    """``{sorted label items: value}`` of one metric's samples in /metrics."""
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    out = {}
    for family in text_string_to_metric_families(resp.text):
        for s in family.samples:
            if s.name == name:
                out[tuple(sorted(s.labels.items()))] = s.value
    return out


def requests_total(client, method: str, route: str, status: int) -> float:
    key = (("method", method), ("route", route), ("status", str(status)))
    return samples(client, "listener_http_requests_total").get(key, 0.0)


def test_healthz_is_ok_without_a_key(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200
    assert resp.json() == {"status": "ok", "database": "ok", "version": __version__}


def test_healthz_is_503_when_the_database_is_unreachable(settings):
    dead = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 2})
    with TestClient(create_app(settings, engine=dead)) as c:
        resp = c.get("/healthz")
    assert resp.status_code == 503 and resp.json() == {"status": "error", "database": "unreachable"}
    assert "nobody" not in resp.text


def test_metrics_count_requests_by_route_template_and_status(api, acme):
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": mentions(3)}).json()["ids"]
    viewer = api.as_("viewer")
    viewer.get("/api/v1/mentions")
    viewer.get("/api/v1/mentions", params={"limit": 1})
    for i in ids:
        viewer.get(f"/api/v1/mentions/{i}")
    viewer.get("/api/v1/mentions/999999")
    assert requests_total(viewer, "GET", "/api/v1/mentions", 200) == 2
    assert requests_total(viewer, "GET", "/api/v1/mentions/{mention_id}", 200) == 3
    assert requests_total(viewer, "GET", "/api/v1/mentions/{mention_id}", 404) == 1
    assert requests_total(viewer, "POST", "/api/v1/ingest", 200) == 1
    assert requests_total(viewer, "POST", "/api/v1/brands", 201) == 1
    text = viewer.get("/metrics").text
    assert f"/api/v1/mentions/{ids[0]}" not in text, "raw ids never become labels"


def test_metrics_count_failures_and_unmatched_paths(client, keys):
    client.get("/api/v1/mentions")  # no key
    client.get("/no/such/page")
    client.get("/another/unknown")
    assert requests_total(client, "GET", "/api/v1/mentions", 401) == 1
    assert requests_total(client, "GET", "unmatched", 404) == 2
    text = client.get("/metrics").text
    assert "/no/such/page" not in text


def test_metrics_count_ingested_mentions_by_outcome(api, acme):
    batch = mentions(4)
    api.as_("manager").post("/api/v1/ingest", json={"mentions": batch})
    api.client.post("/api/v1/ingest", json={"mentions": [*batch[:3], *mentions(2, start=10)]})
    counts = samples(api.client, "listener_mentions_ingested_total")
    assert counts[(("outcome", "created"),)] == 6
    assert counts[(("outcome", "duplicate"),)] == 3


def test_metrics_time_requests_per_route(api):
    api.as_("viewer").get("/api/v1/brands")
    api.client.get("/api/v1/brands")
    counts = samples(api.client, "listener_http_request_seconds_count")
    assert counts[(("route", "/api/v1/brands"),)] == 2
