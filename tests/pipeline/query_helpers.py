"""What the query tests share: the documented example query and ``hit``."""

from __future__ import annotations

from listener.pipeline.query import MatchInput, compile_query

EXAMPLE = '("acme" OR @acme OR #acme) AND NOT (job OR hiring) lang:en'


def hit(expression: str, text: str = "", **fields) -> bool:
    """Whether ``expression`` matches a mention with this text (and fields)."""
    return compile_query(expression).matches(MatchInput(text=text, **fields))
