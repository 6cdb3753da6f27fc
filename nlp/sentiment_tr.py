"""Turkish sentiment: a hand-written polarity lexicon with suffix-tolerant matching and rules.

Design (see nlp/README.md):
- Text is lower-cased the Turkish way (İ->i, I->ı) and folded to ASCII, so tweets written without
  Turkish letters ("hala gelmedi") score like proper spelling ("hâlâ gelmedi").
- Each token takes the valence of the longest lexicon stem it starts with ("berbatmış" -> berbat);
  ``=`` entries match whole tokens only; multi-word entries ("eline sağlık") match token runs.
- Negation: the verbal -mA/-mIyor suffix right after the stem ("beğenmedim"), a following "değil",
  "yok", or a negated light verb ("sorun yaşamadım", "memnun kalmadım", "tavsiye etmem") flips the
  valence (x -0.74 like VADER; negated negatives become mildly positive). The privative -sIz suffix
  flips too ("sorunsuz", "saygısız"). "hiç"/"asla" strengthen a negation.
- Intensifiers ("çok", "aşırı", "gerçekten" ...) x1.3, dampeners ("biraz", "pek") x0.6, a question
  particle ("güzel mi") x0.4; "ama/fakat/ancak" halves what comes before and boosts what follows.
- Emoji and emoticons from ``nlp/data/emoji.tsv``; "!" adds emphasis like VADER.
- Complaint patterns (nlp.complaints) add negative valence; in a complaint, praise words count
  x0.4 (politeness and sarcasm: "teşekkürler, 3 haftadır bekliyorum").
The valence sum is normalised like VADER's compound: s / sqrt(s^2 + 15).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping

from nlp.complaints import find_complaints
from nlp.lexicon_tr import N_SCALAR, NEG, NEG_SUFFIX, TurkishLexicon, default_lexicon, emoji_valences
from nlp.text import ELONGATED_RE, fold_ascii, fold_tr, tr_lower

log = logging.getLogger(__name__)

PRIVATIVE_SCALAR = -0.8
MAX_DRIVERS = 6
POLITENESS_IN_COMPLAINT = 0.4

_WORD_RE = re.compile(r"[^\W_]+")
_PRIV_SUFFIX = re.compile(r"^s[iu]z")
_LIGHT_NEG = re.compile(
    r"^(?:ol|yasa|yasan|cik|kal|gor|et|yap|bul|hisset|gel|karsilas|rastla|goster|birak"
    rf"|edil|yapil|sun|git|al|ver|uret|sagla|dile)(?!m[ae]d[ae]n){NEG}"
)
# a negated verb that no lexicon word explains ("göndermediniz", "söylemiyor", "almadılar")
_NEG_VERB = re.compile(
    r"\w{2,}?(?:m[ae]d[iu](?:m|n|k|niz|nuz|l[ae]r)?|m[ae]dil[ae]r|m[iu]yor(?:um|sun|uz|sunuz|l[ae]r)?"
    r"|m[ae]m[iu]s(?:t[iu][mk]?|t[iu]r)?|m[ae]z(?:l[ae]r|s[iu]n|s[iu]n[iu]z)?"
    r"|m[ae]y[ae]c[ae]k\w*)$"
)
_NEG_AORIST_1SG = re.compile(r"\w{2,}m[ae]m$")  # "bir daha seçmem": never again
GENERIC_NEG_VERB = -0.9
NEVER_AGAIN = -2.0
RESOLVERS = ("coz", "hallet", "gider", "duzelt", "telafi")
_REPURCHASE = re.compile(
    r"\b(?:tekrar|yine|bir daha|gene)\s+(?:\w+\s+){0,2}?(?:alacag|alicag|gelece|gelcez|gelicez"
    r"|siparis verece|tercih edece|kullanaca|kullanirim|alirim|gelirim)\w*"
)
_EMOTICON_RE = re.compile(r"(?<!\S)(?:[:;=]-?[)(\]dpDPsS/@]|:'\(|<3|-_-|>:\(|[xX][dD])(?!\S)")
# fmt: off
# opening praise that turns sarcastic when the rest of the text complains ("Tebrikler, 2 haftadır ...")
SARCASM_OPENERS = frozenset({
    "tebrikler", "tebrik", "bravo", "helal", "tesekkurler", "tesekkur", "sagolun", "sagol", "harika",
    "muhtesem", "super", "mukemmel", "eline", "ellerinize", "aferin", "guzel", "tsk", "tesekkurlerr"
})
BOOSTERS = frozenset({
    "cok", "asiri", "gercekten", "cidden", "fazlasiyla", "gayet", "oldukca", "epey", "bayagi",
    "acayip", "inanilmaz", "son", "derece", "resmen", "kesinlikle", "feci", "tam", "en", "hep", "bir",
    "hayli", "muthis", "cok cok", "super", "iyice", "sahiden", "ger"
})
# excitement, not complaints ("bekleyemiyorum" = can't wait)
_EXCITED = frozenset({
    "bekleyemiyorum", "sabredemiyorum", "dayanamiyorum", "doyamiyorum", "vazgecemiyorum",
    "inanamiyorum", "unutmayacagim", "unutmam", "vazgecmem"
})
# fmt: on
DAMPENERS = frozenset({"biraz", "az", "pek", "kismen", "nispeten", "sanki", "azicik", "birazcik"})
NEG_EMPHASIS = frozenset({"hic", "hicbir", "asla", "katiyen", "hicbiri"})
CONTRAST = frozenset({"ama", "fakat", "ancak", "lakin", "oysa", "yalniz", "halbuki"})
QUESTION = frozenset({"mi", "mu", "misin", "musun", "miydi", "muydu", "misiniz", "musunuz", "mudur", "midir"})
_BOOSTER_WORDS = BOOSTERS - {"bir", "son", "derece", "tam", "en", "hep", "ger", "super"}


def score_tr(text: str, overrides: Mapping[str, float] | None = None) -> tuple[float, list[dict]]:
    """Turkish valence sum (VADER scale, before normalisation) and drivers for ``text``."""
    lex = default_lexicon()
    low = tr_lower(text)
    raw = _WORD_RE.findall(low)
    toks = _WORD_RE.findall(fold_ascii(low))  # folding maps letters to letters: same token boundaries
    if len(toks) != len(raw) or ELONGATED_RE.search(" ".join(toks)):
        toks = [fold_tr(t) for t in raw]
    items = _lexicon_items(lex, raw, toks, overrides)
    used = _apply_context(toks, items)
    folded_text = " ".join(toks)
    complaints = find_complaints(folded_text, "tr")
    rules: list[tuple[str, float]] = [(f"complaint:{c}", v) for c, v in complaints]
    rules += _verb_rules(toks, items, used, folded_text)
    emo = _emoji_items(text)
    negative_context = bool(rules) or any(item[1] <= -0.8 for item in items) or any(e[1] <= -0.8 for e in emo)
    _sarcasm(text, toks, items, emo, negative_context)
    question = "?" in text or not QUESTION.isdisjoint(toks)
    if question:
        for item in items:
            if abs(item[1]) < 2.5:
                item[1] = 0.0  # questions ask, they rarely judge ("Hediye paketi yapıyor musunuz?")
    total = 0.0
    drivers = []
    for _, valence, term, _neg in items + emo:
        if negative_context and valence > 0 and (complaints or len(rules) > 0):
            valence *= POLITENESS_IN_COMPLAINT
        total += valence
        drivers.append({"term": term, "weight": round(valence / 4, 3)})
    for _, valence in rules:
        total += valence
    if total and "!" in text:
        total += (1 if total > 0 else -1) * min(text.count("!"), 4) * 0.292
    drivers.sort(key=lambda d: -abs(d["weight"]))
    drivers = drivers[:MAX_DRIVERS] + [{"rule": name, "weight": round(v / 4, 3)} for name, v in rules]
    if question and not total:
        drivers.append({"rule": "question", "weight": 0.0})  # a plain question: the model is damped too
    return total, drivers


def _lexicon_items(
    lex: TurkishLexicon, raw: list[str], toks: list[str], overrides: Mapping[str, float] | None
) -> list[list]:
    """Lexicon hits as ``[position, valence, term, negated]`` with suffix negation / privative applied."""
    items: list[list] = []
    n = len(toks)
    i = 0
    while i < n:
        tok = toks[i]
        if overrides and tok in overrides:
            items.append([i, overrides[tok], raw[i], False])
            i += 1
            continue
        hit = lex.phrase(toks, i) if tok in lex.phrases else None
        if hit is not None:
            valence, width, _key = hit
            if valence:
                items.append([i + width - 1, valence, " ".join(raw[i : i + width]), False])
            i += width
            continue
        found = lex.lookup(tok) if len(tok) >= 2 else None
        if found is not None and found[0]:
            valence, stem = found
            suffix = tok[stem:]
            negated = False
            if suffix and NEG_SUFFIX.match(suffix):
                valence *= N_SCALAR
                negated = True
            elif suffix and _PRIV_SUFFIX.match(suffix):
                valence *= PRIVATIVE_SCALAR
            items.append([i, valence, raw[i], negated])
        i += 1
    return items


def _apply_context(toks: list[str], items: list[list]) -> set[int]:
    """Negators, resolvers, intensifiers and contrast, in place on ``items``.

    Returns the positions of tokens used as negators or resolvers (not scored again as verbs).
    """
    used: set[int] = set()
    if not items:
        return used
    at = {item[0]: item for item in items}
    n = len(toks)
    for j, tok in enumerate(toks):
        if j in at:
            continue
        negator = (
            tok.startswith("degil") or tok in ("yok", "yoktu", "yokmus", "yoktur") or _LIGHT_NEG.match(tok)
        )
        resolver = not negator and tok.startswith(RESOLVERS)
        if not (negator or resolver):
            continue
        if tok.startswith("degil") and j + 1 < n and toks[j + 1] in QUESTION:
            continue  # "güzel değil mi?" asks for agreement, it does not negate
        for k in range(j - 1, max(j - 4, -1), -1):
            item = at.get(k)
            if item is None:
                continue
            used.add(j)
            if resolver:
                if item[1] < 0:
                    item[1] = 0.0  # "sorunu çözdüler": the problem is gone
                break
            emphatic = {"kadar", "boyle", "boylesi", "boylesine"}.intersection(toks[max(k - 3, 0) : k])
            if not item[3] and not emphatic:  # "bu kadar kötü bir hizmet görmedim" stays negative
                item[1] *= N_SCALAR
                item[3] = True
            break
    for item in items:
        pos = item[0]
        before = toks[max(pos - 3, 0) : pos]
        if before:
            prev = before[-1] if before[-1] != "bir" or len(before) < 2 else before[-2]
            if prev in _BOOSTER_WORDS:
                item[1] *= 1.3
            elif prev in DAMPENERS:
                item[1] *= 0.6
        if item[3] and NEG_EMPHASIS.intersection(before):
            item[1] *= 1.25
        if pos + 1 < n and toks[pos + 1] in QUESTION:
            item[1] *= 0.4
    for j, tok in enumerate(toks):
        if tok in CONTRAST:
            for item in items:
                item[1] *= 0.5 if item[0] < j else 1.5
            break
    return used


def _verb_rules(
    toks: list[str], items: list[list], used: set[int], folded_text: str
) -> list[tuple[str, float]]:
    """Negated verbs that no lexicon word explains (weak negative, strong after "bir daha"/"asla"),
    and repurchase intent ("tekrar geleceğiz") as a positive rule."""
    rules: list[tuple[str, float]] = []
    scored = {item[0] for item in items}
    count = 0
    for j, tok in enumerate(toks):
        if "m" not in tok or j in used or j in scored or tok in _EXCITED:
            continue
        negated = _NEG_VERB.match(tok)
        if not negated and not _NEG_AORIST_1SG.match(tok):
            continue
        window = " ".join(toks[max(j - 4, 0) : j])
        strong = "bir daha" in window or "asla" in window or "hicbir zaman" in window
        if not (negated or strong):
            continue
        if j + 1 < len(toks) and toks[j + 1] in QUESTION:
            continue
        rules.append(
            (
                "negated_verb:never_again" if strong else "negated_verb",
                NEVER_AGAIN if strong else GENERIC_NEG_VERB,
            )
        )
        count += 1
        if count >= 2:
            break
    if (
        "tekrar" in folded_text or "yine" in folded_text or "daha" in folded_text or "gene" in folded_text
    ) and (_REPURCHASE.search(folded_text)):
        rules.append(("praise:repurchase", 1.8))
    return rules


def _sarcasm(text: str, toks: list[str], items: list[list], emo: list[list], negative_context: bool) -> None:
    """Opening praise followed by a complaint is sarcastic: reverse it (and clapping/smiling emoji)."""
    if not negative_context or ("(!)" not in text and SARCASM_OPENERS.isdisjoint(toks[:8])):
        return
    if not CONTRAST.isdisjoint(toks):
        return
    head = re.split(r"[,.!;:…]", text, maxsplit=2)
    opening = {w for part in head[:2] for w in _WORD_RE.findall(fold_tr(part))[:3]}
    if not SARCASM_OPENERS.intersection(opening) and "(!)" not in text:
        return
    for item in items:
        if item[1] > 0 and item[0] <= 6:
            item[1] *= -0.6
    for e in emo:
        if e[1] > 0:
            e[1] *= -0.6


def _emoji_items(text: str) -> list[list]:
    table = emoji_valences()
    found = [[-1, table[ch], ch, False] for ch in text if ch in table]
    if ":" in text or ";" in text or "<3" in text or "_" in text or "=" in text:
        for m in _EMOTICON_RE.finditer(text):
            v = table.get(m.group(0).lower())
            if v is not None:
                found.append([-1, v, m.group(0), False])
    if "(!)" in text:
        found.append([-1, -1.5, "(!)", False])
    return found
