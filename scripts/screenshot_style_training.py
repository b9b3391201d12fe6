"""Screenshots of training a style in the window: the dialog, then the training monitor.

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_style_training.py \
        --out docs/screenshots [--widths 1366 1920]

(`scripts/screenshots.py` runs it after its own shots.) Each shot is taken at every width, as
`NAME-1366.png` and `NAME-1920.png`; the dialog is shot over the window.

Uses a temporary STUDIO_HOME whose models folder holds the engine's tiny random-weight model and
the tests' tiny MarianMT translator (so English captions show their Russian); the pictures are
synthetic emoji. The tiny model learns nothing worth seeing: the curve and the previews are the
point, not what they show.
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
    emoji_pictures,
    settle,
    wait_for,
    write_tiny_models_with_translator,
)

# Captions the tiny translator knows (English), and Russian ones that go as typed.
CAPTIONS = (
    "a cat in a space helmet",
    "cute panda holds a heart",
    "кот спит",
    "happy sun with sunglasses",
    "радостный кот",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_screen_options(parser)
    parser.add_argument("--steps", type=int, default=40)
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        models = Path(home) / "models"
        write_tiny_models_with_translator(models)
        folder = Path(home) / "pictures"
        folder.mkdir()
        pictures = emoji_pictures(folder, 24)
        if not pictures:
            sys.exit("no emoji font here: cannot draw the training pictures")
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
        wait_for(app, lambda: window.prompt_panel.model_ready, what="the model")
        wait_for(app, lambda: window.device_info is not None, what="the device")
        dialog = window.styles.open_dialog()
        dialog.add_files(pictures)
        for row in range(dialog.table.rowCount()):
            dialog.table.item(row, 1).setText(CAPTIONS[row % len(CAPTIONS)])
        dialog.name.setText("Emoji cats")
        dialog.steps.setValue(args.steps)
        dialog.lr.setValue(0.003)
        dialog.previews.setText("кот в шляпе; кот с сердечком")
        wait_for(app, lambda: dialog.form.translating == 0, what="the translations")
        settle(app, 0.5)
        camera.shoot("09-train-style", dialog=dialog)
        dialog.train.click()
        wait_for(app, window.queue.is_idle, timeout=600, what="the training")
        settle(app, 0.5)
        camera.shoot("10-style-training")
        window.close()
        camera.report()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
