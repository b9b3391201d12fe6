from __future__ import annotations

import sys
from pathlib import Path

from studio import paths as paths_module
from studio.paths import resource, resources_dir, studio_paths


def test_studio_home_puts_everything_under_it(studio_home):
    p = studio_paths()
    for folder in (p.data, p.cache, p.config, p.logs, p.models, p.media, p.library_db):
        assert folder.is_relative_to(studio_home)
    p.ensure()
    assert p.media.is_dir() and p.logs.is_dir()


def test_platform_folders_without_studio_home(monkeypatch):
    monkeypatch.delenv("STUDIO_HOME")
    p = studio_paths()
    assert "StickerStudio" in str(p.data) and "StickerStudio" in str(p.logs)


def test_resources_from_a_checkout_and_a_frozen_build(monkeypatch, tmp_path):
    assert resource("icons", "app.svg").is_file()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert paths_module.is_frozen()
    assert resources_dir() == Path(tmp_path) / "resources"
