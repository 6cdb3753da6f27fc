"""A report as an outbox payload for the email notifier: HTML with the charts as inline PNG
(``cid:``), a plain-text part, the PDF and the CSV attached (``alerts.notifiers.prerendered``)."""

from __future__ import annotations

import base64
from typing import Any

from listener.reporting.files import ReportFiles
from listener.reporting.html import render_html, render_text
from listener.web.i18n import format_number, translate


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def mail_payload(files: ReportFiles, *, recipients: list[str], meta: dict[str, Any]) -> dict[str, Any]:
    """The outbox payload (``kind: report``) carrying the rendered message to ``recipients``;
    ``meta`` (brand, schedule, period) is kept beside it for the outbox's listing."""
    doc = files.doc
    text = render_text(doc)
    if files.csv_truncated:
        text += "\n" + translate(
            doc.locale,
            "The CSV holds the newest %(n)s mentions; download the full one from the report page.",
            n=format_number(files.csv_rows),
        )
    return {
        "kind": "report",
        "incident_id": None,
        **meta,
        "locale": doc.locale,
        "to": list(recipients),
        "message": {
            "subject": f"{doc.title}: {doc.subtitle}",
            "text": text,
            "html": render_html(doc, "cid"),
            "inline": [
                {"cid": f.key, "content_type": "image/png", "data": _b64(f.draw("png"))} for f in doc.figures
            ],
            "attachments": [
                {
                    "filename": f"{doc.filename}.pdf",
                    "content_type": "application/pdf",
                    "data": _b64(files.pdf),
                },
                {"filename": f"{doc.filename}.csv", "content_type": "text/csv", "data": _b64(files.csv)},
            ],
        },
    }
