"""Per-picture results kept for the next caller.

Every step after the network measures the same picture's paper: `contour.background_field`
is asked for seven times per cut-out and `paper_gaps.Paper.measure` twice. Fitting the paper
again each time took 58 of the 176 ms a cut-out spent after the network (a profile of 48
cut-outs at 512 px, 2 CPU threads). A function wrapped here keeps its last few results, by the
picture's content (a 128-bit BLAKE2 digest: under a millisecond for a 512 px picture), and
hands out read-only arrays so that no caller can change what the next one gets. Cut-outs run
on worker threads, so the store is locked.
"""

from __future__ import annotations

import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def _frozen(value):
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple):
        for item in value:
            _frozen(item)
    return value


def per_picture(keep: int = 2) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Keep the last `keep` results of a function of a picture (H,W[,C] array) and hashable
    further arguments. Two are enough for a cut-out (the steps ask in turn about one picture)
    and bound what is held: a 2048 px picture's paper field is 50 MB."""

    def wrap(function: Callable[..., T]) -> Callable[..., T]:
        store: OrderedDict = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(function)
        def cached(picture: np.ndarray, *args) -> T:
            picture = np.ascontiguousarray(picture)
            digest = hashlib.blake2b(picture, digest_size=16).digest()
            key = (picture.shape, picture.dtype.str, digest, args)
            with lock:
                if key in store:
                    store.move_to_end(key)
                    return store[key]
            result = _frozen(function(picture, *args))
            with lock:
                store[key] = result
                while len(store) > keep:
                    store.popitem(last=False)
            return result

        return cached

    return wrap
