"""Where sentences end in text that has no punctuation: YouTube's automatic captions, some ASR.

Auto-captions arrive lower-case and unpunctuated ("so the big news this week is that the commerce
department put out new export rules for ai chips according to the filing the rules cap ..."). The
sentence splitter in :mod:`argmap.pipeline.document` cuts at punctuation, so on such text it could
only cut every ~45 words at a cue edge, and arguments started mid-phrase and ran on across three
ideas. This module restores the missing sentence ends.

The model reads the words in windows, as a token classifier, and gives for each word the
probability that a sentence ends after it. Each window holds :data:`WINDOW_WORDS` words whose ends
it decides and :data:`CONTEXT_WORDS` words of context on either side, since whether "the rules cap"
continues or starts a sentence depends on what follows. Decoding (:func:`decode`) keeps the ends
whose probability passes the threshold, choosing among ends closer than ``min_words`` words the
likelier set. Two models, one interface:

- by default, when all-mpnet-base-v2 is installed (:mod:`argmap.pipeline.mpnet`, five registry
  packages), :class:`MPNetSentenceEndModel`: a small head (:func:`head_module`, a bidirectional GRU
  over the frozen encoder's states at each word's last word piece; ``data/sentence_ends_mpnet_head.npz``),
  trained by ``benchmarks/train_sentence_ends_mpnet.py``;
- otherwise :class:`SentenceEndModel`: the packaged all-MiniLM-L6-v2 with a LoRA delta and a linear
  head (``data/sentence_ends_lora.npz``, merged at load time by :mod:`argmap.pipeline.minilm`),
  trained by ``benchmarks/train_sentence_ends.py``.

On caption-form transcripts no restorer trained on, the first finds the ends at boundary F1 0.753,
the second at 0.675 (README, "Caption form"). An earlier hashed logistic regression over the words
around each gap found held-out ends with precision 0.553 / recall 0.480; context is what it lacked.

Both were trained offline on punctuated English reduced to caption form: the argument texts of
IBM's ArgKP-2021 and Claim Stance sets (read from ``../shared/data`` at training time, never
copied) with spoken openers and fillers added, the project's own spoken development transcripts,
and a corpus of spoken commentary written for it and for compare (``benchmarks/data/``); the
held-out transcripts were not used. Only the weights ship.

:func:`caption_form` is the reduction itself (lower case, punctuation dropped, apostrophes inside
words kept), shared by training, ``argmap eval``'s caption-form variant and the tests.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argmap.pipeline import mpnet
from argmap.pipeline.errors import ModelError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.minilm import TunedMiniLM, threads_for
from argmap.pipeline.mpnet import FrozenMPNet
from argmap.pipeline.wordpieces import last_pieces

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger(__name__)

WEIGHTS = Path(__file__).resolve().parent / "data" / "sentence_ends_lora.npz"
MPNET_HEAD = WEIGHTS.with_name("sentence_ends_mpnet_head.npz")
#: words whose ends one window decides, and words of context read on either side of them
WINDOW_WORDS = 64
CONTEXT_WORDS = 16
#: word pieces per window: (64 + 2 * 16) caption words are about 125 pieces
MAX_TOKENS = 192
BATCH_WINDOWS = 16
#: below this many marks (full stops, commas...) per word, a text counts as unpunctuated
PUNCTUATED_RATE = 1 / 40
_WORD = re.compile(r"[\w'’]+")
_INNER_APOSTROPHE = re.compile(r"(?<=\w)['’](?=\w)")
#: marks that close off the word before them; a restored end falls after them
_ATTACHED = re.compile(r"[,;:.!?…)\]}\"”’]*")


def caption_form(text: str) -> str:
    """``text`` as automatic captions write it: lower case, no punctuation, words kept whole."""
    kept = _INNER_APOSTROPHE.sub("\x00", text.lower())
    words = re.findall(r"[\w\x00]+", kept)
    return " ".join(w.replace("\x00", "'") for w in words)


def is_unpunctuated(text: str) -> bool:
    """Whether ``text`` is long enough to need sentences and has almost no marks: a run-on with
    commas but one full stop is punctuated, and is cut at its commas (see :mod:`argmap.pipeline.document`)."""
    words = len(text.split())
    return words >= 12 and len(re.findall(r"[.!?…,;:]", text)) < words * PUNCTUATED_RATE


def windows(
    count: int, size: int = WINDOW_WORDS, context: int = CONTEXT_WORDS
) -> list[tuple[int, int, int, int]]:
    """(read from, decide from, decide to, read to) word indices covering ``count`` words."""
    return [
        (max(0, a - context), a, min(count, a + size), min(count, a + size + context))
        for a in range(0, count, size)
    ]


class SentenceEndModel:
    """P(a sentence ends after this word) for every word of an unpunctuated text: MiniLM with a
    LoRA delta and a linear head (the fallback when all-mpnet-base-v2 is not installed).

    Args:
        weights: the adapter and head file (``meta::threshold`` and ``meta::min_words`` decode).
    """

    #: what reports call it
    name = "all-MiniLM-L6-v2 + LoRA"

    def __init__(self, weights: Path = WEIGHTS):
        self.encoder = TunedMiniLM(weights)
        if "head::weight" not in self.encoder.delta:
            raise ModelError(f"{weights} has no sentence-end head")
        self.threshold = self.encoder.meta("threshold", 0.5)
        self.min_words = int(self.encoder.meta("min_words", 2))

    def token_logits(self, batch: Any) -> Any:
        """One logit per word piece of a tokenised batch of windows (a torch tensor)."""
        model, _ = self.encoder.load()
        delta = self.encoder.delta
        with HEAVY_IMPORTS:
            import torch

        weight = torch.from_numpy(delta["head::weight"].astype("float32").reshape(-1))
        bias = float(delta["head::bias"].astype("float32").reshape(-1)[0])
        hidden = model(**batch).last_hidden_state
        return hidden.float() @ weight + bias

    def window_probabilities(self, windows: list[list[str]]) -> list[np.ndarray]:
        """P(end) for each word of each window (0 for words past :data:`MAX_TOKENS` pieces)."""
        import numpy as np

        _, tokenizer = self.encoder.load()
        batch = tokenizer(
            windows,
            is_split_into_words=True,
            truncation=True,
            max_length=MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )
        logits = self.token_logits(batch).numpy()
        out = []
        for row, words in enumerate(windows):
            p = np.zeros(len(words), dtype=np.float32)
            for word, piece in last_pieces(batch.word_ids(row)).items():
                p[word] = 1.0 / (1.0 + np.exp(-logits[row, piece]))
            out.append(p)
        return out

    def probabilities(self, words: Sequence[str]) -> np.ndarray:
        import numpy as np

        with HEAVY_IMPORTS:
            import torch

        out = np.zeros(len(words), dtype=np.float32)
        if not words:
            return out
        spans = windows(len(words))
        with threads_for(len(words) // 16), torch.inference_mode():  # a short text: one thread
            for first in range(0, len(spans), BATCH_WINDOWS):
                chunk = spans[first : first + BATCH_WINDOWS]
                rows = self.window_probabilities([[_norm(w) for w in words[lo:hi]] for lo, _, _, hi in chunk])
                for p, (lo, a, b, _) in zip(rows, chunk, strict=True):
                    out[a:b] = p[a - lo : b - lo]
        return out

    def ends(self, words: Sequence[str]) -> list[int]:
        """Indices of the words after which a sentence ends; the last word always ends one."""
        return decode(self.probabilities(words).tolist(), self.threshold, self.min_words)


class MPNetSentenceEndModel(SentenceEndModel):
    """The default restorer when all-mpnet-base-v2 is installed: :func:`head_module` over the
    frozen encoder's word features (:class:`argmap.pipeline.mpnet.FrozenMPNet`).

    Args:
        head: the head's weights (``head::<name>``) and decoding (``meta::threshold``,
            ``meta::min_words``), written by ``benchmarks/train_sentence_ends_mpnet.py``.
        encoder: the encoder (default: the packaged model, joined on first use).
    """

    name = "all-mpnet-base-v2 + head"

    def __init__(self, head: Path = MPNET_HEAD, encoder: FrozenMPNet | None = None):
        import numpy as np

        with np.load(head) as stored:
            self.arrays = {name: stored[name] for name in stored.files}
        if "meta::mpnet" not in self.arrays:
            raise ModelError(f"{head} is not a head over all-mpnet-base-v2")
        layers = tuple(int(x) for x in self.arrays.get("meta::layers", mpnet.LAYERS))
        if layers != mpnet.LAYERS:
            raise ModelError(f"{head} reads layers {layers}, the encoder gives {mpnet.LAYERS}")
        self.threshold = float(self.arrays["meta::threshold"])
        self.min_words = int(self.arrays["meta::min_words"])
        self.encoder = encoder or FrozenMPNet()  # type: ignore[assignment]
        self._head: Any = None

    def head(self) -> Any:
        if self._head is None:
            with HEAVY_IMPORTS:
                import torch

            module = head_module()
            state = {
                k.split("::", 1)[1]: torch.from_numpy(v.astype("float32"))
                for k, v in self.arrays.items()
                if k.startswith("head::")
            }
            module.load_state_dict(state)
            self._head = module.eval()
        return self._head

    def window_probabilities(self, windows: list[list[str]]) -> list[np.ndarray]:
        import numpy as np

        with HEAVY_IMPORTS:
            import torch

        features = self.encoder.word_features(windows, MAX_TOKENS)  # type: ignore[attr-defined]
        with torch.inference_mode():
            probabilities = torch.sigmoid(self.head()(*padded(features))).numpy()
        out = []
        for row, (words, f) in enumerate(zip(windows, features, strict=True)):
            p = np.zeros(len(words), dtype=np.float32)
            p[: len(f)] = probabilities[row, : len(f)]
            out.append(p)
        return out


def padded(features: Sequence[np.ndarray]) -> tuple[Any, Any]:
    """Word-feature arrays as one zero-padded batch and their lengths (torch tensors)."""
    with HEAVY_IMPORTS:
        import torch

    width = max([1, *(len(f) for f in features)])
    x = torch.zeros(len(features), width, mpnet.WIDTH)
    for n, f in enumerate(features):
        x[n, : len(f)] = torch.as_tensor(f, dtype=torch.float32)
    return x, torch.tensor([max(1, len(f)) for f in features])


def head_module() -> Any:
    """The restorer's head over frozen word features, a torch module ``(x, lengths) -> logits``:
    normalised, projected to 256, read in both directions by a GRU (whether a word ends a
    sentence depends on the words after it, which the frozen states weigh only in general), and
    one logit per word."""
    with HEAVY_IMPORTS:
        import torch

    class EndsHead(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.norm = torch.nn.LayerNorm(mpnet.WIDTH)
            self.proj = torch.nn.Linear(mpnet.WIDTH, 256)
            self.drop = torch.nn.Dropout(0.1)
            self.gru = torch.nn.GRU(256, 128, batch_first=True, bidirectional=True)
            self.out = torch.nn.Linear(256, 1)

        def forward(self, x: Any, lengths: Any) -> Any:
            h = self.drop(torch.nn.functional.gelu(self.proj(self.norm(x))))
            pack = torch.nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            o, _ = self.gru(pack)
            o, _ = torch.nn.utils.rnn.pad_packed_sequence(o, batch_first=True, total_length=x.shape[1])
            return self.out(self.drop(o)).squeeze(-1)

    return EndsHead()


def decode(probabilities: Sequence[float], threshold: float, min_words: int) -> list[int]:
    """The sentence ends that best fit ``probabilities`` with no sentence (but the last) shorter
    than ``min_words`` words; the last word always ends one.

    Each end chosen scores ``logit(p) - logit(threshold)``, positive exactly where ``p`` passes
    the threshold, and the set with the highest total is found by dynamic programming. A greedy
    left-to-right pass took the first word over the threshold even when the next one was far
    likelier, and then had to skip that one as too close; where no two likely ends are closer
    than ``min_words`` both give the same ends (but for a probability exactly at the threshold)."""
    n = len(probabilities)
    if n == 0:
        return []
    bias = _logit(threshold)
    min_words = max(1, min_words)  # a sentence has a word
    # best[i]: the highest total over the words before i, with a sentence ending just before i
    best, back = [0.0] + [-math.inf] * n, [0] * (n + 1)
    reach, reach_at = -math.inf, 0  # the best best[j] with j <= i - min_words
    for i in range(1, n):
        j = i - min_words
        if j >= 0 and best[j] > reach:
            reach, reach_at = best[j], j
        if reach > -math.inf:
            best[i], back[i] = reach + _logit(probabilities[i - 1]) - bias, reach_at
    last = max(range(n), key=lambda j: best[j])  # the last sentence may be short
    out, i = [n - 1], last
    while i > 0:
        out.append(i - 1)
        i = back[i]
    return out[::-1]


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


_LOCK = threading.Lock()
_LOADED: dict[Path | None, SentenceEndModel | None] = {}  # None: the default restorer


def open_model(path: Path) -> SentenceEndModel:
    """The restorer a weights file holds: a head over all-mpnet-base-v2 or MiniLM's delta."""
    import numpy as np

    with np.load(path) as stored:
        over_mpnet = "meta::mpnet" in stored.files
    return MPNetSentenceEndModel(path) if over_mpnet else SentenceEndModel(path)


def _default() -> SentenceEndModel | None:
    try:
        folder = mpnet.model_folder()  # None when the packages are not installed
        if folder is not None:
            model = MPNetSentenceEndModel(MPNET_HEAD, FrozenMPNet(folder))
            # loaded here, not at first use, so that a damaged file falls back too
            model.encoder.load()
            model.head()
            return model
    except Exception as err:  # noqa: BLE001 - any failure of the larger model: use the smaller
        log.warning("sentence ends: all-mpnet-base-v2 unusable, restoring with MiniLM: %s", err)
    try:
        return SentenceEndModel(WEIGHTS)
    except (OSError, KeyError, ValueError, ModelError):
        return None


def restorer_name(model: SentenceEndModel | None) -> str:
    """What reports call a restorer (``argmap eval``, the recovery benchmark)."""
    return getattr(model, "name", type(model).__name__) if model is not None else "none (cut by length)"


def default_restorer_name() -> str:
    """The restorer :func:`load_model` picks when nothing fails, without loading it (``argmap info``)."""
    if mpnet.parts() is not None and MPNET_HEAD.is_file():
        return MPNetSentenceEndModel.name
    return SentenceEndModel.name


def load_model(path: Path | None = None) -> SentenceEndModel | None:
    """A restorer, read once per process: the file at ``path``, or by default the head over
    all-mpnet-base-v2 when its packages are installed, else the MiniLM one. None when the file
    is missing or unreadable (sentences are then cut by length alone, as before the model
    existed). The default all-mpnet-base-v2 one loads here, so that any failure falls back to
    MiniLM; a MiniLM restorer loads on first use."""
    with _LOCK:
        if path not in _LOADED:
            if path is None:
                _LOADED[path] = _default()
            else:
                try:
                    _LOADED[path] = open_model(path)
                except (OSError, KeyError, ValueError, ModelError):
                    _LOADED[path] = None
        return _LOADED[path]


@contextmanager
def model_in_use(model: SentenceEndModel | None) -> Iterator[None]:
    """Within the block, the sentence splitter restores ends with ``model`` instead of the default
    one (None: cuts by length alone, as when no weights file is readable): to measure another
    weights file, or the splitter without any, on the path users' text takes. It swaps the
    process-wide model, so other threads see it too."""
    with _LOCK:
        had, before = None in _LOADED, _LOADED.get(None)
        _LOADED[None] = model
    try:
        yield
    finally:
        with _LOCK:
            if had:
                _LOADED[None] = before
            else:
                _LOADED.pop(None, None)


# Each stage that reads a transcript (extract, summarise) splits its sentences again; in one
# process they ask about the same text, and an hour of captions costs the default restorer seconds.
_RECENT: OrderedDict[tuple[SentenceEndModel, str], list[int]] = OrderedDict()
_RECENT_SIZE = 16


def sentence_ends(text: str, model: SentenceEndModel | None = None) -> list[int]:
    """Character offsets in ``text`` just after each word that ends a sentence (the text's own
    end included); empty when no model is available. The last few answers are kept per model."""
    model = model or load_model()
    if model is None:
        return []
    key = (model, text)  # the model itself, not its id: a later model may reuse a freed id
    with _LOCK:
        if key in _RECENT:
            _RECENT.move_to_end(key)
            return list(_RECENT[key])
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return []
    ends = model.ends([text[a:b] for a, b in spans])
    # past the marks a word carries ("go," "it's -"), so the next sentence starts at a word
    out = [_ATTACHED.match(text, spans[i][1]).end() for i in ends]  # type: ignore[union-attr]
    with _LOCK:
        _RECENT[key] = out
        while len(_RECENT) > _RECENT_SIZE:
            _RECENT.popitem(last=False)
    return list(out)


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


__all__ = [
    "MPNetSentenceEndModel",
    "SentenceEndModel",
    "caption_form",
    "decode",
    "default_restorer_name",
    "is_unpunctuated",
    "load_model",
    "model_in_use",
    "open_model",
    "restorer_name",
    "sentence_ends",
    "windows",
]
