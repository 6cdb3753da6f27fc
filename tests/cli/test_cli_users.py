"""``listener users create|list|disable`` and ``listener keys create --user`` in the real console script."""

from __future__ import annotations

from listener.accounts import sign_in
from listener.storage.db import make_engine, make_session_factory, session_scope
from tests.cli.cli_helpers import KEY_RE, _authenticates, _ok


def test_users_create_list_disable_and_a_users_key(cli, sqlite_url):
    created = _ok(
        cli("users", "create", "--email", "Ayse@Kargola.example", "--name", "Ayşe Demir", "--role", "manager",
            "--language", "tr", "--signature", "Ayşe D., Kargola Destek")
    )  # fmt: skip
    assert "created user ayse@kargola.example (manager" in created.stdout
    listed = _ok(cli("users", "list")).stdout.splitlines()
    assert any(
        "ayse@kargola.example" in line and "manager" in line and "Ayşe Demir" in line for line in listed
    )
    key = KEY_RE.findall(
        _ok(
            cli("keys", "create", "--role", "agent", "--name", "ayse", "--user", "ayse@kargola.example")
        ).stdout
    )[0]
    assert _authenticates(sqlite_url, key)
    too_high = cli("keys", "create", "--role", "admin", "--name", "ayse2", "--user", "ayse@kargola.example")
    assert (
        too_high.returncode == 1 and "manager" in too_high.stderr and KEY_RE.search(too_high.stdout) is None
    )
    twice = cli("users", "create", "--email", "ayse@kargola.example", "--name", "A", "--role", "agent")
    assert twice.returncode == 1 and "already exists" in twice.stderr
    bad = cli("users", "create", "--email", "nope", "--name", "A", "--role", "agent")
    assert bad.returncode == 1 and "e-mail" in bad.stderr
    _ok(cli("users", "disable", "ayse@kargola.example"))
    assert not _authenticates(sqlite_url, key)
    assert "no " in _ok(cli("users", "list")).stdout.splitlines()[1]
    missing = cli("users", "disable", "nobody@x.example")
    assert missing.returncode == 1 and "nobody@x.example" in missing.stderr


def test_users_get_a_page_password_from_stdin(cli, sqlite_url):
    made = cli(
        "users", "create", "--email", "mina@acme.example", "--name", "Mina", "--role", "manager",
        "--password-stdin", input="first passphrase here\n",
    )  # fmt: skip
    _ok(made)

    def works(password: str) -> bool:
        engine = make_engine(sqlite_url)
        try:
            with session_scope(make_session_factory(engine)) as s:
                return sign_in(s, "mina@acme.example", password, "127.0.0.1") is not None
        finally:
            engine.dispose()

    assert works("first passphrase here")
    _ok(cli("users", "set-password", "mina@acme.example", input="second passphrase now\n"))
    assert works("second passphrase now") and not works("first passphrase here")
    short = cli("users", "set-password", "mina@acme.example", input="short\n")
    assert short.returncode == 1 and "at least 10 characters" in short.stderr
    empty = cli("users", "set-password", "mina@acme.example", input="\n")
    assert empty.returncode == 1 and "no password on stdin" in empty.stderr
    nobody = cli("users", "set-password", "nobody@acme.example", input="whatever passphrase\n")
    assert nobody.returncode == 1 and "nobody@acme.example" in nobody.stderr
