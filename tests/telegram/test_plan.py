"""The publish plan, executed on a model of a live set: whatever the set holds now, the plan
ends at the pack, never holds a picture twice, and never grows past the larger of the two."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from studio.library.telegram_records import TelegramSet, TelegramSticker
from studio.pack import ExportedPack, ExportedSticker, PackKind
from studio.telegram import LiveSet, LiveSticker, StepKind, plan_publish

NAME = "cats_by_bot"


def pack_of(hashes: list[str], title: str = "Cats") -> ExportedPack:
    stickers = tuple(
        ExportedSticker(i, Path(f"{i + 1:03d}.webp"), h, ("😀",), ()) for i, h in enumerate(hashes)
    )
    return ExportedPack(
        Path("."), title, "cats", PackKind.STICKERS, False, stickers, Path("t.webp"), "thumb"
    )


def run_plan(pack, live_uids, uploads):
    """Apply the plan to a model of the set; returns (final uids, largest size, steps)."""
    live = LiveSet(
        NAME, "Cats", "regular", tuple(LiveSticker(f"f-{u}", u, "😀") for u in live_uids), True
    )
    record = TelegramSet(NAME, "regular", "thumb")
    steps = plan_publish(pack, live if live_uids else None, dict(uploads), record)
    current = list(live_uids)
    largest = len(current)
    fresh = iter(range(10_000))
    for step in steps:
        match step.kind:
            case StepKind.UPLOAD:
                h = step.sticker.content_hash
                uploads[h] = TelegramSticker(NAME, h, f"up-{h}", f"new{next(fresh)}", ("😀",), ())
            case StepKind.CREATE:
                current = [uploads[s.content_hash].file_unique_id for s in step.stickers]
            case StepKind.ADD:
                current.append(uploads[step.sticker.content_hash].file_unique_id)
            case StepKind.REPLACE:
                at = current.index(step.old_file_id.removeprefix("f-"))
                current[at] = uploads[step.sticker.content_hash].file_unique_id
            case StepKind.DELETE:
                current.remove(step.old_file_id.removeprefix("f-"))
            case StepKind.MOVE:
                uid = uploads[step.sticker.content_hash].file_unique_id
                current.remove(uid)
                current.insert(step.position, uid)
        assert len(current) == len(set(current)), f"a picture twice after {step.describe()}"
        largest = max(largest, len(current))
    return current, largest, steps


@settings(max_examples=100, deadline=None)
@given(
    pack_hashes=st.lists(st.sampled_from("abcdefghijklmnop"), min_size=1, max_size=12, unique=True),
    live_hashes=st.lists(st.sampled_from("abcdefghijklmnopXYZ"), max_size=12, unique=True),
    data=st.data(),
)
def test_any_live_set_ends_at_the_pack(pack_hashes, live_hashes, data):
    pack = pack_of(pack_hashes)
    # Pictures we uploaded are known by their unique ids; X, Y, Z are stickers we never made.
    uploads = {
        h: TelegramSticker(NAME, h, f"up-{h}", f"u-{h}", ("😀",), ())
        for h in live_hashes
        if h not in "XYZ"
    }
    extra = data.draw(st.lists(st.sampled_from("abcdefghijklmnop"), max_size=4, unique=True))
    for h in extra:  # uploaded once, never or no longer in the set
        uploads.setdefault(h, TelegramSticker(NAME, h, f"up-{h}", f"u-{h}", ("😀",), ()))
    live_uids = [f"u-{h}" if h not in "XYZ" else f"foreign-{h}" for h in live_hashes]
    final, largest, steps = run_plan(pack, live_uids, uploads)
    assert final == [uploads[h].file_unique_id for h in pack_hashes]
    assert largest <= max(len(live_uids), len(pack_hashes))
    kept = set(pack_hashes) & {h for h in live_hashes if h not in "XYZ"}
    for h in kept:  # an unchanged picture stays the same sticker
        assert uploads[h].file_unique_id == f"u-{h}"
    if live_hashes:
        assert StepKind.CREATE not in [s.kind for s in steps]


def test_an_unchanged_set_plans_nothing():
    uploads = {h: TelegramSticker(NAME, h, f"up-{h}", f"u-{h}", ("😀",), ()) for h in "abc"}
    _final, _largest, steps = run_plan(pack_of(list("abc")), ["u-a", "u-b", "u-c"], uploads)
    assert steps == []


def test_a_changed_picture_is_replaced_in_its_place():
    uploads = {h: TelegramSticker(NAME, h, f"up-{h}", f"u-{h}", ("😀",), ()) for h in "abc"}
    final, _largest, steps = run_plan(pack_of(list("aXc")), ["u-a", "u-b", "u-c"], uploads)
    assert [s.kind for s in steps] == [StepKind.UPLOAD, StepKind.REPLACE]
    assert final[0] == "u-a" and final[2] == "u-c"
