"""What was published to Telegram: uploaded pictures and the sets they went into.

Every successful Bot API call that changes a set is written here at once (each in its own
committed transaction), so a publish that dies at any moment can be run again and finish the job
without duplicates. Pictures are keyed by set name and the hash of their bytes: an exported
folder carries no library ids, and the same folder published again must find its stickers.
The bot token is never stored here.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass


@dataclass(frozen=True)
class TelegramSticker:
    """One picture uploaded for a set, and what was last sent for it (None: not known)."""

    set_name: str
    content_hash: str
    file_id: str
    file_unique_id: str
    emoji_list: tuple[str, ...] | None = None
    keywords: tuple[str, ...] | None = None


@dataclass(frozen=True)
class TelegramSet:
    """A set this library published: its name, its type and the thumbnail last set."""

    name: str
    sticker_type: str
    thumbnail: str | None


def _tuple(text: str | None) -> tuple[str, ...] | None:
    return None if text is None else tuple(json.loads(text))


def _json(values: Sequence[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


class TelegramRecords:
    """The library's Telegram tables; `Library` inherits these methods."""

    _conn: sqlite3.Connection

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:  # from Library
        raise NotImplementedError

    def telegram_stickers(self, set_name: str) -> dict[str, TelegramSticker]:
        """The pictures uploaded for `set_name`, by content hash."""
        rows = self._conn.execute(
            "SELECT * FROM telegram_stickers WHERE set_name = ?", (set_name,)
        ).fetchall()
        return {
            row["content_hash"]: TelegramSticker(
                row["set_name"],
                row["content_hash"],
                row["file_id"],
                row["file_unique_id"],
                _tuple(row["emoji_list"]),
                _tuple(row["keywords"]),
            )
            for row in rows
        }

    def record_telegram_upload(
        self, set_name: str, content_hash: str, file_id: str, file_unique_id: str
    ) -> None:
        """A picture was uploaded (uploadStickerFile); what was sent for an older upload of the
        same picture no longer applies."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO telegram_stickers (set_name, content_hash, file_id, file_unique_id,"
                " updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (set_name, content_hash) DO"
                " UPDATE SET file_id = excluded.file_id, file_unique_id = excluded.file_unique_id,"
                " emoji_list = NULL, keywords = NULL, updated_at = excluded.updated_at",
                (set_name, content_hash, file_id, file_unique_id, time.time()),
            )

    def record_telegram_fields(
        self,
        set_name: str,
        content_hash: str,
        *,
        emoji_list: Sequence[str] | None = None,
        keywords: Sequence[str] | None = None,
    ) -> None:
        """The emoji and/or keywords a sticker of the set now has, as sent."""
        with self._transaction() as db:
            if emoji_list is not None:
                db.execute(
                    "UPDATE telegram_stickers SET emoji_list = ?, updated_at = ?"
                    " WHERE set_name = ? AND content_hash = ?",
                    (_json(emoji_list), time.time(), set_name, content_hash),
                )
            if keywords is not None:
                db.execute(
                    "UPDATE telegram_stickers SET keywords = ?, updated_at = ?"
                    " WHERE set_name = ? AND content_hash = ?",
                    (_json(keywords), time.time(), set_name, content_hash),
                )

    def telegram_set(self, name: str) -> TelegramSet | None:
        row = self._conn.execute("SELECT * FROM telegram_sets WHERE name = ?", (name,)).fetchone()
        if row is None:
            return None
        return TelegramSet(row["name"], row["sticker_type"], row["thumbnail"])

    def record_telegram_set(
        self, name: str, sticker_type: str, thumbnail: str | None = None
    ) -> None:
        """The set exists (created, or found live); `thumbnail` when it was just set."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO telegram_sets (name, sticker_type, thumbnail, updated_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
                " sticker_type = excluded.sticker_type,"
                " thumbnail = COALESCE(excluded.thumbnail, telegram_sets.thumbnail),"
                " updated_at = excluded.updated_at",
                (name, sticker_type, thumbnail, time.time()),
            )

    def telegram_sets(self) -> Iterator[TelegramSet]:
        for row in self._conn.execute("SELECT * FROM telegram_sets ORDER BY name"):
            yield TelegramSet(row["name"], row["sticker_type"], row["thumbnail"])
