"""The compiled form of a query: an immutable tree of nodes evaluated against a :class:`Doc`.

Every node answers ``test(doc) -> bool``. Word-like nodes (terms, handles, hashtags, wildcards,
phrases, ORs of them, NEAR) are *positional*: they also give ``spans(doc)``, the ``(start, end)``
word ranges they cover, which NEAR and phrases use. ``need()`` tells the matcher which token keys a
mention must contain for the node to possibly match (``None``: cannot tell, always evaluate), so
the matcher skips most queries without evaluating them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from listener.pipeline.query.text import Doc

Span = tuple[int, int]
# ("k", key): the doc must contain this token key; ("p", prefix): a key starting with prefix.
Need = frozenset[tuple[str, str]] | None


class Node:
    __slots__ = ()
    positional = False

    def test(self, doc: Doc) -> bool:
        raise NotImplementedError

    def spans(self, doc: Doc) -> list[Span]:
        raise NotImplementedError

    def need(self) -> Need:
        return None

    def terms(self, negated: bool, out: list[str]) -> None:
        """Append the positive search terms under this node."""


class Term(Node):
    """One token key: a word (also found as the stem of ``word'suffix`` and inside #/@), or #tag."""

    __slots__ = ("key", "shown")
    positional = True

    def __init__(self, key: str, shown: str) -> None:
        self.key, self.shown = key, shown

    def test(self, doc: Doc) -> bool:
        return self.key in doc.keys

    def spans(self, doc: Doc) -> list[Span]:
        return [(p, p + 1) for p in doc.positions().get(self.key, ())]

    def need(self) -> Need:
        return frozenset({("k", self.key)})

    def terms(self, negated: bool, out: list[str]) -> None:
        if not negated:
            out.append(self.shown)


class Handle(Term):
    """``@acme``: the text token ``@acme`` or the author handle ``acme`` (the Doc adds it as a key)."""

    __slots__ = ()


class Wildcard(Term):
    """``refund*``: any token key that starts with the prefix."""

    __slots__ = ()

    def test(self, doc: Doc) -> bool:
        prefix = self.key
        return any(k.startswith(prefix) for k in doc.keys)

    def spans(self, doc: Doc) -> list[Span]:
        prefix = self.key
        found = {p for k, ps in doc.positions().items() if k.startswith(prefix) for p in ps}
        return [(p, p + 1) for p in sorted(found)]

    def need(self) -> Need:
        return frozenset({("p", self.key)})


class Phrase(Node):
    """``"acme support"``: the words at consecutive positions."""

    __slots__ = ("keys", "shown")
    positional = True

    def __init__(self, keys: tuple[str, ...], shown: str) -> None:
        self.keys, self.shown = keys, shown

    def test(self, doc: Doc) -> bool:
        have = doc.keys
        return all(k in have for k in self.keys) and bool(self.spans(doc))

    def spans(self, doc: Doc) -> list[Span]:
        pos = doc.positions()
        rest = [set(pos.get(k, ())) for k in self.keys[1:]]
        n = len(self.keys)
        return [
            (p, p + n) for p in pos.get(self.keys[0], ()) if all(p + i in s for i, s in enumerate(rest, 1))
        ]

    def need(self) -> Need:
        return frozenset({("k", max(self.keys, key=len))})

    def terms(self, negated: bool, out: list[str]) -> None:
        if not negated:
            out.append(self.shown)


class Near(Node):
    """``a NEAR/n b``: an occurrence of a and one of b, in either order, with at most n words between."""

    __slots__ = ("left", "right", "distance")
    positional = True

    def __init__(self, left: Node, right: Node, distance: int) -> None:
        self.left, self.right, self.distance = left, right, distance

    def test(self, doc: Doc) -> bool:
        return self.left.test(doc) and self.right.test(doc) and bool(self.spans(doc))

    def spans(self, doc: Doc) -> list[Span]:
        n = self.distance
        out: list[Span] = []
        rights = sorted(self.right.spans(doc))
        if not rights:
            return out
        starts = [b0 for b0, _ in rights]
        longest = max(b1 - b0 for b0, b1 in rights)
        for a0, a1 in self.left.spans(doc):
            # only right spans starting in [a0 - n - longest, a1 + n] can be close enough (long texts)
            for b0, b1 in rights[bisect_left(starts, a0 - n - longest) : bisect_right(starts, a1 + n)]:
                gap = b0 - a1 if b0 >= a1 else a0 - b1  # negative: the two overlap
                if 0 <= gap <= n:
                    out.append((min(a0, b0), max(a1, b1)))
        return out

    def need(self) -> Need:
        return _smallest([self.left.need(), self.right.need()])

    def terms(self, negated: bool, out: list[str]) -> None:
        self.left.terms(negated, out)
        self.right.terms(negated, out)


class AnyOf(Node):
    """OR."""

    __slots__ = ("children", "positional")

    def __init__(self, children: Iterable[Node]) -> None:
        self.children = tuple(children)
        self.positional = all(c.positional for c in self.children)

    def test(self, doc: Doc) -> bool:
        return any(c.test(doc) for c in self.children)

    def spans(self, doc: Doc) -> list[Span]:
        return sorted({s for c in self.children for s in c.spans(doc)})

    def need(self) -> Need:
        needs = [c.need() for c in self.children]
        if any(n is None for n in needs):
            return None
        return frozenset().union(*needs)  # type: ignore[arg-type]

    def terms(self, negated: bool, out: list[str]) -> None:
        for c in self.children:
            c.terms(negated, out)


class AllOf(Node):
    """AND (explicit or implicit)."""

    __slots__ = ("children",)

    def __init__(self, children: Iterable[Node]) -> None:
        # Cheap set lookups first, positional checks and field filters after.
        self.children = tuple(sorted(children, key=_cost))

    def test(self, doc: Doc) -> bool:
        return all(c.test(doc) for c in self.children)

    def need(self) -> Need:
        return _smallest([c.need() for c in self.children])

    def terms(self, negated: bool, out: list[str]) -> None:
        for c in self.children:
            c.terms(negated, out)


class Not(Node):
    """NOT x, -x."""

    __slots__ = ("child",)

    def __init__(self, child: Node) -> None:
        self.child = child

    def test(self, doc: Doc) -> bool:
        return not self.child.test(doc)

    def terms(self, negated: bool, out: list[str]) -> None:
        self.child.terms(not negated, out)


class Field(Node):
    """``lang:``, ``platform:``, ``kind:``, ``author:`` (equality, or a prefix when the value ends in *)."""

    __slots__ = ("attr", "value", "prefix")

    def __init__(self, attr: str, value: str, prefix: bool = False) -> None:
        self.attr, self.value, self.prefix = attr, value, prefix

    def test(self, doc: Doc) -> bool:
        got = getattr(doc, self.attr)
        if not got:
            return False
        if self.prefix:
            return got.startswith(self.value)
        if self.attr == "lang":  # lang:pt matches pt-BR
            return got == self.value or got.startswith(self.value + "-")
        return got == self.value


class Site(Node):
    """``site:example.com``: the url's host is example.com or one of its subdomains."""

    __slots__ = ("host", "suffix")

    def __init__(self, host: str) -> None:
        self.host, self.suffix = host, "." + host

    def test(self, doc: Doc) -> bool:
        host = doc.host()
        return host == self.host or host.endswith(self.suffix)


class Rating(Node):
    """``rating:<=2``, ``rating:1-2``, ``rating:5``: bounds are inclusive unless written < or >."""

    __slots__ = ("low", "high", "low_open", "high_open")

    def __init__(self, low: float, high: float, low_open: bool = False, high_open: bool = False) -> None:
        self.low, self.high, self.low_open, self.high_open = low, high, low_open, high_open

    def test(self, doc: Doc) -> bool:
        r = doc.rating
        if r is None:
            return False
        above = r > self.low if self.low_open else r >= self.low
        below = r < self.high if self.high_open else r <= self.high
        return above and below


def _cost(node: Node) -> int:
    if isinstance(node, Term) and not isinstance(node, Wildcard):
        return 0
    if isinstance(node, Field | Rating | Site):
        return 1
    return 2


def _smallest(needs: list[Need]) -> Need:
    known = [n for n in needs if n is not None]
    return min(known, key=len) if known else None
