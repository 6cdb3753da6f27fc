from __future__ import annotations

import pytest

from nlp import BrandContext


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("I have been a customer for years and the service is still great", "en"),
        ("Kargom üç gündür yolda ve kimse bilgi vermiyor", "tr"),
        ("Das Paket ist leider immer noch nicht angekommen", "de"),
        ("La livraison est arrivée en retard et le colis était abîmé", "fr"),
        ("El pedido llegó tarde y nadie responde a mis correos", "es"),
        # contractions are English words ("I've" is no Turkish "ve"); tweets' English-only words count
        ("I've seen it twice, going again tomorrow night", "en"),
        ("Dün gece maçı izledim ve çok beğendim", "tr"),
    ],
)
def test_language_of_ordinary_posts(analyze, text, language):
    result = analyze(text)
    assert result.language == language
    assert 0.0 <= result.language_confidence <= 1.0


def test_very_short_text_takes_the_platform_hint(analyze):
    assert analyze("süper 👍", language="tr").language == "tr"
    assert analyze("ok 👍", language="de").language == "de"


def test_short_text_without_hint_takes_the_brand_default(analyze):
    brand = BrandContext("Acme", default_language="tr")
    result = analyze("👍👍 @acme", brand="Acme", brands={"Acme": brand})
    assert result.language == "tr"


def test_turkish_written_without_turkish_letters(analyze):
    assert analyze("kargo hala gelmedi, musteri hizmetleri de cevap vermiyor").language == "tr"


def test_one_or_two_words_use_the_sentiment_lexicons_when_unsure(analyze):
    assert analyze("berbat").language == "tr"
    assert analyze("berbat").sentiment.label == "negative"
    assert analyze("love it").language == "en"
    assert analyze("ok").language == "en"
