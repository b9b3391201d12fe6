"""The pack panel's Look: a new pack starts with Telegram's tip, a preset sets outline, shadow
and padding at once, the preview draws it, and hand-made values show as Custom."""

from __future__ import annotations

import numpy as np
import pytest

from studio.pack import load_source, render_sticker
from studio.pack.looks import PLAIN, TELEGRAM_TIP
from tests.ui.pack.conftest import add_candidates

pytestmark = pytest.mark.gui


def _shown_pixels(panel):
    shown = panel.preview.shown_image()
    return np.frombuffer(bytes(shown.constBits()), np.uint8).reshape(
        shown.height(), shown.width(), 4
    )


def _wait_for_preview(panel, qtbot, options):
    entry = panel.entries[0]
    expected = np.asarray(render_sticker(load_source(entry.source), options))
    qtbot.waitUntil(
        lambda: (
            panel.preview.shown_image() is not None
            and _shown_pixels(panel).shape == expected.shape
            and np.array_equal(_shown_pixels(panel), expected)
        ),
        timeout=10_000,
    )
    return expected


def test_a_new_pack_starts_with_telegrams_tip_and_the_preview_shows_it(panel, library, qtbot):
    panel.add_candidates(add_candidates(library, 1))
    pack = library.pack(panel.current_pack_id())
    assert (pack.outline_px, pack.shadow, pack.padding_px) == (8, True, 16)
    assert panel.fields.chosen_look() == "telegram"
    assert panel.options() == TELEGRAM_TIP.options
    panel.sticker_list.select_index(0)
    shown = _wait_for_preview(panel, qtbot, TELEGRAM_TIP.options)
    assert shown[:16, :, 3].max() == 0  # the padding keeps the figure off the top edge


def test_choosing_a_look_sets_all_three_fields_and_redraws(panel, library, qtbot):
    panel.add_candidates(add_candidates(library, 1))
    panel.sticker_list.select_index(0)
    panel.fields.choose_look("plain")
    pack = library.pack(panel.current_pack_id())
    assert (pack.outline_px, pack.shadow, pack.padding_px) == (0, False, 0)
    assert (panel.fields.outline.value(), panel.fields.shadow.isChecked()) == (0, False)
    shown = _wait_for_preview(panel, qtbot, PLAIN.options)
    assert shown[:, 0, 3].max() > 0 or shown[0, :, 3].max() > 0  # plain reaches an edge
    # The combo, as the user picks from it.
    combo = panel.fields.look
    combo.setCurrentIndex(combo.findData("telegram"))
    combo.activated.emit(combo.currentIndex())
    assert library.pack(panel.current_pack_id()).padding_px == 16
    _wait_for_preview(panel, qtbot, TELEGRAM_TIP.options)


def test_hand_made_values_show_as_custom(panel, library):
    panel.add_candidates(add_candidates(library, 1))
    panel.fields.outline.setValue(3)
    assert library.pack(panel.current_pack_id()).outline_px == 3
    assert panel.fields.chosen_look() == "custom"
    panel.fields.outline.setValue(8)
    assert panel.fields.chosen_look() == "telegram"
