"""The pages' gettext catalogues: ``python tools/i18n.py extract|update|init LANG|check``.

- ``extract``: scan ``listener/web`` (Python: ``_``/``gettext``/``ngettext``/``N_``/``translate``;
  templates: ``_()``, ``{% trans %}``) into ``listener/web/locale/messages.pot``.
- ``update``: extract, then merge the template into every ``<lang>/LC_MESSAGES/messages.po``
  (new strings arrive with an empty ``msgstr``: translate them in the ``.po`` file).
- ``init LANG``: start a catalogue for a new language.
- ``check``: exit 1 when a string in the code has no (or a fuzzy) Turkish translation.

The ``.po`` files are the only form kept in the repository; the app compiles them in memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "listener" / "web" / "locale"
POT = LOCALE / "messages.pot"
KEYWORDS = ["-k", "N_", "-k", "translate:2"]


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = POT) -> Path:
    """Write the message template for the current code to ``output``."""
    _babel(
        "extract", "-F", str(ROOT / "listener/web/babel.cfg"), *KEYWORDS, "--no-location",
        "--sort-output", "--project", "Listener", "-o", str(output), str(ROOT),
    )  # fmt: skip
    return output


def missing(language: str, template: Path = POT) -> list[str]:
    """The msgids of ``template`` that ``language``'s catalogue lacks or has only fuzzily."""
    with template.open("rb") as fh:
        wanted = [m.id for m in read_po(fh) if m.id]
    with (LOCALE / language / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=language)
    out = []
    for msgid in wanted:
        message = catalog.get(msgid)
        strings = message.string if message else None
        done = all(strings) if isinstance(strings, tuple) else bool(strings)
        if message is None or message.fuzzy or not done:
            out.append(msgid if isinstance(msgid, str) else msgid[0])
    return out


def main(argv: list[str]) -> int:
    command = argv[0] if argv else ""
    if command == "extract":
        extract()
    elif command == "update":
        extract()
        _babel("update", "-i", str(POT), "-d", str(LOCALE), "--no-fuzzy-matching", "--ignore-obsolete")
    elif command == "init" and len(argv) == 2:
        extract()
        _babel("init", "-i", str(POT), "-d", str(LOCALE), "-l", argv[1])
    elif command == "check":
        extract()
        gaps = missing("tr")
        for msgid in gaps:
            print(f"untranslated in tr: {msgid!r}")
        return 1 if gaps else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
