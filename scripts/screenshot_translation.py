"""Screenshots of the prompt panel translating an English prompt, and of the job it made.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_translation.py \
        --out docs/screenshots [--widths 1366 1920]

(`scripts/screenshots.py` runs it after its own shots.) Each shot is taken at every width, as
`NAME-1366.png` and `NAME-1920.png`.

Uses a temporary STUDIO_HOME whose models folder holds the engine's tiny random-weight model
and a tiny MarianMT translator built by the tests' helper, trained for a few seconds on six
sentence pairs so that its Russian reads as Russian (the real translator is
Helsinki-NLP/opus-mt-en-ru; nothing is downloaded).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from scripts.screenshots import (  # noqa: E402
    SCREENS,
    Camera,
    add_screen_options,
    settle,
    wait_for,
    write_tiny_models_with_translator,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_screen_options(parser)
    parser.add_argument("--prompt", default="a cat in a space helmet")
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        models = Path(home) / "models"
        write_tiny_models_with_translator(models)
        from studio.settings import Settings
        from studio.ui.app import create_application
        from studio.ui.main_window import MainWindow

        app = create_application()
        window = MainWindow(settings=Settings(models_dir=str(models), device="cpu"))
        window.move(0, 0)
        window.resize(*SCREENS[args.widths[0]])
        window.show()
        window.start()
        camera = Camera(app, window, out, args.widths)
        panel = window.prompt_panel
        wait_for(app, lambda: panel.model_ready, what="the model")
        panel.set_prompt(args.prompt)
        wait_for(app, lambda: bool(panel.russian()), what="the translation")
        settle(app, 0.5)
        camera.shoot("07-prompt-translation")
        print(f"{args.prompt!r} -> {panel.russian()!r}")

        # Generated with the Russian: Details shows both texts, the filter finds the English.
        window.sampler_panel.set_seed(2024)  # the same pictures on every run
        window.sampler_panel.set_image_count(4)
        window.sampler_panel.set_batch_size(4)
        panel.request_generate()
        wait_for(app, lambda: bool(window.library.jobs()), what="the job")
        wait_for(app, window.queue.is_idle, timeout=300, what="the job")
        window.gallery.filter_edit.setText("helmet")
        settle(app, 0.5)
        window.gallery.select_candidate(window.gallery.model.candidates()[0].id)
        settle(app, 0.5)
        camera.shoot("08-translated-details")
        window.close()
        camera.report()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
