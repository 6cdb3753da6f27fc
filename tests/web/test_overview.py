"""The overview page: a signed-in person reads one brand's (or all brands') period against the one
before, with inline SVG charts, the report's tables and its downloads, in English and Turkish;
over HTTP on both backends, and in Chromium as a manager."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pypdfium2 as pdfium
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from listener.app import create_app
from listener.demo.seed import seed
from listener.reporting.periods import Range
from listener.reporting.summary import summarize
from listener.settings import Settings
from listener.storage.db import make_session_factory
from listener.storage.lookup import resolve_brand
from tests.reporting.conftest import CRISIS_DAY
from tests.web.conftest import PASSWORD, email_of, seed_users

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CRISIS_WEEK = {"brand": "Acme", "range": "custom", "since": "2026-11-13", "until": "2026-11-19"}


@pytest.fixture
def demo_site(engine: Engine) -> Iterator[sessionmaker]:
    sessions = make_session_factory(engine)
    seed(sessions, Settings(_env_file=None))
    yield sessions


def signed_in(engine: Engine, sessions: sessionmaker, role: str, language: str = "en") -> TestClient:
    seed_users(sessions, language=language)
    client = TestClient(create_app(Settings(database_url=str(engine.url), _env_file=None), engine=engine))
    token = TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    resp = client.post("/login", data={"email": email_of(role), "password": PASSWORD, "next": "/overview",
                                        "csrf_token": token}, follow_redirects=False)  # fmt: skip
    assert resp.status_code == 303, resp.text
    return client


def test_overview_of_a_brand_and_week(engine: Engine, demo_site: sessionmaker) -> None:
    client = signed_in(engine, demo_site, "viewer")
    page = client.get("/overview", params=CRISIS_WEEK)
    assert page.status_code == 200, page.text
    html = page.text
    with demo_site() as session:
        s = summarize(
            session,
            resolve_brand(session, "Acme"),
            Range(CRISIS_DAY.replace(day=13), CRISIS_DAY.replace(day=20)),
        )
    assert "Acme · Nov 13, 2026 – Nov 19, 2026" in html
    assert f'<div class="value">{s["counts"]["total"]:,}</div>' in html
    assert html.count("<svg") == 4 and html.count('role="img"') == 4
    for chart in ("volume", "voice", "platforms", "topics"):
        assert f'data-chart="{chart}"' in html
    assert "security privacy" in html and "Top authors by influence" in html
    assert "<script>alert" not in html
    # the downloads carry the same range and work with the page's session
    link = (
        re.search(r'href="(/reports/download\?[^"]+format=pdf[^"]+locale=tr)"', html)
        .group(1)
        .replace("&amp;", "&")
    )
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    doc = pdfium.PdfDocument(pdf.content)
    assert "13 Kas 2026 – 19 Kas 2026" in doc[0].get_textpage().get_text_range()
    doc.close()


def test_overview_in_turkish_for_all_brands_and_a_bad_range(engine: Engine, demo_site: sessionmaker) -> None:
    client = signed_in(engine, demo_site, "manager", language="tr")
    page = client.get(
        "/overview", params={"brand": "all", "range": "custom", "since": "2026-11-06", "until": "2026-11-19"}
    )
    assert page.status_code == 200
    assert "Genel bakış" in page.text and "Olumsuz oranı" in page.text and "Tüm markalar" in page.text
    bad = client.get("/overview", params={"range": "custom", "since": "2026-11-19", "until": "2026-11-01"})
    assert bad.status_code == 422 and "Bu marka ya da aralık gösterilemiyor" in bad.text
    assert client.get("/overview", params={"brand": "Nobody"}).status_code == 422


def test_overview_needs_a_sign_in(engine: Engine, demo_site: sessionmaker) -> None:
    client = TestClient(create_app(Settings(database_url=str(engine.url), _env_file=None), engine=engine))
    resp = client.get("/overview", follow_redirects=False)
    assert resp.status_code in (302, 303) and "/login" in resp.headers["location"]


def _demo(session) -> None:  # type: ignore[no-untyped-def]
    seed(make_session_factory(session.get_bind()), Settings(_env_file=None))


@pytest.mark.slow
def test_a_manager_reads_the_overview_in_a_browser(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site(seed=_demo)
    login(
        page,
        "manager",
        next="/overview?brand=Acme&range=custom&since=2026-11-13&until=2026-11-19",
        base=site.base,
    )
    assert page.locator("h1").inner_text().startswith("Acme")
    charts = page.locator("figure.chart svg")
    assert charts.count() == 4
    box = charts.first.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 80
    page.select_option("select[name=range]", "30d")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert "range=30d" in page.url
    assert page.locator(".kpi").count() == 4
    assert not page.page_errors


def test_an_empty_range_offers_the_latest_data(engine: Engine, demo_site: sessionmaker) -> None:
    client = signed_in(engine, demo_site, "viewer")
    page = client.get("/overview", params={"brand": "Acme", "range": "7d"})  # today: after the demo's weeks
    assert page.status_code == 200
    assert "No mentions in this period; the latest is from" in page.text
    link = (
        re.search(r'<a href="(/overview\?[^"]+)">Show the same length', page.text)
        .group(1)
        .replace("&amp;", "&")
    )
    assert "until=2026-11-19" in link and "since=2026-11-13" in link
    assert '<div class="value">0</div>' not in client.get(link).text


def test_authors_and_trends_pages(engine: Engine, demo_site: sessionmaker) -> None:
    client = signed_in(engine, demo_site, "agent", language="tr")
    crisis_day = {"brand": "Acme", "range": "custom", "since": "2026-11-19", "until": "2026-11-19"}
    authors = client.get("/authors", params={**crisis_day, "sort": "reach"})
    assert authors.status_code == 200 and "Öne çıkan yazarlar" in authors.text
    reach = [
        int(x.replace(".", ""))
        for x in re.findall(r'<td class="num">[\d.]+</td><td class="num">([\d.]+)</td>', authors.text)
    ]
    assert len(reach) > 10 and reach == sorted(reach, reverse=True)
    trends = client.get("/trends", params=crisis_day)
    assert trends.status_code == 200 and "Eğilimler" in trends.text
    assert "data breach" in trends.text and "security privacy" in trends.text
    first_day = client.get("/trends", params={**crisis_day, "since": "2026-11-06", "until": "2026-11-06"})
    assert "Karşılaştırılacak önceki bahsetme yok." in first_day.text
