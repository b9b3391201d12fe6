"""The error every part of the studio raises for things a user can fix.

The CLI prints a `StudioError` as one line and exits non-zero; the window shows it in a dialog.
Anything else that escapes is a bug and gets a traceback in the log.
"""


class StudioError(Exception):
    """A problem the user can act on; the message says what happened and what to do."""
