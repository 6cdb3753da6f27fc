"""Boolean brand queries: parse once, match many mentions (the language is in docs/queries.md).

Pure and self-contained: no I/O, no imports from the rest of ``collectors``.

>>> q = compile_query('("acme" OR @acme OR #acme) AND NOT (job OR hiring) lang:en')
>>> q.matches(MatchInput(text="Acme lost my parcel again", language="en"))
True
>>> q.matches(MatchInput(text="Acme is hiring! Apply now", language="en"))
False
"""

from listener.pipeline.query.errors import QuerySyntaxError
from listener.pipeline.query.matcher import CompiledQuery, QueryMatcher, compile_query
from listener.pipeline.query.parser import MAX_DEPTH, MAX_LENGTH
from listener.pipeline.query.text import MatchInput, fold, tokenize

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "CompiledQuery",
    "MatchInput",
    "QueryMatcher",
    "QuerySyntaxError",
    "compile_query",
    "fold",
    "tokenize",
]
