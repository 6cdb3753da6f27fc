"""``HtmlHeadersMiddleware``: HTML responses carry the content security policy (the API docs their
own), ``nosniff`` and the referrer policy; JSON responses pass untouched."""

from __future__ import annotations

from fastapi.testclient import TestClient

from listener.app import create_app
from listener.web.frame import CSP, DOCS_CSP


def test_pages_get_the_strict_policy_docs_their_own_and_json_nothing(settings, engine) -> None:
    with TestClient(create_app(settings, engine=engine)) as client:
        login = client.get("/login")
        assert login.headers["content-type"].startswith("text/html")
        assert login.headers["content-security-policy"] == CSP
        assert login.headers["x-content-type-options"] == "nosniff"
        assert login.headers["referrer-policy"] == "same-origin"
        assert client.get("/docs").headers["content-security-policy"] == DOCS_CSP
        health = client.get("/healthz")
        assert health.headers["content-type"] == "application/json"
        assert "content-security-policy" not in health.headers
        assert "x-content-type-options" not in health.headers
