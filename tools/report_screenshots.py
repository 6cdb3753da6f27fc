"""Render the demo brand's weekly report (Acme, week 47 of the bundled sample) in English and
Turkish and write the first page of each as docs/report-en.png and docs/report-tr.png.

    .venv/bin/python tools/report_screenshots.py

A throwaway SQLite database is seeded with the demo (``listener demo``'s data); nothing else is
touched.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pypdfium2 as pdfium
from PIL.Image import Image

from listener.demo.seed import seed
from listener.reporting.files import report_doc
from listener.reporting.pdf import render_pdf
from listener.reporting.periods import Range
from listener.settings import Settings
from listener.storage import migrate
from listener.storage.db import make_engine, make_session_factory
from listener.storage.lookup import resolve_brand

DOCS = Path(__file__).resolve().parents[1] / "docs"
DEMO_WEEK = Range(datetime(2026, 11, 16, tzinfo=UTC), datetime(2026, 11, 23, tzinfo=UTC))


def pages_png(pdf: bytes, scale: float = 1.5) -> list[Image]:
    """Every page of ``pdf`` as an RGB image (pdfium, ``scale`` × 72 dpi)."""
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=scale).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def demo_reports(url: str, locales: tuple[str, ...] = ("en", "tr")) -> dict[str, bytes]:
    """The demo week's PDF report per locale, from a database at ``url`` seeded with the demo."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    seed(sessions, Settings(_env_file=None))
    out = {}
    with sessions() as session:
        acme = resolve_brand(session, "Acme")
        for locale in locales:
            out[locale] = render_pdf(report_doc(session, acme, DEMO_WEEK, locale, label="2026-W47"))
    engine.dispose()
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        for locale, pdf in demo_reports(f"sqlite:///{tmp}/demo.db").items():
            target = DOCS / f"report-{locale}.png"
            pages_png(pdf, scale=1.4)[0].save(target, optimize=True)
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
