"""The inbox journeys in a real headless Chromium: an agent filters the inbox, assigns a mention to
themself with the bulk form, drafts a reply on the mention page; another manager approves it from the
approval queue; a bulk status change; new arrivals announced by the page's script; a viewer sees no
buttons."""

from __future__ import annotations

from sqlalchemy import select

from listener.pipeline.ingest import store_batch
from listener.schemas.mentions import MentionIn
from listener.storage.db import session_scope
from listener.storage.models import Mention
from listener.storage.reply_models import Reply
from tests.factories import mention
from tests.web.inbox_seed import REDDIT, seed


def _texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all("article > p", "els => els.map(e => e.textContent)")


def test_agent_filters_assigns_and_drafts_then_another_manager_approves(
    make_site, page, login, browser
) -> None:  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    site = make_site(seed=lambda s: ids.update(seed(s)))
    login(page, "agent", next="/inbox", base=site.base)
    assert page.url.endswith("/inbox")
    page.click("details[data-filter=platform] summary")
    page.check("details[data-filter=platform] input[value=reddit]")
    with page.expect_navigation():
        page.click("form#filters button[type=submit]")
    assert "platform=reddit" in page.url and _texts(page) == [REDDIT]
    page.check(f"article[data-mention-id='{ids['tw-5']}'] input[name=ids]")
    page.select_option("form#bulk select[name=action]", "assign_me")
    with page.expect_navigation():
        page.click("form#bulk button[type=submit]")
    assert "1 of 1 mention(s) changed." in page.inner_text(".flash")
    assert "platform=reddit" in page.url  # back to the same filters
    page.click("nav.searches a[data-link=mine]")
    page.wait_for_url("**mine=1**")
    assert _texts(page) == [REDDIT]
    assert page.inner_text(f"article[data-mention-id='{ids['tw-5']}'] [data-assignee]") == "Ali Agent"
    with page.expect_navigation():
        page.click(f"a[data-open='{ids['tw-5']}']")
    with page.expect_navigation():
        page.locator("button[data-action=draft]").first.click()
    assert "Draft saved" in page.inner_text(".flash")
    assert page.locator(".reply.draft").count() == 1
    assert page.locator("button[data-action=approve]").count() == 0  # an agent cannot approve
    assert page.page_errors == []

    manager = browser.new_context(locale="en-GB").new_page()
    login(manager, "manager", next="/approvals", base=site.base)
    assert manager.locator(".reply.draft").count() == 1
    with manager.expect_navigation():
        manager.click("button[data-action=approve]")
    assert "Reply approved." in manager.inner_text(".flash")
    assert "Nothing awaits approval." in manager.inner_text("main")
    with site.sessions() as s:
        reply = s.scalars(select(Reply)).one()
        assert reply.status == "approved" and reply.reviewed_by == "manager@acme.example"
        assert reply.created_by == "agent@acme.example"
    manager.context.close()


def test_bulk_status_change_and_arrivals_and_a_viewer_without_buttons(
    make_site, page, login, browser
) -> None:  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    site = make_site(seed=lambda s: ids.update(seed(s)))
    login(page, "agent", next="/inbox?sentiment=negative", base=site.base)
    negative = page.eval_on_selector_all("article", "els => els.map(e => Number(e.dataset.mentionId))")
    assert negative and ids["tw-2"] not in negative  # the positive one is filtered out
    page.check("[data-select-all]")
    page.select_option("form#bulk select[name=action]", "status")
    page.fill("form#bulk input[name=value]", "resolved")
    with page.expect_navigation():
        page.click("form#bulk button[type=submit]")
    assert f"{len(negative)} of {len(negative)} mention(s) changed." in page.inner_text(".flash")
    with site.sessions() as s:
        statuses = {m.id: m.status for m in s.scalars(select(Mention))}
    assert all(statuses[i] == "resolved" for i in negative) and statuses[ids["tw-2"]] == "new"

    page.goto(site.base + "/inbox")
    assert page.locator(".arrivals-count").is_hidden()
    with session_scope(site.sessions) as s:
        store_batch(
            s, [MentionIn.model_validate(mention(50, text="Acme app crashed again, awful")).model_dump()]
        )
    page.wait_for_selector(".arrivals-count:not([hidden])", timeout=25_000)
    assert page.inner_text(".arrivals-count").startswith("1 new mention")
    assert page.page_errors == []

    viewer = browser.new_context(locale="en-GB").new_page()
    login(viewer, "viewer", next="/inbox", base=site.base)
    assert viewer.locator("article").count() > 0
    assert viewer.locator("main [data-action]").count() == 0
    assert viewer.locator("form#bulk, input[name=ids]").count() == 0
    viewer.goto(f"{site.base}/mentions/{ids['tw-1']}")
    assert viewer.locator("main button, main form[method=post]").count() == 0
    viewer.context.close()
