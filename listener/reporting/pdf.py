"""A report as PDF (fpdf2): A4 portrait, DejaVu Sans from matplotlib's bundled fonts (every
Turkish letter), charts as PNG. The same document gives the same bytes (the creation date is the
report's own time)."""

from __future__ import annotations

from pathlib import Path

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from listener.reporting.document import Figure, ReportDoc, Table

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
TEXT, MUTED, ACCENT = (32, 33, 36), (95, 99, 104), (26, 115, 232)
TONES = {"good": (30, 142, 62), "bad": (217, 48, 37), "neutral": MUTED}
MARGIN = 14.0


class _Pdf(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("DejaVu", size=7)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.footer_text}  ·  {self.page_no()}/{{nb}}", align="C")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("DejaVu", "B", 11)
    pdf.set_text_color(*TEXT)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _kpis(pdf: FPDF, doc: ReportDoc) -> None:
    if not doc.kpis:
        return
    width = (pdf.w - 2 * MARGIN) / len(doc.kpis)
    top = pdf.get_y()
    for i, k in enumerate(doc.kpis):
        x = MARGIN + i * width
        pdf.set_draw_color(218, 220, 224)
        pdf.rect(x + 1, top, width - 2, 22)
        pdf.set_xy(x + 3, top + 2)
        pdf.set_font("DejaVu", size=7.5)
        pdf.set_text_color(*MUTED)
        pdf.cell(width - 6, 4, k.label)
        pdf.set_xy(x + 3, top + 7)
        pdf.set_font("DejaVu", "B", 14)
        pdf.set_text_color(*TEXT)
        pdf.cell(width - 6, 7, k.value)
        pdf.set_xy(x + 3, top + 15)
        pdf.set_font("DejaVu", size=7.5)
        pdf.set_text_color(*TONES.get(k.tone, MUTED))
        pdf.cell(width - 6, 4, f"{k.delta}  ({k.previous})")
    pdf.set_xy(MARGIN, top + 25)


def _figure(pdf: FPDF, fig: Figure, x: float, width: float) -> float:
    """Place ``fig`` at ``x`` on the current line, ``width`` wide; returns its height."""
    image = pdf.image(fig.draw("png"), x=x, y=pdf.get_y(), w=width)
    return float(image.rendered_height)


def _figures(pdf: FPDF, figures: list[Figure]) -> None:
    full = pdf.w - 2 * MARGIN
    row: list[Figure] = []
    for fig in figures + [None]:  # type: ignore[list-item]
        if fig is not None and fig.half and len(row) < 2:
            row.append(fig)
            if len(row) < 2:
                continue
        if row:
            if pdf.get_y() > pdf.h - 80:
                pdf.add_page()
            heights = [_figure(pdf, f, MARGIN + i * (full / 2 + 2), full / 2 - 2) for i, f in enumerate(row)]
            pdf.set_y(pdf.get_y() + max(heights) + 3)
            row = []
        if fig is not None and not fig.half:
            if pdf.get_y() > pdf.h - 90:
                pdf.add_page()
            pdf.set_y(pdf.get_y() + _figure(pdf, fig, MARGIN, full) + 3)


def _table(pdf: FPDF, t: Table) -> None:
    if pdf.get_y() > pdf.h - 50:
        pdf.add_page()
    _heading(pdf, t.title)
    pdf.set_font("DejaVu", size=8)
    pdf.set_text_color(*TEXT)
    if not t.rows:
        pdf.set_text_color(*MUTED)
        pdf.multi_cell(0, 5, t.empty, new_x="LMARGIN", new_y="NEXT")
        return
    align = ["RIGHT" if i in t.numeric else "LEFT" for i in range(len(t.columns))]
    head = FontFace(emphasis="BOLD", color=MUTED, fill_color=(241, 243, 244))
    with pdf.table(
        col_widths=tuple(t.widths) if t.widths else None,
        text_align=tuple(align),
        headings_style=head,
        line_height=5,
        borders_layout="HORIZONTAL_LINES",
        padding=1,
    ) as table:
        table.row(t.columns)
        for cells in t.rows:
            table.row(cells)


def _drawable(text: str) -> str:
    """``text`` without the characters DejaVu Sans has no glyph for (emoji, beyond the BMP)."""
    return "".join(c for c in text if ord(c) < 0x10000)


def render_pdf(doc: ReportDoc) -> bytes:
    """The document as PDF bytes."""
    pdf = _Pdf(orientation="P", unit="mm", format="A4")
    pdf.footer_text = doc.footer
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creation_date(doc.generated_at)
    pdf.set_title(f"{doc.title}: {doc.subtitle}")
    pdf.set_lang(doc.locale)
    pdf.set_creator("Listener")
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 18)
    pdf.set_text_color(*TEXT)
    pdf.multi_cell(0, 9, doc.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 5, f"{doc.subtitle}\n{doc.period_note}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    _kpis(pdf, doc)
    _figures(pdf, doc.figures)
    for t in doc.tables:
        _table(pdf, t)
    for heading, quotes in doc.quotes:
        _heading(pdf, heading)
        for q in quotes:
            pdf.set_font("DejaVu", size=7.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(0, 4, q.meta, new_x="LMARGIN", new_y="NEXT", link=q.url or "")
            pdf.set_font("DejaVu", size=8.5)
            pdf.set_text_color(*TEXT)
            pdf.multi_cell(0, 4.5, _drawable(q.text[:600]), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    if doc.link:
        pdf.ln(2)
        pdf.set_font("DejaVu", size=8.5)
        pdf.set_text_color(*ACCENT)
        pdf.multi_cell(0, 5, doc.link_text or doc.link, link=doc.link, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
