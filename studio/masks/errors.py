"""The error mask operations raise for input a caller (or a user) can fix."""

from studio.errors import StudioError


class MaskError(StudioError):
    """A mask or an image given to a mask operation cannot be used as it is."""
