"""Text cues for ranking: template terms (Turkish-aware) and sarcasm."""

from __future__ import annotations

import pytest

from alerts.replies.cues import has_terms, sarcasm_cues


def test_terms_match_at_word_starts_with_turkish_folding():
    assert has_terms("Acme's API has been returning 503", ["api", "503"]) == ["503", "api"]
    assert has_terms("API'niz yarım saattir çöktü, MAĞAZAMIZDA ödeme yok", ["api", "mağazamız"]) == [
        "api",
        "magazamiz",
    ]
    assert has_terms("I tried rapid checkout", ["api"]) == []
    assert has_terms("Şifremi unuttum", ["şifre"]) == ["sifre"]


@pytest.mark.parametrize(
    "text, language, negative, sarcastic",
    [
        ("Great job Acme, my parcel is late AGAIN. Third time this month 🙄", "en", True, True),
        ("Oh great, another update that breaks login", "en", True, True),
        ("Thanks again Acme, great service!", "en", False, False),
        ("Thanks for the quick reply, my parcel arrived", "en", False, False),
        ("Teşekkürler Acme (!) Siparişim yine gelmedi", "tr", True, True),
        ("Harika hizmet, yine çok hızlı geldi, teşekkürler", "tr", False, False),
        ("Harikasınız gerçekten, siparişim yine gelmedi", "tr", True, True),
    ],
)
def test_sarcasm(text, language, negative, sarcastic):
    assert bool(sarcasm_cues(text, language, negative=negative)) is sarcastic


def test_oldu_is_not_the_crisis_term_oldu_with_diacritics():
    from alerts.replies.cues import confirmed_crisis_terms

    assert confirmed_crisis_terms("Siparişim teslim oldu, teşekkürler", ["öldü"]) == ()
    assert confirmed_crisis_terms("Köpeğimiz ÖLDÜ", ["öldü"]) == ("öldü",)
    assert confirmed_crisis_terms("Kargo geç kaldı, dava açacağım", ["dava"]) == ("dava",)
