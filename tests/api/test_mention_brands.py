"""A mention is linked to every brand whose query it matches; each link counts for share of voice."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from alerts.base import Scope
from alerts.rules.mentions import FrequencyParams
from collectors.http import make_client
from listener.engine.window import build_window
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Brand, Mention, MentionBrand, Source
from tests.factories import rss_of
from tests.worker.feed_server import Answer, FeedServer, add_source, claim_and_run

NOW = datetime.now(UTC).replace(microsecond=0)
ITEMS = [
    ("both", "Acme delivered in a day, Globex took a week"),
    ("globex", "Globex support fixed my router"),
    ("acme", "Acme lost my parcel again"),
    ("none", "Lovely weather in Istanbul today"),
]


def rss() -> bytes:
    return rss_of([(g, text, NOW - timedelta(hours=1, minutes=i)) for i, (g, text) in enumerate(ITEMS)])


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    yield srv
    srv.close()


@pytest.fixture
def http(settings) -> Iterator[httpx.Client]:  # type: ignore[no-untyped-def]
    with make_client(settings.model_copy(update={"http_timeout": 5.0})) as c:
        yield c


@pytest.fixture
def sessions(engine) -> sessionmaker[Session]:  # type: ignore[no-untyped-def]
    return make_session_factory(engine)


@pytest.fixture
def collected(api, acme, server, sessions, settings, http) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Acme (own query) and Globex (competitor query) listened for; one run of a news feed whose
    first item names both. Returns ``{external_id: mention id}`` plus the source id under ``_source``."""
    ids = {b["name"]: b["id"] for b in api.as_("manager").get("/api/v1/brands").json()}
    for brand, expression, role in (("Globex", "globex", "competitor"), ("Acme", "acme", "own")):
        body = {"brand_id": ids[brand], "name": brand.lower(), "expression": expression, "role": role}
        assert api.client.post("/api/v1/queries", json=body).status_code == 201
    server.answers["/f.xml"] = Answer(body=rss())
    sid = add_source(sessions, server.url("/f.xml"))
    result = claim_and_run(sessions, settings, http, sid, NOW)
    assert (result.created, result.unmatched, result.error) == (3, 1, None)
    with session_scope(sessions) as s:
        out = {e: i for e, i in s.execute(select(Mention.external_id, Mention.id))}
    return {**out, "_source": sid}


def feed(api, **params) -> list[dict]:  # type: ignore[no-untyped-def]
    resp = api.as_("viewer").get("/api/v1/mentions", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["items"]


def test_a_mention_matching_two_brands_is_stored_once_and_in_both_feeds(api, collected):
    assert sorted(m["external_id"] for m in feed(api)) == ["acme", "both", "globex"]
    assert [m["external_id"] for m in feed(api, brand="Acme")] == ["both", "acme"]
    assert [m["external_id"] for m in feed(api, brand="Globex")] == ["both", "globex"]
    both = next(m for m in feed(api, brand="Globex") if m["external_id"] == "both")
    assert (both["brand"], both["brands"]) == ("Acme", ["Acme", "Globex"]), "own-brand query first"
    one = api.client.get(f"/api/v1/mentions/{collected['both']}").json()
    assert one["brands"] == ["Acme", "Globex"]
    only = api.client.get(f"/api/v1/mentions/{collected['globex']}").json()
    assert (only["brand"], only["brands"]) == ("Globex", ["Globex"])


def test_brand_feed_pages_merge_primary_and_extra_links_in_order(api, collected):
    first = api.as_("viewer").get("/api/v1/mentions", params={"brand": "Globex", "limit": 1}).json()
    assert [m["external_id"] for m in first["items"]] == ["both"] and first["next_cursor"]
    rest = api.client.get(
        "/api/v1/mentions", params={"brand": "Globex", "limit": 1, "cursor": first["next_cursor"]}
    ).json()
    assert [m["external_id"] for m in rest["items"]] == ["globex"] and rest["next_cursor"] is None


def test_share_of_voice_counts_a_mention_for_every_brand_it_names(api, collected):
    resp = api.as_("viewer").get(
        "/api/v1/stats/share-of-voice",
        params={"brand": "Acme", "since": (NOW - timedelta(days=1)).isoformat(), "until": NOW.isoformat()},
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    mentions = {b["brand"]: b["mentions"] for b in body["brands"]}
    assert mentions == {"Acme": 2, "Globex": 2, "Initech": 0}
    assert body["total"] == 4 and {b["brand"]: b["share"] for b in body["brands"]}["Globex"] == 0.5


def test_collecting_the_same_mentions_again_adds_no_links(collected, sessions, settings, http):
    with session_scope(sessions) as s:  # forget the cursor: the whole feed comes again
        s.get(Source, collected["_source"]).cursor = None
    again = claim_and_run(sessions, settings, http, collected["_source"], NOW + timedelta(hours=2))
    assert (again.created, again.duplicates, again.error) == (0, 3, None)
    with session_scope(sessions) as s:
        assert s.scalar(select(func.count()).select_from(Mention)) == 3
        assert s.execute(select(MentionBrand.mention_id, MentionBrand.brand_id)).all() == [
            (collected["both"], s.scalar(select(Brand.id).where(Brand.name == "Globex")))
        ]


def test_deleting_the_primary_brand_keeps_the_mention_under_its_other_brand(api, collected):
    acme_id = next(b["id"] for b in api.as_("manager").get("/api/v1/brands").json() if b["name"] == "Acme")
    assert api.client.delete(f"/api/v1/brands/{acme_id}").status_code == 204
    both = api.client.get(f"/api/v1/mentions/{collected['both']}").json()
    assert (both["brand"], both["brands"]) == ("Globex", ["Globex"])
    assert [m["external_id"] for m in feed(api, brand="Globex")] == ["both", "globex"]
    acme_only = api.client.get(f"/api/v1/mentions/{collected['acme']}").json()
    assert (acme_only["brand"], acme_only["brands"]) == (None, [])


def test_deleting_the_other_brand_keeps_the_mention_under_its_primary(api, collected):
    brands = {b["name"]: b["id"] for b in api.as_("manager").get("/api/v1/brands").json()}
    assert api.client.delete(f"/api/v1/brands/{brands['Globex']}").status_code == 204
    both = api.client.get(f"/api/v1/mentions/{collected['both']}").json()
    assert (both["brand"], both["brands"]) == ("Acme", ["Acme"])
    assert [m["external_id"] for m in feed(api, brand="Acme")] == ["both", "acme"]


def test_a_brand_scoped_alert_window_sees_mentions_linked_to_the_brand(api, collected, sessions):
    with session_scope(sessions) as s:
        globex = s.scalar(select(Brand.id).where(Brand.name == "Globex"))
        params = FrequencyParams(scope=Scope(brand_ids=[globex]), window_minutes=24 * 60)
        window = build_window(s, "frequency", params, NOW)
        assert sorted(m.id for m in window.mentions) == sorted([collected["both"], collected["globex"]])
        assert {m.brand_id for m in window.mentions} == {globex}
        pushed = build_window(s, "frequency", params, NOW, mention_ids=[collected["both"], collected["acme"]])
        assert [m.id for m in pushed.mentions] == [collected["both"]]


def test_push_ingest_links_further_brands_and_refuses_unknown_ones(api, acme):
    item = {"platform": "web", "text": "Acme or Initech?", "published_at": NOW.isoformat()}
    bad = api.as_("manager").post(
        "/api/v1/ingest",
        json={"mentions": [{**item, "external_id": "x", "brand": "Acme", "brands": ["Initech", "Hooli"]}]},
    )
    assert bad.status_code == 422
    assert [(d["index"], d["field"]) for d in bad.json()["error"]["details"]] == [(0, "brands.1")]
    assert feed(api) == []
    resp = api.as_("manager").post(
        "/api/v1/ingest",
        json={
            "mentions": [
                {**item, "external_id": "1", "brand": "acme", "brands": ["Initech", "Acme"]},
                {**item, "external_id": "2", "brands": ["Initech"]},
                {**item, "external_id": "3", "brand": "Acme"},
            ]
        },
    )
    assert resp.status_code == 200 and resp.json()["created"] == 3, resp.text
    got = {m["external_id"]: (m["brand"], m["brands"]) for m in feed(api)}
    assert got == {
        "1": ("Acme", ["Acme", "Initech"]),
        "2": ("Initech", ["Initech"]),
        "3": ("Acme", ["Acme"]),
    }
    assert sorted(m["external_id"] for m in feed(api, brand="Initech")) == ["1", "2"]


def test_brand_feed_walks_interleaved_primary_and_extra_links_page_by_page(api, acme, sessions):
    # Globex is the primary brand of g*, an extra brand of a* (primary Acme); times interleave
    items = [
        {
            "platform": "web",
            "external_id": f"{kind}{i}",
            "text": "Acme and Globex",
            "published_at": (NOW - timedelta(minutes=10 * i + (5 if kind == "a" else 0))).isoformat(),
            **({"brand": "Globex"} if kind == "g" else {"brand": "Acme", "brands": ["Globex"]}),
        }
        for i in range(4)
        for kind in ("g", "a")
    ]
    assert api.as_("manager").post("/api/v1/ingest", json={"mentions": items}).status_code == 200
    seen, cursor = [], None
    while True:
        params = {"brand": "Globex", "limit": 3, **({"cursor": cursor} if cursor else {})}
        page = api.as_("viewer").get("/api/v1/mentions", params=params).json()
        seen += [m["external_id"] for m in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert seen == ["g0", "a0", "g1", "a1", "g2", "a2", "g3", "a3"]
    assert [m["external_id"] for m in feed(api, brand="Acme")] == ["a0", "a1", "a2", "a3"]


def test_a_feed_for_several_brands_lists_a_mention_once(api, acme, sessions):
    from listener.storage.mentions import MentionFilter, feed_page

    item = {"platform": "web", "text": "Initech, Acme, Globex", "published_at": NOW.isoformat()}
    body = {"mentions": [{**item, "external_id": "1", "brand": "Initech", "brands": ["Acme", "Globex"]}]}
    assert api.as_("manager").post("/api/v1/ingest", json=body).status_code == 200
    with session_scope(sessions) as s:
        ids = [i for (i,) in s.execute(select(Brand.id).where(Brand.name.in_(["Acme", "Globex"])))]
        rows, after = feed_page(s, MentionFilter(brand_ids=ids), after=None, limit=10)
        assert [m.external_id for m in rows] == ["1"] and after is None


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_lists_every_linked_brand_and_reimports_them(api, collected, sessions, fmt):
    import io

    from listener.pipeline import importing
    from listener.storage.models import MentionBrand as Link

    body = api.as_("viewer").get("/api/v1/export", params={"format": fmt}).text
    records = list(importing.read_records(io.StringIO(body), fmt))
    both = next(r for _, r in records if isinstance(r, dict) and r["external_id"] == "both")
    assert both["brands"] == ["Acme", "Globex"]
    with session_scope(sessions) as s:  # forget the mentions, keep the brands: import them back
        s.execute(Link.__table__.delete())
        s.execute(Mention.__table__.delete())
    report = importing.import_stream(sessions, records, settings=Settings(_env_file=None))
    assert (report.created, report.invalid) == (3, 0), report.problems
    again = next(m for m in feed(api, brand="Globex") if m["external_id"] == "both")
    assert (again["brand"], again["brands"]) == ("Acme", ["Acme", "Globex"])


def test_reanalysing_a_brand_covers_the_mentions_linked_to_it(api, collected, sessions):
    from listener.pipeline import reanalysis

    with session_scope(sessions) as s:
        globex = s.scalar(select(Brand.id).where(Brand.name == "Globex"))
        assert reanalysis.count(s, brand_id=globex) == 2  # its own mention and the one naming both
    report = reanalysis.reanalyze(sessions, brand_id=globex)
    assert report.mentions == 2
