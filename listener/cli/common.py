"""What every command shares: settings, an engine that is migrated (or refused), errors as exits."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from pydantic import ValidationError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, OperationalError

from listener.errors import ListenerError
from listener.logging import configure_logging
from listener.pipeline.analysis import configure_nlp
from listener.settings import Settings
from listener.storage import migrate
from listener.storage.db import make_engine, make_session_factory, session_scope
from listener.storage.replies import ensure_default_templates

log = logging.getLogger(__name__)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` on stderr; return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment (and ``.env``) plus explicit overrides; exit 2 when invalid."""
    try:
        settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"LISTENER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise fail(f"invalid configuration: {problems}", 2) from exc
    configure_logging(settings)

    try:
        configure_nlp(settings)
    except ValueError as exc:
        raise fail(f"invalid configuration: LISTENER_SPACY_MODELS: {exc}", 2) from exc
    return settings


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
    """Turn ``ListenerError`` into an exit with its message."""
    try:
        yield
    except ListenerError as exc:
        detail = f" ({exc.details})" if exc.details else ""
        raise fail(exc.message + detail) from exc
    except KeyboardInterrupt:
        sys.exit(130)
