"""Boolean brand queries: ``QueryMatcher`` (many queries over one mention) and properties over
random queries and mentions (seeded)."""

from __future__ import annotations

import random

import pytest

from listener.pipeline.query import MatchInput, QueryMatcher, QuerySyntaxError, compile_query
from tests.pipeline.query_helpers import EXAMPLE, hit

# --- QueryMatcher -------------------------------------------------------------------------------------


def test_matcher_returns_every_matching_key_once_in_order() -> None:
    matcher = QueryMatcher(
        [
            ((1, "own"), EXAMPLE),
            ((2, "own"), "globex OR initech"),
            ((1, "competitor"), "globex* -hiring"),
            ((1, "own"), "acme NEAR/2 refund"),  # a brand's second query: same key
            ((3, "own"), "NOT acme"),  # no required word: always evaluated
            ((4, "own"), "kind:review rating:<=2"),
        ]
    )
    item = MatchInput(text="Acme vs Globex: who refunds faster?", language="en")
    assert matcher.match(item) == [(1, "own"), (2, "own"), (1, "competitor")]
    review = MatchInput(text="awful", kind="review", rating=1)
    assert matcher.match(review) == [(3, "own"), (4, "own")]
    assert len(matcher) == 6


def test_matcher_raises_for_a_bad_query() -> None:
    with pytest.raises(QuerySyntaxError):
        QueryMatcher([("ok", "acme"), ("bad", "acme OR")])


# --- properties over random queries and mentions (seeded) --------------------------------------------

WORDS = ["acme", "refund", "job", "late", "istanbul", "cafe", "globex"]
LEAVES = [
    "acme", "refund", "job", "Late", "İstanbul", "café", "#acme", "@acme", "acme*", "ref*", "glob*",
    '"acme refund"', '"late job"', "lang:en", "lang:tr", "platform:twitter", "rating:<=2", "kind:review",
    "site:acme.com", "author:acme", "acme NEAR/1 refund", "(job OR late) NEAR/2 acme*",
]  # fmt: skip


def random_query(rng: random.Random, depth: int = 0) -> str:
    r = rng.random()
    if depth > 3 or r < 0.35:
        return rng.choice(LEAVES)
    a, b = random_query(rng, depth + 1), random_query(rng, depth + 1)
    if r < 0.55:
        return f"({a} OR {b})"
    if r < 0.75:
        return f"({a} {rng.choice(['AND ', ''])}{b})"
    return f"{rng.choice(['NOT ', '-'])}({a})"


def random_item(rng: random.Random) -> MatchInput:
    forms = WORDS + ["Acme'nin", "#Acme", "@acme", "ACME", "İSTANBUL", "Café", "refunds", "globexcorp"]
    return MatchInput(
        text=" ".join(rng.choices(forms, k=rng.randint(0, 8))),
        title=rng.choice([None, "Acme news", "refund late"]),
        language=rng.choice([None, "en", "tr"]),
        platform=rng.choice([None, "twitter", "reddit"]),
        author_handle=rng.choice([None, "acme", "bob"]),
        url=rng.choice([None, "https://shop.acme.com/x", "https://other.org"]),
        kind=rng.choice([None, "review", "post"]),
        rating=rng.choice([None, 1.0, 3.0, 5.0]),
    )


def test_boolean_algebra_properties() -> None:
    rng = random.Random(20261122)
    items = [random_item(rng) for _ in range(60)]
    for _ in range(150):
        a, b = random_query(rng), random_query(rng)
        qa, qb = compile_query(a), compile_query(b)
        q_or, q_and = compile_query(f"({a}) OR ({b})"), compile_query(f"({a}) AND ({b})")
        q_implicit, q_not = compile_query(f"({a}) ({b})"), compile_query(f"NOT ({a})")
        q_morgan = compile_query(f"NOT (({a}) OR ({b}))")
        q_morgan2 = compile_query(f"-({a}) -({b})")
        for item in items:
            ma, mb = qa.matches(item), qb.matches(item)
            assert q_or.matches(item) == (ma or mb), (a, b, item)
            assert q_and.matches(item) == (ma and mb), (a, b, item)
            assert q_implicit.matches(item) == (ma and mb), (a, b, item)
            assert q_not.matches(item) == (not ma), (a, item)
            assert q_morgan.matches(item) == q_morgan2.matches(item), (a, b, item)


def test_near_is_symmetric_and_monotonic_in_distance() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = " ".join(rng.choices(WORDS, k=rng.randint(0, 12)))
        a, b = rng.sample(WORDS, 2)
        for n in range(4):
            near = hit(f"{a} NEAR/{n} {b}", text)
            assert near == hit(f"{b} NEAR/{n} {a}", text), (a, b, n, text)
            assert not near or hit(f"{a} NEAR/{n + 1} {b}", text)
            assert not near or hit(f"{a} {b}", text)


def test_matcher_agrees_with_each_query_alone() -> None:
    rng = random.Random(99)
    queries = [(i, random_query(rng)) for i in range(60)]
    matcher = QueryMatcher(queries)
    compiled = [(i, compile_query(q)) for i, q in queries]
    for _ in range(400):
        item = random_item(rng)
        assert matcher.match(item) == [i for i, q in compiled if q.matches(item)], item


def test_near_agrees_with_its_definition_on_long_texts() -> None:
    """a NEAR/n b: some a and some b, in either order, with at most n other words between them."""
    rng = random.Random(3)
    for _ in range(200):
        words = rng.choices(["acme", "refund", "x", "y", "z"], weights=[1, 1, 6, 6, 6], k=rng.randint(0, 300))
        n = rng.randint(0, 5)
        a_at = [i for i, w in enumerate(words) if w == "acme"]
        b_at = [i for i, w in enumerate(words) if w == "refund"]
        expected = any(abs(i - j) - 1 <= n for i in a_at for j in b_at)
        assert hit(f"acme NEAR/{n} refund", " ".join(words)) is expected


def test_matcher_tokenises_each_mention_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import listener.pipeline.query.text as text_module

    calls = []
    real = text_module.tokenize
    monkeypatch.setattr(text_module, "tokenize", lambda folded: calls.append(folded) or real(folded))
    matcher = QueryMatcher([(i, f'(acme OR "acme support" OR acme*) NEAR/3 refund{i}') for i in range(50)])
    matcher.match(MatchInput(text="acme support refund7 please", author_handle="bob"))
    assert calls == ["acme support refund7 please"]


def test_matcher_is_safe_to_share_between_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    rng = random.Random(11)
    matcher = QueryMatcher([(i, random_query(rng)) for i in range(40)])
    items = [random_item(rng) for _ in range(300)]
    expected = [matcher.match(item) for item in items]
    with ThreadPoolExecutor(max_workers=4) as pool:
        for _ in range(3):
            assert list(pool.map(matcher.match, items)) == expected


def test_empty_matcher_matches_nothing() -> None:
    assert QueryMatcher([]).match(MatchInput(text="acme")) == []
