"""The emoji picker's model, without widgets: search order, recent emoji, the choice."""

from __future__ import annotations

import pytest

from studio.ui.pack.picker_model import (
    MAX_EMOJI,
    RECENT_LIMIT,
    EmojiPickerModel,
    has_skin_tone,
    remember,
)
from studio.ui.pack.suggest import EmojiIndex


@pytest.fixture(scope="module")
def index():
    return EmojiIndex()


def test_remember_puts_the_used_first_without_repeats_and_keeps_the_limit():
    assert remember(["🐱", "🍕", "❤️"], ["❤️", "🔥"]) == ["❤️", "🔥", "🐱", "🍕"]
    many = [chr(0x1F600 + i) for i in range(40)]
    assert remember(many, ["🐱"]) == ["🐱", *many[: RECENT_LIMIT - 1]]


def test_recently_used_come_first_in_every_list(index):
    model = EmojiPickerModel(index, recent=["🍕", "🐱", "🔥"])
    assert model.results()[:3] == ["🍕", "🐱", "🔥"]
    assert model.results_heading() == "All emoji (recently used first)"
    # A search shows the matching recent ones first, then the other matches.
    model.set_query("cat")
    results = model.results()
    assert results[0] == "🐱" and results[1] == "🐈"  # the recent one, then the best match
    assert "🍕" not in results and "🔥" not in results
    assert len(results) == len(set(results)) > 5
    assert model.results_heading() == f"{len(results)} found (recently used first)"


def test_browsing_starts_with_faces_ends_with_flags_and_leaves_out_skin_tones(index):
    model = EmojiPickerModel(index)
    results = model.results()
    assert model.results_heading() == "All emoji"
    assert results[0] == "😀"
    assert results.index("🐱") < results.index("🚗") < results.index("🇷🇺")
    assert "👍" in results and "👍🏽" not in results
    assert all(has_skin_tone(c) is False for c in results)
    assert len(results) == sum(1 for e in index.entries if not has_skin_tone(e.emoji))


def test_search_puts_the_exact_name_first_and_skin_tones_after_the_plain_emoji(index):
    model = EmojiPickerModel(index)
    model.set_query("cat")
    assert model.results()[:2] == ["🐈", "🐱"]
    model.set_query("heart")
    assert model.results()[0] == "❤️"
    model.set_query("thumbs up")
    assert model.results()[0] == "👍" and "👍🏽" in model.results()


def test_unknown_or_repeated_recent_and_suggested_emoji_are_dropped(index):
    model = EmojiPickerModel(index, recent=["🐱", "x", "🐱", "🍕"], suggested=["a", "🐈", "🐈"])
    assert model.recent == ["🐱", "🍕"]
    assert model.suggested == ["🐈"]


def test_a_search_in_russian_and_one_that_finds_nothing(index):
    model = EmojiPickerModel(index)
    model.set_query("пицц")
    assert "🍕" in model.results()
    model.set_query("zzqqxx")
    assert model.results() == []
    assert "No emoji is called “zzqqxx”" in model.results_heading()


def test_picking_is_idempotent_and_stops_at_twenty(index):
    model = EmojiPickerModel(index, initial=["🐱"])
    assert not model.pick("🐱")
    assert model.chosen() == ["🐱"]
    for char in model.results()[:40]:
        model.pick(char)
    assert len(model.chosen()) == MAX_EMOJI
    assert "the most a sticker takes" in model.chosen_text()
    model.unpick("🐱")
    assert "🐱" not in model.chosen() and model.can_assign()
    model.clear()
    assert not model.can_assign()


def test_the_chosen_emoji_become_the_most_recent_on_assign(index):
    model = EmojiPickerModel(index, recent=["🍕", "🐱"])
    model.pick("🔥")
    model.pick("🐱")
    assert model.recent_after_assign() == ["🔥", "🐱", "🍕"]
