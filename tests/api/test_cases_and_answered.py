"""Case ids from a configurable format and a real counter, and answered mentions, on SQLite and
PostgreSQL: a replied or resolved mention shows its sent reply instead of new suggestions (API and
feed page), and a template rejected for a mention drops in that mention's ranking."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from listener.engine.cases import case_id_for
from listener.settings import Settings
from listener.storage.db import make_session_factory, session_scope
from listener.storage.models import Mention
from tests.factories import mention

CASE = {
    "name": "en-case-dm",
    "language": "en",
    "channel": "dm",
    "tone": "apologetic",
    "conditions": {"sentiment": [-1, 0.05]},
    "body": "Sorry {{ author_name or 'there' }}, your case is {{ case_id }}.",
}
SORRY = {**CASE, "name": "en-sorry", "channel": "public", "body": "Sorry to hear that! Please DM us."}
OTHER = {**SORRY, "name": "en-sorry-too", "body": "We're sorry. Please send us a DM."}


def _ingest(api, n=1):
    items = [mention(i, text=f"Acme lost my parcel number {i}, awful") for i in range(n)]
    return api.as_("manager").post("/api/v1/ingest", json={"mentions": items}).json()["ids"]


def _case(api, mid):
    got = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions", params={"channel": "dm"}).json()
    return got["suggestions"][0]["text"].rsplit(" ", 1)[1].rstrip(".")


def test_case_ids_come_from_the_counter_and_stick_to_the_mention(api, acme):
    api.as_("manager").post("/api/v1/templates", json=CASE)
    first, second = _ingest(api, 2)
    year = datetime.now(UTC).year
    assert _case(api, second) == f"CS-{year}-000001", "numbered in order of need, not by mention id"
    assert _case(api, first) == f"CS-{year}-000002"
    assert _case(api, second) == f"CS-{year}-000001", "asking again keeps the number"
    template_id = api.client.get("/api/v1/templates").json()[0]["id"]
    draft = api.as_("agent").post(
        f"/api/v1/mentions/{second}/replies", json={"channel": "dm", "template_id": template_id}
    )
    assert draft.status_code == 201 and draft.json()["text"].endswith(f"CS-{year}-000001.")


def test_case_id_format_is_configurable_and_checked(api, acme, settings):
    api.client.app.state.settings = settings.model_copy(update={"case_id_format": "ACME-{n:04d}"})
    api.as_("manager").post("/api/v1/templates", json=CASE)
    [mid] = _ingest(api)
    assert _case(api, mid) == "ACME-0001"
    for bad, says in (
        ("CS-{year}", "{n}"),
        ("CS-{n}-{day}", "day"),
        ("CS-{n:d", "format"),
        ("{n:x>99}", "64"),
    ):
        with pytest.raises(ValidationError) as err:
            Settings(case_id_format=bad, _env_file=None)
        assert says in str(err.value), str(err.value)


def test_the_counter_is_safe_under_concurrent_requests(engine, acme, api):
    ids = _ingest(api, 12)
    sessions = make_session_factory(engine)
    got: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(ids))

    def take(mid: int) -> None:
        try:
            start.wait()
            with session_scope(sessions) as session:
                m = session.get(Mention, mid)
                got.append(case_id_for(session, m, "C-{n}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=take, args=(mid,)) for mid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(got, key=lambda c: int(c[2:])) == [f"C-{n}" for n in range(1, len(ids) + 1)]


def test_answered_mentions_show_their_sent_reply_not_suggestions(api, acme):
    api.as_("manager").post("/api/v1/templates", json=SORRY)
    mid, resolved = _ingest(api, 2)
    top = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions").json()["suggestions"][0]
    rid = api.client.post(
        f"/api/v1/mentions/{mid}/replies", json={"channel": "public", "template_id": top["template_id"]}
    ).json()["id"]
    api.as_("admin").post(f"/api/v1/replies/{rid}/approve", json={})
    api.as_("agent").post(f"/api/v1/replies/{rid}/sent", json={"external_url": "https://x.com/acme/status/9"})
    got = api.client.get(f"/api/v1/mentions/{mid}/suggestions").json()
    assert got["status"] == "replied" and got["suggestions"] == []
    assert (
        got["answered"]["text"] == "Sorry to hear that! Please DM us." and got["answered"]["status"] == "sent"
    )
    again = api.client.get(f"/api/v1/mentions/{mid}/suggestions", params={"include_answered": True}).json()
    assert again["suggestions"] and again["answered"] is None
    api.as_("agent").patch(f"/api/v1/mentions/{resolved}", json={"status": "resolved"})
    closed = api.client.get(f"/api/v1/mentions/{resolved}/suggestions").json()
    assert closed["suggestions"] == [] and closed["answered"] is None and "resolved" in closed["note"]
    login = api.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
    api.client.post("/login", data={"key": api.keys["agent"], "next": "/inbox", "csrf_token": token})
    page = api.client.get("/inbox")
    assert page.status_code == 200
    article = page.text.split(f'data-mention-id="{mid}"', 1)[1].split("</article>", 1)[0]
    assert "Sent reply" in article and "Sorry to hear that! Please DM us." in article
    assert "Suggested reply" not in article


def test_a_rejected_template_drops_for_that_mention_only(api, acme):
    ids = {
        t["name"]: api.as_("manager").post("/api/v1/templates", json=t).json()["id"] for t in (SORRY, OTHER)
    }
    mid, other = _ingest(api, 2)
    before = [
        s["template_id"]
        for s in api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions").json()["suggestions"]
    ]
    assert before == [ids["en-sorry"], ids["en-sorry-too"]]
    rid = api.client.post(
        f"/api/v1/mentions/{mid}/replies", json={"channel": "public", "template_id": ids["en-sorry"]}
    ).json()["id"]
    api.as_("manager").post(f"/api/v1/replies/{rid}/reject", json={"comment": "too curt"})
    after = api.as_("agent").get(f"/api/v1/mentions/{mid}/suggestions").json()["suggestions"]
    assert [s["template_id"] for s in after] == [ids["en-sorry-too"], ids["en-sorry"]]
    assert "rejected for this mention" in after[1]["reasons"]
    elsewhere = api.client.get(f"/api/v1/mentions/{other}/suggestions").json()["suggestions"]
    here = {s["template_id"]: s for s in after}[ids["en-sorry"]]
    there = {s["template_id"]: s for s in elsewhere}[ids["en-sorry"]]
    assert "rejected for this mention" not in there["reasons"]
    assert there["score"] == pytest.approx(here["score"] + 6)
