"""Figure → bytes: one matplotlib ``Figure`` (Agg, never pyplot) saved as SVG, PNG or PDF with the
same settings every time, so the same data gives byte-identical output.

Determinism: the bundled DejaVu Sans font (``mpl-data/fonts``, shipped inside matplotlib, so the
machine's fonts never matter), SVG text drawn as paths (``svg.fonttype = "path"``: the chart looks
the same in every browser and mail client and needs no font), a fixed ``svg.hashsalt`` (the ids of
clip paths and glyphs) and no date, creator or software in the file's metadata. rcParams are
process-global, so rendering holds a lock and sets them only inside ``rc_context``.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg", force=False)

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
PNG_DPI = 144  # mail and PDF: sharp on high-density screens, about 60-120 KB a chart

RC = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "svg.fonttype": "path",
    "svg.hashsalt": "listener-charts",
    "pdf.fonttype": 42,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9aa0a6",
    "axes.labelcolor": "#3c4043",
    "xtick.color": "#5f6368",
    "ytick.color": "#5f6368",
    "axes.grid": True,
    "grid.color": "#e8eaed",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "path.simplify": True,
    "axes.axisbelow": True,
}
# metadata that would otherwise carry the date or the library version
_METADATA = {
    "svg": {"Date": None, "Creator": None},
    "png": {"Software": None},
    "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
}

_LOCK = threading.RLock()
# matplotlib names every group (figure_1, axes_1, ...): the same ids in every chart, which would
# repeat when several charts are inlined in one page; nothing refers to them
_GROUP_ID = re.compile(r'<g id="[^"]*">')


@contextmanager
def figure(size: tuple[float, float]) -> Iterator[Figure]:
    """A fresh figure of ``size`` inches under the charts' rcParams (held locked while in use)."""
    with _LOCK, matplotlib.rc_context(RC):
        fig = Figure(figsize=size, layout="constrained")
        FigureCanvasAgg(fig)
        yield fig


def save(fig: Figure, fmt: str, *, title: str = "") -> bytes:
    """``fig`` as ``fmt`` (svg, png or pdf) bytes; ``title`` becomes the SVG's accessible name."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}; use one of {', '.join(FORMATS)}")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=PNG_DPI if fmt == "png" else 72, metadata=_METADATA[fmt])
    data = buf.getvalue()
    if fmt == "svg":
        data = _accessible(data, title)
    return data


def _accessible(svg: bytes, title: str) -> bytes:
    """Drop the XML prolog and DOCTYPE and the groups' ids (so several SVGs can be inlined in one
    HTML page) and give it ``role="img"`` with a ``<title>``; the text is escaped."""
    text = svg.decode("utf-8")
    start = text.find("<svg")
    text = text[start:]
    safe = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    head_end = text.find(">")
    head = text[:head_end]
    attrs = f' role="img" aria-label="{safe}"' if safe else ' aria-hidden="true"'
    body = _GROUP_ID.sub("<g>", text[head_end + 1 :])
    inner = f"<title>{safe}</title>" if safe else ""
    return (head + attrs + ">" + inner + body).encode("utf-8")
