"""feedparser's ``pop`` for one text element, for the fast feed path (``collectors.fastfeed``): the
same strip, base64 attempt, URI join, HTML guess, sanitising, UTF-8-as-Latin-1 repair and cp1252 map,
with the sanitiser skipped where it cannot change the text the collector extracts."""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from contextlib import suppress

from feedparser.api import StrictFeedParser
from feedparser.html import _cp1252
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin


class Decline(Exception):
    """The body is outside what the fast path reproduces exactly: feedparser reads it."""


HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_DANGEROUS = frozenset({"title", "description", "summary", "content"})
_SAFE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt",
        "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "li",
        "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
_SHORT_TYPES = {
    "text": "text/plain",
    "plain": "text/plain",
    "html": "text/html",
    "xhtml": "application/xhtml+xml",
}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^<>]*>")
_C1 = re.compile("[\x80-\x9f]")  # what feedparser's cp1252 map touches
_BEYOND_LATIN1 = re.compile("[^\x00-\xff]")
_COMMENT = re.compile(r"<!--[^<>]*?-->")  # dropped by the sanitiser and by html_to_text alike


def ctype_of(el: ET.Element, default: str) -> str:
    """The element's content type as feedparser's ``push_content`` records it."""
    return map_type(el.get("type", default).lower())


def map_type(value: str) -> str:
    """feedparser's ``map_content_type``: ``text``/``plain``/``html``/``xhtml`` to media types."""
    return _SHORT_TYPES.get(value, value)


def finish(el: ET.Element, name: str, ctype: str | None, version: str, resolve: bool = False) -> str:
    """What feedparser's ``pop`` returns for a text element without children (see the docstring)."""
    if len(el):
        raise Decline  # markup inside a text element: feedparser switches to inline XHTML
    out = (el.text or "").strip()
    if ctype is not None and _is_base64(el, ctype):
        with suppress(binascii.Error, binascii.Incomplete, UnicodeDecodeError):
            out = base64.decodebytes(out.encode("utf8")).decode("utf8")
    if resolve and out:
        out = _urljoin("", out)
    if ctype == "text/plain" and not version.startswith("atom") and StrictFeedParser.looks_like_html(out):
        ctype = "text/html"
    if name in _DANGEROUS and map_type(ctype or "text/html") in HTML_TYPES and not _simple_html(out):
        out = _sanitize_html(out, "utf-8", ctype or "text/html")
    with suppress(UnicodeEncodeError, UnicodeDecodeError):
        out = out.encode("iso-8859-1").decode("utf-8")
    return out.translate(_cp1252) if _C1.search(out) else out


def _is_base64(el: ET.Element, ctype: str) -> bool:
    if el.get("mode", "") == "base64":
        return True
    return not (ctype.startswith("text/") or ctype.endswith(("+xml", "/xml")))


def _simple_html(value: str) -> bool:
    """True when feedparser's sanitiser would leave the text ``html_to_text`` extracts unchanged:
    only plain, acceptable tags and comments, no CDATA / declaration, no Latin-1-only high characters."""
    if "<" in value:
        if "<!--" in value:
            value = _COMMENT.sub("", value)
        if "<!" in value or "<?" in value:
            return False
        tags = _TAG.findall(value)
        if len(tags) != value.count("<") or any(t.lower() not in _SAFE_TAGS for _, t in tags):
            return False
    return _no_latin1_repair(value)


def _no_latin1_repair(value: str) -> bool:
    """False when the value's non-ASCII characters are all Latin-1: only then could the sanitiser's
    edits change whether feedparser's UTF-8-as-Latin-1 repair applies."""
    return value.isascii() or _BEYOND_LATIN1.search(value) is not None
