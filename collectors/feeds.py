"""Parsing feed bytes for the rss collector: the fast path (``collectors.fastfeed``) for plain UTF-8
RSS 2.0 / Atom, feedparser for every other XML feed, a small reader for JSON Feed, and a second
chance for feeds whose charset feedparser guessed wrong.

feedparser 6.0 does not read JSON Feed (https://jsonfeed.org/version/1.1), so JSON bodies are mapped
here onto the same entry keys feedparser produces (``id``, ``link``, ``title``, ``content``,
``summary``, ``author``, ``published``), with ``published`` kept as an ISO string.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

import charset_normalizer
import feedparser

from collectors.fastfeed import fast_parse

log = logging.getLogger(__name__)

# What feedparser falls back to when UTF-8 fails and nothing declared a charset.
_FALLBACK_ENCODINGS = frozenset({"windows-1252", "cp1252", "iso-8859-1", "iso-8859-2"})
_XML_ENCODING_DECL = re.compile(rb"^\s*<\?xml[^>]*encoding=", re.IGNORECASE)
# The end of a whole document: the root's closing tag, then only whitespace and comments.
_CLOSED_ROOT = re.compile(r"</\s*(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>(?:\s|<!--.*?-->)*\Z", re.I | re.S)
# Strict-parser complaints the loose parser recovers from completely (HTML entities such as &nbsp;
# in RSS, a namespace prefix used without its declaration); any other one means entries may be lost.
_RECOVERABLE = ("undefined entity", "unbound prefix")
# Notes about the transport or the charset, not the document's structure.
_HARMLESS = frozenset({"NonXMLContentType", "CharacterEncodingOverride"})


def parse_feed(body: bytes, headers: dict[str, str]) -> dict[str, Any]:
    """Parse an RSS/Atom/RDF/JSON Feed body into ``{"version", "bozo", "bozo_exception", "feed",
    "entries"}`` (a feedparser result, or the same shape for JSON Feed)."""
    if _looks_like_json(body, headers.get("content-type", "")):
        return _parse_json_feed(body)
    if body[:1].isspace():  # whitespace before <?xml makes expat refuse the whole document
        body = body.lstrip()
    fast = fast_parse(body, headers)  # plain UTF-8 RSS 2.0 / Atom: the same entries, far faster
    if fast is not None:
        return fast
    parsed = _parse(body, headers)
    if _charset_was_guessed(parsed, body, headers):
        best = charset_normalizer.from_bytes(body).best()
        if best is not None and best.encoding:
            retry_headers = {**headers, "content-type": f"application/xml; charset={best.encoding}"}
            log.debug("re-parsing feed as %s", best.encoding)
            reparsed = _parse(body, retry_headers)
            if reparsed.entries or reparsed.get("version"):
                reparsed["bozo"] = True
                reparsed["bozo_exception"] = parsed.get("bozo_exception")
                return reparsed
    return parsed


def broken(body: bytes, parsed: Any) -> str | None:
    """Why a parsed body must fail the run (nothing from it stored), or None when it is whole.

    A body cut short (the root element never closes) or one the strict XML parser gave up on for
    anything but a recoverable slip is broken: feedparser's loose parser would return only the
    entries before the damage. The reason names the problem and its line, never the body's text."""
    if parsed.get("version", "").startswith("json"):
        return None
    exc = parsed.get("bozo_exception")
    if not _ends_with_closed_root(body):
        return "the body ends before the feed's closing tag (truncated)"
    if parsed.get("bozo") and type(exc).__name__ not in _HARMLESS:
        message = str(exc)
        if not any(slip in message for slip in _RECOVERABLE):
            return f"the feed is malformed ({type(exc).__name__}: {message[:120]})"
    return None


def recoverable_problem(parsed: Any) -> str | None:
    """A note for a feed parsed whole despite a slip (a warning, not a failure), else None."""
    exc = parsed.get("bozo_exception")
    if not parsed.get("bozo") or type(exc).__name__ == "NonXMLContentType":
        return None
    return f"feed is malformed ({type(exc).__name__}: {str(exc)[:120]})"


def _ends_with_closed_root(body: bytes) -> bool:
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        tail = body.decode("utf-16", "replace")[-1024:]
    else:
        tail = body[-1024:].decode("utf-8", "replace")
    return _CLOSED_ROOT.search(tail) is not None


def _parse(body: bytes, headers: dict[str, str]) -> Any:
    # Content HTML is only ever turned into plain text, so feedparser's rewriting of relative links
    # inside it is skipped (a fifth of the parse time); entry links are still resolved. The HTML
    # sanitiser stays: it also defuses nested CDATA and other tricks before html_to_text sees them.
    return feedparser.parse(body, response_headers=headers, resolve_relative_uris=False)


def _charset_was_guessed(parsed: Any, body: bytes, headers: dict[str, str]) -> bool:
    """True when the document declared no charset anywhere and feedparser fell back to a guess."""
    if str(parsed.get("encoding", "")).lower() not in _FALLBACK_ENCODINGS:
        return False
    declared_http = "charset=" in headers.get("content-type", "").lower()
    return not declared_http and not _XML_ENCODING_DECL.match(body)


def _looks_like_json(body: bytes, content_type: str) -> bool:
    if "json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{"


def _parse_json_feed(body: bytes) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except ValueError as exc:
        return {"version": "", "bozo": True, "bozo_exception": exc, "feed": {}, "entries": []}
    if not isinstance(doc, dict) or "jsonfeed.org" not in str(doc.get("version", "")):
        error = ValueError("JSON document is not a JSON Feed")
        return {"version": "", "bozo": True, "bozo_exception": error, "feed": {}, "entries": []}
    feed_author = _author_name(doc)
    entries = []
    for item in doc.get("items") or []:
        if not isinstance(item, dict):
            continue
        content = item.get("content_html") or item.get("content_text")
        entries.append(
            {
                "id": str(item["id"]) if item.get("id") is not None else None,
                "link": item.get("url") or item.get("external_url"),
                "title": item.get("title"),
                "content": [{"value": content}] if content else [],
                "summary": item.get("summary"),
                "author": _author_name(item) or feed_author,
                "language": item.get("language"),
                "published": item.get("date_published") or item.get("date_modified"),
            }
        )
    return {
        "version": "json1",
        "bozo": False,
        "bozo_exception": None,
        "feed": {"title": doc.get("title"), "language": doc.get("language")},
        "entries": entries,
    }


def _author_name(obj: dict[str, Any]) -> str | None:
    author = obj.get("author")
    if isinstance(author, dict) and author.get("name"):
        return str(author["name"])
    authors = obj.get("authors")
    if isinstance(authors, list) and authors and isinstance(authors[0], dict):
        return authors[0].get("name")
    return None
