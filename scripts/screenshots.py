"""Screenshots of the window's main states, from the real app, for the README and for review.

Run under a virtual X server (the real xcb platform, not offscreen):

    xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python scripts/screenshots.py \
        --out docs/screenshots

The publish shots (07, 08) run against the tests' fake Bot API server on 127.0.0.1 (nothing
reaches Telegram); `--only-publish` takes only those (a 1366x768 screen is enough).

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
        sample = synth.make_sample(synth.sample_rng(7, i), glyphs, 256, negatives=False,
                                   whiten=False)
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

    from studio.segment import synth

    glyphs = synth.noto_glyphs("held_out")
    paths = []
    for i in range(count):
        path = folder / f"glyph-{i + 1:02d}.png"
        Image.fromarray(glyphs[(i * 7) % len(glyphs)]).save(path)
        paths.append(path)
    return paths


def publish_shots(app, window, out: Path, shot) -> None:  # noqa: ANN001
    """The Publish to Telegram section: waiting out a flood wait, then published."""
    import asyncio

    import qasync

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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
    panel.fields.title.setText("Котики")
    panel._field_changed("title", "Котики")
    panel.fields.name_from_title.click()
    section = panel.publish_section
    section.token_edit.setText(token)
    section.save_token()
    wait_for(app, lambda: panel.publisher.bot_username is not None, what="Test connection")
    section.user_edit.setText("123456789")
    section._user_edited("123456789")
    panel.scroll.ensureWidgetVisible(section)
    fake.inject("addStickerToSet", "429", retry_after=9, skip=1)
    section.publish_button.click()
    wait_for(app, section.countdown_label.isVisible, what="the flood wait")
    settle(app, 2.2)
    shot(window, "07-publish-waiting.png")
    wait_for(app, lambda: bool(panel.publisher.link), timeout=60, what="the publish")
    settle(app, 0.5)
    shot(window, "08-published.png")
    fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument(
        "--only-publish", action="store_true", help="only the Publish to Telegram shots"
    )
    args = parser.parse_args()
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    if args.only_publish:
        only_publish(out)
        return

    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        tiny = Path(home) / "tiny-model"
        subprocess.run(
            [sys.executable, "-c", "import sys; from studio.engine.testing import "
             "write_tiny_model_dir as w; w(sys.argv[1])", str(tiny)],
            check=True,
        )
        pictures = emoji_pictures(Path(home), 12)

        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from studio.library import CandidateStatus
        from studio.ui.app import create_application
        from studio.ui.main_window import MainWindow

        app = create_application()
        window = MainWindow(segmenter_factory=segmenter_factory())
        window.resize(1500, 920)
        window.show()
        window.start()
        shot = lambda widget, name: widget.grab().save(str(out / name))  # noqa: E731

        # 1. First run: no model files yet.
        wait_for(app, lambda: window.model_check is not None, what="the model check")
        wait_for(app, lambda: window.device_info is not None, what="the device probe")
        settle(app)
        shot(window, "01-first-run.png")

        # 2. The model manager, after an offline download attempt.
        dialog = window.open_model_manager()
        wait_for(app, lambda: dialog.table.rowCount() > 0, what="the file list")
        dialog.start_download()
        wait_for(app, lambda: not dialog.downloading, what="the download attempt")
        wait_for(app, dialog.download_button.isEnabled, what="the refresh")
        settle(app)
        shot(dialog, "02-model-manager.png")
        dialog.use_folder(str(tiny))  # as Use folder… does
        dialog.close()
        wait_for(app, lambda: window.prompt_panel.model_ready, what="the model")

        # 3. A job streaming in.
        window.prompt_panel.set_prompt("котик с сердечком")
        window.sampler_panel.images.setValue(128)
        window.sampler_panel.batch_size.setValue(4)
        window.prompt_panel.generate_button.click()
        window.sampler_panel.images.setValue(64)
        window.prompt_panel.set_prompt("зелёный дракон машет лапой")
        window.prompt_panel.generate_button.click()
        wait_for(app, lambda: window.gallery.model.rowCount() >= 40, what="candidates")
        window.queue_panel.select_job(window.queue.running_job_id)
        settle(app, 0.5)
        shot(window, "03-generating.png")
        wait_for(app, window.queue.is_idle, timeout=600, what="the jobs")

        # 4. Triage, with imported pictures and their cut-outs.
        window.import_paths(pictures)
        wait_for(app, lambda: window.gallery.model.rowCount() >= 192 + len(pictures),
                 what="the import")
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
        shot(window, "04-gallery.png")

        # 5. The mask editor on a kept picture.
        window.open_editor(kept[1])
        settle(app, 1.5)
        shot(window, "05-editor.png")

        # 6. Kept pictures sent to the pack.
        window.show_gallery()
        window.add_to_pack(kept[:6])
        window.tabs.setCurrentWidget(window.pack_page)
        settle(app, 2.5)
        shot(window, "06-pack.png")
        publish_shots(app, window, out, shot)
        window.close()
    print(f"screenshots in {out}")


def only_publish(out: Path) -> None:
    with tempfile.TemporaryDirectory() as home:
        os.environ["STUDIO_HOME"] = home
        from studio.ui.app import create_application
        from studio.ui.main_window import MainWindow

        app = create_application()
        window = MainWindow(segmenter_factory=segmenter_factory())
        window.resize(1366, 740)
        window.show()
        shot = lambda widget, name: widget.grab().save(str(out / name))  # noqa: E731
        before = set()
        window.import_paths(glyph_pictures(Path(home), 60))
        wait_for(app, lambda: window.gallery.model.rowCount() >= 60, what="the import")
        ids = [c.id for c in window.gallery.model.candidates() if c.id not in before]
        window.add_to_pack(ids)
        settle(app, 1.0)
        publish_shots(app, window, out, shot)
        window.close()
    print(f"screenshots in {out}")


if __name__ == "__main__":
    main()
