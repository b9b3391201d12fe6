import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from studio.segment import contour
from studio.segment.training import synth, train


def _glyphs():
    font = synth.find_noto_font()
    glyphs = synth.render_font_glyphs(font, ["\U0001f600", "\u26c4", "\U0001f47b"])
    return list(glyphs.values())


def test_glyphs_have_true_alpha():
    glyphs = _glyphs()
    assert len(glyphs) == 3
    for glyph in glyphs:
        assert glyph.shape[2] == 4 and glyph.dtype == np.uint8
        alpha = glyph[..., 3]
        assert alpha.max() == 255 and (alpha == 0).any()  # opaque figure, transparent corners
        assert ((alpha > 0) & (alpha < 255)).any()  # anti-aliased edge


def test_glyph_colours_are_straight_alpha():
    # Composited on white as straight alpha, a rendered glyph must look exactly as the font
    # drawn straight onto white does: premultiplied edge colours would give a dark fringe.
    font_path = synth.find_noto_font()
    apple = "\U0001f34e"
    glyph = synth.render_font_glyphs(font_path, [apple])[apple].astype(np.float64)
    alpha = glyph[..., 3:] / 255.0
    composite = glyph[..., :3] * alpha + 255.0 * (1.0 - alpha)

    layout = ImageFont.Layout.RAQM
    font = ImageFont.truetype(str(font_path), synth.NOTO_STRIKE, layout_engine=layout)
    left, top, right, bottom = font.getbbox(apple)
    white = Image.new("RGB", (right - left + 8, bottom - top + 8), (255, 255, 255))
    ImageDraw.Draw(white).text((4 - left, 4 - top), apple, font=font, embedded_color=True)
    drawn = np.asarray(white).astype(np.float64)
    ys, xs = np.nonzero(np.asarray(white.convert("L")) < 255)
    drawn = drawn[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]

    assert drawn.shape[:2] == glyph.shape[:2]
    edge = (alpha[..., 0] > 0.05) & (alpha[..., 0] < 0.95)
    assert edge.sum() > 100
    # Rounding the straight colour to 8 bits costs up to half a level divided by alpha.
    assert np.abs(composite - drawn)[edge].mean() < 1.0


def test_samples_are_reproducible_and_seed_dependent():
    glyphs = _glyphs()
    a = synth.make_sample(synth.sample_rng(1, 5), glyphs, 96)
    b = synth.make_sample(synth.sample_rng(1, 5), glyphs, 96)
    c = synth.make_sample(synth.sample_rng(2, 5), glyphs, 96)
    assert np.array_equal(a.image, b.image) and np.array_equal(a.alpha, b.alpha)
    assert not np.array_equal(a.image, c.image)
    assert a.image.shape == (96, 96, 3) and a.alpha.shape == (96, 96)
    assert 0.0 <= a.alpha.min() and a.alpha.max() <= 1.0


def test_evaluation_samples_are_never_empty():
    glyphs = _glyphs()
    for index in range(40):
        sample = synth.make_sample(synth.sample_rng(3, index), glyphs, 64, negatives=False)
        assert sample.alpha.max() > 0.5


def test_split_keeps_skin_tone_variants_together():
    waving = "\U0001f44b"
    variants = [waving] + [waving + chr(tone) for tone in range(0x1F3FB, 0x1F400)]
    assert len({synth.is_held_out(v) for v in variants}) == 1
    held = [s for s in synth.emoji_sequences() if synth.is_held_out(s)]
    share = len(held) / len(synth.emoji_sequences())
    assert 0.05 < share < 0.15


def test_evaluation_pictures_do_not_depend_on_the_training_recipe():
    # Evaluation turns synthetic recolouring off; the flat-art chance must then change nothing,
    # or every published figure would silently move.
    glyphs = _glyphs()
    for index in range(6):
        plain = synth.make_sample(synth.sample_rng(9, index), glyphs, 64, whiten=False)
        # Every recipe option at full strength, but those of the picture's look (placement,
        # paper, shadows, decoding): they apply to evaluation pictures too.
        options = {
            name: 1.0 for name in train.RECIPE_OPTIONS if name not in train.PICTURE_LOOK_OPTIONS
        }
        flat = synth.make_sample(synth.sample_rng(9, index), glyphs, 64, whiten=False, **options)
        assert np.array_equal(plain.image, flat.image)


def test_flat_style_paints_flat_light_parts_that_stay_opaque():
    glyph = _glyphs()[0]
    rgb, alpha = glyph[..., :3].astype(np.float32), glyph[..., 3]
    painted = 0
    for index in range(20):
        out = synth._flat_style(np.random.default_rng(index), rgb, alpha, np.full(3, 255.0))
        assert out.shape == rgb.shape
        light = (out.min(axis=2) >= 185) & (alpha >= 128) & (rgb.min(axis=2) < 185)
        if light.sum() >= 0.02 * (alpha >= 128).sum():
            painted += 1
            # One flat colour: a region the network must keep without any shading cue.
            assert len(np.unique(out[light].round(), axis=0)) <= 2
            # ... but never the paper's own colour, which no method could tell apart.
            assert (out[light] <= 255 - synth.MIN_PAPER_CONTRAST).any(axis=1).all()
    assert painted >= 5


def test_holes_are_enclosed_see_through_pockets():
    import cv2

    glyph = _glyphs()[0]  # a round face: room for holes inside
    alpha = glyph[..., 3]
    for index in range(10):
        holed = synth._punch_holes(np.random.default_rng(index), alpha)
        hole = (alpha >= 250) & (holed < 128)
        assert hole.any()
        # Every hole is enclosed by the figure: none connects to the outside transparency.
        count, labels = cv2.connectedComponents((holed < 128).astype(np.uint8), connectivity=4)
        outside = set(np.unique(labels[alpha < 128]))
        assert not set(np.unique(labels[hole])) & outside
        assert np.array_equal(holed[alpha < 250], alpha[alpha < 250])


def test_holes_only_on_paper_that_white_paint_differs_from(monkeypatch):
    punched = []
    real = synth._punch_holes
    monkeypatch.setattr(synth, "_punch_holes", lambda rng, a: punched.append(1) or real(rng, a))
    glyphs = _glyphs()
    papers = {True: [], False: []}
    for index in range(40):
        before = len(punched)
        sample = synth.make_sample(synth.sample_rng(5, index), glyphs, 64, False, holes=1.0)
        border = np.concatenate([sample.image[0], sample.image[-1]])
        papers[len(punched) > before].append(np.median(border, axis=0))
    assert papers[True] and papers[False]
    # Where holes were punched the paper is visibly off white (allowing noise and JPEG).
    assert all((255 - paper).max() >= synth.MIN_PAPER_CONTRAST - 4 for paper in papers[True])


def test_a_recipe_left_at_zero_draws_nothing():
    # Older recipes must make the very same pictures when a newer option exists but is off.
    glyphs = _glyphs()
    for index in range(6):
        plain = synth.make_sample(synth.sample_rng(4, index), glyphs, 64, flat=0.5, crop=0.5)
        newer = {name: 0.0 for name in train.RECIPE_OPTIONS if name not in ("flat", "crop")}
        off = synth.make_sample(synth.sample_rng(4, index), glyphs, 64, flat=0.5, crop=0.5, **newer)
        assert np.array_equal(plain.image, off.image) and np.array_equal(plain.alpha, off.alpha)


def test_cut_white_paints_the_part_the_edge_cuts():
    glyphs = _glyphs()
    painted = 0
    for index in range(12):
        rng = synth.sample_rng(6, index)
        rgb, alpha = synth._place(rng, glyphs[index % 3], 96, allow_crop=True, cut=True)
        frame = np.zeros((96, 96), bool)
        frame[[0, -1], :] = frame[:, [0, -1]] = True
        assert (alpha[frame] >= 0.5).any()  # the placement really reaches over an edge
        paper = np.full(3, 255.0)
        out = synth._whiten_cut_part(rng, rgb, alpha, paper)
        changed = np.abs(out - rgb).max(axis=2) > 1
        assert not (changed & (alpha == 0)).any()  # only the figure is repainted
        if changed.any():
            painted += 1
            # The repainted part is light and reaches the cut edge.
            assert (changed & frame & (alpha >= 0.5)).any()
            assert np.median(out[changed].min(axis=1)) >= 180
    assert painted >= 8


def test_line_art_is_open_strokes_round_transparent_background():
    for index in range(20):
        glyph = synth._line_art(np.random.default_rng(index))
        alpha = glyph[..., 3]
        assert glyph.shape == (128, 128, 4) and alpha.max() == 255
        # Every transparent pixel is open background: pockets that crossing strokes close off
        # are filled, as enclosed parts of a figure are.
        clear = alpha < 128
        assert np.array_equal(contour.border_connected(clear), clear)
        # ... and most of the canvas stays background: the shapes are open.
        assert (alpha < 128).mean() > 0.5


def test_white_spots_are_enclosed_white_paint():
    glyph = _glyphs()[0]  # a round face: room for eyes
    rgb, alpha = glyph[..., :3].astype(np.float32), glyph[..., 3]
    painted = 0
    for index in range(12):
        out = synth._white_spots(np.random.default_rng(index), rgb, alpha)
        changed = np.abs(out - rgb).max(axis=2) > 1
        # Painted only where the figure is fully opaque, and never reaching its outline.
        assert not (changed & (alpha < 250)).any()
        white = changed & (out.min(axis=2) >= 215)
        if white.any():
            painted += 1
            # Every spot is enclosed: the figure's opaque pixels surround it.
            clear_or_white = (alpha < 250) | white
            outside = contour.border_connected(clear_or_white)
            assert not (outside & white).any()
    assert painted >= 10


def test_loops_add_bands_round_see_through_gaps():
    glyph = _glyphs()[0]
    enclosed_gaps = 0
    for index in range(12):
        out = synth._loops(np.random.default_rng(index), glyph)
        h, w = glyph.shape[:2]
        pad = (out.shape[0] - h) // 2
        assert out.shape == (h + 2 * pad, w + 2 * pad, 4) and out.dtype == np.uint8
        # The figure is all still there (a band may lie over it), and bands were added.
        inner = out[pad : pad + h, pad : pad + w, 3].astype(int)
        assert (inner >= glyph[..., 3].astype(int) - 1).all()
        assert (out[..., 3] >= 128).sum() > (glyph[..., 3] >= 128).sum()
        # A gap the figure and a band enclose stays transparent: the paper shows through it.
        clear = out[..., 3] < 128
        if (clear & ~contour.border_connected(clear)).sum() >= 20:
            enclosed_gaps += 1
    assert enclosed_gaps >= 8


def test_emojich_paper_is_its_measured_colour_with_faint_noise():
    paper = synth._emojich_paper(np.random.default_rng(0), 128)
    assert paper.shape == (128, 128, 3)
    assert np.abs(np.median(paper.reshape(-1, 3), axis=0) - synth.EMOJICH_PAPER).max() <= 2.5
    assert 0.5 < paper.std(axis=(0, 1)).mean() < 4


def test_warm_white_is_level_with_the_paper_or_below_and_warm():
    paper = np.array(synth.EMOJICH_PAPER, np.float32)
    rgb = np.zeros((4, 4, 3), np.float32)
    rgb[0], rgb[1], rgb[2], rgb[3] = 255.0, 240.0, 228.0, (200.0, 30.0, 30.0)
    drops = []
    for index in range(20):
        out = synth._warm_white(np.random.default_rng(index), rgb, paper)
        below = paper - out[0, 0]  # pure white, moved to the drawn level
        lows, highs = np.array(synth.WARM_WHITE_BELOW).T
        assert (below >= lows - 1e-4).all() and (below <= highs + 1e-4).all()
        drops.append(below)
        # Near-white moves less and stays below white; colours stay as they were.
        assert (out[1, 0] < out[0, 0]).all() and (out[1, 0] > out[2, 0]).all()
        assert (out[1, 0] >= 240.0 - (255.0 - out[0, 0])).all()
        assert np.array_equal(out[3], rgb[3])
    red, green, blue = np.mean(drops, axis=0)
    assert blue > max(red, green)  # a warm white, as Emojich's


def test_warm_white_changes_only_the_white_of_figures_on_emojich_paper():
    glyphs = _glyphs()  # a face, a snowman and a ghost: white paint
    changed = 0
    for index in range(12):
        options = {"negatives": False, "whiten": False, "crop": 0.0}
        for paper in (0.0, 1.0):
            rng = synth.sample_rng(21, index)
            plain = synth.make_sample(rng, glyphs, 128, emojich_paper=paper, **options)
            rng = synth.sample_rng(21, index)
            warm = synth.make_sample(
                rng, glyphs, 128, emojich_paper=paper, warm_white=1.0, **options
            )
            assert np.array_equal(plain.alpha, warm.alpha) and plain.paper == warm.paper
            if plain.paper != synth.EMOJICH:
                assert np.array_equal(plain.image, warm.image)
                continue
            figure = cv2.dilate((plain.alpha > 0).astype(np.uint8), np.ones((17, 17), np.uint8))
            differs = np.abs(plain.image.astype(int) - warm.image).max(axis=2) > 0
            assert not (differs & (figure == 0)).any()  # the paper as it was (JPEG: 8 px)
            white = (plain.alpha > 0.99) & (plain.image.min(axis=2) >= 250)
            if white.sum() >= 20:
                changed += 1
                # The figure's white is no longer above the paper in every channel.
                level = np.median(warm.image[white].astype(np.float32), axis=0)
                paper_colour = np.median(warm.image[plain.alpha == 0].astype(np.float32), axis=0)
                assert not (level > paper_colour + 1).all()
    assert changed >= 3


def test_each_sample_says_which_kind_of_paper_it_is_drawn_on():
    glyphs = _glyphs()
    kinds = []
    for index in range(24):
        sample = synth.make_sample(
            synth.sample_rng(7, index), glyphs, 96, negatives=False, emojich_paper=0.5
        )
        paper = np.median(sample.image[sample.alpha == 0].astype(np.float32), axis=0)
        if sample.paper == synth.WHITE:
            assert paper.min() >= 250  # white, at most a faint gradient, noise or JPEG
        elif sample.paper == synth.EMOJICH:
            assert np.abs(paper - synth.EMOJICH_PAPER).max() <= 2.5
        kinds.append(sample.paper)
    assert set(kinds) == set(synth.PAPER_KINDS)


def test_blotches_are_faint_cyan_and_near_the_figure_only():
    alpha = np.zeros((256, 256), np.float32)
    alpha[96:160, 96:160] = 1.0
    paper = np.full((256, 256, 3), 252.0, np.float32)
    stained = [synth._paper_blotches(np.random.default_rng(i), paper, alpha) for i in range(8)]
    drops = np.stack([paper - s for s in stained])  # (8,H,W,3)
    assert (drops[..., 0] >= 4).any()  # some red taken out: cyan
    assert drops[..., 0].max() <= 12 and drops[..., 1:].max() <= 2 and drops.min() >= 0
    # Far from the figure (over 60 px at 512, 30 px here) the paper is clean.
    far = np.ones((256, 256), bool)
    far[60:196, 60:196] = False
    assert drops[:, far].max() == 0


def test_a_cast_shadow_is_soft_faint_and_offset_below():
    alpha = np.zeros((256, 256), np.float32)
    alpha[64:128, 96:160] = 1.0
    rgb = np.full((256, 256, 3), 200.0, np.float32)
    for seed in range(6):
        colour, opacity = synth._cast_shadow(np.random.default_rng(seed), rgb, alpha)
        assert colour.shape == rgb.shape and opacity.shape == alpha.shape
        assert 0 < opacity.max() <= 0.35  # semi-transparent: below half, background in scores
        rows = np.flatnonzero(opacity.max(axis=1) > 0.02)
        assert rows.max() > 128  # it falls below the figure
        assert colour.max() <= 140


def test_a_ground_shadow_is_a_flat_faint_crisp_ellipse_under_the_figure():
    alpha = np.zeros((256, 256), np.float32)
    alpha[64:128, 96:160] = 1.0
    for seed in range(8):
        colour, opacity = synth._ground_shadow(np.random.default_rng(seed), alpha)
        assert colour.shape == (256, 256, 3) and colour.max() <= 120
        assert 0.08 <= opacity.max() <= 0.3  # semi-transparent: background in every score
        rows = np.flatnonzero(opacity.max(axis=1) > 0.01)
        cols = np.flatnonzero(opacity.max(axis=0) > 0.01)
        # At the figure's foot (its last row 127), not round it; at least half of it below.
        assert rows.min() > 100 and (rows.min() + rows.max()) / 2 >= 127
        assert len(cols) > 2 * len(rows)  # wide and thin
        assert abs((cols.min() + cols.max()) / 2 - 127.5) < 6  # centred under the figure
        # Crisp: most of it is at its full opacity, not a fade.
        inside = opacity > 0.01
        assert (opacity[inside] > 0.9 * opacity.max()).mean() > 0.5
    nothing = synth._ground_shadow(np.random.default_rng(0), np.zeros((64, 64), np.float32))
    assert nothing[1].max() == 0


def test_ground_shadow_replaces_some_cast_shadows_only_where_shadows_are_drawn():
    glyphs = _glyphs()
    changed = shown = 0
    for index in range(6):
        kwargs = dict(negatives=False, emojich_paper=1.0, ground_shadow=1.0)
        without = synth.make_sample(synth.sample_rng(6, index), glyphs, 128, **kwargs)
        plain = synth.make_sample(
            synth.sample_rng(6, index), glyphs, 128, negatives=False, emojich_paper=1.0
        )
        assert np.array_equal(without.alpha, plain.alpha)  # no shadow asked for: none drawn
        cast = synth.make_sample(
            synth.sample_rng(6, index), glyphs, 128, negatives=False, emojich_paper=1.0, shadow=1.0
        )
        ground = synth.make_sample(synth.sample_rng(6, index), glyphs, 128, shadow=1.0, **kwargs)
        # Faint alpha away from the figure's own soft edge is the shadow: at most 30% opaque.
        figure = cv2.dilate((ground.alpha >= 0.5).astype(np.uint8), np.ones((7, 7), np.uint8))
        shade = (figure == 0) & (ground.alpha > 0)
        assert not shade.any() or ground.alpha[shade].max() <= 0.3
        shown += shade.any()
        changed += not np.array_equal(cast.alpha, ground.alpha)
    assert changed == 6 and shown >= 3  # some fall off the picture with the figure


def _warm_block() -> tuple[np.ndarray, np.ndarray]:
    """A glyph (rgb, alpha 0..255): a block 80 tall and 60 wide of a warm colour, so that grey
    painted on it is told apart."""
    alpha = np.zeros((100, 80), np.float32)
    alpha[10:90, 10:70] = 255
    rgb = np.full((100, 80, 3), 200.0, np.float32)
    rgb[:, :, 0] = 230
    return rgb, alpha


def test_a_grey_base_is_an_opaque_flat_grey_foot_that_keeps_the_outline():
    rgb, alpha = _warm_block()
    rgb[85:90, 10:70] = 20  # a dark outline along the foot
    for seed in range(6):
        out = synth._grey_base(np.random.default_rng(seed), rgb, alpha)
        changed = np.flatnonzero((out != rgb).any(axis=2).any(axis=1))
        assert changed.min() >= 89 - 16 and changed.max() <= 84  # the lowest 6-20% only
        band = out[changed.min() : 85, 10:70]
        assert np.ptp(band.reshape(-1, 3), axis=0).max() == 0  # one flat colour
        assert 145 <= band.min() and band.max() <= 241 and np.ptp(band[0, 0]) < 15  # light grey
        assert np.array_equal(out[85:90], rgb[85:90])  # the outline kept
        assert np.array_equal(out[:, :10], rgb[:, :10])  # nothing drawn off the figure


def test_a_grey_frame_is_a_flat_grey_body_deepest_at_the_foot_round_a_face():
    rgb, alpha = _warm_block()
    rgb[40:45, 30:50] = 20  # a dark mark on the face
    for seed in range(6):
        out = synth._grey_frame(np.random.default_rng(seed), rgb, alpha)
        grey = out[88, 40]
        assert 165 <= grey.min() and grey.max() <= 240 and np.ptp(grey) < 15  # light grey
        column = out[:, 40]
        rim_top = np.flatnonzero((column[10:] != grey).any(axis=1))[0]
        rim_foot = 89 - np.flatnonzero((column[:90] != grey).any(axis=1))[-1]
        assert 1 <= rim_top <= 7 and rim_foot > rim_top and 7 <= rim_foot <= 17  # deepest below
        assert (out[10:90, 10] == grey).all()  # the same grey runs up the sides
        assert np.array_equal(out[40:45, 30:50], rgb[40:45, 30:50])  # dark pixels kept
        assert np.array_equal(out[:, :10], rgb[:, :10])  # nothing drawn off the figure


def test_samples_with_shadows_gain_faint_alpha_round_the_figure():
    glyphs = _glyphs()
    wider = 0
    for index in range(4):
        rng = synth.sample_rng(5, index)
        plain = synth.make_sample(rng, glyphs, 128, negatives=False, emojich_paper=1.0)
        rng = synth.sample_rng(5, index)
        shaded = synth.make_sample(
            rng, glyphs, 128, negatives=False, emojich_paper=1.0, shadow=1.0, decoder=1.0
        )
        assert shaded.image.shape == (128, 128, 3) and shaded.alpha.max() > 0.5

        def faint(alpha):
            return int(((alpha > 0.01) & (alpha < 0.36)).sum())

        wider += faint(shaded.alpha) > faint(plain.alpha) + 100
    assert wider >= 3


def test_decoder_look_keeps_the_picture_and_rings_at_edges():
    image = np.full((64, 64, 3), 250.0, np.float32)
    image[:, 32:] = 20.0
    out = synth._decoder_look(np.random.default_rng(1), image)
    assert out.shape == image.shape and out.min() >= 0 and out.max() <= 255
    assert np.abs(out[:, :24] - 250).max() < 8 and np.abs(out[:, 40:] - 20).max() < 8
    assert not np.array_equal(out, image)


def test_design_files_split_like_noto_by_sequence(tmp_path):
    waving = ["1f44b", "1f44b-1f3fb", "1F44B-1F3FC"]
    names = [f"{code}.svg" for code in waving] + ["emoji_u1f600.png", "extra-logo.svg"]
    for name in names:
        (tmp_path / name).write_text("<svg/>")
    (tmp_path / "readme.txt").write_text("not a design")
    assert synth.design_sequence(tmp_path / "1F44B-1F3FC.svg") == "\U0001f44b\U0001f3fc"
    assert synth.design_sequence(tmp_path / "emoji_u1f600.png") == "\U0001f600"
    assert synth.design_sequence(tmp_path / "extra-logo.svg") == "extra-logo"
    every = synth.design_files(tmp_path)
    assert len(every) == 5
    held = synth.design_files(tmp_path, "held_out")
    trained = synth.design_files(tmp_path, "train")
    assert not set(held) & set(trained)
    # All variants of one emoji are on one side, as for Noto.
    waving_side = {p in held for p in every if p.name.lower().startswith("1f44b")}
    assert len(waving_side) == 1
    assert (synth.is_held_out("\U0001f44b")) == (tmp_path / "1f44b.svg" in held)


def test_bitmap_designs_load_with_straight_alpha(tmp_path):
    rgba = np.zeros((300, 300, 4), np.uint8)
    rgba[50:250, 50:250] = (30, 160, 90, 255)
    Image.fromarray(rgba).save(tmp_path / "1f7e9.webp", lossless=True)
    (glyph,) = synth.load_design_folder(tmp_path, limit=5, seed=0, size=150)
    assert glyph.shape[2] == 4 and max(glyph.shape[:2]) <= 150
    assert tuple(glyph[glyph.shape[0] // 2, glyph.shape[1] // 2]) == (30, 160, 90, 255)


def test_design_glyphs_are_named_by_their_file_in_the_order_they_load(tmp_path):
    for code, colour in (
        (0x1F7E5, (200, 30, 30)),
        (0x1F7E6, (30, 30, 200)),
        (0x1F7E9, (30, 160, 90)),
    ):
        rgba = np.zeros((60, 60, 4), np.uint8)
        rgba[10:50, 10:50] = (*colour, 255)
        Image.fromarray(rgba).save(tmp_path / f"{code:X}.png")
    named = synth.named_design_glyphs(tmp_path, limit=None, seed=4)
    plain = synth.load_design_folder(tmp_path, limit=None, seed=4)
    assert sorted(name for name, _ in named) == ["1f7e5", "1f7e6", "1f7e9"]
    assert all(np.array_equal(a, b) for (_, a), b in zip(named, plain, strict=True))
    colour_of = {"1f7e5": (200, 30, 30), "1f7e6": (30, 30, 200), "1f7e9": (30, 160, 90)}
    assert all(tuple(glyph[20, 20, :3]) == colour_of[name] for name, glyph in named)


def test_noto_glyphs_are_named_by_their_code_points():
    assert synth.sequence_name("\U0001f469\u200d\U0001f373") == "1f469-200d-1f373"
    named = synth.named_noto_glyphs("held_out")
    plain = synth.noto_glyphs("held_out")
    assert len(named) == len(plain) > 0
    assert all(np.array_equal(a, b) for (_, a), b in zip(named, plain, strict=True))
    assert len({name for name, _ in named}) == len(named)


def test_a_sample_names_the_glyphs_drawn_into_it():
    # Two glyphs of different colours: the one a sample names is the one it shows.
    red = np.zeros((40, 40, 4), np.uint8)
    red[...] = (220, 20, 20, 255)
    blue = red.copy()
    blue[..., :3] = (20, 20, 220)
    for index in range(12):
        sample = synth.make_sample(
            synth.sample_rng(9, index), [red, blue], 96, negatives=False, whiten=False, crop=0.0
        )
        assert 1 <= len(sample.glyphs) <= 2 and set(sample.glyphs) <= {0, 1}
        shown = sample.image[sample.alpha > 0.99].astype(int)
        reds = int((shown[:, 0] > shown[:, 2]).sum())
        blues = len(shown) - reds
        assert (reds > 0) == (0 in sample.glyphs) and (blues > 0) == (1 in sample.glyphs)


def test_balanced_glyphs_draw_every_design_equally():
    big = [np.full((2, 2, 4), i, np.uint8) for i in range(6)]
    small = [np.full((2, 2, 4), 100, np.uint8)]
    mixed = synth.BalancedGlyphs([big, small, []])
    assert len(mixed) == 12
    drawn = [int(mixed[i][0, 0, 0]) for i in range(len(mixed))]
    assert drawn.count(100) == 6  # the one-glyph design is half of all draws
    assert sorted(d for d in drawn if d != 100) == list(range(6))
