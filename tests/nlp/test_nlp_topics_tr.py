"""Topics by stem in both languages, topics that need their evidence, and Turkish-aware term matching
(issue 12 and issue 20: folding Turkish letters must never turn an ordinary word into a crisis word)."""

from __future__ import annotations

import pytest

from nlp import resources
from nlp.text import fold_ascii, tr_norm


@pytest.mark.parametrize(
    ("text", "crisis"),
    [
        ("her şey yolunda oldu, teşekkürler", []),  # "it went fine": oldu is not öldü
        ("her sey yolunda oldu, tesekkurler", []),  # without Turkish letters: "oldu" is a word itself
        ("Müşterimiz mağazada öldü", ["öldü"]),
        ("olum cok iyi bir urun olmus", []),  # "olum" (slang "oğlum") is not "ölüm"
        ("Bu ürün yüzünden bir ölüm yaşandı", ["ölüm"]),
        ("olumlu bir deneyimdi", []),
        ("fabrika yandi", ["yandı"]),  # written without Turkish letters: "yandi" is no other word
        ("Fabrika yandı", ["yandı"]),
        ("Fabrika yandi, çok üzgünüz", []),  # written with Turkish letters: matched letter for letter
        ("kil maskesi aldım", []),
        ("yemekten kıl çıktı", []),
    ],
)
def test_turkish_crisis_terms_respect_turkish_letters(analyze, text, crisis):
    assert analyze(text, language="tr").crisis_terms == crisis


def test_no_crisis_means_no_crisis_pull(analyze):
    result = analyze("her şey yolunda oldu, teşekkürler", language="tr")
    assert result.sentiment.label == "positive"


def test_every_turkish_stem_with_turkish_letters_was_checked_for_ascii_collisions():
    # tools/tr_fold_check.py must be re-run after editing the Turkish taxonomy
    checked = {
        line.split("\t")[1]
        for line in resources.data_text("tr_fold_words.tsv").splitlines()
        if line and not line.startswith("#")
    }
    tax = resources.default_taxonomy()
    phrases = [p for langs in tax["topics"].values() for p in langs.get("tr", [])] + tax["crisis"]["tr"]
    stems = {w for p in phrases for w in tr_norm(p).split() if fold_ascii(w) != w}
    assert stems <= checked, sorted(stems - checked)
    assert {"oldu", "olum", "kil"} <= resources.tr_fold_words()


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("Siparişim 2 haftadır gelmedi, rezalet!", "delivery"),  # issue 12: had no topic
        ("Kargom 2 haftadır gelmedi", "delivery"),
        ("siparisim hala gelmedi", "delivery"),
        ("Faturamı yanlış kesmişler", "billing_refund"),
    ],
)
def test_turkish_topics_by_stem(analyze, text, topic):
    assert topic in analyze(text, language="tr").topics


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("My refunds are late", "billing_refund"),
        ("Two parcels never arrived", "delivery"),
        ("Your deliveries are always late", "delivery"),
        ("The apps keep crashing", "app_bug_outage"),
    ],
)
def test_english_topics_match_inflected_forms(analyze, text, topic):
    assert topic in analyze(text).topics


def test_topics_need_their_evidence(analyze):
    # issue 12: "fine" (works fine) gave `legal`; a 1-star "not satisfied at all" gave praise
    assert "legal" not in analyze("Works fine… 50% ads").topics
    assert "legal" in analyze("Acme was fined by the regulator").topics
    one_star = analyze("Hiç memnun değilim", rating=1, language="tr")
    assert one_star.sentiment.label == "negative"
    assert "praise_recommendation" not in one_star.topics
    assert "praise_recommendation" in analyze("Çok memnun kaldım, teşekkürler", language="tr").topics
