"""A report as a document: translated text, formatted numbers and charts, ready for any output
(HTML for mail and download, PDF). ``reporting.content`` fills it from a period summary; the
renderers (``reporting.html``, ``reporting.pdf``) only lay it out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

Draw = Callable[[str], bytes]  # a chart in a format: "svg", "png" or "pdf"


@dataclass(frozen=True, slots=True)
class Kpi:
    """A headline number: ``value`` now, ``previous`` in the period before, ``delta`` as text
    (e.g. "+12%"); ``tone`` is ``good``, ``bad`` or ``neutral`` (how the change reads)."""

    label: str
    value: str
    previous: str
    delta: str
    tone: str = "neutral"


@dataclass(frozen=True, slots=True)
class Figure:
    """A chart: ``key`` names it (``volume``, ``voice``, ``platforms``, ``topics``; also its cid in
    mail), ``draw(fmt)`` renders it, ``half`` lays two side by side."""

    key: str
    title: str
    draw: Draw
    half: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table of text cells; ``numeric`` marks the right-aligned columns; ``empty`` is
    what shows when there are no rows."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    empty: str = ""
    numeric: frozenset[int] = frozenset()
    widths: list[float] | None = None  # relative column widths (PDF)


@dataclass(frozen=True, slots=True)
class Quote:
    """A representative mention: ``meta`` (who, where, when), the text and its link (http(s) only)."""

    meta: str
    text: str
    url: str | None = None


@dataclass(slots=True)
class ReportDoc:
    """Everything one report shows, in one language."""

    locale: str
    title: str
    subtitle: str
    period_note: str
    generated_at: datetime
    filename: str
    kpis: list[Kpi] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    quotes: list[tuple[str, list[Quote]]] = field(default_factory=list)
    footer: str = ""
    link: str | None = None  # the overview page for this brand and range
    link_text: str = ""
