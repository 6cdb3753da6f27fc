"""One report's files: the document, its PDF and the CSV of the period's mentions, for a brand (or
all brands), a range and a language; and the report as a download. The API's download, the pages
and the scheduled mail all come through here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo
from typing import TypedDict, Unpack

from sqlalchemy.orm import Session
from starlette.responses import Response

from listener.pipeline.exporting import csv_document
from listener.reporting import content
from listener.reporting.document import ReportDoc
from listener.reporting.html import render_html
from listener.reporting.pdf import render_pdf
from listener.reporting.periods import Range
from listener.reporting.summary import summarize
from listener.storage.mentions import MentionFilter
from listener.storage.models import Brand


@dataclass(frozen=True, slots=True)
class ReportFiles:
    doc: ReportDoc
    pdf: bytes
    csv: bytes
    csv_rows: int
    csv_truncated: bool


def report_doc(
    session: Session,
    brand: Brand | None,
    rng: Range,
    locale: str,
    *,
    base_url: str = "",
    label: str | None = None,
    tz: tzinfo = UTC,
) -> ReportDoc:
    """The translated report document of ``brand`` (None: all brands) for ``rng``, its dates in
    ``tz``."""
    summary = summarize(session, brand, rng)
    return content.build(summary, locale=locale, base_url=base_url, label=label, tz=tz)


def period_csv(
    session: Session, brand: Brand | None, rng: Range, limit: int | None = None
) -> tuple[bytes, int, bool]:
    """The period's mentions as CSV (``pipeline.exporting.csv_document``), newest first."""
    f = MentionFilter(brand_ids=[brand.id] if brand else None, since=rng.since, until=rng.until)
    return csv_document(session, f, limit)


class DocOptions(TypedDict, total=False):
    """``report_doc``'s keyword options, passed on by ``report_files``."""

    base_url: str
    label: str | None
    tz: tzinfo


def report_files(
    session: Session,
    brand: Brand | None,
    rng: Range,
    locale: str,
    *,
    csv_limit: int | None = None,
    **options: Unpack[DocOptions],
) -> ReportFiles:
    """The document (``report_doc`` with ``options``), its PDF and the CSV (at most ``csv_limit``
    rows)."""
    doc = report_doc(session, brand, rng, locale, **options)
    data, rows, truncated = period_csv(session, brand, rng, csv_limit)
    return ReportFiles(doc, render_pdf(doc), data, rows, truncated)


REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'"
MEDIA = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


def report_response(
    session: Session, brand: Brand | None, rng: Range, fmt: str, locale: str, *, base_url: str = ""
) -> Response:
    """The report as a file download (PDF and CSV as attachments; HTML, self-contained, inline)."""
    doc = report_doc(session, brand, rng, locale, base_url=base_url)
    if fmt == "csv":
        body = period_csv(session, brand, rng)[0]
    elif fmt == "pdf":
        body = render_pdf(doc)
    else:
        body = render_html(doc, "data").encode("utf-8")
    disposition = "inline" if fmt == "html" else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{doc.filename}.{fmt}"'}
    if fmt == "html":  # self-contained, styled inline like the mail: no script, nothing fetched
        headers["Content-Security-Policy"] = REPORT_CSP
    return Response(body, media_type=MEDIA[fmt], headers=headers)
