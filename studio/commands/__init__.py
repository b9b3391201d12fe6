"""The `sticker-studio` sub-commands, one module each (see studio/cli.py)."""
