"""Scheduled reports end to end on both backends: the demo brand's weekly report queued into the
outbox, sent through the email notifier to aiosmtpd on 127.0.0.1, and the mail opened: HTML with
inline PNG charts, the PDF (read back with pypdfium2) and the CSV of the week's mentions, one
message per recipient language. Then: queued once however often and by however many workers."""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from email.message import EmailMessage

import pypdfium2 as pdfium
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from listener.engine.delivery import deliver_pending, outbound_client
from listener.settings import Settings
from listener.storage.mentions import brand_condition
from listener.storage.models import Brand, Channel, Mention, Notification, ReportSchedule
from tests.engine.sinks import SmtpSink

# Monday 23 November 2026, 09:00 in Istanbul (UTC+3): week 47 (16-22 November) is due at 08:00
AFTER_WEEK_47 = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
WEEK_47 = (datetime(2026, 11, 15, 21, 0, tzinfo=UTC), datetime(2026, 11, 22, 21, 0, tzinfo=UTC))


@pytest.fixture
def weekly(demo, settings: Settings):  # type: ignore[no-untyped-def]
    """Acme's weekly report (Istanbul time, 08:00) to one English and two Turkish readers; returns
    (sessions, smtp sink, settings)."""
    with SmtpSink() as smtp:
        with demo() as session:
            acme = session.scalar(select(Brand).where(Brand.name == "Acme"))
            config = {"host": "127.0.0.1", "port": smtp.port, "from_addr": "listener@acme.example",
                      "to": ["ops@acme.example"]}  # fmt: skip
            channel = Channel(name="reports mail", type="email", config=config)
            session.add(channel)
            session.flush()
            session.add(
                ReportSchedule(
                    brand_id=acme.id, channel_id=channel.id, frequency="weekly", timezone="Europe/Istanbul",
                    send_hour=8, created_by="test", created_at=datetime(2026, 11, 20, tzinfo=UTC),
                    recipients=[{"email": "ceo@acme.example", "locale": "en"},
                                {"email": "ayse@acme.example", "locale": "tr"},
                                {"email": "mehmet@acme.example", "locale": "tr"}],
                )
            )  # fmt: skip
            session.commit()
        yield demo, smtp, settings.model_copy(update={"public_url": "https://listener.acme.example"})


def queue(sessions, at: datetime, settings: Settings) -> list[str]:  # type: ignore[no-untyped-def]
    from listener.reporting.schedule import queue_due

    with sessions() as session:
        rows = queue_due(session, at, settings)
        session.commit()
        return [r.idempotency_key for r in rows]


def deliver(sessions, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    client = outbound_client(settings)
    with client, sessions() as session:
        report = deliver_pending(session, client, datetime.now(UTC))
    assert report.sent and not report.retried and not report.dead, report


def part(msg: EmailMessage, content_type: str) -> list[EmailMessage]:
    return [p for p in msg.walk() if p.get_content_type() == content_type]


def test_the_weekly_report_mail_with_its_pdf_and_csv(weekly) -> None:
    sessions, smtp, settings = weekly
    keys = queue(sessions, AFTER_WEEK_47, settings)
    assert len(keys) == 2 and all("-weekly-2026-W47-" in k for k in keys)
    assert {k.rsplit("-", 1)[1] for k in keys} == {"en", "tr"}
    deliver(sessions, settings)
    assert len(smtp.messages) == 2
    by_lang = {("tr" if "ayse@acme.example" in m["To"] else "en"): m for m in smtp.messages}
    assert by_lang["tr"]["To"] == "ayse@acme.example, mehmet@acme.example"
    assert by_lang["en"]["To"] == "ceo@acme.example"
    assert by_lang["en"]["Subject"].startswith("Brand report: Acme")
    assert by_lang["tr"]["Subject"].startswith("Marka raporu: Acme")
    with sessions() as session:
        acme = session.scalar(select(Brand.id).where(Brand.name == "Acme"))
        week = session.scalar(
            select(func.count()).select_from(Mention).where(
                brand_condition([acme]), Mention.published_at >= WEEK_47[0], Mention.published_at < WEEK_47[1]
            )
        )  # fmt: skip
    for lang, msg in by_lang.items():
        html = part(msg, "text/html")[0].get_content()
        images = part(msg, "image/png")
        assert {f"<{i['Content-ID'].strip('<>')}>" for i in images} == {
            "<volume>", "<voice>", "<platforms>", "<topics>"
        }  # fmt: skip
        for image in images:
            assert f'src="cid:{image["Content-ID"].strip("<>")}"' in html
            assert image.get_content().startswith(b"\x89PNG")
        assert "<script" not in html.lower()
        assert "https://listener.acme.example/overview?" in html
        (pdf_part,) = part(msg, "application/pdf")
        assert pdf_part.get_filename() == f"acme-2026-W47-{lang}.pdf"
        pdf = pdfium.PdfDocument(pdf_part.get_content())
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
        pdf.close()
        assert "Acme" in text and ("Olumsuz oranı" if lang == "tr" else "Negative share") in text
        (csv_part,) = part(msg, "text/csv")
        raw = csv_part.get_payload(decode=True)
        assert raw.startswith("\ufeff".encode())  # the BOM: spreadsheet apps read Turkish letters right
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(rows) == week > 50
        assert all(WEEK_47[0].isoformat()[:10] <= r["published_at"][:10] <= "2026-11-22" for r in rows)
        assert {r["brand"] for r in rows} >= {"Acme"}


def test_queued_once_per_period_across_ticks_restarts_and_workers(weekly) -> None:
    sessions, smtp, settings = weekly
    # 07:59 in Istanbul: week 47 is not due yet, and week 46 ended before the schedule was made
    assert queue(sessions, datetime(2026, 11, 23, 4, 59, tzinfo=UTC), settings) == []

    def worker(_: int) -> list[str]:
        try:
            return queue(sessions, AFTER_WEEK_47, settings)
        except OperationalError:  # SQLite: another worker holds the write lock; its next tick skips
            return []

    with ThreadPoolExecutor(4) as pool:  # four workers at the same minute
        results = list(pool.map(worker, range(4)))
    assert sum(len(r) for r in results) == 2
    assert queue(sessions, datetime(2026, 11, 29, 20, 0, tzinfo=UTC), settings) == []  # later that week
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == 2
