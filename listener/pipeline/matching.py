"""Link collected mentions to brands with the brands' boolean queries (docs/queries.md).

Every enabled query is compiled once per batch into one ``QueryMatcher``; a mention is linked to
every brand with a matching query. Its primary brand (``brand``) is the brand of its first matching
query, own-brand queries before competitor ones; ``brands`` lists them all in that order (a
competitor's queries belong to the competitor brand, so its matches count for share of voice). Mentions that
match no query are not stored. While no query is configured at all, a source's mentions are kept
unlinked, so a fresh installation shows what its sources find.

``lang:`` sees the language the mention will be stored with: when any query uses it, the router
asks the NLP pipeline's language stage (the platform's language as a hint, as at analysis), so a
Turkish RSS item with no language tag matches ``lang:tr``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from collectors.records import RawMention
from listener.pipeline.items import Incoming
from listener.pipeline.query import MatchInput, QueryMatcher
from listener.pipeline.query.errors import QuerySyntaxError
from listener.storage.models import Brand, Query
from nlp import get_pipeline

log = logging.getLogger(__name__)

_LANG_FIELD = re.compile(r"\blang:", re.IGNORECASE)


@dataclass(slots=True)
class Routed:
    items: list[dict[str, Any]]
    unmatched: int


class BrandRouter:
    """Brand names by query match; built from ``(brand name, expression)`` pairs in priority order."""

    def __init__(self, queries: Iterable[tuple[str, str]]) -> None:
        good = []
        for brand, expression in queries:
            try:
                QueryMatcher([(brand, expression)])
            except QuerySyntaxError:  # stored before validation existed: skip it, never crash collection
                log.warning("skipping unparsable query for brand %s: %r", brand, expression)
                continue
            good.append((brand, expression))
        self.size = len(good)
        self._matcher = QueryMatcher(good)
        self._detects_language = any(_LANG_FIELD.search(expression) for _, expression in good)

    @classmethod
    def load(cls, session: Session) -> BrandRouter:
        """The enabled queries in the database: own-brand first, then competitor; by id."""
        rows = session.execute(
            select(Brand.name, Query.expression, Query.role)
            .join(Brand, Brand.id == Query.brand_id)
            .where(Query.enabled)
            .order_by(Query.role.desc(), Query.id)  # 'own' sorts after 'competitor' ascending
        )
        return cls((name, expression) for name, expression, _role in rows)

    def brands_for(self, item: dict[str, Any]) -> list[str]:
        """Every brand whose query matches the mention (an ingest-shaped mapping), in priority order."""
        author = (item.get("author") or {}).get("handle")
        return self._match(
            item.get("text") or "", item.get("title"), item.get("language"), item.get("platform"),
            author, item.get("url"), item.get("kind"), item.get("rating"),
        )  # fmt: skip

    def _match(
        self, text: str, title: str | None, language: str | None, platform: str | None,
        author: str | None, url: str | None, kind: str | None, rating: float | None,
    ) -> list[str]:  # fmt: skip
        if self._detects_language:
            language = get_pipeline().detect_language(text, title, language)
        found = self._matcher.match(
            MatchInput(
                text=text,
                title=title,
                language=language,
                platform=platform,
                author_handle=author,
                url=url,
                kind=kind,
                rating=rating,
            )  # fmt: skip
        )
        return [str(k) for k in found]

    def route_raw(self, mentions: Iterable[RawMention]) -> tuple[list[Incoming], int]:
        """Collected mentions that match a query, as ``Incoming`` linked to their brands (priority
        order), and how many matched none (not stored). Without any query, all are kept unlinked."""
        kept, dropped = [], 0
        for m in mentions:
            if self.size == 0:
                kept.append(Incoming.from_raw(m))
                continue
            brands = self._match(
                m.text or "", m.title, m.language, m.platform, m.author.handle, m.url, m.kind, m.rating
            )
            if brands:
                kept.append(Incoming.from_raw(m, brands))
            else:
                dropped += 1
        return kept, dropped

    def route(self, items: Iterable[dict[str, Any]]) -> Routed:
        """The items that match a query, each with ``brand`` (the primary brand) and ``brands`` (every
        matching brand, priority order) set; the others are counted."""
        if self.size == 0:
            return Routed(list(items), 0)
        kept, dropped = [], 0
        for item in items:
            brands = self.brands_for(item)
            if brands:
                kept.append({**item, "brand": brands[0], "brands": brands})
            else:
                dropped += 1
        return Routed(kept, dropped)
