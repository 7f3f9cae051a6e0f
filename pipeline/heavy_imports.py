"""One lock for the first import of the heavy libraries, because stages import them from threads.

The streaming engine runs each stage in its own thread, and each stage imports its model library
on first use (so that ``argmap --help`` stays instant). transformers resolves its names lazily, on
first access, so a thread asking for ``from transformers import AutoModel`` while another thread is
half-way through importing sentence-transformers (which imports transformers) can be told
"cannot import name 'AutoModel'". That happened on most first ingests of automatic captions: the
all-mpnet-base-v2 sentence-end restorer failed to load and the whole batch silently fell back to
the weaker MiniLM one. Other lazily-loading libraries (librosa under resemblyzer,
huggingface_hub under faster-whisper) carry the same risk.

Every import of such a library inside a function body is written under this lock::

    with HEAVY_IMPORTS:
        from transformers import AutoModel

It is re-entrant (an adapter may import while its caller already holds it) and only serialises
the imports: once a module is in ``sys.modules`` a second import under the lock costs a
dictionary look-up. ``tests/test_layering.py`` checks that no such import is left outside it.
"""

from __future__ import annotations

import threading

#: held while a thread imports torch, transformers, sentence-transformers, faster-whisper, ...
HEAVY_IMPORTS = threading.RLock()


def quiet_loading() -> None:
    """No "Loading weights" bar: transformers draws one on stderr for every model it loads, noise in
    a CLI and in a log (every loader calls this first)."""
    try:
        with HEAVY_IMPORTS:
            from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers always comes with sentence-transformers
        pass
