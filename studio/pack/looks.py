"""Named looks for a pack's stickers: the outline, shadow and padding as one choice.

Data, like the rules: the pack panel offers them as presets and draws its preview with them.
"Telegram's tip" follows core.telegram.org/stickers ("a white stroke and a black shadow make a
sticker stand out"); the sizes are ours, chosen so that the stroke still reads once a chat shows
the sticker at about 160-250 px, and the shadow never reaches the canvas edge.
"""

from __future__ import annotations

from dataclasses import dataclass

from studio.pack.spec import RenderOptions


@dataclass(frozen=True)
class Look:
    """A named set of render options."""

    key: str
    label: str
    description: str
    options: RenderOptions


PLAIN = Look(
    key="plain",
    label="Plain",
    description="The cut-out as it is, filling the canvas edge to edge",
    options=RenderOptions(outline_px=0, shadow=False, padding_px=0),
)

TELEGRAM_TIP = Look(
    key="telegram",
    label="Telegram's tip",
    description=(
        "A white outline and a soft shadow, with room around the figure: stands out on light "
        "and dark chats alike (not for adaptive-colour emoji: Telegram would paint the outline "
        "in the text colour too)"
    ),
    # At 512 px: an 8 px stroke is 2.5-4 px on screen in a chat; 16 px of padding plus the
    # shadow's own margin keeps the figure well clear of the edges.
    options=RenderOptions(outline_px=8, shadow=True, padding_px=16),
)

LOOKS: tuple[Look, ...] = (PLAIN, TELEGRAM_TIP)

# What a pack made in the window starts with (see the README: Telegram recommends it, and the
# outline hides the paper-coloured fringe a cut-out of a generated picture can keep).
NEW_PACK_LOOK = TELEGRAM_TIP


def look_named(key: str) -> Look:
    """The look called `key`; KeyError for an unknown one."""
    for look in LOOKS:
        if look.key == key:
            return look
    raise KeyError(key)


def look_of(options: RenderOptions) -> Look | None:
    """The named look these options are exactly; None for a custom combination."""
    return next((look for look in LOOKS if look.options == options), None)


def look_fields(look: Look) -> dict[str, object]:
    """The pack fields (as the library names them) that make `look`."""
    options = look.options
    return {
        "outline_px": options.outline_px,
        "shadow": options.shadow,
        "padding_px": options.padding_px,
    }
