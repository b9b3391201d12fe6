"""Pale specks detached from the figure are removed, and the cut-out says so."""

import cv2
import numpy as np

from studio.segment import islands

PAPER = (253, 252, 252)  # Emojich's paper, measured on its published outputs


def _picture_with(speck_colour):
    """A 200 px picture: a red disc (the figure) and a small blob of `speck_colour` beside it,
    with a mask that keeps both half-opaque to opaque."""
    rgb = np.zeros((200, 200, 3), np.uint8)
    rgb[:] = PAPER
    mask = np.zeros((200, 200), np.uint8)
    cv2.circle(rgb, (90, 100), 50, (200, 30, 40), -1)
    cv2.circle(mask, (90, 100), 50, 255, -1)
    cv2.circle(rgb, (170, 40), 6, speck_colour, -1)
    cv2.circle(mask, (170, 40), 6, 150, -1)
    cv2.circle(mask, (170, 40), 8, 10, 1)  # the faint fringe round it
    return rgb, mask


def test_a_pale_detached_speck_is_removed_with_its_fringe_and_noted():
    rgb, mask = _picture_with((245, 252, 252))  # a faint cyan blotch
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[30:51, 160:181].max() == 0
    assert np.array_equal(cleaned[:, :150], mask[:, :150])  # the figure is untouched
    assert note == "removed 1 pale speck detached from the figure"


def test_a_coloured_detached_part_stays():
    rgb, mask = _picture_with((40, 120, 230))  # a sweat drop: drawn, not paper
    cleaned, note = islands.remove_specks(rgb, mask)
    assert np.array_equal(cleaned, mask) and note is None


def test_a_large_pale_part_is_not_a_speck():
    rgb, mask = _picture_with((245, 252, 252))
    cv2.circle(rgb, (160, 160), 30, (244, 250, 250), -1)  # as large as a second figure
    cv2.circle(mask, (160, 160), 30, 255, -1)
    cv2.circle(mask, (90, 100), 50, 255, -1)
    found = islands.detached_specks(rgb, mask)
    assert found.count(islands.PALE) == 1 and found.pixels[160, 160] == 0 and found.pixels[40, 170]


def test_one_figure_alone_has_no_specks():
    rgb, mask = _picture_with((245, 252, 252))
    mask[:, 150:] = 0
    found = islands.detached_specks(rgb, mask)
    assert found.count(islands.PALE) == 0 and not found.pixels.any()


def test_a_pale_speck_joined_to_the_figure_only_by_a_faint_halo_is_removed():
    rgb, mask = _picture_with((245, 252, 252))
    cv2.line(mask, (138, 90), (166, 44), 60, 3)  # a faint bridge, below half opacity
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[34:47, 164:177].max() < 128  # the speck's opaque core is gone
    assert note == "removed 1 pale speck detached from the figure"
    assert np.array_equal(cleaned[:, :140] >= 128, mask[:, :140] >= 128)


def test_a_wide_faint_pale_smudge_is_removed_but_a_wide_faint_coloured_one_stays():
    rgb, mask = _picture_with((245, 252, 252))
    mask[:, 150:] = 0
    smudge = np.zeros_like(mask)
    cv2.circle(smudge, (170, 160), 28, 70, -1)  # 2,400 px, more than 2% of the picture
    assert (smudge > 0).sum() > islands.MAX_PICTURE_SHARE * mask.size
    rgb[smudge > 0] = (250, 252, 252)  # paper, a little bluer
    cleaned, note = islands.remove_specks(rgb, np.maximum(mask, smudge))
    assert cleaned[130:190, 145:199].max() == 0
    assert note == "removed 1 pale speck detached from the figure"

    rgb[smudge > 0] = (230, 120, 60)  # a faint orange glow: paint, not paper
    kept, note = islands.remove_specks(rgb, np.maximum(mask, smudge))
    assert np.array_equal(kept, np.maximum(mask, smudge)) and note is None


def test_a_wide_opaque_island_of_paper_goes_where_the_network_doubts_it():
    # The paper between two people, kept opaque and cut off from both: wider than a speck.
    rgb, mask = _picture_with((245, 252, 252))
    mask[:, 150:] = 0
    cv2.circle(mask, (170, 165), 20, 255, -1)  # paper's colour, about 1,260 px
    assert (mask[:, 150:] > 0).sum() > islands.MAX_PICTURE_SHARE * mask.size
    probability = (mask >= 128).astype(np.float32)
    probability[:, 140:] *= 0.6  # the network half keeps it

    cleaned, note = islands.remove_specks(rgb, mask, probability)
    assert cleaned[:, 150:].max() == 0
    assert np.array_equal(cleaned[:, :130], mask[:, :130])  # the figure is untouched
    assert note == "removed 1 pale speck detached from the figure"

    # Sure of it, or no network's opinion to go by: a part like any other, left.
    sure = (mask >= 128).astype(np.float32) * 0.95
    for kept, note in (islands.remove_specks(rgb, mask, sure), islands.remove_specks(rgb, mask)):
        assert np.array_equal(kept, mask) and note is None

    # Doubted but drawn (a colour of its own): it stays.
    rgb[:, 145:][mask[:, 145:] > 0] = (40, 120, 230)
    kept, note = islands.remove_specks(rgb, mask, probability)
    assert np.array_equal(kept, mask) and note is None


def test_a_doubted_white_part_the_figure_walls_in_stays():
    # A white bar in a blue square, cut off from the square by a transparent rim: drawn.
    rgb = np.full((200, 200, 3), 255, np.uint8)
    mask = np.zeros((200, 200), np.uint8)
    rgb[20:180, 20:180] = (30, 80, 200)
    mask[20:180, 20:180] = 255
    rgb[50:150, 80:100] = 255
    mask[48:152, 78:102] = 0  # the rim
    mask[50:150, 80:100] = 255  # 2,000 px, 5% of the picture
    probability = (mask >= 128).astype(np.float32)
    probability[50:150, 80:100] = 0.6
    kept, note = islands.remove_specks(rgb, mask, probability)
    assert np.array_equal(kept, mask) and note is None


def test_a_faint_smudge_a_cleared_speck_cut_off_from_the_figure_goes_too():
    rgb, mask = _picture_with((245, 252, 252))
    # A faint smudge of paper beyond the speck: a faint bridge joins it to the speck, and
    # the speck to the figure. Clearing the speck with its fringe cuts the smudge off.
    cv2.line(mask, (138, 90), (166, 44), 60, 3)
    cv2.line(mask, (176, 34), (185, 20), 60, 3)
    cv2.circle(rgb, (190, 12), 8, (250, 252, 252), -1)
    cv2.circle(mask, (190, 12), 8, 70, -1)
    first = islands.detached_specks(rgb, mask)
    # Joined until the speck goes.
    assert first.count(islands.PALE) == 1 and not first.pixels[12, 190]
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[4:21, 182:199].max() == 0
    # The smudge is the speck's tail: one area cleared, noted once.
    assert note == "removed 1 pale speck detached from the figure"
    assert np.array_equal(cleaned[:, :140] >= 128, mask[:, :140] >= 128)


def test_a_speck_whose_faint_halo_breaks_into_pieces_is_noted_once():
    rgb, mask = _picture_with((245, 252, 252))
    cv2.line(mask, (138, 90), (166, 44), 60, 3)  # a faint bridge to the figure
    # Faint lobes round the speck, reaching past the fringe cleared with it: once the speck
    # goes, each is a faint island of its own.
    tips = [(186, 34), (172, 23), (155, 30), (155, 49), (172, 56), (186, 45)]
    for tip in tips:
        cv2.line(mask, (170, 40), tip, 60, 3)
    cv2.circle(mask, (170, 40), 6, 150, -1)
    first = islands.detached_specks(rgb, mask)
    assert first.count(islands.PALE) == 1
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[20:60, 150:190].max() < 128  # the speck's core is gone ...
    assert all(mask[y, x] and not cleaned[y, x] for x, y in tips[:2] + tips[4:])  # ... its lobes
    assert note == "removed 1 pale speck detached from the figure"


def _with_shadow_piece(piece: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The red disc of `_picture_with` and, apart from it, `piece` (H,W float32, 0..1): how much
    a grey shadow darkens the paper there, with a mask that keeps the piece's core opaque."""
    rgb, mask = _picture_with(PAPER)
    mask[:, 150:] = 0
    darker = np.array(PAPER, np.float32) * (1 - 0.35 * piece[..., None])
    shade = piece > 0.02
    rgb[shade] = np.clip(darker[shade] + 0.5, 0, 255).astype(np.uint8)
    mask[piece > 0.3] = 200
    return rgb, mask


def _soft_blob() -> np.ndarray:
    piece = np.zeros((200, 200), np.float32)
    cv2.ellipse(piece, (172, 170), (16, 8), 0, 0, 360, 1.0, -1)
    soft = cv2.GaussianBlur(piece, (0, 0), 6)
    return soft / soft.max()


def test_a_soft_grey_shadow_piece_is_removed_and_noted():
    rgb, mask = _with_shadow_piece(_soft_blob())
    assert mask[170, 172] == 200  # the network kept the shadow's dark core
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[150:, 150:].max() == 0
    assert np.array_equal(cleaned[:, :150], mask[:, :150])
    assert note == "removed 1 shadow piece detached from the figure"


def test_a_wide_shadow_piece_larger_than_a_speck_is_removed():
    piece = np.zeros((200, 200), np.float32)
    cv2.ellipse(piece, (172, 165), (24, 18), 0, 0, 360, 1.0, -1)
    soft = cv2.GaussianBlur(piece, (0, 0), 6)
    rgb, mask = _with_shadow_piece(soft / soft.max())
    core = int((mask[:, 145:] >= 128).sum())
    assert core > islands.MAX_PICTURE_SHARE * mask.size  # too wide for a pale speck
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[130:, 145:].max() == 0
    assert note == "removed 1 shadow piece detached from the figure"


def test_a_drawn_grey_part_stays():
    # The same grey, drawn with an edge: a pebble, not a shadow.
    piece = np.zeros((200, 200), np.float32)
    cv2.ellipse(piece, (172, 170), (16, 8), 0, 0, 360, 1.0, -1)
    rgb, mask = _with_shadow_piece(piece)
    cleaned, note = islands.remove_specks(rgb, mask)
    assert np.array_equal(cleaned, mask) and note is None


def test_a_soft_coloured_glow_stays():
    rgb, mask = _with_shadow_piece(_soft_blob())
    shade = mask[:, 150:] > 0
    glow = rgb[:, 150:].astype(np.int16)
    glow[shade, 2] -= 60  # yellow, not grey
    rgb[:, 150:] = np.clip(glow, 0, 255).astype(np.uint8)
    cleaned, note = islands.remove_specks(rgb, mask)
    assert np.array_equal(cleaned, mask) and note is None


def test_pale_specks_and_shadow_pieces_are_counted_apart():
    rgb, mask = _with_shadow_piece(_soft_blob())
    cv2.circle(rgb, (170, 40), 6, (245, 252, 252), -1)
    cv2.circle(mask, (170, 40), 6, 150, -1)
    _, note = islands.remove_specks(rgb, mask)
    assert note == "removed 1 pale speck and 1 shadow piece detached from the figure"


def _with_bit(
    alpha: int, size: int, core: int | None = None, left: int = 326
) -> tuple[np.ndarray, np.ndarray]:
    """A 512 px picture: a red disc (the figure, its right edge at x = 320) and beside it a grey
    square bit `size` px wide from x = `left`, kept at `alpha` (its middle pixel at `core`, if
    given), joined to the disc by a faint halo."""
    rgb = np.zeros((512, 512, 3), np.uint8)
    rgb[:] = PAPER
    mask = np.zeros((512, 512), np.uint8)
    cv2.circle(rgb, (200, 256), 120, (200, 30, 40), -1)
    cv2.circle(mask, (200, 256), 120, 40, 12)  # the faint halo round the figure
    cv2.circle(mask, (200, 256), 120, 255, -1)
    rgb[250 : 250 + size, left : left + size] = (200, 200, 200)
    mask[250 : 250 + size, left : left + size] = alpha
    if core is not None:
        mask[250 + size // 2, left + size // 2] = core
    return rgb, mask


def test_a_tiny_bit_nowhere_firmly_opaque_is_removed_and_noted():
    rgb, mask = _with_bit(alpha=150, size=5)
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[250:255, 326:331].max() == 0
    assert np.array_equal(cleaned[:, :300], mask[:, :300])  # the figure is untouched
    assert note == "removed 1 faint bit detached from the figure"


def test_a_tiny_bit_with_a_firm_core_or_a_larger_one_stays():
    for rgb, mask in (_with_bit(alpha=150, size=5, core=255), _with_bit(alpha=150, size=7)):
        cleaned, note = islands.remove_specks(rgb, mask)
        assert np.array_equal(cleaned, mask) and note is None


def test_a_tiny_firm_chip_a_hair_from_the_figure_is_removed_and_noted():
    # A sliver the network broke off the figure's edge into a soft shadow beside it.
    rgb, mask = _with_bit(alpha=255, size=4, left=321)  # 2 px from the disc at rows 250-253
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[250:254, 321:325].max() == 0
    assert np.array_equal(cleaned[:, :300], mask[:, :300])  # the figure is untouched
    assert note == "removed 1 edge chip detached from the figure"


def test_a_chip_sized_part_further_off_or_a_larger_part_a_hair_off_stays():
    far = _with_bit(alpha=255, size=4)  # 6 px from the disc
    near_large = _with_bit(alpha=255, size=7, left=321)  # 49 px
    for rgb, mask in (far, near_large):
        cleaned, note = islands.remove_specks(rgb, mask)
        assert np.array_equal(cleaned, mask) and note is None


def _with_border_line(rows: int, length: int, top: int = 0):
    """The disc picture with a grey line `rows` px thick and `length` px long, kept opaque,
    from row `top` at the picture's top border, well away from the disc."""
    rgb, mask = _with_bit(alpha=150, size=5)
    rgb[top : top + rows, 100 : 100 + length] = (190, 190, 190)
    mask[top : top + rows, 100 : 100 + length] = 255
    mask[250:255, 326:331] = 0  # no faint bit: the line alone
    return rgb, mask


def test_a_small_line_along_the_border_is_removed_and_noted():
    # A soft shadow or an outline the border cuts, kept as an opaque line a pixel thick.
    rgb, mask = _with_border_line(rows=1, length=10)
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[0, 100:110].max() == 0
    assert np.array_equal(cleaned[100:, :], mask[100:, :])  # the figure is untouched
    assert note == "removed 1 border sliver detached from the figure"


def test_a_line_just_inside_the_border_is_a_sliver_too():
    rgb, mask = _with_border_line(rows=1, length=10, top=1)
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[1, 100:110].max() == 0 and note.endswith(
        "1 border sliver detached from the figure"
    )


def test_a_line_four_pixels_deep_is_a_sliver():
    # The decoder's ringing under a figure's bottom edge, four rows deep along the border.
    rgb, mask = _with_border_line(rows=4, length=12)
    cleaned, note = islands.remove_specks(rgb, mask)
    assert cleaned[0:4, 100:112].max() == 0
    assert note == "removed 1 border sliver detached from the figure"


def test_a_part_reaching_in_from_the_border_or_a_longer_one_stays():
    reaching_in = _with_border_line(rows=5, length=10)
    longer = _with_border_line(rows=2, length=40)  # 80 px
    for rgb, mask in (reaching_in, longer):
        cleaned, note = islands.remove_specks(rgb, mask)
        assert np.array_equal(cleaned, mask) and note is None


def test_every_kind_removed_is_listed():
    rgb, mask = _with_bit(alpha=150, size=5)
    cv2.circle(rgb, (440, 80), 6, (245, 252, 252), -1)  # and a faint cyan blotch
    cv2.circle(mask, (440, 80), 6, 150, -1)
    _, note = islands.remove_specks(rgb, mask)
    assert note == "removed 1 pale speck and 1 faint bit detached from the figure"
