"""Sticker Studio: Telegram sticker packs from Emojich, on your own GPU."""

__version__ = "0.1.0"
APP_NAME = "Sticker Studio"
