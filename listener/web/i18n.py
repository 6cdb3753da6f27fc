"""The pages' languages: gettext catalogues (Babel), the locale of a request, and per-locale dates
and numbers.

Catalogues live in ``listener/web/locale/<code>/LC_MESSAGES/messages.po`` (the source of truth in
the repository); they are compiled in memory the first time they are used, so no compiled ``.mo``
file is kept in the repository or needs a build step. ``make i18n`` extracts new strings and
updates the catalogues (see ``docs/i18n.md``).

The locale of the page being rendered is a context variable (:func:`use_locale`), read by the
gettext callables the templates get and by the formatting filters.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
LANGUAGES = {"en": "English", "tr": "Türkçe"}  # code -> the language's own name
DEFAULT = "en"
_current: ContextVar[str] = ContextVar("listener_page_locale", default=DEFAULT)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (nav labels, flash texts)."""
    return message


# Values the pages show through ``_(value)``: roles, statuses, severities, sentiment labels, kinds.
VALUE_LABELS = (
    N_("viewer"), N_("agent"), N_("manager"), N_("admin"),
    N_("firing"), N_("acknowledged"), N_("resolved"), N_("silenced"),
    N_("info"), N_("warning"), N_("critical"),
    N_("positive"), N_("negative"), N_("neutral"), N_("unscored"), N_("mixed"),
    N_("post"), N_("comment"), N_("review"), N_("news"),
    N_("new"), N_("open"), N_("in_progress"), N_("replied"), N_("ignored"), N_("escalated"), N_("all"),
    N_("opened"), N_("test"), N_("digest"), N_("pending"), N_("sent"), N_("failed"), N_("dead"),
    N_("slack"), N_("email"), N_("webhook"),
    N_("ok"), N_("backoff"), N_("paused"), N_("needs_credentials"),
)  # fmt: skip


@cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue for ``code`` (English's strings are the msgids themselves)."""
    po = LOCALE_DIR / code / "LC_MESSAGES" / "messages.po"
    if code not in LANGUAGES or not po.is_file():
        return NullTranslations()
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=code)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer)


def supported(code: str | None) -> str | None:
    """``code`` (or its language part, ``tr-TR`` -> ``tr``) when the pages speak it, else None."""
    if not code:
        return None
    short = code.replace("_", "-").split("-")[0].strip().lower()
    return short if short in LANGUAGES else None


def from_accept_language(header: str | None) -> str:
    """The best language the pages speak for an ``Accept-Language`` header (English otherwise)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        code = supported(tag)
        if code and quality > 0:
            ranked.append((-quality, position, code))
    return min(ranked)[2] if ranked else DEFAULT


def current() -> str:
    """The locale of the page being rendered."""
    return _current.get()


@contextmanager
def use_locale(code: str) -> Iterator[None]:
    """Render (or translate) in ``code`` inside the block."""
    token = _current.set(supported(code) or DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str, **variables: object) -> str:
    """``message`` in the current locale, ``%(name)s`` placeholders filled from ``variables``."""
    text = translations(current()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """The singular or plural form for ``n`` in the current locale (``%(num)s`` is ``n``)."""
    text = translations(current()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def translate(code: str, message: str, **variables: object) -> str:
    """``message`` in locale ``code`` (for text made outside a render, e.g. flash messages)."""
    with use_locale(code):
        return gettext(message, **variables)


def _babel_locale() -> Locale:
    try:
        return Locale.parse(current())
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT)


def format_when(value: datetime | None, form: str = "medium") -> str:
    """A time in UTC as the current locale writes it, to the minute ("Dec 6, 2026, 2:05 PM" /
    "6 Ara 2026 14:05"); ``form`` is the date's length (short, medium, long)."""
    if value is None:
        return "–"
    aware = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    locale = _babel_locale()
    day = format_date(aware, format=form, locale=locale)
    clock = format_time(aware, format="short", tzinfo=UTC, locale=locale)
    return locale.datetime_formats[form].format(clock, day)


def from_iso(value: str | datetime | None) -> datetime | None:
    """An ISO time string (as JSON payloads carry them) as a datetime, for ``|when``."""
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def format_day(value: date | datetime | None, form: str = "medium") -> str:
    """A date as the current locale writes it ("6 Dec 2026" / "6 Ara 2026"); a datetime gives its
    UTC date."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        value = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).date()
    return format_date(value, format=form, locale=_babel_locale())


def format_number(value: float | int | None, digits: int = 0) -> str:
    """A number with the current locale's separators (1,234.5 / 1.234,5)."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_babel_locale())


def format_share(value: float | None, digits: int = 0) -> str:
    """A 0..1 share as a percentage in the current locale (42% / %42)."""
    if value is None:
        return "–"
    locale = _babel_locale()
    pattern = locale.percent_formats[None].pattern  # "#,##0%" in English, "%#,##0" in Turkish
    if digits:
        last = pattern.rindex("0")
        pattern = pattern[: last + 1] + "." + "0" * digits + pattern[last + 1 :]
    return format_percent(value, format=pattern, locale=locale)
