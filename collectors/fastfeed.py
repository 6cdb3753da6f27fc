"""A fast path for well-formed UTF-8 RSS 2.0 and Atom 1.0 feeds: expat builds the tree in C and a
small walk reproduces what feedparser would put in the entry keys the rss collector reads.

``fast_parse`` returns a feedparser-shaped result (``version``, ``bozo``, ``feed``, ``entries``)
or None, and None sends the body to feedparser (``collectors.feeds``). It declines anything it
does not reproduce exactly: a DOCTYPE or ENTITY declaration anywhere (so no entity is ever expanded
here: hostile DTDs meet feedparser's defences as before), a charset other than UTF-8, any XML
error, ``xml:base`` / ``xml:lang``, RSS 1.0 / 0.9x, an element with a feedparser handler this walk
does not know, markup inside a text element, Atom ``xhtml`` content, an RSS ``<author>``.

What it reproduces (feedparser 6.0's strict parser, read in ``feedparser/namespaces/_base.py`` and
``mixin.py``): the title kept at the shallowest depth (``media:title`` never locks it), a
description met after a summary but before any content becoming the content (as HuffPost's
``media:description`` does), ``guid`` acting as link, the last ``text/html`` alternate Atom link,
date parsing, the author (``dc:creator`` or Atom ``name``/``email``) and every text transform of
``pop`` (strip, base64 attempt, URI join, the UTF-8-as-Latin-1 repair, the cp1252 map). HTML is
passed through feedparser's own sanitiser unless it holds only plain tags, where the sanitiser
would not change the text the collector extracts (``html_to_text``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

from feedparser.api import StrictFeedParser
from feedparser.datetimes import _parse_date
from feedparser.urls import _urljoin

from collectors.feedtext import HTML_TYPES, Decline, ctype_of, finish, map_type

ATOM = "http://www.w3.org/2005/Atom"
_NS_PREFIX = {uri.lower(): prefix for uri, prefix in StrictFeedParser.namespaces.items()}
_HANDLERS = frozenset(
    name.split("_", 2)[2] for name in dir(StrictFeedParser) if name.startswith(("_start_", "_end_"))
)
# feedparser element name -> what this walk does with it
_ROLES = {
    "title": "title", "dc_title": "title", "media_title": "media_title",
    "description": "desc", "dc_description": "desc", "media_description": "desc", "summary": "summary",
    "content": "content", "content_encoded": "encoded",
    "link": "link", "guid": "id", "id": "id",
    "pubdate": "published", "published": "published", "issued": "published", "dcterms_issued": "published",
    "updated": "updated", "modified": "updated", "dc_date": "updated", "dcterms_modified": "updated",
    "lastbuilddate": "updated", "dc_creator": "creator", "dc_author": "creator", "author": "author",
    "language": "language", "dc_language": "language",
}  # fmt: skip
# Handlers that touch none of the keys the collector reads and keep no state that matters to them.
_INERT = frozenset(
    {
        "category", "keywords", "dc_subject", "enclosure", "dc_publisher", "dc_rights", "rights",
        "dcterms_created", "created", "comments", "media_content", "media_thumbnail", "media_credit",
        "media_category", "media_keywords", "media_rating", "media_group", "media_player",
        "media_restriction", "media_license", "media_hash", "media_text",
    }
)  # fmt: skip

_LINK_ENTITY = re.compile("&([A-Za-z0-9_]+);")
_XML_DECL = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_UTF8 = frozenset({"utf-8", "utf8"})


def fast_parse(body: bytes, headers: dict[str, str]) -> dict[str, Any] | None:
    """The feedparser-shaped result of a plain RSS 2.0 / Atom 1.0 body, or None (module docstring)."""
    if not _plain_utf8(body, headers):
        return None
    try:
        root = ET.fromstring(body)
        return _read(root)
    except (ET.ParseError, Decline, ValueError):
        return None


def _plain_utf8(body: bytes, headers: dict[str, str]) -> bool:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body or b"\x00" in body[:4]:
        return False
    ctype = {k.lower(): v for k, v in headers.items()}
    if "content-location" in ctype:
        return False
    media, _, params = ctype.get("content-type", "").lower().partition(";")
    media = media.strip()
    if not (media.startswith("application/") and media.endswith("xml")) and media != "text/xml":
        return False
    charset = params.partition("charset=")[2].strip().strip("\"'")
    if charset:
        if charset not in _UTF8:
            return False
    elif media == "text/xml":
        return False  # RFC 3023: text/xml without a charset is us-ascii to feedparser
    declared = _XML_DECL.match(body)
    return declared is None or declared.group(1).decode().lower() in _UTF8


def _name(tag: str) -> str:
    """The name feedparser dispatches on: canonical prefix of a known namespace + lowercase local."""
    if tag[0] != "{":
        return tag.lower()
    uri, _, local = tag[1:].partition("}")
    prefix = _NS_PREFIX.get(uri.lower())
    if prefix is None:
        return "?" + local.lower()  # an unknown namespace: a generic key, never a handler
    return f"{prefix}_{local.lower()}" if prefix else local.lower()


def _read(root: ET.Element) -> dict[str, Any]:
    for el in root.iter():
        for key in el.attrib:
            if key.lower() in ("base", "lang") or key.endswith(("}base", "}lang")):
                raise Decline
    if root.tag == "rss" and root.get("version") == "2.0":
        channels = root.findall("channel")
        if len(channels) != 1:
            raise Decline
        top, version, entry_tag = channels[0], "rss20", "item"
    elif root.tag == f"{{{ATOM}}}feed":
        top, version, entry_tag = root, "atom10", f"{{{ATOM}}}entry"
    else:
        raise Decline
    items = top.findall(entry_tag)
    every = sum(1 for _ in root.iter("item")) + sum(1 for _ in root.iter("entry"))
    every += sum(1 for _ in root.iter(f"{{{ATOM}}}entry"))
    if every != len(items):
        raise Decline
    language = None
    for child in top:
        if _ROLES.get(_name(child.tag)) == "language":
            language = finish(child, "language", None, version)
    entries = [_Entry(version).read(item) for item in items]
    return {
        "version": version,
        "bozo": False,
        "bozo_exception": None,
        "encoding": "utf-8",
        "feed": {"language": language} if language is not None else {},
        "entries": entries,
    }


class _Entry:
    """feedparser's entry-level state for one item/entry, fed its elements in document order."""

    def __init__(self, version: str) -> None:
        self.version = version
        self.e: dict[str, Any] = {}
        self.depths: dict[str, int] = {}
        self.title_depth = -1
        self.has_content = False
        self.authors = 0

    def read(self, item: ET.Element) -> dict[str, Any]:
        if item.attrib:
            raise Decline  # rdf:about, CDF attributes
        self._walk(item, 1)
        return self.e

    def _walk(self, parent: ET.Element, depth: int) -> None:
        for el in parent:
            name = _name(el.tag)
            role = _ROLES.get(name)
            if role is None:
                if name in _HANDLERS and name not in _INERT:
                    raise Decline
                self._walk(el, depth + 1)
            else:
                getattr(self, "_" + role)(el, name, depth)

    def _store(self, key: str, value: str, depth: int) -> None:
        old = self.depths.get(key)
        if old is None or depth <= old:
            self.depths[key] = depth
            self.e[key] = value

    def _title(self, el: ET.Element, name: str, depth: int) -> None:
        out = finish(el, "title", ctype_of(el, "text/plain"), self.version)
        if not (-1 < self.title_depth <= depth):
            self._store("title", out, depth)
        if out:
            self.title_depth = depth

    def _media_title(self, el: ET.Element, name: str, depth: int) -> None:
        out = finish(el, "title", ctype_of(el, "text/plain"), self.version)
        if not (-1 < self.title_depth <= depth):
            self._store("title", out, depth)

    def _desc(self, el: ET.Element, name: str, depth: int) -> None:
        self._summary(el, "description", depth)

    def _summary(self, el: ET.Element, name: str, depth: int) -> None:
        """A description / summary; met after a summary but before any content, it is the content."""
        if "summary" in self.e and not self.has_content:
            self._content(el, name, depth)
        else:
            default = "text/html" if name == "description" else "text/plain"
            self._store("summary", finish(el, name, ctype_of(el, default), self.version), depth)

    def _content(self, el: ET.Element, name: str, depth: int, default: str = "text/plain") -> None:
        if el.get("src") is not None:
            raise Decline
        ctype = ctype_of(el, default)
        if ctype == "application/xhtml+xml":
            raise Decline
        self.has_content = True
        out = finish(el, "content", ctype, self.version)
        self.e.setdefault("content", []).append({"value": out})
        if ctype in HTML_TYPES or ctype == "text/plain":
            self.e.setdefault("summary", out)

    def _encoded(self, el: ET.Element, name: str, depth: int) -> None:
        self._content(el, name, depth, "text/html")

    def _link(self, el: ET.Element, name: str, depth: int) -> None:
        attrs = {k.lower(): v for k, v in el.attrib.items()}
        href = attrs.get("url", attrs.get("uri", attrs.get("href")))
        if href:
            rel = attrs.get("rel", "alternate").lower()
            ctype = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html").lower()
            if rel == "alternate" and map_type(ctype) in HTML_TYPES:
                self.e["link"] = _urljoin("", href)
            return
        out = finish(el, "link", None, self.version, resolve=True)
        self.e["link"] = _LINK_ENTITY.sub(r"&\g<1>", out.replace("&amp;", "&"))

    def _id(self, el: ET.Element, name: str, depth: int) -> None:
        permalink = {k.lower(): v for k, v in el.attrib.items()}.get("ispermalink", "true") == "true"
        out = finish(el, "id", None, self.version, resolve=permalink)
        self._store("id", out, depth)
        self.e.setdefault("guidislink", permalink and "link" not in self.e)
        if permalink:
            self.e.setdefault("link", out)

    def _published(self, el: ET.Element, name: str, depth: int) -> None:
        out = finish(el, "published", None, self.version)
        self._store("published", out, depth)
        self.e["published_parsed"] = _parse_date(out)

    def _updated(self, el: ET.Element, name: str, depth: int) -> None:
        out = finish(el, "updated", None, self.version)
        self._store("updated", out, depth)
        self.e["updated_parsed"] = _parse_date(out)

    def _language(self, el: ET.Element, name: str, depth: int) -> None:
        self._store("language", finish(el, "language", None, self.version), depth)

    def _creator(self, el: ET.Element, name: str, depth: int) -> None:
        self.authors += 1
        out = finish(el, "author", None, self.version)
        if self.authors > 1 or "@" in out:
            raise Decline  # feedparser's e-mail extraction and author merging: left to it
        self._store("author", out, depth)
        if out:
            self.e.setdefault("author_detail", {"name": out})

    def _author(self, el: ET.Element, name: str, depth: int) -> None:
        self.authors += 1
        if not self.version.startswith("atom") or self.authors > 1 or (el.text or "").strip():
            raise Decline
        detail: dict[str, str] = {}
        for child in el:
            part = _name(child.tag)
            if part not in ("name", "email", "uri") or len(child):
                raise Decline
            detail[part] = (child.text or "").strip()
        self._store("author", "", depth)
        if detail:
            author, email = detail.get("name"), detail.get("email")
            if author and email:
                self.e["author"] = f"{author} ({email})"
            elif author or email:
                self.e["author"] = author or email
            self.e["author_detail"] = {k: v for k, v in detail.items() if k != "uri"}
