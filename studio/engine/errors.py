"""Errors the engine raises for things a user can fix (bad files, missing models, no network)."""

from __future__ import annotations

from studio.errors import StudioError


class ModelFileError(StudioError):
    """A model file is unreadable, truncated, of the wrong kind or does not fit the model."""


class ModelFilesMissing(StudioError):
    """Required model files are not in the models folder."""

    def __init__(self, missing: list[str], models_dir: object) -> None:
        self.missing = list(missing)
        names = ", ".join(self.missing)
        super().__init__(
            f"model files missing in {models_dir}: {names}. "
            "Run `sticker-studio models download`, or `sticker-studio models import FOLDER` "
            "if you already have them."
        )


class ModelDownloadError(StudioError):
    """Downloading model files failed (offline, hub unreachable, disk full...)."""


class TokenizerError(StudioError):
    """The tokenizer file or the text given to it cannot be used."""


class GenerationCancelled(StudioError):
    """The caller asked generation to stop; batches already delivered stay valid."""

    def __init__(self, message: str = "generation cancelled") -> None:
        super().__init__(message)
