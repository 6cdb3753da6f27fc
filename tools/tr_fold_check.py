"""Write ``nlp/data/tr_fold_words.tsv``: which ASCII spellings of Turkish taxonomy stems are other words.

    .venv/bin/pip install -e '.[train]'      # zeyrek (a Turkish morphological analyser), only here
    .venv/bin/python tools/tr_fold_check.py

A Turkish text written without Turkish letters ("olum cok kotu") is matched against the ASCII spelling of
each taxonomy stem. That is safe for "yangın" -> "yangin" (no such word) but not for "öldü" -> "oldu"
("it became") or "ölüm" -> "olum", "kıl" -> "kil" ("clay"): the ASCII spelling is a different word, and
matching it would raise crisis alerts on ordinary sentences. For every stem (topics and crisis terms)
that has Turkish letters, the analyser is asked whether its ASCII spelling parses as a Turkish word on
its own; proper names (capitalised lemmas: "Bes", "Super") do not count. Rows: ``ascii<TAB>stem<TAB>
word|free``; nlp/topics.py leaves ``word`` stems out of ASCII matching. Run again after editing the
Turkish part of nlp/data/taxonomy.json (tests/nlp/test_nlp_topics_tr.py checks every stem is listed).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.text import fold_ascii, tr_norm  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "nlp" / "data"


def taxonomy_stems() -> list[str]:
    """Every Turkish word of the packaged taxonomy (topics and crisis terms), Turkish lower case."""
    tax = json.loads((DATA / "taxonomy.json").read_text(encoding="utf-8"))
    phrases = [p for langs in tax["topics"].values() for p in langs.get("tr", [])]
    phrases += tax["crisis"].get("tr", [])
    return sorted({w for p in phrases for w in tr_norm(p).split()})


def main() -> None:
    """Check each stem with zeyrek and write the table."""
    logging.disable(logging.CRITICAL)  # zeyrek logs every analysis
    import zeyrek

    analyzer = zeyrek.MorphAnalyzer()
    rows = []
    for stem in taxonomy_stems():
        ascii_form = fold_ascii(stem)
        if ascii_form == stem:
            continue
        lemmas = {str(a.dict_item.lemma) for a in analyzer._parse(ascii_form)}
        words = sorted(lemma for lemma in lemmas if not lemma[:1].isupper())
        rows.append(f"{ascii_form}\t{stem}\t{'word' if words else 'free'}\t{','.join(words)}")
    header = "# ascii\tstem\tword|free\tlemmas of the ASCII spelling (tools/tr_fold_check.py, zeyrek)\n"
    (DATA / "tr_fold_words.tsv").write_text(header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} stems checked, {sum(r.split(chr(9))[2] == 'word' for r in rows)} are other words")


if __name__ == "__main__":
    main()
