"""The overview: one brand (or all brands) over the last 24 h, 7 d, 30 d or a custom range against
the period before, with the same numbers, charts and tables as the mailed report (the report
document of ``listener.reporting`` laid out in the page frame, charts as inline SVG), and the
report itself to download as PDF, CSV or HTML in either language."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from listener.deps import SessionDep, make_range
from listener.reporting.document import Figure
from listener.reporting.files import report_doc, report_response
from listener.storage.lookup import resolve_brand_or_all
from listener.storage.stats import latest_published
from listener.web.frame import page_router, render_form
from listener.web.i18n import N_
from listener.web.nav import NavItem, register_nav
from listener.web.ranges import AskedDep, brand_filter, page_context, parse_when
from listener.web.session import PageUserDep
from listener.web.svg import inline_svg

router = page_router()
register_nav(NavItem("/overview", N_("Overview"), order=5))


def _svg(fig: Figure) -> Markup:
    return inline_svg(fig.draw("svg"))  # our own chart; its title is escaped inside it


@router.get("/overview")
def overview(request: Request, session: SessionDep, who: PageUserDep, ask: AskedDep) -> Response:
    """The overview page for the chosen brand and range."""
    found, rng, context = page_context(session, who, ask)
    doc = report_doc(session, found, rng, who.locale)
    latest = latest_published(session, brand_filter(found))
    earlier = None
    if latest is not None and latest < rng.since:  # nothing in the range: offer the latest data
        days = max(1, rng.length.days)
        first = (latest - timedelta(days=days - 1)).date().isoformat()
        earlier = "/overview?" + urlencode({"brand": found.name if found else "all", "range": "custom",
                                            "since": first, "until": latest.date().isoformat()})  # fmt: skip
    query = {
        "brand": found.name if found else "all",
        "since": rng.since.isoformat(),
        "until": rng.until.isoformat(),
    }
    context |= {
        "doc": doc,
        "svg": _svg,
        "earlier": earlier,
        "latest": latest,
        "downloads": {
            (fmt, lang): "/reports/download?" + urlencode({**query, "format": fmt, "locale": lang})
            for fmt in ("pdf", "csv", "html")
            for lang in ("en", "tr")
        },
    }
    return render_form(request, who, "overview.html", context)


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
    rng = make_range(parse_when(since, "since", end=False), parse_when(until, "until", end=False), "7d")
    return report_response(session, found, rng, format, locale)
