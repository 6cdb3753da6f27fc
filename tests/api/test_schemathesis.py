"""Schemathesis over every /api/v1 operation, on both backends: a short, seeded (derandomized) run
with an admin key, valid and invalid data for each operation, and no answer may be a server error.
Left out: key revocation (it would revoke the key the run uses) and the event stream (a valid
request is an endless response by design; its validation has its own tests in
``tests/api/test_stream.py``).

The schema is read once from an app on a throwaway SQLite file; each generated request goes
through the test's own client, i.e. the app on the backend under test. ``LISTENER_FUZZ_EXAMPLES``
raises the examples per operation and mode for the longer local run in the README."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from listener.app import create_app
from listener.settings import Settings

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LISTENER_FUZZ_EXAMPLES", "10"))
SKIP = re.compile(r"/revoke$|^/api/v1/stream$")
_SCHEMA_DB = Path(tempfile.mkdtemp(prefix="listener-fuzz-")) / "schema.db"
SCHEMA = schemathesis.openapi.from_dict(
    create_app(Settings(database_url=f"sqlite:///{_SCHEMA_DB}")).openapi()
)


def _operations() -> list[schemathesis.APIOperation]:
    ops = [result.ok() for result in SCHEMA.get_all_operations()]
    return [op for op in ops if op.path.startswith("/api/v1/") and not SKIP.search(op.path)]


def test_no_operation_answers_with_a_server_error(client, keys):  # type: ignore[no-untyped-def]
    auth = {"Authorization": f"Bearer {keys['admin']}"}
    failures: list[str] = []
    operations = _operations()
    assert len(operations) > 60
    for operation in operations:
        for mode in schemathesis.GenerationMode:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                derandomize=True,  # seeded: the same cases every run
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def call(case):  # type: ignore[no-untyped-def]
                sent = case.as_transport_kwargs(base_url="http://testserver", headers=auth)
                sent.pop("cookies", None)
                response = client.request(**sent)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path} {sent}: {response.text[:300]}")

            try:
                call()
            except Unsatisfiable:  # nothing to make invalid (an operation without parameters)
                assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
    assert not failures, "\n".join(failures[:20])
