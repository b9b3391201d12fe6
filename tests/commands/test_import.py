"""`sticker-studio import`: pictures become candidates through the window's own import code;
unusable files are skipped (exit 2); a full disk leaves no orphan file."""

from __future__ import annotations

import errno
import os

import pytest
from PIL import Image

from studio.cli import main
from studio.library import CutoutMethod, Library


def err_lines(captured) -> list[str]:
    return [line for line in captured.err.splitlines() if line.strip()]


@pytest.fixture
def pictures(tmp_path):
    sticker = Image.new("RGBA", (40, 40), (255, 0, 0, 0))
    sticker.paste((255, 0, 0, 255), (10, 10, 30, 30))
    sticker.save(tmp_path / "sticker.png")
    Image.new("RGB", (40, 40), "blue").save(tmp_path / "photo.jpg")
    return tmp_path


def test_imports_each_picture_with_one_line(pictures, paths, capsys):
    files = [str(pictures / "sticker.png"), str(pictures / "photo.jpg")]
    assert main(["import", *files, "--prompt", "котик с сердечком"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 2 and "candidate 1" in lines[0] and "transparency" in lines[0]
    assert captured.err == ""
    with Library(paths) as lib:
        found = lib.candidates(prompt_contains="сердечком")
        assert len(found) == 2 and {c.prompt for c in found} == {"котик с сердечком"}
        assert lib.current_cutout(1).method is CutoutMethod.ALPHA
        assert lib.current_cutout(2) is None


def test_unusable_files_are_skipped_with_exit_2(pictures, paths, capsys):
    (pictures / "notes.png").write_text("not a picture")
    os.mkfifo(pictures / "pipe.png")
    files = ["photo.jpg", "notes.png", "pipe.png", "missing.png"]
    code = main(["import", *(str(pictures / f) for f in files)])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out.count("skipped") == 3 and "not a regular file" in captured.out
    assert err_lines(captured) == ["error: 3 of 4 picture(s) were skipped (see above)"]
    with Library(paths) as lib:
        assert [c.prompt for c in lib.candidates()] == ["photo.jpg"]


@pytest.mark.parametrize("where", ["file", "database"])
def test_a_full_disk_is_one_line_and_leaves_no_orphan(pictures, paths, capsys, monkeypatch, where):
    import studio.library.repository as repository

    with Library(paths):
        pass  # the library exists; the disk fills up afterwards
    big = Image.effect_noise((900, 900), 100).convert("RGB")
    big.save(pictures / "big.png")
    files = [str(pictures / "big.png")] + [str(pictures / "photo.jpg")] * 150
    with monkeypatch.context() as patch:
        if where == "file":

            def full(path, data):
                raise OSError(errno.ENOSPC, "No space left on device", str(path))

            patch.setattr(repository, "atomic_write_bytes", full)
        else:
            real_open = repository.open_database

            def full_database(path, **kwargs):
                opened = real_open(path, **kwargs)
                pages = opened.connection.execute("PRAGMA page_count").fetchone()[0]
                opened.connection.execute(f"PRAGMA max_page_count = {pages}")
                return opened

            patch.setattr(repository, "open_database", full_database)
        code = main(["import", *files])
    captured = capsys.readouterr()
    assert code == 2
    text = captured.err.lower()
    assert len(err_lines(captured)) == 1 and ("disk is full" in text or "no space" in text)
    assert main(["library", "check"]) == 0  # no orphan media, no leftovers
    assert "library: healthy" in capsys.readouterr().out
