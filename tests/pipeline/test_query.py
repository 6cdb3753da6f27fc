"""Boolean brand queries: what a reputation manager writing a query would notice."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # runnable without an installed package

from listener.pipeline.query import MatchInput, compile_query, fold  # noqa: E402
from tests.pipeline.query_helpers import EXAMPLE, hit  # noqa: E402

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
