"""Emoji search and suggestions from Russian prompts (word matching over the emoji names)."""

from __future__ import annotations

import emoji as emoji_db

from studio.pack import TELEGRAM_RULES, emoji_problems
from studio.ui.pack.suggest import EmojiIndex, suggest_keywords, words


def test_search_finds_emoji_by_russian_and_english_names():
    index = EmojiIndex()
    assert "🐱" in [e.emoji for e in index.search("кошк")]
    assert "🐱" in [e.emoji for e in index.search("cat face")]
    assert "❤️" in [e.emoji for e in index.search("red heart")]
    # Every word must match: 'cat' and 'heart' together narrow it down to the cat with hearts.
    assert [e.emoji for e in index.search("cat heart")] == ["😻"]


def test_search_with_a_pasted_emoji_finds_it_and_zwj_sequences_stay_whole():
    index = EmojiIndex()
    family = "👨‍👩‍👧"
    assert [e.emoji for e in index.search(family)] == [family]


def test_every_indexed_emoji_is_one_valid_telegram_emoji():
    entries = EmojiIndex().entries
    assert len(entries) > 3000
    assert all(emoji_db.is_emoji(e.emoji) for e in entries)
    assert emoji_problems([e.emoji for e in entries[:20]]) == []


def test_suggestions_from_a_russian_prompt_match_word_stems():
    index = EmojiIndex()
    assert "🍕" in index.suggest_emoji("пицца с сыром")
    # 'собака' (nominative) meets 'собаки' in the Russian names through the stem.
    dogs = {"🐶", "🐕"}
    assert dogs & set(index.suggest_emoji("весёлая собака"))
    assert "🔥" in index.suggest_emoji("огонь")
    assert index.suggest_emoji("и в на") == []  # only stop words: nothing to match


def test_keyword_suggestions_drop_short_and_stop_words_and_keep_telegrams_limits():
    assert suggest_keywords("рыжий кот спит на диване") == ["рыжий", "кот", "спит", "диване"]
    long_prompt = " ".join(f"слово{chr(0x430 + i)}" for i in range(30))
    chosen = suggest_keywords(long_prompt)
    rule = TELEGRAM_RULES["keywords"]
    assert 0 < len(chosen) <= rule["max_per_sticker"]
    assert sum(len(k) for k in chosen) <= rule["max_total_chars"]


def test_words_fold_yo_and_ignore_digits():
    assert words("Ёжик 2 ёлки!") == ["ежик", "елки"]
