"""Regenerate docs/screenshots/*.png: every page on the demo data, in Chromium (Debian's
/usr/bin/chromium via Playwright), signed in as the demo's admin (and a few pages in Turkish).

    .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--only incident,overview]

It seeds a scratch SQLite database with ``listener demo --no-serve --no-live`` (the same data
``make run`` shows), serves the app on a free loopback port and opens each page in ``PAGES``;
a page that answers 404 (not built on this branch) is skipped with a note. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from listener.app import create_app  # noqa: E402
from listener.demo.people import DEMO_PASSWORD  # noqa: E402
from listener.settings import Settings  # noqa: E402
from listener.storage.db import make_engine, make_session_factory, session_scope  # noqa: E402
from listener.storage.models import Incident  # noqa: E402
from tests.served import serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
# (file name, path, language); "{incident}" is the demo crisis's id
PAGES = [
    ("login", "/login", "en"),
    ("overview", "/overview?brand=Acme&range=custom&since=2026-11-13&until=2026-11-19", "en"),
    ("overview-tr", "/overview?brand=Acme&range=custom&since=2026-11-13&until=2026-11-19", "tr"),
    ("inbox", "/inbox", "en"),
    ("inbox-tr", "/inbox", "tr"),
    ("mention", "/mentions/1", "en"),
    ("approvals", "/approvals", "en"),
    ("incidents", "/incidents?status=all", "en"),
    ("incident", "/incidents/{incident}", "en"),
    ("incident-tr", "/incidents/{incident}", "tr"),
    ("reports", "/reports", "en"),
    ("authors", "/authors?brand=Acme&range=custom&since=2026-11-13&until=2026-11-19", "en"),
    ("trends", "/trends?brand=Acme&range=custom&since=2026-11-19&until=2026-11-19", "en"),
    ("manage-sources", "/manage/sources", "en"),
    ("manage-source-new", "/manage/sources/new?platform=rss", "en"),
    ("manage-brands", "/manage/queries", "en"),
    ("manage-rules", "/manage/rules", "en"),
    ("manage-templates", "/manage/templates", "en"),
    ("manage-taxonomy", "/manage/taxonomy", "en"),
    ("manage-channels", "/manage/channels", "en"),
    ("manage-channel-new", "/manage/channels/new?type=email", "en"),
    ("manage-channel-new-tr", "/manage/channels/new?type=email", "tr"),
    ("manage-silences", "/manage/silences", "en"),
    ("manage-users", "/manage/users", "en"),
    ("manage-users-tr", "/manage/users", "tr"),
    ("manage-keys", "/manage/keys", "en"),
]


def seed(db: Path) -> str:
    """The demo data in ``db`` (via the real CLI); returns the database URL."""
    url = f"sqlite:///{db}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENER_")}
    env["LISTENER_DATABASE_URL"] = url
    script = Path(sys.executable).with_name("listener")
    subprocess.run(
        [str(script), "demo", "--no-serve", "--no-live", "--database-url", url],
        check=True, env=env, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return url


def shoot(base: str, incident: int | None, out: Path, only: set[str]) -> list[str]:
    """Sign in as the demo admin and save each page; returns the file names written."""
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless=new", "--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        page = context.new_page()
        page.goto(base + "/login")
        page.screenshot(path=str(out / "login.png"), full_page=True)
        page.fill("input[name=email]", "admin@acme.example")
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form.stack button.primary")
        language = "en"
        for name, path, lang in PAGES:
            if name == "login" or (only and name not in only):
                continue
            if "{incident}" in path and incident is None:
                print(f"skip {name}: the demo opened no incident")
                continue
            if lang != language:
                page.goto(base + "/")
                with page.expect_navigation():
                    page.select_option("header select[name=lang]", lang)
                language = lang
            response = page.goto(base + path.format(incident=incident))
            if response is None or response.status == 404:
                print(f"skip {name}: {path} is not on this branch")
                continue
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(out / f"{name}.png"), full_page=True)
            written.append(f"{name}.png")
        browser.close()
    return ["login.png", *written]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", default="", help="comma-separated names from PAGES")
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url = seed(Path(tmp) / "demo.db")
        engine = make_engine(url)
        with session_scope(make_session_factory(engine)) as s:
            incident = s.scalar(select(Incident.id).order_by(Incident.id))
        settings = Settings(database_url=url, _env_file=None, session_secret="screenshots-only-" + "x" * 16)
        try:
            with serve(create_app(settings, engine=engine)) as base:
                names = shoot(base, incident, args.out, {n for n in args.only.split(",") if n})
        finally:
            engine.dispose()
    print(f"wrote {len(names)} screenshot(s) to {args.out}: {', '.join(names)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
