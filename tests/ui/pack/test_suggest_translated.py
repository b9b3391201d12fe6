"""Pack suggestions from a translated prompt use the words as typed too, typed words first."""

from __future__ import annotations

import pytest

from studio.library import CutoutMethod, JobSpec
from studio.ui.pack.suggest import EmojiIndex, prompt_words, suggest_keywords
from tests.ui.pack.conftest import figure_image


def test_typed_words_come_first_then_the_russian():
    text = prompt_words([("ginger cat sleeping", "рыжий кот спит"), (None, "рыжий кот спит")])
    assert text == "ginger cat sleeping рыжий кот спит"
    assert suggest_keywords(text)[:3] == ["ginger", "cat", "sleeping"]
    assert "рыжий" in suggest_keywords(text)
    assert "🍕" in EmojiIndex().suggest_emoji(prompt_words([("pizza", "пицца")]))


@pytest.mark.gui
def test_the_sticker_editor_suggests_from_both_texts(qtbot, paths):
    from studio.library import Library
    from studio.ui.pack import PackPanel

    with Library(paths) as library:
        spec = JobSpec("кот", "emojich", 2048, 0.995, 1.0, 0, 1, 1, prompt_original="ginger cat")
        job = library.create_job(spec)
        picture, mask = figure_image(0)
        candidate = library.add_candidate(job.id, 0, picture)
        library.add_cutout(candidate.id, mask, CutoutMethod.UNET, 0.9)
        panel = PackPanel(library)
        qtbot.addWidget(panel)
        panel.add_candidates([candidate.id])
        panel.sticker_list.select_index(0)
        panel.editor.suggested_keywords_button.click()
        assert library.pack_items(panel.current_pack_id())[0].keywords == ["ginger", "cat", "кот"]
        panel.shutdown()
