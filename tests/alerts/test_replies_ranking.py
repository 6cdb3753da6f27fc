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


def test_no_cheer_for_crisis_low_stars_or_sarcasm_even_when_the_score_reads_positive():
    cheer = [t(1, tone="grateful"), t(2, tone="informative", sentiment=[-0.05, 1])]
    breach = MentionFacts("en", 0.42, "positive", crisis_terms=("data breach",), text="Great to know!")
    one_star = MentionFacts("en", 0.3, "positive", kind="review", rating=1)
    sarcasm = MentionFacts("en", 0.6, "positive", text="Great job, late again 🙄")
    assert rank(breach, cheer) == []
    assert [s.template_id for s in rank(one_star, cheer)] == [2]
    assert rank(sarcasm, cheer) == []


def test_sarcasm_reply_leads_for_sarcasm_only():
    hear = t(1, tone="empathetic", sarcasm=True)
    sorry = t(2, topics=["delivery"], sentiment=[-1, 0.05])
    sarcastic = MentionFacts("en", -0.5, "negative", topics=("delivery",), text="Great job, late AGAIN")
    plain = MentionFacts("en", -0.5, "negative", topics=("delivery",), text="My parcel is late")
    thanks_again = MentionFacts("en", 0.8, "positive", text="Thanks again, great service!")
    assert [s.template_id for s in rank(sarcastic, [sorry, hear])] == [1, 2]
    assert [s.template_id for s in rank(plain, [sorry, hear])] == [2]
    assert rank(thanks_again, [hear]) == []


def test_terms_must_occur_and_lead_over_topic_only_templates():
    business = t(1, terms=["api", "our checkout"], sentiment=[-1, 0.05])
    consumer = t(2, topics=["app_bug_outage"], sentiment=[-1, 0.05])
    api_down = MentionFacts("en", -0.4, "negative", topics=("app_bug_outage",), text="Acme's API returns 503")
    app_down = MentionFacts("en", -0.4, "negative", topics=("app_bug_outage",), text="The app crashes")
    turkish = MentionFacts("tr", -0.4, "negative", text="API'niz çalışmıyor")
    assert [s.template_id for s in rank(api_down, [consumer, business])] == [1, 2]
    assert "mentions api" in rank(api_down, [business])[0].reasons
    assert [s.template_id for s in rank(app_down, [consumer, business])] == [2]
    assert [s.template_id for s in rank(turkish, [t(3, language="tr", terms=["api"])])] == [3]


def test_star_templates_lead_for_star_reviews_and_escalation_topics_lead_over_the_rest():
    one_star = MentionFacts("en", -0.8, "negative", topics=("app_bug_outage",), kind="review", rating=1)
    ranked = rank(one_star, [t(1, topics=["app_bug_outage"], sentiment=[-1, 0.05]), t(2, rating=[0, 1.5])])
    assert [s.template_id for s in ranked] == [2, 1]
    legal = MentionFacts(
        "en", -0.3, "negative", topics=("billing_refund", "legal"), crisis_terms=("lawsuit",)
    )
    ranked = rank(
        legal,
        [t(1, topics=["billing_refund"], sentiment=[-1, 0.05]), t(2, topics=["legal"]), t(3, crisis=True)],
    )
    assert ranked[0].template_id == 2


def test_a_template_rejected_for_this_mention_drops():
    m = MentionFacts("en", -0.6, "negative", topics=("delivery",), rejected=frozenset({1}))
    ranked = rank(m, [t(1, topics=["delivery"]), t(2)])
    assert [s.template_id for s in ranked] == [2, 1]
    assert "rejected for this mention" in ranked[1].reasons


def test_a_thank_you_saying_oldu_is_not_a_crisis():
    thanks = MentionFacts("tr", 0.6, "positive", crisis_terms=("öldü",), text="Teslim oldu, teşekkürler!")
    assert escalation_for(thanks) is None
    assert [s.template_id for s in rank(thanks, [t(1, language="tr", tone="grateful")])] == [1]
    died = MentionFacts("tr", 0.0, "neutral", crisis_terms=("öldü",), text="Köpeğimiz öldü")
    assert escalation_for(died).to == "pr"
