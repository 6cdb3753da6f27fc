"""Leaf nodes from the words of a query: terms, phrases, wildcards and field filters."""

from __future__ import annotations

import re

from listener.pipeline.query.errors import QuerySyntaxError
from listener.pipeline.query.nodes import Field, Handle, Node, Phrase, Rating, Site, Term, Wildcard
from listener.pipeline.query.text import TOKEN_RE, fold

__all__ = ["FIELDS", "field", "phrase", "word"]

FIELDS = ("lang", "platform", "author", "site", "kind", "rating")
_RATING_CMP = re.compile(r"(<=|>=|<|>|=)?\s*(\d+(?:\.\d+)?)")
_RATING_RANGE = re.compile(r"(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)")
_LANG_RE = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{2,8})*\*?")


def word(raw: str, pos: int) -> Node:
    folded = fold(raw)
    if "*" in folded:
        star = folded.index("*")
        stem = folded[:star]
        if star != len(folded) - 1 and folded[star + 1 :].strip("*!?.,;:"):
            raise QuerySyntaxError(
                f"a wildcard * is allowed only at the end of a word, at {pos + star}", pos + star
            )
        toks = TOKEN_RE.findall(stem)
        if len(toks) != 1 or not stem.endswith(toks[0]):
            raise QuerySyntaxError(f"a wildcard at {pos} must follow a single word, e.g. refund*", pos)
        if len(toks[0].lstrip("#@")) < 2:
            raise QuerySyntaxError(f"a wildcard at {pos} needs at least 2 letters before the *", pos)
        return Wildcard(toks[0], raw)
    toks = TOKEN_RE.findall(folded)
    if not toks:
        raise QuerySyntaxError(f"'{raw}' at {pos} has no letters or digits to search for", pos)
    return _from_tokens(toks, raw.strip(".,;:!?"))


def phrase(content: str, pos: int) -> Node:
    toks = TOKEN_RE.findall(fold(content))
    if not toks:
        raise QuerySyntaxError(f"the quoted phrase at {pos} has no letters or digits to search for", pos)
    return _from_tokens(toks, " ".join(content.split()))


def _from_tokens(toks: list[str], shown: str) -> Node:
    if len(toks) > 1:
        return Phrase(tuple(toks), shown)
    return Handle(toks[0], shown) if toks[0][0] == "@" else Term(toks[0], shown)


def field(name: str, value: str, pos: int) -> Node:
    if name == "rating":
        return _rating(value, pos)
    folded = fold(value)
    if name == "site":
        host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", folded).rstrip("/").removeprefix("*.")
        if not host or "/" in host or " " in host:
            raise QuerySyntaxError(f"site: at {pos} takes a host name like example.com (no path)", pos)
        return Site(host.rstrip("."))
    if name == "lang" and not _LANG_RE.fullmatch(folded):
        raise QuerySyntaxError(f"lang: at {pos} takes a language code like en, tr or pt-BR", pos)
    if name == "author":
        folded = folded.lstrip("@")
    prefix = folded.endswith("*")
    folded = folded.rstrip("*")
    if not folded:
        raise QuerySyntaxError(f"expected a value after '{name}:' at {pos}", pos)
    return Field(name, folded, prefix)


def _rating(value: str, pos: int) -> Node:
    v = value.replace(" ", "")
    if m := _RATING_RANGE.fullmatch(v):
        low, high = float(m.group(1)), float(m.group(2))
        if low > high:
            raise QuerySyntaxError(
                f"rating range at {pos} runs backwards — write rating:{m.group(2)}-{m.group(1)}", pos
            )
        return Rating(low, high)
    if m := _RATING_CMP.fullmatch(v):
        op, x = m.group(1) or "=", float(m.group(2))
        inf = float("inf")
        return {
            "=": Rating(x, x),
            "<=": Rating(-inf, x),
            "<": Rating(-inf, x, high_open=True),
            ">=": Rating(x, inf),
            ">": Rating(x, inf, low_open=True),
        }[op]
    raise QuerySyntaxError(
        f"rating: at {pos} takes a number (rating:5), a range (rating:1-2) or a comparison (rating:<=2)", pos
    )
