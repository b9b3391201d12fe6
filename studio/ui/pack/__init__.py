"""The pack panel: order stickers, give them emoji and keywords, check every rule, export.

`PackPanel(library)` is the widget the main window embeds; see `panel.py` for its signals.
"""

from studio.ui.pack.panel import PackPanel

__all__ = ["PackPanel"]
