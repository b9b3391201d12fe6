"""Which texts Emojich can read as they are: a cheap script check, safe on the UI thread."""

from __future__ import annotations

import unicodedata


def is_russian(text: str) -> bool:
    """True when the text holds a Cyrillic letter: it is read as Russian and sent unchanged.

    A script check, not language detection: mixed text with any Russian word is left alone,
    because the user clearly wrote for the model."""
    return any(ch.isalpha() and "CYRILLIC" in unicodedata.name(ch, "") for ch in text)


def needs_translation(text: str) -> bool:
    """True for any text that is not blank and not Russian: it goes through the translator."""
    return bool(text.strip()) and not is_russian(text)
