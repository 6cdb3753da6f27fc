"""Our charts (``listener.charts``, matplotlib SVG) put inside a page under a strict
Content-Security-Policy (``style-src 'self'``: no ``style="…"`` attribute and no ``<style>`` element
may apply). Every declaration matplotlib writes (``fill``, ``stroke``, ``stroke-width``, …) is also an
SVG presentation attribute, which the policy does not govern, so :func:`inline_svg` rewrites
``style="fill: #fff; stroke: #000"`` as ``fill="#fff" stroke="#000"`` and moves the sheet's one rule
(``*{stroke-linejoin: round; stroke-linecap: butt}``) onto the root element, where it is inherited.
The chart looks the same; the bytes mailed and downloaded are untouched."""

from __future__ import annotations

import re

from markupsafe import Markup

_STYLE_ATTR = re.compile(r' style="([^"<>]*)"')
_STYLE_SHEET = re.compile(r"<style[^>]*>\s*\*\s*\{([^}<]*)\}\s*</style>")
_OTHER_SHEET = re.compile(r"<style\b.*?</style>", re.S)
_DECLARATION = re.compile(r"^\s*([a-z-]+)\s*:\s*([^;\"<>]+?)\s*$")


def _attributes(declarations: str) -> str:
    out = []
    for part in declarations.split(";"):
        found = _DECLARATION.match(part)
        if found:
            out.append(f' {found.group(1)}="{found.group(2)}"')
    return "".join(out)


def presentation_attributes(svg: str) -> str:
    """``svg`` with its inline styles written as presentation attributes (see the module)."""
    root = _STYLE_SHEET.search(svg)
    svg = _OTHER_SHEET.sub("", svg)
    svg = _STYLE_ATTR.sub(lambda m: _attributes(m.group(1)), svg)
    if root:
        svg = svg.replace("<svg ", "<svg" + _attributes(root.group(1)) + " ", 1)
    return svg


def inline_svg(data: bytes | str) -> Markup:
    """One of our own charts as markup for a page (its text was escaped when it was drawn)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return Markup(presentation_attributes(text))  # noqa: S704 - our own SVG, escaped by listener.charts
