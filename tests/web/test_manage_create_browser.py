"""Management from the pages in a real headless Chromium, as a manager: a new webhook channel (its type
chosen from the registry, the secret typed into a password input and never shown again) tested with
the list's button against a real receiver on 127.0.0.1; a new source with its params and schedule,
paused and resumed; a rule changed after its backtest preview, then turned off."""

from __future__ import annotations

from sqlalchemy import select

from listener.storage.models import AlertRule, Channel, Source
from tests.engine.sinks import HttpSink
from tests.web.incident_seed import seed_incident

SECRET = "sign-with-this-secret-7"


def test_a_manager_creates_a_webhook_channel_and_sends_it_a_test(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site(outbound_allow="127.0.0.1")
    login(page, "manager", next="/manage/channels", base=site.base)
    with page.expect_navigation():
        page.click("[data-action=new-channel]")
    with page.expect_navigation():  # the type select reloads the form with that type's fields
        page.select_option("#c-type", "email")
    assert page.locator("input[name='config.host']").count() == 1
    assert page.locator("input[name='config.password']").get_attribute("type") == "password"
    with page.expect_navigation():
        page.select_option("#c-type", "webhook")
    with HttpSink() as sink:
        page.fill("#c-name", "Ops hook")
        page.fill("input[name='config.url']", "ftp://not-a-webhook")
        page.fill("input[name='config.secret']", SECRET)
        with page.expect_navigation():
            page.click("[data-action=create]")
        assert "Not saved:" in page.inner_text(".flash.error") and "url" in page.inner_text(".flash.error")
        assert page.input_value("#c-name") == "Ops hook"  # what was typed comes back ...
        assert page.input_value("input[name='config.secret']") == ""  # ... except the secret
        assert SECRET not in page.content()
        page.fill("input[name='config.url']", sink.url + "/hook")
        page.fill("input[name='config.secret']", SECRET)
        with page.expect_navigation():
            page.click("[data-action=create]")
        assert page.url == site.base + "/manage/channels"
        assert "Channel Ops hook created" in page.inner_text(".flash")
        assert SECRET not in page.content()
        row = page.locator("tr[data-channel='Ops hook']")
        with page.expect_navigation():
            row.locator("[data-action=test]").click()
        assert "Test message sent to Ops hook." in page.inner_text(".flash")
        (request,) = sink.drain(1)
        assert request.path == "/hook"
    with site.sessions() as s:
        channel = s.scalars(select(Channel)).one()
        assert channel.type == "webhook" and channel.config["secret"] == SECRET
    assert page.page_errors == []


def test_a_manager_adds_a_source_then_pauses_and_resumes_it(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    login(page, "manager", next="/manage/sources", base=site.base)
    with page.expect_navigation():
        page.click("[data-action=new-source]")
    with page.expect_navigation():
        page.select_option("#s-platform", "hackernews")
    page.fill("#s-name", "HN about Acme")
    page.fill("input[name='params.query']", "acme")
    page.uncheck("input[name='params.tags'][value=comment]")
    page.fill("#s-interval", "900")
    with page.expect_navigation():
        page.click("[data-action=create]")
    assert "Source HN about Acme added." in page.inner_text(".flash")
    row = page.locator("tr[data-source='HN about Acme']")
    assert "every 900 s" in row.inner_text()
    with page.expect_navigation():
        row.locator("[data-action=pause]").click()
    assert "Paused HN about Acme." in page.inner_text(".flash")
    with site.sessions() as s:
        source = s.scalars(select(Source)).one()
        assert source.platform == "hackernews" and source.enabled is False
        assert source.params["query"] == "acme" and source.params["tags"] == ["story"]
        assert source.interval_seconds == 900
    with page.expect_navigation():
        page.locator("tr[data-source='HN about Acme'] [data-action=resume]").click()
    assert "Resumed HN about Acme." in page.inner_text(".flash")
    assert page.page_errors == []


def test_a_manager_changes_a_rule_after_its_preview_and_turns_it_off(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site(seed=seed_incident)
    with site.sessions() as s:
        rule = s.scalars(select(AlertRule)).one()
        rule_id, old_name = rule.id, rule.name
    login(page, "manager", next="/manage/rules", base=site.base)
    row = page.locator(f"tr[data-rule='{old_name}']")
    with page.expect_navigation():
        row.locator("[data-action=edit]").click()
    assert page.input_value("#r-name") == old_name
    page.fill("#r-name", "Leak watch")
    page.select_option("#r-severity", "critical")
    with page.expect_navigation():
        page.click("[data-action=preview]")
    backtest = page.locator("#backtest")
    assert backtest.locator("figure svg").count() == 1  # the chart, before anything is saved
    assert "Over the last 7 days: this rule would have opened" in backtest.inner_text()
    assert page.input_value("#r-name") == "Leak watch"
    with site.sessions() as s:
        assert s.get(AlertRule, rule_id).name == old_name
    with page.expect_navigation():
        page.click("[data-action=save]")
    assert "Rule Leak watch saved." in page.inner_text(".flash")
    with page.expect_navigation():
        page.locator("tr[data-rule='Leak watch'] [data-action=turn-off]").click()
    assert "Rule Leak watch is off." in page.inner_text(".flash")
    assert page.locator("tr[data-rule='Leak watch']").get_attribute("data-enabled") == "false"
    with site.sessions() as s:
        rule = s.get(AlertRule, rule_id)
        assert rule.name == "Leak watch" and rule.severity == "critical" and rule.enabled is False
    assert page.page_errors == []
