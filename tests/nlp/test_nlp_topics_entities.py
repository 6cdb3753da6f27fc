from __future__ import annotations

from nlp import BrandContext, NlpInput, Pipeline


def test_english_topics(analyze):
    result = analyze("Customer service never answered and my refund is still missing")
    assert {"customer_service", "billing_refund"} <= set(result.topics)


def test_turkish_topics_tolerate_suffixes(analyze):
    result = analyze(
        "Kargom gelmedi, müşteri hizmetlerine ulaşamıyorum, faturamı da yanlış kesmişler", language="tr"
    )
    assert {"delivery", "customer_service", "billing_refund"} <= set(result.topics)


def test_crisis_terms(analyze):
    assert "boycott" in analyze("Time to boycott this company after the data breach").crisis_terms
    assert "data breach" in analyze("Time to boycott this company after the data breach").crisis_terms
    assert (
        "boykot" in analyze("Bu markayı boykot ediyorum, resmen dolandırıcılık", language="tr").crisis_terms
    )
    assert analyze("Lovely weather for a walk").crisis_terms == []


def test_entities(analyze):
    result = analyze("Thanks @AcmeHelp! #happy https://acme.example/orders/1.")
    found = {(e["type"], e["value"]) for e in result.entities}
    assert ("handle", "acmehelp") in found
    assert ("hashtag", "happy") in found
    assert ("url", "https://acme.example/orders/1") in found


def test_keyphrases_drop_stop_words_and_keep_hashtags(analyze):
    result = analyze("The battery life on the new phone is terrible #batterygate")
    assert result.keyphrases[0] == "#batterygate"
    assert "battery life" in result.keyphrases
    assert "the" not in result.keyphrases


def test_turkish_keyphrases(analyze):
    keyphrases = analyze("Yeni telefonun pil ömrü çok kısa, bu ne rezalet", language="tr").keyphrases
    assert "pil ömrü" in keyphrases
    assert "çok" not in keyphrases


def test_custom_taxonomy_and_brand_topics():
    pipe = Pipeline(taxonomy={"topics": {"pricing": {"en": ["too expensive"]}}, "crisis": {"en": ["recall"]}})
    brand = BrandContext("Acme", topics={"skate_parks": {"en": ["skate park"]}})
    items = [
        NlpInput("It is too expensive and there is a recall", brand="Acme"),
        NlpInput("New skate park opening", brand="Acme"),
    ]
    first, second = pipe.run(items, {"Acme": brand})
    assert first.topics == ["pricing"]
    assert first.crisis_terms == ["recall"]
    assert second.topics == ["skate_parks"]
    assert pipe.versions["topics"] != Pipeline().versions["topics"]
