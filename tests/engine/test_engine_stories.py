"""One story, one incident, on a real database: per-mention matches about one story grow one
incident (notified on open and on escalation only), resolve when quiet at the worker's tick, and
the dry run groups them the same way."""

from __future__ import annotations

from datetime import timedelta

from engine_helpers import NOW, SETTINGS, brand, channel, mention, rule
from sqlalchemy import select

from listener.engine import evaluation
from listener.engine.dryrun import dry_run
from listener.storage.db import session_scope
from listener.storage.models import Incident, Notification

LEAK = [
    ("Acme leaked my card number, data breach confirmed", ("data breach", "leak")),
    ("So Acme had a leak and nobody told us?", ("leak",)),
    ("My bank called: Acme data breach. Great.", ("data breach",)),
]


def kinds(s) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.kind for n in s.scalars(select(Notification).order_by(Notification.id))]


def test_three_posts_about_one_leak_are_one_incident_notified_on_open_and_escalation(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        r = rule(s, "mention", brand_id=acme.id, channels=[channel(s)], resolve_after_minutes=120)
        at = NOW
        for k, (text, terms) in enumerate(LEAK):
            at = NOW + timedelta(minutes=20 * k)
            m = mention(
                s,
                acme.id,
                at - timedelta(minutes=1),
                text=text,
                crisis_terms=list(terms),
                sentiment_label="negative",
                sentiment_score=-0.8,
                author_reach=1000 * (k + 1),
            )
            s.flush()
            evaluation.evaluate_mentions(s, [m.id], at, settings=SETTINGS)
            evaluation.evaluate_mentions(
                s, [m.id], at + timedelta(seconds=5), settings=SETTINGS
            )  # a retry adds nothing
        other = mention(s, acme.id, at, text="Acme recall of the blender", crisis_terms=["recall"])
        s.flush()
        evaluation.evaluate_mentions(s, [other.id], at + timedelta(minutes=1), settings=SETTINGS)
        story, recall = s.scalars(select(Incident).order_by(Incident.id)).all()
        assert story.value == 3 and story.peak_value == 3 and story.matches == 6
        assert story.summary.startswith("3 mentions about data breach, leak")
        assert len(story.evidence["mention_ids"]) == 3
        assert story.evidence["top_authors"][0]["reach"] == 3000
        assert recall.scope_key == "story:term:recall" and recall.value == 1
        # the leak: opened at the first post, escalated when it doubled (2), not again at 3
        rows = s.scalars(select(Notification).where(Notification.incident_id == story.id)).all()
        assert [n.kind for n in rows] == ["opened", "escalated"]
        assert rows[1].payload["value"] == 2
        # quiet for resolve_after_minutes: the worker's minute tick resolves the stories
        evaluation.evaluate(s, at + timedelta(minutes=100), rule_ids=[r.id], settings=SETTINGS)
        assert s.get(Incident, story.id).status == "firing"
        report = evaluation.evaluate(s, at + timedelta(minutes=125), rule_ids=[r.id], settings=SETTINGS)
        assert sorted(report.resolved) == sorted([story.id, recall.id])
        assert s.get(Incident, story.id).resolved_by == "auto"
        assert kinds(s) == ["opened", "escalated", "opened", "resolved", "resolved"]
        # the same story a day later is a new incident
        m = mention(s, acme.id, at + timedelta(days=1), text="Acme leak again", crisis_terms=["leak"])
        s.flush()
        evaluation.evaluate_mentions(s, [m.id], at + timedelta(days=1, minutes=1), settings=SETTINGS)
        assert s.scalars(select(Incident).where(Incident.status == "firing")).one().value == 1


def test_a_thirty_day_dry_run_groups_stories_like_the_engine(sessions):
    with session_scope(sessions) as s:
        acme = brand(s)
        r = rule(s, "mention", brand_id=acme.id, resolve_after_minutes=120)
        start = NOW - timedelta(days=30)
        for day in range(30):  # daily chatter without crisis terms never matches
            mention(s, acme.id, start + timedelta(days=day, hours=9), text="Acme is fine")
        leak_at = NOW - timedelta(days=20)
        for k, (text, terms) in enumerate(LEAK):  # one story over 40 minutes
            mention(s, acme.id, leak_at + timedelta(minutes=20 * k), text=text, crisis_terms=list(terms))
        for k in range(2):  # a recall story ten days later: 3 h apart, so two incidents
            mention(
                s, acme.id, NOW - timedelta(days=10, hours=-3 * k), text="recall", crisis_terms=["recall"]
            )
        s.flush()
        got = dry_run(s, r, start, NOW)
        summary = [(i["key"], i["mentions"]) for i in got["incidents"]]
        assert summary == [
            ("story:term:data breach", 3),
            ("story:term:recall", 1),
            ("story:term:recall", 1),
        ]
        first = got["incidents"][0]
        assert first["value"] == 3
        assert timedelta(hours=2) <= first["resolved_at"] - first["at"] <= timedelta(hours=3)
