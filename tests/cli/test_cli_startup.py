"""Startup: the commands that only read settings or the database (``--help``, ``config``, ``keys``,
``users``, ``sources``, ``migrate``) start without loading the web app, spaCy or matplotlib: those
load only in the commands that serve or analyse text. Asserted on ``sys.modules`` in a fresh
interpreter, never on timings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.cli_helpers import _clean_env

HEAVY = ("listener.app", "listener.api", "spacy", "matplotlib", "uvicorn")

PROBE = """
import json, sys
from typer.testing import CliRunner
import listener.cli
after_import = [m for m in {heavy!r} if m in sys.modules]
runner = CliRunner()
commands = (["--help"], ["config"], ["keys", "list"])
codes = [runner.invoke(listener.cli.app, args).exit_code for args in commands]
after_commands = [m for m in {heavy!r} if m in sys.modules]
print(json.dumps({{"import": after_import, "commands": after_commands, "codes": codes}}))
"""


def test_the_light_commands_load_neither_the_app_nor_spacy_nor_matplotlib(tmp_path: Path) -> None:
    env = _clean_env(LISTENER_DATABASE_URL=f"sqlite:///{tmp_path / 'startup.db'}")
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen == {"import": [], "commands": [], "codes": [0, 0, 0]}


def test_a_command_that_analyses_text_still_loads_the_nlp_when_run(tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom typer.testing import CliRunner\nimport listener.cli\n"
        "r = CliRunner().invoke(listener.cli.app, ['score', 'the refund never came'])\n"
        "print(r.exit_code, 'spacy' in sys.modules, r.output.count('sentiment'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=_clean_env(), cwd=tmp_path,
        timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "True", "1"]
