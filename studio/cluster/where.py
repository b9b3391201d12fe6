"""Where generation runs: this device, every GPU of this machine, or a Ray cluster."""

from __future__ import annotations

from dataclasses import dataclass

from studio.errors import StudioError

LOCAL = "local"
GPUS = "gpus"
RAY_SCHEME = "ray://"
CHOICES_HELP = "local, gpus or ray://HOST:PORT"


class InvalidWhere(StudioError):
    """A "where to generate" value that is none of the known forms."""


@dataclass(frozen=True)
class Where:
    """`local` (the worker's own device), `gpus` (one replica per GPU of this machine), or a Ray
    cluster at `ray://HOST:PORT`."""

    kind: str  # LOCAL, GPUS or "ray"
    address: str | None = None  # "ray://HOST:PORT" for a cluster

    @classmethod
    def parse(cls, text: str | None) -> Where:
        """`None` or "" is local; raises `InvalidWhere` with the accepted forms."""
        value = (text or LOCAL).strip()
        if value in (LOCAL, GPUS):
            return cls(value)
        if value.startswith(RAY_SCHEME):
            host, _, port = value[len(RAY_SCHEME) :].rpartition(":")
            if host and port.isdigit() and 0 < int(port) < 65536:
                return cls("ray", value)
        raise InvalidWhere(
            f"cannot generate on {value!r}: use {CHOICES_HELP} (a Ray client address, "
            "e.g. ray://10.0.0.5:10001)"
        )

    @property
    def uses_ray(self) -> bool:
        return self.kind != LOCAL

    def __str__(self) -> str:
        return self.address or self.kind
