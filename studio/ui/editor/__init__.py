"""The mask editor: where the user fixes what the automatic cut-out got wrong.

`MaskEditorPanel` is what the window embeds; the rest are its parts (document, canvas, palette,
preview, autosave), each in its own module; their work off the UI thread goes through
`studio.ui.tasks`.
"""

from studio.ui.editor.canvas import MaskCanvas
from studio.ui.editor.document import MaskDocument
from studio.ui.editor.panel import MaskEditorPanel
from studio.ui.editor.rendering import Background
from studio.ui.editor.tools import Tool, ToolSettings

__all__ = ["Background", "MaskCanvas", "MaskDocument", "MaskEditorPanel", "Tool", "ToolSettings"]
