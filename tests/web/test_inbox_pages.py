"""The inbox, mention page, approvals and management screens over HTTP, signed in as people of each
role, on SQLite and PostgreSQL: filters, bulk actions, saved searches, the reply workflow with the
four-eyes rule, duplicates, arrivals, escaping, and the role check on every action."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from listener.people import find_user, update_user
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Mention
from listener.storage.people_models import SavedSearch
from listener.storage.reply_models import Reply
from tests.web.conftest import email_of, seed_users
from tests.web.inbox_seed import XSS, client, seed, shown, sign_in


@pytest.fixture
def seeded(engine: Engine) -> Iterator[tuple[Engine, dict[str, int]]]:
    sessions = make_session_factory(engine)
    seed_users(sessions)
    with session_scope(sessions) as s:
        ids = seed(s)
    yield engine, ids


def _mention(engine: Engine, mention_id: int) -> Mention:
    with session_scope(make_session_factory(engine)) as s:
        m = s.get(Mention, mention_id)
        s.expunge(m)
        return m


def test_every_filter_narrows_the_inbox_and_duplicates_collapse(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    c = client(engine)
    sign_in(c, "viewer")
    everything = shown(c.get("/inbox").text)
    assert ids["tw-3"] not in everything  # the near-duplicate copy is collapsed into tw-1
    assert set(everything) == {ids[k] for k in ("tw-1", "tw-2", "tw-4", "tw-5", "tw-6")}
    page = c.get("/inbox").text
    assert 'data-copies="1"' in page
    assert ids["tw-3"] in shown(c.get("/inbox?dups=show").text)
    assert shown(c.get("/inbox?platform=reddit").text) == [ids["tw-5"]]
    assert set(shown(c.get("/inbox?sentiment=positive").text)) == {ids["tw-2"]}
    assert shown(c.get("/inbox?q=delivery").text) == [ids["tw-4"]]
    assert ids["tw-4"] not in shown(c.get("/inbox?period=24h").text)  # three days old
    assert set(shown(c.get("/inbox?kind=review").text)) == set()
    assert shown(c.get("/inbox?min_reach=106").text) == [ids["tw-6"]]  # reach is 100 + i
    unknown = c.get("/inbox?incident=999")
    assert (
        unknown.status_code == 422 and "no incident with id 999" in unknown.text and shown(unknown.text) == []
    )
    bad = c.get("/inbox?status=done")
    assert bad.status_code == 422 and "unknown status" in bad.text and "<form" in bad.text
    assert shown(bad.text) == []
    too_long = c.get("/inbox?tag=" + "x" * 65)  # the API's bound (max_length 64) holds here too
    assert too_long.status_code == 422 and "tag is longer than 64 characters" in too_long.text
    assert shown(too_long.text) == []
    assert c.get("/inbox?q=" + "d" * 201).status_code == 422
    assert c.get("/inbox?tag=" + "x" * 64).status_code == 200


def test_agent_bulk_assigns_to_self_then_sees_it_under_assigned_to_me(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    c = client(engine)
    csrf = sign_in(c, "agent")
    chosen = [ids["tw-1"], ids["tw-5"]]
    r = c.post(
        "/inbox/bulk", data={"ids": chosen, "action": "assign_me", "csrf_token": csrf, "next": "/inbox"}
    )
    assert r.status_code == 303 and r.headers["location"] == "/inbox"
    assert "2 of 2 mention(s) changed." in c.get("/inbox").text
    assert set(shown(c.get("/inbox?mine=1").text)) == set(chosen)
    r = c.post(
        "/inbox/bulk", data={"ids": chosen, "action": "status", "value": "in_progress", "csrf_token": csrf}
    )
    assert _mention(engine, ids["tw-5"]).status == "in_progress"
    c.post("/inbox/bulk", data={"ids": chosen, "action": "add_tag", "value": "vip", "csrf_token": csrf})
    c.post(
        "/inbox/bulk",
        data={"ids": [ids["tw-5"]], "action": "sentiment", "value": "neutral", "csrf_token": csrf},
    )
    m = _mention(engine, ids["tw-5"])
    assert m.assignee == email_of("agent") and m.tags == ["vip"] and m.sentiment_label == "neutral"
    assert set(shown(c.get("/inbox?tag=vip").text)) == set(chosen)
    refused = c.post(
        "/inbox/bulk", data={"ids": chosen, "action": "status", "value": "done", "csrf_token": csrf}
    )
    assert refused.status_code == 303
    assert "Not changed" in c.get("/inbox").text
    no_token = c.post("/inbox/bulk", data={"ids": chosen, "action": "unassign"})
    assert no_token.status_code == 403 and _mention(engine, ids["tw-1"]).assignee == email_of("agent")


def test_a_viewer_sees_no_buttons_and_every_action_is_refused(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    c = client(engine)
    csrf = sign_in(c, "viewer")
    inbox = c.get("/inbox").text
    assert 'id="bulk"' not in inbox and 'name="ids"' not in inbox
    page = c.get(f"/mentions/{ids['tw-1']}").text.split("<main>")[1]
    assert "data-action" not in page and 'action="/mentions/' not in page and "<form" not in page
    for path, data in (
        ("/inbox/bulk", {"ids": [ids["tw-1"]], "action": "assign_me"}),
        (f"/mentions/{ids['tw-1']}/update", {"field": "status", "value": "resolved"}),
        (f"/mentions/{ids['tw-1']}/replies", {"text": "hello"}),
    ):
        assert c.post(path, data={**data, "csrf_token": csrf}).status_code == 403, path
    assert c.get("/approvals").status_code == 403
    for path in ("/manage/templates", "/manage/queries", "/manage/rules"):
        assert c.get(path).status_code == 403, path
    agent = client(engine)
    sign_in(agent, "agent")
    assert agent.get("/approvals").status_code == 403 and agent.get("/manage/rules").status_code == 403
    assert _mention(engine, ids["tw-1"]).status == "new"


def test_draft_approve_by_another_manager_then_mark_sent(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    mid = ids["tw-1"]
    manager = client(engine)
    m_csrf = sign_in(manager, "manager")
    r = manager.post(f"/mentions/{mid}/replies", data={"text": "Sorry, we are on it.", "csrf_token": m_csrf})
    assert r.status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        reply_id = s.scalars(select(Reply.id)).one()
    page = manager.get(f"/mentions/{mid}").text
    assert "You drafted this reply; another manager approves it." in page
    own = manager.post(f"/replies/{reply_id}/approve", data={"csrf_token": m_csrf})
    assert (
        own.status_code == 303 and "another manager must approve it" in manager.get(f"/mentions/{mid}").text
    )
    admin = client(engine)
    a_csrf = sign_in(admin, "admin")
    assert f'data-reply-id="{reply_id}"' in admin.get("/approvals").text
    r = admin.post(f"/replies/{reply_id}/approve", data={"csrf_token": a_csrf, "next": "/approvals"})
    assert r.headers["location"] == "/approvals"
    assert "Nothing awaits approval." in admin.get("/approvals").text
    agent = client(engine)
    g_csrf = sign_in(agent, "agent")
    bad = agent.post(f"/replies/{reply_id}/sent", data={"external_url": "javascript:x", "csrf_token": g_csrf})
    assert bad.status_code == 303 and "Not marked" in agent.get(f"/mentions/{mid}").text
    agent.post(
        f"/replies/{reply_id}/sent", data={"external_url": "https://x.com/acme/1", "csrf_token": g_csrf}
    )
    assert _mention(engine, mid).status == "replied"
    page = agent.get(f"/mentions/{mid}").text
    assert "This mention is answered; no reply is suggested." in page and "Draft this reply" not in page
    assert "reply_sent" in page and "reply_approved" in page  # the history
    card = agent.get("/inbox").text.split(f'data-mention-id="{mid}"')[1].split("</article>")[0]
    assert "Sorry, we are on it." in card and "Suggested reply" not in card


def test_an_agent_drafts_a_suggested_reply_signed_with_their_name(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    agent = client(engine)
    csrf = sign_in(agent, "agent")
    page = agent.get(f"/mentions/{ids['tw-5']}").text
    assert "Draft this reply" in page and 'data-template-id="' in page
    first = page.split('data-template-id="')[1]
    template_id = int(first.split('"')[0])
    offered = html.unescape(first.split('<p class="text">')[1].split("</p>")[0])
    r = agent.post(f"/mentions/{ids['tw-5']}/replies", data={"template_id": template_id, "csrf_token": csrf})
    assert r.status_code == 303
    with session_scope(make_session_factory(engine)) as s:
        reply = s.scalars(select(Reply)).one()
        assert reply.created_by == email_of("agent") and reply.template_id == template_id
        assert reply.text == offered and reply.status == "draft"
    assert _mention(engine, ids["tw-5"]).status == "in_progress"


def test_the_mention_page_shows_drivers_cluster_and_history_and_escapes(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    c = client(engine)
    csrf = sign_in(c, "agent")
    c.post(
        f"/mentions/{ids['tw-1']}/update", data={"field": "note", "value": f"call {XSS}", "csrf_token": csrf}
    )
    page = c.get(f"/mentions/{ids['tw-1']}").text
    assert 'id="sentiment"' in page and "<li><strong>" in page  # at least one driver term
    cluster = page.split('id="cluster"')[1]
    assert f'data-mention-id="{ids["tw-3"]}"' in cluster
    assert "&lt;script&gt;" in page and XSS not in page
    xss_page = c.get(f"/mentions/{ids['tw-6']}").text
    assert "javascript:" not in xss_page and XSS not in xss_page
    assert "javascript:" not in c.get("/inbox").text


def test_saved_searches_belong_to_their_person(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, _ = seeded
    agent = client(engine)
    csrf = sign_in(agent, "agent")
    r = agent.post(
        "/inbox/searches",
        data={
            "name": "Angry reddit",
            "query": "platform=reddit&sentiment=negative&cursor=x",
            "csrf_token": csrf,
        },
    )
    assert r.status_code == 303 and r.headers["location"] == "/inbox?platform=reddit&sentiment=negative"
    assert (
        '<a href="/inbox?platform=reddit&amp;sentiment=negative">Angry reddit</a>' in agent.get("/inbox").text
    )
    other = client(engine)
    o_csrf = sign_in(other, "manager")
    assert "Angry reddit" not in other.get("/inbox").text
    with session_scope(make_session_factory(engine)) as s:
        search_id = s.scalars(select(SavedSearch.id)).one()
    other.post(f"/inbox/searches/{search_id}/delete", data={"csrf_token": o_csrf})
    assert "Angry reddit" in agent.get("/inbox").text  # not theirs to delete
    agent.post(f"/inbox/searches/{search_id}/delete", data={"csrf_token": csrf})
    assert "Angry reddit" not in agent.get("/inbox").text


def test_arrivals_count_new_mentions_matching_the_filters(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    c = client(engine)
    sign_in(c, "viewer")
    newest = max(ids.values())
    assert c.get(f"/inbox/arrivals?after={newest}").json() == {"count": 0}
    assert c.get(f"/inbox/arrivals?after={ids['tw-4']}&platform=reddit").json() == {"count": 1}
    assert c.get("/inbox/arrivals?after=0&dups=show").json() == {"count": len(ids)}


def test_a_turkish_agent_works_in_turkish(seeded) -> None:  # type: ignore[no-untyped-def]
    engine, ids = seeded
    with session_scope(make_session_factory(engine)) as s:
        update_user(s, find_user(s, email_of("agent")), language="tr")
    c = client(engine)
    csrf = sign_in(c, "agent")
    inbox = c.get("/inbox").text
    assert "<h1>Gelen kutusu</h1>" in inbox and "Bana atananlar" in inbox and "Kopyaları göster" in inbox
    c.post("/inbox/bulk", data={"ids": [ids["tw-1"]], "action": "assign_me", "csrf_token": csrf})
    assert "1 bahsetmeden 1 tanesi değişti." in c.get("/inbox").text
    assert "Bu duygu neden" in c.get(f"/mentions/{ids['tw-1']}").text
