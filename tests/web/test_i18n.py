"""The catalogues cover every string the pages mark, and dates and numbers follow the locale."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from listener.web import i18n
from tools.i18n import extract, missing


def test_every_marked_string_has_a_turkish_translation(tmp_path: Path) -> None:
    template = extract(tmp_path / "messages.pot")
    assert "Sign in" in template.read_text(encoding="utf-8")
    assert missing("tr", template) == []


def test_turkish_pages_translate_and_format_per_locale() -> None:
    when = datetime(2026, 12, 6, 14, 5, tzinfo=UTC)
    with i18n.use_locale("tr"):
        assert i18n.gettext("Sign out") == "Çıkış yap"
        assert i18n.gettext("Incident #%(id)s", id=7) == "Olay #7"
        assert i18n.format_number(1234567.5, 1) == "1.234.567,5"
        assert i18n.format_share(0.42) == "%42"
        assert i18n.format_when(when) == "6 Ara 2026 14:05"
    with i18n.use_locale("en"):
        assert i18n.gettext("Sign out") == "Sign out"
        assert i18n.format_number(1234567.5, 1) == "1,234,567.5"
        assert i18n.format_share(0.42) == "42%"
        assert i18n.format_when(when).replace("\u202f", " ") == "Dec 6, 2026, 2:05 PM"
    assert i18n.current() == "en"


def test_accept_language_picks_the_best_language_we_speak() -> None:
    assert i18n.from_accept_language("tr-TR,tr;q=0.9,en-US;q=0.8") == "tr"
    assert i18n.from_accept_language("de-DE,de;q=0.9,en;q=0.7,tr;q=0.5") == "en"
    assert i18n.from_accept_language("en;q=0.2, tr;q=0.8") == "tr"
    assert i18n.from_accept_language("fr, de") == "en"
    assert i18n.from_accept_language("") == "en"
    assert i18n.from_accept_language("tr;q=0, en;q=bad") == "en"
