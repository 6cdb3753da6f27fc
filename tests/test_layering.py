"""The cores (``collectors/``, ``nlp/``, ``alerts/``) and the shared ``outbound/`` policy import
nothing from the service (``listener``): read every module's imports, function-level ones included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORES = ("collectors", "nlp", "alerts", "outbound", "publishers")


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from … import`` anywhere in the file names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", CORES)
def test_core_packages_import_nothing_from_listener(package: str) -> None:
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"no modules under {package}/"
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            m for m in imported_modules(path) if m.partition(".")[0] == "listener"
        )
        for path in modules
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_walker_sees_function_level_imports(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from listener.settings import Settings\n    import listener.jobs\n")
    assert imported_modules(module) == {"listener.settings", "listener.jobs"}
