"""Store a batch of mentions: link brands, skip known (platform, external_id), analyse, insert.

One function serves the API (``POST /api/v1/ingest``), ``listener import``, the demo and the
collectors, so every path stores the same thing. The caller's transaction holds the whole batch.
Mentions arrive as ``Incoming`` (``listener.pipeline.items``) and are analysed in one pipeline
run, inserted with one multi-row ``INSERT … ON CONFLICT DO NOTHING RETURNING`` and clustered
together.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from listener.errors import Unprocessable
from listener.pipeline.analysis import analysis_columns, brand_contexts, pipeline_for
from listener.pipeline.clustering import cluster
from listener.pipeline.items import Incoming, Resolved
from listener.storage.base import utcnow
from listener.storage.mentions import existing_keys, insert_links, insert_new
from listener.storage.models import Brand
from listener.storage.replies import add_platform_replies
from nlp import NlpInput

log = logging.getLogger(__name__)


@dataclass(slots=True)
class IngestOutcome:
    received: int
    created_ids: list[int] = field(default_factory=list)
    clustered: int = 0  # of the created, how many repeat an earlier mention (duplicate_of set)

    @property
    def created(self) -> int:
        return len(self.created_ids)

    @property
    def duplicates(self) -> int:
        return self.received - self.created


def brands_by_name(session: Session) -> dict[str, Brand]:
    """Every brand keyed by its name and, case-folded, by name and aliases."""
    out: dict[str, Brand] = {}
    for b in session.scalars(select(Brand)):
        for n in (b.name, *(b.aliases or ())):
            out.setdefault(n.casefold(), b)
    return out


def store_batch(
    session: Session, items: Sequence[Incoming | Mapping[str, Any]], *, source_id: int | None = None
) -> IngestOutcome:
    """Store mentions (``Incoming``, or validated ``MentionIn``-shaped mappings). Unknown brand names
    are a 422 naming each item; nothing is written then. Returns what was created.

    A mention is linked to ``brand`` (its primary brand; the first of ``brands`` when absent) and to
    every other brand in ``brands``: the primary one in ``Mention.brand_id``, the others as
    ``mention_brand`` rows written with the mentions."""
    incoming = [i if isinstance(i, Incoming) else Incoming.from_mapping(i) for i in items]
    brands = brands_by_name(session)
    errors = [
        {"index": i, "field": name, "message": f"unknown brand {value!r}; create it first"}
        for i, item in enumerate(incoming)
        for name, value in item.named()
        if value.casefold() not in brands
    ]
    if errors:
        raise Unprocessable(f"{len(errors)} mention(s) name an unknown brand", details=errors)
    outcome = IngestOutcome(received=len(incoming))
    known = existing_keys(session, {i.key for i in incoming})
    fresh: dict[tuple[str, str], Resolved] = {}
    for item in incoming:
        if item.key in known or item.key in fresh:
            continue
        linked = list({b.id: b for b in (brands[n.casefold()] for _, n in item.named())}.values())
        brand = linked[0] if linked else None
        fresh[item.key] = Resolved(
            item, brand.id if brand else None, brand.name if brand else None, [b.id for b in linked[1:]]
        )
    if not fresh:
        return outcome
    contexts = brand_contexts({b.id: b for b in brands.values()}.values())
    todo = list(fresh.values())
    inputs = [
        NlpInput(
            text=r.item.mention.text or "", title=r.item.mention.title, language=r.item.mention.language,
            rating=r.item.mention.rating, platform=r.item.mention.platform, brand=r.brand_name,
            kind=r.item.mention.kind,
        )
        for r in todo
    ]  # fmt: skip
    now = utcnow()
    results = pipeline_for(session).run(inputs, contexts)
    rows = [
        r.row(analysis_columns(result, r.brand_name), now, source_id)
        for r, result in zip(todo, results, strict=True)
    ]
    stored = insert_new(session, rows)  # (id, platform, external_id) of the rows created
    outcome.created_ids = [i for i, _, _ in stored]
    if stored:
        created = [(i, fresh[(p, e)]) for i, p, e in stored]
        insert_links(
            session, ((i, b, r.item.mention.published_at) for i, r in created for b in r.extra_brand_ids)
        )
        replied = [
            (i, r.item.mention.platform, {"text": reply.text, "replied_at": reply.replied_at})
            for i, r in created
            if (reply := r.item.mention.reply) is not None
        ]
        if replied:
            add_platform_replies(session, replied)
        outcome.clustered = cluster(
            session,
            [
                (i, (r.item.mention.title, r.item.mention.text, r.item.mention.published_at))
                for i, r in created
            ],
        )
    return outcome
