"""Dependencies run one way (README, "Architecture"): an app never imports an app above it,
not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

# App -> the apps above it, which it must not import.
ABOVE = {
    "tracker": {"sharing", "summaries", "config"},
    "summaries": {"sharing", "config"},
    "sharing": {"config"},
}
# Below tracker, a function may still import sharing (triage's escalation asks whom to
# alert), but no module does at import time.
ABOVE_AT_IMPORT = {
    app: {"sharing", "summaries", "config"} for app in ("triage", "notify", "accounts")
}


def imported_apps(path: Path, *, anywhere: bool = True) -> set[str]:
    """The top-level packages a module imports: wherever the import statement is, or only
    at import time (module level)."""
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree) if anywhere else tree.body:
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("app", sorted(ABOVE))
def test_an_app_imports_nothing_above_it(app: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and (found := imported_apps(path) & ABOVE[app])
    }
    assert wrong == {}


@pytest.mark.parametrize("app", sorted(ABOVE_AT_IMPORT))
def test_an_app_below_tracker_imports_nothing_above_tracker_at_import_time(app: str) -> None:
    wrong = {
        str(path.relative_to(ROOT)): sorted(found)
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
        and (found := imported_apps(path, anywhere=False) & ABOVE_AT_IMPORT[app])
    }
    assert wrong == {}


def test_the_scan_sees_imports_inside_functions(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text("def f():\n    from sharing.consent import revoke\n    import summaries\n")
    assert imported_apps(module) == {"sharing", "summaries"}
    assert imported_apps(module, anywhere=False) == set()
