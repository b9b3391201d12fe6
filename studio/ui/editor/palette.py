"""The tool palette: tool buttons, their settings, view controls and the clean-up actions.

It edits a `ToolSettings` value and emits it; actions (fill holes, grow...) are signals the panel
routes to the document. It never touches the mask itself.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.ui.editor.rendering import BACKGROUND_TITLES, Background
from studio.ui.editor.tools import (
    MAX_BRUSH,
    MIN_BRUSH,
    TOOL_HINTS,
    TOOL_KEYS,
    TOOL_TITLES,
    Tool,
    ToolSettings,
)


class ToolPalette(QWidget):
    settings_changed = Signal(object)  # ToolSettings
    background_changed = Signal(object)  # Background
    fill_holes_requested = Signal()
    remove_islands_requested = Signal(int)  # smallest island kept, px
    grow_requested = Signal(int)
    shrink_requested = Signal(int)
    smooth_requested = Signal(float)
    feather_requested = Signal(float)

    def __init__(self, settings: ToolSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._settings = settings or ToolSettings()
        self._updating = False
        self._build()
        self._connect()
        self.set_settings(self._settings)

    def _build(self) -> None:
        self._tool_group = QButtonGroup(self)
        self._tool_group.setExclusive(True)
        tools_grid = QGridLayout()
        self.tool_buttons: dict[Tool, QToolButton] = {}
        for index, tool in enumerate(Tool):
            button = QToolButton(self)
            button.setText(f"{TOOL_TITLES[tool]}  {TOOL_KEYS[tool]}")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setCheckable(True)
            button.setToolTip(f"{TOOL_TITLES[tool]} ({TOOL_KEYS[tool]}): {TOOL_HINTS[tool]}")
            button.setAccessibleName(TOOL_TITLES[tool])
            self._tool_group.addButton(button)
            self.tool_buttons[tool] = button
            tools_grid.addWidget(button, index // 2, index % 2)

        self.size_spin = QSpinBox(self)
        self.size_spin.setRange(int(MIN_BRUSH), int(MAX_BRUSH))
        self.size_spin.setSuffix(" px")
        self.size_spin.setToolTip("Brush diameter in image pixels ([ and ] change it)")
        self.hardness_slider = self._slider(0, 100, "Edge hardness: 100 = crisp edge")
        self.tolerance_spin = QSpinBox(self)
        self.tolerance_spin.setRange(0, 255)
        self.tolerance_spin.setToolTip("Magic wand: how far a colour may be from the clicked one")
        self.contiguous_check = QCheckBox("Contiguous", self)
        self.contiguous_check.setToolTip("Magic wand: only pixels connected to the click")
        self.threshold_slider = self._slider(1, 255, "Contours are traced at this mask level")
        self.opacity_slider = self._slider(0, 100, "How strongly removed parts still show")
        self.background_combo = QComboBox(self)
        for background in Background:
            self.background_combo.addItem(BACKGROUND_TITLES[background], background)

        tool_box = QGroupBox("Tools", self)
        form = QFormLayout(tool_box)
        form.addRow(tools_grid)
        form.addRow("Size", self.size_spin)
        form.addRow("Hardness", self.hardness_slider)
        form.addRow("Wand tolerance", self.tolerance_spin)
        form.addRow("", self.contiguous_check)
        form.addRow("Contour level", self.threshold_slider)

        view_box = QGroupBox("View", self)
        view_form = QFormLayout(view_box)
        view_form.addRow("Overlay", self.opacity_slider)
        view_form.addRow("Background", self.background_combo)

        clean_box = QGroupBox("Clean up", self)
        clean = QFormLayout(clean_box)
        self.fill_button = QPushButton("Fill holes", self)
        clean.addRow(self.fill_button)
        self.island_spin = QSpinBox(self)
        self.island_spin.setRange(1, 1_000_000)
        self.island_spin.setValue(64)
        self.island_spin.setSuffix(" px")
        self.islands_button = QPushButton("Remove islands <", self)
        clean.addRow(self.islands_button, self.island_spin)
        self.amount_spin = QSpinBox(self)
        self.amount_spin.setRange(1, 100)
        self.amount_spin.setValue(2)
        self.amount_spin.setSuffix(" px")
        clean.addRow("Amount", self.amount_spin)
        self.grow_button = QPushButton("Grow", self)
        self.shrink_button = QPushButton("Shrink", self)
        self.smooth_button = QPushButton("Smooth", self)
        self.feather_button = QPushButton("Feather", self)
        row1 = QHBoxLayout()
        row1.addWidget(self.grow_button)
        row1.addWidget(self.shrink_button)
        row2 = QHBoxLayout()
        row2.addWidget(self.smooth_button)
        row2.addWidget(self.feather_button)
        clean.addRow(row1)
        clean.addRow(row2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(tool_box)
        layout.addWidget(view_box)
        layout.addWidget(clean_box)
        layout.addStretch(1)

    def _connect(self) -> None:
        for tool, button in self.tool_buttons.items():
            button.clicked.connect(lambda _=False, t=tool: self._set(tool=t))
        self.size_spin.valueChanged.connect(lambda v: self._set(brush_size=float(v)))
        self.hardness_slider.valueChanged.connect(lambda v: self._set(hardness=v / 100))
        self.tolerance_spin.valueChanged.connect(lambda v: self._set(wand_tolerance=v))
        self.contiguous_check.toggled.connect(lambda v: self._set(wand_contiguous=v))
        self.threshold_slider.valueChanged.connect(lambda v: self._set(contour_threshold=v))
        self.opacity_slider.valueChanged.connect(lambda v: self._set(overlay_opacity=v / 100))
        self.background_combo.currentIndexChanged.connect(
            lambda i: self.background_changed.emit(Background(self.background_combo.itemData(i)))
        )
        self.fill_button.clicked.connect(self.fill_holes_requested)
        self.islands_button.clicked.connect(
            lambda: self.remove_islands_requested.emit(self.island_spin.value())
        )
        amount = self.amount_spin.value
        self.grow_button.clicked.connect(lambda: self.grow_requested.emit(amount()))
        self.shrink_button.clicked.connect(lambda: self.shrink_requested.emit(amount()))
        self.smooth_button.clicked.connect(lambda: self.smooth_requested.emit(float(amount())))
        self.feather_button.clicked.connect(lambda: self.feather_requested.emit(float(amount())))

    def _slider(self, low: int, high: int, tip: str) -> QSlider:
        slider = QSlider(Qt.Orientation.Horizontal, self)
        slider.setRange(low, high)
        slider.setToolTip(tip)
        return slider

    @property
    def settings(self) -> ToolSettings:
        return self._settings

    def set_settings(self, settings: ToolSettings) -> None:
        """Show `settings` without emitting settings_changed."""
        self._settings = settings
        self._updating = True
        try:
            self.tool_buttons[settings.tool].setChecked(True)
            self.size_spin.setValue(int(round(settings.brush_size)))
            self.hardness_slider.setValue(int(round(settings.hardness * 100)))
            self.tolerance_spin.setValue(settings.wand_tolerance)
            self.contiguous_check.setChecked(settings.wand_contiguous)
            self.threshold_slider.setValue(settings.contour_threshold)
            self.opacity_slider.setValue(int(round(settings.overlay_opacity * 100)))
        finally:
            self._updating = False

    def set_background(self, background: Background) -> None:
        self.background_combo.setCurrentIndex(self.background_combo.findData(background))

    def _set(self, **changes: object) -> None:
        if self._updating:
            return
        self._settings = self._settings.with_changes(**changes)
        self.settings_changed.emit(self._settings)
