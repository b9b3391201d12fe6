"""One lock for importing from transformers, whichever thread does it.

transformers resolves its top-level names lazily (its package is a `_LazyModule`), and that is
not safe from two threads at once. The window starts the engine's probe (which imports the
engine's sampling filter) and the translator's loader on two worker threads together, and one
of them failed with "cannot import name 'MarianMTModel' from 'transformers'" in about one start
of three: the translator then said transformers was missing, or the Generate panel said the
engine could not be imported. Importing transformers' submodules directly instead races worse
(a partially initialised `transformers.utils`). Every import from transformers in the studio
holds this lock; it is re-entrant so that a loader may hold it across an import and the lazy
imports that loading makes.
"""

from __future__ import annotations

import threading

TRANSFORMERS_IMPORT = threading.RLock()
