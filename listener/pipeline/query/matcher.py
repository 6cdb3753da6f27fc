"""Compiled queries and the many-queries matcher used on the hot path."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

from listener.pipeline.query.nodes import Node
from listener.pipeline.query.parser import parse
from listener.pipeline.query.text import Doc, MatchInput, fold

__all__ = ["CompiledQuery", "QueryMatcher", "compile_query"]


class CompiledQuery:
    """A parsed query; immutable, so one instance may be shared between threads."""

    __slots__ = ("expression", "_root")

    def __init__(self, expression: str) -> None:
        self.expression = expression
        self._root: Node = parse(expression)

    def matches(self, item: MatchInput) -> bool:
        return self._root.test(Doc(item))

    def terms(self) -> list[str]:
        """Positive search terms as written (phrases without quotes, wildcards with their *),
        deduplicated case- and accent-insensitively, in order; terms under NOT are left out."""
        out: list[str] = []
        self._root.terms(False, out)
        seen: set[str] = set()
        unique = []
        for term in out:
            if (k := fold(term)) not in seen:
                seen.add(k)
                unique.append(term)
        return unique

    def __repr__(self) -> str:
        return f"CompiledQuery({self.expression!r})"


def compile_query(expression: str) -> CompiledQuery:
    """Parse ``expression``; raises :class:`QuerySyntaxError` with the position of the problem."""
    return CompiledQuery(expression)


class QueryMatcher:
    """Many queries at once: the mention is folded and tokenised once per :meth:`match` call, and
    only queries that can match (one of their required words is present) are evaluated.

    A key may appear with several expressions (a brand with several queries); it is returned once,
    in the order keys were first given. Raises :class:`QuerySyntaxError` for the first bad
    expression. Immutable after construction, so one instance may be shared between threads.
    """

    def __init__(self, queries: Iterable[tuple[Hashable, str]]) -> None:
        order: dict[Hashable, int] = {}
        entries: list[tuple[int, Hashable, Node]] = []
        for key, expression in queries:
            compiled = expression if isinstance(expression, CompiledQuery) else compile_query(expression)
            rank = order.setdefault(key, len(order))
            entries.append((rank, key, compiled._root))
        self._entries = entries
        self._always: list[int] = []
        self._by_key: dict[str, list[int]] = {}
        self._by_prefix: dict[str, list[int]] = {}
        for i, (_, _, root) in enumerate(entries):
            need = root.need()
            if need is None:
                self._always.append(i)
                continue
            for kind, value in need:
                index = self._by_key if kind == "k" else self._by_prefix
                index.setdefault(value, []).append(i)
        # One regex finds every wildcard prefix in the folded text (a superset of the token starts,
        # which is fine for a pre-filter). Longest first, so a match names the longest prefix at its
        # place; every shorter prefix of it is then a hit too.
        self._prefix_re = None
        self._prefix_hits: dict[str, list[int]] = {}
        if self._by_prefix:
            prefixes = sorted(self._by_prefix, key=len, reverse=True)
            self._prefix_re = re.compile("|".join(map(re.escape, prefixes)))
            for p in prefixes:
                self._prefix_hits[p] = sorted(
                    {i for q, hit in self._by_prefix.items() if p.startswith(q) for i in hit}
                )

    def __len__(self) -> int:
        return len(self._entries)

    def match(self, item: MatchInput) -> list[Hashable]:
        doc = Doc(item)
        keys = doc.keys
        candidates = set(self._always)
        by_key = self._by_key
        if len(keys) <= len(by_key):
            for k in keys:
                if (hit := by_key.get(k)) is not None:
                    candidates.update(hit)
        else:
            for k, hit in by_key.items():
                if k in keys:
                    candidates.update(hit)
        if self._prefix_re is not None:
            prefix_hits = self._prefix_hits
            for found in set(self._prefix_re.findall(doc.text)):
                candidates.update(prefix_hits[found])
        if not candidates:
            return []
        entries = self._entries
        matched: dict[int, Hashable] = {}
        for i in sorted(candidates):
            rank, key, root = entries[i]
            if rank not in matched and root.test(doc):
                matched[rank] = key
        return [matched[r] for r in sorted(matched)]
