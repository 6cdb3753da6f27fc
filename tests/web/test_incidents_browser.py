"""Incidents in a real Chromium: the link from a message opens the incident after sign-in, a manager
acknowledges and silences it, a viewer sees it without any button, and the feed's filter shows its
mentions."""

from __future__ import annotations

from sqlalchemy import select

from listener.storage.db import session_scope
from listener.storage.models import AuditEvent, Incident, Silence
from tests.web.conftest import PASSWORD, email_of
from tests.web.incident_seed import LEAK_TEXTS, seed_incident


def test_manager_opens_the_incident_link_signs_in_and_acknowledges(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    site = make_site(seed=lambda s: ids.append(seed_incident(s)))
    (incident_id,) = ids
    # the link as Slack / e-mail carry it: first the login page, then back to the incident
    page.goto(f"{site.base}/incidents/{incident_id}")
    assert "/login?next=%2Fincidents%2F" in page.url
    page.fill("input[name=email]", email_of("manager"))
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form.stack button.primary")
    assert page.url == f"{site.base}/incidents/{incident_id}"
    assert page.locator("h1 [data-status]").get_attribute("data-status") == "firing"
    shown = page.eval_on_selector_all("#evidence article > p", "els => els.map(e => e.textContent)")
    assert sorted(shown) == sorted(LEAK_TEXTS)
    assert "leak" in page.inner_text("#chart")  # the rising term
    chart = page.locator("#chart figure.spike svg")
    assert (
        chart.count() == 1 and "usual range" in (chart.get_attribute("aria-label") or "") + chart.inner_html()
    )
    assert "Opened" in page.inner_text("#timeline")

    with page.expect_navigation():
        page.click("[data-action=acknowledge]")
    assert page.locator("h1 [data-status]").get_attribute("data-status") == "acknowledged"
    assert "Incident acknowledged." in page.inner_text(".flash")
    assert page.locator("[data-action=acknowledge]").count() == 0
    timeline = page.inner_text("#timeline")
    assert "Acknowledged" in timeline and email_of("manager") in timeline

    page.select_option("#silence select[name=hours]", "4")
    page.fill("#silence input[name=comment]", "known leak, statement going out")
    with page.expect_navigation():
        page.click("[data-action=silence]")
    assert "Notifications silenced." in page.inner_text(".flash")
    assert "known leak, statement going out" in page.inner_text("main")

    # the list shows it acknowledged; the evidence link opens the feed filtered to its mentions
    page.goto(site.base + "/incidents")
    row = page.locator(f"tr[data-incident-id='{incident_id}']")
    assert "acknowledged" in row.inner_text()
    page.goto(f"{site.base}/incidents/{incident_id}")
    with page.expect_navigation():
        page.click("#evidence a[href^='/?incident=']")
    texts = page.eval_on_selector_all("article > p", "els => els.map(e => e.textContent)")
    assert sorted(texts) == sorted(LEAK_TEXTS)
    assert page.dialogs == [] and page.page_errors == []

    with session_scope(site.sessions) as s:
        incident = s.get(Incident, incident_id)
        assert incident.status == "acknowledged" and incident.acknowledged_by == email_of("manager")
        assert incident.silenced
        (silence,) = s.scalars(select(Silence)).all()
        assert silence.rule_id == incident.rule_id and silence.created_by == email_of("manager")
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "incident")).all()
        assert actions == ["acknowledge", "silence"]


def test_resolving_asks_first_and_then_closes_the_incident(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    site = make_site(seed=lambda s: ids.append(seed_incident(s)))
    login(page, "admin", next=f"/incidents/{ids[0]}", base=site.base)
    page.accept_dialogs = False  # first: the question is dismissed, nothing happens
    page.click("[data-action=resolve]")
    assert page.dialogs == ["Resolve this incident?"]
    assert page.locator("h1 [data-status]").get_attribute("data-status") == "firing"
    page.accept_dialogs = True
    with page.expect_navigation():
        page.click("[data-action=resolve]")
    assert page.locator("h1 [data-status]").get_attribute("data-status") == "resolved"
    assert page.locator("#handle [data-action=resolve]").count() == 0
    with session_scope(site.sessions) as s:
        assert s.get(Incident, ids[0]).resolved_by == email_of("admin")


def test_a_viewer_reads_the_incident_without_any_button(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    site = make_site(seed=lambda s: ids.append(seed_incident(s)))
    login(page, "viewer", next=f"/incidents/{ids[0]}", base=site.base)
    assert page.url.endswith(f"/incidents/{ids[0]}")
    assert page.locator("main button").count() == 0
    assert page.locator("main form[method=post]").count() == 0
    assert page.locator("#evidence article").count() == 3
    # the action itself is refused too, not only hidden
    token = page.locator("header input[name=csrf_token]").first.get_attribute("value")
    answer = page.request.post(
        f"{site.base}/incidents/{ids[0]}/acknowledge", form={"csrf_token": token or ""}
    )
    assert answer.status == 403 and "manager" in answer.text()
    with session_scope(site.sessions) as s:
        assert s.get(Incident, ids[0]).status == "firing"
    assert page.goto(f"{site.base}/incidents/999999").status == 404
