"""A report as HTML that mail clients render: tables, inline styles, images (no script, no
external CSS). Charts are ``cid:`` references in mail, ``data:`` PNGs in a downloaded file (one
self-contained file) or inline SVG. The text is the document's, escaped by Jinja2."""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from listener.reporting.document import Figure, ReportDoc

TEMPLATES = Path(__file__).with_name("templates")
IMAGE_MODES = ("cid", "data", "svg")


@cache
def environment() -> Environment:
    """The report templates' environment (autoescaped; an undefined name is an error)."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), undefined=StrictUndefined
    )


def _image(fig: Figure, mode: str) -> Markup:
    alt = Markup.escape(fig.title)
    if mode == "svg":
        return Markup(fig.draw("svg").decode("utf-8"))  # our own chart; its title is escaped in it
    if mode == "cid":
        src = f"cid:{fig.key}"
    else:
        src = "data:image/png;base64," + base64.b64encode(fig.draw("png")).decode("ascii")
    return Markup(
        '<img src="{}" alt="{}" width="100%" style="display:block;max-width:100%;height:auto">'
    ).format(src, alt)


def render_html(doc: ReportDoc, images: str = "cid") -> str:
    """The document as one HTML page; ``images`` is ``cid`` (mail), ``data`` or ``svg``."""
    if images not in IMAGE_MODES:
        raise ValueError(f"unknown image mode {images!r}")
    return environment().get_template("report.html").render(doc=doc, image=lambda f: _image(f, images))


def render_text(doc: ReportDoc) -> str:
    """The plain-text part of the mail: headline numbers, tables and the link."""
    lines = [doc.title, doc.subtitle, doc.period_note, ""]
    lines += [f"{k.label}: {k.value} ({k.delta}; {k.previous})" for k in doc.kpis]
    for t in doc.tables:
        lines += ["", t.title]
        lines += ["  " + " | ".join(row) for row in t.rows] or ["  " + t.empty]
    if doc.link:
        lines += ["", f"{doc.link_text}: {doc.link}"]
    lines += ["", doc.footer]
    return "\n".join(lines) + "\n"
