"""`sticker-studio translate TEXT [--model-dir DIR]`: the Russian Emojich would be given.

Prints the Russian as the last line of stdout (Russian input is printed unchanged). Without
`--model-dir` the translator is taken from the model store (never downloaded); `--model-dir` is
a folder in the hub snapshot layout (config.json, model.safetensors or pytorch_model.bin,
source.spm, target.spm, vocab.json, tokenizer_config.json, generation_config.json).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "translate",
        help="translate a prompt into Russian with the local translator",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("text", help="the prompt, in English (Russian is printed unchanged)")
    parser.add_argument(
        "--model-dir",
        type=Path,
        default=None,
        help="translator folder (default: the one in the studio's models folder)",
    )
    parser.set_defaults(run=run)


def translator_folder(model_dir: Path | None) -> Path:
    """The folder to load: `model_dir` (or its translator subfolder, when it is a models folder),
    or the model store's translator subfolder."""
    from studio.translate.files import missing_files, store_translator_dir

    if model_dir is None:
        from studio.engine.store import ModelStore

        return store_translator_dir(ModelStore().models_dir)
    inner = store_translator_dir(model_dir)
    if (
        model_dir.is_dir()
        and missing_files(model_dir)
        and inner.is_dir()
        and not missing_files(inner)
    ):
        return inner
    return model_dir


def run(args: argparse.Namespace) -> int:
    from studio.errors import StudioError
    from studio.translate.files import require_translator
    from studio.translate.script import needs_translation

    if not args.text.strip():
        raise StudioError("give a text to translate")
    folder = require_translator(translator_folder(args.model_dir))
    if not needs_translation(args.text):
        print(args.text)
        return 0
    from studio.translate.marian import Translator

    print(Translator.load(folder).translate(args.text))
    return 0
