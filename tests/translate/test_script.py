"""The script check that decides whether a prompt is translated."""

from __future__ import annotations

import pytest

from studio.translate.script import is_russian, needs_translation


@pytest.mark.parametrize(
    ("text", "russian", "translate"),
    [
        ("кот в шлеме", True, False),
        ("Ёжик", True, False),
        ("a cat wearing a хвост", True, False),  # any Russian word: the user wrote for the model
        ("a cat in a space helmet", False, True),
        ("Katze mit Herz", False, True),
        ("", False, False),
        ("   ", False, False),
        ("123 !!", False, True),  # not Russian: the translator decides what it becomes
    ],
)
def test_cyrillic_letters_mean_russian(text, russian, translate):
    assert is_russian(text) is russian
    assert needs_translation(text) is translate


def test_script_check_imports_nothing_heavy():
    import subprocess
    import sys

    code = (
        "import sys; from studio.translate.script import needs_translation; "
        "from studio.translate.files import missing_files; "
        "print('torch' in sys.modules or 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
