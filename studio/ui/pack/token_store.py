"""The bot token in the OS keyring (`keyring`), never in settings, the library or the logs.

When the system has no keyring (a bare Linux session, a container), the token is kept in
memory for this session only and the user is told so; nothing is ever written to disk.
Keyring calls can block on D-Bus, so the panel makes them off the UI thread.
"""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

log = logging.getLogger(__name__)

SERVICE = "StickerStudio"
ENTRY = "telegram-bot-token"

NO_KEYRING = (
    "No system keyring is available, so the token is kept only until the app closes "
    "(install GNOME Keyring or KWallet to keep it)"
)


class TokenStore:
    """Reads and writes the one bot token; `message` says where it lives after each call."""

    def __init__(self) -> None:
        self._session_token: str | None = None
        self.message = ""

    def load(self) -> str | None:
        """The saved token, or None. Never raises: a broken keyring means 'no token'."""
        if self._session_token:
            return self._session_token
        try:
            token = keyring.get_password(SERVICE, ENTRY)
        except KeyringError as exc:
            log.info("No keyring to read the bot token from (%s)", type(exc).__name__)
            self.message = NO_KEYRING
            return None
        except Exception:  # a backend failing in its own way (D-Bus gone, locked wallet)
            log.warning("The keyring could not be read", exc_info=False)
            self.message = NO_KEYRING
            return None
        self.message = "The token is saved in the system keyring" if token else ""
        return token or None

    def save(self, token: str) -> None:
        """Keep `token` in the keyring (or in memory when there is none)."""
        token = token.strip()
        try:
            keyring.set_password(SERVICE, ENTRY, token)
        except Exception as exc:  # no backend, or one that refuses: keep it for this session
            log.info("The bot token stays in memory: no usable keyring (%s)", type(exc).__name__)
            self._session_token = token
            self.message = NO_KEYRING
            return
        self._session_token = None
        self.message = "The token is saved in the system keyring"

    def forget(self) -> None:
        self._session_token = None
        try:
            keyring.delete_password(SERVICE, ENTRY)
        except (PasswordDeleteError, KeyringError):
            pass
        except Exception:
            log.warning("The keyring entry could not be deleted", exc_info=False)
        self.message = "The token is forgotten"
