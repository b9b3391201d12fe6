"""export_pack: Telegram's layout, read back and valid; atomic; cancellable; careful with OUT."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pack_pictures import assert_valid_export, figure_rgba, noise_rgba
from PIL import Image

from studio.pack import (
    ExportCancelled,
    ExportError,
    MaskedImage,
    PackInvalid,
    PackSpec,
    RenderOptions,
    StickerSpec,
    check_export,
    export_pack,
    verify_export,
)


def make_pack(pictures, emoji=("😀",), keywords=("cat",), options=None):
    stickers = [StickerSpec(p, list(emoji), list(keywords)) for p in pictures]
    return PackSpec("Cats", "cats_pack", stickers, options or RenderOptions())


def snapshot(folder):
    """Every path under `folder`, hidden ones included."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_export_writes_the_telegram_layout(tmp_path):
    pictures = [figure_rgba(200 + 40 * i, 150, seed=i) for i in range(3)]
    spec = PackSpec(
        "Cats",
        "cats_pack",
        [
            StickerSpec(pictures[0], ["😀"], ["cat", "happy"]),
            StickerSpec(pictures[1], ["👨‍👩‍👧", "👍🏽"]),
            StickerSpec(pictures[2], ["🏳️‍🌈"], ["flag"]),
        ],
        RenderOptions(outline_px=8, shadow=True, padding_px=4),
    )
    steps = []
    result = export_pack(spec, tmp_path / "out", make_zip=True, on_progress=steps.append)
    manifest = assert_valid_export(tmp_path / "out", 3)
    assert manifest["title"] == "Cats" and manifest["name"] == "cats_pack"
    assert [s["emoji_list"] for s in manifest["stickers"]] == [["😀"], ["👨‍👩‍👧", "👍🏽"], ["🏳️‍🌈"]]
    assert manifest["stickers"][1]["keywords"] == []
    assert [r.file for r in result.stickers] == ["001.webp", "002.webp", "003.webp"]
    assert all(r.lossless for r in result.stickers)
    # Progress counts up to the total, ending with the zip.
    assert [s.done for s in steps] == list(range(1, 6)) and steps[-1].total == 5
    # The zip holds the same files, flat.
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        names = sorted(archive.namelist())
        assert names == sorted(p.name for p in (tmp_path / "out").iterdir())
        for name in names:
            assert archive.read(name) == (tmp_path / "out" / name).read_bytes()
    assert snapshot(tmp_path) == sorted(
        ["out", "out.zip"] + [f"out/{n}" for n in names]
    )  # no temporary left over


def test_noise_stickers_still_export_under_the_limit(tmp_path):
    pictures = [noise_rgba(512, 512, seed=1), noise_rgba(700, 300, seed=2)]
    result = export_pack(make_pack(pictures), tmp_path / "noisy")
    assert_valid_export(tmp_path / "noisy", 2)
    assert not result.stickers[0].lossless
    assert 0.95 * 512_000 <= result.stickers[0].size_bytes <= 512_000


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    sizes=st.lists(st.tuples(st.integers(2, 800), st.integers(2, 800)), min_size=1, max_size=3),
    outline=st.integers(0, 32),
    shadow=st.booleans(),
    padding=st.integers(0, 64),
    data=st.data(),
)
def test_every_export_reads_back_valid(tmp_path_factory, sizes, outline, shadow, padding, data):
    pictures = []
    for index, (width, height) in enumerate(sizes):
        kind = data.draw(st.sampled_from(["figure", "noise", "opaque-with-hole"]))
        if kind == "figure":
            pictures.append(figure_rgba(width, height, seed=index))
        elif kind == "noise":
            pictures.append(noise_rgba(width, height, seed=index))
        else:
            pixels = np.full((height, width, 4), 255, np.uint8)
            pixels[height // 2, width // 2, 3] = 0  # one transparent pixel
            pictures.append(Image.fromarray(pixels, "RGBA"))
    out = tmp_path_factory.mktemp("export") / "pack"
    options = RenderOptions(outline_px=outline, shadow=shadow, padding_px=padding)
    result = export_pack(make_pack(pictures, options=options), out)
    # A tiny figure can trim down to a fully opaque block; with nothing around it, the sticker
    # has no transparent background: Telegram accepts it, and the export warns about it.
    for warning in result.warnings:
        assert "no transparent background" in warning.message and warning.warning
        assert not (outline or shadow or padding)
    assert_valid_export(out, len(pictures), opaque=tuple(w.sticker for w in result.warnings))


def test_masked_image_and_path_sources(tmp_path):
    photo = tmp_path / "photo.jpg"
    Image.new("RGB", (300, 200), (10, 120, 200)).save(photo)
    mask = tmp_path / "mask.png"
    ys, xs = np.mgrid[:200, :300]
    alpha = (((xs - 150) ** 2 + (ys - 100) ** 2) <= 50**2).astype(np.uint8) * 255  # a disc
    Image.fromarray(alpha, "L").save(mask)
    cut = tmp_path / "cut.png"
    figure_rgba(100, 100).save(cut)
    spec = make_pack([MaskedImage(photo, mask), cut, lambda: figure_rgba(80, 40)])
    result = export_pack(spec, tmp_path / "out")
    assert_valid_export(tmp_path / "out", 3)
    # Only the mask's disc is kept, trimmed and fitted: a 512 px square.
    assert (result.stickers[0].width, result.stickers[0].height) == (512, 512)
    # The lambda's wide figure stays wide.
    assert result.stickers[2].width == 512 and result.stickers[2].height < 300


def test_invalid_pack_writes_nothing(tmp_path):
    spec = PackSpec("Cats", "bad name", [StickerSpec(figure_rgba(50, 50), ["😀"])])
    with pytest.raises(PackInvalid, match="English letters"):
        export_pack(spec, tmp_path / "out")
    assert snapshot(tmp_path) == []


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "out"
    export_pack(make_pack([figure_rgba(50, 50)]), out)
    before = (out / "001.webp").read_bytes()
    with pytest.raises(ExportError, match="already exists.*--force"):
        export_pack(make_pack([figure_rgba(90, 30)]), out)
    assert (out / "001.webp").read_bytes() == before
    export_pack(make_pack([figure_rgba(90, 30), figure_rgba(30, 90)]), out, force=True)
    assert_valid_export(out, 2)
    assert snapshot(tmp_path) == sorted(["out"] + [f"out/{n}" for n in os.listdir(out)])


def test_existing_zip_needs_force(tmp_path):
    (tmp_path / "out.zip").write_bytes(b"old")
    with pytest.raises(ExportError, match="out.zip already exists"):
        export_pack(make_pack([figure_rgba(50, 50)]), tmp_path / "out", make_zip=True)
    assert snapshot(tmp_path) == ["out.zip"]
    export_pack(make_pack([figure_rgba(50, 50)]), tmp_path / "out", make_zip=True, force=True)
    assert zipfile.is_zipfile(tmp_path / "out.zip")


def test_replacing_without_a_zip_removes_the_old_zip_but_no_other_file(tmp_path):
    out = tmp_path / "out"
    export_pack(make_pack([figure_rgba(50, 50)]), out, make_zip=True)
    result = export_pack(make_pack([figure_rgba(90, 30)]), out, force=True)
    # The old zip held the replaced pack: uploading it would send the wrong stickers.
    assert result.removed_zip == tmp_path / "out.zip"
    assert snapshot(tmp_path) == sorted(["out"] + [f"out/{n}" for n in os.listdir(out)])
    # A zip of something else that happens to share the name stays.
    with zipfile.ZipFile(tmp_path / "out.zip", "w") as archive:
        archive.writestr("notes.txt", "mine")
    result = export_pack(make_pack([figure_rgba(50, 50)]), out, force=True)
    assert result.removed_zip is None
    assert zipfile.ZipFile(tmp_path / "out.zip").namelist() == ["notes.txt"]


def test_force_never_replaces_a_folder_that_is_not_a_pack(tmp_path):
    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "thesis.txt").write_text("years of work")
    with pytest.raises(ExportError, match="not a sticker pack folder"):
        export_pack(make_pack([figure_rgba(50, 50)]), precious, force=True)
    assert (precious / "thesis.txt").read_text() == "years of work"
    assert snapshot(tmp_path) == ["documents", "documents/thesis.txt"]


def test_force_never_replaces_a_project_that_happens_to_have_a_manifest(tmp_path):
    web_app = tmp_path / "web_app"
    web_app.mkdir()
    (web_app / "manifest.json").write_text('{"name": "my app"}')
    (web_app / "index.html").write_text("<html></html>")
    with pytest.raises(ExportError, match="not a sticker pack folder"):
        export_pack(make_pack([figure_rgba(50, 50)]), web_app, force=True)
    assert sorted(p.name for p in web_app.iterdir()) == ["index.html", "manifest.json"]


def test_output_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(ExportError, match="not a folder"):
        export_pack(make_pack([figure_rgba(50, 50)]), tmp_path / "out", force=True)


def test_unwritable_location_is_a_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot create the folder"):
        export_pack(make_pack([figure_rgba(50, 50)]), blocker / "sub" / "out")
    assert snapshot(tmp_path) == ["file.txt"]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_parent_is_a_clear_error(tmp_path):
    parent = tmp_path / "locked"
    parent.mkdir()
    parent.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write into"):
            export_pack(make_pack([figure_rgba(50, 50)]), parent / "out")
    finally:
        parent.chmod(0o700)


def test_missing_parents_are_created_and_removed_on_failure(tmp_path):
    spec = make_pack([figure_rgba(50, 50), Image.new("RGBA", (20, 20))])  # 2nd fully transparent
    with pytest.raises(ExportError, match="sticker 2: .*fully transparent"):
        export_pack(spec, tmp_path / "a" / "b" / "out")
    assert snapshot(tmp_path) == []
    export_pack(make_pack([figure_rgba(50, 50)]), tmp_path / "a" / "b" / "out")
    assert_valid_export(tmp_path / "a" / "b" / "out", 1)


def test_a_damaged_source_fails_cleanly_and_names_the_sticker(tmp_path):
    broken = tmp_path / "inputs" / "broken.png"
    broken.parent.mkdir()
    figure_rgba(300, 300).save(broken)
    broken.write_bytes(broken.read_bytes()[:500])
    spec = PackSpec(
        "Cats",
        "cats",
        [StickerSpec(figure_rgba(40, 40), ["😀"]), StickerSpec(broken, ["😀"], label="broken.png")],
    )
    out = tmp_path / "out"
    with pytest.raises(ExportError, match=r"sticker 2 \(broken.png\): .*truncated"):
        export_pack(spec, out, make_zip=True)
    assert snapshot(tmp_path) == ["inputs", "inputs/broken.png"]


def test_opaque_picture_is_exported_with_a_warning(tmp_path):
    # Telegram accepts square stickers: an opaque one is a warning, not an error.
    spec = make_pack([Image.new("RGB", (64, 64), (200, 0, 0))])
    result = export_pack(spec, tmp_path / "out")
    assert [(w.sticker, w.warning) for w in result.warnings] == [(0, True)]
    assert "no transparent background" in result.warnings[0].message
    assert_valid_export(tmp_path / "out", 1, opaque=(0,))
    found = check_export(tmp_path / "out")
    assert [p.warning for p in found] == [True] and "001.webp" in found[0].message
    # With padding, the same picture gets a transparent border and nothing to warn about.
    result = export_pack(
        make_pack([Image.new("RGB", (64, 64))], options=RenderOptions(padding_px=8)),
        tmp_path / "out",
        force=True,
    )
    assert result.warnings == [] and check_export(tmp_path / "out") == []


def test_cancel_leaves_nothing_behind(tmp_path):
    pictures = [figure_rgba(120, 120, seed=i) for i in range(12)]
    seen = []

    def should_stop():
        return len(seen) >= 2

    with pytest.raises(ExportCancelled):
        export_pack(
            make_pack(pictures),
            tmp_path / "out",
            make_zip=True,
            on_progress=seen.append,
            should_stop=should_stop,
            workers=1,
        )
    assert 2 <= len(seen) < 12
    assert snapshot(tmp_path) == []


def test_cancel_keeps_the_old_pack(tmp_path):
    out = tmp_path / "out"
    export_pack(make_pack([figure_rgba(50, 50)]), out)
    with pytest.raises(ExportCancelled):
        export_pack(make_pack([figure_rgba(60, 60)] * 3), out, force=True, should_stop=lambda: True)
    assert_valid_export(out, 1)
    assert snapshot(tmp_path) == sorted(["out"] + [f"out/{n}" for n in os.listdir(out)])


def test_verify_export_catches_broken_packs(tmp_path):
    out = tmp_path / "out"
    export_pack(make_pack([figure_rgba(50, 50), figure_rgba(70, 50)]), out)
    assert verify_export(out) == []
    Image.new("RGBA", (500, 400), (0, 0, 0, 0)).save(out / "001.webp")  # no side of 512
    (out / "002.webp").write_bytes(os.urandom(600_000))  # too big and not an image
    (out / "notes.txt").write_text("x")
    (out / "thumbnail.webp").unlink()
    messages = [str(p) for p in verify_export(out)]
    assert any("001.webp is 500x400" in m for m in messages)
    assert any("002.webp is 600,000 bytes" in m for m in messages)
    assert any("002.webp cannot be decoded" in m for m in messages)
    assert any("thumbnail.webp is missing" in m for m in messages)
    assert any("notes.txt" in m for m in messages)
    (out / "manifest.json").write_text("{")
    assert verify_export(out)[0].field == "manifest"
