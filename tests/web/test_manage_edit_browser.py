"""A rule made from typed params in a real headless Chromium, as a manager: the type chosen from the
registry shows that type's inputs, a refused value comes back on the form with what was typed, and
the preview and save go through as before."""

from __future__ import annotations

from sqlalchemy import select

from listener.storage.models import AlertRule


def test_a_manager_creates_a_rule_through_its_typed_fields(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    login(page, "manager", next="/manage/rules", base=site.base)
    assert page.locator("input[name='params.min_mentions']").count() == 1  # negative_share first
    with page.expect_navigation():  # the type select reloads the form with that type's inputs
        page.select_option("#r-type", "frequency")
    assert page.locator("input[name='params.min_mentions']").count() == 0
    assert page.locator("#rule-params").get_attribute("data-type") == "frequency"
    page.fill("#r-name", "Complaint burst")
    page.fill("input[name='params.threshold']", "0")
    page.fill("input[name='params.window_minutes']", "30")
    with page.expect_navigation():
        page.click("[data-action=save]")
    assert "params.threshold" in page.inner_text(".flash.error")
    assert page.input_value("#r-name") == "Complaint burst"
    assert page.input_value("input[name='params.window_minutes']") == "30"
    page.fill("input[name='params.threshold']", "3")
    with page.expect_navigation():
        page.click("[data-action=preview]")
    assert page.locator("#backtest figure svg").count() == 1
    with page.expect_navigation():
        page.click("[data-action=save]")
    assert "Rule Complaint burst saved." in page.inner_text(".flash")
    with site.sessions() as s:
        rule = s.scalars(select(AlertRule)).one()
        assert rule.type == "frequency" and rule.params["threshold"] == 3
        assert rule.params["window_minutes"] == 30
    assert page.page_errors == []
