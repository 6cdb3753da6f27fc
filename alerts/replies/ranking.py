"""Which reply templates fit a mention, in what order, and when to escalate instead. Pure.

A template fits only when it is in the mention's language and every condition it states holds
(topics overlap, sentiment score in range, platform, kind, star rating, crisis flag, sarcasm flag,
one of its ``terms`` in the text). A grateful template never fits a mention that reads negative,
has a 1-2 star rating, fires crisis terms or reads as sarcasm; an informative one never fits a
crisis or sarcasm. Among fitting templates the score adds: a sarcasm reply for sarcasm (+6), a star
rating that holds (+5), one of the template's terms in the text (+4), a crisis statement for a
crisis (+3), each topic match (+3; legal, safety and security +5, the catch-all ``praise_recommendation``
+1), a stated sentiment
range that holds (+1), the platform named (+0.5), past acceptance ((accepted+1)/(used+2) − 0.5,
times 2), and −6 for a template already rejected for this mention. Each term adds a reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from alerts.replies.cues import confirmed_crisis_terms, has_terms, sarcasm_cues

ESCALATION_TOPICS = (
    ("legal", "legal", "mentions legal action"),
    ("safety_health", "safety", "reports a safety or health risk"),
    ("security_privacy", "security", "reports a security or privacy problem"),
)
LEGAL_TERMS = {
    "lawsuit",
    "sue",
    "suing",
    "lawyer",
    "attorney",
    "court",
    "dava",
    "avukat",
    "mahkeme",
    "savcılık",
}
SAFETY_TERMS = {
    "poisoning",
    "poisoned",
    "recall",
    "injury",
    "fire",
    "zehirlenme",
    "yaralandı",
    "geri çağırma",
}
SECURITY_TERMS = {
    "data breach",
    "breach",
    "hacked",
    "leak",
    "leaked",
    "veri sızıntısı",
    "sızıntı",
    "hacklendi",
}


@dataclass(frozen=True, slots=True)
class MentionFacts:
    """What ranking needs to know about a mention."""

    language: str | None
    sentiment_score: float | None
    sentiment_label: str
    topics: tuple[str, ...] = ()
    crisis_terms: tuple[str, ...] = ()
    platform: str = ""
    kind: str = "post"
    rating: float | None = None
    text: str = ""
    rejected: frozenset[int] = frozenset()  # templates whose drafts were rejected for this mention


@dataclass(frozen=True, slots=True)
class TemplateFacts:
    """A template as ranking sees it, with its acceptance record (drafts used / approved or sent)."""

    id: int
    name: str
    language: str
    channel: str
    tone: str
    conditions: Mapping[str, Any]
    used: int = 0
    accepted: int = 0


@dataclass(slots=True)
class Suggestion:
    template_id: int
    score: float
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Escalation:
    """Hand the mention to a team before (or instead of) replying."""

    to: str
    why: str
    terms: tuple[str, ...] = ()


def escalation_for(m: MentionFacts) -> Escalation | None:
    """Legal threats, safety or health risks, security problems and crisis terms are escalated:
    to ``legal``, ``safety``, ``security`` or the ``pr`` lead, in that order of precedence."""
    terms = {t.lower() for t in confirmed_crisis_terms(m.text, m.crisis_terms)}
    for topic, team, why in ESCALATION_TOPICS:
        if topic in m.topics:
            return Escalation(team, why, tuple(sorted(terms)))
    for team, vocabulary, why in (
        ("legal", LEGAL_TERMS, "mentions legal action"),
        ("safety", SAFETY_TERMS, "reports a safety or health risk"),
        ("security", SECURITY_TERMS, "reports a security or privacy problem"),
    ):
        hit = sorted(terms & vocabulary)
        if hit:
            return Escalation(team, f"{why}: {', '.join(hit)}", tuple(hit))
    if terms:
        return Escalation("pr", f"crisis terms: {', '.join(sorted(terms))}", tuple(sorted(terms)))
    return None


def _in(value: float | None, bounds: Any) -> bool:
    return value is not None and float(bounds[0]) <= value <= float(bounds[1])


# the reply must deal with a legal threat, a safety or a security problem before anything else
_TOPIC_WEIGHT = {"praise_recommendation": 1} | {topic: 5 for topic, _, _ in ESCALATION_TOPICS}


def _sorry_for_praise(t: TemplateFacts, m: MentionFacts, sarcasm: tuple[str, ...]) -> bool:
    """An apology to praise (no star rating, no crisis, no sarcasm) reads wrong."""
    if t.tone not in ("apologetic", "empathetic") or sarcasm or m.crisis_terms:
        return False
    return m.sentiment_label == "positive" and m.rating is None


def score_template(m: MentionFacts, t: TemplateFacts, sarcasm: tuple[str, ...] = ()) -> Suggestion | None:
    """The suggestion for ``t`` on ``m`` (``sarcasm``: the mention's sarcasm cues), or None when the
    template does not fit."""
    c = t.conditions or {}
    if not m.language or t.language != m.language:
        return None
    reasons = [f"language {t.language}"]
    score = 1.0
    low_stars = m.rating is not None and m.rating <= 2
    if t.tone == "grateful" and (m.sentiment_label == "negative" or low_stars or m.crisis_terms or sarcasm):
        return None
    if t.tone == "informative" and (m.crisis_terms or sarcasm):
        return None
    if c.get("sentiment") is not None:
        if not _in(m.sentiment_score, c["sentiment"]):
            return None
        score += 1
        reasons.append(f"sentiment {m.sentiment_score:+.2f} in [{c['sentiment'][0]}, {c['sentiment'][1]}]")
    elif _sorry_for_praise(t, m, sarcasm):
        return None
    if c.get("rating") is not None:
        if not _in(m.rating, c["rating"]):
            return None
        score += 5
        reasons.append(f"{m.rating:g}-star review")
    if c.get("kinds"):
        if m.kind not in c["kinds"]:
            return None
        reasons.append(f"kind {m.kind}")
    if c.get("platforms"):
        if m.platform not in c["platforms"]:
            return None
        score += 0.5
        reasons.append(f"platform {m.platform}")
    if c.get("crisis") is not None:
        if bool(c["crisis"]) != bool(m.crisis_terms):
            return None
        if c["crisis"]:
            score += 3
            reasons.append("crisis statement")
    if c.get("sarcasm") is not None:
        if bool(c["sarcasm"]) != bool(sarcasm):
            return None
        if c["sarcasm"]:
            score += 6
            reasons.append("reads as sarcasm: " + ", ".join(sarcasm))
    if c.get("terms"):
        found = has_terms(m.text, c["terms"])
        if not found:
            return None
        score += 4
        reasons.append("mentions " + ", ".join(found))
    if c.get("topics"):
        hits = [topic for topic in c["topics"] if topic in m.topics]
        if not hits:
            return None
        score += sum(_TOPIC_WEIGHT.get(topic, 3) for topic in hits)
        reasons.append("topic " + ", ".join(hits))
    elif not c.get("terms"):
        reasons.append("general template")
    rate = (t.accepted + 1) / (t.used + 2)
    score += round((rate - 0.5) * 2, 3)
    if t.used:
        reasons.append(f"accepted {t.accepted} of {t.used} times")
    if t.id in m.rejected:
        score -= 6
        reasons.append("rejected for this mention")
    return Suggestion(template_id=t.id, score=round(score, 3), reasons=reasons)


def rank(
    m: MentionFacts, templates: Iterable[TemplateFacts], *, channel: str | None = None
) -> list[Suggestion]:
    """Fitting templates for ``m``, best first (ties: lower id first)."""
    out = []
    m = replace(m, crisis_terms=confirmed_crisis_terms(m.text, m.crisis_terms))
    sarcasm = sarcasm_cues(m.text, m.language, negative=m.sentiment_label == "negative") if m.text else ()
    for t in templates:
        if channel and t.channel != channel:
            continue
        s = score_template(m, t, sarcasm)
        if s is not None:
            out.append(s)
    out.sort(key=lambda s: (-s.score, s.template_id))
    return out
