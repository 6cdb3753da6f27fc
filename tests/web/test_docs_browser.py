"""/docs (Swagger UI) and /redoc render in Chromium with every request answered by the app itself:
any request to another host is aborted and recorded, so a CDN dependency fails the test."""

from __future__ import annotations

from urllib.parse import urlsplit


def _offline(page, base: str) -> list[str]:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    here = urlsplit(base).netloc

    def route(r) -> None:  # type: ignore[no-untyped-def]
        if urlsplit(r.request.url).netloc == here or r.request.url.startswith("data:"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return outside


def test_swagger_ui_renders_offline(site, page) -> None:  # type: ignore[no-untyped-def]
    outside = _offline(page, site.base)
    response = page.goto(site.base + "/docs")
    assert response is not None and response.status == 200
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Listener" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")  # the operations, grouped by tag, from /openapi.json
    assert page.locator(".opblock").count() > 20
    assert outside == [] and page.page_errors == []


def test_redoc_renders_offline(site, page) -> None:  # type: ignore[no-untyped-def]
    outside = _offline(page, site.base)
    response = page.goto(site.base + "/redoc")
    assert response is not None and response.status == 200
    page.wait_for_selector("redoc h1, .api-info h1", timeout=30_000)
    assert "Listener" in page.inner_text("body")
    # an operation's summary, from /openapi.json
    page.wait_for_selector("h2:has-text('List alert rules')", state="attached")
    assert outside == [] and page.page_errors == []
