"""Collected mentions are linked to brands by their queries; unmatched ones are not stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from listener.pipeline.matching import BrandRouter
from listener.storage.db import session_scope
from listener.storage.models import Brand, Mention, Query
from tests.factories import rss_of
from tests.worker.feed_server import (  # noqa: F401 - fixtures used by name
    Answer,
    FeedServer,
    add_source,
    claim_and_run,
    client,
    server,
    sessions,
)

ITEMS = [
    ("a1", "Acme lost my parcel again, third time this month"),
    ("a2", "Acme is hiring warehouse staff in Leeds"),
    ("g1", "Globex support fixed my router in ten minutes"),
    ("n1", "Lovely weather in Istanbul today"),
    ("t1", "İSTANBUL'daki ACME mağazası kapalıydı"),
]


def _feed() -> bytes:
    when = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    return rss_of([(guid, text, when + timedelta(minutes=i)) for i, (guid, text) in enumerate(ITEMS)])


def _brands(sessions) -> None:  # noqa: F811  # type: ignore[no-untyped-def]
    with session_scope(sessions) as s:
        acme = Brand(name="Acme", aliases=[], products=[], lexicon={})
        globex = Brand(name="Globex", aliases=[], products=[], lexicon={})
        s.add_all([acme, globex])
        s.flush()
        s.add(Query(brand_id=acme.id, name="acme", expression="acme AND NOT (hiring OR job*)", role="own"))
        s.add(Query(brand_id=globex.id, name="globex", expression="globex", role="competitor"))


def test_collection_links_brands_and_drops_unmatched(server: FeedServer, sessions, settings, client):  # noqa: F811
    _brands(sessions)
    server.answers["/f.xml"] = Answer(body=_feed())
    sid = add_source(sessions, server.url("/f.xml"))
    result = claim_and_run(sessions, settings, client, sid, datetime.now(UTC))
    assert (result.created, result.unmatched, result.error) == (3, 2, None)
    with session_scope(sessions) as s:
        rows = s.execute(
            select(Mention.external_id, Brand.name)
            .join(Brand, Brand.id == Mention.brand_id)
            .order_by(Mention.id)
        ).all()
    assert sorted(rows) == [("a1", "Acme"), ("g1", "Globex"), ("t1", "Acme")], "Turkish İ folds to i"


def test_without_any_query_everything_is_kept_unlinked():
    routed = BrandRouter([]).route([{"text": "anything"}])
    assert routed.unmatched == 0 and routed.items == [{"text": "anything"}]


def test_route_names_every_matching_brand_own_queries_first():
    # priority order is the order given: BrandRouter.load puts own-brand queries before competitor ones
    router = BrandRouter([("Acme", "acme"), ("Globex", "globex OR gadget*"), ("Initech", "initech")])
    routed = router.route(
        [{"text": "Globex gadgets beat Acme"}, {"text": "only globex here"}, {"text": "nothing at all"}]
    )
    assert routed.unmatched == 1
    assert [(i["brand"], i["brands"]) for i in routed.items] == [
        ("Acme", ["Acme", "Globex"]),
        ("Globex", ["Globex"]),
    ]


def test_load_orders_own_brand_queries_before_competitor_ones(sessions):  # noqa: F811
    with session_scope(sessions) as s:
        acme, globex = Brand(name="Acme"), Brand(name="Globex")
        s.add_all([acme, globex])
        s.flush()
        # the competitor query is older (lower id) but still ranks after the own-brand one
        s.add(Query(brand_id=globex.id, name="g", expression="globex", role="competitor"))
        s.flush()
        s.add(Query(brand_id=acme.id, name="a", expression="acme", role="own"))
    with session_scope(sessions) as s:
        routed = BrandRouter.load(s).route([{"text": "Globex or Acme?"}])
    assert [(i["brand"], i["brands"]) for i in routed.items] == [("Acme", ["Acme", "Globex"])]


def test_lang_field_sees_the_detected_language(server: FeedServer, sessions, settings, client):  # noqa: F811
    """An RSS feed says nothing about language; ``lang:tr`` matches the Turkish item (stored as
    ``tr``) and not the English one with the same word."""
    with session_scope(sessions) as s:
        acme = Brand(name="Acme", aliases=[], products=[], lexicon={})
        s.add(acme)
        s.flush()
        s.add(Query(brand_id=acme.id, name="tr kargo", expression="lang:tr kargo*", role="own"))
    when = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    items = [
        ("tr1", "Kargom hâlâ gelmedi, Acme müşteri hizmetleri bir haftadır cevap vermiyor", when),
        ("en1", "The Acme kargo pants are great and the fit is really good for hiking", when),
    ]
    server.answers["/tr.xml"] = Answer(body=rss_of(items))
    sid = add_source(sessions, server.url("/tr.xml"))
    result = claim_and_run(sessions, settings, client, sid, datetime.now(UTC))
    assert (result.created, result.unmatched, result.error) == (1, 1, None)
    with session_scope(sessions) as s:
        rows = s.execute(select(Mention.external_id, Mention.language, Mention.language_hint)).all()
    assert rows == [("tr1", "tr", None)]
