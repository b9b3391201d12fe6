"""Publishing against the fake Bot API: first publish, updates in place, faults, errors."""

from __future__ import annotations

import asyncio
import io

import pytest

from studio.library import Library
from studio.pack import read_pack
from studio.telegram import (
    BotApi,
    CallDone,
    Publisher,
    PublishError,
    PublishFinished,
    RetryPolicy,
    StepKind,
    Waiting,
)
from tests.telegram.publish_helpers import TOKEN, USER_ID, assert_set_equals_pack, write_pack

FAST = RetryPolicy(attempts=4, first_delay_s=0.01, max_delay_s=0.05)


def publish(fake, folder, *, token=TOKEN, user_id=USER_ID, dry_run=False, events=None):
    """Publish `folder` in this process, as the CLI does; returns the PublishResult."""

    async def go():
        with Library() as library:
            async with BotApi(token, fake.url, policy=FAST) as api:
                sink = events if events is not None else []
                pack = read_pack(folder)
                publisher = Publisher(api, pack, user_id, library, on_event=sink.append)
                return await (publisher.dry_run() if dry_run else publisher.run())

    return asyncio.run(go())


def live_unique_ids(fake, name="test_cats_by_studio_test_bot"):
    return [s.file.file_unique_id for s in fake.sticker_set(name).stickers]


def test_first_publish_of_120_stickers_then_nothing_to_do(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 120)
    events = []
    result = publish(fake, folder, events=events)
    assert result.set_name == "test_cats_by_studio_test_bot"
    assert result.link == "https://t.me/addstickers/test_cats_by_studio_test_bot"
    assert_set_equals_pack(fake, folder)
    calls = fake.write_calls()
    assert calls.count("uploadStickerFile") == 120
    assert calls.count("createNewStickerSet") == 1
    assert calls.count("addStickerToSet") == 70  # 50 in the create call, the rest one by one
    assert calls.count("setStickerSetThumbnail") == 1
    assert len(calls) == 192
    done = [e for e in events if isinstance(e, CallDone)]
    assert done[-1].done == done[-1].total == 192
    assert isinstance(events[-1], PublishFinished)

    # Publishing the unchanged pack again changes nothing: only reads.
    before = list(fake.calls)
    again = publish(fake, folder)
    assert again.calls == 0 and again.steps == []
    assert set(fake.calls[len(before) :]) <= {"getMe", "getStickerSet"}


def test_first_publish_of_200_emoji(fake, tmp_path):
    folder = write_pack(tmp_path / "emoji", 200, kind="emoji", needs_repainting=True)
    result = publish(fake, folder)
    assert result.link == "https://t.me/addemoji/test_cats_by_studio_test_bot"
    assert_set_equals_pack(fake, folder)
    calls = fake.write_calls()
    assert "setStickerSetThumbnail" not in calls  # Telegram refuses it for emoji sets
    assert calls.count("setCustomEmojiStickerSetThumbnail") == 1
    assert calls.count("addStickerToSet") == 150
    assert publish(fake, folder).calls == 0


def test_update_in_place_keeps_unchanged_stickers(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 10)
    publish(fake, folder)
    before = dict(zip(range(10), live_unique_ids(fake), strict=True))
    start = len(fake.calls)
    # Edits: picture 2 redrawn, 4 removed, 10 and 11 new, order changed, emoji of 0, keywords
    # of 1, and the title.
    order = [1, 0, 2, 3, 5, 9, 8, 7, 6, 10, 11]
    write_pack(
        folder,
        12,
        order=order,
        variants={2: 1},
        emoji={0: ["🎉", "😀"]},
        keywords={1: ["renamed", "cat"]},
        title="Test cats, second edition",
    )
    publish(fake, folder)
    assert_set_equals_pack(fake, folder)
    calls = fake.calls[start:]
    assert "createNewStickerSet" not in calls
    assert calls.count("replaceStickerInSet") == 1  # the redrawn picture, in its place
    assert calls.count("deleteStickerFromSet") == 1
    assert calls.count("addStickerToSet") == 2
    assert calls.count("uploadStickerFile") == 3
    assert calls.count("setStickerSetTitle") == 1
    assert "setStickerEmojiList" in calls and "setStickerKeywords" in calls
    assert "setStickerPositionInSet" in calls
    after = live_unique_ids(fake)
    for place, identity in enumerate(order):
        if identity in (0, 1, 3, 5, 6, 7, 8, 9):  # unchanged pictures: the same stickers
            assert after[place] == before[identity]
    assert before[4] not in after and before[2] not in after
    assert publish(fake, folder).calls == 0


def test_flood_wait_is_honoured_and_shown(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 3)
    fake.inject("addStickerToSet", "429", retry_after=1)
    fake.inject("uploadStickerFile", "429", retry_after=1, skip=1)
    events = []
    publish(fake, folder, events=events)
    assert_set_equals_pack(fake, folder)
    waits = [e for e in events if isinstance(e, Waiting)]
    assert [w.seconds for w in waits] == [1.0]  # the create took all three; one upload waited
    assert "wait" in waits[0].reason.lower()


def test_server_errors_and_lost_answers_are_retried_without_duplicates(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 60)
    fake.inject("addStickerToSet", "500", skip=2)
    fake.inject("addStickerToSet", "drop-after", skip=5)  # applied, but the answer is lost
    fake.inject("createNewStickerSet", "drop-after")
    fake.inject("uploadStickerFile", "drop", skip=7)  # the line dies mid-upload
    fake.inject("uploadStickerFile", "502", skip=9)
    publish(fake, folder)
    assert_set_equals_pack(fake, folder)
    assert fake.write_calls().count("createNewStickerSet") == 1


def test_requests_stay_small_one_file_each(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 8)
    largest = max(p.stat().st_size for p in folder.glob("*.webp"))
    total = sum(p.stat().st_size for p in folder.glob("*.webp"))
    fake.max_request_bytes = largest + 2_000  # a request of two files would be refused
    assert total > fake.max_request_bytes
    publish(fake, folder)
    assert_set_equals_pack(fake, folder)


def test_a_server_that_takes_less_than_a_sticker_gets_it_smaller(fake, tmp_path):
    import numpy as np
    from PIL import Image

    from studio.pack import PackSpec, StickerSpec, export_pack

    noise = np.random.default_rng(5).integers(0, 256, (512, 512, 4), dtype=np.uint8)
    noise[..., 3] = 255
    noise[:8, :8, 3] = 0  # some transparency
    figure = Image.new("RGBA", (300, 300), (20, 120, 220, 255))
    folder = tmp_path / "big"
    spec = PackSpec(
        "Noise", "noise", [StickerSpec(Image.fromarray(noise), ["😀"]), StickerSpec(figure, ["😎"])]
    )
    export_pack(spec, folder)
    big = (folder / "001.webp").stat().st_size
    limit = big * 3 // 4  # a proxy with a smaller limit than Telegram's
    assert (folder / "002.webp").stat().st_size < limit // 2
    fake.max_request_bytes = limit
    publish(fake, folder)
    live = fake.sticker_set("noise_by_studio_test_bot")
    sent = live.stickers[0].file.data
    assert len(sent) < limit
    with Image.open(io.BytesIO(sent)) as image:
        assert image.size == (512, 512)
    assert live.stickers[1].file.data == (folder / "002.webp").read_bytes()
    assert "413:uploadStickerFile" in fake.calls
    assert publish(fake, folder).calls == 0  # the smaller copy stands for the pack's file


def test_a_413_names_the_sticker(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 3)
    fake.max_request_bytes = 100
    with pytest.raises(PublishError, match=r"sticker 1 \(001\.webp\).*too large"):
        publish(fake, folder)


def test_dry_run_only_reads(fake, tmp_path):
    folder = write_pack(tmp_path / "pack", 60)
    result = publish(fake, folder, dry_run=True)
    assert fake.write_calls() == []
    kinds = [step.kind for step in result.steps]
    assert kinds.count(StepKind.UPLOAD) == 60 and kinds.count(StepKind.ADD) == 10
    assert kinds.index(StepKind.CREATE) == 50
    assert "createNewStickerSet with stickers 1-50" in [s.describe() for s in result.steps]


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("token", r"token"),
        ("user", r"press Start"),
        ("occupied", r"already taken"),
        ("deleted", r"recently deleted.*3 minutes"),
        ("rejected", r"sticker 2 \(002\.webp\)"),
        ("emoji", r"emoji of stickers 1-3"),
    ],
)
def test_telegram_errors_become_actionable(fake, tmp_path, monkeypatch, setup, expected):
    folder = write_pack(tmp_path / "pack", 3)
    token, user_id = TOKEN, USER_ID
    if setup == "token":
        token = "7000001:wrong"
    elif setup == "user":
        user_id = 99
    elif setup == "occupied":
        write_pack(tmp_path / "theirs", 1)
        fake.started_users.add(555)
        publish(fake, tmp_path / "theirs", user_id=555)
        # Another library (say another computer) published it: this one has no record of it.
        (tmp_path / "other-home").mkdir()
        monkeypatch.setenv("STUDIO_HOME", str(tmp_path / "other-home"))
    elif setup == "deleted":
        fake.inject(
            "createNewStickerSet",
            "refuse",
            description="Bad Request: created sticker set not found",
        )
    elif setup == "rejected":
        fake.inject(
            "uploadStickerFile", "refuse", skip=1, description="Bad Request: STICKER_PNG_DIMENSIONS"
        )
    elif setup == "emoji":
        fake.inject(
            "createNewStickerSet", "refuse", description="Bad Request: invalid sticker emojis"
        )
    with pytest.raises(PublishError, match=expected) as info:
        publish(fake, folder, token=token, user_id=user_id)
    assert "\n" not in str(info.value) and TOKEN not in str(info.value)


def test_the_token_reaches_no_log_even_at_debug(fake, tmp_path):
    import io
    import logging

    folder = write_pack(tmp_path / "pack", 2)
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("httpx", "httpcore", "telegram"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        publish(fake, folder)
        with pytest.raises(PublishError):
            publish(fake, folder, token=TOKEN + "x")  # a refused token is not logged either
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
        for name in ("httpx", "httpcore", "telegram"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    text = sink.getvalue()
    assert "Library migrated" in text  # the capture works
    assert TOKEN not in text and TOKEN.split(":")[1] not in text


def test_an_api_url_without_a_scheme_is_refused_at_once():
    with pytest.raises(PublishError, match="https://host"):
        BotApi(TOKEN, "api.telegram.org")
