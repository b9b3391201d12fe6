"""The settings file: defaults, round trip, and a damaged file never blocks start-up."""

from __future__ import annotations

from studio.paths import studio_paths
from studio.settings import Settings, load_settings, save_settings


def test_defaults_when_there_is_no_file(paths):
    settings = load_settings()
    assert settings == Settings()
    assert settings.models_path == studio_paths().models


def test_round_trip(paths, tmp_path):
    save_settings(Settings(models_dir=str(tmp_path), device="cpu", precision="bf16"))
    loaded = load_settings()
    assert loaded == Settings(models_dir=str(tmp_path), device="cpu", precision="bf16")
    assert loaded.models_path == tmp_path


def test_damaged_or_odd_files_give_defaults(paths):
    file = studio_paths().settings_file
    file.write_text("{ not json")
    assert load_settings() == Settings()
    file.write_text('["a list"]')
    assert load_settings() == Settings()
    file.write_text('{"device": "tpu", "precision": "fp8", "models_dir": 5, "extra": 1}')
    assert load_settings() == Settings()
