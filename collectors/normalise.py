"""Turning platform text, links and times into Listener's shapes: plain text, canonical URLs, UTC."""

from __future__ import annotations

import calendar
import html
import logging
import re
import time
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

log = logging.getLogger(__name__)

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
        "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
        "pre", "section", "table", "tr", "ul",
    }
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "template", "noscript"})
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid"})
_REDIRECT_HOSTS = ("google.com", "www.google.com")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def _break(self, count: int) -> None:
        """Make the text so far end with at least ``count`` newlines (block boundaries don't stack)."""
        tail = "".join(self.parts[-3:])
        have = len(tail) - len(tail.rstrip("\n"))
        if have < count:
            self.parts.append("\n" * (count - have))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._break(2 if tag == "p" else 1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self._break(1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self._break(2 if tag == "p" else 1)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(value: str | None) -> str:
    """Plain text from an HTML fragment: <br>/</p>/block elements become line breaks, entities are
    unescaped, scripts dropped, runs of spaces collapsed and at most one blank line kept."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return tidy_whitespace(value)
    parser = _TextExtractor()
    if not _feed_plain(parser, value):
        parser = _TextExtractor()
        parser.feed(value)
        parser.close()
    return tidy_whitespace(html.unescape("".join(parser.parts)))


# One token of plain HTML: a comment, or a tag named as HTMLParser names it with no < or > inside.
_PLAIN_TOKEN = re.compile(r"<!--[^<>]*?-->|<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)[^<>]*>")
_PLAIN_TAGS = _BLOCK_TAGS | {
    "a", "abbr", "b", "br", "caption", "cite", "code", "del", "em", "i", "img", "ins", "q", "s",
    "small", "span", "strong", "sub", "sup", "tbody", "td", "tfoot", "th", "thead", "u",
}  # fmt: skip


def _feed_plain(parser: _TextExtractor, value: str) -> bool:
    """Drive ``parser`` the way ``HTMLParser.feed`` would, for HTML made only of plain tags and
    comments (every < and > belongs to one): the same calls, without the pure-Python tokeniser.
    False (``parser`` untouched) for anything else."""
    tokens = list(_PLAIN_TOKEN.finditer(value))
    if value.count("<") != len(tokens) or value.count(">") != len(tokens):
        return False
    if any(t.group(2) and t.group(2).lower() not in _PLAIN_TAGS for t in tokens):
        return False
    at = 0
    for token in tokens:
        if token.start() > at:
            parser.handle_data(html.unescape(value[at : token.start()]))
        at = token.end()
        name = token.group(2)
        if name is None:
            continue  # a comment
        if token.group(1):
            parser.handle_endtag(name.lower())
        elif token.group(0).endswith("/>"):
            parser.handle_startendtag(name.lower(), [])
        else:
            parser.handle_starttag(name.lower(), [])
    if at < len(value):
        parser.handle_data(html.unescape(value[at:]))
    return True


def tidy_whitespace(text: str) -> str:
    """Collapse spaces/tabs, trim lines, keep at most one blank line between paragraphs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    lines = [re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# A lead byte of a UTF-8 sequence (as cp1252/latin-1) followed by a continuation byte's rendering.
_MOJIBAKE = re.compile(
    "[ÂÃâ][\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]"
)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252/Latin-1 (``â€™`` → ``’``) when that clearly helps."""
    if not text or not _MOJIBAKE.search(text):
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            fixed = text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
        if len(_MOJIBAKE.findall(fixed)) < len(_MOJIBAKE.findall(text)):
            return fixed
    return text


def unwrap_redirect(url: str) -> str:
    """The target of a ``google.com/url?url=…`` (or ``q=``) redirect, as Google Alerts links are."""
    parts = urlsplit(url)
    if parts.hostname in _REDIRECT_HOSTS and parts.path == "/url":
        query = dict(parse_qsl(parts.query))
        target = query.get("url") or query.get("q")
        if target and target.startswith(("http://", "https://")):
            return target
    return url


# What browsers strip from both ends of a URL (C0 controls and space) and delete inside (tab, LF, CR).
_URL_EDGES = "".join(map(chr, range(0x21)))
_URL_DELETED = re.compile(r"[\t\n\r]")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f-\x9f\s]")


def http_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL with a host, else None: the only links Listener keeps.

    Browsers ignore leading/trailing controls and spaces and delete tabs and newlines anywhere, so
    `` JaVaScRiPt:…`` and ``java\tscript:…`` are read the way a browser would read them (and
    refused); a URL still holding a control character or a space afterwards is refused too. An
    entity-encoded scheme (``&#106;avascript:``) has no http(s) scheme and is refused as well."""
    if not url:
        return None
    text = _URL_DELETED.sub("", url.strip(_URL_EDGES))
    if not text or _URL_FORBIDDEN.search(text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:  # a malformed IPv6 literal or port
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return text


def canonical_url(url: str | None) -> str | None:
    """Unwrapped, lowercase-host URL without fragment and tracking params (utm_*, fbclid, gclid…);
    None for anything that is not an http(s) URL with a host (see :func:`http_url`)."""
    url = http_url(url)
    if url is None:
        return None
    url = unwrap_redirect(url)
    parts = urlsplit(url)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
    ]
    netloc = parts.netloc.lower()
    for scheme, port in (("http", ":80"), ("https", ":443")):
        if parts.scheme.lower() == scheme and netloc.endswith(port):
            netloc = netloc[: -len(port)]
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO-8601 string (``Z`` or offset; naive means UTC) as a tz-aware UTC datetime, or None."""
    if not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    # Python < 3.11 style limits: trim sub-microsecond digits some platforms send.
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return to_utc(parsed)


def to_utc(value: datetime) -> datetime:
    """The same instant in UTC; naive datetimes are taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def from_epoch(seconds: float) -> datetime:
    """A Unix timestamp as a tz-aware UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def from_struct_time(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` (a UTC struct_time) as a tz-aware UTC datetime."""
    if value is None:
        return None
    try:
        return from_epoch(calendar.timegm(value))
    except (OverflowError, ValueError):
        return None


def iso(value: datetime) -> str:
    """A UTC datetime as ISO-8601 with ``Z``; the format collectors keep in cursors."""
    return to_utc(value).isoformat().replace("+00:00", "Z")


def language_hint(value: str | None) -> str | None:
    """The ISO 639-1 part of a language tag (``en-US`` → ``en``), or None for und/unknown."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if len(code) == 2 and code.isalpha() else None
