"""validate() reports every broken rule, with its field and sticker, in words a user can act on."""

from __future__ import annotations

import re

import emoji as emoji_db
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from studio.errors import StudioError
from studio.pack import (
    TELEGRAM_RULES,
    InvalidEmoji,
    PackInvalid,
    PackSpec,
    RenderOptions,
    StickerSpec,
    emoji_problems,
    ensure_valid,
    keyword_problems,
    name_problems,
    split_emoji,
    title_problems,
    validate,
)

PICTURE = Image.new("RGBA", (4, 4))


def pack(n=1, emoji=("😀",), keywords=(), title="Cats", name="cats", options=None):
    stickers = [StickerSpec(PICTURE, list(emoji), list(keywords)) for _ in range(n)]
    return PackSpec(title, name, stickers, options or RenderOptions())


def test_a_good_pack_has_no_problems():
    assert validate(pack(n=120, emoji=["😀", "👨‍👩‍👧"], keywords=["cat", "happy"])) == []


def test_every_problem_is_reported_with_its_field_and_sticker():
    spec = PackSpec(
        title="",
        name="1 bad",
        stickers=[
            StickerSpec(PICTURE, ["😀"]),
            StickerSpec(PICTURE, []),
            StickerSpec(PICTURE, ["x"], ["k" * 65]),
        ],
        options=RenderOptions(outline_px=99),
    )
    problems = validate(spec)
    fields = [(p.field, p.sticker) for p in problems]
    assert ("title", None) in fields
    assert ("name", None) in fields
    assert ("emoji_list", 1) in fields
    assert ("emoji_list", 2) in fields
    assert ("keywords", 2) in fields
    assert ("outline_px", None) in fields
    assert ("emoji_list", 0) not in fields
    assert all(p.message for p in problems)
    assert str(next(p for p in problems if p.sticker == 2 and p.field == "emoji_list")).startswith(
        "sticker 3: "
    )


@pytest.mark.parametrize("count", [0, 121])
def test_sticker_count_limits(count):
    problems = validate(pack(n=count))
    assert [p.field for p in problems] == ["stickers"]
    assert "120" in problems[0].message or "empty" in problems[0].message


def test_too_many_stickers_says_how_many_to_remove():
    (problem,) = validate(pack(n=125))
    assert "remove 5" in problem.message


@pytest.mark.parametrize(
    ("title", "fragment"),
    [
        ("", "needs a title"),
        ("   ", "needs a title"),
        ("x" * 65, "65 characters"),
        ("two\nlines", "line break"),
    ],
)
def test_bad_titles(title, fragment):
    problems = title_problems(title)
    assert problems and fragment in problems[0]


def test_title_of_64_characters_is_fine():
    assert title_problems("é" * 64) == []


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "needs a name"),
        ("2cats", "start with an English letter"),
        ("cats__dogs", "two underscores"),
        ("cats-dogs", "'-'"),
        ("котики", "English letters"),
        ("c" * 65, "65 characters"),
    ],
)
def test_bad_names(name, fragment):
    problems = name_problems(name)
    assert any(fragment in p for p in problems), problems


def test_bot_sets_need_the_bot_suffix():
    assert name_problems("cats", bot_username="mybot") == [
        "a name for a bot's set must end in _by_mybot"
    ]
    assert name_problems("cats_by_mybot", bot_username="mybot") == []
    assert validate(pack(name="cats"), bot_username="mybot")[0].field == "name"


@pytest.mark.parametrize("emoji", ["😀", "👨‍👩‍👧", "👍🏽", "🏳️‍🌈", "❤️", "🇫🇷", "#️⃣"])
def test_real_emoji_including_zwj_sequences_pass(emoji):
    assert emoji_problems([emoji]) == []


def test_emoji_problems():
    assert "at least one" in emoji_problems([])[0]
    assert "not an emoji" in emoji_problems(["a"])[0]
    assert "2 emoji in one entry" in emoji_problems(["😀😎"])[0]
    assert "20 at most" in emoji_problems(["😀"] * 21)[0]
    assert emoji_problems(["😀"] * 20) == []


def test_keyword_problems():
    assert keyword_problems([]) == []
    assert keyword_problems(["k"] * 20) == []
    assert "20 at most" in keyword_problems(["k"] * 21)[0]
    assert "empty" in keyword_problems(["cat", " "])[0]
    assert keyword_problems(["x" * 64]) == []
    assert "65 characters" in keyword_problems(["x" * 60, "abcde"])[0]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        (RenderOptions(outline_px=-1), "outline_px"),
        (RenderOptions(outline_px=33), "outline_px"),
        (RenderOptions(padding_px=65), "padding_px"),
        (RenderOptions(padding_px=2.5), "padding_px"),  # type: ignore[arg-type]
    ],
)
def test_render_options_limits(options, field):
    assert [p.field for p in validate(pack(options=options))] == [field]


def test_ensure_valid_raises_a_studio_error_naming_the_sticker():
    spec = PackSpec(
        "Cats", "cats", [StickerSpec(PICTURE, ["😀"]), StickerSpec(PICTURE, ["no"], label="b.png")]
    )
    with pytest.raises(PackInvalid) as caught:
        ensure_valid(spec)
    assert isinstance(caught.value, StudioError)
    assert str(caught.value).startswith("sticker 2 (b.png): 'no' is not an emoji")
    assert len(caught.value.problems) == 1


def test_split_emoji_keeps_sequences_whole():
    assert split_emoji("😀👨‍👩‍👧 👍🏽,🏳️‍🌈") == ["😀", "👨‍👩‍👧", "👍🏽", "🏳️‍🌈"]


@pytest.mark.parametrize("text", ["", "  ", "smile", "😀x", ":smile:"])
def test_split_emoji_refuses_text(text):
    with pytest.raises(InvalidEmoji):
        split_emoji(text)


NAME_ALPHABET = "abcXYZ019_-. é"


@settings(max_examples=200, deadline=None)
@given(name=st.text(alphabet=NAME_ALPHABET, max_size=70))
def test_name_checks_agree_with_the_rules_pattern(name):
    """The granular messages accept exactly what the rules' pattern and length limits accept."""
    rule = TELEGRAM_RULES["name"]
    expected = bool(re.fullmatch(rule["pattern"], name)) and len(name) <= rule["max_chars"]
    assert (name_problems(name) == []) is expected


ALL_EMOJI = sorted(emoji_db.EMOJI_DATA)


@settings(max_examples=100, deadline=None)
@given(
    picked=st.lists(st.sampled_from(ALL_EMOJI), min_size=1, max_size=8),
    separators=st.lists(st.sampled_from([" ", ",", ", ", "  "]), min_size=8, max_size=8),
)
def test_split_emoji_returns_each_emoji_whole(picked, separators):
    """Any emoji the database knows, ZWJ and keycap sequences and flags included, survives."""
    text = "".join(e + sep for e, sep in zip(picked, separators, strict=False))
    assert split_emoji(text) == picked
    assert emoji_problems(picked) == []
