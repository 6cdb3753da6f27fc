"""Folding and tokenisation shared by queries and mentions, and the per-mention view a query reads.

Folding (applied to both the query and the mention, so every rule works both ways):

- lower case; the Turkish ``İ``/``I``/``ı``/``i`` all become ``i`` (so ``İstanbul`` ~ ``istanbul``
  and ``IŞIK`` ~ ``ışık`` ~ ``isik``);
- accents are dropped (``café`` ~ ``cafe``, ``çiğ`` ~ ``cig``) by NFKD + removing combining marks,
  plus a few letters that do not decompose (``ß``→``ss``, ``ł``→``l``, ``ø``→``o``, ``æ``→``ae``);
- typographic apostrophes (``’``, ``ʼ``) become ``'``.

Tokens are words (``\\w+``), ``@handles`` and ``#hashtags``, with apostrophe suffixes kept on the
token (``acme'nin``). Each token is also findable by its stem before the apostrophe (``acme``) and,
for handles and hashtags, by its bare body (``#acme`` → ``acme``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["Doc", "MatchInput", "fold", "tokenize"]

# Letters NFKD leaves alone; applied with str.replace, which is much faster than str.translate
# with a dict on non-ASCII text.
_REPLACE = (
    ("ı", "i"),
    ("’", "'"),
    ("‘", "'"),
    ("ʼ", "'"),
    ("ß", "ss"),
    ("ł", "l"),
    ("ø", "o"),
    ("đ", "d"),
    ("æ", "ae"),
    ("œ", "oe"),
)
_COMBINING = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
TOKEN_RE = re.compile(r"[#@]?\w+(?:'\w+)*")
# Title and text are indexed in one position space; this gap keeps phrases and NEAR from spanning them.
_TITLE_GAP = 1_000


def fold(text: str) -> str:
    """Lower-case, Turkish-i-insensitive, accent-insensitive form of ``text``."""
    s = text.lower()  # "I" -> "i"; "İ" -> "i" + U+0307, removed with the other combining marks below
    if s.isascii():
        return s
    for char, replacement in _REPLACE:
        s = s.replace(char, replacement)
    s = unicodedata.normalize("NFKD", s)
    return _COMBINING.sub("", s) if not s.isascii() else s


def tokenize(folded: str) -> list[str]:
    """Tokens of already folded text (see the module docstring)."""
    return TOKEN_RE.findall(folded)


@dataclass(frozen=True, slots=True)
class MatchInput:
    """What a query sees of a mention."""

    text: str
    title: str | None = None
    language: str | None = None
    platform: str | None = None
    author_handle: str | None = None
    url: str | None = None
    kind: str | None = None
    rating: float | None = None


def _extras(tok: str) -> list[str]:
    """Other keys under which a token is found: its apostrophe stem and its #/@ body."""
    out: list[str] = []
    if tok[0] in "#@":
        out.append(tok[1:])
    if "'" in tok:
        stem = tok.split("'", 1)[0]
        out.append(stem)
        if stem[0] in "#@" and len(stem) > 1:
            out.append(stem[1:])
    return out


class Doc:
    """A mention folded and tokenised once, read by every query node."""

    __slots__ = (
        "keys",
        "text",
        "lang",
        "platform",
        "author",
        "kind",
        "rating",
        "_url",
        "_host",
        "_parts",
        "_pos",
    )

    def __init__(self, item: MatchInput) -> None:
        text = fold(item.text)
        if item.title:
            title = fold(item.title)
            title_toks = tokenize(title)
            parts = [(0, title_toks), (len(title_toks) + _TITLE_GAP, tokenize(text))]
            text = title + " " + text
        else:
            parts = [(0, tokenize(text))]
        keys: set[str] = set()
        for _, toks in parts:
            keys.update(toks)
        if "'" in text or "#" in text or "@" in text:
            for _, toks in parts:
                for tok in toks:
                    if tok[0] in "#@" or "'" in tok:
                        keys.update(_extras(tok))
        author = fold(item.author_handle).lstrip("@") if item.author_handle else None
        if author:
            keys.add("@" + author)  # lets @acme match the author; positions never include it
        self.keys = keys
        self.text = text  # folded title + text: the matcher scans it for wildcard prefixes
        self._parts = parts
        self._pos: dict[str, list[int]] | None = None
        self.author = author
        self.lang = fold(item.language) if item.language else None
        self.platform = fold(item.platform) if item.platform else None
        self.kind = fold(item.kind) if item.kind else None
        self.rating = item.rating
        self._url = item.url
        self._host: str | None = None

    def positions(self) -> dict[str, list[int]]:
        """Token key -> sorted word positions; built on first use (only phrases and NEAR need it)."""
        if self._pos is None:
            pos: dict[str, list[int]] = {}
            for offset, toks in self._parts:
                for i, tok in enumerate(toks, offset):
                    pos.setdefault(tok, []).append(i)
                    if tok[0] in "#@" or "'" in tok:
                        for extra in _extras(tok):
                            pos.setdefault(extra, []).append(i)
            self._pos = pos
        return self._pos

    def host(self) -> str:
        """Lower-case host of the mention's url ('' when there is none)."""
        if self._host is None:
            host = ""
            if self._url:
                try:
                    host = urlsplit(self._url.strip()).hostname or ""
                except ValueError:
                    host = ""
            self._host = fold(host.rstrip("."))  # münchen.de ~ munchen.de, like the query side
        return self._host
