"""The engine on a real database: matches group into incidents, escalation, silences, auto-resolve,
per-mention rules, and the outbox written in the same transaction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from engine_helpers import NOW, SETTINGS, brand, burst, channel, history, mention, rule
from sqlalchemy import select, text

from listener.engine import evaluation
from listener.storage.db import session_scope
from listener.storage.models import Incident, Notification, Silence


def notifications(session, **where):
    stmt = select(Notification).order_by(Notification.id)
    for k, v in where.items():
        stmt = stmt.where(getattr(Notification, k) == v)
    return list(session.scalars(stmt))


def test_spike_opens_one_incident_and_notifies_each_channel_once(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        history(s, acme.id, NOW)
        burst(s, acme.id, NOW.replace(minute=2), 30)
        a, b = channel(s), channel(s, "slack", webhook_url="http://127.0.0.1:9/slack")
        r = rule(s, "spike", brand_id=acme.id, channels=[a, b], severity="critical")
        report = evaluation.evaluate(s, NOW, settings=SETTINGS)
        assert report.errors == {}
        assert len(report.opened) == 1
    with session_scope(sessions) as s:
        (incident,) = s.scalars(select(Incident))
        assert (incident.rule_id, incident.scope_key, incident.status) == (r.id, "spike", "firing")
        assert incident.brand_id == acme.id and incident.severity == "critical"
        assert incident.value >= 30 and incident.expected is not None and incident.expected < 10
        assert incident.evidence["negative_share"] > 0.8
        assert 3 <= len(incident.evidence["sample_mention_ids"]) <= 5
        sent = notifications(s)
        assert sorted(n.channel_id for n in sent) == sorted([a.id, b.id])
        assert {n.kind for n in sent} == {"opened"}
        assert len({n.idempotency_key for n in sent}) == 2
        body = sent[0].payload
        assert body["brand"] == "Acme" and body["rule"]["type"] == "spike"
        assert body["samples"] and body["samples"][0]["url"].startswith("https://")
        assert body["feed_url"].endswith(f"/inbox?incident={incident.id}")
        # the same situation a few minutes later: the incident is updated, nobody is paged again
        evaluation.evaluate(s, NOW + timedelta(minutes=5), settings=SETTINGS)
        assert len(notifications(s)) == 2
        assert s.scalar(select(Incident.matches)) == 2


def test_escalation_only_when_the_value_doubles(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        rule(s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 5, "window_minutes": 60})
        burst(s, acme.id, NOW - timedelta(minutes=45), 6)
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        assert [n.kind for n in notifications(s)] == ["opened"]
        burst(s, acme.id, NOW - timedelta(minutes=40), 5)  # 11 < 12: not yet double
        evaluation.evaluate(s, NOW + timedelta(minutes=1), settings=SETTINGS)
        assert [n.kind for n in notifications(s)] == ["opened"]
        burst(s, acme.id, NOW - timedelta(minutes=30), 2)  # 13 >= 12
        report = evaluation.evaluate(s, NOW + timedelta(minutes=2), settings=SETTINGS)
        assert [n.kind for n in notifications(s)] == ["opened", "escalated"]
        assert len(report.escalated) == 1
        incident = s.scalar(select(Incident))
        assert incident.last_notified_value == 13 and incident.peak_value == 13
        assert s.scalar(select(Incident.id).where(Incident.status != "resolved")) == incident.id


def test_silence_records_but_does_not_notify(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        r = rule(s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 3})
        s.add(
            Silence(
                brand_id=acme.id,
                starts_at=NOW - timedelta(hours=1),
                ends_at=NOW + timedelta(minutes=10),
                comment="planned launch",
                created_by="manager-key",
            )
        )
        burst(s, acme.id, NOW - timedelta(minutes=30), 4)
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        incident = s.scalar(select(Incident))
        assert incident is not None and incident.silenced and incident.rule_id == r.id
        assert notifications(s) == []
        evaluation.evaluate(s, NOW + timedelta(minutes=5), settings=SETTINGS)
        assert notifications(s) == [] and incident.matches == 2
        # the silence is over and the incident still fires: now the team hears of it, once
        evaluation.evaluate(s, NOW + timedelta(minutes=15), settings=SETTINGS)
        evaluation.evaluate(s, NOW + timedelta(minutes=16), settings=SETTINGS)
        assert [n.kind for n in notifications(s)] == ["opened"]
        assert not incident.silenced


def test_silence_by_topic_and_by_other_rule(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        r1 = rule(s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 3})
        r2 = rule(
            s,
            "frequency",
            brand_id=acme.id,
            channels=[c],
            params={"threshold": 3},
            scope={"brand_ids": [acme.id], "topics": ["delivery"]},
        )
        window = {"starts_at": NOW - timedelta(hours=1), "ends_at": NOW + timedelta(hours=1)}
        s.add(Silence(topic="delivery", comment="known courier strike", created_by="m", **window))
        r3 = rule(s, "frequency", brand_id=acme.id, params={"threshold": 100})
        s.add(Silence(rule_id=r3.id, comment="another rule", created_by="m", **window))
        burst(s, acme.id, NOW - timedelta(minutes=30), 4, topics=["delivery"])
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        by_rule = {i.rule_id: i for i in s.scalars(select(Incident))}
        assert by_rule[r2.id].silenced and not by_rule[r1.id].silenced
        assert [n.incident_id for n in notifications(s)] == [by_rule[r1.id].id]


def test_auto_resolve_after_the_quiet_period(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        rule(
            s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 3}, resolve_after_minutes=30
        )
        burst(s, acme.id, NOW - timedelta(minutes=50), 4)
        evaluation.evaluate(s, NOW, settings=SETTINGS)
        evaluation.evaluate(
            s, NOW + timedelta(minutes=20), settings=SETTINGS
        )  # window empty now, quiet for 20 min only
        assert s.scalar(select(Incident.status)) == "firing"
        report = evaluation.evaluate(s, NOW + timedelta(minutes=31), settings=SETTINGS)
        assert len(report.resolved) == 1
        incident = s.scalar(select(Incident))
        assert incident.status == "resolved" and incident.resolved_by == "auto"
        assert [n.kind for n in notifications(s)] == ["opened", "resolved"]
        # a new burst later is a new incident
        burst(s, acme.id, NOW + timedelta(minutes=40), 4)
        evaluation.evaluate(s, NOW + timedelta(minutes=82), settings=SETTINGS)
        assert s.scalar(select(text("count(*)")).select_from(Incident)) == 2


def test_per_mention_rules_run_on_new_mentions_only_once(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        rule(
            s,
            "mention",
            brand_id=acme.id,
            channels=[c],
            params={"crisis_terms": ["data breach"], "any_crisis_term": False},
        )
        rule(s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 50})
        hit = mention(s, acme.id, NOW - timedelta(minutes=1), text="Acme had a DATA BREACH?")
        miss = mention(s, acme.id, NOW - timedelta(minutes=1), text="Acme is fine")
        s.flush()
        report = evaluation.evaluate_mentions(s, [hit.id, miss.id], NOW, settings=SETTINGS)
        assert report.rules == 1 and len(report.opened) == 1
        evaluation.evaluate_mentions(s, [hit.id], NOW + timedelta(seconds=30), settings=SETTINGS)
        evaluation.evaluate(
            s, NOW + timedelta(minutes=1), settings=SETTINGS
        )  # windowed pass leaves mention rules alone
        (incident,) = s.scalars(select(Incident))
        assert incident.scope_key == "story:term:data breach"
        assert [n.kind for n in notifications(s)] == ["opened"]


def test_a_broken_rule_does_not_stop_the_others(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        bad = rule(s, "frequency", brand_id=acme.id, params={"threshold": "many"})
        rule(s, "frequency", brand_id=acme.id, params={"threshold": 2})
        burst(s, acme.id, NOW - timedelta(minutes=20), 3)
        report = evaluation.evaluate(s, NOW, settings=SETTINGS)
        assert set(report.errors) == {bad.id} and len(report.opened) == 1


def test_incident_and_outbox_share_the_transaction(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        rule(s, "frequency", brand_id=acme.id, channels=[c], params={"threshold": 2})
        burst(s, acme.id, NOW - timedelta(minutes=20), 3)
    s = sessions()
    evaluation.evaluate(s, NOW, settings=SETTINGS)
    assert s.scalar(select(text("count(*)")).select_from(Notification)) == 1
    s.rollback()  # a crash before commit: neither the incident nor its message exist
    assert s.scalar(select(text("count(*)")).select_from(Incident)) == 0
    assert s.scalar(select(text("count(*)")).select_from(Notification)) == 0
    s.close()


@pytest.mark.parametrize("backend", [pytest.param("postgres", marks=pytest.mark.postgres)])
def test_one_evaluator_per_brand_on_postgres(sessions, engine):
    with session_scope(sessions) as s:
        acme, globex = brand(s), brand(s, "Globex")
        rule(s, "frequency", brand_id=acme.id, params={"threshold": 2})
        rule(s, "frequency", brand_id=globex.id, params={"threshold": 2})
        burst(s, acme.id, NOW - timedelta(minutes=20), 3)
        burst(s, globex.id, NOW - timedelta(minutes=20), 3)
        acme_id = acme.id
    with engine.connect() as other:
        other.execute(text("SELECT pg_advisory_lock(:a, :b)"), {"a": evaluation.LOCK_NAMESPACE, "b": acme_id})
        with session_scope(sessions) as s:
            report = evaluation.evaluate(s, NOW, settings=SETTINGS)
        assert report.skipped_brands == [acme_id] and len(report.opened) == 1
        other.execute(text("SELECT pg_advisory_unlock_all()"))
        other.commit()
    with session_scope(sessions) as s:
        report = evaluation.evaluate(s, NOW, settings=SETTINGS)
        assert report.skipped_brands == [] and len(report.opened) == 1


def test_the_ingest_hook_alerts_on_a_fresh_crisis_mention(sessions):
    """``alert_on_new`` after ``store_batch`` (as every ingest path calls them) runs the per-mention
    rules on what was stored; ``store_batch`` alone alerts nobody."""
    from datetime import UTC, datetime

    from listener.engine.new_mentions import alert_on_new
    from listener.pipeline.ingest import store_batch
    from tests.factories import mention as item

    now = datetime.now(UTC)
    with session_scope(sessions) as s:
        acme = brand(s)
        c = channel(s)
        rule(s, "mention", brand_id=acme.id, channels=[c], params={"crisis_terms": ["data breach"]})
        old = item(1, text="Acme data breach, years ago", published_at=now - timedelta(days=3))
        fresh = item(2, text="Acme had a data breach, my card is leaked", published_at=now)
        calm = item(3, text="Acme delivery was on time", published_at=now)
        outcome = store_batch(s, [old, fresh, calm])
        assert outcome.created == 3
        assert s.scalar(select(Incident.id)) is None
        alert_on_new(s, outcome.created_ids, settings=SETTINGS)
        (incident,) = s.scalars(select(Incident))  # one: a backfilled old mention pages nobody
        assert incident.evidence["text"].startswith("Acme had a data breach")
        assert [n.kind for n in notifications(s)] == ["opened"]
