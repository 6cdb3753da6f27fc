"""The pages under the strict Content-Security-Policy (``script-src 'self'; style-src 'self'``: no
inline script, event handler, style element or style attribute) in a real headless Chromium: every
main page loads without one violation, and what the page scripts add still works (new arrivals in
the inbox, select-all for the bulk form, the query editor's syntax check, the template editor's
preview, the language switch, confirm questions)."""

from __future__ import annotations

from sqlalchemy import select

from listener.pipeline.ingest import store_batch
from listener.reporting.files import REPORT_CSP
from listener.schemas.mentions import MentionIn
from listener.storage.db import session_scope
from listener.storage.models import AlertRule, Mention
from listener.web.frame import CSP
from tests.factories import mention
from tests.web.incident_seed import seed_incident

PAGES = (
    "/overview",
    "/overview?range=7d",
    "/inbox",
    "/mentions/{mention}",
    "/approvals",
    "/incidents",
    "/incidents/{incident}",
    "/authors",
    "/trends",
    "/manage/sources",
    "/manage/sources/new",
    "/manage/sources/new?platform=rss",
    "/manage/channels",
    "/manage/channels/new?type=email",
    "/manage/rules",
    "/manage/rules/{rule}",
    "/manage/queries",
    "/manage/templates",
    "/manage/taxonomy",
    "/manage/silences",
    "/manage/users",
    "/manage/keys",
)
# what Chromium records for a refused inline script or style (console and the DOM event)
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _watch(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Record every CSP violation on ``page``: console messages and ``securitypolicyviolation``."""
    seen: list[str] = []
    page.on(
        "console",
        lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.add_init_script(WATCH)
    return seen


def _violations(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.evaluate("window.__csp || []")


def test_every_main_page_runs_under_the_strict_policy_without_a_violation(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    ids: dict[str, int] = {}
    site = make_site(seed=lambda s: ids.update(incident=seed_incident(s)))
    with site.sessions() as s:
        ids["mention"] = s.scalars(select(Mention.id)).first()
        ids["rule"] = s.scalars(select(AlertRule.id)).first()
    console = _watch(page)
    login(page, "admin", next="/overview", base=site.base)
    for path in PAGES:
        response = page.goto(site.base + path.format(**ids))
        assert response is not None and response.status == 200, path
        assert response.headers["content-security-policy"] == CSP, path
        assert "'unsafe-inline'" not in CSP and "script-src 'self';" in CSP
        page.wait_for_load_state("load")
        assert _violations(page) == [], path
        assert page.locator("script:not([src]), style, [style]").count() == 0, path
        assert page.locator("[onclick], [onchange], [onsubmit], [oninput], [onload]").count() == 0, path
    # the HTML report (styled inline like the mail) has a policy of its own: no script at all
    report = page.goto(site.base + "/reports/download?format=html")
    assert report is not None and report.status == 200
    assert report.headers["content-security-policy"] == REPORT_CSP and "script-src" not in REPORT_CSP
    assert _violations(page) == []
    assert console == []
    assert page.page_errors == []


def test_the_page_scripts_still_work_under_the_policy(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site(seed=seed_incident)
    console = _watch(page)
    login(page, "manager", next="/inbox", base=site.base)

    # bulk select: the script shows "select all", which ticks every card
    page.check("[data-select-all]")
    boxes = page.locator("input[name=ids][form=bulk]")
    assert boxes.count() == 3 and all(b.is_checked() for b in boxes.all())
    # live arrival: a mention stored now is announced without reloading
    with session_scope(site.sessions) as s:
        store_batch(s, [MentionIn.model_validate(mention(70, text="Acme leak again, awful")).model_dump()])
    page.wait_for_selector(".arrivals-count:not([hidden])", timeout=25_000)
    assert page.inner_text(".arrivals-count").startswith("1 new mention")

    # the query editor checks the syntax as one types
    page.goto(site.base + "/manage/queries")
    field = page.locator("textarea[data-query-check]").last
    field.fill('"acme" AND (')
    target = field.get_attribute("data-target")
    page.wait_for_selector(f"#{target}.error-text")
    assert "^" in page.inner_text(f"#{target}")
    field.fill('"acme" OR @acme')
    page.wait_for_selector(f"#{target}.check-ok")

    # the template editor previews as one types
    page.goto(site.base + "/manage/templates")
    page.fill("textarea[data-preview]", "Hello {{ brand }")
    page.wait_for_selector("#template-preview.error-text")
    page.fill("textarea[data-preview]", "Hello from the team")
    page.wait_for_selector("#template-preview:not(.error-text):has-text('Hello from the team')")

    # the language switch submits on change; confirm questions are asked
    page.goto(site.base + "/incidents")
    with page.expect_navigation():
        page.select_option("header select[name=lang]", "tr")
    assert page.locator("html").get_attribute("lang") == "tr"
    page.goto(site.base + page.locator("a[href^='/incidents/']").first.get_attribute("href"))
    page.click("form[data-confirm] button")  # dismissed: nothing happens
    assert len(page.dialogs) == 1 and page.locator("[data-status=firing]").count() == 1
    assert _violations(page) == [] and console == [] and page.page_errors == []
