"""One story, one incident: which matches of a per-mention rule belong to the same story. Pure.

A mention's story tokens are the crisis terms it matched (``term:<term>``) or, without any, its
near-duplicate cluster (``cluster:<root id>``). Mentions sharing a token are one story; the engine
(and the dry run) join a match to the rule's open incident whose tokens overlap, so three posts
about one leak grow one incident instead of opening three.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from alerts.base import MentionView


def tokens(m: MentionView, terms: Iterable[str] = ()) -> tuple[str, ...]:
    """The story tokens of ``m``: the matched crisis ``terms`` (lower-cased), else its cluster."""
    found = sorted({t.strip().lower() for t in terms if t and t.strip()})
    if found:
        return tuple(f"term:{t}" for t in found)
    return (f"cluster:{m.cluster_id if m.cluster_id is not None else m.id}",)


def group(
    items: Sequence[tuple[MentionView, tuple[str, ...]]],
) -> list[list[tuple[MentionView, tuple[str, ...]]]]:
    """Partition ``(mention, tokens)`` pairs into stories: pairs sharing a token (directly or through
    others) are one story. Order is kept: stories by their first mention, mentions in input order."""
    stories: list[tuple[set[str], list[tuple[MentionView, tuple[str, ...]]]]] = []
    for item in items:
        mine = set(item[1])
        joined = [s for s in stories if s[0] & mine]
        if not joined:
            stories.append((mine, [item]))
            continue
        first = joined[0]
        first[0].update(mine)
        first[1].append(item)
        for other in joined[1:]:  # this mention bridges two stories: merge them
            first[0].update(other[0])
            first[1].extend(other[1])
            stories.remove(other)
        first[1].sort(key=lambda it: items.index(it))
    return [members for _, members in stories]


def key_of(story_tokens: Iterable[str]) -> str:
    """The incident key of a new story: its first token in sorted order."""
    return "story:" + min(story_tokens)


def find(open_stories: Mapping[str, Iterable[str]], story_tokens: Iterable[str]) -> str | None:
    """The key of the open story sharing a token with ``story_tokens`` (the oldest key when several
    do), or None: the match starts a new story."""
    mine = set(story_tokens)
    for key in sorted(open_stories):
        if mine & set(open_stories[key]):
            return key
    return None
