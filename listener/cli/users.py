"""``listener users create|list|disable|set-password``: people (their profile signs replies; with a
password they sign in to the pages)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from listener.cli.common import fail, load_settings, ready_engine, user_errors
from listener.people import create_user, find_user, list_users, update_user
from listener.storage.audit import record
from listener.storage.db import make_session_factory, session_scope

users_app = typer.Typer(
    help="Manage users: people who sign in to the pages and whose profile signs replies.",
    no_args_is_help=True,
)


def _sessions():  # type: ignore[no-untyped-def]
    return make_session_factory(ready_engine(load_settings()))


@users_app.command("create")
def create(
    email: Annotated[str, typer.Option(help="The person's e-mail address (unique)")],
    name: Annotated[str, typer.Option(help="Display name, used to sign replies")],
    role: Annotated[str, typer.Option(help="viewer, agent, manager or admin (caps the role of their keys)")],
    signature: Annotated[
        str | None, typer.Option(help='Sign-off (default "<name>, <brand> Support")')
    ] = None,
    language: Annotated[str, typer.Option(help="Two-letter language code, e.g. en or tr")] = "en",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the page password from the first line of stdin")
    ] = False,
) -> None:
    """Create a user; with --password-stdin they can sign in to the pages (or run `users set-password`
    later); give them a key with `listener keys create --user EMAIL`."""
    # imported here to keep CLI startup fast: the password hasher warms up (~0.2 s) when imported
    from listener.accounts import set_password

    password = read_password() if password_stdin else None
    with user_errors(), session_scope(_sessions()) as session:
        user = create_user(
            session, email=email, display_name=name, role=role, signature=signature, language=language
        )
        if password is not None:
            set_password(user, password)
        record(
            session, actor="cli", entity="user", entity_id=user.id, action="create", changes={"role": role}
        )
        typer.echo(f"created user {user.email} ({user.role}, id {user.id})")


@users_app.command("list")
def list_() -> None:
    """List users: id, e-mail, role, language, active, display name."""
    with session_scope(_sessions()) as session:
        typer.echo(f"{'ID':>4} {'EMAIL':32} {'ROLE':8} {'LANG':4} {'ACTIVE':6} NAME")
        for u in list_users(session):
            typer.echo(
                f"{u.id:>4} {u.email[:32]:32} {u.role:8} {u.language:4} {'yes' if u.active else 'no':6} "
                f"{u.display_name}"
            )


@users_app.command("disable")
def disable(user: Annotated[str, typer.Argument(help="The user's e-mail address or id")]) -> None:
    """Disable a user: every key they hold stops working at once."""
    with user_errors(), session_scope(_sessions()) as session:
        row = update_user(session, find_user(session, user), active=False)
        record(session, actor="cli", entity="user", entity_id=row.id, action="disable", changes={})
        typer.echo(f"disabled user {row.email}; their keys no longer work")


def read_password() -> str:
    """The password: the first line of stdin when it is piped, else asked twice without echo."""
    if sys.stdin is None or sys.stdin.closed:
        raise fail("no password given: pipe it on stdin (echo ... | listener users set-password EMAIL)")
    if sys.stdin.isatty():
        return typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line.strip():
        raise fail("no password on stdin: pipe it as the first line")
    return line.rstrip("\r\n")


@users_app.command("set-password")
def set_password_(user: Annotated[str, typer.Argument(help="The user's e-mail address or id")]) -> None:
    """Set a user's page password (first line of stdin, or asked twice); ends their other sessions."""
    # imported here to keep CLI startup fast: the password hasher warms up (~0.2 s) when imported
    from listener.accounts import set_password

    password = read_password()
    with user_errors(), session_scope(_sessions()) as session:
        row = find_user(session, user)
        set_password(row, password)
        record(session, actor="cli", entity="user", entity_id=row.id, action="set_password", changes={})
        typer.echo(f"password set for {row.email}")
