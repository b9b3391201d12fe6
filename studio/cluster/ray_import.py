"""Importing Ray, or saying in one line how to install it."""

from __future__ import annotations

from types import ModuleType

from studio.errors import StudioError

INSTALL_HINT = "pip install -e .[cluster]"


class RayMissing(StudioError):
    """Ray is not installed here."""


def import_ray() -> ModuleType:
    """The `ray` module; `RayMissing` naming the install command when it is absent."""
    try:
        import ray
    except ImportError:
        raise RayMissing(
            f"Generating on several GPUs or a cluster needs Ray: {INSTALL_HINT}"
        ) from None
    return ray
