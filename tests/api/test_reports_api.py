"""GET /api/v1/reports/{brand} (PDF, CSV, HTML; any range; en/tr) and /api/v1/report-schedules,
on the demo data, SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io

import pypdfium2 as pdfium
import pytest
from sqlalchemy import Engine

from listener.demo.seed import seed
from listener.settings import Settings
from listener.storage.db import make_session_factory

WEEK = {"from": "2026-11-13T00:00:00Z", "to": "2026-11-20T00:00:00Z"}


@pytest.fixture
def demo(engine: Engine) -> None:
    seed(make_session_factory(engine), Settings(_env_file=None))


def test_pdf_csv_and_html_of_any_range(api, demo) -> None:
    viewer = api.as_("viewer")
    pdf = viewer.get("/api/v1/reports/Acme", params={**WEEK, "format": "pdf", "locale": "tr"})
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == 'attachment; filename="acme-20261113-20261120-tr.pdf"'
    doc = pdfium.PdfDocument(pdf.content)
    text = doc[0].get_textpage().get_text_range()
    doc.close()
    assert "Marka raporu" in text and "13 Kas 2026 – 19 Kas 2026" in text

    rows = list(
        csv.DictReader(
            io.StringIO(
                viewer.get("/api/v1/reports/Acme", params={**WEEK, "format": "csv"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    feed = viewer.get(
        "/api/v1/stats/volume",
        params={"brand": "Acme", "since": WEEK["from"], "until": WEEK["to"], "interval": "day"},
    ).json()
    assert len(rows) == sum(b["total"] for b in feed["buckets"]) > 100

    html = viewer.get("/api/v1/reports/Acme", params={**WEEK, "format": "html"})
    assert html.headers["content-type"].startswith("text/html")
    assert html.text.count('src="data:image/png;base64,') == 4 and "Brand report" in html.text
    assert "<script" not in html.text.lower()

    everyone = viewer.get("/api/v1/reports/all", params={**WEEK, "format": "html"})
    assert everyone.status_code == 200 and "Report for all brands" in everyone.text


@pytest.mark.parametrize(
    ("params", "field"),
    [({"format": "docx"}, "format"), ({"locale": "de"}, "locale"), ({"range": "2y"}, "range"),
     ({"from": "2026-11-20T00:00:00Z", "to": "2026-11-13T00:00:00Z"}, "since"),
     ({"from": "yesterday"}, "from")],
)  # fmt: skip
def test_bad_report_requests_are_422(api, acme, params: dict, field: str) -> None:
    resp = api.as_("viewer").get("/api/v1/reports/Acme", params=params)
    assert resp.status_code == 422 and field in resp.text
    assert api.client.get("/api/v1/reports/Nobody").status_code == 422


def test_report_needs_a_key(client) -> None:
    assert client.get("/api/v1/reports/Acme").status_code == 401


def test_schedules_crud_for_managers_only(api, acme) -> None:
    m = api.as_("manager")
    smtp = {"host": "127.0.0.1", "from_addr": "l@acme.example", "to": ["a@acme.example"]}
    mail = m.post("/api/v1/channels", json={"name": "mail", "type": "email", "config": smtp}).json()
    web = {"url": "https://example.com/h"}
    hook = m.post("/api/v1/channels", json={"name": "hook", "type": "webhook", "config": web}).json()
    readers = [{"email": "ceo@acme.example", "locale": "en"}, {"email": "ayse@acme.example", "locale": "tr"}]
    body = {"brand": "Acme", "channel": mail["id"], "frequency": "weekly", "timezone": "Europe/Istanbul",
            "recipients": readers}  # fmt: skip
    created = m.post("/api/v1/report-schedules", json=body)
    assert created.status_code == 201, created.text
    s = created.json()
    assert s["brand"] == "Acme" and s["send_hour"] == 8 and s["next_period"].startswith("20")
    assert "-W" in s["next_period"] and s["created_by"] == "manager-key"

    assert m.post("/api/v1/report-schedules", json={**body, "channel": hook["id"]}).status_code == 422
    assert m.post("/api/v1/report-schedules", json={**body, "timezone": "Mars/Base"}).status_code == 422
    assert m.post("/api/v1/report-schedules", json={**body, "recipients": []}).status_code == 422
    bad_locale = {**body, "recipients": [{"email": "x@acme.example", "locale": "de"}]}
    assert m.post("/api/v1/report-schedules", json=bad_locale).status_code == 422

    patched = m.patch(f"/api/v1/report-schedules/{s['id']}", json={"frequency": "monthly", "send_hour": 7})
    assert patched.status_code == 200 and patched.json()["frequency"] == "monthly"
    assert len(patched.json()["next_period"]) == 7  # 2026-12
    assert m.patch(f"/api/v1/report-schedules/{s['id']}", json={"frequency": None}).status_code == 422
    assert [x["id"] for x in m.get("/api/v1/report-schedules").json()] == [s["id"]]
    for role in ("viewer", "agent"):
        assert api.as_(role).get("/api/v1/report-schedules").status_code == 403
        assert api.as_(role).post("/api/v1/report-schedules", json=body).status_code == 403
    m = api.as_("manager")
    assert m.delete(f"/api/v1/report-schedules/{s['id']}").status_code == 204
    assert m.get(f"/api/v1/report-schedules/{s['id']}").status_code == 404
