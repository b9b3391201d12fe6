"""Keeping the bot token out of logs and messages.

The Bot API puts the token in every request URL (`/bot<token>/method`), and HTTP libraries log
request URLs (httpx at INFO, python-telegram-bot at DEBUG). While a token is in use, those
loggers are held at WARNING and every log record and message that could still carry it has the
token replaced by a mark.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

MARK = "<token>"
# Loggers that print request URLs or the bot's base URL.
_URL_LOGGERS = ("httpx", "httpcore", "telegram", "hpack", "asyncio")


def redact(text: str, token: str | None) -> str:
    """`text` with every occurrence of `token` replaced by a mark."""
    if not token:
        return text
    return text.replace(token, MARK)


class _RedactFilter(logging.Filter):
    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let the handler report it as usual
            return True
        if self._token in message:
            record.msg, record.args = redact(message, self._token), None
        if record.exc_info and record.exc_info[1] is not None:
            text = str(record.exc_info[1])
            if self._token in text:
                # The traceback would print the exception's text: log without it.
                record.msg = f"{record.msg} ({type(record.exc_info[1]).__name__}: "
                record.msg += f"{redact(text, self._token)})"
                record.exc_info, record.exc_text = None, None
        return True


@contextlib.contextmanager
def hide_token(token: str) -> Iterator[None]:
    """While the block runs, no log handler the process has can print `token`.

    URL-logging libraries are held at WARNING, and every handler of the root and `studio`
    loggers (plus Python's last-resort handler) redacts the token from what it writes.
    """
    levels = {}
    for name in _URL_LOGGERS:
        logger = logging.getLogger(name)
        levels[name] = logger.level
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)
    flt = _RedactFilter(token)
    handlers = set(logging.getLogger().handlers) | set(logging.getLogger("studio").handlers)
    if logging.lastResort is not None:
        handlers.add(logging.lastResort)
    for handler in handlers:
        handler.addFilter(flt)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(flt)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
