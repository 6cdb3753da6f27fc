"""Boolean brand queries: what a reputation manager writing a query would notice."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # runnable without an installed package

from listener.pipeline.query import (  # noqa: E402
    MAX_DEPTH,
    MAX_LENGTH,
    MatchInput,
    QueryMatcher,
    QuerySyntaxError,
    compile_query,
    fold,
)

EXAMPLE = '("acme" OR @acme OR #acme) AND NOT (job OR hiring) lang:en'


def hit(expression: str, text: str = "", **fields) -> bool:
    return compile_query(expression).matches(MatchInput(text=text, **fields))


# --- the documented example on realistic mentions -------------------------------------------------

EXAMPLE_CASES = [
    ("Acme lost my parcel AGAIN. Third time this month.", {"language": "en"}, True),
    ("Shoutout to @acme support, sorted my refund in 5 minutes", {"language": "en"}, True),
    ("Loving the new spring range #acme #fashion", {"language": "en"}, True),
    ("Acme's new app update is painfully slow", {"language": "en"}, True),
    ("ACME CORP recalls kettles over fire risk", {"language": "en"}, True),
    ("Acme is hiring! Warehouse jobs in Leeds, apply now", {"language": "en"}, False),  # hiring
    ("New job at Acme: data analyst, remote", {"language": "en"}, False),  # job
    ("Acme ist schon wieder zu spät geliefert", {"language": "de"}, False),  # German
    ("Acme'nin kargosu yine gecikti", {"language": "tr"}, False),  # Turkish: lang:en excludes it
    ("Thanks for the quick reply!", {"language": "en", "author_handle": "acme"}, True),  # by @acme
    ("Thanks for the quick reply!", {"language": "en", "author_handle": "@Acme"}, True),
    ("Thanks for the quick reply!", {"language": "en", "author_handle": "acmefan"}, False),
    ("The acmes of the mountain were stunning", {"language": "en"}, False),  # not a wildcard
    ("Where can I buy a good kettle?", {"language": "en"}, False),
    ("acme", {}, False),  # no language: lang:en cannot hold
]


@pytest.mark.parametrize(("text", "fields", "expected"), EXAMPLE_CASES)
def test_example_query_on_realistic_mentions(text: str, fields: dict, expected: bool) -> None:
    assert compile_query(EXAMPLE).matches(MatchInput(text=text, **fields)) is expected


def test_turkish_apostrophe_suffix_matches_the_brand() -> None:
    query = '("acme" OR @acme OR #acme) AND NOT (job OR hiring) lang:tr'
    assert hit(query, "Acme'nin kargosu yine gecikti", language="tr")
    assert hit(query, "ACME’ye bir daha güvenmem", language="tr")  # typographic apostrophe
    assert hit("acme'nin", "Acme'nin kargosu")  # the suffixed form itself matches too
    assert not hit("acme'nin", "Acme kargosu")


def test_example_terms_for_platform_search() -> None:
    assert compile_query(EXAMPLE).terms() == ["acme", "@acme", "#acme"]
    assert compile_query('"Acme Corp" refund* -job NOT (hiring OR careers) lang:en').terms() == [
        "Acme Corp",
        "refund*",
    ]
    assert compile_query("Café OR cafe").terms() == ["Café"]


# --- folding ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "text"),
    [
        ("İstanbul", "istanbul'da yağmur"),
        ("istanbul", "İSTANBUL'DA YAĞMUR"),
        ("IŞIK", "ışık söndü"),
        ("ışık", "IŞIK SÖNDÜ"),
        ("Işık", "isik"),
        ("ILIK", "ılık su"),
        ("café", "CAFE open late"),
        ("cafe", "Café open late"),
        ("çiğ", "cig kofte"),
        ("strasse", "Straße gesperrt"),
        ("english", "ENGLISH breakfast"),  # plain I/i still match for English
        ("#İyiBayramlar", "#iyibayramlar herkese"),
    ],
)
def test_folding_both_ways(query: str, text: str) -> None:
    assert hit(query, text)


def test_fold_function() -> None:
    assert fold("İSTANBUL Işık ÇİĞ Café") == "istanbul isik cig cafe"


# --- words, phrases, wildcards, hashtags, handles -------------------------------------------------


def test_terms_match_whole_words_only() -> None:
    assert hit("acme", "I love Acme!")
    assert not hit("acme", "acmeville is lovely")
    assert hit("acme", "email me at help@acme.com")  # punctuation separates words


def test_plain_word_also_matches_hashtag_and_handle_but_not_vice_versa() -> None:
    assert hit("acme", "#acme rocks")
    assert hit("acme", "@acme help!")
    assert hit("#acme", "#Acme rocks")
    assert not hit("#acme", "acme rocks")
    assert not hit("#acme", "@acme rocks")
    assert hit("@acme", "@ACME help!")
    assert not hit("@acme", "acme help")
    assert not hit("acme", "hello", author_handle="acme")  # only @acme looks at the author


def test_phrase_needs_consecutive_words() -> None:
    assert hit('"customer service"', "Their Customer-Service is awful")
    assert not hit('"customer service"', "service to the customer")
    assert hit("e-mail", "send an e mail")  # punctuation inside a word makes it a phrase


def test_title_is_searched_but_phrases_do_not_span_title_and_text() -> None:
    assert hit("recall", "details inside", title="Acme recall announced")
    assert not hit('"announced details"', "details inside", title="Acme recall announced")


def test_wildcard_is_a_prefix() -> None:
    q = compile_query("refund*")
    for text in ("refund please", "REFUNDS are slow", "refunded at last", "no refund's coming"):
        assert q.matches(MatchInput(text=text)), text
    assert not q.matches(MatchInput(text="prefund the account"))
    assert hit("#acme*", "#AcmeSupport is asleep")
    assert not hit("#acme*", "AcmeSupport is asleep")


# --- NEAR -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("acme refund", True),  # adjacent: 0 words between
        ("acme gave me a refund", True),  # 3 words between
        ("refund from the acme", True),  # other order
        ("refund, honestly, from acme", True),
        ("acme never gave me any refund", False),  # 4 words between
        ("refund was never once paid by acme", False),
        ("acme acme", False),
        ("acme", False),
    ],
)
def test_near_within_n_words_either_order(text: str, expected: bool) -> None:
    assert hit('"acme" NEAR/3 refund', text) is expected


def test_near_with_phrases_groups_and_wildcards() -> None:
    q = '"customer service" NEAR/2 (awful OR terrible OR slow*)'
    assert hit(q, "Customer service was truly awful")
    assert hit(q, "slowest customer service ever")
    assert not hit(q, "customer service is, in my honest opinion, awful")
    assert hit("acme NEAR/0 refund*", "acme refunds")
    assert not hit("acme NEAR/1 refund", "acme is not giving a refund", author_handle="acme")


def test_near_chain_and_negation() -> None:
    assert hit("acme NEAR/1 refund NEAR/1 late", "acme refund was late")
    assert hit("parcel -acme NEAR/2 refund", "parcel acme was fine, my refund came later")
    assert not hit("parcel -acme NEAR/2 refund", "parcel acme refund")


# --- field filters ----------------------------------------------------------------------------------


def test_lang_filter() -> None:
    assert hit("acme lang:en", "acme", language="en")
    assert hit("acme lang:EN", "acme", language="en-GB")  # a primary code matches its regions
    assert hit("acme lang:pt-br", "acme", language="pt-BR")
    assert not hit("acme lang:pt-br", "acme", language="pt-PT")
    assert not hit("acme lang:en", "acme", language="de")
    assert not hit("acme lang:en", "acme")


def test_platform_filter() -> None:
    assert hit("acme platform:reddit", "acme", platform="Reddit")
    assert not hit("acme platform:reddit", "acme", platform="twitter")
    assert hit("acme -platform:twitter", "acme", platform="reddit")


def test_author_filter() -> None:
    assert hit("author:@AcmeSupport", "anything", author_handle="acmesupport")
    assert hit("author:acme*", "anything", author_handle="@AcmeHelp")
    assert not hit("author:acme", "anything", author_handle="acmehelp")
    assert not hit("author:acme", "anything")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://acme.com/blog/post", True),
        ("https://www.acme.com/", True),
        ("http://news.eu.ACME.com:8080/a?b=c", True),
        ("https://notacme.com/", False),
        ("https://acme.com.evil.io/", False),
        ("https://example.com/?ref=acme.com", False),
        (None, False),
        ("not a url", False),
    ],
)
def test_site_filter_matches_host_and_subdomains(url: str | None, expected: bool) -> None:
    assert hit("site:acme.com", "x", url=url) is expected
    assert hit("site:https://ACME.com/", "x", url=url) is expected
    assert hit("site:*.acme.com", "x", url=url) is expected


def test_site_filter_with_an_accented_host() -> None:
    assert hit("site:münchen.de", "x", url="https://www.München.de/rathaus")
    assert hit("site:munchen.de", "x", url="https://münchen.de/")


def test_kind_filter() -> None:
    assert hit("kind:review", "x", kind="review")
    assert not hit("kind:review", "x", kind="post")
    assert hit("acme (kind:news OR kind:review)", "acme", kind="news")


@pytest.mark.parametrize(
    ("query", "matching", "not_matching"),
    [
        ("rating:<=2", [1, 1.5, 2], [2.5, 5, None]),
        ("rating:<2", [1, 1.5], [2, 5]),
        ("rating:>=4", [4, 5], [3.5, None]),
        ("rating:>4", [4.5, 5], [4]),
        ("rating:1-2", [1, 1.5, 2], [0.5, 2.5, None]),
        ("rating:5", [5], [4, 4.9, None]),
        ("rating:=4.5", [4.5], [4, 5]),
    ],
)
def test_rating_filter(query: str, matching: list, not_matching: list) -> None:
    for rating in matching:
        assert hit(query, "x", rating=rating), rating
    for rating in not_matching:
        assert not hit(query, "x", rating=rating), rating


# --- NOT, -term, precedence ------------------------------------------------------------------------


def test_not_and_minus() -> None:
    for q in ("acme NOT job", "acme -job", "acme AND NOT job", "acme AND -job", "-job acme"):
        assert hit(q, "acme is great"), q
        assert not hit(q, "acme job offer"), q
    assert hit("NOT job", "anything else")  # a purely negative query matches everything else
    assert not hit("acme -(job OR hiring)", "acme is hiring")
    assert hit('acme -"job offer"', "acme job")
    assert not hit('acme -"job offer"', "acme job offer")


@pytest.mark.parametrize(
    ("query", "equivalent"),
    [
        ("a OR b c", "a OR (b AND c)"),
        ("a b OR c", "(a AND b) OR c"),
        ("a OR b AND c", "a OR (b AND c)"),
        ("NOT a b", "(NOT a) AND b"),
        ("NOT a OR b", "(NOT a) OR b"),
        ("a OR NOT b c", "a OR ((NOT b) AND c)"),
        ("-a b OR c", "((NOT a) AND b) OR c"),
        ("a NEAR/1 b OR c", "(a NEAR/1 b) OR c"),
        ("NOT a NEAR/1 b", "NOT (a NEAR/1 b)"),
    ],
)
def test_precedence_not_over_and_over_or(query: str, equivalent: str) -> None:
    texts = [" ".join(ws) for n in range(4) for ws in _combinations("abcx", n)]
    q, e = compile_query(query), compile_query(equivalent)
    for text in texts:
        item = MatchInput(text=text)
        assert q.matches(item) == e.matches(item), (query, text)


def test_operators_are_upper_case_only() -> None:
    assert hit("NEARBY acme", "the acme store nearby")  # a word that starts like an operator
    assert hit("acme or refund", "acme or refund")  # lower-case "or" is a word, ANDed
    assert not hit("acme or refund", "acme refund")


def _combinations(alphabet: str, n: int) -> list[tuple[str, ...]]:
    if n == 0:
        return [()]
    return [(c, *rest) for c in alphabet for rest in _combinations(alphabet, n - 1)]


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
