"""A local stand-in for the Telegram Bot API's sticker methods, for tests only (127.0.0.1).

It answers `/bot<token>/<method>` as the real server does: JSON `{"ok": true, "result": ...}`
or `{"ok": false, "error_code": N, "description": "..."}`, multipart uploads, and the documented
validation (owner, name and `_by_<bot>` suffix, sizes per set type, 1-50 stickers per create,
120/200 per set, emoji, keywords, title, thumbnails). A sticker in a set gets a new `file_id`,
not the one `uploadStickerFile` returned; its `file_unique_id` stays the file's.

Faults on demand: 429 with `retry_after`, 5xx, a connection dropped before or after the call
took effect, 413 for requests over a size, and refusals with any description. It also watches
for a picture that is ever in a set twice, even for a moment.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import itertools
import json
import re
import socket
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import emoji as emoji_db
from PIL import Image

LIMITS = {"regular": 120, "custom_emoji": 200}
READ_METHODS = frozenset({"getMe", "getStickerSet"})


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    filename: str


@dataclass
class SetSticker:
    file: StoredFile
    set_file_id: str  # differs from the uploaded file_id
    emoji_list: list[str]
    keywords: list[str]
    custom_emoji_id: str | None


@dataclass
class StickerSet:
    name: str
    title: str
    sticker_type: str
    needs_repainting: bool
    owner: int
    stickers: list[SetSticker] = field(default_factory=list)
    thumbnail: StoredFile | None = None
    thumbnail_custom_emoji_id: str | None = None


@dataclass
class Fault:
    method: str  # a method name or "*" for any write
    kind: str  # "429", "500", "502", "drop", "drop-after", "413", "refuse"
    times: int = 1
    skip: int = 0  # let this many matching calls through first
    retry_after: int = 1
    description: str = ""


class FakeBotApi:
    """The server's state and rules; `start()` serves it on 127.0.0.1 in a thread."""

    def __init__(self, token: str, bot_username: str = "studio_test_bot") -> None:
        self.token = token
        self.bot_username = bot_username
        self.started_users: set[int] = set()
        self.sets: dict[str, StickerSet] = {}  # by lower-case name
        self.files: dict[str, StoredFile] = {}  # by file_id, uploaded and set stickers alike
        self.calls: list[str] = []  # every authorised call, in order
        self.faults: list[Fault] = []
        self.max_request_bytes = 50_000_000
        self.ever_duplicated: list[str] = []  # set names that once held a picture twice
        self.lock = threading.RLock()
        self._ids = itertools.count(1)
        self.server: ThreadingHTTPServer | None = None

    # -- running --------------------------------------------------------------------------------

    def start(self) -> str:
        fake = self

        class Handler(_Handler):
            api = fake

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def inject(self, method: str, kind: str, **options) -> Fault:
        fault = Fault(method, kind, **options)
        with self.lock:
            self.faults.append(fault)
        return fault

    def write_calls(self) -> list[str]:
        with self.lock:
            return [c for c in self.calls if c not in READ_METHODS]

    def sticker_set(self, name: str) -> StickerSet | None:
        with self.lock:
            return self.sets.get(name.lower())

    # -- faults ---------------------------------------------------------------------------------

    def take_fault(self, method: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                applies = fault.method == method or (
                    fault.method == "*" and method not in READ_METHODS
                )
                if not applies or fault.times <= 0:
                    continue
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                return fault
        return None

    # -- helpers --------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}AgAD"

    def _user(self, params: dict) -> int:
        try:
            user = int(params["user_id"])
        except (KeyError, ValueError):
            raise bad("user_id is required") from None
        if user not in self.started_users:
            raise bad("user not found")
        return user

    def _set(self, name: str) -> StickerSet:
        found = self.sets.get(str(name).lower())
        if found is None:
            raise bad("STICKERSET_INVALID")
        return found

    def _owned_set(self, params: dict) -> StickerSet:
        user = self._user(params)
        sticker_set = self._set(params.get("name", ""))
        if sticker_set.owner != user:
            raise bad("STICKERSET_NOT_MODIFIED")  # the user is not the set's owner
        return sticker_set

    def _find(self, file_id: str) -> tuple[StickerSet, int]:
        for sticker_set in self.sets.values():
            for index, sticker in enumerate(sticker_set.stickers):
                if sticker.set_file_id == file_id:
                    return sticker_set, index
        raise bad("STICKER_INVALID")  # e.g. an uploaded file_id, not the set's sticker

    def _check_duplicates(self, sticker_set: StickerSet) -> None:
        unique = [s.file.file_unique_id for s in sticker_set.stickers]
        if len(unique) != len(set(unique)):
            self.ever_duplicated.append(sticker_set.name)

    @staticmethod
    def _emoji_list(value) -> list[str]:
        if not isinstance(value, list) or not 1 <= len(value) <= 20:
            raise bad("invalid sticker emojis")
        if not all(isinstance(e, str) and emoji_db.is_emoji(e) for e in value):
            raise bad("invalid sticker emojis")
        return value

    @staticmethod
    def _keywords(value) -> list[str]:
        value = value or []
        if not isinstance(value, list) or len(value) > 20 or sum(map(len, value)) > 64:
            raise bad("invalid sticker keywords")
        return value

    @staticmethod
    def _check_picture(data: bytes, sticker_type: str) -> None:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                fmt, (width, height) = image.format, image.size
        except Exception:
            raise bad("wrong file type") from None
        if fmt not in ("WEBP", "PNG"):
            raise bad("wrong file type")
        if sticker_type == "custom_emoji":
            ok = (width, height) == (100, 100)
        else:
            ok = max(width, height) == 512 and min(width, height) <= 512
        if not ok:
            raise bad("STICKER_PNG_DIMENSIONS")

    def _input_sticker(self, raw, files: dict, sticker_type: str, set_name: str) -> SetSticker:
        if not isinstance(raw, dict):
            raise bad("can't parse InputSticker JSON object")
        if raw.get("format") != "static":
            raise bad("STICKER_FILE_INVALID")
        ref = raw.get("sticker")
        if isinstance(ref, str) and ref.startswith("attach://"):
            part = files.get(ref.removeprefix("attach://"))
            if part is None:
                raise bad("STICKER_FILE_INVALID")
            stored = self._store(part[1], part[0])
        else:
            stored = self.files.get(ref)
            if stored is None:
                raise bad("wrong file identifier/HTTP URL specified")
        self._check_picture(stored.data, sticker_type)
        return SetSticker(
            file=stored,
            set_file_id=self._new_id("CAACAgI"),
            emoji_list=self._emoji_list(raw.get("emoji_list")),
            keywords=self._keywords(raw.get("keywords")),
            custom_emoji_id=str(next(self._ids) + 5_000_000_000)
            if sticker_type == "custom_emoji"
            else None,
        )

    def _store(self, data: bytes, filename: str) -> StoredFile:
        stored = StoredFile(self._new_id("BQACAgI"), self._new_id("AgAD"), data, filename)
        self.files[stored.file_id] = stored
        return stored

    def sticker_json(self, sticker_set: StickerSet, sticker: SetSticker) -> dict:
        with Image.open(io.BytesIO(sticker.file.data)) as image:
            width, height = image.size
        result = {
            "file_id": sticker.set_file_id,
            "file_unique_id": sticker.file.file_unique_id,
            "type": sticker_set.sticker_type,
            "width": width,
            "height": height,
            "is_animated": False,
            "is_video": False,
            "emoji": sticker.emoji_list[0],
            "set_name": sticker_set.name,
            "file_size": len(sticker.file.data),
        }
        if sticker.custom_emoji_id is not None:
            result["custom_emoji_id"] = sticker.custom_emoji_id
            result["needs_repainting"] = sticker_set.needs_repainting
        return result

    # -- the methods ----------------------------------------------------------------------------

    def call(self, method: str, params: dict, files: dict):  # noqa: C901 - one branch a method
        with self.lock:
            return self._call(method, params, files)

    def _call(self, method: str, params: dict, files: dict):
        if method == "getMe":
            return {
                "id": 7000001,
                "is_bot": True,
                "first_name": "Studio test bot",
                "username": self.bot_username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        if method == "uploadStickerFile":
            self._user(params)
            if params.get("sticker_format") != "static":
                raise bad("STICKER_FILE_INVALID")
            part = files.get("sticker")
            if part is None:
                raise bad("there is no sticker in the request")
            try:
                with Image.open(io.BytesIO(part[1])) as image:
                    image.load()
            except Exception:
                raise bad("wrong file type") from None
            stored = self._store(part[1], part[0])
            return {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.data),
            }
        if method == "createNewStickerSet":
            user = self._user(params)
            name = params.get("name", "")
            if not re.fullmatch(r"[A-Za-z](?:[A-Za-z0-9]|_(?!_))*", name) or len(name) > 64:
                raise bad("invalid sticker set name is specified")
            if not name.lower().endswith(f"_by_{self.bot_username}".lower()):
                raise bad("invalid sticker set name is specified")
            if name.lower() in self.sets:
                raise bad("sticker set name is already occupied")
            title = params.get("title", "")
            if not 1 <= len(title) <= 64:
                raise bad("invalid sticker set title is specified")
            sticker_type = params.get("sticker_type", "regular")
            if sticker_type not in LIMITS:
                raise bad("invalid sticker type")
            repaint = params.get("needs_repainting", False) is True
            if repaint and sticker_type != "custom_emoji":
                raise bad("needs_repainting is only for custom emoji sets")
            stickers = params.get("stickers")
            if not isinstance(stickers, list) or not 1 <= len(stickers) <= 50:
                raise bad("invalid stickers specified")
            made = [self._input_sticker(s, files, sticker_type, name) for s in stickers]
            new = StickerSet(name, title, sticker_type, repaint, user, made)
            self.sets[name.lower()] = new
            self._check_duplicates(new)
            return True
        if method == "addStickerToSet":
            sticker_set = self._owned_set(params)
            if len(sticker_set.stickers) >= LIMITS[sticker_set.sticker_type]:
                raise bad("STICKERS_TOO_MUCH")
            sticker = self._input_sticker(
                params.get("sticker"), files, sticker_set.sticker_type, sticker_set.name
            )
            sticker_set.stickers.append(sticker)
            self._check_duplicates(sticker_set)
            return True
        if method == "getStickerSet":
            sticker_set = self._set(params.get("name", ""))
            thumbnail = None
            if sticker_set.thumbnail is not None:
                thumbnail = {
                    "file_id": sticker_set.thumbnail.file_id,
                    "file_unique_id": sticker_set.thumbnail.file_unique_id,
                    "width": 100,
                    "height": 100,
                    "file_size": len(sticker_set.thumbnail.data),
                }
            result = {
                "name": sticker_set.name,
                "title": sticker_set.title,
                "sticker_type": sticker_set.sticker_type,
                "stickers": [self.sticker_json(sticker_set, s) for s in sticker_set.stickers],
            }
            if thumbnail is not None:
                result["thumbnail"] = thumbnail
            return result
        if method == "replaceStickerInSet":
            sticker_set = self._owned_set(params)
            found, index = self._find(params.get("old_sticker", ""))
            if found is not sticker_set:
                raise bad("STICKER_INVALID")
            sticker_set.stickers[index] = self._input_sticker(
                params.get("sticker"), files, sticker_set.sticker_type, sticker_set.name
            )
            self._check_duplicates(sticker_set)
            return True
        if method == "deleteStickerFromSet":
            sticker_set, index = self._find(params.get("sticker", ""))
            del sticker_set.stickers[index]
            return True
        if method == "setStickerPositionInSet":
            sticker_set, index = self._find(params.get("sticker", ""))
            position = int(params.get("position", -1))
            if not 0 <= position < len(sticker_set.stickers):
                raise bad("STICKER_POSITION_INVALID")
            sticker_set.stickers.insert(position, sticker_set.stickers.pop(index))
            return True
        if method == "setStickerEmojiList":
            sticker_set, index = self._find(params.get("sticker", ""))
            sticker_set.stickers[index].emoji_list = self._emoji_list(params.get("emoji_list"))
            return True
        if method == "setStickerKeywords":
            sticker_set, index = self._find(params.get("sticker", ""))
            sticker_set.stickers[index].keywords = self._keywords(params.get("keywords"))
            return True
        if method == "setStickerSetTitle":
            sticker_set = self._set(params.get("name", ""))
            title = params.get("title", "")
            if not 1 <= len(title) <= 64:
                raise bad("invalid sticker set title is specified")
            sticker_set.title = title
            return True
        if method == "setStickerSetThumbnail":
            sticker_set = self._owned_set(params)
            if sticker_set.sticker_type != "regular":
                raise bad("STICKERSET_INVALID")  # custom emoji sets take an emoji instead
            part = files.get("thumbnail")
            if part is None or params.get("format") != "static":
                raise bad("STICKER_THUMB_INVALID")
            data = part[1]
            try:
                with Image.open(io.BytesIO(data)) as image:
                    size, fmt = image.size, image.format
            except Exception:
                raise bad("STICKER_THUMB_INVALID") from None
            if size != (100, 100) or fmt not in ("WEBP", "PNG") or len(data) > 128_000:
                raise bad("STICKER_THUMB_PNG_NOPNG")
            sticker_set.thumbnail = self._store(data, part[0])
            return True
        if method == "setCustomEmojiStickerSetThumbnail":
            sticker_set = self._set(params.get("name", ""))
            if sticker_set.sticker_type != "custom_emoji":
                raise bad("STICKERSET_INVALID")
            wanted = params.get("custom_emoji_id") or None
            if wanted is not None and wanted not in {
                s.custom_emoji_id for s in sticker_set.stickers
            }:
                raise bad("CUSTOM_EMOJI_INVALID")
            sticker_set.thumbnail_custom_emoji_id = wanted
            return True
        raise ApiError(404, "Not Found")


def _decode(value: str):
    """Bot API parameters arrive as strings; objects and arrays as JSON."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def parse_body(content_type: str, body: bytes) -> tuple[dict, dict]:
    """(params, files): files map a field name to (filename, bytes)."""
    params: dict = {}
    files: dict = {}
    if content_type.startswith("multipart/form-data"):
        message = email.message_from_bytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body, policy=email.policy.HTTP
        )
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = (filename, data)
            else:
                params[name] = data.decode("utf-8")
    elif content_type.startswith("application/json"):
        params = json.loads(body or b"{}")
        return params, files
    else:
        for key, values in urllib.parse.parse_qs(body.decode("utf-8")).items():
            params[key] = values[-1]
    for key in ("stickers", "sticker", "emoji_list", "keywords", "needs_repainting"):
        if key in params and isinstance(params[key], str):
            params[key] = _decode(params[key])
    return params, files


class _Handler(BaseHTTPRequestHandler):
    api: FakeBotApi
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Header and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK cost 40 ms a call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests grep the output
        pass

    def _answer(self, code: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, error: ApiError) -> None:
        payload = {"ok": False, "error_code": error.code, "description": error.description}
        if error.retry_after is not None:
            payload["parameters"] = {"retry_after": error.retry_after}
        self._answer(error.code, payload)

    def _drop(self) -> None:
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self._handle()

    def do_GET(self) -> None:  # noqa: N802
        self._handle()

    def _handle(self) -> None:
        api = self.api
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", urllib.parse.urlsplit(self.path).path)
        length = int(self.headers.get("Content-Length") or 0)
        if match is None:
            self.rfile.read(length)
            self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = match.groups()
        if length > api.max_request_bytes:
            self.rfile.read(length)
            with api.lock:
                api.calls.append(f"413:{method}")
            self.close_connection = True
            self._error(ApiError(413, "Request Entity Too Large"))
            return
        fault = api.take_fault(method)
        if fault is not None and fault.kind == "drop":
            self.rfile.read(length // 2)  # mid-upload: half the body, then the line goes dead
            self._drop()
            return
        body = self.rfile.read(length)
        if token != api.token:
            self._error(ApiError(401, "Unauthorized"))
            return
        with api.lock:
            api.calls.append(method)
        if fault is not None and fault.kind == "429":
            self._error(
                ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    fault.retry_after,
                )
            )
            return
        if fault is not None and fault.kind in ("500", "502"):
            self._error(ApiError(int(fault.kind), "Internal Server Error"))
            return
        if fault is not None and fault.kind == "refuse":
            self._error(ApiError(400, fault.description))
            return
        if fault is not None and fault.kind == "413":
            self._error(ApiError(413, "Request Entity Too Large"))
            return
        try:
            params, files = parse_body(self.headers.get("Content-Type", ""), body)
            result = api.call(method, params, files)
        except ApiError as error:
            self._error(error)
            return
        if fault is not None and fault.kind == "drop-after":
            self._drop()  # the call took effect; the answer never arrives
            return
        self._answer(200, {"ok": True, "result": result})


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
