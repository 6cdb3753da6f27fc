"""``listener users create|list|disable``: the people behind API keys (their profile signs replies)."""

from __future__ import annotations

from typing import Annotated

import typer

from listener.cli.common import load_settings, ready_engine, user_errors
from listener.people import create_user, find_user, list_users, update_user
from listener.storage.audit import record
from listener.storage.db import make_session_factory, session_scope

users_app = typer.Typer(help="Manage users: agent profiles that API keys belong to.", no_args_is_help=True)


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
) -> None:
    """Create a user; give them a key with `listener keys create --user EMAIL`."""
    with user_errors(), session_scope(_sessions()) as session:
        user = create_user(
            session, email=email, display_name=name, role=role, signature=signature, language=language
        )
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
