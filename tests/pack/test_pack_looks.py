"""Named looks: within the render limits, and Telegram's tip keeps the figure off the edges."""

from __future__ import annotations

import numpy as np
import pytest

from studio.pack import PackSpec, render_for_kind, render_sticker, validate
from studio.pack.looks import (
    LOOKS,
    NEW_PACK_LOOK,
    PLAIN,
    TELEGRAM_TIP,
    look_fields,
    look_named,
    look_of,
)
from studio.pack.rules import TELEGRAM_RULES
from studio.pack.spec import RenderOptions


def _square_figure(side: int = 256) -> np.ndarray:
    """An opaque orange square filling the whole picture: the worst case for the edges."""
    rgba = np.zeros((side, side, 4), np.uint8)
    rgba[...] = (240, 150, 30, 255)
    return rgba


@pytest.mark.parametrize("look", LOOKS, ids=lambda look: look.key)
def test_every_look_is_within_the_render_rules(look):
    spec = PackSpec(title="t", name="t", stickers=[], options=look.options)
    assert [p for p in validate(spec) if p.field in ("outline_px", "padding_px")] == []
    rendered = render_sticker(_square_figure(), look.options)
    assert max(rendered.size) == TELEGRAM_RULES["sticker"]["side_px"]


def test_names_and_lookup():
    assert [look.key for look in LOOKS] == ["plain", "telegram"]
    assert look_named("telegram") is TELEGRAM_TIP
    with pytest.raises(KeyError):
        look_named("neon")
    assert look_of(RenderOptions()) is PLAIN
    assert look_of(TELEGRAM_TIP.options) is TELEGRAM_TIP
    assert look_of(RenderOptions(outline_px=3)) is None
    assert look_fields(TELEGRAM_TIP) == {"outline_px": 8, "shadow": True, "padding_px": 16}
    assert NEW_PACK_LOOK is TELEGRAM_TIP


def test_plain_touches_the_edges_and_telegrams_tip_does_not():
    plain = np.asarray(render_sticker(_square_figure(), PLAIN.options))
    assert plain[0, :, 3].max() == 255 and plain[:, 0, 3].max() == 255

    tip = np.asarray(render_sticker(_square_figure(), TELEGRAM_TIP.options))
    alpha = tip[..., 3]
    padding = TELEGRAM_TIP.options.padding_px
    # Nothing at all in the padding band on any side.
    for band in (alpha[:padding], alpha[-padding:], alpha[:, :padding], alpha[:, -padding:]):
        assert band.max() == 0
    # A white, opaque stroke just outside the orange figure, then the soft shadow's grey.
    row = tip[tip.shape[0] // 2]
    orange = np.flatnonzero((row[:, 0] > 200) & (row[:, 2] < 80))
    outside = row[orange[-1] + 3]
    assert tuple(outside[:3]) == (255, 255, 255) and outside[3] == 255
    below = tip[:, tip.shape[1] // 2]
    last_opaque = int(np.flatnonzero(below[:, 3] == 255)[-1])
    shadow = below[last_opaque + 4]
    assert 0 < shadow[3] < 255 and shadow[:3].max() < 40  # dark and half transparent


def test_telegrams_tip_fits_a_custom_emoji_too():
    emoji = render_for_kind(_square_figure(), TELEGRAM_TIP.options, "emoji")
    assert emoji.size == (100, 100)
    assert np.asarray(emoji)[..., 3].any()
