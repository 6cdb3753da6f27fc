"""Journeys in a real Chromium: Turkish for a person, what an agent and a viewer see, signing out,
and a throttled sign-in."""

from __future__ import annotations

from sqlalchemy import select

from listener.accounts import MAX_FAILURES
from listener.storage.db import session_scope
from listener.storage.people_models import User
from tests.web.conftest import PASSWORD, email_of
from tests.web.incident_seed import seed_incident


def test_a_manager_switches_the_ui_to_turkish_and_it_stays(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    ids: list[int] = []
    site = make_site(seed=lambda s: ids.append(seed_incident(s)))
    login(page, "manager", next="/incidents", base=site.base)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Incidents" in page.inner_text("header")
    with page.expect_navigation():
        page.select_option("header select[name=lang]", "tr")  # our script submits the switch
    assert page.url == site.base + "/incidents"
    assert page.locator("html").get_attribute("lang") == "tr"
    header = page.inner_text("header")
    assert "Olaylar" in header and "Gelen kutusu" in header and "Yönetim" in header and "Çıkış yap" in header
    page.goto(f"{site.base}/incidents/{ids[0]}")
    assert "Olay #" in page.inner_text("h1")
    assert page.locator("[data-action=acknowledge]").inner_text() == "Üstlen"
    with page.expect_navigation():
        page.click("[data-action=acknowledge]")
    assert "Olay üstlenildi." in page.inner_text(".flash")
    assert page.locator("h1 [data-status]").inner_text() == "üstlenildi"
    with session_scope(site.sessions) as s:
        assert s.scalar(select(User.language).where(User.email == email_of("manager"))) == "tr"
    # signing in again in another browser opens in Turkish
    other = page.context.browser.new_context(locale="en-US")
    try:
        second = other.new_page()
        login(second, "manager", base=site.base)
        assert second.locator("html").get_attribute("lang") == "tr"
    finally:
        other.close()
    assert page.page_errors == []


def test_the_login_page_follows_the_browser_language(make_site, browser) -> None:  # type: ignore[no-untyped-def]
    site = make_site()
    context = browser.new_context(locale="tr-TR")
    try:
        page = context.new_page()
        page.goto(site.base + "/login")
        assert page.locator("html").get_attribute("lang") == "tr"
        assert page.locator("label[for=password]").inner_text() == "Parola"
        page.fill("input[name=email]", email_of("agent"))
        page.fill("input[name=password]", "yanlış parola 123")
        with page.expect_navigation():
            page.click("form.stack button.primary")
        assert "E-posta adresi ya da parola yanlış." in page.inner_text("main")
    finally:
        context.close()


def test_an_agent_sees_no_management_screens(site, page, login) -> None:  # type: ignore[no-untyped-def]
    login(page, "agent")
    header = page.inner_text("header")
    assert "Ali Agent" in header and "Incidents" in header
    assert page.locator("header [data-menu=manage]").count() == 0
    for path in (
        "/manage/users", "/manage/keys", "/manage/sources", "/manage/channels", "/manage/silences",
        "/manage/channels/new", "/manage/sources/new", "/manage/rules",
    ):  # fmt: skip
        response = page.goto(site.base + path)
        assert response is not None and response.status == 403, path
        assert "This needs the" in page.inner_text("main")
    assert page.page_errors == []


def test_a_manager_and_an_admin_see_the_management_menu(site, page, login) -> None:  # type: ignore[no-untyped-def]
    login(page, "manager")
    page.click("header [data-menu=manage] summary")
    items = page.eval_on_selector_all("header [data-menu=manage] a", "els => els.map(e => e.textContent)")
    assert {"Sources", "Channels", "Silences", "Alert rules"} <= set(items), items
    assert "Users" not in items  # admins only
    with page.expect_navigation():
        page.click("header [data-menu=manage] a:has-text('Silences')")
    assert page.url == site.base + "/manage/silences"
    page.context.clear_cookies()
    login(page, "admin")
    page.click("header [data-menu=manage] summary")
    items = page.eval_on_selector_all("header [data-menu=manage] a", "els => els.map(e => e.textContent)")
    assert {"Sources", "Channels", "Silences", "Alert rules", "Users", "API keys"} <= set(items), items


def test_a_viewer_sees_no_action_buttons(make_site, page, login) -> None:  # type: ignore[no-untyped-def]
    site = make_site(seed=seed_incident)
    login(page, "viewer", base=site.base)
    for path in ("/inbox", "/incidents"):
        page.goto(site.base + path)
        forms = page.eval_on_selector_all("main form[method=post]", "els => els.map(e => e.action)")
        assert [f for f in forms if not f.endswith("/inbox/searches")] == [], path  # own searches only
    assert page.locator("header [data-menu=manage]").count() == 0


def test_signing_out_from_the_header_and_from_the_logout_link(site, page, login) -> None:  # type: ignore[no-untyped-def]
    login(page, "agent")
    with page.expect_navigation():
        page.click("header [data-action=logout]")
    assert page.url == site.base + "/login"
    assert "You are signed out." in page.inner_text("main")
    page.goto(site.base + "/incidents")
    assert "/login?next=%2Fincidents" in page.url
    # the /logout link shows a button (a GET never signs out)
    login(page, "agent")
    page.goto(site.base + "/logout")
    assert "Signed in as Ali Agent." in page.inner_text("main")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == site.base + "/login"
    assert page.goto(site.base + "/").url.startswith(site.base + "/login")


def test_a_throttled_sign_in_says_when_to_try_again(site, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(site.base + "/login")
    for _ in range(MAX_FAILURES):
        page.fill("input[name=email]", email_of("manager"))
        page.fill("input[name=password]", "not the password")
        with page.expect_navigation() as nav:
            page.click("form.stack button.primary")
        assert nav.value.status == 401
    page.fill("input[name=email]", email_of("manager"))
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation() as nav:
        page.click("form.stack button.primary")
    assert nav.value.status == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in page.inner_text("main")
    assert page.locator("header .who").count() == 0


def test_an_admin_changes_a_role_and_disables_a_user_on_the_page(site, page, login) -> None:  # type: ignore[no-untyped-def]
    login(page, "admin", next="/manage/users")
    row = page.locator(f"tr[data-user='{email_of('agent')}']")
    row.locator("select[name=role]").select_option("manager")
    row.locator("select[name=language]").select_option("tr")
    with page.expect_navigation():
        row.locator("[data-action=save]").click()
    assert f"Saved {email_of('agent')}." in page.inner_text(".flash")
    with page.expect_navigation():
        page.locator(f"tr[data-user='{email_of('agent')}'] [data-action=disable]").click()
    with session_scope(site.sessions) as s:
        user = s.scalar(select(User).where(User.email == email_of("agent")))
        assert (user.role, user.language, user.active) == ("manager", "tr", False)
    assert page.page_errors == []
