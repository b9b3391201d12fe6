"""The main window: it composes the panels and connects them; the work happens elsewhere.

Left: the prompt and sampler (Generate) and the job list. Centre, as tabs: the gallery, the mask
editor and the pack. Right: the details of the current candidate (with the gallery tab).
Nothing here imports torch: the engine loads in the worker threads after the window is up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from studio import APP_NAME
from studio.errors import StudioError
from studio.jobs import GenerationRequest, JobQueue
from studio.jobs.backend import DeviceInfo, GenerationBackend
from studio.jobs.cutouts import SharedSegmenter, default_segmenter
from studio.jobs.events import BatchStored, JobEvent, JobFailed, JobStarted
from studio.jobs.replicas import SettingsBackend
from studio.library import Library
from studio.library.check import CheckReport, check_in_background
from studio.library.db import LibraryUnavailable
from studio.library.importing import IMAGE_SUFFIXES, ImportReport, import_files, importable
from studio.library.leftovers import clean_leftovers_at_start
from studio.settings import Settings, load_settings
from studio.translate.files import store_translator_dir
from studio.translate.marian import LazyTranslator
from studio.ui.cutouts import CutoutRunner
from studio.ui.details_panel import DetailsPanel
from studio.ui.gallery import Backdrop, GalleryPanel
from studio.ui.heartbeat import Heartbeat
from studio.ui.job_messages import status_message
from studio.ui.lazy_page import LazyPage
from studio.ui.model_files import ModelCheck, check_model_files
from studio.ui.model_manager import ModelManagerDialog
from studio.ui.prompt_panel import PromptPanel
from studio.ui.prompt_translation import Submission
from studio.ui.queue_panel import QueuePanel
from studio.ui.sampler_panel import SamplerPanel
from studio.ui.status_bar import StatusBar
from studio.ui.stop_clock import StopClock
from studio.ui.styles.host import StyleHost
from studio.ui.tasks import TaskFailure, TaskRunner
from studio.ui.window_state import window_settings

if TYPE_CHECKING:  # built on first use, see `LazyPage`
    from studio.ui.editor import MaskEditorPanel
    from studio.ui.pack import PackPanel

log = logging.getLogger(__name__)


def first_size(wanted: tuple[int, int], available: tuple[int, int]) -> tuple[int, int]:
    """The window's first size on a screen with `available` room: `wanted`, at most nine tenths
    of the room, except on a screen narrower than `wanted`, where it takes the whole width. The
    window needs about 1,200 px: nine tenths of a 1366 px laptop screen (1229 px) cut the
    gallery's filter boxes to a few letters ("All job", "Any statu") and left the other tenth
    of the width to nothing."""
    width, height = wanted
    room_width, room_height = available
    width = room_width if room_width < width else min(width, int(room_width * 0.9))
    return width, min(height, int(room_height * 0.9))


class MainWindow(QMainWindow):
    # How long closing may wait for background work to stop (quitting must feel instant).
    SHUTDOWN_BUDGET_S = 0.8

    def __init__(
        self,
        library: Library | None = None,
        settings: Settings | None = None,
        backend_factory: Callable[[], GenerationBackend] | None = None,
        segmenter_factory: Callable[[], Any] = default_segmenter,
        model_checker: Callable[[Path], ModelCheck] = check_model_files,
    ) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setObjectName("mainWindow")
        self._resize_to_screen(1400, 860)
        self._owns_library = library is None
        self.library = library or Library()
        self.settings = settings or load_settings()
        self._model_checker = model_checker
        self.model_check: ModelCheck | None = None
        self.device_info: DeviceInfo | None = None
        self.last_heartbeat_gap_ms: float | None = None
        self._started = False
        self._closed = False
        self.busy_at_exit: list[str] = []  # what still ran when the window closed
        self._model_dialog: ModelManagerDialog | None = None
        self.last_notice: QMessageBox | None = None
        self._details_hidden_by_tab = False
        self._translator: LazyTranslator | None = None  # loads on the worker at first use
        self._translator_seen = False

        self.tasks = TaskRunner(self)  # the window's own work off the UI thread
        self.queue = JobQueue(
            self.library,
            backend_factory or (lambda: SettingsBackend(self.settings)),
            self.settings,
            self,
        )
        # One cut-out model for the background cut-outs and the editor, loaded once.
        segmenter = SharedSegmenter(segmenter_factory)
        self.cutouts = CutoutRunner(self.library.paths, segmenter, self)
        self.heartbeat = Heartbeat(parent=self)

        # Panels.
        self.prompt_panel = PromptPanel()
        self.sampler_panel = SamplerPanel()
        self.queue_panel = QueuePanel(self.library, self.queue)
        self.gallery = GalleryPanel(self.library)
        self.details = DetailsPanel(self.library)
        # The editor and the pack are built on first use: they cost nothing at start-up.
        self.editor_page: LazyPage[MaskEditorPanel] = LazyPage(
            lambda: self._make_editor(segmenter),
            "Select a candidate in the gallery and press Enter to fix its cut-out mask here.",
            scroll=True,  # a narrow window scrolls the editor; it never grows by itself
        )
        self.pack_page: LazyPage[PackPanel] = LazyPage(self._make_pack, build_on_show=True)
        self.styles = StyleHost(
            self, self.queue, self.library, self.sampler_panel, self.gallery, self.tasks
        )
        self._compose()
        self._build_menus()
        self._connect()
        self._restore_prompt_history()
        self.setAcceptDrops(True)
        self._restore_window_state()
        self._report_library_state()

    # -- library state at start-up ------------------------------------------------------------

    def _report_library_state(self) -> None:
        """Say what start-up found: a recovered file, a read-only library, rows that could not
        be read (those start a deep check in the background). Never blocks the window."""
        lib = self.library
        if lib.recovery is not None:
            self.notify(lib.recovery.summary())
        if lib.read_only_reason is not None:
            self.notify(
                "The library is open read-only, so nothing new can be saved:\n"
                f"{lib.read_only_reason}\n\nYour library file was not changed."
            )
        if lib.unreadable:
            skipped = sum(len(rows) for rows in lib.unreadable.values())
            self.notify(
                f"Some of the library could not be read ({skipped} damaged row(s) in "
                f"{', '.join(sorted(lib.unreadable))}); they are not shown, the rest is. "
                "A deep check is running in the background."
            )
            paths = lib.paths
            self.tasks.submit(
                lambda _c: check_in_background(paths),
                on_result=self._on_deep_check,
                what="the deep check",
            )

    def _on_deep_check(self, report: CheckReport) -> None:
        if report.database_damaged:
            self.notify(
                "The deep check confirmed damage in the library file:\n"
                + "\n".join(report.problems[:3])
                + "\n\nThe next start recovers everything readable into a new file "
                "(the damaged one is kept beside it)."
            )

    def _restore_prompt_history(self) -> None:
        """The prompts of earlier jobs as typed, newest first, with the Russian they went as."""
        jobs = self.library.jobs()
        sent = {j.spec.prompt_original: j.spec.prompt for j in jobs if j.spec.prompt_original}
        typed = [j.spec.prompt_original or j.spec.prompt for j in reversed(jobs)]
        self.prompt_panel.set_history(typed, sent)

    # -- layout ---------------------------------------------------------------------------------

    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setFeatures(
            QDockWidget.DockWidgetFeature.DockWidgetMovable
            | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            | QDockWidget.DockWidgetFeature.DockWidgetClosable
        )
        self.addDockWidget(area, dock)
        return dock

    def _compose(self) -> None:
        generate = QWidget()
        column = QVBoxLayout(generate)
        column.addWidget(self.prompt_panel)
        column.addSpacing(6)
        column.addWidget(self.sampler_panel)
        column.addWidget(self.prompt_panel.generate_controls)  # below the sampler
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(generate)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(320)
        left = Qt.DockWidgetArea.LeftDockWidgetArea
        right = Qt.DockWidgetArea.RightDockWidgetArea
        self.generate_dock = self._dock("Generate", "generateDock", scroll, left)
        self.jobs_dock = self._dock("Jobs", "jobsDock", self.queue_panel, left)
        self.details_dock = self._dock("Details", "detailsDock", self.details, right)
        self.training_dock = self._dock(
            "Style training", "trainingDock", self.styles.monitor, right
        )
        self.tabifyDockWidget(self.details_dock, self.training_dock)
        # Shown when a training is followed (or from View): empty, it would take the details'
        # column on the editor and pack tabs, which hide the details to make room.
        self.training_dock.hide()
        self.details_dock.raise_()
        self.styles.dock = self.training_dock
        self.resizeDocks(
            [self.generate_dock, self.details_dock], [340, 300], Qt.Orientation.Horizontal
        )
        # Generate gets most of the height, so its button shows without scrolling on a
        # 768 px laptop screen; the job list still shows a handful of jobs.
        self.resizeDocks([self.generate_dock, self.jobs_dock], [600, 200], Qt.Orientation.Vertical)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.gallery, "Gallery")
        self.tabs.addTab(self.editor_page, "Mask editor")
        self.tabs.addTab(self.pack_page, "Pack")
        self.setCentralWidget(self.tabs)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self._size_to_current_tab()
        # Before the permanent labels: the bar elides a message that would run under them.
        self.setStatusBar(StatusBar(self))
        self.cutout_label = QLabel()
        self.cutout_label.setToolTip("Kept pictures and stickers are cut out in the background")
        self.cutout_label.hide()
        self.statusBar().addPermanentWidget(self.cutout_label)
        self.device_label = QLabel("Loading the engine…")
        self.statusBar().addPermanentWidget(self.device_label)
        # Status texts come and go (a cut-out count, the device once torch is loaded); they are
        # shown whole when there is room but never make the window wider than its panels need.
        for label in (self.cutout_label, self.device_label):
            label.setMinimumWidth(1)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.import_action = QAction("&Import images…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.choose_import)
        file_menu.addAction(self.import_action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        models_menu = self.menuBar().addMenu("&Models")
        self.models_action = QAction("&Model manager…", self)
        self.models_action.triggered.connect(self.open_model_manager)
        models_menu.addAction(self.models_action)
        self.train_style_action = QAction("&Train a style…", self)
        self.train_style_action.triggered.connect(self.styles.open_dialog)
        models_menu.addAction(self.train_style_action)
        view_menu = self.menuBar().addMenu("&View")
        gallery_action = QAction("&Gallery", self)
        gallery_action.setShortcut(QKeySequence("Ctrl+1"))
        gallery_action.triggered.connect(self.show_gallery)
        view_menu.addAction(gallery_action)
        editor_action = QAction("Mask &editor", self)
        editor_action.setShortcut(QKeySequence("Ctrl+2"))
        editor_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.editor_page))
        view_menu.addAction(editor_action)
        view_menu.addSeparator()
        pack_action = QAction("&Pack", self)
        pack_action.setShortcut(QKeySequence("Ctrl+3"))
        pack_action.triggered.connect(lambda: self.tabs.setCurrentWidget(self.pack_page))
        view_menu.addAction(pack_action)
        view_menu.addSeparator()
        view_menu.addMenu(self.gallery.backdrop_menu)
        view_menu.addSeparator()
        for dock in (self.generate_dock, self.jobs_dock, self.details_dock, self.training_dock):
            view_menu.addAction(dock.toggleViewAction())
        help_menu = self.menuBar().addMenu("&Help")
        keys_action = QAction("&Keyboard shortcuts", self)
        keys_action.triggered.connect(self._show_keys)
        help_menu.addAction(keys_action)

    def _connect(self) -> None:
        self.prompt_panel.generate_requested.connect(self._on_generate_requested)
        self.prompt_panel.model_manager_requested.connect(self.open_model_manager)
        self.queue.event.connect(self._on_job_event)
        self.styles.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.queue.device_info.connect(self._on_device_info)
        self.queue_panel.show_job_requested.connect(self._show_job)
        self.queue_panel.resume_requested.connect(self.resume_job)
        self.gallery.current_changed.connect(self.details.show_candidate)
        self.gallery.open_editor.connect(self.open_editor)
        self.gallery.kept.connect(self.cutouts.cut)
        self.gallery.set_pack_adder(self.add_to_pack)
        self.details.add_to_pack_requested.connect(self.gallery.request_add_to_pack)
        self.gallery.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.details.status_requested.connect(self.gallery.set_status)
        self.details.star_requested.connect(self.gallery.toggle_star)
        self.details.open_requested.connect(self.open_editor)
        self.details.more_like_this.connect(self.more_like_this)
        self.cutouts.done.connect(self._on_cutout_done)
        self.cutouts.failed.connect(
            lambda cid, msg: self.statusBar().showMessage(f"Cut-out of {cid} failed: {msg}", 8000)
        )
        self.cutouts.unavailable.connect(self._on_cutouts_unavailable)
        self.cutouts.remaining_changed.connect(self._show_cutouts_remaining)

    def _make_editor(self, segmenter: SharedSegmenter) -> MaskEditorPanel:
        from studio.ui.editor import MaskEditorPanel

        # "Reset to automatic" uses the window's one cut-out model, never a second copy.
        panel = MaskEditorPanel(self.library, segmenter_factory=segmenter)
        panel.cutout_changed.connect(lambda cid, _cutout_id: self._on_cutout_done(cid))
        panel.status_message.connect(lambda text: self.statusBar().showMessage(text, 5000))
        panel.dirty_changed.connect(
            lambda dirty: self.tabs.setTabText(
                self.tabs.indexOf(self.editor_page), "Mask editor *" if dirty else "Mask editor"
            )
        )
        return panel

    def _make_pack(self) -> PackPanel:
        from studio.ui.pack import PackPanel

        panel = PackPanel(self.library)
        panel.edit_cutout_requested.connect(self.open_editor)
        panel.exported.connect(
            lambda folder: self.statusBar().showMessage(f"Pack exported to {folder}", 8000)
        )
        panel.export_failed.connect(
            lambda text: self.statusBar().showMessage(f"Export failed: {text}", 8000)
        )
        return panel

    # -- start-up -------------------------------------------------------------------------------

    def start(self) -> None:
        """After the first paint: restore the queue, find the models and devices, resume cut-outs.
        All of it runs in the background; the window stays usable meanwhile."""
        if self._started:
            return
        self._started = True
        self.queue.set_ready(False)  # until the model files are known to be there
        interrupted = self.queue.restore()
        if interrupted:
            names = ", ".join(str(j.id) for j in interrupted)
            self.statusBar().showMessage(
                f"Job {names} stopped when the app last closed unexpectedly; "
                "its finished images are in the gallery.",
                15000,
            )
        self.check_models()
        self.queue.probe_devices()
        if not self.library.read_only:
            self.cutouts.resume(self.library)
            paths = self.library.paths
            self.tasks.submit(
                lambda _c: clean_leftovers_at_start(paths), what="cleaning up leftovers"
            )

    def check_models(self) -> None:
        self.prompt_panel.set_model_state(checking=True)
        folder = self.settings.models_path
        self.tasks.submit(
            lambda _c: self._model_checker(folder),
            on_result=self._on_model_check,
            what="checking the model files",
        )

    def _on_model_check(self, check: ModelCheck) -> None:
        if check.folder != self.settings.models_path:
            return
        self.model_check = check
        if self.library.read_only:  # nothing generated could be saved
            self.prompt_panel.set_model_state(error="The library is read-only.")
            self.queue.set_ready(False)
            self.queue_panel.reload()
            return
        self.prompt_panel.set_model_state(missing=check.missing, error=check.error)
        self._use_translator(check)
        self.queue.set_ready(check.ready)
        self.queue_panel.reload()

    def _use_translator(self, check: ModelCheck) -> None:
        """Hand the prompt panel the translator of the models folder, when it is complete; the
        same one stays (loaded) while the folder does not change."""
        folder = store_translator_dir(check.folder)
        if not check.translator_ready:
            if self._translator is not None or not self._translator_seen:
                self._translator = None
                self.prompt_panel.set_translator(None)
                self.styles.set_translator(None)
        elif self._translator is None or self._translator.folder != folder:
            self._translator = LazyTranslator(folder)
            self.prompt_panel.set_translator(self._translator)
            self.styles.set_translator(self._translator)
        self._translator_seen = True

    def _on_device_info(self, info: DeviceInfo) -> None:
        self.device_info = info
        self.device_label.setText(info.description if not info.error else "torch not available")
        self.sampler_panel.suggest_batch_size(info.suggested_batch_size, info.description)
        self.styles.set_device(info, self.settings)
        if self._model_dialog is not None:
            self._model_dialog.set_device_info(info)

    # -- generation -----------------------------------------------------------------------------

    def generate(self, prompt: str, original: str | None = None) -> None:
        """Queue a job: `prompt` is what the model reads (Russian); `original` the prompt as
        typed when `prompt` is its translation."""
        model_id = self.model_check.model_id if self.model_check else "emojich"
        self._submit(
            self.sampler_panel.make_request(prompt, model_id=model_id, prompt_original=original)
        )

    def _on_generate_requested(self, submission: Submission) -> None:
        self.generate(submission.prompt, submission.original)

    def more_like_this(self, candidate_id: int, rows: int) -> None:
        candidate = self.library.candidate(candidate_id)
        model_id = self.model_check.model_id if self.model_check else "emojich"
        request = self.sampler_panel.make_request(
            candidate.prompt or "",
            model_id=model_id,
            prompt_original=candidate.prompt_original,
            source_candidate_id=candidate_id,
            prompt_rows=rows,
        )
        self._submit(request)

    def resume_job(self, job_id: int) -> None:
        """Queue what a stopped job did not make (a style training: continue it)."""
        if self.queue.is_training(job_id):
            self.styles.resume(job_id)
            return
        job = self.library.job(job_id)
        stored = self.library.candidates(job_id=job_id, sort="time")
        request = GenerationRequest.resume(job.spec, len(stored), {c.seed for c in stored})
        if request is None:
            self.statusBar().showMessage(f"Job {job_id} has all its images already.", 5000)
            return
        self._submit(request)

    def _submit(self, request: GenerationRequest) -> None:
        try:
            job = self.queue.submit(request)
        except StudioError as exc:
            self.notify(str(exc))
            return
        if request.prompt_original:
            self.prompt_panel.remember(request.prompt_original, request.prompt)
        else:
            self.prompt_panel.remember(request.prompt)
        self.gallery.refresh_jobs()
        self.statusBar().showMessage(
            f"Job {job.id} queued: {request.n_images} images of «{request.prompt}»", 5000
        )

    def _on_job_event(self, event: JobEvent) -> None:
        if self.queue.is_training(event.job_id):
            self.styles.handle(event)  # with its own messages
            return
        match event:
            case JobStarted() if not self.heartbeat.running:
                self.heartbeat.start()
            case BatchStored(candidate_ids=ids):
                self.gallery.add_candidates(list(ids))
            case JobFailed():
                self.check_models()  # perhaps files went missing: the generate button says so
        message = status_message(event)
        if message is not None:
            self.statusBar().showMessage(*message)
        if event.is_terminal and self.queue.is_idle() and self.heartbeat.running:
            self.last_heartbeat_gap_ms = self.heartbeat.stop()
            log.info(
                "Longest UI-thread gap during generation: %.1f ms (%d ticks)",
                self.last_heartbeat_gap_ms,
                self.heartbeat.ticks,
            )

    def _show_job(self, job_id: int) -> None:
        self.show_gallery()
        self.gallery.show_job(job_id)

    # -- gallery, editor, cut-outs --------------------------------------------------------------

    def _on_tab_changed(self, _index: int) -> None:
        # The details belong to the gallery; the editor and the pack need the width. The dock
        # goes first: measured with it still shown, the editor's minimum plus the details made
        # the window grow by itself (1400 -> 1453 px) each time the editor opened.
        on_gallery = self.tabs.currentWidget() is self.gallery
        if on_gallery:
            self._show_pack_members()  # the pack may have changed on its tab
            if self._details_hidden_by_tab:
                self.details_dock.show()
            self._details_hidden_by_tab = False
        elif not self.details_dock.isHidden():  # isVisible() is False before the first show
            self.details_dock.hide()
            self._details_hidden_by_tab = True
        self._size_to_current_tab()

    def _resize_to_screen(self, width: int, height: int) -> None:
        """The first size: `width` x `height`, or what a smaller screen has (`first_size`)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            available = screen.availableGeometry()
            width, height = first_size((width, height), (available.width(), available.height()))
        self.resize(width, height)

    def _size_to_current_tab(self) -> None:
        """Only the shown tab's minimum size counts. A tab widget asks for the largest of all its
        pages, so the editor's width plus the gallery's details panel made a window too wide for
        a laptop screen, though the two are never shown together."""
        ignored, preferred = QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            policy = preferred if page is self.tabs.currentWidget() else ignored
            page.setSizePolicy(policy, policy)
        # Re-measured now, not on the next pass of the event loop: a dock shown in between would
        # otherwise size the window by the old minimum, and windows do not shrink back.
        self.tabs.updateGeometry()
        self.layout().activate()

    def show_gallery(self) -> None:
        self.tabs.setCurrentWidget(self.gallery)
        self.gallery.focus_candidates()

    def open_editor(self, candidate_id: int) -> None:
        self.tabs.setCurrentWidget(self.editor_page)
        self.editor_page.ensure().open_candidate(candidate_id)

    def add_to_pack(self, candidate_ids: list[int]) -> bool:
        """Append to the current pack; False (and the status bar says why) when the library
        refuses the write."""
        try:
            added = self.pack_page.ensure().add_candidates(list(candidate_ids))
        except LibraryUnavailable as exc:  # read-only or full: said plainly, not as a bug
            self.statusBar().showMessage(f"Not added to the pack: {exc}", 10000)
            return False
        self.cutouts.cut(candidate_ids)  # a sticker needs a cut-out, kept or not
        self._show_pack_members()
        self.statusBar().showMessage(
            f"{added} added to the pack"
            + (f" ({len(candidate_ids) - added} were in it)" if added < len(candidate_ids) else ""),
            5000,
        )
        return True

    def _show_pack_members(self) -> None:
        """The gallery's "in pack" badges follow the pack the Pack tab shows (before the tab
        is first opened: the pack it will show, the first one)."""
        panel = self.pack_page.panel
        if panel is not None:
            pack_id = panel.current_pack_id()
        else:
            packs = self.library.packs()
            pack_id = packs[0].id if packs else None
        members = set()
        if pack_id is not None:
            members = {item.candidate_id for item in self.library.pack_items(pack_id)}
        self.gallery.set_pack_members(members)

    def _show_cutouts_remaining(self, count: int) -> None:
        self.cutout_label.setText(f"✂ Cutting out {count} picture{'s' if count != 1 else ''}…")
        self.cutout_label.setVisible(count > 0)

    def _on_cutouts_unavailable(self, message: str) -> None:
        self.details.set_cutouts_unavailable(message)
        self.statusBar().showMessage(message, 15000)

    def _on_cutout_done(self, candidate_id: int) -> None:
        self.gallery.refresh_cutout(candidate_id)
        if self.pack_page.panel is not None:
            self.pack_page.panel.refresh()
        current = self.gallery.current_candidate()
        if current is not None and current.id == candidate_id:
            self.details.show_candidate(current)

    # -- import ---------------------------------------------------------------------------------

    def choose_import(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import images", str(Path.home()), f"Images ({patterns})"
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def import_paths(self, paths: list[Path]) -> None:
        studio = self.library.paths
        self.statusBar().showMessage(f"Importing {len(paths)} file(s)…")
        self.tasks.submit(
            lambda _c: import_files(paths, studio),
            on_result=self._on_imported,
            on_error=self._on_import_error,
            what="the import",
        )

    def _on_imported(self, report: ImportReport) -> None:
        self.gallery.add_candidates(report.candidate_ids)
        for cid in report.candidate_ids:
            self.gallery.refresh_cutout(cid)
        self.statusBar().showMessage(f"Imported {len(report.candidate_ids)} picture(s).", 5000)
        if report.problems:
            self.notify("Some files were not imported:\n\n" + "\n".join(report.problems))

    def _on_import_error(self, failure: TaskFailure) -> None:
        self.statusBar().clearMessage()
        self.notify(failure.message)

    def notify(self, text: str) -> QMessageBox:
        """A warning that does not block the window (generation and imports go on)."""
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, parent=self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setModal(False)
        box.show()
        self.last_notice = box
        return box

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        if any(importable(Path(u.toLocalFile())) for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        urls: list[QUrl] = event.mimeData().urls()
        paths = [Path(u.toLocalFile()) for u in urls if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- models ---------------------------------------------------------------------------------

    def open_model_manager(self) -> ModelManagerDialog:
        if self._model_dialog is None:
            dialog = ModelManagerDialog(self.settings, self.tasks, self.device_info, self)
            dialog.settings_changed.connect(self._on_settings_changed)
            dialog.files_changed.connect(self._on_model_check)
            dialog.finished.connect(lambda _r: setattr(self, "_model_dialog", None))
            self._model_dialog = dialog
        self._model_dialog.show()
        self._model_dialog.raise_()
        return self._model_dialog

    def _on_settings_changed(self, settings: Settings) -> None:
        folder_changed = settings.models_path != self.settings.models_path
        self.settings = settings
        self.queue.set_settings(settings)
        if folder_changed:
            self.check_models()

    def _show_keys(self) -> None:
        QMessageBox.information(
            self,
            "Keyboard shortcuts",
            "Gallery\n"
            "  arrows: move    Shift/Ctrl + click or arrows: select several\n"
            "  K: keep    X: reject    U: undecided    S: star / unstar    P: add to pack\n"
            "  each key on one picture then moves on to the next (untick «Next after a key»\n"
            "  under the gallery to stay); on several selected pictures none moves\n"
            "  Enter or double-click: edit the cut-out mask\n"
            "  Space: large view (arrows: previous / next, the same keys; Esc or Space: back)\n"
            "  Ctrl+B: originals, or cut-outs on a checkerboard, light or dark chat\n\n"
            "Window\n"
            "  Ctrl+1: gallery    Ctrl+2: mask editor    Ctrl+3: pack    Ctrl+I: import\n"
            "  Enter in the prompt: generate",
        )

    # -- window state and closing ---------------------------------------------------------------

    def _tab_names(self) -> dict[str, QWidget]:
        return {"gallery": self.gallery, "editor": self.editor_page, "pack": self.pack_page}

    def _restore_window_state(self) -> None:
        """Geometry, docks and the open tab as they were. The dock layout is saved as the user
        arranged it: the details hidden only because the editor or the pack was open come back
        (quitting on the Pack tab once lost them for good)."""
        state = window_settings(self.library.paths)
        geometry = state.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        layout = state.value("window/state")
        if layout is not None:
            self.restoreState(layout)
        if state.value("window/details_hidden_by_tab", False, type=bool):
            self.details_dock.show()
        # The editor needs a candidate, which the gallery gives: it reopens on the gallery.
        tab = self._tab_names().get(str(state.value("window/tab", "gallery")), self.gallery)
        self.tabs.setCurrentWidget(self.pack_page if tab is self.pack_page else self.gallery)
        self.gallery.set_sort(state.value("gallery/sort"))
        self.gallery.set_auto_advance(state.value("gallery/auto_advance", True, type=bool))
        try:
            self.gallery.set_backdrop(Backdrop(state.value("gallery/backdrop", "original")))
        except ValueError:
            pass  # a value from another version: the originals
        self._show_pack_members()

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        editor = self.editor_page.panel
        if editor is not None and not editor.maybe_save():
            event.ignore()  # the user chose to stay with unsaved mask edits
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the threads within `SHUTDOWN_BUDGET_S` (the running job stops within a step;
        queued jobs stay queued). Work that cannot be interrupted (importing torch, loading a
        model, one cut-out, the translator's first load) is not waited for: `busy_at_exit`
        names it, and the application then exits without waiting (`studio.ui.app`). Nothing
        is lost that way: the library's writes are transactions and its files are replaced
        atomically; the mask editor's unsaved edits are always written first."""
        if self._closed:
            return
        self._closed = True
        state = window_settings(self.library.paths)
        state.setValue("window/geometry", self.saveGeometry())
        state.setValue("window/state", self.saveState())
        state.setValue("window/details_hidden_by_tab", self._details_hidden_by_tab)
        current = self.tabs.currentWidget()
        state.setValue("window/tab", next(n for n, w in self._tab_names().items() if w is current))
        state.setValue("gallery/sort", self.gallery.sort_key)
        state.setValue("gallery/auto_advance", self.gallery.auto_advance)
        state.setValue("gallery/backdrop", self.gallery.backdrop.value)
        # Everyone is told first, so that they all stop at once; then the waits share a budget.
        self.queue.request_stop()
        self.cutouts.request_stop()
        clock = StopClock(self.SHUTDOWN_BUDGET_S)
        stopped = {
            "translation": self.prompt_panel.shutdown(),
        }
        editor = self.editor_page.panel
        stopped["mask editor"] = editor is None or editor.shutdown(clock.left_ms())
        if self.pack_page.panel is not None:
            self.pack_page.panel.shutdown()
        stopped["generation"] = self.queue.shutdown(clock.left_ms())
        stopped["cut-outs"] = self.cutouts.shutdown(clock.left_ms())
        stopped["thumbnails"] = self.gallery.shutdown(clock.left_ms())
        stopped["background"] = self.tasks.close(clock.left_ms())
        self.busy_at_exit = [name for name, done in stopped.items() if not done]
        if self.busy_at_exit:
            log.info("Still busy when the window closed: %s", ", ".join(self.busy_at_exit))
        if self._owns_library:
            self.library.close()
