"""Issue 16.8: the API's contract gaps, on both backends: undecodable bodies, long cursors, unknown
filter values, integers and text the database cannot store, coerced types, 405 without Allow and
an OpenAPI schema that did not document the error answers."""

from __future__ import annotations

import pytest

from tests.factories import mention

FEED = "/api/v1/mentions"
RULE = {"name": "spiky", "type": "spike", "params": {"sensitivity": "high"}}


def _error(resp, status: int, code: str = "validation_error") -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()["error"]
    assert body["code"] == code and body["message"]
    return body


def test_a_body_that_is_not_utf8_is_a_422(api, acme):
    resp = api.as_("manager").post(
        "/api/v1/brands",
        content=b'{"name": "\xff\xfe caf\xe9"}',
        headers={"Content-Type": "application/json"},
    )
    assert "UTF-8" in _error(resp, 422)["message"]


def test_a_cursor_over_500_characters_is_a_400_invalid_cursor(api, acme):
    _error(api.as_("viewer").get(FEED, params={"cursor": "A" * 501}), 400, "invalid_cursor")
    _error(api.as_("viewer").get(FEED, params={"cursor": "A" * 20}), 400, "invalid_cursor")


def test_an_unknown_notification_status_is_a_422(api):
    assert _error(api.as_("viewer").get("/api/v1/notifications", params={"status": "foo"}), 422)
    assert api.as_("viewer").get("/api/v1/notifications", params={"status": "sent"}).status_code == 200


def test_engagement_and_ids_beyond_a_bigint_are_a_422_and_nothing_is_stored(api, acme):
    m = api.as_("manager")
    _error(m.post("/api/v1/ingest", json={"mentions": [mention(1, engagement={"likes": 2**70})]}), 422)
    _error(m.patch(FEED, json={"ids": [2**70], "changes": {"status": "resolved"}}), 422)
    assert api.as_("viewer").get(FEED).json()["items"] == []
    ok = api.as_("manager").post(
        "/api/v1/ingest", json={"mentions": [mention(2, engagement={"likes": 2**63 - 1})]}
    )
    assert ok.status_code == 200, ok.text
    assert api.as_("viewer").get(f"{FEED}/{ok.json()['ids'][0]}").json()["engagement"] == {"likes": 2**63 - 1}


NUL_BODIES = [
    ("/api/v1/ingest", {"mentions": [mention(3, text="bad\x00text")]}, "mentions.0.text"),
    ("/api/v1/ingest", {"mentions": [mention(4, author={"name": "A\x00"})]}, "mentions.0.author.name"),
    ("/api/v1/brands", {"name": "Nul\x00Brand"}, "name"),
    ("/api/v1/brands", {"name": "Aliased", "aliases": ["a\x00"]}, "aliases.0"),
    ("/api/v1/rules", {**RULE, "scope": {"topics": ["x\x00"]}}, "scope.topics.0"),
    ("/api/v1/templates", {"name": "t", "language": "en", "channel": "dm", "body": "Hi\x00"}, "body"),
]


@pytest.mark.parametrize(("path", "body", "where"), NUL_BODIES)
def test_nul_characters_are_refused_with_a_422_naming_the_field(api, acme, path, body, where):
    resp = api.as_("manager").post(path, json=body)
    assert where in _error(resp, 422)["message"]


def test_mention_updates_refuse_nul_characters(api, acme):
    mid = api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(5)]}).json()["ids"][0]
    _error(api.as_("agent").patch(f"{FEED}/{mid}", json={"note": "x\x00y"}), 422)
    _error(api.as_("agent").patch(f"{FEED}/{mid}", json={"add_tags": ["\x00"]}), 422)
    assert api.as_("viewer").get(f"{FEED}/{mid}").json()["notes"] == []


@pytest.mark.parametrize("value", ["0.5", "1700000000", "-3"])
def test_times_must_be_iso_not_numbers(api, acme, value):
    _error(api.as_("viewer").get(FEED, params={"until": value}), 422)
    _error(api.as_("viewer").get(FEED, params={"since": value}), 422)
    _error(api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(6, published_at=1.5)]}), 422)
    assert api.as_("viewer").get(FEED, params={"until": "2030-01-01T00:00:00Z"}).status_code == 200


@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_enabled_must_be_a_json_boolean(api, acme, value):
    m = api.as_("manager")
    _error(m.post("/api/v1/rules", json={**RULE, "enabled": value}), 422)
    _error(
        m.post(
            "/api/v1/queries",
            json={"brand_id": acme["id"], "name": "q", "expression": "acme", "enabled": value},
        ),
        422,
    )
    assert m.post("/api/v1/rules", json={**RULE, "enabled": False}).status_code == 201


def test_405_answers_carry_an_allow_header_with_every_method_of_the_path(api, acme):
    resp = api.as_("manager").put(f"/api/v1/brands/{acme['id']}", json={})
    _error(resp, 405, "method_not_allowed")
    assert set(resp.headers["Allow"].split(", ")) == {"GET", "HEAD", "PATCH", "DELETE"}
    resp = api.as_("manager").delete("/api/v1/brands")
    assert set(resp.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_the_openapi_schema_documents_the_error_answers_of_every_operation(client):
    schema = client.get("/openapi.json").json()
    assert "ErrorBody" in schema["components"]["schemas"]
    operations = [
        (path, method, op)
        for path, item in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, op in item.items()
    ]
    assert len(operations) > 40
    for path, method, op in operations:
        for code in ("400", "401", "403", "404", "409", "413", "422"):
            ref = op["responses"].get(code, {}).get("content", {}).get("application/json", {}).get("schema")
            assert ref == {"$ref": "#/components/schemas/ErrorBody"}, (method, path, code)


@pytest.mark.parametrize("path", [FEED, "/api/v1/export", "/api/v1/notifications"])
def test_a_nul_character_in_a_query_parameter_is_a_422(api, acme, path):
    api.as_("manager").post("/api/v1/ingest", json={"mentions": [mention(7)]})
    _error(api.as_("viewer").get(path, params={"q": "a\x00b", "status": "x\x00"}), 422)
