"""EntityStage: brands, competitors and products (names and aliases from the BrandContext),
@handles, #hashtags and URLs.

Names match case-insensitively on word boundaries, also as a handle or hashtag ("@Acme", "#acme")
and with Turkish suffixes after an apostrophe ("Acme'den"). Each entity is
``{"type", "text", "value"}`` where ``value`` is the canonical name (brand/product name, lower-case
handle or hashtag, the URL itself).
"""

from __future__ import annotations

import logging
import re

from nlp.base import BrandContext
from nlp.text import HANDLE_RE, HASHTAG_RE, URL_RE

log = logging.getLogger(__name__)


class BrandMatcher:
    """A compiled matcher for one brand context: the brand, its competitors and its products."""

    __slots__ = ("context", "_regex", "_lookup", "lexicons")

    def __init__(self, context: BrandContext) -> None:
        self.context = context
        self._lookup: dict[str, tuple[str, str]] = {}
        self.lexicons: dict[str, dict[str, float]] = {}
        entries = [("brand", context)] + [("competitor", c) for c in context.competitors]
        for kind, ctx in entries:
            for name in ctx.names:
                self._lookup.setdefault(name.casefold(), (kind, ctx.name))
            self.lexicons[ctx.name] = {k.lower(): float(v) for k, v in ctx.lexicon.items()}
        for product in context.products:
            if product.strip():
                self._lookup.setdefault(product.casefold(), ("product", product))
        names = sorted(self._lookup, key=len, reverse=True)
        if names:
            alternation = "|".join(re.escape(n) for n in names)
            self._regex: re.Pattern[str] | None = re.compile(
                rf"(?<![\w@#])[@#]?({alternation})(?!\w)", re.IGNORECASE
            )
        else:
            self._regex = None

    def find(self, text: str) -> list[tuple[int, int, str, str, str]]:
        """``(start, end, type, matched text, canonical name)`` for every name in ``text``."""
        if self._regex is None:
            return []
        found = []
        for m in self._regex.finditer(text):
            hit = self._lookup.get(m.group(1).casefold())
            if hit is None:
                continue
            found.append((m.start(), m.end(), hit[0], m.group(0), hit[1]))
        return found


class EntityStage:
    """Entities of one text; brand names come from an optional :class:`BrandMatcher`."""

    name = "entities"
    version = "regex-1"

    def __call__(
        self, text: str, brands: BrandMatcher | None
    ) -> tuple[list[dict], list[tuple[int, int, str]]]:
        """Return ``(entities, brand_mentions)``; brand mentions are ``(start, end, name)`` for brands
        and competitors, used by brand-targeted sentiment."""
        entities: list[dict] = []
        mentions: list[tuple[int, int, str]] = []
        if brands is not None:
            for start, end, kind, matched, value in brands.find(text):
                entities.append({"type": kind, "text": matched, "value": value})
                if kind != "product":
                    mentions.append((start, end, value))
        if "@" in text:
            entities.extend(
                {"type": "handle", "text": "@" + h, "value": h.lower()} for h in HANDLE_RE.findall(text)
            )
        if "#" in text:
            entities.extend(
                {"type": "hashtag", "text": "#" + h, "value": h.lower()} for h in HASHTAG_RE.findall(text)
            )
        if "http" in text or "www." in text:
            entities.extend(
                {"type": "url", "text": u, "value": u.rstrip(".,;:!?)")} for u in URL_RE.findall(text)
            )
        return entities, mentions
