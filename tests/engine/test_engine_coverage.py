"""Coverage alerts on a real database: every brand gets its built-in coverage rule (visible,
switchable); a paused source, one needing credentials, or a busy source gone silent opens an
incident; collection resuming resolves it."""

from __future__ import annotations

from datetime import timedelta

from engine_helpers import NOW, SETTINGS, brand, mention
from sqlalchemy import select

from listener.engine import evaluation
from listener.storage.db import session_scope
from listener.storage.models import AlertRule, Incident, Source


def source(s, name: str, **kw) -> Source:  # type: ignore[no-untyped-def]
    kw.setdefault("platform", "rss")
    kw.setdefault("interval_seconds", 600)
    src = Source(name=name, **kw)
    s.add(src)
    s.flush()
    return src


def fed(s, brand_id: int, src: Source, until, n: int = 48, every=timedelta(hours=1)) -> None:  # type: ignore[no-untyped-def]
    """``n`` mentions of the brand collected by ``src``, one every ``every``, the last at ``until``."""
    for k in range(n):
        at = until - every * k
        mention(s, brand_id, at, source_id=src.id, collected_at=at)
    s.flush()


def open_keys(s) -> list[str]:  # type: ignore[no-untyped-def]
    rows = s.scalars(select(Incident).where(Incident.status != "resolved").order_by(Incident.scope_key))
    return [i.scope_key for i in rows]


def test_coverage_rule_per_brand_and_lost_sources(sessions, api):
    with session_scope(sessions) as s:
        acme, other = brand(s), brand(s, "Globex")
        busy = source(s, "acme news")
        fed(s, acme.id, busy, NOW - timedelta(minutes=30))
        paused = source(s, "acme reddit", platform="reddit", status="paused", last_error="5 failures")
        fed(s, acme.id, paused, NOW - timedelta(hours=1))
        creds = source(s, "acme twitter", platform="twitter", status="needs_credentials")
        fed(s, acme.id, creds, NOW - timedelta(hours=2))
        never = source(s, "globex reviews", status="paused")  # fed nobody: not Acme's, not reported
        assert never.id
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        rules = s.scalars(select(AlertRule).where(AlertRule.type == "coverage").order_by(AlertRule.id)).all()
        assert [(r.name, r.scope, r.enabled) for r in rules] == [
            ("Coverage: Acme", {"brand_ids": [acme.id]}, True),
            ("Coverage: Globex", {"brand_ids": [other.id]}, True),
        ]
        assert open_keys(s) == [f"coverage:source:{paused.id}", f"coverage:source:{creds.id}"]
        incident = s.scalar(select(Incident).where(Incident.scope_key == f"coverage:source:{paused.id}"))
        assert incident.summary == "Source 'acme reddit' (reddit) is paused: 5 failures"
        assert incident.brand_id == acme.id
        # the busy source goes silent: an hourly source quiet for 6 h (5 usual intervals) is lost
        evaluation.evaluate(s, NOW + timedelta(hours=4), settings=SETTINGS)
        assert f"coverage:source:{busy.id}" not in open_keys(s)
        evaluation.evaluate(s, NOW + timedelta(hours=6), settings=SETTINGS)
        assert f"coverage:source:{busy.id}" in open_keys(s)
        # collection resumes and the operator fixes the others: resolved at the next rounds
        paused.status, creds.status = "ok", "ok"
        evaluation.evaluate(s, NOW + timedelta(hours=6, minutes=10), settings=SETTINGS)
        # back to ok but nothing collected since: they are now silent sources, still lost
        assert len(open_keys(s)) == 3
        for src in (busy, paused, creds):
            fed(s, acme.id, src, NOW + timedelta(hours=6, minutes=30), n=1)
        evaluation.evaluate(s, NOW + timedelta(hours=6, minutes=31), settings=SETTINGS)
        evaluation.evaluate(s, NOW + timedelta(hours=6, minutes=32), settings=SETTINGS)
        assert open_keys(s) == []
        acme_rule_id = rules[0].id
    # visible and switchable like any rule
    listed = api.as_("viewer").get("/api/v1/rules").json()
    assert {"Coverage: Acme", "Coverage: Globex"} <= {r["name"] for r in listed}
    r = api.as_("manager").patch(f"/api/v1/rules/{acme_rule_id}", json={"enabled": False})
    assert r.status_code == 200 and r.json()["enabled"] is False
    with session_scope(sessions) as s:
        s.get(Source, paused.id).status = "paused"
        evaluation.evaluate(s, NOW + timedelta(hours=7), settings=SETTINGS)
        assert open_keys(s) == []  # switched off: stays off, not recreated
        assert len(s.scalars(select(AlertRule).where(AlertRule.type == "coverage")).all()) == 2
