"""The MarianMT translator: loads a hub snapshot folder and translates with its own settings.

Imports torch and transformers on first use only. Nothing is downloaded: the folder is read with
`local_files_only`. The Russian is exactly what the model's `generate` with the folder's
`generation_config.json` (beam search as shipped) decodes to: no extra generation arguments and
no rewriting of the text, so the same text always gives the same Russian.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from studio.errors import StudioError
from studio.transformers_lock import TRANSFORMERS_IMPORT
from studio.translate.files import require_translator
from studio.translate.script import needs_translation

log = logging.getLogger(__name__)


class TranslatorError(StudioError):
    """The translator's files are there but cannot be loaded (damaged, wrong model)."""


class Translator:
    """One loaded MarianMT model and its tokenizer. Thread-safe: calls run one at a time."""

    def __init__(self, folder: Path, tokenizer: Any, model: Any) -> None:
        self.folder = folder
        self._tokenizer = tokenizer
        self._model = model
        self._lock = threading.Lock()

    @classmethod
    def load(cls, folder: str | Path) -> Translator:
        """Load the translator in `folder` (a hub snapshot layout). Raises `TranslatorMissing`
        when files are missing and `TranslatorError` when they cannot be read."""
        folder = require_translator(Path(folder))
        # Loading imports more of transformers lazily: the lock is held throughout.
        with TRANSFORMERS_IMPORT:
            try:
                from transformers import MarianMTModel, MarianTokenizer
                from transformers.utils import logging as hf_logging
            except ImportError as exc:
                raise TranslatorError(
                    f"the translator needs transformers and sentencepiece: {exc}"
                ) from None
            hf_logging.disable_progress_bar()  # the studio reports progress, not stderr
            try:
                tokenizer = MarianTokenizer.from_pretrained(folder, local_files_only=True)
                model = MarianMTModel.from_pretrained(folder, local_files_only=True)
            except Exception as exc:  # damaged files fail in many ways (safetensors, pickle)
                raise TranslatorError(
                    f"the translator in {folder} cannot be loaded ({exc}); download it again "
                    "with `sticker-studio models download translator`"
                ) from None
        model.eval()
        log.info("Translator loaded from %s", folder)
        return cls(folder, tokenizer, model)

    def translate(self, text: str) -> str:
        """The model's Russian for `text`, whatever its script."""
        with self._lock:
            batch = self._tokenizer([text], return_tensors="pt")
            output = self._model.generate(**batch)
            return self._tokenizer.decode(output[0], skip_special_tokens=True)

    def to_russian(self, text: str) -> str:
        """`text` unchanged when it is Russian already (or blank), else its Russian."""
        return self.translate(text) if needs_translation(text) else text


class LazyTranslator:
    """The translator of `folder`, loaded by the first call that needs it: the window hands this
    to its worker thread, so torch and transformers are never imported on the UI thread."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._translator: Translator | None = None
        self._lock = threading.Lock()

    @property
    def loaded(self) -> bool:
        return self._translator is not None

    def load(self) -> Translator:
        with self._lock:
            if self._translator is None:
                self._translator = Translator.load(self.folder)
            return self._translator

    def __call__(self, text: str) -> str:
        """The model's Russian for `text` (see `Translator.translate`)."""
        return self.load().translate(text)
