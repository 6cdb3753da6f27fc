"""The ``listener`` commands: serve, demo, migrate, config, keys, users, import, export, and the
collection and NLP commands. Importing this module stays light (no app, no NLP, no reports): the
commands that need those import them when they run."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from listener.cli.alerts import backtest
from listener.cli.collect import collect, sources, worker
from listener.cli.common import DEMO_DATABASE_URL, install_defaults, load_settings, ready_engine
from listener.cli.keys import keys_app
from listener.cli.nlp import reanalyze, score
from listener.cli.transfer import export, import_
from listener.cli.users import users_app
from listener.demo import demo_settings
from listener.storage import migrate as migrations
from listener.storage.db import make_engine

app = typer.Typer(
    help="Listener: self-hosted social listening and reputation monitoring.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.command()(score)
app.command()(worker)
app.command()(collect)
app.command()(sources)
app.command()(reanalyze)
app.command()(backtest)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (LISTENER_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (LISTENER_PORT)")] = None,
) -> None:
    """Serve the API and the pages. An empty database is migrated first."""
    # imported here to keep CLI startup fast: the app (every router, reports, NLP) loads only to serve
    from listener.cli.server import serve_app

    settings = load_settings(host=host, port=port)
    engine = ready_engine(settings)
    typer.echo(f"Listener serving on http://{settings.host}:{settings.port}  (API docs at /docs)", err=True)
    serve_app(settings, engine)


@app.command()
def migrate() -> None:
    """Upgrade the database to the newest schema (safe to run again); without LISTENER_DATABASE_URL
    that is ./listener.db, created if missing (never the demo's)."""
    settings = load_settings(find_demo=False)
    engine = make_engine(settings.database_url)
    migrations.upgrade(engine)
    install_defaults(engine)
    typer.echo(f"database at revision {migrations.head_revision()}")


@app.command()
def config() -> None:
    """Print the effective settings as JSON (secrets shown only as "set")."""
    typer.echo(json.dumps(load_settings().public_dict(), indent=2, default=str))


app.command("import")(import_)
app.command()(export)


@app.command()
def demo(
    database_url: Annotated[str, typer.Option(help="Where the demo keeps its data")] = DEMO_DATABASE_URL,
    host: Annotated[str | None, typer.Option(help="Bind address")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Seed and exit")] = False,
    no_live: Annotated[
        bool, typer.Option("--no-live", help="Do not replay the sample as mentions arriving live")
    ] = False,
) -> None:
    """Everything in one process, offline: seed brands and the bundled sample, then serve, while a
    background thread replays the sample as new mentions arriving live (14 days in 10 minutes)."""
    # imported here to keep CLI startup fast: the app, the worker and the demo seeders load only for it
    from listener.cli.demo import run_demo

    settings = demo_settings(
        load_settings(database_url=database_url, host=host, port=port, pages_anonymous=True)
    )
    if not settings.support_url:  # the demo brand's (fictional) help centre, for {{ link }} in replies
        settings = settings.model_copy(update={"support_url": "https://acme.example/help"})
    run_demo(settings, no_serve=no_serve, no_live=no_live)
