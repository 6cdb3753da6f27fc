"""Hostile and broken feeds end to end: real HTTP on 127.0.0.1, the real rss collector and
``run_source``, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from listener.cli import app
from listener.storage.db import session_scope
from listener.storage.models import Brand, Mention, Query
from listener.worker.collection import run_source
from tests.factories import rss_of
from tests.worker.feed_server import (  # noqa: F401 - fixtures used by name
    Answer,
    FeedServer,
    add_source,
    claim,
    claim_and_run,
    client,
    load,
    server,
    sessions,
)

WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
HOSTILE_LINKS = [
    "javascript:alert(document.cookie)",
    " JaVaScRiPt:alert(1)",
    "java&#x09;script:alert(1)",  # a tab once the XML entity is decoded
    "&amp;#106;avascript:alert(1)",  # entity-encoded for the browser
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "https:evil.example",  # no host
]


def feed_with_links(links: list[str]) -> bytes:
    items = "".join(
        f"<item><title>story {i}</title><link>{link}</link><guid>hostile-{i}</guid>"
        f"<pubDate>{format_datetime(WHEN + timedelta(minutes=i))}</pubDate>"
        f"<description>Acme story {i} with a link</description></item>"
        for i, link in enumerate(links)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://news.example.test/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def test_rss_links_that_are_not_http_are_never_stored(server: FeedServer, sessions, settings, client):  # noqa: F811
    links = [*HOSTILE_LINKS, "https://news.example.test/fine?utm_source=x"]
    server.answers["/f.xml"] = Answer(body=feed_with_links(links))
    sid = add_source(sessions, server.url("/f.xml"))

    result = claim_and_run(sessions, settings, client, sid, datetime.now(UTC))

    assert (result.created, result.error) == (len(links), None)
    with session_scope(sessions) as s:
        rows = dict(s.execute(select(Mention.external_id, Mention.url)).all())
        texts = list(s.scalars(select(Mention.text)))
    assert rows == {f"hostile-{i}": None for i in range(len(HOSTILE_LINKS))} | {
        f"hostile-{len(HOSTILE_LINKS)}": "https://news.example.test/fine"
    }
    assert all(t.startswith("Acme story") for t in texts), "the text stays"


# --- a body cut in half is a failed run; nothing is lost once the fault clears ------------------------


def atom_feed(count: int) -> bytes:
    entries = "".join(
        f"<entry><id>urn:acme:{i}</id><title>Acme entry {i}</title>"
        f'<link href="https://blog.example.test/{i}"/>'
        f"<updated>{(WHEN + timedelta(minutes=i)).isoformat()}</updated>"
        f"<author><name>Writer {i}</name><email>writer{i}@blog.example.test</email></author>"
        f'<content type="html">&lt;p&gt;Acme delivered parcel {i} late.&lt;/p&gt;</content></entry>'
        for i in reversed(range(count))
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>urn:acme</id><title>Acme blog</title><updated>{WHEN.isoformat()}</updated>{entries}</feed>"
    ).encode()


def rss_feed(count: int) -> bytes:
    items = "".join(
        f"<item><title>Acme item {i}</title><link>https://news.example.test/{i}</link><guid>rss-{i}</guid>"
        f"<pubDate>{format_datetime(WHEN + timedelta(minutes=i))}</pubDate>"
        f"<author>reporter{i}@news.example.test (Reporter {i})</author>"
        f"<description>Acme shipped order {i} late &amp; nobody called.</description></item>"
        for i in reversed(range(count))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>t</title>'
        f"<link>https://news.example.test/</link><description>d</description>{items}</channel></rss>"
    ).encode()


def stored_ids(sessions) -> list[str]:  # noqa: F811
    with session_scope(sessions) as s:
        return sorted(s.scalars(select(Mention.external_id)))


@pytest.mark.parametrize(("make", "prefix"), [(rss_feed, "rss-"), (atom_feed, "urn:acme:")])
def test_a_feed_cut_in_half_stores_nothing_and_every_entry_once_after_the_fault_clears(
    server: FeedServer,  # noqa: F811
    sessions,  # noqa: F811
    settings,
    client,  # noqa: F811
    make,
    prefix: str,
) -> None:
    headers = {"Content-Type": "application/xml", "ETag": '"v2"'}
    server.answers["/f.xml"] = Answer(body=make(3), headers={**headers, "ETag": '"v1"'})
    sid = add_source(sessions, server.url("/f.xml"))
    now = datetime.now(UTC)
    first = claim_and_run(sessions, settings, client, sid, now)
    assert (first.created, first.error) == (3, None)
    established = load(sessions, sid).cursor
    assert json.loads(established)["feeds"][server.url("/f.xml")]["etag"] == '"v1"'

    whole = make(7)
    server.answers["/f.xml"] = Answer(body=whole[: len(whole) // 2], headers=headers)
    cut = claim_and_run(sessions, settings, client, sid, now + timedelta(hours=1))

    src = load(sessions, sid)
    assert cut.created == 0 and "truncated" in (cut.error or "")
    assert src.cursor == established, "neither the ETag nor the newest-entry cursor moved"
    assert src.status == "backoff" and src.consecutive_failures == 1
    assert "Acme" not in src.last_error and "<" not in src.last_error, "the body is not echoed"
    assert stored_ids(sessions) == sorted(f"{prefix}{i}" for i in range(3))

    server.answers["/f.xml"] = Answer(body=whole, headers=headers)
    healed = claim_and_run(sessions, settings, client, sid, src.next_run_at)
    again = claim_and_run(sessions, settings, client, sid, load(sessions, sid).next_run_at)

    assert (healed.created, healed.error, again.created) == (4, None, 0)
    assert stored_ids(sessions) == sorted(f"{prefix}{i}" for i in range(7)), "each entry exactly once"
    assert load(sessions, sid).status == "ok"
    with session_scope(sessions) as s:
        handles = set(s.scalars(select(Mention.author_handle)))
    assert handles == {
        f"{'reporter' if prefix == 'rss-' else 'writer'}{i}@"
        + ("news.example.test" if prefix == "rss-" else "blog.example.test")
        for i in range(7)
    }


# --- honest counts -----------------------------------------------------------------------------------


def test_sources_count_items_seen_stored_unmatched_and_duplicates(
    server: FeedServer,  # noqa: F811
    sessions,  # noqa: F811
    settings,
    client,  # noqa: F811
    db_url: str,
) -> None:
    with session_scope(sessions) as s:
        acme = Brand(name="Acme", aliases=[], products=[], lexicon={})
        s.add(acme)
        s.flush()
        s.add(Query(brand_id=acme.id, name="acme", expression="acme", role="own"))
    items = [
        ("a1", "Acme lost my parcel"),
        ("a2", "Acme refunded me"),
        ("n1", "Nice weather"),
        ("a3", "acme!"),
    ]
    server.answers["/f.xml"] = Answer(
        body=rss_of([(g, t, WHEN + timedelta(minutes=i)) for i, (g, t) in enumerate(items)])
    )
    first = add_source(sessions, server.url("/f.xml"), name="first")
    second = add_source(sessions, server.url("/f.xml"), name="second")  # the same feed again
    now = datetime.now(UTC)
    assert claim(sessions, now) == [first, second]
    for sid in (first, second):
        run_source(sessions, settings, client, sid, worker="w1", now=now)

    counts = {
        sid: (src.items_seen, src.mentions_collected, src.items_unmatched, src.items_duplicate)
        for sid in (first, second)
        for src in [load(sessions, sid)]
    }
    assert counts == {first: (4, 3, 1, 0), second: (4, 0, 1, 3)}
    out = CliRunner().invoke(app, ["sources"], env={"LISTENER_DATABASE_URL": db_url})
    assert out.exit_code == 0, out.output
    header, *rows = out.stdout.splitlines()  # logs go to stderr
    assert header.split()[-7:] == ["seen", "stored", "no", "query", "dupes", "rate", "left"]
    assert rows[0].split()[-5:-1] == ["4", "3", "1", "0"] and rows[1].split()[-5:-1] == ["4", "0", "1", "3"]
