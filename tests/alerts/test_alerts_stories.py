"""One story, one incident (pure part): which per-mention matches belong to the same story."""

from __future__ import annotations

from datetime import timedelta

from alert_builders import NOW, make_mention

from alerts import stories
from alerts.base import Window
from alerts.rules import MentionParams, MentionRule


def window(mentions) -> Window:  # type: ignore[no-untyped-def]
    return Window(start=NOW - timedelta(hours=1), end=NOW, mentions=list(mentions))


def test_mentions_sharing_a_crisis_term_are_one_story_and_others_their_own() -> None:
    leak = [
        make_mention(crisis_terms=("leak",), author_handle="a", published_at=NOW - timedelta(minutes=3)),
        make_mention(crisis_terms=("leak", "data breach"), author_handle="b"),
        make_mention(crisis_terms=("data breach",), author_handle="c"),  # joined through b
    ]
    other = make_mention(crisis_terms=("recall",), author_handle="d")
    got = MentionRule().evaluate(MentionParams(), window([*leak, other]), NOW)
    assert len(got) == 2
    story, recall = got
    assert set(story.mention_ids) == {m.id for m in leak} and story.value == 3
    assert story.story == ("term:data breach", "term:leak")
    assert story.summary.startswith("3 mentions about data breach, leak, first by @a")
    assert recall.mention_ids == (other.id,) and recall.dedupe_key == "story:term:recall"


def test_listed_terms_decide_the_story_and_a_mention_without_terms_is_its_cluster() -> None:
    params = MentionParams(crisis_terms=["leak"], any_crisis_term=False, min_reach=10_000)
    a = make_mention(crisis_terms=("leak", "outage"))
    b = make_mention(crisis_terms=("outage",), text="the app leak again")  # the listed term, in text
    big = make_mention(author_reach=50_000, cluster_id=7)
    assert stories.tokens(a, params.matched_terms(a)) == ("term:leak",)
    assert stories.tokens(b, params.matched_terms(b)) == ("term:leak",)
    assert stories.tokens(big, params.matched_terms(big)) == ("cluster:7",)
    got = MentionRule().evaluate(params, window([a, b, big]), NOW)
    assert sorted(m.dedupe_key for m in got) == ["story:cluster:7", "story:term:leak"]


def test_find_joins_the_open_story_sharing_a_token() -> None:
    open_ = {"story:term:leak": ["term:leak", "term:data breach"], "story:term:recall": ["term:recall"]}
    assert stories.find(open_, ("term:data breach",)) == "story:term:leak"
    assert stories.find(open_, ("term:boycott",)) is None
