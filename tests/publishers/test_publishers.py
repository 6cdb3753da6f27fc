"""Each publisher over real HTTP on 127.0.0.1 against team-written bodies in the platform's
documented format (tests/fixtures/publishers/): the request the platform receives, what comes back,
and the faults: 401, 403, 429 with reset headers, 5xx, a gateway error and a receiver that answers
after the timeout. In no fault does a publisher send the post twice."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from publishers.base import (
    Deferred,
    InvalidReply,
    Outgoing,
    PublishError,
    RateLimited,
    Refused,
    Unconfirmed,
)
from publishers.http import make_client, validate
from publishers.registry import PUBLISHERS, describe
from tests.collectors.collectors_testkit import LocalServer, Scripted, make_settings
from tests.publishers.publishers_cases import BY_PLATFORM, CASES, TEXT, Case, answer, fixture

IDS = [c.platform for c in CASES]


def _reply(case: Case, server: LocalServer, text: str = TEXT, channel: str = "public"):  # type: ignore[no-untyped-def]
    settings = case.settings_for(server.url)
    with make_client(settings) as client:
        outgoing = Outgoing(target=case.target, text=text, channel=channel, key="listener-reply-7-abc")
        return PUBLISHERS[case.platform](client, settings).reply(outgoing)


def _posts(case: Case, server: LocalServer) -> list[dict]:
    return [r for r in server.requests if r["method"] == "POST" and r["path"] == case.post_path]


def test_every_platform_of_the_issue_has_a_publisher() -> None:
    assert set(PUBLISHERS) == {
        "appstoreconnect",
        "googleplay",
        "twitter",
        "mastodon",
        "bluesky",
        "youtube",
        "reddit",
    }
    assert set(PUBLISHERS) == set(BY_PLATFORM)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_reply_is_posted_in_the_documented_format(case: Case, local_server: LocalServer) -> None:
    local_server.serve(
        [*case.before, answer(case.created, 201 if case.platform in ("twitter", "appstoreconnect") else 200)]
    )
    done = _reply(case, local_server)
    [post] = _posts(case, local_server)
    assert len(local_server.requests) == len(case.before) + 1
    case.check(post, done)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("status", [401, 403])
def test_refusals_keep_the_platforms_reason(case: Case, status: int, local_server: LocalServer) -> None:
    name = f"{case.platform}__error_{status}__team.json"
    local_server.serve([*case.before, answer(name, status)])
    with pytest.raises(Refused) as caught:
        _reply(case, local_server)
    assert caught.value.status == status
    body = fixture(name).decode()
    assert caught.value.reason and caught.value.reason.split(" https://")[0][:60] in body
    assert len(_posts(case, local_server)) == 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_429_defers_to_the_reset_time(case: Case, local_server: LocalServer) -> None:
    reset = (datetime.now(UTC) + timedelta(minutes=15)).replace(microsecond=0)
    local_server.serve(
        [*case.before, answer(f"{case.platform}__error_429__team.json", 429, case.reset(reset))]
    )
    with pytest.raises(RateLimited) as caught:
        _reply(case, local_server)
    assert caught.value.retry_at is not None
    assert abs((caught.value.retry_at - reset).total_seconds()) <= 2
    assert len(_posts(case, local_server)) == 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize(
    ("status", "outcome"), [(500, Deferred), (503, Deferred), (502, Unconfirmed), (504, Unconfirmed)]
)
def test_5xx_is_deferred_or_unconfirmed_never_resent(
    case: Case, status: int, outcome: type, local_server: LocalServer
) -> None:
    local_server.serve(
        [*case.before, Scripted(status, b'{"error": "backend error"}', {"Content-Type": "application/json"})]
    )
    with pytest.raises(outcome):
        _reply(case, local_server)
    assert len(_posts(case, local_server)) == 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_an_answer_after_the_timeout_is_unconfirmed_and_not_resent(
    case: Case, local_server: LocalServer
) -> None:
    # the receiver creates the reply, but answers after the client gave up (timeout 0.5 s)
    local_server.serve([*case.before, answer(case.created, 200, delay=1.5)])
    with pytest.raises(Unconfirmed) as caught:
        _reply(case, local_server)
    assert "check the platform" in caught.value.reason
    assert len(_posts(case, local_server)) == 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_garbled_success_is_unconfirmed(case: Case, local_server: LocalServer) -> None:
    local_server.serve([*case.before, Scripted(200, b"<html>ok</html>")])
    with pytest.raises(Unconfirmed):
        _reply(case, local_server)
    assert len(_posts(case, local_server)) == 1


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_missing_credentials_send_nothing_and_name_the_variables(
    case: Case, local_server: LocalServer
) -> None:
    cls = PUBLISHERS[case.platform]
    settings = make_settings(
        **{k: v for k, v in case.settings(local_server.url).items() if k.endswith("_url")}
    )
    with make_client(settings) as client, pytest.raises(Refused) as caught:
        cls(client, settings).reply(Outgoing(case.target, TEXT, "public", "k"))
    assert all(v in str(caught.value) for v in cls.credentials)
    assert local_server.requests == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_limits_are_checked_before_sending(case: Case) -> None:
    cls = PUBLISHERS[case.platform]
    validate(cls, "x" * cls.limits.max_chars, "public")
    with pytest.raises(InvalidReply) as caught:
        validate(cls, "x" * (cls.limits.max_chars + 1), "public")
    assert caught.value.details == [
        {"field": "text", "length": cls.limits.max_chars + 1, "limit": cls.limits.max_chars}
    ]
    with pytest.raises(InvalidReply, match="plain text"):
        validate(cls, "Thanks! <a href='https://acme.example'>help</a>", "public")


def test_channels_a_platform_does_not_offer_are_refused() -> None:
    with pytest.raises(InvalidReply, match="public, not dm"):
        validate(PUBLISHERS["twitter"], "hi", "dm")
    validate(PUBLISHERS["mastodon"], "hi", "dm")


def test_mastodon_dm_is_a_direct_status_that_mentions_the_customer(local_server: LocalServer) -> None:
    case = BY_PLATFORM["mastodon"]
    local_server.serve([*case.before, answer(case.created)])
    _reply(case, local_server, channel="dm")
    [post] = _posts(case, local_server)
    body = json.loads(post["body"])
    assert body["visibility"] == "direct" and body["status"] == f"@kim@fosstodon.org {TEXT}"


def test_mastodon_status_of_its_own_instance_needs_no_lookup(local_server: LocalServer) -> None:
    case = BY_PLATFORM["mastodon"]
    local_server.serve([answer(case.created)])
    settings = case.settings_for(local_server.url)
    target = case.target.__class__("mastodon", f"{local_server.url}/users/kim/statuses/113611111111111111")
    with make_client(settings) as client:
        PUBLISHERS["mastodon"](client, settings).reply(
            Outgoing(target, TEXT, "public", "listener-reply-7-abc")
        )
    [post] = local_server.requests
    assert post["path"] == "/api/v1/statuses"


def test_youtube_quota_403_waits_for_the_quota_reset(local_server: LocalServer) -> None:
    case = BY_PLATFORM["youtube"]
    local_server.serve([answer("youtube__error_403_quota__team.json", 403)])
    with pytest.raises(RateLimited) as caught:
        _reply(case, local_server)
    assert caught.value.retry_at is not None and caught.value.retry_at > datetime.now(UTC)


def test_reddit_ratelimit_inside_a_200_waits_as_told(local_server: LocalServer) -> None:
    case = BY_PLATFORM["reddit"]
    local_server.serve([*case.before, answer("reddit__comment_ratelimit__200__team.json")])
    with pytest.raises(RateLimited) as caught:
        _reply(case, local_server)
    wait = (caught.value.retry_at - datetime.now(UTC)).total_seconds()
    assert 8 * 60 < wait <= 9 * 60


def test_token_refusals_are_refusals_and_post_nothing(local_server: LocalServer) -> None:
    case = BY_PLATFORM["googleplay"]
    local_server.serve(
        [Scripted(400, b'{"error": "invalid_grant", "error_description": "Invalid JWT Signature."}')]
    )
    with pytest.raises(Refused):
        _reply(case, local_server)
    assert _posts(case, local_server) == []
    other = BY_PLATFORM["bluesky"]
    local_server.serve([answer("bluesky__error_401__team.json", 401)])
    with pytest.raises(Refused, match="Invalid identifier or password"):
        _reply(other, local_server)


def test_a_4xx_is_a_failure_with_the_platforms_words(local_server: LocalServer) -> None:
    case = BY_PLATFORM["twitter"]
    body = b'{"errors": [{"message": "Your Tweet text is too long."}], "title": "Invalid Request"}'
    local_server.serve([Scripted(400, body)])
    with pytest.raises(PublishError) as caught:
        _reply(case, local_server)
    assert str(caught.value) == "Your Tweet text is too long. (HTTP 400)"


def test_describe_lists_capabilities_and_never_credential_values() -> None:
    settings = BY_PLATFORM["twitter"].settings_for("http://127.0.0.1:9")
    rows = {r["platform"]: r for r in describe(settings)}
    assert rows["twitter"]["configured"] is True and rows["youtube"]["configured"] is False
    assert rows["mastodon"]["channels"] == ["dm", "public"]
    assert rows["googleplay"]["limits"]["max_chars"] == 350
    assert "x-user-token" not in repr(rows)
