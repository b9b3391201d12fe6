"""Screenshots of the window's main states, from the real app, for the README and for review.

Every shot is taken at two screen widths, a 1366x768 laptop and a 1920x1080 desktop (the window
as large as the screen less a task bar), named `NAME-1366.png` and `NAME-1920.png`. Each width
is a run of its own from the start, in a fresh process and studio (fixed seeds and the same
pictures make the runs alike), so no shot shows what resizing between the two left behind.
Run under a virtual X server as large as the larger screen (the real xcb platform, not
offscreen):

    xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshots.py \
        --out docs/screenshots

`--widths 1366` takes one width only. The publish shots (07, 08) run against the tests' fake Bot
API server on 127.0.0.1 (nothing reaches Telegram), in a second process with a pack of 60
stickers; `--only-publish` takes only those. The
translation and style shots (07-prompt-translation, 08-translated-details, 09-train-style,
10-style-training) come from `scripts/screenshot_translation.py` and
`scripts/screenshot_style_training.py`, run at the end (`--no-translation` skips them: both need
the tiny translator, trained for a minute). A window
that cannot shrink to a screen's width is reported (and its shot is wider than the screen).

Uses a temporary STUDIO_HOME. Generation runs on the engine's tiny random-weight test model
(the real Emojich weights are not needed to show the window), so generated candidates look like
noise; the emoji pictures are imported through the window's own import path (synthetic
pictures drawn from the Noto Color Emoji font, as the cut-out training data is), and are cut
out by the shipped segmenter when it is built, else by the contour method alone.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the hub is not contacted: the offline message

ROOT = Path(__file__).resolve().parent.parent
# Screen width -> the window's size on it (the height less a task bar).
SCREENS = {1366: (1366, 740), 1920: (1920, 1040)}


def add_screen_options(parser: argparse.ArgumentParser) -> None:
    """The options every screenshot script takes: where to write and at which screen widths."""
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument(
        "--widths",
        type=int,
        nargs="+",
        choices=sorted(SCREENS),
        default=sorted(SCREENS),
        help="screen widths to shoot at (px)",
    )


def wait_for(app, condition, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        time.sleep(0.01)
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


class Camera:
    """Takes each shot at every width: the window is resized to the screen, settled, grabbed.
    Each width keeps its own dock layout (as a user on that screen has it), so going back and
    forth between the sizes does not squeeze the docks. A dialog is shot over the window with
    a plain frame and title bar (there is no window manager under xvfb to draw one)."""

    def __init__(self, app, window, out: Path, widths: list[int]) -> None:  # noqa: ANN001
        self.app, self.window, self.out, self.widths = app, window, out, widths
        self.too_wide: list[str] = []
        self._layouts: dict[int, object] = {}
        self._width = widths[0]

    def _at(self, width: int, name: str) -> None:
        if self.window.width() > self._width:
            self.too_wide.append(
                f"{name}: the window grew by itself to {self.window.width()} px "
                f"on the {self._width} px screen"
            )
        if width != self._width:
            self._layouts[self._width] = self.window.saveState()
        self.window.resize(*SCREENS[width])  # as a user fits it to the screen again
        settle(self.app, 0.3)
        if width != self._width and width in self._layouts:
            self.window.restoreState(self._layouts[width])
        self._width = width

    def _framed(self, dialog):  # noqa: ANN001, ANN202 - QWidget -> QPixmap
        from PySide6.QtCore import QRect, Qt
        from PySide6.QtGui import QColor, QPainter, QPixmap

        inner, title_h = dialog.grab(), 26
        framed = QPixmap(inner.width() + 2, inner.height() + title_h + 1)
        framed.fill(QColor("#5a5a5a"))
        painter = QPainter(framed)
        painter.fillRect(QRect(1, 1, inner.width(), title_h - 1), QColor("#dcdcdc"))
        painter.setPen(QColor("#202020"))
        painter.drawText(
            QRect(10, 1, inner.width() - 20, title_h - 1),
            Qt.AlignmentFlag.AlignVCenter,
            dialog.windowTitle(),
        )
        painter.drawPixmap(1, title_h, inner)
        painter.end()
        return framed

    def shoot(self, name: str, dialog=None) -> None:  # noqa: ANN001
        for width in self.widths:
            self._at(width, name)
            settle(self.app, 0.6)
            if self.window.width() > width:
                self.too_wide.append(
                    f"{name}: the window cannot shrink below {self.window.width()} px"
                )
            picture = self.window.grab()
            if dialog is not None:
                from PySide6.QtGui import QPainter

                front = self._framed(dialog)
                painter = QPainter(picture)
                painter.drawPixmap(
                    (picture.width() - front.width()) // 2,
                    (picture.height() - front.height()) // 3,
                    front,
                )
                painter.end()
            path = self.out / f"{name}-{width}.png"
            picture.save(str(path))
            print(f"{path.name}: {picture.width()}x{picture.height()}")
        self._at(self.widths[0], name)

    def report(self) -> None:
        for line in dict.fromkeys(self.too_wide):
            print(f"warning: {line}", file=sys.stderr)


def write_tiny_models_with_translator(models: Path) -> None:
    """The engine's tiny test model and a tiny translator trained for a minute, in `models`
    (in a child process: torch stays out of the process that shows the window)."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; "
            "from studio.engine.testing import write_tiny_model_dir as emojich; "
            "from tests.translate.tiny_marian import write_tiny_marian as marian; "
            "emojich(Path(sys.argv[1])); "
            "marian(Path(sys.argv[1]) / 'opus-mt-en-ru', d_model=32, init_std=0.02, "
            "train_steps=600)",
            str(models),
        ],
        check=True,
        cwd=ROOT,
    )


def emoji_pictures(folder: Path, count: int) -> list[Path]:
    """Synthetic emoji pictures on light backgrounds (none when the emoji font is missing)."""
    from PIL import Image

    from studio.segment.training import synth

    try:
        glyphs = synth.noto_glyphs("held_out")
    except Exception as exc:  # no emoji font on this machine
        print(f"no emoji pictures: {exc}", file=sys.stderr)
        return []
    paths = []
    for i in range(count):
        sample = synth.make_sample(
            synth.sample_rng(7, i), glyphs, 256, negatives=False, whiten=False
        )
        path = folder / f"emoji-{i + 1:02d}.png"
        Image.fromarray(sample.image).save(path)
        paths.append(path)
    return paths


class ContourOnly:
    """The contour method alone, for machines where the shipped U-Net is not built yet."""

    def cutout(self, image):
        import numpy as np

        from studio.segment import contour

        mask = contour.contour_mask(np.asarray(image.convert("RGB")))
        return type("Cut", (), {"mask": mask, "method": "contour", "confidence": None})()


def segmenter_factory():
    from studio.jobs.cutouts import default_segmenter
    from studio.paths import resource

    if resource("models", "cutout_tinyunet.safetensors").is_file():
        return default_segmenter
    return ContourOnly


def glyph_pictures(folder: Path, count: int) -> list[Path]:
    """Emoji glyphs with their own transparency (imported as they are, no cut-out needed)."""
    from PIL import Image

    from studio.segment.training import synth

    glyphs = synth.noto_glyphs("held_out")
    paths = []
    for i in range(count):
        path = folder / f"glyph-{i + 1:02d}.png"
        Image.fromarray(glyphs[(i * 7) % len(glyphs)]).save(path)
        paths.append(path)
    return paths


def publish_shots(app, window, camera: Camera) -> None:  # noqa: ANN001
    """The Publish to Telegram section: waiting out a flood wait, then published."""
    import asyncio

    import qasync

    sys.path.insert(0, str(ROOT))
    from tests.telegram.fake_bot_api import FakeBotApi

    # The app's qasync loop, driven by the Qt events this script processes.
    asyncio.set_event_loop(qasync.QEventLoop(app, already_running=True))
    token = "7000001:ScreenshotTokenNotReal"
    fake = FakeBotApi(token, bot_username="my_sticker_bot")
    fake.started_users.add(123456789)
    url = fake.start()
    panel = window.pack_page.ensure()
    panel.publisher.api_url = url
    window.tabs.setCurrentWidget(window.pack_page)
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😺"])
    panel.fields.enter_title("Котики")
    panel.fields.derive_name()
    section = panel.publish_section
    section.token_edit.setText(token)
    section.save_token()
    wait_for(app, lambda: panel.publisher.bot_username is not None, what="Test connection")
    from PySide6.QtTest import QTest

    section.user_edit.clear()
    QTest.keyClicks(section.user_edit, "123456789")  # typed, as a user would
    panel.scroll.ensureWidgetVisible(section)
    # Long enough to shoot the countdown at every width.
    fake.inject("addStickerToSet", "429", retry_after=9 + 3 * len(camera.widths), skip=1)
    if not section.publish_button.isEnabled():
        sys.exit(
            "Publish stays disabled: "
            + "; ".join(
                [section.name_label.text(), section.status_label.text()]
                + [str(p) for p in panel.problems]
            )
        )
    section.publish_button.click()
    wait_for(app, section.countdown_label.isVisible, what="the flood wait")
    settle(app, 2.2)
    camera.shoot("07-publish-waiting")
    wait_for(app, lambda: bool(panel.publisher.link), timeout=90, what="the publish")
    settle(app, 0.5)
    camera.shoot("08-published")
    fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_screen_options(parser)
    parser.add_argument(
        "--only-publish", action="store_true", help="only the Publish to Telegram shots"
    )
    parser.add_argument(
        "--no-translation",
        action="store_true",
        help="skip the translation shots (scripts/screenshot_translation.py)",
    )
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if len(args.widths) > 1:  # one run per width
        for width in args.widths:
            subprocess.run(
                [sys.executable, __file__, *sys.argv[1:], "--widths", str(width)], check=True
            )
        return
    if args.only_publish:
        only_publish(out, args.widths)
        return
    window_shots(out, args.widths)
    widths = ["--widths", *map(str, args.widths)]
    # In fresh processes and studios: publishing needs more than 50 stickers to meet a flood
    # wait (the first 50 go in the one call that creates the set).
    subprocess.run(
        [sys.executable, __file__, "--out", str(out), "--only-publish", *widths], check=True
    )
    if not args.no_translation:
        for script in ("screenshot_translation.py", "screenshot_style_training.py"):
            subprocess.run(
                [sys.executable, str(ROOT / "scripts" / script), "--out", str(out), *widths],
                check=True,
            )
    print(f"screenshots in {out}")


def window_shots(out: Path, widths: list[int]) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        tiny = Path(home) / "tiny-model"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from studio.engine.testing import "
                "write_tiny_model_dir as w; w(sys.argv[1])",
                str(tiny),
            ],
            check=True,
        )
        pictures = emoji_pictures(Path(home), 12)

        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from studio.library import CandidateStatus
        from studio.ui.app import create_application
        from studio.ui.gallery import Backdrop
        from studio.ui.main_window import MainWindow

        app = create_application()
        window = MainWindow(segmenter_factory=segmenter_factory())
        window.move(0, 0)
        window.resize(*SCREENS[widths[0]])
        window.show()
        window.start()
        camera = Camera(app, window, out, widths)

        # 1. First run: no model files yet.
        wait_for(app, lambda: window.model_check is not None, what="the model check")
        wait_for(app, lambda: window.device_info is not None, what="the device probe")
        settle(app)
        camera.shoot("01-first-run")

        # 2. The model manager, after an offline download attempt.
        dialog = window.open_model_manager()
        wait_for(app, lambda: dialog.table.rowCount() > 0, what="the file list")
        dialog.start_download()
        wait_for(app, lambda: not dialog.downloading, what="the download attempt")
        wait_for(app, dialog.download_button.isEnabled, what="the refresh")
        settle(app)
        camera.shoot("02-model-manager", dialog=dialog)
        dialog.use_folder(str(tiny))  # as Use folder… does
        dialog.close()
        wait_for(app, lambda: window.prompt_panel.model_ready, what="the model")

        # 3. A job streaming in (fixed seeds: the same pictures on every run).
        sampler = window.sampler_panel
        sampler.set_seed(2024)
        window.prompt_panel.set_prompt("котик с сердечком")
        sampler.set_image_count(128)
        sampler.set_batch_size(4)
        window.prompt_panel.request_generate()
        sampler.set_image_count(64)
        sampler.set_seed(2025)
        window.prompt_panel.set_prompt("зелёный дракон машет лапой")
        window.prompt_panel.request_generate()
        wait_for(app, lambda: window.gallery.model.rowCount() >= 40, what="candidates")
        window.queue_panel.select_job(window.queue.running_job_id)
        settle(app, 0.5)
        camera.shoot("03-generating")
        wait_for(app, window.queue.is_idle, timeout=600, what="the jobs")

        # 4. Triage, with imported pictures (captioned with their file names) and cut-outs.
        window.import_paths(pictures)
        wait_for(
            app, lambda: window.gallery.model.rowCount() >= 192 + len(pictures), what="the import"
        )
        gallery = window.gallery
        gallery.sort_box.setCurrentIndex(gallery.sort_box.findData("time"))
        view = gallery.view
        view.setFocus()
        rows = gallery.model.candidates()
        gallery.select_candidate(rows[0].id)
        for key in "KKXKSKKXKKSK":
            QTest.keyClick(view, getattr(Qt.Key, f"Key_{key}"))
        kept = [c.id for c in gallery.model.candidates() if c.status is CandidateStatus.KEPT]
        wait_for(app, lambda: all(gallery.model.cutout(i) for i in kept), what="cut-outs")
        for key in "XXKS":
            QTest.keyClick(view, getattr(Qt.Key, f"Key_{key}"))
        gallery.select_candidate(kept[1])
        settle(app, 1.0)
        camera.shoot("04-gallery")

        # 5. The mask editor on a kept picture.
        window.open_editor(kept[1])
        settle(app, 1.5)
        camera.shoot("05-editor")

        # 6. Kept pictures sent to the pack.
        window.show_gallery()
        window.add_to_pack(kept[:6])
        window.tabs.setCurrentWidget(window.pack_page)
        settle(app, 2.5)
        camera.shoot("06-pack")

        # The gallery again: cut-outs on the dark chat, "in pack" badges; then the large viewer.
        window.show_gallery()
        gallery.set_backdrop(Backdrop.DARK_CHAT)
        gallery.select_candidate(kept[1])
        view.scrollToTop()
        gallery.thumbnails.wait_idle(10_000)
        settle(app, 1.0)
        camera.shoot("04-gallery-cutouts")
        gallery.set_backdrop(Backdrop.CHECKERBOARD)
        gallery.select_candidate(kept[1])
        gallery.open_viewer()
        wait_for(app, lambda: gallery.viewer.pixmap() is not None, what="the large picture")
        gallery.thumbnails.wait_idle(10_000)
        settle(app, 1.0)
        camera.shoot("04-viewer")
        gallery.close_viewer()
        gallery.set_backdrop(Backdrop.ORIGINAL)
        window.close()
        camera.report()


def only_publish(out: Path, widths: list[int]) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        from studio.ui.app import create_application
        from studio.ui.main_window import MainWindow

        app = create_application()
        window = MainWindow(segmenter_factory=segmenter_factory())
        window.move(0, 0)
        window.resize(*SCREENS[widths[0]])
        window.show()
        camera = Camera(app, window, out, widths)
        window.import_paths(glyph_pictures(Path(home), 60))
        wait_for(app, lambda: window.gallery.model.rowCount() >= 60, what="the import")
        window.add_to_pack([c.id for c in window.gallery.model.candidates()])
        settle(app, 1.0)
        publish_shots(app, window, camera)
        window.close()
        camera.report()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
