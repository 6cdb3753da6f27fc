"""Top authors of a brand and range: mentions, reach, average sentiment and an influence score.

Influence is ``log10(1 + reach × mentions)``: the order of magnitude of the impressions the author
could have made in the range (``reach`` is the largest follower count or audience seen on the
author's mentions in the range). A million followers with one post scores 6.0; 100 followers
posting 100 times scores 4.0; an author whose platform gives no reach scores 0 and is ranked by
mentions among those.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from listener.storage.mentions import MentionFilter, apply_filter
from listener.storage.models import Mention

SORTS = ("influence", "reach", "mentions")


def influence(reach: int | None, mentions: int) -> float:
    """``log10(1 + reach × mentions)``, rounded to two decimals (0 without reach)."""
    return round(math.log10(1 + max(reach or 0, 0) * max(mentions, 0)), 2)


def top_authors(
    session: Session, f: MentionFilter, *, limit: int = 20, sort: str = "influence"
) -> list[dict[str, Any]]:
    """The authors of the mentions matching ``f`` (one per platform and handle; mentions without a
    handle are left out), best first by ``sort`` (influence, reach or mentions; ties by mentions,
    then handle)."""
    if sort not in SORTS:
        raise ValueError(f"unknown sort {sort!r}; use one of {', '.join(SORTS)}")
    negative = func.sum(case((Mention.sentiment_label == "negative", 1), else_=0))
    stmt = apply_filter(
        select(
            Mention.platform,
            Mention.author_handle,
            func.max(Mention.author_name),
            func.count(),
            func.max(Mention.author_reach),
            func.avg(Mention.sentiment_score),
            negative,
            func.max(Mention.published_at),
        ).where(Mention.author_handle.is_not(None), Mention.author_handle != ""),
        f,
    ).group_by(Mention.platform, Mention.author_handle)
    rows = []
    for platform, handle, name, n, reach, avg, neg, last in session.execute(stmt):
        rows.append(
            {
                "platform": platform,
                "handle": handle,
                "name": name or handle,
                "mentions": int(n),
                "reach": int(reach) if reach is not None else None,
                "average_sentiment": round(float(avg), 3) if avg is not None else None,
                "negative": int(neg or 0),
                "influence": influence(reach, int(n)),
                "last_mention_at": last,
            }
        )
    key = {
        "influence": lambda r: (-r["influence"], -r["mentions"], r["handle"]),
        "reach": lambda r: (-(r["reach"] or 0), -r["mentions"], r["handle"]),
        "mentions": lambda r: (-r["mentions"], -r["influence"], r["handle"]),
    }[sort]
    return sorted(rows, key=key)[:limit]
