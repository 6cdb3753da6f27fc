"""``listener keys create|list|revoke``."""

from __future__ import annotations

from typing import Annotated

import typer

from listener.auth import ROLE_RANK, create_key, list_keys, revoke_key
from listener.cli.common import load_settings, ready_engine, user_errors
from listener.people import find_user
from listener.storage.db import make_session_factory, session_scope

keys_app = typer.Typer(help="Manage API keys (shown once when created, stored hashed).", no_args_is_help=True)


@keys_app.command("create")
def create(
    role: Annotated[str, typer.Option(help="viewer, agent, manager or admin")],
    name: Annotated[str, typer.Option(help="Who or what uses the key (shown in the audit trail)")],
    user: Annotated[
        str | None, typer.Option(help="The user (e-mail) the key belongs to: replies are signed as them")
    ] = None,
) -> None:
    """Create a key and print it (the only time it is shown)."""
    if role not in ROLE_RANK:
        typer.echo(f"error: unknown role {role!r}; use one of {', '.join(ROLE_RANK)}", err=True)
        raise typer.Exit(2)
    sessions = make_session_factory(ready_engine(load_settings()))
    with user_errors(), session_scope(sessions) as session:
        owner = find_user(session, user) if user else None
        row, key = create_key(session, name=name, role=role, user=owner)
    typer.echo(key)
    typer.echo(
        f"created key {row.name!r} with role {row.role}; store it now, it is not shown again", err=True
    )


@keys_app.command("list")
def list_() -> None:
    """List keys: name, role, prefix, created, last used, revoked."""
    sessions = make_session_factory(ready_engine(load_settings()))
    with session_scope(sessions) as session:
        rows = list_keys(session)
        typer.echo(f"{'NAME':24} {'ROLE':8} {'PREFIX':10} {'CREATED':20} {'LAST USED':20} REVOKED")
        for k in rows:
            typer.echo(
                f"{k.name[:24]:24} {k.role:8} {k.prefix:10} {k.created_at:%Y-%m-%d %H:%M:%S}  "
                f"{k.last_used_at.strftime('%Y-%m-%d %H:%M:%S') if k.last_used_at else '-':20} "
                f"{k.revoked_at.strftime('%Y-%m-%d %H:%M:%S') if k.revoked_at else '-'}"
            )


@keys_app.command("revoke")
def revoke(name: Annotated[str, typer.Argument(help="The key's name")]) -> None:
    """Revoke a key: it stops working at once."""
    sessions = make_session_factory(ready_engine(load_settings()))
    with user_errors(), session_scope(sessions) as session:
        revoke_key(session, name=name)
    typer.echo(f"revoked key {name!r}")
