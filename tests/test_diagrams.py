"""Each form's committed diagram matches its declaration (regenerate: python -m conversations.diagrams)."""

from conversations.diagrams import FOLDER, diagrams


def test_every_form_has_an_up_to_date_diagram():
    for name, text in diagrams().items():
        path = FOLDER / f"{name}.mmd"
        assert path.exists(), f"{path} is missing: run python -m conversations.diagrams"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path} is stale: run python -m conversations.diagrams"
        )
