"""The team's check set (``reply_checkset.py``): realistic English and Turkish customer mentions,
each must get a top public suggestion of the right *case* (not exact text) and the right
escalation, from the default library, with no rendering holes, on both backends. The brand has no
products and no support link is configured: the worst case for holes."""

from __future__ import annotations

import re

import pytest

from listener.storage.db import make_session_factory, session_scope
from listener.storage.replies import ensure_default_templates
from tests.api.reply_checkset import CHECKSET
from tests.factories import mention

DEFECTS = re.compile(r"\x00|  |\s[,.!?;:]|\{\{|\}\}|\bNone\b|[:,]\s*$|^\s*[,.!?;:]", re.M)


def case_of(name: str) -> str:
    """``en-review-1-star-public`` → ``review-1-star``."""
    return name.split("-", 1)[1].rsplit("-", 1)[0]


@pytest.fixture
def library(engine):
    with session_scope(make_session_factory(engine)) as session:
        ensure_default_templates(session)


def test_checkset_top_suggestion_fits(api, acme, library):
    items = [
        mention(i, text=text, language=language, author={"handle": f"user{i}"}, **extra)
        for i, (text, language, extra, _, _) in enumerate(CHECKSET)
    ]
    ids = api.as_("manager").post("/api/v1/ingest", json={"mentions": items}).json()["ids"]
    misses = []
    for mid, (text, _, _, case, team) in zip(ids, CHECKSET, strict=True):
        got = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions", params={"channel": "public"}).json()
        top = got["suggestions"][0] if got["suggestions"] else None
        esc = (got["escalate"] or {}).get("to")
        if top is None or case_of(top["name"]) != case or esc != team:
            misses.append((text, case, team, top and top["name"], esc, top and top["reasons"]))
        for s in got["suggestions"]:
            assert not DEFECTS.search(s["text"]), s["text"]
    assert misses == [], "\n".join(map(str, misses))
