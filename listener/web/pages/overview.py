"""The overview: one brand (or all brands) over the last 24 h, 7 d, 30 d or a custom range against
the period before, with the same numbers, charts and tables as the mailed report (the report
document of ``listener.reporting`` laid out in the page frame, charts as inline SVG), and the
report itself to download as PDF, CSV or HTML in either language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import select

from listener.deps import SessionDep, make_range
from listener.errors import Unprocessable
from listener.reporting.document import Figure
from listener.reporting.files import period_csv, report_doc
from listener.reporting.html import render_html
from listener.reporting.pdf import render_pdf
from listener.reporting.periods import PRESETS, Range
from listener.storage.lookup import resolve_brand_or_all
from listener.storage.models import Brand
from listener.web.frame import page_router, render
from listener.web.i18n import N_, translate
from listener.web.nav import NavItem, register_nav
from listener.web.session import PageUserDep

router = page_router()
register_nav(NavItem("/overview", N_("Overview"), order=5))
MEDIA = {"pdf": "application/pdf", "csv": "text/csv; charset=utf-8", "html": "text/html; charset=utf-8"}


def _when(value: str, name: str, *, end: bool) -> datetime | None:
    """A date (``2026-11-19``: its midnight; as an end, the next midnight, so the day is included)
    or an ISO time from the query string; Unprocessable for anything else."""
    if not value.strip():
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            at = datetime(day.year, day.month, day.day, tzinfo=UTC)
            return at + timedelta(days=1) if end else at
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except ValueError as exc:
        raise Unprocessable(f"{name}: not a date", details=[{"field": name}]) from exc


def _choice(
    session: SessionDep, brand: str, range_: str, since: str, until: str
) -> tuple[Brand | None, Range]:
    found = resolve_brand_or_all(session, brand)
    preset = range_ if range_ in PRESETS else "7d"
    if range_ != "custom":
        return found, make_range(None, None, preset)
    return found, make_range(_when(since, "since", end=False), _when(until, "until", end=True), preset)


def _svg(fig: Figure) -> Markup:
    return Markup(fig.draw("svg").decode("utf-8"))  # our own chart; its title is escaped inside it


@router.get("/overview")
def overview(
    request: Request,
    session: SessionDep,
    who: PageUserDep,
    brand: Annotated[str, Query(max_length=200)] = "",
    range: Annotated[str, Query(max_length=10)] = "7d",  # noqa: A002
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
) -> Response:
    """The overview page for the chosen brand and range."""
    error = None
    try:
        found, rng = _choice(session, brand, range, since, until)
    except Unprocessable as exc:
        error = translate(who.locale, "That brand or range cannot be shown: %(why)s", why=exc.message)
        found, rng, range = None, make_range(None, None, "7d"), "7d"
    doc = report_doc(session, found, rng, who.locale)
    query = {
        "brand": found.name if found else "all",
        "since": rng.since.isoformat(),
        "until": rng.until.isoformat(),
    }
    context: dict[str, Any] = {
        "doc": doc,
        "svg": _svg,
        "brands": list(session.scalars(select(Brand.name).order_by(Brand.name))),
        "chosen": found.name if found else "",
        "range": range if range in (*PRESETS, "custom") else "7d",
        "since_day": rng.since.date().isoformat(),
        "until_day": (rng.until - timedelta(seconds=1)).date().isoformat(),
        "error": error,
        "downloads": {
            (fmt, lang): "/reports/download?" + urlencode({**query, "format": fmt, "locale": lang})
            for fmt in ("pdf", "csv", "html")
            for lang in ("en", "tr")
        },
    }
    return render(request, who, "overview.html", context, status_code=422 if error else 200)


@router.get("/reports/download")
def download(
    request: Request,
    session: SessionDep,
    who: PageUserDep,
    brand: Annotated[str, Query(max_length=200)] = "",
    since: Annotated[str, Query(max_length=40)] = "",
    until: Annotated[str, Query(max_length=40)] = "",
    format: Annotated[str, Query(pattern="^(pdf|csv|html)$")] = "pdf",  # noqa: A002
    locale: Annotated[str, Query(pattern="^(en|tr)$")] = "en",
) -> Response:
    """The overview's report as a file (the same as ``GET /api/v1/reports/{brand}``)."""
    found = resolve_brand_or_all(session, brand)
    rng = make_range(_when(since, "since", end=False), _when(until, "until", end=False), "7d")
    doc = report_doc(session, found, rng, locale)
    if format == "csv":
        body = period_csv(session, found, rng)[0]
    elif format == "pdf":
        body = render_pdf(doc)
    else:
        body = render_html(doc, "data").encode("utf-8")
    disposition = "inline" if format == "html" else "attachment"
    headers = {"Content-Disposition": f'{disposition}; filename="{doc.filename}.{format}"'}
    return Response(body, media_type=MEDIA[format], headers=headers)
