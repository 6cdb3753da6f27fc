"""Pure ranking and escalation of reply templates."""

from __future__ import annotations

from alerts.replies import MentionFacts, TemplateFacts, escalation_for, rank


def t(i, language="en", channel="public", tone="apologetic", **conditions):
    return TemplateFacts(i, f"t{i}", language, channel, tone, conditions)


NEG = MentionFacts("en", -0.6, "negative", topics=("delivery",), platform="twitter")


def test_topic_match_outranks_generic_and_wrong_topic_is_excluded():
    ranked = rank(
        NEG,
        [
            t(1, sentiment=[-1, -0.05]),
            t(2, topics=["delivery"], sentiment=[-1, -0.05]),
            t(3, topics=["price"], sentiment=[-1, -0.05]),
        ],
    )
    assert [s.template_id for s in ranked] == [2, 1]


def test_never_grateful_for_negative_and_never_apologetic_for_praise():
    pos = MentionFacts("en", 0.7, "positive")
    assert rank(NEG, [t(1, tone="grateful")]) == []
    assert rank(pos, [t(2, tone="apologetic")]) == []
    assert [s.template_id for s in rank(pos, [t(3, tone="grateful")])] == [3]


def test_language_and_channel_are_hard_filters():
    assert rank(NEG, [t(1, language="tr")]) == []
    assert rank(NEG, [t(1, channel="dm")], channel="public") == []


def test_review_templates_follow_the_star_rating():
    one_star = MentionFacts("en", -0.3, "negative", kind="review", rating=1)
    ranked = rank(
        one_star,
        [
            t(1, kinds=["review"], rating=[1, 1]),
            t(2, kinds=["review"], rating=[5, 5], tone="grateful"),
            t(3, sentiment=[-1, -0.05]),
        ],
    )
    assert [s.template_id for s in ranked] == [1, 3]
    assert "1-star review" in ranked[0].reasons


def test_acceptance_breaks_ties():
    good = TemplateFacts(1, "a", "en", "public", "apologetic", {}, used=10, accepted=9)
    bad = TemplateFacts(2, "b", "en", "public", "apologetic", {}, used=10, accepted=1)
    assert [s.template_id for s in rank(NEG, [bad, good])] == [1, 2]


def test_escalation_targets():
    assert escalation_for(MentionFacts("en", -0.5, "negative", topics=("legal",))).to == "legal"
    assert escalation_for(MentionFacts("en", -0.5, "negative", crisis_terms=("zehirlenme",))).to == "safety"
    assert (
        escalation_for(MentionFacts("tr", -0.5, "negative", crisis_terms=("veri sızıntısı",))).to
        == "security"
    )
    assert escalation_for(MentionFacts("en", -0.5, "negative", crisis_terms=("boycott",))).to == "pr"
    assert escalation_for(NEG) is None
