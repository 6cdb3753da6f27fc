"""The mention page closes the loop (issue 19): an approved reply is sent on the customer's platform
from the page (queued once; the reason shown when it cannot be), and the thread shows the
customer's answer to our sent reply. Over HTTP, signed in, on SQLite and PostgreSQL."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select

from listener.pipeline.ingest import store_batch
from listener.schemas.mentions import MentionIn
from listener.storage.db import make_session_factory, session_scope
from listener.storage.reply_models import Reply, ReplyPublication
from tests.factories import mention
from tests.web.conftest import seed_users
from tests.web.inbox_seed import client, seed, sign_in


@pytest.fixture
def approved(engine: Engine) -> Iterator[tuple[Engine, int, int]]:
    """A twitter mention (tw-1) with one approved reply: (engine, mention id, reply id)."""
    sessions = make_session_factory(engine)
    seed_users(sessions)
    with session_scope(sessions) as s:
        ids = seed(s)
        reply = Reply(
            mention_id=ids["tw-1"], channel="public", text="Sorry about that, we're on it.",
            status="approved", created_by="agent",
        )  # fmt: skip
        s.add(reply)
        s.flush()
        reply_id = reply.id
    yield engine, ids["tw-1"], reply_id


def _publication(engine: Engine, reply_id: int) -> list[ReplyPublication]:
    with session_scope(make_session_factory(engine)) as s:
        rows = list(s.scalars(select(ReplyPublication).where(ReplyPublication.reply_id == reply_id)))
        s.expunge_all()
        return rows


def test_an_agent_sends_an_approved_reply_on_the_platform_once(approved) -> None:  # type: ignore[no-untyped-def]
    engine, mention_id, reply_id = approved
    c = client(engine, twitter_user_token="user-token")
    csrf = sign_in(c, "agent")
    page = c.get(f"/mentions/{mention_id}").text
    assert 'data-action="publish"' in page and "Send on twitter" in page

    sent = c.post(f"/replies/{reply_id}/publish", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Queued: the reply is posted in a few seconds." in sent.text
    assert [p.status for p in _publication(engine, reply_id)] == ["queued"]
    assert 'data-publication="queued"' in sent.text and 'data-action="publish"' not in sent.text

    c.post(f"/replies/{reply_id}/publish", data={"csrf_token": csrf}, follow_redirects=True)  # twice
    assert [p.status for p in _publication(engine, reply_id)] == ["queued"]  # one publication, one key


def test_without_credentials_the_page_says_why_and_queues_nothing(approved) -> None:  # type: ignore[no-untyped-def]
    engine, mention_id, reply_id = approved
    c = client(engine)  # no X user token configured
    csrf = sign_in(c, "agent")
    r = c.post(f"/replies/{reply_id}/publish", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Not sent:" in r.text and "LISTENER_TWITTER_USER_TOKEN" in html.unescape(r.text)
    assert _publication(engine, reply_id) == []


def test_a_viewer_cannot_send_and_sees_no_button(approved) -> None:  # type: ignore[no-untyped-def]
    engine, mention_id, reply_id = approved
    c = client(engine, twitter_user_token="user-token")
    csrf = sign_in(c, "viewer")
    assert 'data-action="publish"' not in c.get(f"/mentions/{mention_id}").text
    r = c.post(f"/replies/{reply_id}/publish", data={"csrf_token": csrf})
    assert r.status_code == 403
    assert _publication(engine, reply_id) == []


def test_the_thread_shows_the_customers_answer_to_our_sent_reply(approved) -> None:  # type: ignore[no-untyped-def]
    engine, mention_id, reply_id = approved
    sessions = make_session_factory(engine)
    with session_scope(sessions) as s:
        reply = s.get(Reply, reply_id)
        reply.status, reply.external_id, reply.sent_by = "sent", "1790000000000000001", "agent"
        answer = mention(90, text="Thanks, Acme, it works again!", in_reply_to="1790000000000000001")
        store_batch(s, [MentionIn.model_validate(answer).model_dump()])
    c = client(engine)
    sign_in(c, "viewer")
    page = html.unescape(c.get(f"/mentions/{mention_id}").text)
    assert "The customer's answers" in page and "Thanks, Acme, it works again!" in page
    answer_id = int(page.split('data-answer-id="')[1].split('"')[0])
    back = c.get(f"/mentions/{answer_id}").text
    assert "This answers our reply to" in back and f'href="/mentions/{mention_id}"' in back
