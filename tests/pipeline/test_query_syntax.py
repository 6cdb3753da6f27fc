"""Boolean brand queries: syntax errors point at the problem; length and depth limits."""

from __future__ import annotations

import pytest

from listener.pipeline.query import MAX_DEPTH, MAX_LENGTH, QuerySyntaxError, compile_query
from tests.pipeline.query_helpers import hit

# --- syntax errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("", 0, "the query is empty"),
        ("   ", 0, "the query is empty"),
        ('acme AND "refund please', 9, "unclosed quote starting at 9"),
        ('author:"acme', 7, "unclosed quote starting at 7"),
        ("acme OR", 5, "expected a term after OR at 5"),
        ("acme OR OR refund", 5, "expected a term after OR at 5"),
        ("(acme OR) refund", 6, "expected a term after OR at 6"),
        ("acme AND", 5, "expected a term after AND at 5"),
        ("acme NOT", 5, "expected a term after NOT at 5"),
        ("OR acme", 0, "OR at 0 needs a term on its left"),
        ("acme (AND refund)", 6, "AND at 6 needs a term on its left"),
        ("foo:bar", 0, "unknown field 'foo:' at 0 — use lang:, platform:, author:, site:, kind:, rating:"),
        ("acme http://acme.com", 5, "unknown field 'http:' at 5"),
        ("acme lang:", 5, "expected a value after 'lang:' at 5"),
        ("(acme OR refund", 0, "unclosed '(' at 0"),
        ("acme (refund (late)", 5, "unclosed '(' at 5"),
        ("acme) refund", 4, "unmatched ')' at 4"),
        ("acme ()", 5, "empty parentheses at 5"),
        ("acme - job", 5, "'-' at 5 must be followed directly by what to exclude"),
        ("acme NEAR refund", 5, "NEAR at 5 needs a distance in words, e.g. NEAR/3"),
        ("acme NEAR/x refund", 5, "NEAR at 5 needs a distance"),
        ("acme NEAR/3", 5, "expected a word or phrase after NEAR/3 at 5"),
        ("NEAR/3 acme", 0, "NEAR/3 at 0 needs a word or phrase on its left"),
        ("acme NEAR/3 lang:en", 5, "expected a word or phrase after NEAR/3 at 5"),
        ("acme NEAR/3 (a AND b)", 5, "NEAR/3 at 5 works on words, phrases and OR-groups"),
        ("lang:en NEAR/3 acme", 8, "NEAR/3 at 8 works on words"),
        ("acme ref*und", 8, "a wildcard * is allowed only at the end of a word, at 8"),
        ("acme r*", 5, "a wildcard at 5 needs at least 2 letters before the *"),
        ("acme *", 5, "a wildcard at 5 must follow a single word"),
        ("acme !!!", 5, "'!!!' at 5 has no letters or digits"),
        ('acme "!!"', 5, "the quoted phrase at 5 has no letters or digits"),
        ("rating:abc", 0, "rating: at 0 takes a number (rating:5), a range (rating:1-2)"),
        ("rating:5-1", 0, "rating range at 0 runs backwards — write rating:1-5"),
        ("site:acme.com/news", 0, "site: at 0 takes a host name like example.com"),
        ("lang:english", 0, "lang: at 0 takes a language code like en, tr or pt-BR"),
    ],
)
def test_syntax_errors_point_at_the_problem(query: str, position: int, message: str) -> None:
    with pytest.raises(QuerySyntaxError) as info:
        compile_query(query)
    assert info.value.position == position
    assert info.value.message.startswith(message), info.value.message
    assert isinstance(info.value, ValueError) and str(info.value) == info.value.message


def test_length_and_depth_limits() -> None:
    compile_query("a " * (MAX_LENGTH // 2))
    with pytest.raises(QuerySyntaxError, match="too long") as info:
        compile_query("a " * (MAX_LENGTH // 2) + "b")
    assert info.value.position == MAX_LENGTH
    assert hit("(" * MAX_DEPTH + "acme" + ")" * MAX_DEPTH, "acme")
    deep = "(" * (MAX_DEPTH + 1) + "acme" + ")" * (MAX_DEPTH + 1)
    with pytest.raises(QuerySyntaxError, match="nests too deeply") as info:
        compile_query(deep)
    assert info.value.position == MAX_DEPTH
    with pytest.raises(QuerySyntaxError, match="nests too deeply"):
        compile_query("NOT " * (MAX_DEPTH + 1) + "acme")
