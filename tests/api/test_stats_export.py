"""GET /api/v1/stats/volume, /api/v1/stats/share-of-voice and the streamed /api/v1/export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

from tests.factories import mention, mentions


def ingest(api, items: list[dict]) -> list[int]:
    resp = api.as_("manager").post("/api/v1/ingest", json={"mentions": items})
    assert resp.status_code == 200, resp.text
    return resp.json()["ids"]


def label(api, ids: list[int], value: str) -> None:
    resp = api.as_("agent").patch(
        "/api/v1/mentions", json={"ids": ids, "changes": {"sentiment": {"label": value}}}
    )
    assert resp.status_code == 200, resp.text


def seeded(api, engine, spec: list[tuple[str, str, str | None]]) -> list[int]:
    """Mentions ``(published_at, label, brand)`` with exactly those labels (``unscored`` set in SQL)."""
    ids = ingest(api, [mention(i, published_at=t, brand=b) for i, (t, _, b) in enumerate(spec)])
    for value in ("positive", "negative", "neutral"):
        chosen = [i for i, (_, lab, _) in zip(ids, spec, strict=True) if lab == value]
        if chosen:
            label(api, chosen, value)
    unscored = [i for i, (_, lab, _) in zip(ids, spec, strict=True) if lab == "unscored"]
    with engine.begin() as conn:
        for i in unscored:
            conn.execute(
                text("UPDATE mention SET sentiment_label = 'unscored', sentiment_score = NULL WHERE id = :i"),
                {"i": i},
            )
    return ids


def bucket(at: str, pos=0, neg=0, neu=0, uns=0) -> dict:  # type: ignore[no-untyped-def]
    return {
        "bucket": at,
        "total": pos + neg + neu + uns,
        "positive": pos,
        "negative": neg,
        "neutral": neu,
        "unscored": uns,
    }


def volume(api, **params) -> dict:
    resp = api.as_("viewer").get("/api/v1/stats/volume", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


HOURLY = [
    ("2026-11-10T09:59:59+00:00", "positive", "Acme"),  # before the window
    ("2026-11-10T10:05:00+00:00", "positive", "Acme"),
    ("2026-11-10T10:20:00+00:00", "negative", "Acme"),
    ("2026-11-10T10:40:00+00:00", "negative", "Globex"),
    ("2026-11-10T16:15:00+03:00", "neutral", "Acme"),  # 13:15 UTC
    ("2026-11-10T13:59:59+00:00", "unscored", "Acme"),
    ("2026-11-10T15:00:00+00:00", "negative", "Acme"),
    ("2026-11-10T16:00:00+00:00", "positive", "Acme"),  # until is exclusive
]


def test_hourly_volume_zero_fills_gaps_and_counts_labels(api, acme, engine):
    seeded(api, engine, HOURLY)
    out = volume(api, interval="hour", since="2026-11-10T10:00:00Z", until="2026-11-10T16:00:00Z")
    assert out["interval"] == "hour"
    assert out["buckets"] == [
        bucket("2026-11-10T10:00:00Z", pos=1, neg=2),
        bucket("2026-11-10T11:00:00Z"),
        bucket("2026-11-10T12:00:00Z"),
        bucket("2026-11-10T13:00:00Z", neu=1, uns=1),
        bucket("2026-11-10T14:00:00Z"),
        bucket("2026-11-10T15:00:00Z", neg=1),
    ]


def test_volume_applies_feed_filters_and_an_unaligned_since(api, acme, engine):
    seeded(api, engine, HOURLY)
    window = {"interval": "hour", "since": "2026-11-10T10:00:00Z", "until": "2026-11-10T12:00:00Z"}
    only_acme = volume(api, **window, brand="Acme")["buckets"]
    assert only_acme == [bucket("2026-11-10T10:00:00Z", pos=1, neg=1), bucket("2026-11-10T11:00:00Z")]
    negative = volume(api, **window, sentiment="negative")["buckets"]
    assert [b["total"] for b in negative] == [2, 0]
    late = volume(api, **{**window, "since": "2026-11-10T10:15:00Z"})["buckets"]
    assert late[0] == bucket("2026-11-10T10:00:00Z", neg=2), "the first bucket counts from since on"


def test_daily_volume_buckets_by_utc_day(api, acme, engine):
    seeded(
        api,
        engine,
        [
            ("2026-11-08T00:00:00+00:00", "positive", "Acme"),
            ("2026-11-10T01:30:00+03:00", "negative", "Acme"),  # 2026-11-09 22:30 UTC
            ("2026-11-10T08:00:00+00:00", "neutral", "Acme"),
            ("2026-11-10T23:59:59+00:00", "neutral", "Acme"),
            ("2026-11-12T12:00:00-05:00", "positive", "Acme"),  # 17:00 UTC
            ("2026-11-13T00:00:00+00:00", "positive", "Acme"),
        ],
    )
    out = volume(api, interval="day", since="2026-11-08T00:00:00Z", until="2026-11-13T00:00:00Z")
    assert out["buckets"] == [
        bucket("2026-11-08T00:00:00Z", pos=1),
        bucket("2026-11-09T00:00:00Z", neg=1),
        bucket("2026-11-10T00:00:00Z", neu=2),
        bucket("2026-11-11T00:00:00Z"),
        bucket("2026-11-12T00:00:00Z", pos=1),
    ]


def test_volume_rejects_bad_interval_and_too_many_buckets(api):
    resp = api.as_("viewer").get("/api/v1/stats/volume", params={"interval": "minute"})
    assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_error"
    resp = api.client.get(
        "/api/v1/stats/volume", params={"since": "2020-01-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}
    )
    assert resp.status_code == 422 and "too many buckets" in resp.json()["error"]["message"]


def test_share_of_voice_counts_own_vs_competitors(api, acme, engine):
    t = "2026-11-10T12:00:00+00:00"
    api.as_("manager").post("/api/v1/brands", json={"name": "Umbrella"})
    spec = (
        [(t, "positive", "Acme")] * 4
        + [(t, "negative", "Acme")] * 2
        + [(t, "neutral", "Globex")] * 3
        + [(t, "negative", "Initech")]
        + [(t, "positive", "Umbrella")] * 2  # not a competitor of Acme
        + [(t, "positive", None)]
        + [("2026-10-01T12:00:00+00:00", "positive", "Globex")]  # outside the window
    )
    seeded(api, engine, spec)
    window = {"since": "2026-11-01T00:00:00Z", "until": "2026-11-20T00:00:00Z"}
    for brand in ("Acme", "acme", str(acme["id"])):
        resp = api.as_("viewer").get("/api/v1/stats/share-of-voice", params={"brand": brand, **window})
        assert resp.status_code == 200, resp.text
        out = resp.json()
        assert out["brand"] == "Acme" and out["total"] == 10
        rows = {b["brand"]: b for b in out["brands"]}
        assert list(rows) == ["Acme", "Globex", "Initech"]
        assert [(b["role"], b["mentions"], b["share"]) for b in rows.values()] == [
            ("own", 6, 0.6),
            ("competitor", 3, 0.3),
            ("competitor", 1, 0.1),
        ]
        assert sum(b["share"] for b in out["brands"]) == pytest.approx(1.0)
        assert (rows["Acme"]["positive"], rows["Acme"]["negative"], rows["Acme"]["neutral"]) == (4, 2, 0)
        assert (rows["Globex"]["neutral"], rows["Initech"]["negative"]) == (3, 1)


def test_share_of_voice_with_no_mentions_and_unknown_brand(api, acme):
    resp = api.as_("viewer").get(
        "/api/v1/stats/share-of-voice",
        params={"brand": "Acme", "since": "2026-11-01T00:00:00Z", "until": "2026-11-02T00:00:00Z"},
    )
    assert resp.status_code == 200 and resp.json()["total"] == 0
    assert [b["share"] for b in resp.json()["brands"]] == [0.0, 0.0, 0.0]
    for params in ({"brand": "Nope"}, {}):
        resp = api.client.get("/api/v1/stats/share-of-voice", params=params)
        assert resp.status_code == 422 and resp.json()["error"]["code"] == "validation_error"


def export(api, **params):  # type: ignore[no-untyped-def]
    resp = api.as_("viewer").get("/api/v1/export", params=params)
    assert resp.status_code == 200, resp.text
    return resp


def test_jsonl_export_streams_every_row_across_pages(api, acme):
    ids = ingest(api, mentions(1000)) + ingest(api, mentions(5, start=1000))
    resp = export(api, format="jsonl")
    assert resp.headers["content-type"].startswith("application/x-ndjson")
    assert resp.headers["content-disposition"] == 'attachment; filename="mentions.jsonl"'
    records = [json.loads(line) for line in resp.text.splitlines()]
    assert len(records) == 1005 and sorted(r["id"] for r in records) == sorted(ids)
    assert [r["id"] for r in records[:3]] == sorted(ids, reverse=True)[:3], "newest first"
    first = records[-1]
    assert first["external_id"] == "tw-0" and first["brand"] == "Acme" and first["published_at"].endswith("Z")
    assert first["author"] == {"handle": "user0", "name": "User 0", "reach": 100}
    assert first["sentiment"]["label"] in ("positive", "negative", "neutral", "unscored")


def test_csv_export_has_header_and_quotes_awkward_text(api, acme):
    awkward = 'He said "no", then left;\nsecond line, with commas'
    ids = ingest(api, [mention(1, text=awkward), mention(2, platform="reddit"), mention(3)])
    api.as_("agent").patch(f"/api/v1/mentions/{ids[0]}", json={"tags": ["vip", "refund"]})
    resp = export(api, format="csv")
    assert resp.headers["content-type"].startswith("text/csv")
    assert resp.headers["content-disposition"] == 'attachment; filename="mentions.csv"'
    rows = list(csv.reader(io.StringIO(resp.text)))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["id", "platform", "external_id", "brand"]
    assert {"text", "sentiment_label", "sentiment_score", "tags", "status", "author_reach"} <= set(header)
    assert len(body) == 3
    by_id = {int(r[0]): dict(zip(header, r, strict=True)) for r in body}
    assert by_id[ids[0]]["text"] == awkward and by_id[ids[0]]["tags"] == "vip;refund"
    assert by_id[ids[1]]["platform"] == "reddit" and by_id[ids[2]]["assignee"] == ""


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_applies_filters(api, acme, fmt):
    ids = ingest(
        api, [*mentions(4), *mentions(3, start=10, platform="reddit"), mention(20, text="refund please")]
    )
    resp = export(api, format=fmt, platform="reddit")
    lines = resp.text.splitlines()[1:] if fmt == "csv" else resp.text.splitlines()
    assert len(lines) == 3 and all("reddit" in line for line in lines)
    got = export(api, format=fmt, q="refund").text.splitlines()
    assert len(got) == (2 if fmt == "csv" else 1) and str(ids[-1]) in got[-1]
    empty = export(api, format=fmt, platform="nowhere").text
    assert empty == ("" if fmt == "jsonl" else empty.splitlines()[0] + "\r\n")


def test_export_rejects_bad_format_and_bad_filters(api, client):
    for params in ({"format": "xml"}, {"status": "done"}, {"format": "csv", "limit": "x", "min_reach": -1}):
        resp = api.as_("viewer").get("/api/v1/export", params=params)
        assert resp.status_code == 422, params
        assert set(resp.json()["error"]) == {"code", "message", "details"}
    client.headers.pop("Authorization")
    assert client.get("/api/v1/export").status_code == 401
