"""Unique names compared the way people read them: ``name_key`` is the stored, indexed form.

SQLite's ``lower()`` folds ASCII only, so "Öztürk Ltd" and "ÖZTÜRK LTD" were two brands there and
one on PostgreSQL. Every uniquely-named table (brand, reply template, alert rule, channel) keeps a
``name_key`` column computed here, in Python, with a unique index on it: the same answer on both
backends, whatever the database's collation.

The fold: NFKC (compatibility forms: "ﬁ" is "fi", full-width letters are ASCII), then Unicode
``casefold`` ("ß" is "ss", "Σ"/"ς" are "σ"), then the four Turkish i's made one: "İ" (which
casefold turns into "i" + U+0307), "I", "ı" and "i" all become "i", then NFKC again, with runs of
white space made one space. Why merge dotted and dotless i: Unicode's default fold maps "I" to "i",
so "ŞİKAYET YANITI" would not match "Şikayet yanıtı" (dotless ı), and a Turkish fold maps "I" to
"ı", which would split "IBAN" from "iban" for everyone else. Merging all four makes both right; the
price is that "Kırmızı" and "Kirmizi" count as one name, which for names people must tell apart
is what we want anyway (the brand query matcher folds the same way, ``pipeline/query/text.py``).
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column, validates

_SPACES = re.compile(r"\s+")
_TURKISH_I = str.maketrans({"ı": "i", "İ": "i"})


def name_key(name: str) -> str:
    """The folded form of ``name`` that uniqueness and look-ups by name compare (module docstring)."""
    text = unicodedata.normalize("NFKC", name).translate(_TURKISH_I).casefold()
    text = text.replace("i\u0307", "i")
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


class UniquelyNamed:
    """Mixin for a model whose ``name`` is unique as people read it: keeps ``name_key`` (the
    folded name, unique index ``ix_<table>_name_key``) in step with every assignment to ``name``."""

    name_key: Mapped[str] = mapped_column(String(600), index=True, unique=True)

    @validates("name")
    def _fold_name(self, _attr: str, value: str) -> str:
        self.name_key = name_key(value)
        return value
