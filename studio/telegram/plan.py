"""What a publish must do: the calls that bring the live set in line with the pack.

A pure function of the exported pack, the live set (`getStickerSet`) and the library's record of
earlier uploads, so `--dry-run` prints exactly what a real run would do. Live stickers are
matched to the pack's pictures by `file_unique_id` (a sticker in a set may carry another
`file_id` than the upload returned). The order of the calls keeps two promises: the set never
holds more stickers than the final pack or the live set already did (deletes first, then
replacements, then additions), and no picture is ever in the set twice, even for a moment (a
picture is added only when no live sticker is that picture, and a changed picture replaces
its old version in one call).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from studio.library.telegram_records import TelegramSet, TelegramSticker
from studio.pack import ExportedPack, ExportedSticker, kind_rules, name_problems
from studio.pack.rules import TELEGRAM_RULES
from studio.telegram.client import LiveSet
from studio.telegram.errors import PublishError


class StepKind(StrEnum):
    UPLOAD = "uploadStickerFile"
    CREATE = "createNewStickerSet"
    ADD = "addStickerToSet"
    REPLACE = "replaceStickerInSet"
    DELETE = "deleteStickerFromSet"
    MOVE = "setStickerPositionInSet"
    EMOJI = "setStickerEmojiList"
    KEYWORDS = "setStickerKeywords"
    TITLE = "setStickerSetTitle"
    THUMBNAIL = "setStickerSetThumbnail"
    EMOJI_THUMBNAIL = "setCustomEmojiStickerSetThumbnail"


@dataclass(frozen=True)
class Step:
    """One Bot API call of the plan."""

    kind: StepKind
    sticker: ExportedSticker | None = None  # the pack's sticker it sends or edits
    stickers: tuple[ExportedSticker, ...] = ()  # CREATE: the first ones, in order
    old_file_id: str = ""  # REPLACE, DELETE: the live sticker
    position: int = 0  # MOVE

    def describe(self) -> str:
        """One line for the plan and the progress: 'addStickerToSet sticker 51 (051.webp)'."""
        match self.kind:
            case StepKind.CREATE:
                first, last = self.stickers[0].index + 1, self.stickers[-1].index + 1
                return f"{self.kind} with stickers {first}-{last}"
            case StepKind.REPLACE:
                return f"{self.kind} {self.sticker.label} (its picture changed)"
            case StepKind.DELETE:
                return f"{self.kind} a sticker no longer in the pack"
            case StepKind.MOVE:
                return f"{self.kind} {self.sticker.label} to position {self.position + 1}"
            case StepKind.TITLE | StepKind.THUMBNAIL:
                return str(self.kind)
            case StepKind.EMOJI_THUMBNAIL:
                return f"{self.kind} to {self.sticker.label}"
            case _:
                return f"{self.kind} {self.sticker.label}"


# Calls that change what the set is made of; the others edit stickers already in it.
STRUCTURAL = frozenset({StepKind.CREATE, StepKind.ADD, StepKind.REPLACE, StepKind.DELETE})


def set_name_for_bot(name: str, bot_username: str) -> str:
    """The set's name on Telegram: the pack's name plus `_by_<bot>` (unless it ends so)."""
    suffix = TELEGRAM_RULES["name"]["bot_suffix"].format(bot_username=bot_username)
    full = name if name.lower().endswith(suffix.lower()) else f"{name}{suffix}"
    problems = name_problems(full, bot_username)
    if problems:
        raise PublishError(f"the set name {full} does not work: {problems[0]}")
    return full


def set_link(pack: ExportedPack, set_name: str) -> str:
    """https://t.me/addstickers/NAME or https://t.me/addemoji/NAME."""
    return kind_rules(pack.kind)["link"].format(name=set_name)


def match_live(live: LiveSet, uploads: dict[str, TelegramSticker]) -> list[str | None]:
    """The content hash of each live sticker, in order (None: not a picture we uploaded)."""
    by_unique = {record.file_unique_id: digest for digest, record in uploads.items()}
    return [by_unique.get(sticker.file_unique_id) for sticker in live.stickers]


def check_live_set(
    pack: ExportedPack,
    live: LiveSet,
    uploads: dict[str, TelegramSticker],
    record: TelegramSet | None,
) -> None:
    """Refuse a live set this pack cannot update: another kind, or not ours at all."""
    if live.sticker_type != pack.sticker_type:
        what = {"regular": "sticker", "custom_emoji": "custom emoji"}.get(
            live.sticker_type, live.sticker_type
        )
        raise PublishError(
            f"the set {live.name} on Telegram is a {what} set and cannot change kind; "
            "give the pack another name to publish it as a new set"
        )
    if record is None and live.stickers and not any(match_live(live, uploads)):
        raise PublishError(
            f"the set name {live.name} is already taken on Telegram by a set this studio did "
            "not publish; choose another pack name"
        )


def _upload_if_needed(
    sticker: ExportedSticker, uploads: dict[str, TelegramSticker], steps: list[Step]
) -> None:
    if sticker.content_hash not in uploads:
        steps.append(Step(StepKind.UPLOAD, sticker))


def plan_publish(
    pack: ExportedPack,
    live: LiveSet | None,
    uploads: dict[str, TelegramSticker],
    record: TelegramSet | None,
) -> list[Step]:
    """The calls, in order, that make the live set equal the pack (empty: it already does)."""
    hashes = [s.content_hash for s in pack.stickers]
    if len(set(hashes)) != len(hashes):
        first = next(s for s in pack.stickers if hashes.count(s.content_hash) > 1)
        raise PublishError(
            f"{first.label} is the same picture as another sticker of the pack; a Telegram "
            "set holds each picture once, so remove the copy"
        )
    steps: list[Step] = []
    if live is None:
        per_call = TELEGRAM_RULES["set"]["stickers_per_create_call"]
        first = pack.stickers[:per_call]
        for sticker in first:
            _upload_if_needed(sticker, uploads, steps)
        steps.append(Step(StepKind.CREATE, stickers=tuple(first)))
        for sticker in pack.stickers[per_call:]:
            _upload_if_needed(sticker, uploads, steps)
            steps.append(Step(StepKind.ADD, sticker))
        steps.append(_thumbnail_step(pack))
        return steps

    live_hashes = match_live(live, uploads)
    wanted = set(hashes)
    kept: dict[str, int] = {}  # hash -> its live position
    obsolete: list[int] = []
    for position, digest in enumerate(live_hashes):
        if digest is None or digest not in wanted or digest in kept:
            obsolete.append(position)
        else:
            kept[digest] = position
    new = [s for s in pack.stickers if s.content_hash not in kept]
    # A new picture at the place of an obsolete one replaces it: an edited sticker keeps its
    # place, and the set never holds the old and the new picture together.
    free = set(obsolete)
    replaces: list[tuple[int, ExportedSticker]] = []
    adds: list[ExportedSticker] = []
    for sticker in new:
        if sticker.index in free:
            free.discard(sticker.index)
            replaces.append((sticker.index, sticker))
        else:
            adds.append(sticker)
    order: list[str | None] = list(live_hashes)
    for position in sorted(free, reverse=True):
        steps.append(Step(StepKind.DELETE, old_file_id=live.stickers[position].file_id))
        order[position] = "deleted"
    for position, sticker in replaces:
        _upload_if_needed(sticker, uploads, steps)
        steps.append(Step(StepKind.REPLACE, sticker, old_file_id=live.stickers[position].file_id))
        order[position] = sticker.content_hash
    for sticker in adds:
        _upload_if_needed(sticker, uploads, steps)
        steps.append(Step(StepKind.ADD, sticker))
        order.append(sticker.content_hash)
    current = [digest for digest in order if digest != "deleted"]
    for position, sticker in enumerate(pack.stickers):
        if current[position] != sticker.content_hash:
            steps.append(Step(StepKind.MOVE, sticker, position=position))
            current.remove(sticker.content_hash)
            current.insert(position, sticker.content_hash)

    first_emoji = {digest: live.stickers[position].emoji for digest, position in kept.items()}
    for sticker in pack.stickers:
        if sticker.content_hash not in kept:
            continue  # sent whole with its add or replace
        done = uploads[sticker.content_hash]
        if done.emoji_list != sticker.emoji_list or (
            first_emoji[sticker.content_hash] not in (None, sticker.emoji_list[0])
        ):
            steps.append(Step(StepKind.EMOJI, sticker))
        if done.keywords != sticker.keywords:
            steps.append(Step(StepKind.KEYWORDS, sticker))
    if live.title != pack.title:
        steps.append(Step(StepKind.TITLE))
    thumbnail = _thumbnail_step(pack)
    if (
        record is None
        or record.thumbnail != thumbnail_key(pack)
        or (thumbnail.kind is StepKind.THUMBNAIL and not live.has_thumbnail)
    ):
        steps.append(thumbnail)
    return steps


def _thumbnail_step(pack: ExportedPack) -> Step:
    if kind_rules(pack.kind)["set_thumbnail"]:
        return Step(StepKind.THUMBNAIL)
    # Emoji sets refuse setStickerSetThumbnail; their thumbnail is one of their emoji.
    return Step(StepKind.EMOJI_THUMBNAIL, pack.stickers[0])


def thumbnail_key(pack: ExportedPack) -> str:
    """What the library records as the set's thumbnail: the file's hash, or for an emoji set
    the hash of the emoji that serves as its thumbnail."""
    if kind_rules(pack.kind)["set_thumbnail"]:
        return pack.thumbnail_hash
    return pack.stickers[0].content_hash
