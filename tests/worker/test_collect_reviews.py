"""App reviews end to end: a Google Play source run by the job over 127.0.0.1 stores each review
once with its details, and the developer's existing reply as a sent reply (response rate counts it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from sqlalchemy import Engine, select

from collectors.http import make_client
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.mentions import MentionFilter
from listener.storage.models import Mention, Source
from listener.storage.replies import response_stats
from listener.storage.reply_models import Reply
from listener.worker.collection import run_source
from listener.worker.leases import claim_due
from tests.collectors.collectors_testkit import LocalServer, Scripted, team_fixture

TOKEN = Scripted(body=b'{"access_token": "ya29.job", "expires_in": 3599, "token_type": "Bearer"}')


def _key_json() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps({"client_email": "svc@acme.iam.gserviceaccount.com", "private_key": pem})


def test_google_play_reviews_with_details_and_existing_replies(engine: Engine, settings: Settings) -> None:
    server = LocalServer()
    server.start()
    try:
        pages = ("page1_nextPageToken", "page2_last")
        server.serve(
            [
                TOKEN,
                *(
                    Scripted(body=team_fixture(f"googleplay/reviews_list__com.acme.shop__{p}__team.json"))
                    for p in pages
                ),
            ]
        )
        settings = settings.model_copy(
            update={"googleplay_base_url": server.url, "googleplay_token_url": server.url + "/token",
                    "googleplay_service_account": SecretStr(_key_json()), "http_timeout": 5.0}
        )  # fmt: skip
        sessions = make_session_factory(engine)
        with session_scope(sessions) as session:
            source = Source(name="play", platform="googleplay", params={"package_names": ["com.acme.shop"]})
            session.add(source)
            session.flush()
            sid = source.id
        now = datetime.now(UTC)
        with session_scope(sessions) as session:
            assert claim_due(session, worker="w", now=now) == [sid]
        with make_client(settings) as client:
            result = run_source(sessions, settings, client, sid, worker="w", now=now)
    finally:
        server.stop()
    assert (result.created, result.error) == (5, None)
    with session_scope(sessions) as session:
        ayse = session.scalars(
            select(Mention).where(Mention.external_id == "gp:AOqpTOH1x9Kq2mZ-acme-7f3a")
        ).one()
        assert ayse.details == {
            "app_version": "4.2.1",
            "device": "Samsung Galaxy A52 (a52q)",
            "os_version": "34",
        }
        assert ayse.rating == 1.0 and ayse.language == "tr" and ayse.status == "replied"
        replies = session.execute(select(Reply.mention_id, Reply.status, Reply.channel, Reply.sent_at)).all()
        assert len(replies) == 2 and {r.status for r in replies} == {"sent"}
        mine = next(r for r in replies if r.mention_id == ayse.id)
        assert mine.channel == "public" and mine.sent_at == datetime(2024, 3, 3, 13, 0, tzinfo=UTC)
        [stats] = response_stats(session, MentionFilter(), "platform")
    assert (stats["group"], stats["mentions"], stats["responded"]) == ("googleplay", 5, 2)
    assert stats["median_minutes_to_first_response"] is not None
