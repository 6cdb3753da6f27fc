"""Contract test over the NOTIFIERS registry: every channel type behaves the same way at its edges
(typed config, secrets, checked addresses, pacing, one ``send`` that never raises and says whether a
message may have arrived)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from alerts.notifiers import NOTIFIERS, Message, NotifierConfig, Outcome, Pacing
from alerts.notifiers.rendering import channel_test_payload
from listener.storage.alert_models import CHANNEL_TYPE_LENGTH
from outbound.http import guarded_client
from outbound.policy import STRICT, AddressRefused, OutboundPolicy

# one working config per channel type, aimed at host:port
EXAMPLES: dict[str, Callable[[str, int], dict[str, Any]]] = {
    "webhook": lambda host, port: {"url": f"http://{host}:{port}/in", "secret": "s3cret"},
    "slack": lambda host, port: {"webhook_url": f"http://{host}:{port}/services/T/B/x"},
    "email": lambda host, port: {
        "host": host,
        "port": port,
        "from_addr": "listener@example.com",
        "to": ["team@example.com"],
        "password": "pw",
        "username": "u",
    },
}
TYPES = list(NOTIFIERS)
LOCAL = OutboundPolicy.parse("127.0.0.1")
MESSAGE = Message(channel_test_payload("contract", datetime(2026, 12, 6, tzinfo=UTC)), "test-contract-1", 1)


def example(type_: str, port: int = 9, host: str = "127.0.0.1") -> NotifierConfig:
    return NOTIFIERS[type_].Config.model_validate(EXAMPLES[type_](host, port))


def test_every_notifier_is_registered_under_its_type() -> None:
    assert set(EXAMPLES) == set(NOTIFIERS)
    for key, notifier in NOTIFIERS.items():
        assert notifier.type == key
        assert 0 < len(key) <= CHANNEL_TYPE_LENGTH  # fits the stored channel type


@pytest.mark.parametrize("type_", TYPES)
def test_config_is_typed_and_round_trips(type_: str) -> None:
    cls = NOTIFIERS[type_].Config
    assert issubclass(cls, NotifierConfig)
    config = example(type_)
    assert cls.model_validate(config.model_dump(mode="json")) == config
    assert cls.stored({**config.model_dump(mode="json"), "retired_key": 1}) == config  # old rows load


@pytest.mark.parametrize("type_", TYPES)
def test_required_fields_are_refused_by_name_when_missing(type_: str) -> None:
    cls = NOTIFIERS[type_].Config
    assert cls.required(), "every channel needs somewhere to send to"
    with pytest.raises(ValidationError) as err:
        cls.model_validate({})
    assert {e["loc"][0] for e in err.value.errors() if e["type"] == "missing"} == set(cls.required())


@pytest.mark.parametrize("type_", TYPES)
def test_unknown_field_is_refused_by_name(type_: str) -> None:
    with pytest.raises(ValidationError) as err:
        NOTIFIERS[type_].Config.model_validate({**EXAMPLES[type_]("127.0.0.1", 9), "no_such_field": 1})
    assert err.value.errors()[0]["loc"] == ("no_such_field",)
    assert err.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize("type_", TYPES)
def test_secrets_are_masked_in_the_public_view(type_: str) -> None:
    config = example(type_)
    secret = config.fields_marked("secret")
    public = config.public()
    assert not set(secret) & set(public)
    assert all(value for value in config.secrets_set().values()), "the example sets every secret"
    shown = repr(public)
    assert not any(str(getattr(config, name)) in shown for name in secret)


@pytest.mark.parametrize("type_", TYPES)
def test_every_address_field_is_checked_by_the_outbound_policy(type_: str) -> None:
    config = example(type_)
    fields = config.fields_marked("url") + config.fields_marked("host")
    assert fields, "a notifier talks to a receiver: its address must be checked when saved"
    with pytest.raises(AddressRefused, match=rf"^({'|'.join(fields)}): "):
        config.check_addresses(STRICT)
    config.check_addresses(LOCAL)  # allowed by name in LISTENER_OUTBOUND_ALLOW
    public = example(type_, host="93.184.215.14")
    public.check_addresses(STRICT)


@pytest.mark.parametrize("type_", TYPES)
def test_pacing_and_repeat_safety_are_declared(type_: str) -> None:
    notifier = NOTIFIERS[type_]
    assert isinstance(notifier.pacing, Pacing) and notifier.pacing.min_gap >= 0
    assert notifier.pacing.key_field is None or notifier.pacing.key_field in notifier.Config.model_fields
    assert isinstance(notifier.idempotent, bool)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("type_", TYPES)
def test_a_receiver_that_is_down_is_retried(type_: str) -> None:
    with guarded_client(LOCAL, timeout=2.0) as client:
        outcome = NOTIFIERS[type_].send(client, example(type_, closed_port()), MESSAGE)
    assert isinstance(outcome, Outcome) and outcome.status == "retry", outcome


@pytest.mark.parametrize("type_", TYPES)
def test_a_refused_address_is_dead_at_connect_time(type_: str) -> None:
    with guarded_client(STRICT, timeout=2.0) as client:  # saved before the policy, refused now
        outcome = NOTIFIERS[type_].send(client, example(type_, closed_port()), MESSAGE)
    assert outcome.status == "dead" and "outbound-address policy" in (outcome.error or "")


class Silent:
    """A TCP receiver on 127.0.0.1 that reads what it is sent and never answers."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received = b""
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        self.conns.append(conn)
        conn.settimeout(3.0)
        try:
            while chunk := conn.recv(65536):
                self.received += chunk
        except OSError:
            pass

    def close(self) -> None:
        for conn in self.conns:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    s = Silent()
    yield s
    s.close()


@pytest.mark.parametrize("type_", TYPES)
def test_no_answer_is_unconfirmed_exactly_when_the_message_went_out(type_: str, silent: Silent) -> None:
    config = NOTIFIERS[type_].Config.model_validate(
        {**EXAMPLES[type_]("127.0.0.1", silent.port), "timeout": 0.5}
    )
    with guarded_client(LOCAL, timeout=2.0) as client:
        outcome = NOTIFIERS[type_].send(client, config, MESSAGE)
    # HTTP sends the request before waiting; SMTP waits for the greeting before sending anything
    expected = "unconfirmed" if silent.received else "retry"
    assert outcome.status == expected, (outcome, silent.received[:80])
