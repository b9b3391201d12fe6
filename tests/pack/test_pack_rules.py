"""The rules data says what docs/TELEGRAM.md says, and cannot be changed by accident."""

from __future__ import annotations

import re

import pytest

from studio.pack import TELEGRAM_RULES, sticker_file_name


def test_limits_match_telegram_doc():
    assert TELEGRAM_RULES["sticker"]["side_px"] == 512
    assert TELEGRAM_RULES["sticker"]["max_bytes"] == 512_000
    assert TELEGRAM_RULES["sticker"]["format"] == "WEBP"
    assert TELEGRAM_RULES["set"]["max_stickers"] == 120
    assert TELEGRAM_RULES["set"]["stickers_per_create_call"] == 50
    assert TELEGRAM_RULES["emoji"] == {"min_per_sticker": 1, "max_per_sticker": 20}
    assert TELEGRAM_RULES["keywords"]["max_per_sticker"] == 20
    assert TELEGRAM_RULES["keywords"]["max_total_chars"] == 64
    assert TELEGRAM_RULES["title"]["max_chars"] == 64
    assert TELEGRAM_RULES["name"]["max_chars"] == 64
    thumb = TELEGRAM_RULES["thumbnail"]
    assert (thumb["width_px"], thumb["height_px"]) == (100, 100)
    assert thumb["max_bytes"] <= 32 * 1000  # 32 KB however a kilobyte is counted


def test_rules_are_read_only():
    with pytest.raises(TypeError):
        TELEGRAM_RULES["sticker"]["max_bytes"] = 10**9  # type: ignore[index]


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("cats", True),
        ("Cats_2024_by_mybot", True),
        ("a", True),
        ("2cats", False),
        ("_cats", False),
        ("cats__dogs", False),
        ("cats-dogs", False),
        ("котики", False),
        ("cats dogs", False),
    ],
)
def test_name_pattern(name, ok):
    assert bool(re.fullmatch(TELEGRAM_RULES["name"]["pattern"], name)) is ok


def test_sticker_file_names_are_one_based_and_padded():
    assert sticker_file_name(0) == "001.webp"
    assert sticker_file_name(119) == "120.webp"
