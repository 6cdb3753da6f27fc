from __future__ import annotations

import pytest

from nlp.complaints import find_complaints
from nlp.text import fold_tr

EN_COMPLAINTS = [
    ("still waiting for my refund", "waiting"),
    ("on hold for 2 hours", "waiting"),
    ("flight delayed again", "delivery"),
    ("order hasn't arrived after 3 weeks", "delivery"),
    ("no response to my emails", "no_response"),
    ("charged twice", "billing"),
    ("I was double-charged for one ticket", "billing"),
    ("tracking says delivered but where is my parcel", "delivery"),
    ("called them 6 times this week", "repeated_contact"),
    ("transferred again to another department", "repeated_contact"),
    ("the banking app is down again", "outage"),
    ("can't log in since the update", "outage"),
    ("no signal at home since Friday", "outage"),
    ("it was supposed to arrive on Monday", "broken_promise"),
    ("they lost my luggage", "lost_item"),
    ("the technician was a no-show again", "cancellation"),
    ("ordered dinner 90 minutes ago", "waiting"),
    ("got a voucher instead of a refund", "billing"),
    ("ordered on the 3rd, still says processing", "waiting"),
    ("45 minutes in the drive thru line", "waiting"),
    ("the app keeps skipping songs", "outage"),
    ("anyone else having issues with the app?", "outage"),
    ("why is my bill 40 dollars higher this month?", "billing"),
]
EN_NOT_COMPLAINTS = [
    "can't wait for the new album",
    "I love my new phone",
    "what time do you open on Sunday?",
    "great service, thanks a lot",
    "we ordered the pasta and it was delicious",
    "i had no problems with the app at all",
]
TR_COMPLAINTS = [
    ("Kargom hâlâ gelmedi", "waiting"),
    ("iade yapılmadı", "billing"),
    ("kimse dönmüyor", "no_response"),
    ("param iki kez çekildi", "billing"),
    ("3 gündür bekliyorum", "waiting"),
    ("defalarca aradım", "repeated_contact"),
    ("uygulama yine çalışmıyor", "outage"),
    ("bavulum kayboldu", "lost_item"),
    ("ilk yıkamada çekti, bir haftada bozuldu", "defect"),
    ("paket teslim edildi görünüyor ama elime ulaşmadı", "delivery"),
]
TR_NOT_COMPLAINTS = [
    "harika bir deneyimdi",
    "sabırsızlıkla bekliyorum",
    "hiç sorun yaşamadım",
    "kesintisiz yayın için teşekkürler",
]


@pytest.mark.parametrize(("text", "category"), EN_COMPLAINTS)
def test_english_complaint_patterns(text, category):
    assert category in dict(find_complaints(text.lower(), "en"))


@pytest.mark.parametrize("text", EN_NOT_COMPLAINTS)
def test_english_non_complaints(text):
    assert find_complaints(text.lower(), "en") == []


@pytest.mark.parametrize(("text", "category"), TR_COMPLAINTS)
def test_turkish_complaint_patterns(text, category):
    assert category in dict(find_complaints(fold_tr(text), "tr"))


@pytest.mark.parametrize("text", TR_NOT_COMPLAINTS)
def test_turkish_non_complaints(text):
    assert find_complaints(fold_tr(text), "tr") == []


def test_one_phrase_counts_once():
    assert len(find_complaints(fold_tr("hâlâ gelmedi"), "tr")) == 1


@pytest.mark.parametrize("text", [t for t, _ in EN_COMPLAINTS[:6]])
def test_the_brief_examples_score_negative(analyze, text):
    assert analyze(text).sentiment.label == "negative"


def test_handles_are_names_not_words(analyze):
    assert analyze("Flying with @united to Boston tomorrow").sentiment.label == "neutral"
