"""What every command shares: settings, an engine that is migrated (or refused), errors as exits."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from listener.demo import demo_settings
from listener.errors import ListenerError
from listener.logging import configure_logging
from listener.settings import DEFAULT_DATABASE_URL, Settings
from listener.storage import migrate
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.replies import ensure_default_templates

log = logging.getLogger(__name__)

DEMO_DATABASE_URL = "sqlite:///./listener-demo.db"


def sentence(exc: ListenerError) -> str:
    """The error's message and, when its details add something, each detail as ``field: message``
    (``[{"field": "brand", "message": "no such brand"}]`` reads ``brand: no such brand``)."""
    items = exc.details if isinstance(exc.details, list) else [exc.details] if exc.details else []
    said = []
    for item in items:
        if isinstance(item, dict):
            field, message = item.get("field"), item.get("message")
            text = f"{field}: {message}" if field and message else str(message or "")
        else:
            text = str(item)
        if text and text not in exc.message and text not in said:
            said.append(text)
    return exc.message + (f" ({'; '.join(said)})" if said else "")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr; return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings(*, find_demo: bool = True, **overrides: object) -> Settings:
    """Settings from the environment (and ``.env``) plus explicit overrides; exit 2 when invalid.

    With ``find_demo`` (every command that reads stored data), the database is the demo's
    (``./listener-demo.db``, which ``make run`` fills) while no database is configured and
    ``./listener.db`` does not exist: see :func:`demo_database_if_alone`."""
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"LISTENER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise fail(f"invalid configuration: {problems}", 2) from exc
    configure_logging(settings)
    _configure_nlp(settings)
    return demo_database_if_alone(settings) if find_demo else settings


def _configure_nlp(settings: Settings) -> None:
    """Check and use the trained spaCy pipelines of LISTENER_SPACY_MODELS (exit 2 when one is not
    installed). Without any, and with the NLP not loaded yet, there is nothing to check or reset:
    spaCy then loads only in the commands that analyse text."""
    if not settings.spacy_models and "listener.pipeline.analysis" not in sys.modules:
        return
    # imported here to keep CLI startup fast: spaCy loads only when models are configured or used
    from listener.pipeline.analysis import configure_nlp

    try:
        configure_nlp(settings)
    except ValueError as exc:
        raise fail(f"invalid configuration: LISTENER_SPACY_MODELS: {exc}", 2) from exc


def demo_database_if_alone(settings: Settings) -> Settings:
    """``settings`` on the demo's database, with the demo's settings (its replay directory, its
    local alert sink allowed), when LISTENER_DATABASE_URL is not set (environment, ``.env`` or
    option), ``./listener.db`` does not exist and ``./listener-demo.db`` does; says so on stderr.
    ``listener migrate`` does not look: it creates ``./listener.db``, and from then on every command
    uses that."""
    if "database_url" in settings.model_fields_set or settings.database_url != DEFAULT_DATABASE_URL:
        return settings
    if _sqlite_file(DEFAULT_DATABASE_URL).exists() or not _sqlite_file(DEMO_DATABASE_URL).exists():
        return settings
    typer.echo(
        "note: using the demo's database ./listener-demo.db (LISTENER_DATABASE_URL is not set and "
        "./listener.db does not exist; `listener migrate` creates it)",
        err=True,
    )
    return demo_settings(settings.model_copy(update={"database_url": DEMO_DATABASE_URL}))


def _sqlite_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def ready_engine(settings: Settings, *, upgrade_if_empty: bool = True) -> Engine:
    """An engine on a database at the newest schema: an empty database is migrated; one that is
    behind is refused with a sentence saying to run ``listener migrate``."""
    engine = make_engine(settings.database_url)
    try:
        if migrate.is_empty(engine) and upgrade_if_empty:
            migrate.upgrade(engine)
        current, head = migrate.current_revision(engine), migrate.head_revision()
    except OperationalError as exc:
        raise fail(f"cannot reach the database: {str(exc.orig).strip().splitlines()[0]}") from exc
    if current != head:
        raise fail(f"the database schema is at {current}, the code needs {head}: run `listener migrate`")
    install_defaults(engine)
    return engine


def install_defaults(engine: Engine) -> None:
    """The default reply template library: installed on the first run; later runs add new defaults
    and refresh unedited ones (edited or deleted defaults are left alone)."""

    try:
        with session_scope(make_session_factory(engine)) as session:
            ensure_default_templates(session)
    except IntegrityError:  # another process installed them at the same moment
        log.info("default reply templates were installed by another process")


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn ``ListenerError`` into an exit 1 with a sentence: its message, then what its details
    say field by field (never a Python repr)."""
    try:
        yield
    except ListenerError as exc:
        raise fail(sentence(exc)) from exc
    except KeyboardInterrupt:
        sys.exit(130)
