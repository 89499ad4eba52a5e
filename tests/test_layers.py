"""The layers hold: every module of handlers/ and conversations/ imports without bot/, and none
names bot/ in an import at all (not even for type checking); storage/ imports none of ours."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def test_importing_every_module_of_handlers_and_conversations_loads_nothing_of_bot():
    names = modules("conversations") + modules("handlers")  # each package before its modules
    assert "handlers.sender" in names and "conversations.staff.actions" in names
    script = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'bot' or m.startswith('bot.')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_module_of_handlers_conversations_or_storage_names_bot_in_an_import():
    crossing = {}
    for package, forbidden in (
        ("handlers", ("bot",)),
        ("conversations", ("bot", "handlers", "staff_console")),
        ("storage", ("bot", "handlers", "conversations", "staff_console")),
    ):
        for path in sorted((ROOT / package).rglob("*.py")):
            bad = {n for n in imported(path) if n.split(".")[0] in forbidden}
            if bad:
                crossing[str(path.relative_to(ROOT))] = sorted(bad)
    assert crossing == {}
