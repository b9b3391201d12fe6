"""The sampler panel: top-k, top-p, temperature, seed, number of images, batch size, presets,
and the style the model draws with."""

from __future__ import annotations

import random
from dataclasses import dataclass

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.jobs.request import PAPER_TEMPERATURE, PAPER_TOP_K, PAPER_TOP_P, GenerationRequest

MAX_SEED = 2**31 - 1
IMAGE_VOCAB = 8192  # top-k can never usefully exceed the VQGAN's codebook


@dataclass(frozen=True)
class Preset:
    name: str
    top_k: int
    top_p: float
    temperature: float


PRESETS = (
    Preset("Paper (2048 / 0.995 / 1.0)", PAPER_TOP_K, PAPER_TOP_P, PAPER_TEMPERATURE),
    Preset("Careful (768 / 0.99 / 0.9)", 768, 0.99, 0.9),
    Preset("Adventurous (4096 / 1.0 / 1.1)", 4096, 1.0, 1.1),
)
CUSTOM = "Custom"


class SamplerPanel(QWidget):
    """The sampling settings of the next job; `make_request(prompt)` turns them into a request.

    Signals: `changed()` when a preset or a sampling value changes. The window sets the device's
    batch size with `suggest_batch_size`, the trained styles with `set_styles`; scripts and
    tests choose values with `set_image_count`, `set_batch_size`, `set_seed`, `set_style`.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rng = random.SystemRandom()
        self._batch_touched = False
        self._build()
        self._connect()
        self.set_styles([])

    def _build(self) -> None:
        self.preset_box = QComboBox()
        for preset in PRESETS:
            self.preset_box.addItem(preset.name, preset)
        self.preset_box.addItem(CUSTOM, None)
        self.top_k = QSpinBox(minimum=1, maximum=IMAGE_VOCAB, value=PAPER_TOP_K)
        self.top_k.setToolTip("Sample only among the k most likely image tokens")
        self.top_p = QDoubleSpinBox(minimum=0.5, maximum=1.0, decimals=3, singleStep=0.005)
        self.top_p.setValue(PAPER_TOP_P)
        self.top_p.setToolTip("…and among the smallest set whose probability adds up to p")
        self.temperature = QDoubleSpinBox(minimum=0.1, maximum=3.0, decimals=2, singleStep=0.05)
        self.temperature.setValue(PAPER_TEMPERATURE)
        self.temperature.setToolTip("Above 1: wilder pictures; below 1: safer ones")
        self.random_seed = QCheckBox("Random")
        self.random_seed.setChecked(True)
        self.seed = QSpinBox(minimum=0, maximum=MAX_SEED)
        self.seed.setEnabled(False)
        self.seed.setToolTip("The same seed and settings give the same images")
        self.last_seed = QLabel("")
        self.last_seed.setObjectName("hint")
        self.last_seed.setVisible(False)
        self.images = QSpinBox(minimum=1, maximum=4096, value=64)
        self.images.setToolTip("The model's authors advise hundreds of attempts per prompt")
        self.batch_size = QSpinBox(minimum=1, maximum=256, value=1)
        self.batch_size.setToolTip("Images sampled at once; larger is faster if the GPU fits it")
        self.style_box = QComboBox()
        self.style_box.setToolTip(
            "A style you trained, put on the model for this job (switching costs no reload)"
        )

        seed_row = QHBoxLayout()
        seed_row.addWidget(self.random_seed)
        seed_row.addWidget(self.seed, 1)
        seed_box = QVBoxLayout()
        seed_box.setSpacing(0)
        seed_box.addLayout(seed_row)
        seed_box.addWidget(self.last_seed)
        form = QFormLayout()
        form.addRow("Style", self.style_box)
        form.addRow("Preset", self.preset_box)
        form.addRow("Top-k", self.top_k)
        form.addRow("Top-p", self.top_p)
        form.addRow("Temperature", self.temperature)
        form.addRow("Seed", seed_box)
        form.addRow("Images", self.images)
        form.addRow("Batch size", self.batch_size)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Sampler")
        title.setObjectName("panelTitle")
        layout.addWidget(title)
        layout.addLayout(form)

    def _connect(self) -> None:
        self.preset_box.currentIndexChanged.connect(self._apply_preset)
        for box in (self.top_k, self.top_p, self.temperature):
            box.valueChanged.connect(self._match_preset)
        self.random_seed.toggled.connect(lambda on: self.seed.setEnabled(not on))
        self.batch_size.valueChanged.connect(self._on_batch_edited)

    def _apply_preset(self) -> None:
        preset: Preset | None = self.preset_box.currentData()
        if preset is None:
            return
        for box, value in (
            (self.top_k, preset.top_k),
            (self.top_p, preset.top_p),
            (self.temperature, preset.temperature),
        ):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self.changed.emit()

    def _match_preset(self) -> None:
        """Show the preset the values match, or Custom."""
        values = (self.top_k.value(), round(self.top_p.value(), 3), self.temperature.value())
        index = self.preset_box.count() - 1
        for i, preset in enumerate(PRESETS):
            if values == (preset.top_k, preset.top_p, preset.temperature):
                index = i
        self.preset_box.blockSignals(True)
        self.preset_box.setCurrentIndex(index)
        self.preset_box.blockSignals(False)
        self.changed.emit()

    def _on_batch_edited(self) -> None:
        self._batch_touched = True

    def suggest_batch_size(self, size: int, device_label: str) -> None:
        """The device is known: use its sensible default unless the user chose one."""
        self.batch_size.setToolTip(
            f"Images sampled at once (suggested for {device_label}: {size}); larger is faster "
            "per image while the memory fits it"
        )
        if not self._batch_touched:
            self.batch_size.blockSignals(True)
            self.batch_size.setValue(size)
            self.batch_size.blockSignals(False)

    def set_styles(self, styles: list[tuple[str, int]]) -> None:
        """The trained styles, (name, file size in bytes); the current choice is kept while it
        still exists."""
        current = self.style()
        self.style_box.blockSignals(True)
        self.style_box.clear()
        self.style_box.addItem("none", None)
        for name, size in styles:
            self.style_box.addItem(f"{name} ({size / 1024**2:.1f} MB)", name)
        index = self.style_box.findData(current) if current else 0
        self.style_box.setCurrentIndex(max(index, 0))
        self.style_box.blockSignals(False)

    def set_image_count(self, count: int) -> None:
        """How many images the next job makes."""
        self.images.setValue(count)

    def set_batch_size(self, size: int) -> None:
        """Images sampled at once, as the user sets it (a device's suggestion no longer
        replaces it)."""
        self.batch_size.setValue(size)
        self._batch_touched = True

    def set_seed(self, seed: int | None) -> None:
        """A fixed seed (the same pictures on every run), or None for a random one per job."""
        self.random_seed.setChecked(seed is None)
        if seed is not None:
            self.seed.setValue(seed)

    def style(self) -> str | None:
        """The chosen style's name; None for none."""
        return self.style_box.currentData()

    def set_style(self, name: str | None) -> None:
        self.style_box.setCurrentIndex(max(self.style_box.findData(name), 0) if name else 0)

    def make_request(self, prompt: str, **extra: object) -> GenerationRequest:
        """A request with these settings; a random seed is drawn now and shown."""
        seed = self._rng.randrange(MAX_SEED) if self.random_seed.isChecked() else self.seed.value()
        self.last_seed.setText(f"last seed used: {seed}")
        self.last_seed.setVisible(True)
        if self.random_seed.isChecked():
            self.seed.setValue(seed)  # so "fixed" repeats the last run
        return GenerationRequest(
            prompt=prompt,
            top_k=self.top_k.value(),
            top_p=round(self.top_p.value(), 4),
            temperature=self.temperature.value(),
            seed=seed,
            n_images=self.images.value(),
            batch_size=min(self.batch_size.value(), self.images.value()),
            style=self.style(),
            **extra,  # type: ignore[arg-type]
        )
