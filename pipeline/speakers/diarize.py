"""Who speaks when: speaker turns from audio, overlap-aware, for recordings of any length.

The method is pyannote 3's, with offline models (:mod:`.models`):

1. The segmentation model reads the audio in 10 s windows that overlap by half and says, for
   every ~17 ms frame, which of up to three *local* speakers talk (two at once where they
   overlap). A window knows nothing of the next one's numbering.
2. Local speakers of neighbouring windows are linked where their activity agrees on the half
   the windows share (the same voice starts and stops at the same frames in both): a reliable
   link, since the segmentation model tells voices apart far better within 10 s than any voice
   print does. Two speakers active in one window are never the same person.
3. What that chain cannot link (a speaker who returns after a silence, an hour later) is linked
   by voice: every local speaker with enough speech gets a voice print (from frames where it
   talks alone, so a print is not a blend of two people), chains are averaged, and chains whose
   prints are closer than a threshold merge, most similar first, never across a cannot-link.
   Measured on the shared telephone call, prints of one speaker and of two differ too little
   (cosine 0.77-0.89 against 0.69-0.86) for voice alone to separate them; overlap does.
4. Each frame's activity is averaged over the windows that saw it, per speaker, and cut into
   turns with hysteresis (on at 0.5, off below 0.35), closing gaps shorter than 0.25 s.

A stereo file whose channels hold different people (an interview recorded on two tracks) is
split by channel instead (:func:`argmap.pipeline.ingest.transcribe.independent_channels` tells
the two apart from a mono recording stored as stereo): :func:`diarize_channels` gives each
channel one speaker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from argmap.pipeline.speakers import models

if TYPE_CHECKING:
    import numpy as np

SR = models.SAMPLE_RATE
STEP_SECONDS = 5.0
BATCH = 16  # windows segmented at once
#: cosine distance under which two voice prints are taken to be one speaker of a recording
CLUSTER_THRESHOLD = 0.3
#: seconds a local speaker needs in a window before its voice print is trusted
MIN_EMBED_SECONDS = 0.5
#: seconds of a speaker's speech its voice print is made from (the longest stretches)
MAX_PRINT_SECONDS = 8.0
ONSET, OFFSET = 0.5, 0.35
MIN_GAP = 0.25
MIN_TURN = 0.1


@dataclass(frozen=True)
class Turn:
    start: float
    end: float
    speaker: int  # 0, 1, ... in order of first appearance


@dataclass
class Diarization:
    turns: list[Turn]
    voices: dict[int, np.ndarray] = field(default_factory=dict)  # speaker -> voice print
    method: str = "segmentation"  # segmentation | channels

    @property
    def speakers(self) -> list[int]:
        return sorted({t.speaker for t in self.turns} | set(self.voices))

    def seconds(self, speaker: int) -> float:
        return sum(t.end - t.start for t in self.turns if t.speaker == speaker)


def _window_starts(samples: int) -> list[int]:
    step = int(STEP_SECONDS * SR)
    starts = list(range(0, max(1, samples - models.WINDOW_SAMPLES + step), step))
    if samples > models.WINDOW_SAMPLES and starts[-1] + models.WINDOW_SAMPLES < samples:
        starts.append(samples - models.WINDOW_SAMPLES)
    return starts


def _activity(audio: np.ndarray, starts: list[int]) -> np.ndarray:
    """Segmentation of every window, a batch of windows at a time: the windows of an hour
    overlap by half, and holding them all would double the audio in memory."""
    import numpy as np

    out = []
    for first in range(0, len(starts), BATCH):
        batch = starts[first : first + BATCH]
        windows = np.zeros((len(batch), models.WINDOW_SAMPLES), dtype=np.float32)
        for i, s in enumerate(batch):
            chunk = audio[s : s + models.WINDOW_SAMPLES]
            windows[i, : len(chunk)] = chunk
        out.append(models.segment_windows(windows))
    return np.concatenate(out)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last+1) of each run of True."""
    import numpy as np

    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def diarize(audio: np.ndarray, *, threshold: float = CLUSTER_THRESHOLD) -> Diarization:
    """Speaker turns and voice prints of a 16 kHz mono recording."""
    import numpy as np

    if len(audio) < SR // 2:
        return Diarization(turns=[])
    starts = _window_starts(len(audio))
    acts = _activity(audio, starts)  # (windows, frames, 3 local speakers)
    frame = models.WINDOW_SAMPLES / models.FRAMES_PER_WINDOW  # samples per frame
    locals_: list[tuple[int, int, list[np.ndarray], float]] = []  # window, speaker, speech, seconds
    for i, start in enumerate(starts):
        valid = min(models.FRAMES_PER_WINDOW, int((len(audio) - start) / frame))
        for k in range(3):
            active = acts[i, :valid, k] > ONSET
            seconds = active.sum() * frame / SR
            if seconds < MIN_EMBED_SECONDS:
                continue
            others = np.delete(acts[i, :valid], k, axis=1).max(axis=1) < ONSET
            alone = active & others
            use = alone if alone.sum() * frame / SR >= MIN_EMBED_SECONDS else active
            pieces = [audio[start + int(a * frame) : start + int(b * frame)] for a, b in _runs(use)]
            locals_.append((i, k, pieces, float(seconds)))
    if not locals_:
        return Diarization(turns=[])
    labels, cluster_prints = _link(locals_, acts, starts, frame, threshold)

    total = int(np.ceil(len(audio) / frame))
    n_clusters = int(labels.max()) + 1
    activity = np.zeros((n_clusters, total), dtype=np.float32)
    cover = np.zeros(total, dtype=np.float32)
    by_window: dict[int, list[tuple[int, int]]] = {}
    for (i, k, _, _), c in zip(locals_, labels, strict=True):
        by_window.setdefault(i, []).append((k, int(c)))
    for i, start in enumerate(starts):
        first = int(round(start / frame))
        span = min(models.FRAMES_PER_WINDOW, total - first)
        if span <= 0:
            continue
        cover[first : first + span] += 1
        seen = np.zeros((n_clusters, span), dtype=np.float32)
        for k, c in by_window.get(i, []):
            seen[c] = np.maximum(seen[c], acts[i, :span, k])
        activity[:, first : first + span] += seen
    activity /= np.maximum(cover, 1)

    turns: list[Turn] = []
    for c in range(n_clusters):
        for a, b in _hysteresis(activity[c]):
            turns.append(Turn(round(a * frame / SR, 3), round(b * frame / SR, 3), c))
    turns = _tidy(turns)
    # Speakers numbered by first word.
    first_words = dict.fromkeys(t.speaker for t in sorted(turns, key=lambda t: t.start))
    order = {c: n for n, c in enumerate(first_words)}
    voices = {n: cluster_prints[c] for c, n in order.items()}
    renumbered = [Turn(t.start, t.end, order[t.speaker]) for t in turns if t.speaker in order]
    return Diarization(turns=sorted(renumbered, key=lambda t: (t.start, t.speaker)), voices=voices)


def _link(
    locals_: list[tuple[int, int, list[np.ndarray], float]],
    acts: np.ndarray,
    starts: list[int],
    frame: float,
    threshold: float,
) -> tuple[np.ndarray, list[np.ndarray]]:
    """A speaker number for every local speaker (chained by shared activity, merged by voice),
    and each speaker's voice print."""
    import numpy as np

    n = len(locals_)
    parent = list(range(n))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    index = {(w, k): m for m, (w, k, _, _) in enumerate(locals_)}
    # Chain: local speakers of consecutive windows whose activity agrees where the windows overlap.
    for w in range(len(starts) - 1):
        shift = int(round((starts[w + 1] - starts[w]) / frame))
        shared = models.FRAMES_PER_WINDOW - shift
        if shared <= 0:
            continue
        pairs = []
        for k in range(3):
            for j in range(3):
                if (w, k) not in index or (w + 1, j) not in index:
                    continue
                a, b = acts[w, shift:, k], acts[w + 1, :shared, j]
                union = float(np.maximum(a, b).sum())
                if union * frame / SR < MIN_EMBED_SECONDS:
                    continue
                pairs.append((float(np.minimum(a, b).sum()) / union, k, j))
        used_k: set[int] = set()
        used_j: set[int] = set()
        for agreement, k, j in sorted(pairs, reverse=True):
            if agreement >= 0.5 and k not in used_k and j not in used_j:
                parent[find(index[(w, k)])] = find(index[(w + 1, j)])
                used_k.add(k)
                used_j.add(j)
    groups: dict[int, list[int]] = {}
    for m in range(n):
        groups.setdefault(find(m), []).append(m)
    chains = list(groups.values())
    windows_of = [{locals_[m][0] for m in chain} for chain in chains]
    # One print per chain, from its longest stretches of speech: embedding every local speaker
    # cost most of diarization's time and told voices apart no better.
    prints, weights = [], []
    for chain in chains:
        members = sorted(chain, key=lambda m: -locals_[m][3])
        pieces, total = [], 0
        for m in members:
            for piece in locals_[m][2]:
                if total >= MAX_PRINT_SECONDS * SR:
                    break
                pieces.append(piece)
                total += len(piece)
        prints.append(models.voice_print(np.concatenate(pieces)))
        weights.append(sum(locals_[m][3] for m in chain))
    # Voice: merge chains whose prints are close, never two that speak in one window together.
    # One similarity matrix, updated row by row as chains merge (hours of audio make hundreds).
    vectors = np.stack(prints)
    windows = np.zeros((len(chains), len(starts)), dtype=bool)
    for c, ws in enumerate(windows_of):
        windows[c, list(ws)] = True
    sims = vectors @ vectors.T
    alive = np.ones(len(chains), dtype=bool)

    def masked() -> np.ndarray:
        conflict = (windows.astype(np.int32) @ windows.T.astype(np.int32)) > 0
        scores = np.where(conflict | ~alive[:, None] | ~alive[None, :], -np.inf, sims)
        np.fill_diagonal(scores, -np.inf)
        return scores

    while alive.sum() > 1:
        scores = masked()
        x, y = (int(i) for i in np.unravel_index(int(np.argmax(scores)), scores.shape))
        if scores[x, y] <= 1.0 - threshold:
            break
        mixed = vectors[x] * weights[x] + vectors[y] * weights[y]
        vectors[x] = mixed / max(float(np.linalg.norm(mixed)), 1e-9)
        weights[x] += weights[y]
        windows[x] |= windows[y]
        chains[x] += chains[y]
        alive[y] = False
        sims[x, :] = vectors @ vectors[x]
        sims[:, x] = sims[x, :]
    chains = [c for c, keep in zip(chains, alive, strict=True) if keep]
    prints = [vectors[c] for c in range(len(alive)) if alive[c]]
    labels = np.zeros(n, dtype=int)
    for c, chain in enumerate(chains):
        labels[chain] = c
    return labels, prints


def _hysteresis(track: np.ndarray) -> list[tuple[int, int]]:
    out, on, begin = [], False, 0
    for n, value in enumerate(track.tolist()):
        if not on and value > ONSET:
            on, begin = True, n
        elif on and value < OFFSET:
            out.append((begin, n))
            on = False
    if on:
        out.append((begin, len(track)))
    return out


def _tidy(turns: list[Turn]) -> list[Turn]:
    """Close a speaker's short gaps and drop turns too short to be speech."""
    out: list[Turn] = []
    for speaker in sorted({t.speaker for t in turns}):
        mine = sorted((t for t in turns if t.speaker == speaker), key=lambda t: t.start)
        merged: list[Turn] = []
        for t in mine:
            if merged and t.start - merged[-1].end < MIN_GAP:
                merged[-1] = Turn(merged[-1].start, max(merged[-1].end, t.end), speaker)
            else:
                merged.append(t)
        out += [t for t in merged if t.end - t.start >= MIN_TURN]
    return out


# -- two channels, two people ------------------------------------------------------------------


def diarize_channels(left: np.ndarray, right: np.ndarray) -> Diarization:
    """One speaker per channel: turns where a channel carries speech, overlaps included.

    A channel talks where it is well above its own noise floor and not merely the other
    channel's bleed (at least a third of the other's level).
    """
    import numpy as np

    hop = SR // 20  # 50 ms
    n = min(len(left), len(right)) // hop
    channels = (left, right)
    rms = np.stack([np.sqrt(np.mean(ch[: n * hop].reshape(n, hop) ** 2, axis=1)) for ch in channels])
    turns: list[Turn] = []
    voices: dict[int, np.ndarray] = {}
    for speaker in (0, 1):
        own, other = rms[speaker], rms[1 - speaker]
        floor = max(2.0 * float(np.percentile(own, 10)), 1e-3)
        talking = (own > floor) & (own > other / 3)
        smoothed = np.convolve(talking.astype(float), np.ones(5) / 5, mode="same") > 0.3
        for a, b in _runs(smoothed):
            turns.append(Turn(round(a * hop / SR, 3), round(b * hop / SR, 3), speaker))
        pieces = [channels[speaker][a * hop : b * hop] for a, b in _runs(talking)]
        if pieces and sum(len(p) for p in pieces) >= SR // 2:
            voices[speaker] = models.voice_print(np.concatenate(pieces))
    ordered = sorted(_tidy(turns), key=lambda t: (t.start, t.speaker))
    return Diarization(turns=ordered, voices=voices, method="channels")
