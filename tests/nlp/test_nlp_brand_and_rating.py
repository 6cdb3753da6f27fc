from __future__ import annotations

from nlp import BrandContext

GLOBEX = BrandContext("Globex")
ACME = BrandContext(
    "Acme", aliases=("ACME Corp", "@AcmeHelp"), competitors=(GLOBEX,), products=("RoadRunner 3000",)
)
BRANDS = {"Acme": ACME}


def test_one_star_polite_review_is_negative(analyze):
    result = analyze("Thank you, the staff were lovely and polite.", rating=1, kind="review")
    assert result.sentiment.label == "negative"
    assert {"rule": "rating:1", "weight": -1.0} in result.sentiment.drivers


def test_five_star_review_with_a_grumble_stays_positive(analyze):
    assert analyze("Took a while to arrive, annoying", rating=5).sentiment.label == "positive"


def test_rating_alone_scores_an_unscored_language(analyze):
    result = analyze("Sehr schlechte Qualität, leider kaputt angekommen", rating=1)
    assert result.sentiment.label == "negative"


def test_each_brand_is_scored_on_its_own_clauses(analyze):
    result = analyze("Love Globex, but Acme support is useless", brand="Acme", brands=BRANDS)
    assert result.brand_sentiment["Acme"].label == "negative"
    assert result.brand_sentiment["Globex"].label == "positive"
    assert result.to_dict()["brand_sentiment"]["Acme"]["label"] == "negative"


def test_turkish_brand_clauses(analyze):
    result = analyze("Globex harika ama Acme tam bir rezalet", brand="Acme", brands=BRANDS, language="tr")
    assert result.brand_sentiment["Acme"].label == "negative"
    assert result.brand_sentiment["Globex"].label == "positive"


def test_comparison_reverses_for_the_brand_after_than(analyze):
    result = analyze("Globex is way better than Acme", brand="Acme", brands=BRANDS)
    assert result.brand_sentiment["Globex"].label == "positive"
    assert result.brand_sentiment["Acme"].label == "negative"


def test_single_brand_gets_the_overall_score(analyze):
    result = analyze("@AcmeHelp still waiting for my refund", brand="Acme", brands=BRANDS)
    assert set(result.brand_sentiment) == {"Acme"}
    assert result.brand_sentiment["Acme"].score == result.sentiment.score


def test_no_brand_context_no_brand_sentiment(analyze):
    assert analyze("Love Globex, but Acme support is useless").brand_sentiment == {}


def test_brand_entities_use_canonical_names(analyze):
    result = analyze("ACME Corp's RoadRunner 3000 beats anything from Globex", brand="Acme", brands=BRANDS)
    found = {(e["type"], e["value"]) for e in result.entities}
    assert {("brand", "Acme"), ("product", "RoadRunner 3000"), ("competitor", "Globex")} <= found
