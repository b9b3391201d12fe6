"""The translator's folder: the files of a hub snapshot of `Helsinki-NLP/opus-mt-en-ru`.

Only looks at files: no torch, no network. The model store keeps the translator in its own
subfolder (`TRANSLATOR_DIR`) of the models folder.
"""

from __future__ import annotations

from pathlib import Path

from studio.errors import StudioError

TRANSLATOR_REPO = "Helsinki-NLP/opus-mt-en-ru"
TRANSLATOR_DIR = "opus-mt-en-ru"  # inside the models folder
TRANSLATOR_KEY = "translator"  # the file set's name in `sticker-studio models`
# Either weights file will do: older snapshots have the PyTorch pickle, newer ones safetensors.
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
OTHER_FILES = (
    "config.json",
    "generation_config.json",
    "source.spm",
    "target.spm",
    "vocab.json",
    "tokenizer_config.json",
)
DOWNLOAD_COMMAND = f"sticker-studio models download {TRANSLATOR_KEY}"


class TranslatorMissing(StudioError):
    """The translator's files are not there (or not all of them)."""


def missing_message(folder: Path, absent: list[str] | None = None) -> str:
    """The one line a user reads when the translator cannot be used, with what to run."""
    detail = f" (missing in {folder}: {', '.join(absent)})" if absent else ""
    return (
        f"the translator ({TRANSLATOR_REPO}) is not installed{detail}; get it with "
        f"`{DOWNLOAD_COMMAND}` or `sticker-studio models import DIR`"
    )


def missing_files(folder: Path) -> list[str]:
    """The files of the layout not present (as non-empty files) in `folder`."""

    def there(name: str) -> bool:
        path = folder / name
        return path.is_file() and path.stat().st_size > 0

    absent = [name for name in OTHER_FILES if not there(name)]
    if not any(there(name) for name in WEIGHT_FILES):
        absent.insert(1, " or ".join(WEIGHT_FILES))
    return absent


def require_translator(folder: Path) -> Path:
    """`folder` when it holds a complete translator; else `TranslatorMissing` saying how to get
    one. A missing or empty folder gets the same line as a translator never downloaded."""
    absent = missing_files(folder) if folder.is_dir() else None
    if absent is None or len(absent) == len(OTHER_FILES) + 1:
        raise TranslatorMissing(missing_message(folder))
    if absent:
        raise TranslatorMissing(missing_message(folder, absent))
    return folder


def store_translator_dir(models_dir: Path) -> Path:
    """Where the model store keeps the translator."""
    return models_dir / TRANSLATOR_DIR
