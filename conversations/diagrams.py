"""Write each form's mermaid diagram beside the code: `python -m conversations.diagrams`.

The diagrams are generated from the flows' declarations; a test fails when one is out of date.
"""

from __future__ import annotations

from pathlib import Path

from conversations import build_registry
from conversations.flow import Form

FOLDER = Path(__file__).parent / "diagrams"


def diagrams() -> dict[str, str]:
    registry = build_registry()
    return {name: flow.mermaid() for name, flow in registry.flows.items() if isinstance(flow, Form)}


def main() -> None:
    FOLDER.mkdir(exist_ok=True)
    for name, text in diagrams().items():
        (FOLDER / f"{name}.mmd").write_text(text, encoding="utf-8")
        print(f"wrote {FOLDER / f'{name}.mmd'}")


if __name__ == "__main__":
    main()
